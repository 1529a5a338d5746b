//! What the matcher cannot decide is reported, never read as "not affected": GIT-only ranges,
//! components without version, components without a package URL (their CPE kept); and
//! hostile advisory files fail the load with their name instead of panicking.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{bom, ids_of, pypi_record};
use iotlabel_match::{
    AdvisoryLoad, MatchError, Matcher, ProductVersionId, check, load_advisories, render,
};
use iotlabel_testkit::shared_file;
use iotlabel_vuln::{Limits, Origin, RangeKind, sbom};

#[test]
fn git_ranges_are_not_evaluable_and_never_matched() {
    // PYSEC-2021-334 has a GIT range (commits), an ECOSYSTEM range and listed versions; keep
    // only the GIT range.
    let mut git_only = pypi_record("PYSEC-2021-334");
    git_only.affected[0]
        .ranges
        .retain(|r| r.kind == RangeKind::Git);
    git_only.affected[0].versions.clear();
    assert_eq!(git_only.affected[0].ranges.len(), 1);
    let sbom = bom(None, &[("parlai", "pkg:pypi/parlai@1.0.0")]);
    let report = check(&sbom, std::slice::from_ref(&git_only), None, &[]);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.not_evaluable.len(), 1);
    let n = &report.not_evaluable[0];
    assert_eq!(n.advisory, "PYSEC-2021-334");
    assert_eq!(n.vulnerability, "CVE-2021-39207");
    assert!(n.reason.contains("GIT"), "{}", n.reason);
    assert!(
        report
            .advisories
            .problems
            .iter()
            .any(|p| p.record == "PYSEC-2021-334" && p.message.contains("GIT")),
        "{:?}",
        report.advisories.problems
    );
    // An alias record that can be evaluated decides for the vulnerability.
    let report = check(&sbom, &[git_only, pypi_record("PYSEC-2021-330")], None, &[]);
    assert_eq!(ids_of(&report.findings, "parlai"), ["CVE-2021-24040"]);
    assert_eq!(report.findings[0].decided_by, "PYSEC-2021-330");
    assert!(report.not_evaluable.is_empty());
}

#[test]
fn a_component_without_version_is_not_evaluable() {
    let sbom = bom(None, &[("jinja2", "pkg:pypi/jinja2")]);
    let report = check(&sbom, &[pypi_record("PYSEC-2019-217")], None, &[]);
    assert!(report.findings.is_empty());
    assert_eq!(report.not_evaluable.len(), 1);
    assert!(
        report.not_evaluable[0].reason.contains("no version"),
        "{}",
        report.not_evaluable[0].reason
    );
}

