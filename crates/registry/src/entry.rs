//! What the transparency log records. Each entry is a small JSON object (well under the
//! 64 KiB tile-entry limit): large artefacts are logged by digest.
//!
//! ```json
//! {"type":"label-issued","label":"59P4YB5X269","statement_sha256":"...","declaration_sha256":"...",
//!  "assessment_sha256":"...","product":"Acme Cam 2","software_version":"2.4.1","level":3,
//!  "not_before":1763769600,"expires":1858377600,"key":"...","at":1763769600}
//! {"type":"status-changed","label":"59P4YB5X269","from":"active","to":"suspended",
//!  "actor":"operator@scheme","reason":"...","at":1763856000}
//! {"type":"attestation-registered","attestation":"<sha256 of envelope>","evidence_sha256":"...",
//!  "key":"...","assessor":"Example Lab","at":...}
//! {"type":"key-added","key":"...","role":"assessor","name":"...","public_key":"...","at":...}
//! {"type":"key-retired","key":"...","at":...}
//! {"type":"vulnerability-flagged","label":"...","vulnerabilities":["CVE-..."],"suspend_at":...,"at":...}
//! {"type":"vulnerability-cleared","label":"...","reason":"...","at":...}
//! ```

use serde::{Deserialize, Serialize};

/// A log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Entry {
    /// A label was issued.
    LabelIssued {
        /// Label id.
        label: String,
        /// SHA-256 of the COSE statement.
        statement_sha256: String,
        /// SHA-256 of the declaration.
        declaration_sha256: String,
        /// SHA-256 of the assessment result.
        assessment_sha256: String,
        /// Product name.
        product: String,
        /// Software version.
        software_version: String,
        /// Level.
        level: u8,
        /// Valid from.
        not_before: i64,
        /// Expiry.
        expires: i64,
        /// Signing key.
        key: String,
        /// When.
        at: i64,
    },
    /// A label's status changed.
    StatusChanged {
        /// Label id.
        label: String,
        /// From.
        from: String,
        /// To.
        to: String,
        /// Who.
        actor: String,
        /// Why.
        reason: String,
        /// When.
        at: i64,
    },
    /// An assessor's attestation was registered.
    AttestationRegistered {
        /// SHA-256 of the envelope.
        attestation: String,
        /// Evidence digest.
        evidence_sha256: String,
        /// Signing key.
        key: String,
        /// Assessor organisation.
        assessor: String,
        /// When.
        at: i64,
    },
    /// A key was added.
    KeyAdded {
        /// Key id.
        key: String,
        /// Role.
        role: String,
        /// Holder.
        name: String,
        /// Public key, base64url.
        public_key: String,
        /// When.
        at: i64,
    },
    /// The known-exploited rule flagged a label: a vulnerability in the CISA KEV catalogue
    /// affects its product version and is neither fixed nor justified as not affecting it.
    VulnerabilityFlagged {
        /// Label id.
        label: String,
        /// The vulnerabilities (primary ids), sorted.
        vulnerabilities: Vec<String>,
        /// When the label will be suspended if they stay open.
        suspend_at: i64,
        /// When.
        at: i64,
    },
    /// The known-exploited rule no longer applies to a label.
    VulnerabilityCleared {
        /// Label id.
        label: String,
        /// Why (fixed, not affected, no longer listed).
        reason: String,
        /// When.
        at: i64,
    },
    /// A key was retired.
    KeyRetired {
        /// Key id.
        key: String,
        /// When.
        at: i64,
    },
}

impl Entry {
    /// The entry's kind, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            Entry::LabelIssued { .. } => "label-issued",
            Entry::StatusChanged { .. } => "status-changed",
            Entry::AttestationRegistered { .. } => "attestation-registered",
            Entry::KeyAdded { .. } => "key-added",
            Entry::KeyRetired { .. } => "key-retired",
            Entry::VulnerabilityFlagged { .. } => "vulnerability-flagged",
            Entry::VulnerabilityCleared { .. } => "vulnerability-cleared",
        }
    }

    /// What it is about (a label or key id), for finding an item's entries.
    pub fn subject(&self) -> &str {
        match self {
            Entry::LabelIssued { label, .. }
            | Entry::StatusChanged { label, .. }
            | Entry::VulnerabilityFlagged { label, .. }
            | Entry::VulnerabilityCleared { label, .. } => label,
            Entry::AttestationRegistered {
                evidence_sha256, ..
            } => evidence_sha256,
            Entry::KeyAdded { key, .. } | Entry::KeyRetired { key, .. } => key,
        }
    }

    /// Its bytes in the log.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}
