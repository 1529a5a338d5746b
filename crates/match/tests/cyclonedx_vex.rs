//! The CycloneDX 1.6 VEX rendering, validated by an independent implementation: the CycloneDX
//! reference library (cyclonedx-python-lib's strict JSON validator), which also reads it back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{JACKSON_XXE, LOG4SHELL, bom, kev, osv, pypi, pypi_record, sbom_file, vex_file};
use iotlabel_match::render::{CycloneDxOptions, cyclonedx_vex};
use iotlabel_match::{Report, check};
use iotlabel_testkit::{assert_python_check, run_python_check};
use iotlabel_vuln::RangeKind;
use serde_json::Value;

/// Writes the document, validates it with the reference library and returns its summary.
fn validate(document: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vex.cdx.json");
    std::fs::write(&path, document).unwrap();
    let summary = assert_python_check("cyclonedx_validate.py", &[path.to_str().unwrap()]);
    serde_json::from_str(&summary).unwrap()
}

fn options() -> CycloneDxOptions {
    CycloneDxOptions {
        timestamp: Some("2026-11-21T12:00:00Z".parse().unwrap()),
    }
}

fn vulnerability<'a>(summary: &'a Value, id: &str, affects: &str) -> &'a Value {
    summary["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id && v["affects"][0] == affects)
        .unwrap_or_else(|| panic!("no {id} on {affects} in {summary:#}"))
}

fn check_refs(report: &Report, summary: &Value) {
    let refs: Vec<&str> = summary["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let vulnerabilities = summary["vulnerabilities"].as_array().unwrap();
    assert_eq!(
        vulnerabilities.len(),
        report.findings.len() + report.not_evaluable.len()
    );
    for v in vulnerabilities {
        for a in v["affects"].as_array().unwrap() {
            assert!(refs.contains(&a.as_str().unwrap()), "{a} not in {refs:?}");
        }
    }
}

#[test]
fn a_report_on_real_data_is_valid_cyclonedx_1_6_vex() {
    let mut records = pypi().to_vec();
    records.push(osv(LOG4SHELL));
    // A GIT-only record gives a not-evaluable entry.
    let mut git_only = pypi_record("PYSEC-2021-334");
    git_only.id = "PYSEC-2021-334-GIT".into();
    git_only.aliases = vec!["CVE-2099-0334".into()];
    git_only.affected[0]
        .ranges
        .retain(|r| r.kind == RangeKind::Git);
    git_only.affected[0].versions.clear();
    records.push(git_only);
    let sbom = bom(
        Some(("product-ABC", "4.2")),
        &[
            ("jinja2", "pkg:pypi/jinja2@2.10"),
            ("salt", "pkg:pypi/salt@3000.1"),
            ("parlai", "pkg:pypi/parlai@1.0.0"),
            (
                "log4j",
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            ),
        ],
    );
    let vex = vex_file("data/cyclonedx/VEX/CISA-Use-Cases/Case-1/vex-not_affected.json");
    let report = check(&sbom, &records, Some(kev()), &vex.statements);
    assert!(report.findings.len() >= 20, "{}", report.findings.len());
    assert_eq!(report.not_evaluable.len(), 1);

    let document = cyclonedx_vex(&report, &options()).unwrap();
    // Same report, same bytes (the serial number is derived from the content).
    assert_eq!(document, cyclonedx_vex(&report, &options()).unwrap());
    let summary = validate(&document);
    assert_eq!(summary["valid"], true);
    check_refs(&report, &summary);

    // A version-range match without a manufacturer's statement is in triage.
    let jinja = vulnerability(&summary, "CVE-2019-10906", "jinja2");
    assert_eq!(jinja["state"], "in_triage");
    assert_eq!(jinja["properties"]["iotlabel:decidedBy"], "PYSEC-2019-217");
    // The manufacturer's not-affected statement, with CycloneDX's justification.
    let log4j = vulnerability(&summary, "CVE-2021-44228", "log4j");
    assert_eq!(log4j["state"], "not_affected");
    assert_eq!(log4j["justification"], "code_not_present");
    assert_eq!(log4j["responses"], serde_json::json!(["will_not_fix"]));
    assert_eq!(log4j["ratings"], serde_json::json!(["CVSSv31"]));
    // Known exploitation as properties.
    let salt = vulnerability(&summary, "CVE-2020-11651", "salt");
    assert_eq!(salt["properties"]["iotlabel:kev:cve"], "CVE-2020-11651");
    assert_eq!(salt["properties"]["iotlabel:kev:dueDate"], "2022-05-03");
    let git = vulnerability(&summary, "CVE-2099-0334", "parlai");
    assert_eq!(git["state"], "in_triage");
    assert_eq!(git["properties"]["iotlabel:match"], "not-evaluable");
}

#[test]
fn the_cyclonedx_vex_example_round_trips_through_our_report() {
    let sbom = sbom_file("data/cyclonedx/VEX/bom.json");
    let vex = vex_file("data/cyclonedx/VEX/vex.json");
    let report = check(&sbom, &[osv(JACKSON_XXE)], None, &vex.statements);
    let summary = validate(&cyclonedx_vex(&report, &options()).unwrap());
    check_refs(&report, &summary);
    let v = vulnerability(
        &summary,
        "CVE-2020-25649",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar",
    );
    assert_eq!(v["state"], "not_affected");
    // The statement's own CycloneDX justification is kept as written.
    assert_eq!(v["justification"], "code_not_reachable");
}

#[test]
fn the_validator_rejects_what_is_not_cyclonedx_1_6() {
    let sbom = bom(None, &[("jinja2", "pkg:pypi/jinja2@2.10")]);
    let report = check(&sbom, &[pypi_record("PYSEC-2019-217")], None, &[]);
    let mut document: Value =
        serde_json::from_str(&cyclonedx_vex(&report, &options()).unwrap()).unwrap();
    document["vulnerabilities"][0]["analysis"]["state"] = "probably_fine".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, document.to_string()).unwrap();
    let out = run_python_check("cyclonedx_validate.py", &[path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("probably_fine"));
}
