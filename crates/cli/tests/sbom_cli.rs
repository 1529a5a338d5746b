//! `iotlabel sbom check` as a manufacturer runs it: real advisories, KEV and VEX from
//! ../shared/data, the three report formats, exit codes, and errors that name the file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use iotlabel_testkit::{assert_python_check, shared_file};
use serde_json::Value;

fn iotlabel() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("iotlabel");
    cmd.env_remove("IOTLABEL_CATALOG").env("NO_COLOR", "1");
    cmd
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A CycloneDX SBOM of a gateway with PyPI components and a firmware blob without purl.
fn gateway_sbom(dir: &Path) -> PathBuf {
    let file = dir.join("gateway.cdx.json");
    let doc = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "serialNumber": "urn:uuid:0b0e0a3e-6f3c-4c43-9f1e-5d0b7c1f2a10",
        "metadata": {"component": {"type": "device", "bom-ref": "gw", "name": "gateway", "version": "2.4"}},
        "components": [
            {"type": "library", "bom-ref": "jinja2", "name": "Jinja2", "version": "2.10", "purl": "pkg:pypi/Jinja2@2.10"},
            {"type": "library", "bom-ref": "salt", "name": "salt", "version": "3000.1", "purl": "pkg:pypi/salt@3000.1"},
            {"type": "firmware", "bom-ref": "blob", "name": "radio-fw", "version": "7.1",
             "cpe": "cpe:2.3:o:acme:radio_firmware:7.1:*:*:*:*:*:*:*"}
        ]
    });
    std::fs::write(&file, doc.to_string()).unwrap();
    file
}

/// GHSA-288c-cq4h-88gq (jackson-databind, CVE-2020-25649) as an OSV file: the flaw the
/// CycloneDX VEX example in the shared data is about.
fn jackson_advisory(dir: &Path) -> PathBuf {
    let file = dir.join("GHSA-288c-cq4h-88gq.json");
    std::fs::write(
        &file,
        r#"{"id": "GHSA-288c-cq4h-88gq", "modified": "2023-11-08T04:03:00Z",
            "aliases": ["CVE-2020-25649"],
            "affected": [{"package": {"ecosystem": "Maven", "name": "com.fasterxml.jackson.core:jackson-databind"},
              "ranges": [{"type": "ECOSYSTEM", "events": [
                {"introduced": "0"}, {"fixed": "2.6.7.4"}, {"introduced": "2.7.0"}, {"fixed": "2.9.10.7"},
                {"introduced": "2.10.0"}, {"fixed": "2.10.5.1"}]}]}]}"#,
    )
    .unwrap();
    file
}

#[test]
fn text_report_explains_matches_and_flags_known_exploitation() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = gateway_sbom(dir.path());
    let out = iotlabel()
        .args(["sbom", "check", path(&sbom), "--advisories"])
        .arg(shared_file("data/osv-pypi"))
        .arg("--kev")
        .arg(shared_file("data/kev/known_exploited_vulnerabilities.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("SBOM: gateway 2.4 (CycloneDX JSON 1.6), 4 components, 2 matchable"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Advisories: 2651 records (10 withdrawn ignored)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("KEV: catalogue 2025.08.25, 1404 entries"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  CVE-2020-11651  KNOWN EXPLOITED (CVE-2020-11651 in KEV since 2021-11-03, due 2022-05-03)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "    why:      introduced 3000 <= 3000.1 < fixed 3000.2 (range 0, ECOSYSTEM) [PYSEC-2020-102]"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("    why:      introduced 0 <= 2.10 < fixed 2.10.1 (range 0, ECOSYSTEM) [PYSEC-2019-217]"),
        "{stdout}"
    );
    // Known exploited components come first.
    assert!(
        stdout.find("salt 3000.1").unwrap()
            < stdout.find("Jinja2 2.10 (pkg:pypi/jinja2@2.10)").unwrap()
    );
    assert!(
        stdout.contains("  radio-fw 7.1: no package URL; a CPE is kept [CPE cpe:2.3:o:acme:radio_firmware:7.1:*:*:*:*:*:*:*]"),
        "{stdout}"
    );
    assert!(stderr.contains("open finding(s)"), "{stderr}");
    // No progress bar when standard error is not a terminal.
    assert!(!stderr.contains("indexing"), "{stderr}");
}

