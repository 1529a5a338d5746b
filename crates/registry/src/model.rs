//! The registry's records.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Submits declarations for its own organisation's products.
    Manufacturer,
    /// Registers attestations over evidence, with a registered assessor key.
    Assessor,
    /// The scheme operator: organisations, accounts, keys, suspension and revocation.
    Operator,
}

impl Role {
    /// Name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manufacturer => "manufacturer",
            Role::Assessor => "assessor",
            Role::Operator => "operator",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "manufacturer" => Ok(Role::Manufacturer),
            "assessor" => Ok(Role::Assessor),
            "operator" => Ok(Role::Operator),
            other => Err(format!("unknown role `{other}`")),
        }
    }
}

/// Where a label stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelStatus {
    /// Genuine and current.
    Active,
    /// Temporarily withdrawn; can be reinstated.
    Suspended,
    /// Withdrawn for good.
    Revoked,
    /// Past its validity, or lapsed after a catalogue change.
    Expired,
    /// Replaced by the label of a newer software version or a renewed declaration.
    Superseded,
}

impl LabelStatus {
    /// Name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelStatus::Active => "active",
            LabelStatus::Suspended => "suspended",
            LabelStatus::Revoked => "revoked",
            LabelStatus::Expired => "expired",
            LabelStatus::Superseded => "superseded",
        }
    }

    /// Whether a label in this state can never change again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            LabelStatus::Revoked | LabelStatus::Expired | LabelStatus::Superseded
        )
    }

    /// Whether the lifecycle allows `self -> to`. Final states stay final: nobody can
    /// un-revoke a label or bring an expired one back; a new declaration gets a new label.
    pub fn can_become(self, to: LabelStatus) -> bool {
        use LabelStatus::*;
        matches!(
            (self, to),
            (Active, Suspended | Revoked | Expired | Superseded)
                | (Suspended, Active | Revoked | Expired | Superseded)
        )
    }
}

impl fmt::Display for LabelStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LabelStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "active" => Ok(LabelStatus::Active),
            "suspended" => Ok(LabelStatus::Suspended),
            "revoked" => Ok(LabelStatus::Revoked),
            "expired" => Ok(LabelStatus::Expired),
            "superseded" => Ok(LabelStatus::Superseded),
            other => Err(format!("unknown label status `{other}`")),
        }
    }
}

/// An authenticated account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Account id.
    pub id: String,
    /// Its organisation.
    pub organisation_id: String,
    /// Organisation name.
    pub organisation_name: String,
    /// Account name.
    pub name: String,
    /// Role.
    pub role: Role,
}

/// A label as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelRecord {
    /// Label id.
    pub id: String,
    /// Product id.
    pub product_id: String,
    /// Manufacturer (organisation) name.
    pub manufacturer: String,
    /// Brand.
    pub brand: String,
    /// Model.
    pub model: String,
    /// Category.
    pub category: String,
    /// Hardware version.
    pub hardware_version: String,
    /// Software version.
    pub software_version: String,
    /// Level.
    pub level: u8,
    /// Status.
    pub status: LabelStatus,
    /// Why it has that status.
    pub status_reason: Option<String>,
    /// Since when (seconds).
    pub status_since: i64,
    /// Issued at (seconds).
    pub issued_at: i64,
    /// Valid from (seconds).
    pub not_before: i64,
    /// Expires at (seconds).
    pub expires_at: i64,
    /// Support period end as declared.
    pub support_end: String,
    /// Catalogue version assessed against.
    pub catalog_version: String,
    /// When the catalogue grace period ends, if a catalogue change affects it.
    pub lapses_at: Option<i64>,
    /// The label that replaced it.
    pub superseded_by: Option<String>,
    /// Signing key id.
    pub key_id: String,
    /// Log index of its issuance.
    pub log_index: u64,
    /// Declaration digest.
    pub declaration_sha256: String,
    /// Assessment id.
    pub assessment_id: String,
    /// When the known-exploited rule flagged it, if it is flagged.
    pub vuln_flagged_at: Option<i64>,
    /// When it will be suspended if the flagged vulnerabilities stay open.
    pub vuln_deadline: Option<i64>,
    /// Whether the known-exploited rule (not the operator) suspended it.
    pub vuln_suspended: bool,
}

/// A status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusEvent {
    /// Log index of the entry recording it.
    pub log_index: u64,
    /// Label.
    pub label_id: String,
    /// Previous status (`None` at issuance).
    pub from: Option<LabelStatus>,
    /// New status.
    pub to: LabelStatus,
    /// Who: an account name, or `registry` for automatic transitions.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// When (seconds).
    pub at: i64,
}
