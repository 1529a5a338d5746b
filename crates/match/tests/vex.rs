//! Manufacturer VEX in its three formats (CycloneDX VEX, OpenVEX, CSAF VEX) sets the status of
//! the findings it names: affected, not affected with its justification, fixed, under
//! investigation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{JACKSON_XXE, LOG4SHELL, bom, finding, osv, pv, sbom_file, vex_file};
use iotlabel_match::{FindingStatus, MatchError, Matcher, check};
use iotlabel_vuln::vex::{Justification, VexFormat};
use iotlabel_vuln::{Limits, Origin, VexDocument};

const LOG4J: (&str, &str) = (
    "log4j",
    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
);

fn not_affected(justification: Option<Justification>, justified: bool) -> impl Fn(&FindingStatus) {
    move |status| match status {
        FindingStatus::NotAffected {
            justification: j,
            justified: k,
            ..
        } => {
            assert_eq!(*j, justification);
            assert_eq!(*k, justified);
        }
        other => panic!("expected not affected, got {other:?}"),
    }
}

#[test]
fn cyclonedx_vex_example_marks_jackson_not_affected() {
    let sbom = sbom_file("data/cyclonedx/VEX/bom.json");
    let vex = vex_file("data/cyclonedx/VEX/vex.json");
    let advisories = [osv(JACKSON_XXE)];
    let without = check(&sbom, &advisories, None, &[]);
    let reference = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar";
    assert_eq!(
        finding(&without.findings, reference, "CVE-2020-25649").status,
        FindingStatus::Affected
    );
    // The statement points at the component through a BOM-Link to another serial number;
    // the purl in it still names the component.
    let report = check(&sbom, &advisories, None, &vex.statements);
    let f = finding(&report.findings, reference, "CVE-2020-25649");
    not_affected(Some(Justification::VulnerableCodeNotInExecutePath), true)(&f.status);
    let source = f.vex.as_ref().unwrap();
    assert_eq!(source.format, VexFormat::CycloneDx);
    assert_eq!(
        source.justification_text.as_deref(),
        Some("code_not_reachable")
    );
    assert!(!f.status.is_open());
}

#[test]
fn cisa_use_case_1_four_statuses_on_the_whole_product() {
    // Each statement names a product (`product-DEF`, ...), not a component: it covers every
    // component of the SBOM that describes that product.
    let advisories = [osv(LOG4SHELL)];
    let dir = "data/cyclonedx/VEX/CISA-Use-Cases/Case-1";
    type Check = Box<dyn Fn(&FindingStatus)>;
    let cases: [(&str, (&str, &str), Check); 4] = [
        (
            "vex-affected.json",
            ("product-DEF", "1.0"),
            Box::new(|s| assert_eq!(*s, FindingStatus::Affected)),
        ),
        (
            "vex-not_affected.json",
            ("product-ABC", "4.2"),
            Box::new(not_affected(
                Some(Justification::VulnerableCodeNotPresent),
                true,
            )),
        ),
        (
            "vex-fixed.json",
            ("product-DEF", "1.1"),
            Box::new(|s| assert_eq!(*s, FindingStatus::Fixed)),
        ),
        (
            "vex-under_investigation.json",
            ("product-GHI", "17.4"),
            Box::new(|s| assert_eq!(*s, FindingStatus::UnderInvestigation)),
        ),
    ];
    for (file, product, check_status) in cases {
        let vex = vex_file(&format!("{dir}/{file}"));
        let sbom = bom(Some(product), &[LOG4J]);
        let report = check(&sbom, &advisories, None, &vex.statements);
        let f = finding(&report.findings, "log4j", "CVE-2021-44228");
        check_status(&f.status);
        let source = f.vex.as_ref().unwrap_or_else(|| panic!("{file}"));
        assert_eq!(source.format, VexFormat::CycloneDx);
        // The same statements do not apply to a product they do not name.
        let other = bom(Some(("product-XYZ", "4.2")), &[LOG4J]);
        let report = check(&other, &advisories, None, &vex.statements);
        let f = finding(&report.findings, "log4j", "CVE-2021-44228");
        assert_eq!(f.status, FindingStatus::Affected);
        assert!(f.vex.is_none(), "{file}");
    }
    // `exploitable` with responses: affected, as the manufacturer confirms.
    let vex = vex_file(&format!("{dir}/vex-affected.json"));
    let report = check(
        &bom(Some(("product-DEF", "1.0")), &[LOG4J]),
        &advisories,
        None,
        &vex.statements,
    );
    assert_eq!(
        report.findings[0].vex.as_ref().unwrap().responses,
        ["will_not_fix", "update"]
    );
}

const OPENVEX: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://vex.example.com/gateway/2024-0001",
  "author": "Example Gateway Co. PSIRT",
  "timestamp": "2024-03-01T10:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": {"name": "GHSA-jfh8-c2jp-5v3q"},
      "products": [{
        "@id": "pkg:generic/example/gateway@4.2",
        "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]
      }],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path",
      "impact_statement": "JNDI lookups are disabled in the gateway's logging configuration."
    },
    {
      "vulnerability": {"name": "CVE-2021-44228"},
      "products": [{
        "@id": "pkg:generic/example/gateway@4.3",
        "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.13.0"}]
      }],
      "status": "affected",
      "action_statement": "Update to gateway 4.4."
    }
  ]
}"#;

