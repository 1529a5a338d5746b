//! What the engine is given. Everything that needs I/O or a clock (evidence files, the
//! registry's labels, vulnerability data, today's date) is decided by the caller and passed in.

use std::collections::BTreeMap;

use iotlabel_catalog::{Catalog, ProvisionId};
use iotlabel_declaration::{Declaration, Integrity};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What the engine knows about one evidence item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceState {
    /// Whether its content is present and matches its digest.
    pub integrity: Integrity,
    /// Whether a registered assessor's signed attestation over it has been verified.
    pub attested: bool,
}

/// A declaration (product or process) with the state of its evidence.
#[derive(Debug, Clone, Copy)]
pub struct DeclarationInput<'a> {
    /// The declaration.
    pub declaration: &'a Declaration,
    /// SHA-256 of its bytes.
    pub digest: &'a str,
    /// Evidence state by evidence id.
    pub evidence: &'a BTreeMap<String, EvidenceState>,
}

/// Lifecycle status of a referenced label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelStatus {
    /// Valid.
    Active,
    /// Temporarily withdrawn.
    Suspended,
    /// Withdrawn for good.
    Revoked,
    /// Past its validity.
    Expired,
    /// Replaced by a newer version's label.
    Superseded,
}

/// A label referenced by a system component, as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelInfo {
    /// Its status.
    pub status: LabelStatus,
    /// Its level.
    pub level: u8,
    /// Last day it is valid.
    pub valid_until: Date,
    /// Provisions it passed.
    pub passed: Vec<ProvisionId>,
}

/// Known-exploited vulnerabilities affecting the product, from the registry's monitoring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VulnerabilityStatus {
    /// Vulnerability ids (e.g. CVE ids) that are known exploited, affect a component, and are
    /// neither fixed nor covered by a justified not-affected statement.
    pub unresolved_known_exploited: Vec<String>,
}

/// Choices the caller makes about how strict the assessment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Count assessor evidence whose attestation has not been verified (a manufacturer's local
    /// run); the registry sets this to `false`.
    pub accept_unattested_assessor_evidence: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            accept_unattested_assessor_evidence: true,
        }
    }
}

/// Everything an assessment depends on.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The catalogue.
    pub catalog: &'a Catalog,
    /// The product (or process) declaration.
    pub product: DeclarationInput<'a>,
    /// The process declaration it references, if any.
    pub process: Option<DeclarationInput<'a>>,
    /// Labels referenced by system components, by label id.
    pub labels: &'a BTreeMap<String, LabelInfo>,
    /// Vulnerability status, when known.
    pub vulnerabilities: Option<&'a VulnerabilityStatus>,
    /// Profiles to assess against instead of the declared ones.
    pub profiles: Option<&'a [String]>,
    /// Today.
    pub today: Date,
    /// Strictness.
    pub options: Options,
}
