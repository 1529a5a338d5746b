//! Manufacturer VEX in three formats mapped onto one status set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use iotlabel_testkit::shared_file;
use iotlabel_vuln::vex::{Justification, VersionSpec, VexFormat};
use iotlabel_vuln::{Ecosystem, Limits, VexDocument, VexStatus};

fn load(path: &Path) -> VexDocument {
    VexDocument::load(path, &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/openvex")
        .join(name)
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

#[test]
fn every_cyclonedx_vex_file_reads() {
    let mut files = Vec::new();
    json_files(&shared_file("data/cyclonedx/VEX"), &mut files);
    let mut statements = 0;
    for f in &files {
        let doc = load(f);
        assert_eq!(doc.format, VexFormat::CycloneDx);
        assert!(
            doc.warnings.is_empty(),
            "{}: {:?}",
            f.display(),
            doc.warnings
        );
        statements += doc.statements.len();
    }
    // 112 vulnerabilities with an analysis; some list versions as unaffected as well.
    assert!(statements >= 112, "{statements}");
}

#[test]
fn cisa_use_case_1_covers_the_four_statuses() {
    let dir = shared_file("data/cyclonedx/VEX/CISA-Use-Cases/Case-1");
    for (file, status) in [
        ("vex-affected.json", VexStatus::Affected),
        ("vex-not_affected.json", VexStatus::NotAffected),
        ("vex-fixed.json", VexStatus::Fixed),
        (
            "vex-under_investigation.json",
            VexStatus::UnderInvestigation,
        ),
    ] {
        let doc = load(&dir.join(file));
        assert_eq!(doc.statements.len(), 1, "{file}");
        assert_eq!(doc.statements[0].status, status, "{file}");
        assert!(doc.statements[0].timestamp.is_some(), "{file}");
    }
}

#[test]
fn cyclonedx_versions_and_justifications() {
    let doc = load(&shared_file(
        "data/cyclonedx/VEX/CISA-Use-Cases/Case-8/vex.json",
    ));
    let first = &doc.statements[0];
    assert_eq!(first.vulnerability, "CVE-2021-44228");
    assert_eq!(first.status, VexStatus::Affected);
    assert_eq!(first.responses, ["will_not_fix", "update"]);
    let abc = &first.products[0];
    assert_eq!(abc.bom_ref.as_ref().unwrap().reference, "product-ABC");
    assert_eq!(
        abc.versions,
        [
            VersionSpec::Version("2.4".into()),
            VersionSpec::Version("2.6".into()),
            VersionSpec::Range("vers:generic/>=2.9|<=4.1".into()),
        ]
    );
    let not_affected = doc
        .statements
        .iter()
        .find(|s| s.status == VexStatus::NotAffected)
        .unwrap();
    assert_eq!(
        not_affected.justification,
        Some(Justification::VulnerableCodeNotPresent)
    );
    assert_eq!(
        not_affected.justification_text.as_deref(),
        Some("code_not_present")
    );
    assert!(not_affected.impact_statement.is_some());
}

#[test]
fn csaf_vex_maps_onto_the_same_statuses() {
    let dir = shared_file("data/csaf/csaf_2.0/examples/csaf/csaf_vex");
    for (file, status) in [
        ("2022-evd-uc-01-a-001.json", VexStatus::Affected),
        ("2022-evd-uc-01-na-001.json", VexStatus::NotAffected),
        ("2022-evd-uc-01-f-001.json", VexStatus::Fixed),
        ("2022-evd-uc-01-ui-001.json", VexStatus::UnderInvestigation),
    ] {
        let doc = load(&dir.join(file));
        assert_eq!(doc.format, VexFormat::Csaf);
        assert!(!doc.statements.is_empty());
        assert!(doc.statements.iter().all(|s| s.status == status), "{file}");
        assert!(doc.statements.iter().all(|s| s.document == doc.id));
    }
    let doc = load(&dir.join("2022-evd-uc-08-001.json"));
    let na: Vec<_> = doc
        .statements
        .iter()
        .filter(|s| s.vulnerability == "CVE-2021-44228" && s.status == VexStatus::NotAffected)
        .collect();
    assert_eq!(na.len(), 5);
    let one = na
        .iter()
        .find(|s| s.products[0].product_id.as_deref() == Some("CSAFPID-0009"))
        .unwrap();
    assert_eq!(
        one.impact_statement.as_deref(),
        Some("Log4j was not included in those versions at all.")
    );
    assert_eq!(
        one.products[0].versions,
        [VersionSpec::Range("vers:generic/>=1.0|<=4.4".into())]
    );
    let affected = doc
        .statements
        .iter()
        .find(|s| {
            s.status == VexStatus::Affected
                && s.products[0].product_id.as_deref() == Some("CSAFPID-0008")
        })
        .unwrap();
    assert_eq!(
        affected.action_statement.as_deref(),
        Some("Update to the new version 5.2 or later.")
    );
    // Most examples justify with an impact threat; sec-vex uses machine-readable flags.
    let threat = load(&dir.join("2022-evd-uc-01-na-001.json"));
    assert!(
        threat
            .statements
            .iter()
            .all(|s| s.justification.is_none() && s.is_justified())
    );
    let flagged = load(&dir.join("sec-vex-2022-0001.json"));
    let first = &flagged.statements[0];
    assert_eq!(
        first.justification,
        Some(Justification::ComponentNotPresent)
    );
    assert!(flagged.statements.iter().all(|s| s.is_justified()));
}

#[test]
fn openvex_current_shape() {
    let doc = load(&fixture("firmware-v0.2.0.json"));
    assert_eq!(doc.format, VexFormat::OpenVex);
    assert_eq!(
        doc.id.as_deref(),
        Some("https://vex.example.com/camera/2024-0001")
    );
    // The statement with an unknown status is skipped with a warning.
    assert_eq!(doc.statements.len(), 4);
    assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    let [na, affected, fixed, ui] = &doc.statements[..] else {
        panic!()
    };
    assert_eq!(na.status, VexStatus::NotAffected);
    assert_eq!(
        na.justification,
        Some(Justification::VulnerableCodeNotInExecutePath)
    );
    assert_eq!(na.aliases, ["GHSA-jfh8-c2jp-5v3q"]);
    assert_eq!(
        na.products[0].purl.as_ref().unwrap().as_str(),
        "pkg:generic/example/camera-fw@2.1.0"
    );
    assert!(
        na.products[0]
            .cpe
            .as_deref()
            .unwrap()
            .starts_with("cpe:2.3:h:example:camera")
    );
    assert_eq!(
        na.products[0].hashes,
        [("sha-256".to_string(), "ab12".to_string())]
    );
    let log4j = na.subcomponents[0].purl.as_ref().unwrap();
    assert_eq!(
        log4j.package_key().unwrap().0.name,
        "org.apache.logging.log4j:log4j-core"
    );
    assert_eq!(na.timestamp.unwrap().to_string(), "2024-03-01T10:00:00Z");
    assert_eq!(affected.status, VexStatus::Affected);
    assert_eq!(
        affected.timestamp.unwrap().to_string(),
        "2024-03-05T08:30:00Z"
    );
    assert_eq!(
        affected.action_statement.as_deref(),
        Some("Update to firmware 2.1.0 or later.")
    );
    assert_eq!(fixed.status, VexStatus::Fixed);
    assert_eq!(ui.status, VexStatus::UnderInvestigation);
    let hub = &ui.products[0];
    assert_eq!(hub.name.as_deref(), Some("camera-hub"));
    let (key, release) = hub.purl.as_ref().unwrap().package_key().unwrap();
    assert_eq!(
        (key.ecosystem, release.as_deref()),
        (Ecosystem::Debian, Some("13"))
    );
    assert!(ui.action_statement.is_some());
}

#[test]
fn openvex_legacy_shape() {
    let doc = load(&fixture("legacy-v0.0.1.json"));
    let s = &doc.statements[0];
    assert_eq!(s.vulnerability, "CVE-2022-3786");
    assert_eq!(s.justification, Some(Justification::ComponentNotPresent));
    assert_eq!(s.products[0].purl.as_ref().unwrap().ty(), "oci");
    let (key, release) = s.subcomponents[0]
        .purl
        .as_ref()
        .unwrap()
        .package_key()
        .unwrap();
    assert_eq!(
        (key.ecosystem, release.as_deref()),
        (Ecosystem::Alpine, Some("v3.17"))
    );
    assert!(s.timestamp.is_some());
}

#[test]
fn documents_that_are_not_vex_are_refused() {
    let err = VexDocument::load(
        &shared_file("data/kev/known_exploited_vulnerabilities.json"),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a VEX document"), "{err}");
    let err = VexDocument::parse(
        br#"{"@context": "https://openvex.dev/ns/v0.2.0"}"#,
        &iotlabel_vuln::Origin::memory("v"),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("statements"), "{err}");
}