#[test]
fn json_report_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = gateway_sbom(dir.path());
    let out = iotlabel()
        .args([
            "sbom",
            "check",
            path(&sbom),
            "--format",
            "json",
            "--advisories",
        ])
        .arg(shared_file("data/osv-pypi"))
        .arg("--kev")
        .arg(shared_file("data/kev/known_exploited_vulnerabilities.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["sbom"]["components"], 4,
        "the device and its three components"
    );
    assert_eq!(report["sbom"]["matchable"], 2);
    assert_eq!(report["advisories"]["records"], 2651);
    let findings = report["findings"].as_array().unwrap();
    let salt = findings
        .iter()
        .find(|f| f["vulnerability"] == "CVE-2020-11651")
        .unwrap();
    assert_eq!(salt["component"]["purl"], "pkg:pypi/salt@3000.1");
    assert_eq!(salt["status"]["state"], "affected");
    assert_eq!(salt["exploited"]["due_date"], "2022-05-03");
    assert_eq!(salt["decided_by"], "PYSEC-2020-102");
    assert_eq!(salt["package"], "PyPI/salt");
    let unmatchable = report["unmatchable"].as_array().unwrap();
    assert_eq!(
        unmatchable.len(),
        2,
        "the device itself and the firmware blob"
    );
    assert!(
        unmatchable
            .iter()
            .any(|u| u["cpes"][0] == "cpe:2.3:o:acme:radio_firmware:7.1:*:*:*:*:*:*:*")
    );
}

#[test]
fn cyclonedx_vex_output_of_the_vex_example_is_valid_and_clean() {
    let dir = tempfile::tempdir().unwrap();
    let advisory = jackson_advisory(dir.path());
    let bom = shared_file("data/cyclonedx/VEX/bom.json");
    // Without the manufacturer's VEX the jackson-databind finding is open.
    iotlabel()
        .args(["sbom", "check", path(&bom), "--advisories", path(&advisory)])
        .assert()
        .code(1);
    // With it, the finding is not affected: exit 0.
    let report = dir.path().join("vex.cdx.json");
    iotlabel()
        .args([
            "sbom",
            "check",
            path(&bom),
            "--advisories",
            path(&advisory),
            "--vex",
        ])
        .arg(shared_file("data/cyclonedx/VEX/vex.json"))
        .args(["--format", "cyclonedx-vex", "--out", path(&report)])
        .assert()
        .success();
    let summary: Value = serde_json::from_str(&assert_python_check(
        "cyclonedx_validate.py",
        &[path(&report)],
    ))
    .unwrap();
    assert_eq!(summary["valid"], true);
    let v = &summary["vulnerabilities"][0];
    assert_eq!(v["id"], "CVE-2020-25649");
    assert_eq!(v["state"], "not_affected");
    assert_eq!(v["justification"], "code_not_reachable");
    assert_eq!(
        v["affects"][0],
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"
    );
}

#[test]
fn csaf_advisories_and_a_clean_sbom_exit_0() {
    // Red Hat's CSAF names products without purls: nothing to match, nothing open.
    let out = iotlabel()
        .args(["sbom", "check"])
        .arg(shared_file("data/cyclonedx/SBOM/keycloak-10.0.2/bom.json"))
        .arg("--advisories")
        .arg(shared_file(
            "data/csaf/csaf_2.0/examples/csaf/rhsa-2021_5186.json",
        ))
        .arg(shared_file(
            "data/csaf/csaf_2.0/examples/csaf/rhsa-2022_0011.json",
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Advisories: 3 records"), "{stdout}");
    assert!(stdout.contains("0 findings"), "{stdout}");
}

#[test]
fn unusable_inputs_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = gateway_sbom(dir.path());
    let bad = dir.path().join("broken.cdx.json");
    std::fs::write(&bad, "{\"bomFormat\": \"CycloneDX\", \"components\": [").unwrap();
    let advisories = shared_file("data/osv-pypi/vulns/jinja2");
    let nowhere = dir.path().join("nowhere");
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec![path(&bad), "--advisories", path(&advisories)],
            "broken.cdx.json",
        ),
        (vec![path(&good), "--advisories", path(&nowhere)], "nowhere"),
        (
            vec![
                path(&good),
                "--advisories",
                path(&advisories),
                "--kev",
                path(&good),
            ],
            "gateway.cdx.json",
        ),
        (
            vec![
                path(&good),
                "--advisories",
                path(&advisories),
                "--vex",
                path(&bad),
            ],
            "broken.cdx.json",
        ),
    ];
    for (args, named) in cases {
        let out = iotlabel()
            .args(["sbom", "check"])
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(named), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // --advisories is required.
    iotlabel()
        .args(["sbom", "check", path(&good)])
        .assert()
        .code(2);
}
