//! The real OSV PyPI advisories, the CISA KEV catalogue and the public SBOMs in ../shared/data:
//! imported, matched and explained with the range event that decided.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{
    JACKSON_XXE, LODASH, LOG4SHELL, bom, finding, ids_of, kev, osv, pv, pypi, pypi_record,
    sbom_file,
};
use iotlabel_match::{FindingStatus, Matcher, check};
use iotlabel_vuln::{AliasGroups, Vulnerability};

#[test]
fn pypi_components_match_with_the_deciding_event() {
    let sbom = bom(
        None,
        &[
            ("jinja2", "pkg:pypi/Jinja2@2.10"),
            ("salt", "pkg:pypi/salt@3000.1"),
            ("django", "pkg:pypi/django@3.2"),
            ("pyspark", "pkg:pypi/pyspark@3.2.1"),
            ("jinja2-new", "pkg:pypi/jinja2@3.1.6"),
        ],
    );
    let report = check(&sbom, pypi(), Some(kev()), &[]);
    assert_eq!(report.advisories.records, 2651);
    assert_eq!(report.advisories.withdrawn, 10);
    assert_eq!(report.advisories.packages, 660);
    assert_eq!(report.kev.as_ref().unwrap().entries, 1404);

    // Jinja2 2.10 is listed in PYSEC-2019-217's `versions` and lies inside its range: the
    // range explains it. The purl's name is normalised (`Jinja2` -> `jinja2`).
    let f = finding(&report.findings, "jinja2", "CVE-2019-10906");
    assert_eq!(f.decided_by, "PYSEC-2019-217");
    assert_eq!(
        f.explanation,
        "introduced 0 <= 2.10 < fixed 2.10.1 (range 0, ECOSYSTEM)"
    );
    assert_eq!(f.fixed_versions, ["2.10.1"]);
    assert_eq!(f.aliases, ["GHSA-462w-v97r-4m45", "PYSEC-2019-217"]);
    assert_eq!(f.package, "PyPI/jinja2");
    assert_eq!(f.component.purl.as_deref(), Some("pkg:pypi/jinja2@2.10"));
    assert_eq!(f.status, FindingStatus::Affected);
    assert!(f.exploited.is_none());

    // Salt 3000.1: three flaws CISA lists as exploited, joined through the CVE alias.
    let f = finding(&report.findings, "salt", "CVE-2020-11651");
    assert_eq!(f.decided_by, "PYSEC-2020-102");
    assert_eq!(
        f.explanation,
        "introduced 3000 <= 3000.1 < fixed 3000.2 (range 0, ECOSYSTEM)"
    );
    let e = f.exploited.as_ref().unwrap();
    assert_eq!(e.cve, "CVE-2020-11651");
    assert_eq!(e.date_added.to_string(), "2021-11-03");
    assert_eq!(e.due_date.unwrap().to_string(), "2022-05-03");
    let exploited: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.exploited.is_some())
        .map(|f| f.vulnerability.as_str())
        .collect();
    assert_eq!(
        exploited,
        [
            "CVE-2020-11651",
            "CVE-2020-11652",
            "CVE-2020-16846",
            "CVE-2022-33891"
        ]
    );

    // Django 3.2: PYSEC-2022-304 decides with its second range.
    let f = finding(&report.findings, "django", "CVE-2022-41323");
    assert_eq!(f.decided_by, "PYSEC-2022-304");
    assert_eq!(
        f.explanation,
        "introduced 3.2 <= 3.2 < fixed 3.2.16 (range 1, ECOSYSTEM)"
    );

    assert_eq!(
        ids_of(&report.findings, "pyspark"),
        ["CVE-2022-31777", "CVE-2022-33891", "CVE-2023-22946"]
    );
    let f = finding(&report.findings, "pyspark", "CVE-2022-33891");
    assert_eq!(
        f.explanation,
        "introduced 3.2.0 <= 3.2.1 < fixed 3.2.2 (range 0, ECOSYSTEM)"
    );
    // A version past every fix has no finding.
    assert!(ids_of(&report.findings, "jinja2-new").is_empty());
    assert!(
        report.not_evaluable.is_empty(),
        "{:?}",
        report.not_evaluable
    );
}

