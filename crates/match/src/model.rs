//! What the matcher hands back: findings, components it could not match or advisories it could
//! not evaluate, and the changes an import, a KEV update or a VEX document caused. These are
//! owned values (the registry stores them). A finding's texts from the advisories and its
//! component are shared with the indexes ([`SharedText`], `Arc`): an SBOM check builds tens
//! of thousands of findings, and copying a score of small strings into each one was half of
//! its time.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use iotlabel_vuln::PackageKey;
use iotlabel_vuln::vex::{Justification, VexFormat};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Serialize, Serializer};

use crate::error::{MAX_PRODUCT_VERSION_ID_BYTES, MatchError, shorten};

/// Text a finding shares with the advisory index it came from: cloning it counts a reference
/// instead of copying. It dereferences to `str`, compares with `str`, and serialises as a
/// string.
pub type SharedText = arcstr::Substr;

/// An equal text with its own reference count, for a thread that clones it many times: one
/// count bumped from every core bounces between them and costs more than a copy.
pub(crate) fn detach(text: &SharedText) -> SharedText {
    SharedText::from(text.as_str())
}

/// The registry's id of a product version: opaque to the matcher, cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProductVersionId(Arc<str>);

impl ProductVersionId {
    /// Checks and wraps an id: non-empty, at most [`MAX_PRODUCT_VERSION_ID_BYTES`] bytes, no
    /// control characters (ids end up in logs and reports).
    pub fn new(id: &str) -> Result<ProductVersionId, MatchError> {
        let invalid = |reason| MatchError::InvalidProductVersionId {
            shown: shorten(id, 80),
            reason,
        };
        if id.is_empty() {
            return Err(invalid("it is empty"));
        }
        if id.len() > MAX_PRODUCT_VERSION_ID_BYTES {
            return Err(invalid("it is too long"));
        }
        if id.chars().any(char::is_control) {
            return Err(invalid("it contains control characters"));
        }
        Ok(ProductVersionId(id.into()))
    }

    /// An id this crate chose itself (constants), which needs no checking.
    pub(crate) fn trusted(id: &'static str) -> ProductVersionId {
        ProductVersionId(id.into())
    }

    /// An equal id with its own reference count (see [`detach`]).
    pub(crate) fn detached(&self) -> ProductVersionId {
        ProductVersionId(Arc::from(&*self.0))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProductVersionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ProductVersionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The component a finding is about, as the SBOM names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ComponentRef {
    /// CycloneDX `bom-ref` or SPDX id (made up by the SBOM reader when the document gave none).
    pub reference: String,
    /// Name as written.
    pub name: String,
    /// Version as written (the purl's version when the component has a purl).
    pub version: Option<String>,
    /// The normalised purl, when the component has a valid one.
    pub purl: Option<String>,
}

impl fmt::Display for ComponentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(version) = &self.version {
            write!(f, " {version}")?;
        }
        if let Some(purl) = &self.purl {
            write!(f, " ({purl})")?;
        }
        Ok(())
    }
}

/// The status of a finding: what the manufacturer's VEX says, or [`FindingStatus::Affected`]
/// when no statement applies (the version lies in an affected range).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FindingStatus {
    /// Affected: the matcher's verdict, or a VEX statement confirming it.
    Affected,
    /// A VEX statement says the product is not affected.
    NotAffected {
        /// The machine-readable justification, when the statement gives one.
        justification: Option<Justification>,
        /// The free-text impact statement, when the statement gives one.
        impact_statement: Option<String>,
        /// Whether the statement says why (a justification or a non-empty impact statement).
        /// A bare "not affected" is a claim, not an argument: label rules that honour
        /// not-affected statements should require this.
        justified: bool,
    },
    /// A VEX statement says the product contains a fix.
    Fixed,
    /// A VEX statement says the manufacturer is still investigating.
    UnderInvestigation,
}

impl FindingStatus {
    /// Whether the status is a justified not-affected (see [`FindingStatus::NotAffected`]).
    pub fn is_justified_not_affected(&self) -> bool {
        matches!(
            self,
            FindingStatus::NotAffected {
                justified: true,
                ..
            }
        )
    }

    /// Whether the finding still counts against the product: affected or under investigation.
    pub fn is_open(&self) -> bool {
        matches!(
            self,
            FindingStatus::Affected | FindingStatus::UnderInvestigation
        )
    }
}

impl fmt::Display for FindingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindingStatus::Affected => f.write_str("affected"),
            FindingStatus::NotAffected {
                justification,
                justified,
                ..
            } => {
                f.write_str("not affected")?;
                match (justification, justified) {
                    (Some(j), _) => write!(f, " ({})", justification_name(*j)),
                    (None, true) => f.write_str(" (impact statement)"),
                    (None, false) => f.write_str(" (no justification given)"),
                }
            }
            FindingStatus::Fixed => f.write_str("fixed"),
            FindingStatus::UnderInvestigation => f.write_str("under investigation"),
        }
    }
}

