//! The registry's operations: who may do what, and how each change reaches the database and
//! the transparency log together.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use iotlabel_assess::{
    DeclarationInput, EvidenceState, Inputs, LabelInfo, Options, VulnerabilityStatus,
};
use iotlabel_catalog::Catalog;
use iotlabel_declaration::model::{Declaration, Producer, Scope};
use iotlabel_declaration::{Integrity, Syntax};
use iotlabel_label::attestation::EvidenceStatement;
use iotlabel_label::dsse::Subject;
use iotlabel_label::status::{StatusClaims, sign_status};
use iotlabel_label::{IssueRequest, KeyPair, Policy, ProductIdentity};
use jiff::Timestamp;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::auth::{new_id, new_token, token_hash};
use crate::config::RegistryConfig;
use crate::db::Db;
use crate::entry::Entry;
use crate::error::RegistryError;
use crate::ids::{product_id, version_id};
use crate::label_cache::LabelCache;
use crate::log::{Append, Log, NewEntry};
use crate::model::{Account, LabelRecord, LabelStatus, Role};
use crate::monitor::Monitor;
use crate::store::{self, LabelQuery, Write};

/// The registry.
pub struct Registry {
    /// The database.
    pub db: Db,
    /// The transparency log.
    pub log: Log,
    /// The catalogue in force.
    pub catalog: Arc<Catalog>,
    /// The key labels and status tokens are signed with.
    pub issuer: Arc<KeyPair>,
    /// Settings.
    pub config: RegistryConfig,
    /// Recently read label records (see [`LabelCache`]).
    labels: Arc<LabelCache>,
    /// Vulnerability monitoring (see [`crate::monitor`]).
    pub(crate) monitor: Arc<Monitor>,
}

/// What a submission produced.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The label.
    pub label: LabelRecord,
    /// False when the same declaration had already been labelled (idempotent resubmission).
    pub created: bool,
    /// The assessment behind it, as stored (the JSON of an `AssessmentResult`).
    pub assessment: serde_json::Value,
    /// Labels this one superseded.
    pub superseded: Vec<String>,
}

/// A lifecycle action by the scheme operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Suspend an active label.
    Suspend,
    /// Revoke for good.
    Revoke,
    /// Reinstate a suspended label.
    Reinstate,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(crate) fn now_secs(now: Timestamp) -> i64 {
    now.as_second()
}

pub(crate) fn require(account: &Account, role: Role) -> Result<(), RegistryError> {
    if account.role == role {
        Ok(())
    } else {
        Err(RegistryError::Forbidden(format!(
            "this needs a {} account; {} is {}",
            role.as_str(),
            account.name,
            account.role.as_str()
        )))
    }
}

pub(crate) fn entry(e: &Entry) -> NewEntry {
    NewEntry {
        kind: e.kind().to_owned(),
        subject: e.subject().to_owned(),
        data: e.to_bytes(),
    }
}

impl Registry {
    /// Opens a registry on a database: starts the log and records the catalogue and the issuer
    /// key (each logged once).
    pub async fn open(
        db: Db,
        catalog: Arc<Catalog>,
        issuer: Arc<KeyPair>,
        config: RegistryConfig,
        now: Timestamp,
    ) -> Result<Self, RegistryError> {
        let log = Log::start(db.clone(), issuer.clone(), &config).await?;
        let monitor = Arc::new(Monitor::new(config.max_upload_bytes));
        let registry = Self {
            db,
            log,
            catalog,
            issuer,
            config,
            labels: Arc::new(LabelCache::default()),
            monitor,
        };
        registry.register_issuer_key(now).await?;
        registry.record_catalog(now).await?;
        crate::stats::backfill_facts(&registry).await?;
        registry.start_monitor(now).await?;
        Ok(registry)
    }

    async fn register_issuer_key(&self, now: Timestamp) -> Result<(), RegistryError> {
        if store::key(&self.db.pool, self.issuer.id()).await?.is_some() {
            return Ok(());
        }
        let public = URL_SAFE_NO_PAD.encode(self.issuer.public().as_bytes());
        let e = Entry::KeyAdded {
            key: self.issuer.id().to_owned(),
            role: "issuer".into(),
            name: format!("{} issuer", self.log.origin()),
            public_key: public.clone(),
            at: now_secs(now),
        };
        self.log
            .append(Append {
                entries: vec![entry(&e)],
                writes: vec![Write::Key {
                    id: self.issuer.id().to_owned(),
                    role: "issuer".into(),
                    organisation_id: None,
                    name: format!("{} issuer", self.log.origin()),
                    public_key: public,
                    valid_from: now_secs(now),
                    entry: 0,
                }],
            })
            .await?;
        Ok(())
    }

