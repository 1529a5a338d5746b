//! Stored findings as pages read them. The registry keeps each finding as the matcher's JSON
//! (`iotlabel_match::Finding`); pages read only the fields they show, so a field added to the
//! matcher later does not break them.

use serde::Deserialize;

/// One finding.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredFinding {
    /// Vulnerability id (first CVE of its alias group, else its smallest id).
    pub vulnerability: String,
    /// Its other ids.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Package key (`PyPI/salt`).
    #[serde(default)]
    pub package: String,
    /// The component.
    pub component: StoredComponent,
    /// Status from VEX, else affected.
    pub status: StoredStatus,
    /// Versions that fix it.
    #[serde(default)]
    pub fixed_versions: Vec<String>,
    /// Known exploitation.
    #[serde(default)]
    pub exploited: Option<StoredExploited>,
    /// Which range event decided.
    #[serde(default)]
    pub explanation: String,
    /// The advisory whose ranges decided.
    #[serde(default)]
    pub decided_by: String,
    /// The advisory's summary.
    #[serde(default)]
    pub summary: Option<String>,
}

/// The component of a finding.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredComponent {
    /// Name.
    pub name: String,
    /// Version.
    #[serde(default)]
    pub version: Option<String>,
    /// purl.
    #[serde(default)]
    pub purl: Option<String>,
}

impl std::fmt::Display for StoredComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(v) => write!(f, "{} {v}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A finding's status.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredStatus {
    /// `affected`, `not_affected`, `fixed`, `under_investigation`.
    pub state: String,
    /// VEX justification, for not affected.
    #[serde(default)]
    pub justification: Option<String>,
    /// VEX impact statement, for not affected.
    #[serde(default)]
    pub impact_statement: Option<String>,
}

impl StoredStatus {
    /// Whether it still counts against the product.
    pub fn is_open(&self) -> bool {
        matches!(self.state.as_str(), "affected" | "under_investigation")
    }
}

/// Known exploitation (CISA KEV).
#[derive(Debug, Clone, Deserialize)]
pub struct StoredExploited {
    /// CVE.
    pub cve: String,
    /// Remediation due date.
    #[serde(default)]
    pub due_date: Option<String>,
    /// Used by ransomware.
    #[serde(default)]
    pub known_ransomware: bool,
}

/// Reads stored findings, skipping any that do not parse (logged).
pub fn read(values: Vec<serde_json::Value>) -> Vec<StoredFinding> {
    values
        .into_iter()
        .filter_map(|v| match serde_json::from_value(v) {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::warn!(error = %e, "stored finding not readable");
                None
            }
        })
        .collect()
}