/// The OpenVEX / CSAF spelling of a justification.
pub fn justification_name(justification: Justification) -> &'static str {
    match justification {
        Justification::ComponentNotPresent => "component_not_present",
        Justification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
        Justification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
        Justification::VulnerableCodeCannotBeControlledByAdversary => {
            "vulnerable_code_cannot_be_controlled_by_adversary"
        }
        Justification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
    }
}

/// Where a finding's status came from, when a VEX statement set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VexSource {
    /// The statement's format.
    pub format: VexFormat,
    /// The document's identifier, if it has one.
    pub document: Option<String>,
    /// Who made the statement.
    pub author: Option<String>,
    /// When it was made.
    pub timestamp: Option<Timestamp>,
    /// The vulnerability id the statement used (may be an alias of the finding's).
    pub vulnerability: String,
    /// The justification as the source format spells it.
    pub justification_text: Option<String>,
    /// The action statement (what to do), when given.
    pub action_statement: Option<String>,
    /// Responses / remediation categories (`update`, `will_not_fix`, `vendor_fix`, ...).
    pub responses: Vec<String>,
}

/// Known exploitation, from the CISA KEV catalogue (joined through the CVE ids of the
/// finding's vulnerability).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exploited {
    /// The CVE id the catalogue lists.
    pub cve: String,
    /// When CISA added it.
    pub date_added: Date,
    /// The remediation due date CISA set (the label's suspension clock).
    pub due_date: Option<Date>,
    /// Whether ransomware campaigns are known to use it.
    pub known_ransomware: bool,
    /// KEV's name of the vulnerability.
    pub name: String,
}

/// One vulnerability in one component of one product version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The product version.
    pub product_version: ProductVersionId,
    /// The vulnerability: the primary id of its alias group (its first CVE id, else its
    /// smallest id), so that GHSA, PYSEC and CVE records of one flaw are one finding.
    pub vulnerability: SharedText,
    /// The group's other ids, sorted.
    pub aliases: Vec<SharedText>,
    /// The package key matched (`PyPI/jinja2`).
    pub package: SharedText,
    /// The component (shared with the product index, which stores each distinct one once).
    pub component: Arc<ComponentRef>,
    /// The status (VEX, else affected).
    pub status: FindingStatus,
    /// The VEX statement that set the status, if any.
    pub vex: Option<Box<VexSource>>,
    /// Versions that fix it, from the advisories' `fixed` events for this package, in version
    /// order (unparsable ones last).
    pub fixed_versions: Vec<SharedText>,
    /// Known exploitation (KEV), if listed (shared with the KEV index).
    pub exploited: Option<Arc<Exploited>>,
    /// Why the version is affected: the range event that decided, e.g. `introduced 1.2.0 <=
    /// 1.4.3 < fixed 1.4.5 (range 0, SEMVER)`.
    pub explanation: String,
    /// The advisory record whose ranges decided (the smallest id when several do).
    pub decided_by: SharedText,
    /// Severity scores of that record as given (CVSS vectors, ...): not computed here.
    pub severity: Vec<SeverityScore>,
    /// That record's summary.
    pub summary: Option<SharedText>,
}

/// A severity score of an advisory record, as the record gives it (the same fields as
/// [`iotlabel_vuln::Severity`], with shared text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeverityScore {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ...
    pub kind: SharedText,
    /// The vector or value.
    pub score: SharedText,
}

impl Finding {
    /// What identifies a finding within its product version: component reference and
    /// vulnerability.
    pub fn identity(&self) -> (&str, &str) {
        (&self.component.reference, &self.vulnerability)
    }

    /// An equal finding whose texts have their own reference counts, for a thread that copies
    /// it many times (see [`SharedText`]).
    pub(crate) fn detached(&self) -> Finding {
        Finding {
            vulnerability: detach(&self.vulnerability),
            aliases: self.aliases.iter().map(detach).collect(),
            package: detach(&self.package),
            fixed_versions: self.fixed_versions.iter().map(detach).collect(),
            decided_by: detach(&self.decided_by),
            severity: self
                .severity
                .iter()
                .map(|s| SeverityScore {
                    kind: detach(&s.kind),
                    score: detach(&s.score),
                })
                .collect(),
            summary: self.summary.as_ref().map(detach),
            ..self.clone()
        }
    }
}

/// A component that cannot be matched by package: shown, since coverage is not a clean result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmatchable {
    /// The component.
    pub component: ComponentRef,
    /// Why (no purl, an invalid purl, a purl type no advisory database covers).
    pub reason: String,
    /// CPE names the component carries, for CPE-keyed sources.
    pub cpes: Vec<String>,
}

