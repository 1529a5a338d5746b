//! An empty registry with its pages, for the portal and disclosure tests.

use std::sync::Arc;

use axum::Router;
use iotlabel_label::KeyPair;
use iotlabel_registry::{Account, Db, Registry, RegistryConfig, Role};
use iotlabel_server::{AppState, ServerConfig};

use super::browser::Browser;

/// Text as the pages write it (askama's HTML escaping).
pub fn html(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// An empty registry (the embedded catalogue, a bootstrapped operator) with the pages.
pub struct Site {
    pub app: Router,
    pub state: AppState,
    pub operator_token: String,
    pub operator: Account,
    _dir: tempfile::TempDir,
}

impl Site {
    pub async fn new() -> Self {
        Self::with(ServerConfig::default()).await
    }

    /// The same with a server configuration (limits).
    pub async fn with(server: ServerConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let catalog =
            Arc::new(iotlabel_catalog::build(&iotlabel_catalog::Snapshot::embedded()).unwrap());
        let registry = Registry::open(
            Db::open(&iotlabel_registry::db::sqlite_url(dir.path()))
                .await
                .unwrap(),
            catalog,
            Arc::new(KeyPair::from_seed(&[7; 32])),
            RegistryConfig {
                public_url: "http://registry.test".into(),
                ..RegistryConfig::default()
            },
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
        let operator_token = registry.bootstrap("Test Scheme").await.unwrap().unwrap();
        let operator = registry.authenticate(&operator_token).await.unwrap();
        let state = AppState::new(registry, server).unwrap();
        let app = iotlabel_web::app(state.clone()).unwrap();
        Self {
            app,
            state,
            operator_token,
            operator,
            _dir: dir,
        }
    }

    /// A manufacturer organisation with one account; its token.
    pub async fn manufacturer(&self, name: &str) -> String {
        let r = self.state.registry();
        let org = r
            .create_organisation(
                &self.operator,
                name,
                Role::Manufacturer,
                Some("security@example.test"),
            )
            .await
            .unwrap();
        r.create_account(&self.operator, &org, "web", Role::Manufacturer)
            .await
            .unwrap()
    }

    /// A fresh browser on the site.
    pub fn browser(&self) -> Browser {
        Browser::new(self.app.clone())
    }
}
