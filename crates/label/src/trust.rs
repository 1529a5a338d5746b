//! The trust file: which keys may sign what, and when.
//!
//! ```toml
//! [[key]]
//! id = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"   # RFC 7638 thumbprint, checked
//! name = "iotlabel demo registry 2026"
//! role = "issuer"                                     # scheme | issuer | assessor
//! public_key = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"   # base64url, 32 bytes
//! valid_from = "2026-01-01T00:00:00Z"
//! valid_until = "2027-01-01T00:00:00Z"                # absent: still valid; set on rotation
//! ```
//!
//! Rotation keeps retired keys, with `valid_until` set, so old labels still verify; a statement
//! signed outside its key's validity is rejected.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::VerifyingKey;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::keys::key_id;

/// What a key is trusted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The scheme operator (signs policy and key changes).
    Scheme,
    /// Issues labels.
    Issuer,
    /// An assessment lab (signs attestations over evidence).
    Assessor,
}

/// One trusted key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKey {
    /// Key id (must equal the thumbprint of `public_key`).
    pub id: String,
    /// Who holds it.
    pub name: String,
    /// What it may sign.
    pub role: Role,
    /// The Ed25519 public key, base64url (32 bytes).
    pub public_key: String,
    /// Start of validity.
    pub valid_from: Timestamp,
    /// End of validity; `None` while current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Timestamp>,
}

impl TrustedKey {
    /// A trust entry for a public key, valid from `from` (truncated to the second: signed
    /// statements carry whole seconds, and a key made at 10:00:00.6 must cover a label issued
    /// in that same second).
    pub fn new(public: &VerifyingKey, name: &str, role: Role, from: Timestamp) -> Self {
        let from = Timestamp::from_second(from.as_second()).unwrap_or(from);
        Self {
            id: key_id(public),
            name: name.to_owned(),
            role,
            public_key: URL_SAFE_NO_PAD.encode(public.as_bytes()),
            valid_from: from,
            valid_until: None,
        }
    }

    /// The decoded public key.
    pub fn verifying_key(&self) -> Result<VerifyingKey, TrustError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(self.public_key.trim_end_matches('='))
            .map_err(|e| TrustError::Key(self.id.clone(), e.to_string()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| TrustError::Key(self.id.clone(), "not 32 bytes".into()))?;
        VerifyingKey::from_bytes(&bytes)
            .map_err(|e| TrustError::Key(self.id.clone(), e.to_string()))
    }

    /// Whether the key was valid at an instant.
    pub fn valid_at(&self, t: Timestamp) -> bool {
        t >= self.valid_from && self.valid_until.is_none_or(|u| t < u)
    }
}

/// A set of trusted keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustFile {
    /// The keys.
    #[serde(default, rename = "key")]
    pub keys: Vec<TrustedKey>,
}

/// Why a trust file is unusable.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// Cannot read or write it.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not valid TOML of the expected shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong, with line and column.
        message: String,
    },
    /// A key entry is broken.
    #[error("trusted key {0}: {1}")]
    Key(String, String),
    /// A key id does not match its key.
    #[error(
        "trusted key {id}: the id is not the thumbprint of its public key (expected {expected}); key ids are derived, never chosen"
    )]
    IdMismatch {
        /// The id written.
        id: String,
        /// The id the key has.
        expected: String,
    },
}

impl TrustFile {
    /// Parses and checks a trust file's text.
    pub fn parse(text: &str, path: &Path) -> Result<Self, TrustError> {
        let file: TrustFile = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| {
                    let before = &text[..s.start.min(text.len())];
                    (
                        before.matches('\n').count() + 1,
                        before.rfind('\n').map_or(s.start, |i| s.start - i - 1) + 1,
                    )
                })
                .unwrap_or((0, 0));
            TrustError::Parse {
                path: path.to_path_buf(),
                message: format!("line {line}, column {col}: {}", e.message()),
            }
        })?;
        for k in &file.keys {
            let expected = key_id(&k.verifying_key()?);
            if expected != k.id {
                return Err(TrustError::IdMismatch {
                    id: k.id.clone(),
                    expected,
                });
            }
        }
        Ok(file)
    }

    /// Reads a trust file.
    pub fn read(path: &Path) -> Result<Self, TrustError> {
        let text = std::fs::read_to_string(path).map_err(|source| TrustError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Writes the trust file.
    pub fn write(&self, path: &Path) -> Result<(), TrustError> {
        let text = toml::to_string_pretty(self).map_err(|e| TrustError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        std::fs::write(path, text).map_err(|source| TrustError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The key with an id.
    pub fn get(&self, id: &str) -> Option<&TrustedKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// Retires every current key of a role at `at` and adds a new one from `at`.
    pub fn rotate(&mut self, new: TrustedKey, at: Timestamp) {
        for k in self
            .keys
            .iter_mut()
            .filter(|k| k.role == new.role && k.valid_until.is_none())
        {
            k.valid_until = Some(at);
        }
        self.keys.push(new);
    }
}
