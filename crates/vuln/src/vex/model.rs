//! One status set for every VEX format: affected, not affected (with justification), fixed,
//! under investigation.

use std::fmt;

use jiff::Timestamp;
use serde::Serialize;

use crate::purl::Purl;

/// The four VEX statuses (the OpenVEX / CISA minimum set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    /// The product is affected. CycloneDX `exploitable`, CSAF `known_affected`.
    Affected,
    /// The product is not affected. CycloneDX `not_affected` / `false_positive`, CSAF
    /// `known_not_affected`.
    NotAffected,
    /// The product contains a fix. CycloneDX `resolved`, CSAF `fixed` / `first_fixed`.
    Fixed,
    /// Not yet known. CycloneDX `in_triage`, CSAF `under_investigation`.
    UnderInvestigation,
}

impl fmt::Display for VexStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VexStatus::Affected => "affected",
            VexStatus::NotAffected => "not affected",
            VexStatus::Fixed => "fixed",
            VexStatus::UnderInvestigation => "under investigation",
        })
    }
}

/// Why a product is not affected: the five OpenVEX / CSAF justifications. CycloneDX's nine
/// are folded onto them (see [`Justification::from_cyclonedx`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    /// The vulnerable component is not in the product.
    ComponentNotPresent,
    /// The component is there, the vulnerable code is not.
    VulnerableCodeNotPresent,
    /// The vulnerable code is never executed.
    VulnerableCodeNotInExecutePath,
    /// An attacker cannot reach or control the vulnerable code.
    VulnerableCodeCannotBeControlledByAdversary,
    /// Mitigations in the product prevent exploitation.
    InlineMitigationsAlreadyExist,
}

impl Justification {
    /// Reads an OpenVEX justification or CSAF flag label.
    pub fn parse(text: &str) -> Option<Justification> {
        Some(match text.trim() {
            "component_not_present" => Justification::ComponentNotPresent,
            "vulnerable_code_not_present" => Justification::VulnerableCodeNotPresent,
            "vulnerable_code_not_in_execute_path" => Justification::VulnerableCodeNotInExecutePath,
            "vulnerable_code_cannot_be_controlled_by_adversary" => {
                Justification::VulnerableCodeCannotBeControlledByAdversary
            }
            "inline_mitigations_already_exist" => Justification::InlineMitigationsAlreadyExist,
            _ => return None,
        })
    }

    /// Maps a CycloneDX `analysis.justification` onto the five: `code_not_present` and
    /// `code_not_reachable` map directly; `requires_dependency` means a needed component is
    /// absent; `requires_configuration` / `requires_environment` mean an attacker cannot bring
    /// about the conditions; `protected_*` are mitigations.
    pub fn from_cyclonedx(text: &str) -> Option<Justification> {
        Some(match text.trim() {
            "code_not_present" => Justification::VulnerableCodeNotPresent,
            "code_not_reachable" => Justification::VulnerableCodeNotInExecutePath,
            "requires_dependency" => Justification::ComponentNotPresent,
            "requires_configuration" | "requires_environment" => {
                Justification::VulnerableCodeCannotBeControlledByAdversary
            }
            "protected_by_compiler"
            | "protected_at_runtime"
            | "protected_at_perimeter"
            | "protected_by_mitigating_control" => Justification::InlineMitigationsAlreadyExist,
            _ => return None,
        })
    }
}

/// The VEX format a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VexFormat {
    /// CycloneDX `vulnerabilities[].analysis`.
    CycloneDx,
    /// OpenVEX.
    OpenVex,
    /// CSAF 2.0 (`product_status`).
    Csaf,
    /// SPDX 3 VEX assessment relationships.
    Spdx3,
}

/// A reference to the component or product a statement is about. Formats identify products
/// differently; whatever identifiers are given are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProductRef {
    /// CycloneDX bom-ref, possibly as a BOM-Link into another BOM.
    pub bom_ref: Option<BomRef>,
    /// Package URL.
    pub purl: Option<Purl>,
    /// CPE.
    pub cpe: Option<String>,
    /// Product name (CSAF full product name, OpenVEX `@id` when it is not a purl).
    pub name: Option<String>,
    /// CSAF `product_id` / OpenVEX `@id`.
    pub product_id: Option<String>,
    /// Versions or ranges the statement restricts itself to (CycloneDX `affects[].versions`,
    /// CSAF `product_version` / `product_version_range` branches).
    pub versions: Vec<VersionSpec>,
    /// Hashes (algorithm, value) that identify the product.
    pub hashes: Vec<(String, String)>,
}