#[test]
fn components_without_purl_are_unmatchable_with_their_cpe() {
    let cyclonedx = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
      "metadata": {"component": {"type": "device", "bom-ref": "gw", "name": "gateway", "version": "2.4"}},
      "components": [
        {"type": "firmware", "bom-ref": "bootloader", "name": "u-boot", "version": "2020.01",
         "cpe": "cpe:2.3:a:denx:u-boot:2020.01:*:*:*:*:*:*:*"},
        {"type": "library", "bom-ref": "bad", "name": "broken", "version": "1", "purl": "pkg:/nothing"},
        {"type": "library", "bom-ref": "jinja2", "name": "jinja2", "version": "2.10", "purl": "pkg:pypi/jinja2@2.10"}
      ]}"#;
    let spdx = r#"{"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
      "name": "gateway", "documentNamespace": "https://example.com/gateway-2.4",
      "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: test"]},
      "documentDescribes": ["SPDXRef-gw"],
      "packages": [
        {"SPDXID": "SPDXRef-gw", "name": "gateway", "versionInfo": "2.4", "downloadLocation": "NOASSERTION"},
        {"SPDXID": "SPDXRef-uboot", "name": "u-boot", "versionInfo": "2020.01", "downloadLocation": "NOASSERTION",
         "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                           "referenceLocator": "cpe:2.3:a:denx:u-boot:2020.01:*:*:*:*:*:*:*"}]},
        {"SPDXID": "SPDXRef-jinja2", "name": "jinja2", "versionInfo": "2.10", "downloadLocation": "NOASSERTION",
         "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                           "referenceLocator": "pkg:pypi/jinja2@2.10"}]}
      ]}"#;
    for (name, text, uboot) in [
        ("cyclonedx", cyclonedx, "bootloader"),
        ("spdx", spdx, "SPDXRef-uboot"),
    ] {
        let sbom = sbom::parse(text.as_bytes(), &Origin::memory(name), &Limits::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = check(&sbom, &[pypi_record("PYSEC-2019-217")], None, &[]);
        assert_eq!(report.findings.len(), 1, "{name}");
        let u = report
            .unmatchable
            .iter()
            .find(|u| u.component.reference == uboot)
            .unwrap_or_else(|| panic!("{name}: {:?}", report.unmatchable));
        assert_eq!(
            u.cpes,
            ["cpe:2.3:a:denx:u-boot:2020.01:*:*:*:*:*:*:*"],
            "{name}"
        );
        assert!(u.reason.contains("package URL"), "{name}: {}", u.reason);
        let text = render::text(&report);
        assert!(
            text.contains("[CPE cpe:2.3:a:denx:u-boot:2020.01:*:*:*:*:*:*:*]"),
            "{text}"
        );
    }
    let sbom = sbom::parse(
        cyclonedx.as_bytes(),
        &Origin::memory("cyclonedx"),
        &Limits::default(),
    )
    .unwrap();
    let report = check(&sbom, &[], None, &[]);
    let bad = report
        .unmatchable
        .iter()
        .find(|u| u.component.reference == "bad")
        .unwrap();
    assert!(bad.reason.contains("invalid package URL"), "{}", bad.reason);
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

fn load(paths: &[PathBuf]) -> Result<AdvisoryLoad, MatchError> {
    load_advisories(paths, &Limits::default(), &mut |_| {})
}

#[test]
fn hostile_advisory_files_fail_the_load_naming_the_file() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let good = shared_file("data/osv-pypi/vulns/jinja2");
    let record = br#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z"}"#;
    let mut bomb = Vec::from(&br#"{"id": "X-2", "modified": "2024-01-01T00:00:00Z", "x": 1"#[..]);
    bomb.extend(std::iter::repeat_n(b' ', 10 * 1024 * 1024));
    bomb.push(b'}');
    write_zip(
        &dir.join("bomb.zip"),
        &[("a.json", record), ("bomb.json", &bomb)],
    );
    write_zip(
        &dir.join("traversal.zip"),
        &[("a.json", record), ("../../etc/evil.json", record)],
    );
    let deep = format!(
        r#"{{"document": {{"csaf_version": "2.0"}}, "x": {}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.join("deep-csaf.json"), deep).unwrap();
    std::fs::write(
        dir.join("latin1.yaml"),
        b"id: X-3\nmodified: 2024-01-01T00:00:00Z\nsummary: caf\xe9\n",
    )
    .unwrap();
    let huge = format!(
        r#"{{"id": "X-4", "modified": "2024-01-01T00:00:00Z", "summary": "{}"}}"#,
        "A".repeat(2 * 1024 * 1024)
    );
    std::fs::write(dir.join("huge.json"), huge).unwrap();

    // The good directory alone loads.
    assert_eq!(load(std::slice::from_ref(&good)).unwrap().records.len(), 5);
    for (file, says) in [
        ("bomb.zip", "zip bomb"),
        ("traversal.zip", "refused as a whole"),
        ("deep-csaf.json", "deep"),
        ("latin1.yaml", "UTF-8"),
        ("huge.json", "long"),
    ] {
        let path = dir.join(file);
        let err = load(&[good.clone(), path]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains(file), "{file}: {message}");
        assert!(message.contains(says), "{file}: {message}");
    }
    let err = load(&[dir.join("missing.json")]).unwrap_err();
    assert!(matches!(err, MatchError::AdvisoryPath { .. }), "{err}");
    assert!(err.to_string().contains("missing.json"), "{err}");
}

#[test]
fn hostile_names_are_escaped_and_ids_checked() {
    let evil = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "library", "bom-ref": "j", "name": "jinja2\u001b[2J", "version": "2.10",
         "purl": "pkg:pypi/jinja2@2.10"}]}"#;
    let sbom = sbom::parse(evil.as_bytes(), &Origin::memory("evil"), &Limits::default()).unwrap();
    let report = check(&sbom, &[pypi_record("PYSEC-2019-217")], None, &[]);
    let text = render::text(&report);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("\\u{1b}[2J"), "{text}");

    for bad in ["", "a\nb", &"x".repeat(10_000)] {
        assert!(matches!(
            ProductVersionId::new(bad),
            Err(MatchError::InvalidProductVersionId { .. })
        ));
    }
    // A very long version string is evaluated (or not), without panicking.
    let long = format!("pkg:pypi/jinja2@{}", "9.".repeat(50_000));
    let long = long.trim_end_matches('.');
    let mut matcher = Matcher::new();
    matcher.add_advisories(&[pypi_record("PYSEC-2019-217")]);
    let id = ProductVersionId::new("long").unwrap();
    matcher.add_sbom(&id, &bom(None, &[("jinja2", long)]));
    assert!(matcher.findings(&id).is_empty());
}
