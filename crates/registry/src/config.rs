//! Registry settings, with the defaults a national scheme would start from.

use serde::{Deserialize, Serialize};

/// How the registry issues labels and runs their lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistryConfig {
    /// Public base URL (QR codes lead here), e.g. `https://registry.example.eu`.
    pub public_url: String,
    /// Transparency log origin (its identity in checkpoints); default: the URL's host + `/log`.
    pub log_origin: Option<String>,
    /// Longest label validity, months.
    pub max_validity_months: i32,
    /// How long a status token may be relied on, seconds.
    pub status_token_ttl_seconds: i64,
    /// Days before expiry in which a renewal may be submitted.
    pub renewal_window_days: i64,
    /// Days a label survives a catalogue change that touches provisions it relied on.
    pub catalog_grace_days: i64,
    /// Days a label flagged by the known-exploited rule stays active when the KEV entry has no
    /// due date still ahead (otherwise the due date decides).
    pub kev_grace_days: i64,
    /// Largest declaration, evidence or advisory upload, bytes.
    pub max_upload_bytes: usize,
    /// Most log entries written in one durable batch.
    pub batch_max: usize,
    /// How long the sequencer waits to fill a batch, milliseconds.
    pub batch_wait_ms: u64,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            log_origin: None,
            max_validity_months: 36,
            status_token_ttl_seconds: 24 * 3600,
            renewal_window_days: 90,
            // Six weeks, as the German BSI label allows after its requirements change.
            catalog_grace_days: 42,
            kev_grace_days: 14,
            max_upload_bytes: 16 * 1024 * 1024,
            batch_max: 512,
            batch_wait_ms: 2,
        }
    }
}

impl RegistryConfig {
    /// The log's origin line.
    pub fn origin(&self) -> String {
        self.log_origin.clone().unwrap_or_else(|| {
            let without_scheme = self
                .public_url
                .split_once("://")
                .map_or(self.public_url.as_str(), |(_, rest)| rest);
            format!("{}/log", without_scheme.trim_end_matches('/'))
        })
    }
}
