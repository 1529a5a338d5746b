//! A registry on a fresh database (SQLite in a temporary directory, or a fresh PostgreSQL
//! database) with the example organisations and accounts.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use iotlabel_catalog::Catalog;
use iotlabel_label::KeyPair;
use iotlabel_label::attestation::{EvidencePredicate, EvidenceStatement};
use iotlabel_registry::{Account, Db, Registry, RegistryConfig, Role};
use iotlabel_testkit::PostgresDatabase;
use jiff::Timestamp;

/// Which database a scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    Sqlite,
    Postgres,
}

/// Where the database lives; keeps it alive for the test.
pub enum Place {
    Dir(tempfile::TempDir),
    Pg(PostgresDatabase),
}

impl Place {
    pub async fn new(on: On) -> Self {
        match on {
            On::Sqlite => Place::Dir(tempfile::tempdir().unwrap()),
            On::Postgres => Place::Pg(PostgresDatabase::create().await),
        }
    }

    pub fn url(&self) -> String {
        match self {
            Place::Dir(d) => iotlabel_registry::db::sqlite_url(d.path()),
            Place::Pg(p) => p.url.clone(),
        }
    }

    pub async fn db(&self) -> Db {
        Db::open(&self.url()).await.unwrap()
    }

    pub async fn cleanup(self) {
        if let Place::Pg(p) = self {
            p.drop_now().await;
        }
    }
}

pub fn examples() -> PathBuf {
    iotlabel_testkit::workspace_root().join("examples/declarations")
}

pub fn example(rel: &str) -> String {
    std::fs::read_to_string(examples().join(rel)).unwrap()
}

pub fn catalog() -> Arc<Catalog> {
    Arc::new(iotlabel_catalog::load_dir(&iotlabel_testkit::catalog_dir()).unwrap())
}

/// The fixed "now" of the scenarios (the examples' evidence is dated October 2026).
pub fn now() -> Timestamp {
    "2026-11-21T10:00:00Z".parse().unwrap()
}

pub fn days(n: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(24 * n)
}

/// The issuer key every scenario uses, so a reopened registry signs with the same key.
pub fn issuer() -> Arc<KeyPair> {
    Arc::new(KeyPair::from_seed(&[7; 32]))
}

pub struct Fixture {
    pub place: Place,
    pub registry: Registry,
    pub operator: Account,
    /// The operator's bearer token.
    pub operator_token: String,
    /// Acme Devices Ltd (smart plug, IP camera, camera system).
    pub acme: Account,
    /// Lullen Home B.V. (baby monitor).
    pub lullen: Account,
    /// Noordlicht Security Lab B.V., an assessor.
    pub lab: Account,
    pub lab_key: KeyPair,
    pub lab_key_id: String,
}

pub async fn open(
    place: &Place,
    catalog: Arc<Catalog>,
    config: RegistryConfig,
    at: Timestamp,
) -> Registry {
    Registry::open(place.db().await, catalog, issuer(), config, at)
        .await
        .unwrap()
}

pub fn config() -> RegistryConfig {
    RegistryConfig {
        public_url: "https://registry.example.test".into(),
        ..RegistryConfig::default()
    }
}

impl Fixture {
    pub async fn new(on: On) -> Self {
        let place = Place::new(on).await;
        let registry = open(&place, catalog(), config(), now()).await;
        let token = registry
            .bootstrap("Example Scheme")
            .await
            .unwrap()
            .expect("first bootstrap makes an operator");
        assert!(
            registry.bootstrap("Again").await.unwrap().is_none(),
            "bootstrap works once"
        );
        let operator = registry.authenticate(&token).await.unwrap();
        let acme =
            Self::account(&registry, &operator, "Acme Devices Ltd", Role::Manufacturer).await;
        let lullen =
            Self::account(&registry, &operator, "Lullen Home B.V.", Role::Manufacturer).await;
        let lab = Self::account(
            &registry,
            &operator,
            "Noordlicht Security Lab B.V.",
            Role::Assessor,
        )
        .await;
        let lab_key = KeyPair::from_seed(&[42; 32]);
        let public = base64_url(lab_key.public().as_bytes());
        let lab_key_id = registry
            .register_key(
                &operator,
                &lab.organisation_id,
                "Noordlicht lab key 1",
                &public,
                now(),
            )
            .await
            .unwrap();
        Self {
            place,
            registry,
            operator,
            operator_token: token,
            acme,
            lullen,
            lab,
            lab_key,
            lab_key_id,
        }
    }

    pub async fn account(
        registry: &Registry,
        operator: &Account,
        org: &str,
        role: Role,
    ) -> Account {
        let id = registry
            .create_organisation(operator, org, role, Some("security@example.test"))
            .await
            .unwrap();
        let token = registry
            .create_account(operator, &id, &format!("{org} account"), role)
            .await
            .unwrap();
        registry.authenticate(&token).await.unwrap()
    }

    /// Uploads the evidence files a declaration references and, for assessor evidence, has
    /// the lab attest them.
    pub async fn evidence(&self, declaration: &str, attest: bool) {
        let text = example(declaration);
        let dir = Path::new(declaration).parent().unwrap();
        let doc: toml::Value = toml::from_str(&text).unwrap();
        for e in doc["evidence"].as_array().unwrap() {
            let Some(path) = e.get("path").and_then(|p| p.as_str()) else {
                continue;
            };
            let bytes = std::fs::read(examples().join(dir).join(path)).unwrap();
            let digest = self
                .registry
                .put_blob(
                    &self.acme,
                    bytes,
                    "application/octet-stream",
                    e["sha256"].as_str(),
                )
                .await
                .unwrap();
            if attest && e["producer"].as_str() == Some("assessor") {
                let statement = EvidenceStatement::new(
                    path,
                    &digest,
                    EvidencePredicate {
                        assessor: e["assessor"].as_str().unwrap().to_owned(),
                        kind: e["kind"].as_str().unwrap().to_owned(),
                        provisions: e["provisions"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|p| p.as_str().unwrap().to_owned())
                            .collect(),
                        date: e["date"].as_str().unwrap().to_owned(),
                    },
                );
                let envelope = serde_json::to_vec(&statement.sign(&self.lab_key)).unwrap();
                self.registry
                    .attest(&self.lab, &envelope, now())
                    .await
                    .unwrap();
            }
        }
    }

    pub async fn finish(self) {
        self.registry.log.shutdown().await;
        drop(self.registry);
        self.place.cleanup().await;
    }
}

pub fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The smart plug's declaration with its process declaration, ready to submit.
pub fn smart_plug() -> (String, String) {
    (
        example("smart-plug/declaration.toml"),
        example("acme-process.toml"),
    )
}

impl Fixture {
    /// Uploads the smart plug's and Acme's process evidence.
    pub async fn plug_evidence(&self) {
        self.evidence("smart-plug/declaration.toml", false).await;
        self.evidence("acme-process.toml", false).await;
    }
}

/// A declaration with text replaced (e.g. a new software version).
pub fn edited(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` is not in the declaration");
    text.replacen(from, to, 1)
}

pub fn path_of(p: &Path) -> String {
    p.display().to_string()
}
