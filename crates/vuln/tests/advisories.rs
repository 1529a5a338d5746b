//! Advisory ingest against the real data: all of osv-pypi, the CSAF examples, the KEV
//! catalogue; alias merging; zip dumps.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;

use iotlabel_testkit::shared_file;
use iotlabel_vuln::advisory::osv;
use iotlabel_vuln::{
    AdvisoryFormat, AliasGroups, CsafDocument, Ecosystem, Event, KevCatalog, Limits, Origin,
    RangeKind, RansomwareUse, load_osv,
};

fn pypi() -> iotlabel_vuln::OsvLoad {
    load_osv(&shared_file("data/osv-pypi"), &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn all_of_osv_pypi_parses() {
    let load = pypi();
    // 2,661 YAML records; README.md, LICENSE and the hidden .id-allocator are skipped.
    assert_eq!(load.records.len(), 2661);
    assert!(
        load.records
            .iter()
            .all(|r| r.source.format == AdvisoryFormat::OsvYaml)
    );
    assert!(load.records.iter().all(|r| r.modified.is_some()));
    assert_eq!(load.skipped.len(), 3, "{:?}", load.skipped);
    let events: usize = load
        .records
        .iter()
        .flat_map(|r| &r.affected)
        .flat_map(|a| &a.ranges)
        .map(|r| r.events.len())
        .sum();
    assert_eq!(events, 13005);
    let versions: usize = load
        .records
        .iter()
        .flat_map(|r| &r.affected)
        .map(|a| a.versions.len())
        .sum();
    assert_eq!(versions, 140_847);
    let git = load
        .records
        .iter()
        .flat_map(|r| &r.affected)
        .flat_map(|a| &a.ranges)
        .filter(|r| r.kind == RangeKind::Git)
        .count();
    assert_eq!(git, 1391);
    assert_eq!(load.records.iter().filter(|r| r.is_withdrawn()).count(), 10);
    assert!(
        load.records
            .iter()
            .flat_map(|r| &r.affected)
            .filter_map(|a| a.package.as_ref())
            .all(|p| p.ecosystem == Ecosystem::PyPi)
    );
}

#[test]
fn a_record_is_read_exactly() {
    let load = pypi();
    let r = load
        .records
        .iter()
        .find(|r| r.id == "PYSEC-2018-104")
        .unwrap();
    assert_eq!(r.aliases, ["CVE-2017-2592", "GHSA-xcp8-hh74-f6mc"]);
    assert_eq!(
        r.modified.unwrap().to_string(),
        "2021-11-16T21:20:29.327956Z"
    );
    let a = &r.affected[0];
    let package = a.package.as_ref().unwrap();
    assert_eq!(package.name, "oslo-middleware");
    assert_eq!(
        package.purl.as_ref().unwrap().as_str(),
        "pkg:pypi/oslo-middleware"
    );
    assert_eq!(package.key().name, "oslo-middleware");
    // Events stay in written order; sorting is the evaluator's job.
    assert_eq!(
        a.ranges[0].events,
        [
            Event::Introduced("3.9.0".into()),
            Event::Fixed("3.19.1".into()),
            Event::Introduced("0".into()),
            Event::Fixed("3.8.1".into()),
            Event::Introduced("3.20.0".into()),
            Event::Fixed("3.23.1".into()),
        ]
    );
    assert_eq!(a.versions.len(), 46);
    // Quoted YAML versions stay text: "1.10" is not the number 1.1.
    let any = load
        .records
        .iter()
        .flat_map(|r| &r.affected)
        .flat_map(|a| &a.versions);
    assert!(any.clone().any(|v| v == "1.10"));
}

#[test]
fn aliases_merge_into_groups() {
    let load = pypi();
    let groups = AliasGroups::build(&load.records);
    // Python's union-find over the same files finds 5,999 ids in 2,065 groups.
    assert_eq!(groups.len(), 2065);
    let ids: usize = groups.groups().iter().map(|g| g.ids.len()).sum();
    assert_eq!(ids, 5999);
    let multi = groups
        .groups()
        .iter()
        .filter(|g| g.records.len() > 1)
        .count();
    assert_eq!(multi, 345);
    let g = groups.group_of("cve-2017-2592").unwrap();
    assert!(g.ids.contains("PYSEC-2018-104"));
    assert!(g.ids.contains("GHSA-xcp8-hh74-f6mc"));
    assert_eq!(g.primary(), "CVE-2017-2592");
    assert!(std::ptr::eq(
        g,
        groups.group_of("GHSA-XCP8-HH74-F6MC").unwrap()
    ));
    let records: usize = groups.groups().iter().map(|g| g.records.len()).sum();
    assert_eq!(records, load.records.len());
}

#[test]
fn kev_catalogue() {
    let kev = KevCatalog::load(
        &shared_file("data/kev/known_exploited_vulnerabilities.json"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(kev.len(), 1404);
    assert!(kev.warnings.is_empty(), "{:?}", kev.warnings);
    assert_eq!(kev.catalog_version.as_deref(), Some("2025.08.25"));
    let git = kev.get("cve-2025-48384").unwrap();
    assert_eq!(git.vendor_project, "Git");
    assert_eq!(git.date_added.to_string(), "2025-08-25");
    assert_eq!(git.due_date.unwrap().to_string(), "2025-09-15");
    assert_eq!(git.known_ransomware_campaign_use, RansomwareUse::Unknown);
    assert_eq!(git.cwes, ["CWE-59", "CWE-436"]);
    let known = kev
        .entries
        .iter()
        .filter(|e| e.known_ransomware_campaign_use == RansomwareUse::Known)
        .count();
    assert_eq!(known, 293);
    assert!(kev.contains("CVE-2021-44228"));
}

#[test]
fn kev_joins_osv_through_aliases() {
    let load = pypi();
    let groups = AliasGroups::build(&load.records);
    let kev = KevCatalog::load(
        &shared_file("data/kev/known_exploited_vulnerabilities.json"),
        &Limits::default(),
    )
    .unwrap();
    let exploited: Vec<&str> = groups
        .groups()
        .iter()
        .filter(|g| g.cves().any(|c| kev.contains(c)))
        .map(|g| g.primary())
        .collect();
    assert!(!exploited.is_empty());
}

#[test]
fn kev_errors_name_the_entry() {
    let text = r#"{"vulnerabilities": [{"cveID": "CVE-2020-1", "dateAdded": "2020-1-1x"}]}"#;
    let err =
        KevCatalog::parse(text.as_bytes(), &Origin::memory("kev"), &Limits::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("vulnerabilities[0].dateAdded") && msg.contains("CVE-2020-1"),
        "{msg}"
    );
    let text = r#"{"vulnerabilities": [{"cveID": 5}]}"#;
    let err =
        KevCatalog::parse(text.as_bytes(), &Origin::memory("kev"), &Limits::default()).unwrap_err();
    assert!(
        err.to_string().contains("vulnerabilities[0].cveID"),
        "{err}"
    );
}

#[test]
fn every_csaf_example_parses() {
    let dir = shared_file("data/csaf/csaf_2.0/examples/csaf");
    let mut files = Vec::new();
    for sub in [dir.clone(), dir.join("csaf_vex")] {
        for e in std::fs::read_dir(&sub).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    assert_eq!(files.len(), 19);
    for f in files {
        let doc = CsafDocument::load(&f, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!doc.products.is_empty(), "{}", f.display());
        assert!(
            doc.warnings.is_empty(),
            "{}: {:?}",
            f.display(),
            doc.warnings
        );
        let statements = doc.vex_statements();
        let listed: usize = doc
            .vulnerabilities
            .iter()
            .flat_map(|v| &v.product_status)
            .filter(|(k, _)| k.as_str() != "recommended")
            .map(|(_, ids)| ids.len())
            .sum();
        assert_eq!(statements.len(), listed, "{}", f.display());
        let records = doc.to_vulnerabilities();
        assert_eq!(records.len(), doc.vulnerabilities.len());
    }
}

#[test]
fn csaf_red_hat_relationships_and_cisco_category() {
    let dir = shared_file("data/csaf/csaf_2.0/examples/csaf");
    let rh = CsafDocument::load(&dir.join("rhsa-2021_5186.json"), &Limits::default()).unwrap();
    assert_eq!(rh.category, "csaf_security_advisory");
    let statements = rh.vex_statements();
    let fixed = statements
        .iter()
        .find(|s| s.status == iotlabel_vuln::VexStatus::Fixed)
        .unwrap();
    // The product is the platform; the container image is the subcomponent.
    assert_eq!(
        fixed.products[0].cpe.as_deref(),
        Some("cpe:/a:redhat:openshift:4.6::el8")
    );
    assert_eq!(fixed.subcomponents.len(), 1);
    assert!(
        fixed
            .action_statement
            .as_deref()
            .unwrap()
            .contains("OpenShift")
    );
    assert_eq!(fixed.responses, ["vendor_fix"]);
    // Cisco uses its own document category, which CSAF 2.0 allows (generic profile).
    let cisco =
        CsafDocument::load(&dir.join("cisco-sa-20180328-smi2.json"), &Limits::default()).unwrap();
    assert_eq!(cisco.category, "Cisco Security Advisory");
}

fn osv_json(id: &str, alias: &str) -> String {
    format!(
        r#"{{"schema_version": "1.6.0", "id": "{id}", "modified": "2024-01-01T00:00:00Z",
            "aliases": ["{alias}"], "database_specific": {{"x": [1, {{"y": null}}]}},
            "affected": [{{"package": {{"ecosystem": "Debian:12", "name": "openssl"}},
              "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "3.0.11-1~deb12u1"}}]}}]}}]}}"#
    )
}

/// Writes a zip of (name, bytes) entries, deflated.
fn zip_file(entries: &[(&str, &[u8])]) -> tempfile_path::TempZip {
    tempfile_path::TempZip::new(entries)
}

mod tempfile_path {
    use super::*;
    use zip::write::SimpleFileOptions;

    /// A zip file in the target directory's temp area, removed on drop.
    pub struct TempZip(pub std::path::PathBuf);

    impl TempZip {
        pub fn new(entries: &[(&str, &[u8])]) -> TempZip {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let path = std::env::temp_dir()
                .join(format!("iotlabel-vuln-test-{}-{n}.zip", std::process::id()));
            let file = std::fs::File::create(&path).unwrap();
            let mut w = zip::ZipWriter::new(file);
            let options =
                SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (name, bytes) in entries {
                w.start_file(*name, options).unwrap();
                w.write_all(bytes).unwrap();
            }
            w.finish().unwrap();
            TempZip(path)
        }
    }

    impl Drop for TempZip {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

#[test]
fn zip_dumps_load_like_osv_distributes_them() {
    let a = osv_json("DSA-1", "CVE-2024-1");
    let b = osv_json("DEBIAN-CVE-2024-1", "CVE-2024-1");
    let yaml = std::fs::read(shared_file(
        "data/osv-pypi/vulns/werkzeug/PYSEC-2019-140.yaml",
    ))
    .unwrap();
    let zip = zip_file(&[
        ("DSA-1.json", a.as_bytes()),
        ("sub/DEBIAN-CVE-2024-1.json", b.as_bytes()),
        ("README.txt", b"not an advisory"),
        ("nested.zip", b"PK"),
        ("PYSEC-2019-140.yaml", &yaml),
    ]);
    let load = load_osv(&zip.0, &Limits::default()).unwrap();
    assert_eq!(load.records.len(), 3);
    assert_eq!(load.records[2].id, "PYSEC-2019-140");
    assert_eq!(load.skipped.len(), 2);
    let dsa = &load.records[0];
    let package = dsa.affected[0].package.as_ref().unwrap();
    assert_eq!(package.ecosystem, Ecosystem::Debian);
    assert_eq!(package.release.as_deref(), Some("12"));
    assert!(matches!(&dsa.source.origin, Origin::ZipEntry { entry, .. } if entry == "DSA-1.json"));
    let groups = AliasGroups::build(&load.records);
    assert_eq!(groups.group_of("DSA-1").unwrap().records.len(), 2);
}

#[test]
fn a_bad_record_fails_the_whole_load_with_its_place() {
    let good = osv_json("DSA-1", "CVE-2024-1");
    let bad = r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z",
        "affected": [{"ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixd": "1.0"}]}]}]}"#;
    let zip = zip_file(&[("a.json", good.as_bytes()), ("b.json", bad.as_bytes())]);
    let err = load_osv(&zip.0, &Limits::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("!b.json"), "{msg}");
    assert!(msg.contains("affected[0].ranges[0].events[1]"), "{msg}");
    assert!(msg.contains("line 2"), "{msg}");
    assert!(msg.contains("fixd"), "{msg}");
}

#[test]
fn osv_documents_in_other_shapes() {
    let limits = Limits::default();
    let origin = Origin::memory("t");
    let list = format!(
        "[{}, {}]",
        osv_json("A-1", "CVE-1"),
        osv_json("A-2", "CVE-2")
    );
    assert_eq!(
        osv::parse(list.as_bytes(), &origin, &limits).unwrap().len(),
        2
    );
    let api = format!(r#"{{"vulns": [{}]}}"#, osv_json("A-1", "CVE-1"));
    assert_eq!(
        osv::parse(api.as_bytes(), &origin, &limits).unwrap().len(),
        1
    );
    let missing = r#"{"id": "A-1"}"#;
    let err = osv::parse(missing.as_bytes(), &origin, &limits).unwrap_err();
    assert!(err.to_string().contains("modified"), "{err}");
    let yaml = "id: A-1\nmodified: 2024-01-01T00:00:00Z\naffected:\n- package: {ecosystem: npm, name: x}\n  ranges:\n  - type: SEMVER\n    events:\n    - introduced: 0\n    - fixed: 2.0\n";
    let r = &osv::parse(yaml.as_bytes(), &origin, &limits).unwrap()[0];
    assert_eq!(
        r.affected[0].ranges[0].events[1],
        Event::Fixed("2.0".into())
    );
    let bad_time = r#"{"id": "A-1", "modified": "yesterday"}"#;
    let err = osv::parse(bad_time.as_bytes(), &origin, &limits).unwrap_err();
    assert!(err.to_string().contains("`.modified`"), "{err}");
}
