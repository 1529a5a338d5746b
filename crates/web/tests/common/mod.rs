//! A registry with the example products, shared by the page tests that need a populated
//! registry (dashboard, search).

#![allow(dead_code)]

pub mod browser;
pub mod site;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use iotlabel_declaration::Syntax;
use iotlabel_declaration::model::Scope;
use iotlabel_label::KeyPair;
use iotlabel_registry::{Account, Db, Registry, RegistryConfig, Role};
use iotlabel_server::{AppState, ServerConfig};
use jiff::Timestamp;
use tower::ServiceExt;

/// A product name that tries to break out of a page.
pub const HOSTILE: &str = "<script>alert(1)</script>";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub state: AppState,
    pub app: axum::Router,
    pub operator: Account,
    /// Levels of the labels issued, by label id.
    pub levels: BTreeMap<String, u8>,
    pub accounts: BTreeMap<String, Account>,
    /// The profiles each label's declaration names, by label id.
    pub profiles: BTreeMap<String, Vec<String>>,
}

pub async fn account(registry: &Registry, operator: &Account, name: &str) -> Account {
    let org = registry
        .create_organisation(
            operator,
            name,
            Role::Manufacturer,
            Some("security@example.invalid"),
        )
        .await
        .unwrap();
    let token = registry
        .create_account(
            operator,
            &org,
            &format!("{name} (test)"),
            Role::Manufacturer,
        )
        .await
        .unwrap();
    registry.authenticate(&token).await.unwrap()
}

/// A registry with every example product that can be labelled without assessors' attestations,
/// and one product whose maker and name are hostile.
pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&iotlabel_registry::db::sqlite_url(dir.path()))
        .await
        .unwrap();
    let catalog = Arc::new(iotlabel_catalog::load_dir(&repo().join("catalog")).unwrap());
    let registry = Registry::open(
        db,
        catalog.clone(),
        Arc::new(KeyPair::from_seed(&[9; 32])),
        RegistryConfig {
            public_url: "http://localhost".into(),
            ..RegistryConfig::default()
        },
        Timestamp::now(),
    )
    .await
    .unwrap();
    let token = registry.bootstrap("Test Scheme").await.unwrap().unwrap();
    let operator = registry.authenticate(&token).await.unwrap();
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut levels = BTreeMap::new();
    let mut accounts: BTreeMap<String, Account> = BTreeMap::new();
    let mut profiles = BTreeMap::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("examples/declarations"))
        .unwrap()
        .map(|e| e.unwrap().path().join("declaration.toml"))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let loaded = iotlabel_declaration::load(&path, &catalog, today).unwrap();
        let d = &loaded.declaration;
        if d.scope == Scope::Process || !d.components.is_empty() {
            continue;
        }
        let maker = d.manufacturer.legal_name.clone();
        if !accounts.contains_key(&maker) {
            let a = account(&registry, &operator, &maker).await;
            accounts.insert(maker.clone(), a);
        }
        // The evidence files, so that claims resting on them can be checked.
        for l in std::iter::once(&loaded).chain(loaded.process.as_deref()) {
            let base = l.source.file.parent().unwrap().to_path_buf();
            for e in &l.declaration.evidence {
                if let Some(p) = &e.path
                    && let Ok(bytes) = std::fs::read(base.join(p))
                {
                    let _ = registry
                        .put_blob(
                            &accounts[&maker],
                            bytes,
                            "application/octet-stream",
                            Some(&e.sha256),
                        )
                        .await;
                }
            }
        }
        let process = loaded.process.as_ref().map(|p| p.source.text.clone());
        if let Ok(s) = registry
            .submit(
                &accounts[&maker],
                &loaded.source.text,
                Syntax::Toml,
                process.as_deref(),
                None,
                Timestamp::now(),
            )
            .await
        {
            levels.insert(s.label.id.clone(), s.label.level);
            profiles.insert(s.label.id.clone(), d.profiles.clone());
        }
    }
    assert!(levels.len() >= 4, "the examples give labels: {levels:?}");

    // A maker and a product named to break out of the page.
    let plug =
        std::fs::read_to_string(repo().join("examples/declarations/smart-plug/declaration.toml"))
            .unwrap();
    let process =
        std::fs::read_to_string(repo().join("examples/declarations/acme-process.toml")).unwrap();
    let hostile_maker = format!("{HOSTILE} Ltd");
    let hostile = plug
        .replace("Acme Devices Ltd", &hostile_maker)
        .replace("PowerPlug Mini (SP-110)", &format!("Plug {HOSTILE}"))
        .replace("brand = \"Acme\"", &format!("brand = \"{HOSTILE}\""));
    let process = process.replace("Acme Devices Ltd", &hostile_maker);
    let a = account(&registry, &operator, &hostile_maker).await;
    let s = registry
        .submit(
            &a,
            &hostile,
            Syntax::Toml,
            Some(&process),
            None,
            Timestamp::now(),
        )
        .await
        .unwrap();
    levels.insert(s.label.id.clone(), s.label.level);
    profiles.insert(s.label.id.clone(), vec!["consumer-baseline".to_owned()]);
    accounts.insert(hostile_maker, a);

    let state = AppState::new(registry, ServerConfig::default()).unwrap();
    let app = iotlabel_web::app(state.clone()).unwrap();
    Fixture {
        _dir: dir,
        state,
        app,
        operator,
        levels,
        accounts,
        profiles,
    }
}

pub async fn get(app: &axum::Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}
