//! The one advisory model (OSV's shape) that OSV records and CSAF advisories are read into.
//! Versions, ranges and events are kept as data: comparing them is the matcher's job.

use jiff::Timestamp;
use serde::Serialize;

use crate::ecosystem::{Ecosystem, PackageKey};
use crate::error::Origin;
use crate::purl::Purl;

/// One vulnerability record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vulnerability {
    /// Identifier (`GHSA-...`, `PYSEC-...`, `CVE-...`).
    pub id: String,
    /// Other identifiers of the same vulnerability.
    pub aliases: Vec<String>,
    /// Identifiers of related but different vulnerabilities.
    pub related: Vec<String>,
    /// Identifiers of the upstream records this one was derived from.
    pub upstream: Vec<String>,
    /// When the record last changed (OSV `modified`, CSAF `current_release_date`).
    pub modified: Option<Timestamp>,
    /// When it was published.
    pub published: Option<Timestamp>,
    /// When it was withdrawn; a withdrawn record must not raise findings.
    pub withdrawn: Option<Timestamp>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Details (Markdown in OSV).
    pub details: Option<String>,
    /// Severity scores.
    pub severity: Vec<Severity>,
    /// The affected packages.
    pub affected: Vec<Affected>,
    /// References.
    pub references: Vec<Reference>,
    /// The weakness classes the record names, as CWE ids (`CWE-79`): OSV's
    /// `database_specific.cwe_ids` (GitHub advisories), CSAF's `cwe`.
    pub cwes: Vec<String>,
    /// Where the record came from.
    pub source: AdvisorySource,
}

/// A CWE id in its usual form (`CWE-79`), or `None` for anything else (`NVD-CWE-noinfo`,
/// `NVD-CWE-Other`, free text).
pub fn normalise_cwe(text: &str) -> Option<String> {
    let t = text.trim();
    let digits = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("CWE-"))
        .map(|_| &t[4..])?;
    (!digits.is_empty() && digits.len() <= 7 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("CWE-{}", digits.trim_start_matches('0')))
        .filter(|c| c.len() > 4)
}

impl Vulnerability {
    /// The record's id and aliases.
    pub fn identifiers(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Whether the record is withdrawn.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }
}

/// The format and document an advisory was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvisorySource {
    /// The format.
    pub format: AdvisoryFormat,
    /// The file or zip entry.
    pub origin: Origin,
}

/// Advisory formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdvisoryFormat {
    /// OSV JSON.
    OsvJson,
    /// OSV YAML.
    OsvYaml,
    /// CSAF 2.0.
    Csaf,
}

/// A severity score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Severity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ...
    pub kind: String,
    /// The vector or value.
    pub score: String,
}

/// A reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// `ADVISORY`, `WEB`, `FIX`, `REPORT`, ...
    pub kind: String,
    /// The URL.
    pub url: String,
}

/// One affected package with its ranges and versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Affected {
    /// The package; OSV allows it to be absent (e.g. GIT-only records).
    pub package: Option<Package>,
    /// Per-package severity.
    pub severity: Vec<Severity>,
    /// Ranges.
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    pub versions: Vec<String>,
}

/// A package named by an advisory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    /// The ecosystem without release.
    pub ecosystem: Ecosystem,
    /// The release part of the ecosystem string (`12` in `Debian:12`).
    pub release: Option<String>,
    /// The name as written.
    pub name: String,
    /// The purl, when given and valid.
    pub purl: Option<Purl>,
}

impl Package {
    /// The key SBOM components are looked up by.
    pub fn key(&self) -> PackageKey {
        PackageKey::new(self.ecosystem.clone(), &self.name)
    }
}

/// A range of affected versions, as a list of events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Range {
    /// How versions in the events are ordered.
    pub kind: RangeKind,
    /// The repository of GIT ranges.
    pub repo: Option<String>,
    /// The events, in the order written (the evaluation sorts them).
    pub events: Vec<Event>,
}

/// The ordering a range's versions follow.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// SemVer 2.0 precedence.
    Semver,
    /// The ecosystem's own ordering.
    Ecosystem,
    /// Git commits: needs the repository's history; never evaluated by version.
    Git,
    /// A kind this crate does not know, as written.
    Other(String),
}

impl RangeKind {
    pub(crate) fn parse(text: &str) -> RangeKind {
        match text.trim() {
            "SEMVER" => RangeKind::Semver,
            "ECOSYSTEM" => RangeKind::Ecosystem,
            "GIT" => RangeKind::Git,
            other => RangeKind::Other(other.to_string()),
        }
    }
}

/// A range event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from this one on are affected (`0`: from the first version).
    Introduced(String),
    /// This version and later are not affected.
    Fixed(String),
    /// Versions up to and including this one are affected.
    LastAffected(String),
    /// Versions from this one on are outside the range (`*`: no limit).
    Limit(String),
}

impl Event {
    /// The event's version.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}