#[test]
fn aliases_make_one_finding_per_vulnerability() {
    let sbom = bom(
        None,
        &[
            ("parlai", "pkg:pypi/parlai@1.0.0"),
            ("distributed", "pkg:pypi/distributed@2021.9.0"),
            ("dask", "pkg:pypi/dask@2021.9.0"),
        ],
    );
    let report = check(&sbom, pypi(), None, &[]);
    // PYSEC-2021-330 (CVE-2021-24040) and PYSEC-2021-334 (CVE-2021-39207) both name
    // GHSA-m87f-9fvv-2mgg: one vulnerability, named by its first CVE, decided by the smallest
    // record id.
    assert_eq!(ids_of(&report.findings, "parlai"), ["CVE-2021-24040"]);
    let f = finding(&report.findings, "parlai", "CVE-2021-24040");
    assert_eq!(
        f.aliases,
        [
            "CVE-2021-39207",
            "GHSA-m87f-9fvv-2mgg",
            "GHSA-mwgj-7x7j-6966",
            "PYSEC-2021-330",
            "PYSEC-2021-334"
        ]
    );
    assert_eq!(f.decided_by, "PYSEC-2021-330");
    // Two PYSEC records of CVE-2021-42343 for `distributed`, one for `dask`: one finding each.
    assert_eq!(ids_of(&report.findings, "distributed"), ["CVE-2021-42343"]);
    assert_eq!(ids_of(&report.findings, "dask"), ["CVE-2021-42343"]);
    let f = finding(&report.findings, "distributed", "CVE-2021-42343");
    assert_eq!(f.decided_by, "PYSEC-2021-871");
    assert!(f.aliases.iter().any(|a| a == "PYSEC-2021-387"));

    // The incremental alias graph agrees with the one-pass grouping of the vuln crate.
    let active: Vec<Vulnerability> = pypi()
        .iter()
        .filter(|r| !r.is_withdrawn())
        .cloned()
        .collect();
    assert_eq!(
        report.advisories.vulnerabilities,
        AliasGroups::build(&active).len()
    );
}

#[test]
fn withdrawn_records_are_ignored() {
    let sbom = bom(
        None,
        &[
            ("redis", "pkg:pypi/redis@4.5.4"),
            ("aiohttp", "pkg:pypi/aiohttp@3.8.1"),
        ],
    );
    let report = check(&sbom, pypi(), None, &[]);
    for (component, withdrawn) in [("redis", "CVE-2023-31655"), ("aiohttp", "CVE-2022-33124")] {
        assert!(
            !ids_of(&report.findings, component).contains(&withdrawn.to_owned()),
            "{withdrawn}"
        );
    }
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.decided_by != "PYSEC-2023-73")
    );
    // The same record without its `withdrawn` field would match every version.
    let mut live = pypi_record("PYSEC-2023-73");
    live.withdrawn = None;
    let report = check(&sbom, &[live], None, &[]);
    assert_eq!(ids_of(&report.findings, "redis"), ["CVE-2023-31655"]);
    assert_eq!(
        report.findings[0].explanation,
        "introduced 0 <= 4.5.4, no fixed version (range 0, ECOSYSTEM)"
    );
}

