//! The offline check behind `iotlabel sbom check`: one SBOM against advisories, with an
//! optional KEV catalogue and VEX statements, like osv-scanner's offline mode. Pure: the
//! caller loads the inputs ([`load_advisories`] helps with many paths and CSAF) and renders the
//! [`Report`] with [`crate::render`].

use std::io::Read;
use std::path::{Path, PathBuf};

use iotlabel_vuln::advisory::Skipped;
use iotlabel_vuln::{
    CsafDocument, KevCatalog, Limits, Sbom, SbomFormat, VexStatement, Vulnerability, load_osv,
};
use serde::Serialize;

use crate::error::MatchError;
use crate::matcher::Matcher;
use crate::model::{
    ComponentRef, Finding, ImportProblem, NotEvaluable, Phase, ProductVersionId, Progress,
    Unmatchable,
};
use crate::products::component_ref;

/// The product version id findings of an offline check carry.
pub const CHECK_PRODUCT_VERSION: &str = "sbom";

/// The result of an offline check. Its JSON form (see [`crate::render::json`]) is this
/// structure as serde writes it: field names as below, enums in `snake_case`, a finding's
/// `status` an object with a `state` tag (`affected`, `not_affected` with `justification`,
/// `impact_statement` and `justified`, `fixed`, `under_investigation`), dates as
/// `YYYY-MM-DD` and timestamps in RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The SBOM checked.
    pub sbom: SbomSummary,
    /// The advisories used.
    pub advisories: AdvisorySummary,
    /// The KEV catalogue used, if any.
    pub kev: Option<KevSummary>,
    /// Number of VEX statements given (embedded ones included).
    pub vex_statements: usize,
    /// Findings, in SBOM order then by vulnerability.
    pub findings: Vec<Finding>,
    /// Advisories that could not be evaluated for a component.
    pub not_evaluable: Vec<NotEvaluable>,
    /// Components that cannot be matched.
    pub unmatchable: Vec<Unmatchable>,
}

/// What the SBOM was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SbomSummary {
    /// Its format.
    pub format: SbomFormat,
    /// The format version it states.
    pub spec_version: Option<String>,
    /// Its serial number / namespace.
    pub serial_number: Option<String>,
    /// Its name (SPDX).
    pub name: Option<String>,
    /// Number of components.
    pub components: usize,
    /// Components with a package identity advisories can name.
    pub matchable: usize,
    /// The components it describes (the product), with their kind as CycloneDX spells it.
    pub described: Vec<DescribedComponent>,
}

impl SbomSummary {
    /// The summary of an SBOM.
    pub fn of(sbom: &Sbom) -> SbomSummary {
        SbomSummary {
            format: sbom.format,
            spec_version: sbom.spec_version.clone(),
            serial_number: sbom.serial_number.clone(),
            name: sbom.name.clone(),
            components: sbom.components.len(),
            matchable: sbom.matchable().count(),
            described: sbom
                .described_components()
                .map(|c| DescribedComponent {
                    component: component_ref(c),
                    kind: serde_json::to_value(&c.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_else(|| "application".to_owned()),
                })
                .collect(),
        }
    }
}

/// A described (top-level) component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DescribedComponent {
    /// The component.
    pub component: ComponentRef,
    /// Its kind (`application`, `firmware`, `device`, ...).
    pub kind: String,
}

/// What the advisories were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvisorySummary {
    /// Active (not withdrawn) records.
    pub records: usize,
    /// Withdrawn records, ignored.
    pub withdrawn: usize,
    /// Vulnerabilities (alias groups).
    pub vulnerabilities: usize,
    /// Packages named.
    pub packages: usize,
    /// Problems found in records (unusable ranges, entries without package).
    pub problems: Vec<ImportProblem>,
}

/// What the KEV catalogue was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KevSummary {
    /// Its version.
    pub catalog_version: Option<String>,
    /// Its number of entries.
    pub entries: usize,
}

/// Checks an SBOM against advisories, KEV and VEX.
pub fn check(
    sbom: &Sbom,
    advisories: &[Vulnerability],
    kev: Option<&KevCatalog>,
    vex: &[VexStatement],
) -> Report {
    check_with_progress(sbom, advisories, kev, vex, &mut |_| {})
}

/// [`check`], reporting progress of the advisory import (the long part) to `progress`.
pub fn check_with_progress(
    sbom: &Sbom,
    advisories: &[Vulnerability],
    kev: Option<&KevCatalog>,
    vex: &[VexStatement],
    progress: &mut dyn FnMut(Progress),
) -> Report {
    let mut matcher = Matcher::new();
    let changes = matcher.add_advisories_with_progress(advisories, progress);
    let pv = ProductVersionId::trusted(CHECK_PRODUCT_VERSION);
    matcher.add_sbom(&pv, sbom);
    if let Some(kev) = kev {
        matcher.set_kev(kev);
    }
    // The product version was just registered, so this cannot fail.
    let _ = matcher.add_vex(&pv, vex);
    let report = matcher.report(&pv).unwrap_or_default();
    Report {
        sbom: SbomSummary::of(sbom),
        advisories: AdvisorySummary {
            records: matcher.advisories().len(),
            withdrawn: changes.import.withdrawn.len(),
            vulnerabilities: matcher.advisories().vulnerability_count(),
            packages: matcher.advisories().package_count(),
            problems: changes.import.problems,
        },
        kev: kev.map(|k| KevSummary {
            catalog_version: k.catalog_version.clone(),
            entries: k.len(),
        }),
        vex_statements: vex.len()
            + sbom
                .vulnerabilities
                .iter()
                .map(|v| v.statements.len())
                .sum::<usize>(),
        findings: report.findings,
        not_evaluable: report.not_evaluable,
        unmatchable: report.unmatchable,
    }
}

/// Advisories read from several paths.
#[derive(Debug, Clone, Default)]
pub struct AdvisoryLoad {
    /// The records (OSV records, and CSAF vulnerabilities converted).
    pub records: Vec<Vulnerability>,
    /// Files and entries not read, with the reason.
    pub skipped: Vec<Skipped>,
}

/// Loads advisories from files, directories and zip dumps of OSV records (JSON or YAML), and
/// CSAF 2.0 JSON files. All or nothing: the first unusable file fails the load.
pub fn load_advisories(
    paths: &[PathBuf],
    limits: &Limits,
    progress: &mut dyn FnMut(Progress),
) -> Result<AdvisoryLoad, MatchError> {
    let mut load = AdvisoryLoad::default();
    for (i, path) in paths.iter().enumerate() {
        if is_csaf(path)? {
            let document = CsafDocument::load(path, limits)?;
            load.records.extend(document.to_vulnerabilities());
        } else {
            let osv = load_osv(path, limits)?;
            load.records.extend(osv.records);
            load.skipped.extend(osv.skipped);
        }
        progress(Progress {
            phase: Phase::LoadingAdvisories,
            done: i as u64 + 1,
            total: paths.len() as u64,
        });
    }
    Ok(load)
}

/// Whether a path is a CSAF document: a `.json` file whose beginning names `csaf_version`
/// (CSAF puts it in the `document` object, which comes first in practice).
fn is_csaf(path: &Path) -> Result<bool, MatchError> {
    let io = |source| MatchError::AdvisoryPath {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !meta.is_file() || !json {
        return Ok(false);
    }
    let mut head = Vec::with_capacity(64 * 1024);
    std::fs::File::open(path)
        .map_err(io)?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(io)?;
    Ok(String::from_utf8_lossy(&head).contains("\"csaf_version\""))
}