/// A version or range in a VEX statement, kept as data: comparison belongs to the matcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionSpec {
    /// One version.
    Version(String),
    /// A `vers:` range string.
    Range(String),
}

/// A CycloneDX reference, plain (`acme-product-1`) or a BOM-Link
/// (`urn:cdx:<serial>/<version>#<ref>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BomRef {
    /// The BOM serial number (UUID) of a BOM-Link, without `urn:uuid:`.
    pub serial: Option<String>,
    /// The BOM version of a BOM-Link.
    pub version: Option<u64>,
    /// The bom-ref inside the BOM.
    pub reference: String,
}

impl BomRef {
    /// Parses a plain reference or a BOM-Link; a malformed BOM-Link is kept whole as a plain
    /// reference.
    pub fn parse(text: &str) -> BomRef {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("urn:cdx:")
            && let Some((head, reference)) = rest.split_once('#')
        {
            let (serial, version) = match head.split_once('/') {
                Some((s, v)) => (s, v.parse().ok()),
                None => (head, None),
            };
            return BomRef {
                serial: Some(serial.to_string()),
                version,
                reference: percent_decode(reference),
            };
        }
        BomRef {
            serial: None,
            version: None,
            reference: text.to_string(),
        }
    }
}

/// BOM-Link fragments are percent-encoded; decoding is lenient (bad escapes stay as written).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or_default();
        if b == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// One VEX statement: a vulnerability, the products it speaks about, and their status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VexStatement {
    /// The vulnerability identifier (CVE, GHSA, ...).
    pub vulnerability: String,
    /// Other identifiers of the same vulnerability given in the statement.
    pub aliases: Vec<String>,
    /// The products.
    pub products: Vec<ProductRef>,
    /// Sub-components of the products the statement is about (OpenVEX `subcomponents`).
    pub subcomponents: Vec<ProductRef>,
    /// The status.
    pub status: VexStatus,
    /// Why not affected, when the format gives a machine-readable reason.
    pub justification: Option<Justification>,
    /// The justification as written in the source format.
    pub justification_text: Option<String>,
    /// Free-text impact statement (OpenVEX `impact_statement`, CSAF impact threat, CycloneDX
    /// `analysis.detail` for not-affected).
    pub impact_statement: Option<String>,
    /// Free-text action statement (OpenVEX `action_statement`, CSAF remediation details,
    /// CycloneDX `analysis.detail` for affected).
    pub action_statement: Option<String>,
    /// CycloneDX `analysis.response` values / CSAF remediation categories.
    pub responses: Vec<String>,
    /// When the statement was made (OpenVEX statement or document timestamp, CycloneDX
    /// `analysis.firstIssued`, CSAF `current_release_date`).
    pub timestamp: Option<Timestamp>,
    /// When it was last changed.
    pub last_updated: Option<Timestamp>,
    /// The format.
    pub format: VexFormat,
    /// The document's identifier (OpenVEX `@id`, CSAF `tracking.id`, CycloneDX serial).
    pub document: Option<String>,
    /// Who made it (OpenVEX `author`, CSAF publisher).
    pub author: Option<String>,
}

impl VexStatement {
    /// A not-affected statement that says why, by a justification or an impact statement
    /// (OpenVEX and CSAF require one of the two; a bare "not affected" is a claim, not an
    /// argument).
    pub fn is_justified(&self) -> bool {
        self.status == VexStatus::NotAffected
            && (self.justification.is_some()
                || self
                    .impact_statement
                    .as_deref()
                    .is_some_and(|t| !t.trim().is_empty()))
    }
}

/// Parses a timestamp leniently: RFC 3339, or a date alone (taken as midnight UTC).
pub(crate) fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_links() {
        let r = BomRef::parse(
            "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/a/b@1?type=jar",
        );
        assert_eq!(
            r.serial.as_deref(),
            Some("3e671687-395b-41f5-a30f-a58921a69b79")
        );
        assert_eq!(r.version, Some(1));
        assert_eq!(r.reference, "pkg:maven/a/b@1?type=jar");
        let r = BomRef::parse("urn:cdx:x/1#a%20b%");
        assert_eq!(r.reference, "a b%");
        assert_eq!(BomRef::parse("product-ABC").reference, "product-ABC");
    }

    #[test]
    fn timestamps() {
        assert!(parse_timestamp("2022-01-13T00:00:00Z").is_some());
        assert!(parse_timestamp("2023-11-07T20:24:23.946863Z").is_some());
        assert!(parse_timestamp("2022-01-13").is_some());
        assert!(parse_timestamp("yesterday").is_none());
    }
}