/// An advisory for a component's package that could not be evaluated for its version: a
/// `GIT`-only range, an unparsable version, no ordering for the ecosystem, a component without
/// version or distribution release. Never read as "not affected".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotEvaluable {
    /// The product version.
    pub product_version: ProductVersionId,
    /// The component.
    pub component: ComponentRef,
    /// The vulnerability (primary id of the alias group).
    pub vulnerability: String,
    /// The advisory record that could not be evaluated.
    pub advisory: String,
    /// Why.
    pub reason: String,
}

/// Everything known about one product version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProductReport {
    /// Findings, in SBOM component order, then by vulnerability.
    pub findings: Vec<Finding>,
    /// Advisories that could not be evaluated for a component.
    pub not_evaluable: Vec<NotEvaluable>,
    /// Components that cannot be matched.
    pub unmatchable: Vec<Unmatchable>,
}

/// A finding before and after a change (KEV flag, VEX status, advisory update).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingChange {
    /// Before.
    pub before: Finding,
    /// After.
    pub after: Finding,
}

/// What changed for one product version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProductChanges {
    /// Findings that appeared.
    pub new: Vec<Finding>,
    /// Findings that disappeared (a record now fixes the version, was withdrawn, ...), as they
    /// were.
    pub resolved: Vec<Finding>,
    /// Findings whose details changed (fixed versions, aliases, explanation, exploitation).
    pub updated: Vec<FindingChange>,
    /// Advisories that became not evaluable for a component.
    pub not_evaluable_added: Vec<NotEvaluable>,
    /// Advisories that are no longer not evaluable (evaluated now, or gone).
    pub not_evaluable_removed: Vec<NotEvaluable>,
}

impl ProductChanges {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.new.is_empty()
            && self.resolved.is_empty()
            && self.updated.is_empty()
            && self.not_evaluable_added.is_empty()
            && self.not_evaluable_removed.is_empty()
    }
}

/// What an advisory import did to the records, so the caller can act incrementally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Ids of records seen for the first time.
    pub new: Vec<String>,
    /// Ids of records replaced by a newer `modified`.
    pub updated: Vec<String>,
    /// Ids of records already held with the same `modified`: nothing done.
    pub unchanged: Vec<String>,
    /// Ids of records held with a newer `modified` than the one offered: nothing done.
    pub stale: Vec<String>,
    /// Ids of records that are withdrawn (removed if they were held).
    pub withdrawn: Vec<String>,
    /// Packages whose advisories changed (only these need re-matching), sorted.
    pub packages: Vec<PackageKey>,
    /// Problems found while preparing records (unusable ranges, entries without a package).
    pub problems: Vec<ImportProblem>,
}

impl ImportReport {
    /// Whether the import changed nothing.
    pub fn is_noop(&self) -> bool {
        self.new.is_empty()
            && self.updated.is_empty()
            && self.withdrawn.is_empty()
            && self.packages.is_empty()
    }
}

/// A problem with one record that did not stop its import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// The record.
    pub record: String,
    /// What is wrong, e.g. `affected[0]: GIT range 0 not evaluated: ...`.
    pub message: String,
}

/// The outcome of importing advisories into a [`crate::Matcher`]: the import report and, per
/// product version, the findings that changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// What happened to the records.
    pub import: ImportReport,
    /// What changed per product version (only those with changes).
    pub products: BTreeMap<ProductVersionId, ProductChanges>,
}

impl Changes {
    /// Whether no product version's findings changed.
    pub fn is_empty(&self) -> bool {
        self.products.values().all(ProductChanges::is_empty)
    }

    /// Product versions with new findings (what an alert needs first).
    pub fn affected_product_versions(&self) -> impl Iterator<Item = &ProductVersionId> {
        self.products
            .iter()
            .filter(|(_, c)| !c.new.is_empty())
            .map(|(pv, _)| pv)
    }

    /// Numbers of new, resolved and updated findings over all product versions.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.products.values().fold((0, 0, 0), |(n, r, u), c| {
            (n + c.new.len(), r + c.resolved.len(), u + c.updated.len())
        })
    }
}

/// Progress of a long operation, for a progress bar: `done` of `total` units of `phase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// What is being done.
    pub phase: Phase,
    /// Units done.
    pub done: u64,
    /// Units in all (0 when unknown).
    pub total: u64,
}

/// The phases of long operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Reading advisory files (units: paths).
    LoadingAdvisories,
    /// Preparing and indexing advisory records (units: records).
    IndexingAdvisories,
    /// Evaluating component versions against advisories (units: distinct package versions).
    Matching,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::LoadingAdvisories => "loading advisories",
            Phase::IndexingAdvisories => "indexing advisories",
            Phase::Matching => "matching",
        })
    }
}