/// The public SBOMs (CycloneDX JSON and XML, SPDX 2.3 and 3.0) register in one matcher and
/// match the advisories for the packages they contain.
#[test]
fn real_sboms_register_and_match() {
    let mut matcher = Matcher::new();
    let mut records = pypi().to_vec();
    records.extend([osv(LOG4SHELL), osv(JACKSON_XXE), osv(LODASH)]);
    matcher.add_advisories(&records);
    let files = [
        "data/cyclonedx/SBOM/juice-shop/v11.1.2/bom.json",
        "data/cyclonedx/SBOM/dropwizard-1.3.15/bom.json",
        "data/cyclonedx/SBOM/keycloak-10.0.2/bom.json",
        "data/cyclonedx/SBOM/laravel-7.12.0/bom.1.4.json",
        "data/cyclonedx/SBOM/laravel-7.12.0/bom.1.4.xml",
        "data/cyclonedx/VEX/bom.json",
        "data/spdx/software/example11/spdx2.3/sbom.spdx.json",
        "data/spdx/software/example11/spdx3.0/sbom.spdx3.json",
        "data/spdx/presentations/OSS-NA-2023/SPDXVersion2.3/04-SBOMwSecurity.json",
    ];
    for file in files {
        matcher.add_sbom(&pv(file), &sbom_file(file));
    }
    let stats = matcher.stats();
    assert_eq!(stats.product_versions, files.len());
    assert!(stats.component_instances > 2_000, "{stats:?}");

    // juice-shop ships lodash 2.4.2 (affected) and 4.17.19 (fixed since 4.17.12).
    let juice = matcher.findings(&pv(files[0]));
    let lodash: Vec<_> = juice
        .iter()
        .filter(|f| f.vulnerability == "CVE-2019-10744")
        .collect();
    assert_eq!(lodash.len(), 1, "{lodash:?}");
    assert_eq!(
        lodash[0].component.purl.as_deref(),
        Some("pkg:npm/lodash@2.4.2")
    );
    assert_eq!(lodash[0].decided_by, "GHSA-jf85-cpcp-j695");
    assert_eq!(
        lodash[0].explanation,
        "introduced 0 <= 2.4.2 < fixed 4.17.12 (range 0, SEMVER)"
    );

    // jackson-databind 2.9.10 (dropwizard), 2.10.1 (keycloak), 2.10.0 (the VEX example).
    for (file, version, explanation) in [
        (
            files[1],
            "2.9.10",
            "introduced 2.7.0 <= 2.9.10 < fixed 2.9.10.7 (range 0, ECOSYSTEM)",
        ),
        (
            files[2],
            "2.10.1",
            "introduced 2.10.0 <= 2.10.1 < fixed 2.10.5.1 (range 0, ECOSYSTEM)",
        ),
        (
            files[5],
            "2.10.0",
            "introduced 2.10.0 <= 2.10.0 < fixed 2.10.5.1 (range 0, ECOSYSTEM)",
        ),
    ] {
        let findings = matcher.findings(&pv(file));
        let f: Vec<_> = findings
            .iter()
            .filter(|f| f.vulnerability == "CVE-2020-25649")
            .collect();
        assert_eq!(f.len(), 1, "{file}: {f:?}");
        assert_eq!(f[0].component.version.as_deref(), Some(version), "{file}");
        assert_eq!(f[0].explanation, explanation, "{file}");
        assert_eq!(f[0].fixed_versions, ["2.6.7.4", "2.9.10.7", "2.10.5.1"]);
        assert_eq!(
            f[0].package,
            "Maven/com.fasterxml.jackson.core:jackson-databind"
        );
    }
    // keycloak's log4j is 1.2.17 and log4j-api 2.10.0, not log4j-core: no Log4Shell.
    assert!(
        matcher
            .findings(&pv(files[2]))
            .iter()
            .all(|f| f.vulnerability != "CVE-2021-44228")
    );

    // The XML and JSON forms of the laravel SBOM give the same report.
    let json = matcher.report(&pv(files[3])).unwrap();
    let xml = matcher.report(&pv(files[4])).unwrap();
    assert_eq!(json.findings.len(), xml.findings.len());
    assert_eq!(json.unmatchable, xml.unmatchable);

    // Every registered SBOM is re-matched to the same result.
    assert!(matcher.rematch_all().is_empty());
}