#[test]
fn openvex_statements_apply_through_aliases_and_subcomponent_purls() {
    let vex = VexDocument::parse(
        OPENVEX.as_bytes(),
        &Origin::memory("openvex"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(vex.format, VexFormat::OpenVex);
    let advisories = [osv(LOG4SHELL)];
    // The first statement names the GHSA id, an alias of the finding's CVE.
    let report = check(&bom(None, &[LOG4J]), &advisories, None, &vex.statements);
    let f = finding(&report.findings, "log4j", "CVE-2021-44228");
    not_affected(Some(Justification::VulnerableCodeNotInExecutePath), true)(&f.status);
    let source = f.vex.as_ref().unwrap();
    assert_eq!(source.format, VexFormat::OpenVex);
    assert_eq!(source.vulnerability, "GHSA-jfh8-c2jp-5v3q");
    assert_eq!(
        source.document.as_deref(),
        Some("https://vex.example.com/gateway/2024-0001")
    );

    // log4j-core 2.13.0 is named by the second statement only.
    let older = bom(
        None,
        &[(
            "log4j",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.13.0",
        )],
    );
    let report = check(&older, &advisories, None, &vex.statements);
    let f = finding(&report.findings, "log4j", "CVE-2021-44228");
    assert_eq!(f.status, FindingStatus::Affected);
    assert_eq!(
        f.vex.as_ref().unwrap().action_statement.as_deref(),
        Some("Update to gateway 4.4.")
    );
}

#[test]
fn csaf_vex_documents_set_each_status_with_their_justification() {
    let dir = "data/csaf/csaf_2.0/examples/csaf/csaf_vex";
    let advisories = [osv(LOG4SHELL)];
    // CSAF names products by the document's product ids (with a version from the product
    // tree); the SBOM describing the product uses the same id as its bom-ref.
    let status = |file: &str, version: &str| {
        let vex = vex_file(&format!("{dir}/{file}"));
        assert_eq!(vex.format, VexFormat::Csaf);
        let sbom = bom(Some(("CSAFPID-0001", version)), &[LOG4J]);
        let report = check(&sbom, &advisories, None, &vex.statements);
        finding(&report.findings, "log4j", "CVE-2021-44228").clone()
    };
    let f = status("2022-evd-uc-01-a-001.json", "1.0");
    assert_eq!(f.status, FindingStatus::Affected);
    assert_eq!(f.vex.unwrap().format, VexFormat::Csaf);
    assert_eq!(
        status("2022-evd-uc-01-f-001.json", "1.1").status,
        FindingStatus::Fixed
    );
    // The fix is stated for DEF 1.1, not 1.0.
    let f = status("2022-evd-uc-01-f-001.json", "1.0");
    assert_eq!(f.status, FindingStatus::Affected);
    assert!(f.vex.is_none());
    assert_eq!(
        status("2022-evd-uc-01-ui-001.json", "17.4").status,
        FindingStatus::UnderInvestigation
    );
    // Not affected, justified by an impact threat's text rather than a flag.
    let f = status("2022-evd-uc-01-na-001.json", "4.2");
    not_affected(None, true)(&f.status);
    assert_eq!(
        f.vex.as_ref().unwrap().document.as_deref(),
        Some("2022-EVD-UC-01-NA-001")
    );
    // Secvisogram `<=1.14.0` becomes `vers:generic/<=1.14.0`, which cannot be evaluated: a
    // not-affected claim is applied only when it is known to cover the version.
    let f = status("sec-vex-2022-0001.json", "1.14.0");
    assert_eq!(f.status, FindingStatus::Affected);
    assert!(f.vex.is_none());
    // Named by the product version id instead, it applies, with its machine-readable flag.
    let vex = vex_file(&format!("{dir}/sec-vex-2022-0001.json"));
    let mut matcher = Matcher::new();
    matcher.add_advisories(&advisories);
    let product = pv("CSAFPID-0001");
    matcher.add_sbom(&product, &bom(None, &[LOG4J]));
    matcher.add_vex(&product, &vex.statements).unwrap();
    let f = finding(&matcher.findings(&product), "log4j", "CVE-2021-44228").clone();
    not_affected(Some(Justification::ComponentNotPresent), true)(&f.status);
    match &f.status {
        FindingStatus::NotAffected {
            impact_statement, ..
        } => assert_eq!(
            impact_statement.as_deref(),
            Some("Secvisogram is written in JavaScript. No Java is included.")
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        f.vex.unwrap().justification_text.as_deref(),
        Some("component_not_present")
    );
}

#[test]
fn vex_added_later_is_kept_across_an_sbom_update_and_the_last_statement_wins() {
    let mut matcher = Matcher::new();
    matcher.add_advisories(&[osv(LOG4SHELL)]);
    let product = pv("gateway/4.2");
    let vex = vex_file("data/cyclonedx/VEX/CISA-Use-Cases/Case-1/vex-under_investigation.json");
    let err = matcher.add_vex(&product, &vex.statements).unwrap_err();
    assert!(matches!(err, MatchError::UnknownProductVersion(_)), "{err}");

    let sbom = bom(Some(("product-GHI", "17.4")), &[LOG4J]);
    matcher.add_sbom(&product, &sbom);
    let changes = matcher.add_vex(&product, &vex.statements).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].after.status, FindingStatus::UnderInvestigation);

    // A later statement about the same product decides.
    let mut fixed = vex_file("data/cyclonedx/VEX/CISA-Use-Cases/Case-1/vex-fixed.json");
    fixed.statements[0].products[0]
        .bom_ref
        .as_mut()
        .unwrap()
        .reference = "product-GHI".into();
    let changes = matcher.add_vex(&product, &fixed.statements).unwrap();
    assert_eq!(changes[0].before.status, FindingStatus::UnderInvestigation);
    assert_eq!(changes[0].after.status, FindingStatus::Fixed);

    // A new SBOM for the same product version keeps the statements.
    matcher.add_sbom(&product, &sbom);
    assert_eq!(matcher.findings(&product)[0].status, FindingStatus::Fixed);
    assert!(matcher.rematch_all().is_empty());
}
