//! Checking evidence files against their declared SHA-256 digests.
//!
//! This is the declaration crate's only file-system access besides reading the declaration:
//! the assessment engine receives the outcome, never paths.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::Declaration;

/// What we know about an evidence item's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Integrity {
    /// The file is present and matches its digest.
    Verified,
    /// The file does not exist.
    Missing,
    /// The file's digest differs from the declared one.
    Mismatch {
        /// The digest of the file as it is.
        actual: String,
    },
    /// A URL; not fetched, the declared digest is taken as given.
    Remote,
    /// The file exists but cannot be read.
    Unreadable {
        /// Why.
        reason: String,
    },
}

impl Integrity {
    /// A short description for reports.
    pub fn label(&self) -> &'static str {
        match self {
            Integrity::Verified => "verified",
            Integrity::Missing => "file missing",
            Integrity::Mismatch { .. } => "digest mismatch",
            Integrity::Remote => "URL, not fetched",
            Integrity::Unreadable { .. } => "unreadable",
        }
    }

    /// Whether the evidence can support a claim.
    pub fn usable(&self) -> bool {
        matches!(self, Integrity::Verified | Integrity::Remote)
    }
}

/// SHA-256 of a reader, lower-case hex.
pub fn sha256_reader(mut reader: impl Read) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Checks every evidence item of a declaration whose files live relative to `base`.
pub fn check(d: &Declaration, base: &Path) -> BTreeMap<String, Integrity> {
    d.evidence
        .iter()
        .map(|e| {
            let integrity = match (&e.path, &e.url) {
                (Some(p), _) => {
                    let path = base.join(p);
                    match std::fs::File::open(&path) {
                        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                            Integrity::Missing
                        }
                        Err(err) => Integrity::Unreadable {
                            reason: err.to_string(),
                        },
                        Ok(file) => match sha256_reader(file) {
                            Ok(actual) if actual == e.sha256 => Integrity::Verified,
                            Ok(actual) => Integrity::Mismatch { actual },
                            Err(err) => Integrity::Unreadable {
                                reason: err.to_string(),
                            },
                        },
                    }
                }
                (None, Some(_)) => Integrity::Remote,
                (None, None) => Integrity::Missing,
            };
            (e.id.clone(), integrity)
        })
        .collect()
}