    /// Records the catalogue version in force, and when it changed provisions that live labels
    /// relied on, starts their grace period (they lapse unless the manufacturer re-declares).
    async fn record_catalog(&self, now: Timestamp) -> Result<(), RegistryError> {
        let version = self.catalog.meta.version.to_string();
        let known = store::catalog_versions(&self.db.pool).await?;
        let mut writes = Vec::new();
        let snapshot =
            serde_json::to_vec(&*self.catalog).map_err(|e| RegistryError::Config(e.to_string()))?;
        match known.iter().find(|(v, _)| *v == version) {
            None => writes.push(Write::CatalogVersion {
                version: version.clone(),
                snapshot,
            }),
            Some((_, recorded)) if *recorded != snapshot => {
                // Labels name their catalogue by version; one version must mean one content.
                return Err(RegistryError::Config(format!(
                    "catalogue {version} differs from the catalogue this registry recorded under that version; give the changed catalogue a new version (and a CHANGELOG entry)"
                )));
            }
            Some(_) => {}
        }
        let grace_until = now_secs(now) + self.config.catalog_grace_days * 86_400;
        for label in store::live_labels_not_on(&self.db.pool, &version).await? {
            if label.lapses_at.is_some() {
                continue;
            }
            let Some((_, snapshot)) = known.iter().find(|(v, _)| *v == label.catalog_version)
            else {
                continue;
            };
            if self.label_touched_by_change(&label, snapshot).await? {
                writes.push(Write::Lapse {
                    label_id: label.id.clone(),
                    lapses_at: Some(grace_until),
                });
            }
        }
        if !writes.is_empty() {
            self.log
                .append(Append {
                    entries: Vec::new(),
                    writes,
                })
                .await?;
        }
        Ok(())
    }

