//! Helpers shared by the matcher's tests: the real data in ../shared/data, loaded once, and
//! small documents made in the test.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use iotlabel_match::{Finding, ProductVersionId};
use iotlabel_testkit::shared_file;
use iotlabel_vuln::advisory::osv;
use iotlabel_vuln::{KevCatalog, Limits, Origin, Sbom, VexDocument, Vulnerability, load_osv, sbom};

/// Every record of the OSV PyPI advisory database (withdrawn ones included), in load order.
pub fn pypi() -> &'static [Vulnerability] {
    static RECORDS: OnceLock<Vec<Vulnerability>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        load_osv(&shared_file("data/osv-pypi"), &Limits::default())
            .unwrap()
            .records
    })
}

/// The CISA KEV catalogue.
pub fn kev() -> &'static KevCatalog {
    static KEV: OnceLock<KevCatalog> = OnceLock::new();
    KEV.get_or_init(|| {
        KevCatalog::load(
            &shared_file("data/kev/known_exploited_vulnerabilities.json"),
            &Limits::default(),
        )
        .unwrap()
    })
}

/// One real PyPI record by id.
pub fn pypi_record(id: &str) -> Vulnerability {
    pypi()
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} is not in data/osv-pypi"))
        .clone()
}

/// An OSV record from JSON text.
pub fn osv(json: &str) -> Vulnerability {
    let mut records = osv::parse(json.as_bytes(), &Origin::memory("test"), &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(records.len(), 1);
    records.remove(0)
}

/// GHSA-jfh8-c2jp-5v3q (Log4Shell) as OSV publishes it (the fields matching uses). The
/// shared data has PyPI advisories only; the VEX examples are about log4j.
pub const LOG4SHELL: &str = r#"{
  "id": "GHSA-jfh8-c2jp-5v3q",
  "modified": "2024-03-05T18:30:00Z",
  "published": "2021-12-10T00:40:56Z",
  "aliases": ["CVE-2021-44228"],
  "summary": "Remote code injection in Log4j",
  "affected": [{
    "package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
    "ranges": [{"type": "ECOSYSTEM", "events": [
      {"introduced": "2.13.0"}, {"fixed": "2.15.0"},
      {"introduced": "2.0-beta9"}, {"fixed": "2.3.1"},
      {"introduced": "2.4"}, {"fixed": "2.12.2"}
    ]}]
  }],
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}]
}"#;

/// GHSA-288c-cq4h-88gq (jackson-databind XXE, CVE-2020-25649), the flaw of the CycloneDX VEX
/// example in data/cyclonedx/VEX.
pub const JACKSON_XXE: &str = r#"{
  "id": "GHSA-288c-cq4h-88gq",
  "modified": "2023-11-08T04:03:00Z",
  "aliases": ["CVE-2020-25649"],
  "summary": "Improper Restriction of XML External Entity Reference in jackson-databind",
  "affected": [{
    "package": {"ecosystem": "Maven", "name": "com.fasterxml.jackson.core:jackson-databind"},
    "ranges": [{"type": "ECOSYSTEM", "events": [
      {"introduced": "0"}, {"fixed": "2.6.7.4"},
      {"introduced": "2.7.0"}, {"fixed": "2.9.10.7"},
      {"introduced": "2.10.0"}, {"fixed": "2.10.5.1"}
    ]}]
  }]
}"#;

/// GHSA-jf85-cpcp-j695 (lodash prototype pollution, CVE-2019-10744).
pub const LODASH: &str = r#"{
  "id": "GHSA-jf85-cpcp-j695",
  "modified": "2023-09-11T16:22:00Z",
  "aliases": ["CVE-2019-10744"],
  "summary": "Prototype Pollution in lodash",
  "affected": [{
    "package": {"ecosystem": "npm", "name": "lodash"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.12"}]}]
  }]
}"#;

/// A CycloneDX 1.6 SBOM describing a device (`bom-ref` `device`, version 4.2 unless given
/// in `device`), with library components given as (bom-ref, purl).
pub fn bom(device: Option<(&str, &str)>, components: &[(&str, &str)]) -> Sbom {
    let (device_ref, device_version) = device.unwrap_or(("device", "4.2"));
    let list: Vec<serde_json::Value> = components
        .iter()
        .map(|(reference, purl)| {
            let tail = purl.rsplit('/').next().unwrap_or(purl);
            let (name, version) = tail.split_once('@').unwrap_or((tail, ""));
            let version = version.split('?').next().unwrap_or(version);
            serde_json::json!({
                "type": "library", "bom-ref": reference, "name": name,
                "version": version, "purl": purl
            })
        })
        .collect();
    let doc = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", "version": 1,
        "metadata": {"component": {"type": "device", "bom-ref": device_ref,
                                   "name": "gateway", "version": device_version}},
        "components": list
    });
    sbom::parse(
        doc.to_string().as_bytes(),
        &Origin::memory("test SBOM"),
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A VEX document from a file under the shared data.
pub fn vex_file(rel: &str) -> VexDocument {
    VexDocument::load(&shared_file(rel), &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// An SBOM from a file under the shared data.
pub fn sbom_file(rel: &str) -> Sbom {
    sbom::load(&shared_file(rel), &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// A product version id.
pub fn pv(id: &str) -> ProductVersionId {
    ProductVersionId::new(id).unwrap()
}

/// The finding for a component (by bom-ref) and vulnerability (primary id).
pub fn finding<'a>(findings: &'a [Finding], reference: &str, vulnerability: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.component.reference == reference && f.vulnerability == vulnerability)
        .unwrap_or_else(|| {
            let have: Vec<_> = findings
                .iter()
                .filter(|f| f.component.reference == reference)
                .map(|f| f.vulnerability.as_str())
                .collect();
            panic!("no finding {vulnerability} for {reference}; it has {have:?}")
        })
}

/// The primary ids of a component's findings, sorted.
pub fn ids_of(findings: &[Finding], reference: &str) -> Vec<String> {
    let mut ids: Vec<String> = findings
        .iter()
        .filter(|f| f.component.reference == reference)
        .map(|f| f.vulnerability.to_string())
        .collect();
    ids.sort();
    ids
}