    /// Whether the provisions a label's profiles select changed between its catalogue and the
    /// current one.
    async fn label_touched_by_change(
        &self,
        label: &LabelRecord,
        old_snapshot: &[u8],
    ) -> Result<bool, RegistryError> {
        let Ok(old) = serde_json::from_slice::<serde_json::Value>(old_snapshot) else {
            return Ok(true);
        };
        let Some((_, _, result)) = self.assessment_result(&label.assessment_id).await? else {
            return Ok(true);
        };
        let profiles = result.profiles.clone();
        let provisions_of = |catalog: &serde_json::Value| -> BTreeMap<String, serde_json::Value> {
            let selected: std::collections::BTreeSet<String> = catalog["profiles"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| {
                    p["id"]
                        .as_str()
                        .is_some_and(|id| profiles.iter().any(|x| x == id))
                })
                .flat_map(|p| p["provisions"].as_array().cloned().unwrap_or_default())
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            catalog["provisions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    let id = p["id"].as_str()?.to_owned();
                    selected.contains(&id).then(|| (id, p.clone()))
                })
                .collect()
        };
        let new = serde_json::to_value(&*self.catalog).unwrap_or_default();
        Ok(provisions_of(&old) != provisions_of(&new))
    }

    /// The assessment stored for an assessment id: its digest, its JSON, and the fields the
    /// registry reads back.
    pub async fn assessment_result(
        &self,
        id: &str,
    ) -> Result<Option<(String, serde_json::Value, StoredAssessment)>, RegistryError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT result_sha256 FROM assessments WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.db.pool)
                .await?;
        let Some((digest,)) = row else {
            return Ok(None);
        };
        let Some((_, bytes)) = store::blob(&self.db.pool, &digest).await? else {
            return Ok(None);
        };
        let json: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| RegistryError::Tampered(format!("assessment {digest}: {e}")))?;
        let view: StoredAssessment = serde_json::from_value(json.clone())
            .map_err(|e| RegistryError::Tampered(format!("assessment {digest}: {e}")))?;
        Ok(Some((digest, json, view)))
    }

    /// The account a bearer token belongs to.
    pub async fn authenticate(&self, token: &str) -> Result<Account, RegistryError> {
        store::account_by_token_hash(&self.db.pool, &token_hash(token))
            .await?
            .ok_or_else(|| RegistryError::Unauthenticated("unknown or revoked token".into()))
    }

    /// Creates the first operator organisation and account on an empty registry; returns its
    /// token (shown once). `None` when accounts exist.
    pub async fn bootstrap(&self, organisation: &str) -> Result<Option<String>, RegistryError> {
        if store::account_count(&self.db.pool).await? > 0 {
            return Ok(None);
        }
        let org = new_id("org");
        let token = new_token();
        self.log
            .append(Append {
                entries: Vec::new(),
                writes: vec![
                    Write::Organisation {
                        id: org.clone(),
                        name: organisation.to_owned(),
                        kind: "operator".into(),
                        contact: None,
                    },
                    Write::Account {
                        id: new_id("acc"),
                        organisation_id: org,
                        name: "operator".into(),
                        role: Role::Operator,
                        token_hash: token_hash(&token),
                    },
                ],
            })
            .await?;
        Ok(Some(token))
    }

    /// Operator: creates an organisation.
    pub async fn create_organisation(
        &self,
        actor: &Account,
        name: &str,
        kind: Role,
        contact: Option<&str>,
    ) -> Result<String, RegistryError> {
        require(actor, Role::Operator)?;
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(RegistryError::invalid(
                "an organisation name has 1 to 200 characters",
            ));
        }
        if store::organisation_by_name(&self.db.pool, name)
            .await?
            .is_some()
        {
            return Err(RegistryError::Conflict(format!(
                "organisation `{name}` exists"
            )));
        }
        let id = new_id("org");
        self.log
            .append(Append {
                entries: Vec::new(),
                writes: vec![Write::Organisation {
                    id: id.clone(),
                    name: name.to_owned(),
                    kind: kind.as_str().to_owned(),
                    contact: contact.map(str::to_owned),
                }],
            })
            .await?;
        Ok(id)
    }

    /// Operator: creates an account in an organisation; returns its token (shown once).
    pub async fn create_account(
        &self,
        actor: &Account,
        organisation_id: &str,
        name: &str,
        role: Role,
    ) -> Result<String, RegistryError> {
        require(actor, Role::Operator)?;
        let Some(kind) = store::organisation_kind(&self.db.pool, organisation_id).await? else {
            return Err(RegistryError::NotFound(format!(
                "organisation {organisation_id}"
            )));
        };
        if kind != role.as_str() {
            return Err(RegistryError::invalid(format!(
                "a {kind} organisation has {kind} accounts, not {}",
                role.as_str()
            )));
        }
        let token = new_token();
        self.log
            .append(Append {
                entries: Vec::new(),
                writes: vec![Write::Account {
                    id: new_id("acc"),
                    organisation_id: organisation_id.to_owned(),
                    name: name.to_owned(),
                    role,
                    token_hash: token_hash(&token),
                }],
            })
            .await?;
        Ok(token)
    }

    /// Operator: registers an assessor's public key for its organisation (logged).
    pub async fn register_key(
        &self,
        actor: &Account,
        organisation_id: &str,
        name: &str,
        public_key: &str,
        now: Timestamp,
    ) -> Result<String, RegistryError> {
        require(actor, Role::Operator)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(public_key.trim().trim_end_matches('='))
            .map_err(|_| RegistryError::invalid("public_key must be base64url"))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| RegistryError::invalid("an Ed25519 public key has 32 bytes"))?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| RegistryError::invalid("not an Ed25519 public key"))?;
        let id = iotlabel_label::keys::key_id(&key);
        if store::key(&self.db.pool, &id).await?.is_some() {
            return Err(RegistryError::Conflict(format!("key {id} is registered")));
        }
        let e = Entry::KeyAdded {
            key: id.clone(),
            role: "assessor".into(),
            name: name.to_owned(),
            public_key: URL_SAFE_NO_PAD.encode(bytes),
            at: now_secs(now),
        };
        self.log
            .append(Append {
                entries: vec![entry(&e)],
                writes: vec![Write::Key {
                    id: id.clone(),
                    role: "assessor".into(),
                    organisation_id: Some(organisation_id.to_owned()),
                    name: name.to_owned(),
                    public_key: URL_SAFE_NO_PAD.encode(bytes),
                    valid_from: now_secs(now),
                    entry: 0,
                }],
            })
            .await?;
        Ok(id)
    }

    /// Operator: retires a key (e.g. stolen); attestations registered later are rejected.
    pub async fn retire_key(
        &self,
        actor: &Account,
        key_id: &str,
        now: Timestamp,
    ) -> Result<(), RegistryError> {
        require(actor, Role::Operator)?;
        let e = Entry::KeyRetired {
            key: key_id.to_owned(),
            at: now_secs(now),
        };
        self.log
            .append(Append {
                entries: vec![entry(&e)],
                writes: vec![Write::RetireKey {
                    id: key_id.to_owned(),
                    valid_until: now_secs(now),
                }],
            })
            .await?;
        Ok(())
    }

    /// Stores a blob (evidence, SBOM) by its digest; idempotent.
    pub async fn put_blob(
        &self,
        actor: &Account,
        bytes: Vec<u8>,
        media_type: &str,
        expected_sha256: Option<&str>,
    ) -> Result<String, RegistryError> {
        let _ = actor;
        if bytes.len() > self.config.max_upload_bytes {
            return Err(RegistryError::invalid(format!(
                "{} bytes; at most {} are accepted",
                bytes.len(),
                self.config.max_upload_bytes
            )));
        }
        let digest = sha256_hex(&bytes);
        if let Some(e) = expected_sha256
            && e != digest
        {
            return Err(RegistryError::invalid(format!(
                "the content's SHA-256 is {digest}, not {e}"
            )));
        }
        if !store::has_blob(&self.db.pool, &digest).await? {
            self.log
                .append(Append {
                    entries: Vec::new(),
                    writes: vec![Write::Blob {
                        sha256: digest.clone(),
                        media_type: media_type.to_owned(),
                        data: bytes,
                    }],
                })
                .await?;
        }
        Ok(digest)
    }

    /// Assessor: registers a signed attestation over evidence.
    pub async fn attest(
        &self,
        actor: &Account,
        envelope: &[u8],
        now: Timestamp,
    ) -> Result<String, RegistryError> {
        require(actor, Role::Assessor)?;
        if envelope.len() > 64 * 1024 {
            return Err(RegistryError::invalid(
                "an attestation envelope is at most 64 KiB",
            ));
        }
        let keys = store::keys(&self.db.pool).await?;
        let now_s = now_secs(now);
        let (key_id, body) = iotlabel_label::dsse::open(envelope, |kid| {
            keys.iter()
                .find(|(id, role, _, _, from, until)| id == kid && role == "assessor" && *from <= now_s && until.is_none_or(|u| now_s < u))
                .and_then(|(_, _, _, public, _, _)| {
                    let b = URL_SAFE_NO_PAD.decode(public).ok()?;
                    ed25519_dalek::VerifyingKey::from_bytes(&b.try_into().ok()?).ok()
                })
        })
        .map_err(|e| match e {
            iotlabel_label::dsse::OpenError::UnknownKey => RegistryError::Forbidden(
                "the envelope is not signed by a registered, current assessor key (retired keys are refused)".into(),
            ),
            other => RegistryError::invalid(other.to_string()),
        })?;
        let Some((_, Some(org_id), Some(org_name), _, _, _)) =
            store::key(&self.db.pool, &key_id).await?
        else {
            return Err(RegistryError::Forbidden(
                "the key belongs to no organisation".into(),
            ));
        };
        if org_id != actor.organisation_id {
            return Err(RegistryError::Forbidden(
                "the key belongs to another organisation".into(),
            ));
        }
        let statement = EvidenceStatement::parse(&body).map_err(RegistryError::invalid)?;
        if !statement.predicate.assessor.eq_ignore_ascii_case(&org_name) {
            return Err(RegistryError::invalid(format!(
                "the attestation names assessor `{}`, but the key belongs to `{org_name}`",
                statement.predicate.assessor
            )));
        }
        let evidence = statement.evidence_sha256().unwrap_or_default().to_owned();
        let id = sha256_hex(envelope);
        let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM attestations WHERE id = $1")
            .bind(&id)
            .fetch_optional(&self.db.pool)
            .await?;
        if exists.is_some() {
            return Ok(id);
        }
        let e = Entry::AttestationRegistered {
            attestation: id.clone(),
            evidence_sha256: evidence.clone(),
            key: key_id.clone(),
            assessor: org_name,
            at: now_s,
        };
        self.log
            .append(Append {
                entries: vec![entry(&e)],
                writes: vec![Write::Attestation {
                    id: id.clone(),
                    key_id,
                    evidence_sha256: evidence,
                    provisions: serde_json::to_string(&statement.predicate.provisions)
                        .unwrap_or_default(),
                    envelope: envelope.to_vec(),
                    entry: 0,
                }],
            })
            .await?;
        Ok(id)
    }

    /// The state of a declaration's evidence as the registry sees it: present by digest, or a
    /// URL taken as declared; assessor evidence counts only with a registered attestation.
    pub async fn evidence_states(
        &self,
        d: &Declaration,
    ) -> Result<BTreeMap<String, EvidenceState>, RegistryError> {
        let mut out = BTreeMap::new();
        for e in &d.evidence {
            let integrity = if e.url.is_some() {
                Integrity::Remote
            } else if store::has_blob(&self.db.pool, &e.sha256).await? {
                Integrity::Verified
            } else {
                Integrity::Missing
            };
            let attested = e.producer == Producer::Assessor
                && store::attesting_assessors(&self.db.pool, &e.sha256)
                    .await?
                    .iter()
                    .any(|a| {
                        e.assessor
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case(a))
                    });
            out.insert(
                e.id.clone(),
                EvidenceState {
                    integrity,
                    attested,
                },
            );
        }
        Ok(out)
    }

    /// Manufacturer: submits a declaration (TOML or JSON text) and, if it references one, its
    /// process declaration. Validates, assesses with the catalogue in force, and issues a label
    /// (levels 3-4 only with attested assessor evidence). Idempotent for the same declaration.
    pub async fn submit(
        &self,
        actor: &Account,
        declaration: &str,
        syntax: Syntax,
        process: Option<&str>,
        vulnerabilities: Option<&VulnerabilityStatus>,
        now: Timestamp,
    ) -> Result<Submitted, RegistryError> {
        require(actor, Role::Manufacturer)?;
        if declaration.len() > self.config.max_upload_bytes {
            return Err(RegistryError::invalid("the declaration is too large"));
        }
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let catalog = &*self.catalog;
        let (_, decl, _) = iotlabel_declaration::from_text(
            "declaration".into(),
            declaration.to_owned(),
            syntax,
            catalog,
            today,
        )?;
        if decl.scope == Scope::Process {
            return Err(RegistryError::invalid(
                "a process declaration is submitted together with a product declaration that references it",
            ));
        }
        if !decl
            .manufacturer
            .legal_name
            .trim()
            .eq_ignore_ascii_case(actor.organisation_name.trim())
        {
            return Err(RegistryError::Forbidden(format!(
                "the declaration is by `{}`, but this account belongs to `{}`",
                decl.manufacturer.legal_name, actor.organisation_name
            )));
        }
        let process_decl = match (process, &decl.process) {
            (Some(text), Some(_)) => {
                let syntax = if text.trim_start().starts_with('{') {
                    Syntax::Json
                } else {
                    Syntax::Toml
                };
                let (_, p, _) = iotlabel_declaration::from_text(
                    "process".into(),
                    text.to_owned(),
                    syntax,
                    catalog,
                    today,
                )?;
                if p.scope != Scope::Process {
                    return Err(RegistryError::invalid(
                        "the process declaration's scope is not \"process\"",
                    ));
                }
                Some(p)
            }
            (None, Some(_)) => {
                return Err(RegistryError::invalid(
                    "the declaration references a process declaration; submit it too",
                ));
            }
            _ => None,
        };
        let product = decl
            .product
            .as_ref()
            .ok_or_else(|| RegistryError::invalid("a product declaration needs [product]"))?;
        let pid = product_id(&product.brand, &product.model);
        if let Some(owner) = store::product_owner(&self.db.pool, &pid).await?
            && owner != actor.organisation_id
        {
            return Err(RegistryError::Forbidden(format!(
                "{} {} belongs to another manufacturer",
                product.brand, product.model
            )));
        }
        let decl_digest = sha256_hex(declaration.as_bytes());
        let catalog_version = catalog.meta.version.to_string();
        if let Some(existing) =
            store::label_for_declaration(&self.db.pool, &decl_digest, &catalog_version).await?
        {
            let (_, assessment, _) = self
                .assessment_result(&existing.assessment_id)
                .await?
                .ok_or_else(|| {
                    RegistryError::NotFound("the assessment of an existing label".into())
                })?;
            return Ok(Submitted {
                label: existing,
                created: false,
                assessment,
                superseded: Vec::new(),
            });
        }

        self.check_redeclaration(
            &pid,
            &product.hardware_version,
            &product.software_version,
            now,
        )
        .await?;

        // Assess as the registry: assessor evidence counts only when attested.
        let evidence = self.evidence_states(&decl).await?;
        let process_evidence = match &process_decl {
            Some(p) => Some(self.evidence_states(p).await?),
            None => None,
        };
        let process_digest = process.map(|p| sha256_hex(p.as_bytes()));
        let labels = self.referenced_labels(&decl, now).await?;
        let inputs = Inputs {
            catalog,
            product: DeclarationInput {
                declaration: &decl,
                digest: &decl_digest,
                evidence: &evidence,
            },
            process: process_decl
                .as_ref()
                .zip(process_evidence.as_ref())
                .zip(process_digest.as_deref())
                .map(|((d, e), digest)| DeclarationInput {
                    declaration: d,
                    digest,
                    evidence: e,
                }),
            labels: &labels,
            vulnerabilities,
            profiles: None,
            today,
            options: Options {
                accept_unattested_assessor_evidence: false,
            },
        };
        let result = iotlabel_assess::assess(&inputs);
        if result.level == 0 {
            return Err(RegistryError::Invalid {
                message: format!(
                    "the assessment reaches no label level: {}",
                    result.summary.technical
                ),
                problems: Vec::new(),
            });
        }
        let result_json =
            serde_json::to_vec(&result).map_err(|e| RegistryError::Config(e.to_string()))?;
        let result_digest = sha256_hex(&result_json);
        let support_end = result
            .product
            .support_period_end
            .clone()
            .ok_or_else(|| RegistryError::invalid("a label needs a support period end"))?;
        let last_day = iotlabel_declaration::dates::YearMonth::parse(&support_end)
            .map_err(RegistryError::invalid)?
            .last_day;
        let identity = ProductIdentity {
            manufacturer: decl.manufacturer.legal_name.clone(),
            brand: product.brand.clone(),
            model: product.model.clone(),
            hardware_version: product.hardware_version.clone(),
            software_version: product.software_version.clone(),
        };
        let mut subjects = vec![Subject::sha256(
            format!("urn:iotlabel:product:{pid}:{}", product.software_version),
            decl_digest.clone(),
        )];
        subjects.extend(
            product
                .firmware
                .iter()
                .map(|f| Subject::sha256(f.name.clone(), f.sha256.clone())),
        );
        subjects.extend(
            decl.evidence
                .iter()
                .filter(|e| e.kind == iotlabel_catalog::model::EvidenceKind::Sbom)
                .map(|e| Subject::sha256(e.title.clone(), e.sha256.clone())),
        );
        let policy = Policy {
            max_validity_months: self.config.max_validity_months,
            registry: self.config.public_url.clone(),
            issuer: self.config.public_url.clone(),
        };
        let issued = iotlabel_label::issue(
            &IssueRequest {
                product: identity,
                profiles: result.profiles.clone(),
                level: result.level,
                score_tenths: result.score.map_or(0, |s| s.0),
                catalog: format!("{}@{}", result.catalog.id, result.catalog.version),
                assessment_sha256: result_digest.clone(),
                support_end: support_end.clone(),
                support_last_day: last_day,
                subjects,
            },
            &self.issuer,
            &policy,
            now,
        )
        .map_err(|e| RegistryError::invalid(e.to_string()))?;
        let label_id = issued.claims.label_id.to_string();
        let vid = version_id(&pid, &product.hardware_version, &product.software_version);
        let assessment_id = new_id("asm");
        let record = LabelRecord {
            id: label_id.clone(),
            product_id: pid.clone(),
            manufacturer: decl.manufacturer.legal_name.clone(),
            brand: product.brand.clone(),
            model: product.model.clone(),
            category: product.category.clone(),
            hardware_version: product.hardware_version.clone(),
            software_version: product.software_version.clone(),
            level: result.level,
            status: LabelStatus::Active,
            status_reason: Some(format!("issued at level {}", result.level)),
            status_since: now_secs(now),
            issued_at: now_secs(now),
            not_before: issued.claims.not_before.as_second(),
            expires_at: issued.claims.expires.as_second(),
            support_end,
            catalog_version: catalog_version.clone(),
            lapses_at: None,
            superseded_by: None,
            key_id: self.issuer.id().to_owned(),
            log_index: 0,
            declaration_sha256: decl_digest.clone(),
            assessment_id: assessment_id.clone(),
            vuln_flagged_at: None,
            vuln_deadline: None,
            vuln_suspended: false,
        };
        let envelope = serde_json::to_vec(&issued.envelope)
            .map_err(|e| RegistryError::Config(e.to_string()))?;
        let issuance = Entry::LabelIssued {
            label: label_id.clone(),
            statement_sha256: sha256_hex(&issued.cose),
            declaration_sha256: decl_digest.clone(),
            assessment_sha256: result_digest.clone(),
            product: format!("{} {}", product.brand, product.model),
            software_version: product.software_version.clone(),
            level: result.level,
            not_before: record.not_before,
            expires: record.expires_at,
            key: self.issuer.id().to_owned(),
            at: now_secs(now),
        };
        let facts = crate::stats::facts_from_result(&assessment_id, &result_json)
            .map_err(RegistryError::Config)?;
        let mut entries = vec![entry(&issuance)];
        let mut writes = vec![
            Write::Blob {
                sha256: decl_digest.clone(),
                media_type: match syntax {
                    Syntax::Toml => "application/toml".into(),
                    Syntax::Json => "application/json".into(),
                },
                data: declaration.as_bytes().to_vec(),
            },
            Write::Blob {
                sha256: result_digest.clone(),
                media_type: "application/vnd.iotlabel.assessment+json".into(),
                data: result_json,
            },
        ];
        if let (Some(text), Some(digest)) = (process, &process_digest) {
            writes.push(Write::Blob {
                sha256: digest.clone(),
                media_type: "application/toml".into(),
                data: text.as_bytes().to_vec(),
            });
        }
        writes.extend([
            Write::Product {
                id: pid.clone(),
                organisation_id: actor.organisation_id.clone(),
                brand: product.brand.clone(),
                model: product.model.clone(),
                category: product.category.clone(),
            },
            Write::ProductVersion {
                id: vid,
                product_id: pid.clone(),
                hardware_version: product.hardware_version.clone(),
                software_version: product.software_version.clone(),
            },
            Write::Declaration {
                sha256: decl_digest,
                product_version_id: version_id(
                    &pid,
                    &product.hardware_version,
                    &product.software_version,
                ),
                process_sha256: process_digest,
                submitted_by: actor.id.clone(),
            },
            Write::Assessment {
                id: assessment_id,
                declaration_sha256: record.declaration_sha256.clone(),
                result_sha256: result_digest,
                catalog_version,
                level: result.level,
                score_tenths: result.score.map_or(0, |s| s.0),
            },
            Write::Label {
                record: Box::new(record),
                statement: issued.cose.clone(),
                envelope,
                entry: 0,
            },
        ]);
        writes.push(Write::Facts(facts));
        // A new label replaces the product's earlier live labels: a new software version, or a
        // renewed declaration of the same version.
        let mut superseded = Vec::new();
        for old in store::live_labels_of_product(&self.db.pool, &pid).await? {
            let reason = format!(
                "superseded by {label_id} (software {})",
                product.software_version
            );
            let change = Entry::StatusChanged {
                label: old.id.clone(),
                from: old.status.as_str().into(),
                to: "superseded".into(),
                actor: "registry".into(),
                reason: reason.clone(),
                at: now_secs(now),
            };
            entries.push(entry(&change));
            writes.push(Write::Status {
                label_id: old.id.clone(),
                from: old.status,
                to: LabelStatus::Superseded,
                actor: "registry".into(),
                reason,
                superseded_by: Some(label_id.clone()),
                entry: entries.len() - 1,
            });
            superseded.push(old.id);
        }
        self.log.append(Append { entries, writes }).await?;
        let label = store::label(&self.db.pool, &label_id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("label {label_id} after issuing it")))?;
        Ok(Submitted {
            label,
            created: true,
            assessment: serde_json::to_value(&result)
                .map_err(|e| RegistryError::Config(e.to_string()))?,
            superseded,
        })
    }

    /// A product version that already has a live label may be declared again only for a reason:
    /// its renewal window has opened, a catalogue change started its grace period, it was
    /// assessed against an older catalogue, or it is suspended and the manufacturer remedies.
    /// Otherwise a re-declaration would only churn labels that retailers have printed.
    async fn check_redeclaration(
        &self,
        product_id: &str,
        hardware: &str,
        software: &str,
        now: Timestamp,
    ) -> Result<(), RegistryError> {
        let window = self.config.renewal_window_days * 86_400;
        let current = self.catalog.meta.version.to_string();
        for old in store::live_labels_of_product(&self.db.pool, product_id).await? {
            if old.hardware_version != hardware || old.software_version != software {
                continue;
            }
            let allowed = old.expires_at - now.as_second() <= window
                || old.lapses_at.is_some()
                || old.catalog_version != current
                || old.status == LabelStatus::Suspended;
            if !allowed {
                let opens = Timestamp::from_second(old.expires_at - window).unwrap_or(now);
                return Err(RegistryError::Conflict(format!(
                    "{software} already has label {} (valid until {}); a new declaration of the same version is accepted from {} (the renewal window), after a catalogue change, or while the label is suspended",
                    old.id,
                    Timestamp::from_second(old.expires_at)
                        .unwrap_or(now)
                        .strftime("%Y-%m-%d"),
                    opens.strftime("%Y-%m-%d")
                )));
            }
        }
        Ok(())
    }

    /// The registry's view of labels that system components reference.
    async fn referenced_labels(
        &self,
        d: &Declaration,
        now: Timestamp,
    ) -> Result<BTreeMap<String, LabelInfo>, RegistryError> {
        let mut out = BTreeMap::new();
        for c in &d.components {
            let Some(id) = &c.label else { continue };
            let Some(l) = store::label(&self.db.pool, id).await? else {
                continue;
            };
            let status = match l.status {
                LabelStatus::Active => iotlabel_assess::LabelStatus::Active,
                LabelStatus::Suspended => iotlabel_assess::LabelStatus::Suspended,
                LabelStatus::Revoked => iotlabel_assess::LabelStatus::Revoked,
                LabelStatus::Expired => iotlabel_assess::LabelStatus::Expired,
                LabelStatus::Superseded => iotlabel_assess::LabelStatus::Superseded,
            };
            let passed = match self.assessment_result(&l.assessment_id).await? {
                Some((_, _, r)) => r
                    .provisions
                    .iter()
                    .filter(|p| p.verdict == iotlabel_assess::Verdict::Pass)
                    .map(|p| p.id.clone())
                    .collect(),
                None => Vec::new(),
            };
            let valid_until = Timestamp::from_second(l.expires_at - 1)
                .unwrap_or(now)
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date();
            out.insert(
                id.clone(),
                LabelInfo {
                    status,
                    level: l.level,
                    valid_until,
                    passed,
                },
            );
        }
        Ok(out)
    }

    /// Changes a label's status through the lifecycle, logging it. Operators suspend, revoke
    /// and reinstate by hand; `actor = None` is the registry itself (expiry, vulnerability rules).
    pub async fn set_status(
        &self,
        actor: Option<&Account>,
        label_id: &str,
        action: Action,
        reason: &str,
        now: Timestamp,
    ) -> Result<LabelRecord, RegistryError> {
        if let Some(a) = actor {
            require(a, Role::Operator)?;
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.len() > 2000 {
            return Err(RegistryError::invalid(
                "a reason of 1 to 2000 characters is required",
            ));
        }
        let label = store::label(&self.db.pool, label_id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("label {label_id}")))?;
        let to = match action {
            Action::Suspend => LabelStatus::Suspended,
            Action::Revoke => LabelStatus::Revoked,
            Action::Reinstate => LabelStatus::Active,
        };
        self.transition(
            &label,
            to,
            actor.map_or("registry", |a| a.name.as_str()),
            reason,
            now,
        )
        .await
    }

    async fn transition(
        &self,
        label: &LabelRecord,
        to: LabelStatus,
        actor: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<LabelRecord, RegistryError> {
        if !label.status.can_become(to) {
            return Err(RegistryError::Conflict(format!(
                "label {} is {}; it cannot become {to}",
                label.id, label.status
            )));
        }
        if to == LabelStatus::Active && now.as_second() >= label.expires_at {
            return Err(RegistryError::Conflict(format!(
                "label {} has passed its expiry; it cannot be reinstated",
                label.id
            )));
        }
        let change = Entry::StatusChanged {
            label: label.id.clone(),
            from: label.status.as_str().into(),
            to: to.as_str().into(),
            actor: actor.to_owned(),
            reason: reason.to_owned(),
            at: now_secs(now),
        };
        self.log
            .append(Append {
                entries: vec![entry(&change)],
                writes: vec![Write::Status {
                    label_id: label.id.clone(),
                    from: label.status,
                    to,
                    actor: actor.to_owned(),
                    reason: reason.to_owned(),
                    superseded_by: None,
                    entry: 0,
                }],
            })
            .await?;
        store::label(&self.db.pool, &label.id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("label {}", label.id)))
    }

    /// Expires labels past their validity, lapses those whose catalogue grace period ended, and
    /// suspends those whose known-exploited deadline passed. Returns the labels changed.
    pub async fn sweep(&self, now: Timestamp) -> Result<Vec<String>, RegistryError> {
        let mut changed = Vec::new();
        for label in store::labels_due(&self.db.pool, now.as_second()).await? {
            let reason = if label.expires_at <= now.as_second() {
                "reached the end of its validity".to_owned()
            } else {
                format!(
                    "lapsed: catalogue {} changed provisions it relied on and no new declaration followed within the grace period",
                    self.catalog.meta.version
                )
            };
            match self
                .transition(&label, LabelStatus::Expired, "registry", &reason, now)
                .await
            {
                Ok(_) => changed.push(label.id),
                Err(RegistryError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        changed.extend(self.sweep_vulnerabilities(now).await?);
        Ok(changed)
    }

    /// A short-lived signed status token for a label.
    pub async fn status_token(
        &self,
        label_id: &str,
        now: Timestamp,
    ) -> Result<Vec<u8>, RegistryError> {
        let label = store::label(&self.db.pool, label_id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("label {label_id}")))?;
        let effective = self.effective_status(&label, now);
        let claims = StatusClaims {
            label_id: label.id.clone(),
            status: effective.as_str().to_owned(),
            reason: (effective != LabelStatus::Active)
                .then(|| label.status_reason.clone().unwrap_or_default()),
            checked_at: now,
            valid_until: Timestamp::from_second(
                now.as_second()
                    + self
                        .config
                        .status_token_ttl_seconds
                        .min(label.expires_at - now.as_second())
                        .max(1),
            )
            .unwrap_or(now),
            log_size: self.log.size(),
        };
        Ok(sign_status(&claims, &self.issuer))
    }

    /// A label's status as of `now`: a label past its expiry reads expired even before the
    /// sweeper has recorded it.
    pub fn effective_status(&self, label: &LabelRecord, now: Timestamp) -> LabelStatus {
        if matches!(label.status, LabelStatus::Active | LabelStatus::Suspended)
            && now.as_second() >= label.expires_at
        {
            LabelStatus::Expired
        } else {
            label.status
        }
    }

    /// Labels matching a query.
    pub async fn search(&self, q: &LabelQuery) -> Result<(Vec<LabelRecord>, u64), RegistryError> {
        store::search_labels(&self.db.pool, q).await
    }

    /// A label, as of the last committed change (served from memory when nothing was committed
    /// since it was last read).
    pub async fn label(&self, id: &str) -> Result<LabelRecord, RegistryError> {
        let generation = self.log.generation();
        if let Some(record) = self.labels.get(id, generation) {
            return Ok((*record).clone());
        }
        let record = store::label(&self.db.pool, id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("label {id}")))?;
        self.labels.put(Arc::new(record.clone()), generation);
        Ok(record)
    }
}

/// The parts of a stored assessment result the registry reads back; the rest stays in the
/// stored JSON, which is the record.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredAssessment {
    /// Profiles assessed against.
    pub profiles: Vec<String>,
    /// Every provision's verdict.
    pub provisions: Vec<StoredVerdict>,
}

/// One provision's verdict in a stored assessment.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredVerdict {
    /// Provision.
    pub id: iotlabel_catalog::ProvisionId,
    /// Verdict.
    pub verdict: iotlabel_assess::Verdict,
}
