//! Incremental matching gives the answers a full re-match gives: whatever the order advisories
//! and SBOMs arrive in, re-imports change nothing, newer records replace older ones, and a KEV
//! update reaches the findings that already exist.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{LOG4SHELL, bom, finding, ids_of, kev, osv, pv, pypi, pypi_record};
use iotlabel_match::synthetic::Corpus;
use iotlabel_match::{Finding, Matcher, ProductVersionId};
use iotlabel_vuln::{Sbom, Vulnerability};
use jiff::Timestamp;

fn portfolio() -> Vec<(ProductVersionId, Sbom)> {
    vec![
        (
            pv("gateway/2.4"),
            bom(
                None,
                &[
                    ("jinja2", "pkg:pypi/jinja2@2.10"),
                    ("salt", "pkg:pypi/salt@3000.1"),
                    ("pyspark", "pkg:pypi/pyspark@3.2.1"),
                ],
            ),
        ),
        (
            pv("gateway/2.5"),
            bom(
                None,
                &[
                    ("jinja2", "pkg:pypi/jinja2@2.10.3"),
                    ("salt", "pkg:pypi/salt@3000.3"),
                    (
                        "log4j",
                        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                    ),
                ],
            ),
        ),
        (
            pv("camera/1.0"),
            bom(
                None,
                &[
                    ("jinja2", "pkg:pypi/jinja2@2.10"),
                    ("django", "pkg:pypi/django@3.2"),
                ],
            ),
        ),
    ]
}

fn all_findings(matcher: &Matcher, products: &[(ProductVersionId, Sbom)]) -> Vec<Finding> {
    products
        .iter()
        .flat_map(|(id, _)| matcher.findings(id))
        .collect()
}

#[test]
fn advisories_first_or_sboms_first_give_the_same_findings() {
    let products = portfolio();
    let records = pypi();

    let mut advisories_first = Matcher::new();
    advisories_first.add_advisories(records);
    for (id, sbom) in &products {
        advisories_first.add_sbom(id, sbom);
    }

    let mut sboms_first = Matcher::new();
    for (id, sbom) in &products {
        assert!(sboms_first.add_sbom(id, sbom).is_empty());
    }
    // In batches, as a feed delivers them; each reports the findings it created.
    let mut created = 0;
    for batch in records.chunks(700) {
        let changes = sboms_first.add_advisories(batch);
        created += changes.counts().0;
        assert_eq!(
            changes.counts().1,
            0,
            "nothing resolves while records only arrive"
        );
    }

    let expected = all_findings(&advisories_first, &products);
    assert!(expected.len() > 60, "{}", expected.len());
    assert_eq!(all_findings(&sboms_first, &products), expected);
    // Every finding was announced as new once, by the batch that created it.
    assert_eq!(created, expected.len());
    assert!(advisories_first.rematch_all().is_empty());
    assert!(sboms_first.rematch_all().is_empty());
}

#[test]
fn synthetic_corpus_in_any_order_matches_a_full_rematch() {
    let corpus = Corpus::new(11, 3_000);
    let advisories = corpus.advisories(0, 6_000);
    let sboms: Vec<(ProductVersionId, Sbom)> = (0..40)
        .map(|i| (pv(&format!("device/{i}")), corpus.sbom(i, 120)))
        .collect();

    let mut scratch = Matcher::new();
    scratch.add_advisories(&advisories);
    for (id, sbom) in &sboms {
        scratch.add_sbom(id, sbom);
    }

    // Interleaved: a third of the advisories, half the SBOMs, the rest of the advisories in
    // small batches, the other SBOMs.
    let mut interleaved = Matcher::new();
    interleaved.add_advisories(&advisories[..2_000]);
    for (id, sbom) in &sboms[..20] {
        interleaved.add_sbom(id, sbom);
    }
    for batch in advisories[2_000..].chunks(333) {
        interleaved.add_advisories(batch);
    }
    for (id, sbom) in &sboms[20..] {
        interleaved.add_sbom(id, sbom);
    }

    // Registered in bulk, as a registry does when it starts.
    let mut bulk = Matcher::new();
    bulk.add_advisories(&advisories);
    bulk.add_sboms(sboms.iter().map(|(id, sbom)| (id, sbom)));

    let expected = all_findings(&scratch, &sboms);
    assert!(expected.len() > 100, "{}", expected.len());
    assert_eq!(all_findings(&bulk, &sboms), expected);
    assert!(bulk.rematch_all().is_empty());
    assert_eq!(all_findings(&interleaved, &sboms), expected);
    for (id, _) in &sboms {
        assert_eq!(interleaved.report(id), scratch.report(id), "{id}");
    }
    assert_eq!(interleaved.stats(), scratch.stats());
    assert!(interleaved.rematch_all().is_empty());
}

#[test]
fn reimporting_the_same_records_changes_nothing() {
    let mut matcher = Matcher::new();
    for (id, sbom) in portfolio() {
        matcher.add_sbom(&id, &sbom);
    }
    let first = matcher.add_advisories(pypi());
    assert_eq!(first.import.new.len(), 2651);
    assert_eq!(first.import.withdrawn.len(), 10);
    let before = matcher.stats();

    let again = matcher.add_advisories(pypi());
    assert!(again.import.is_noop(), "{:?}", again.import.packages);
    assert!(again.is_empty());
    assert_eq!(again.import.unchanged.len(), pypi().len());
    assert_eq!(matcher.stats(), before);
}

fn later(record: &Vulnerability, seconds: i64) -> Option<Timestamp> {
    Some(record.modified.unwrap() + jiff::SignedDuration::from_secs(seconds))
}

#[test]
fn a_newer_record_replaces_the_held_one_and_an_older_one_is_ignored() {
    let mut matcher = Matcher::new();
    for (id, sbom) in portfolio() {
        matcher.add_sbom(&id, &sbom);
    }
    matcher.add_advisories(pypi());
    let held = pypi_record("PYSEC-2019-217");
    let gateway = pv("gateway/2.5");
    assert!(!ids_of(&matcher.findings(&gateway), "jinja2").contains(&"CVE-2019-10906".into()));

    // A correction: the flaw was fixed only in 2.11. jinja2 2.10.3 is now affected too, and
    // the findings for 2.10 show the new fixed version.
    let mut newer = held.clone();
    newer.modified = later(&held, 60);
    newer.affected[0].ranges[0].events[1] = iotlabel_vuln::Event::Fixed("2.11".into());
    let changes = matcher.add_advisories(std::slice::from_ref(&newer));
    assert_eq!(changes.import.updated, ["PYSEC-2019-217"]);
    assert_eq!(
        changes
            .import
            .packages
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>(),
        ["PyPI/jinja2"]
    );
    let new = &changes.products[&gateway].new;
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].vulnerability, "CVE-2019-10906");
    assert_eq!(
        new[0].explanation,
        "introduced 0 <= 2.10.3 < fixed 2.11 (range 0, ECOSYSTEM)"
    );
    for product in ["gateway/2.4", "camera/1.0"] {
        let updated = &changes.products[&pv(product)].updated;
        assert_eq!(updated.len(), 1, "{product}");
        assert_eq!(updated[0].before.fixed_versions, ["2.10.1"]);
        assert_eq!(updated[0].after.fixed_versions, ["2.11"]);
    }
    assert_eq!(
        changes.affected_product_versions().collect::<Vec<_>>(),
        [&gateway]
    );

    // The old copy again: stale, nothing changes.
    let changes = matcher.add_advisories(std::slice::from_ref(&held));
    assert_eq!(changes.import.stale, ["PYSEC-2019-217"]);
    assert!(changes.import.is_noop() && changes.is_empty());

    // Withdrawn later: every finding it alone supported is resolved.
    let mut withdrawn = newer.clone();
    withdrawn.modified = later(&held, 120);
    withdrawn.withdrawn = withdrawn.modified;
    let changes = matcher.add_advisories(std::slice::from_ref(&withdrawn));
    assert_eq!(changes.import.withdrawn, ["PYSEC-2019-217"]);
    assert_eq!(changes.counts(), (0, 3, 0));
    for (id, _) in portfolio() {
        assert!(
            matcher
                .findings(&id)
                .iter()
                .all(|f| f.vulnerability != "CVE-2019-10906"),
            "{id}"
        );
    }
    assert!(matcher.rematch_all().is_empty());
}

#[test]
fn a_new_advisory_names_the_affected_product_versions() {
    let mut matcher = Matcher::new();
    matcher.add_advisories(pypi());
    for (id, sbom) in portfolio() {
        matcher.add_sbom(&id, &sbom);
    }
    let changes = matcher.add_advisories(&[osv(LOG4SHELL)]);
    assert_eq!(changes.import.new, ["GHSA-jfh8-c2jp-5v3q"]);
    assert_eq!(
        changes.affected_product_versions().collect::<Vec<_>>(),
        [&pv("gateway/2.5")]
    );
    let f = &changes.products[&pv("gateway/2.5")].new[0];
    assert_eq!(f.vulnerability, "CVE-2021-44228");
    assert_eq!(f.aliases, ["GHSA-jfh8-c2jp-5v3q"]);
    assert_eq!(
        f.explanation,
        "introduced 2.13.0 <= 2.14.1 < fixed 2.15.0 (range 0, ECOSYSTEM)"
    );
    assert_eq!(f.fixed_versions, ["2.3.1", "2.12.2", "2.15.0"]);
    // The reverse index answers without matching: who contains the package?
    let key = iotlabel_vuln::PackageKey {
        ecosystem: iotlabel_vuln::Ecosystem::Maven,
        name: "org.apache.logging.log4j:log4j-core".into(),
    };
    let containing = matcher.products().containing(&key);
    assert_eq!(containing.len(), 1);
    assert_eq!(containing[0].0, &pv("gateway/2.5"));
    assert_eq!(
        matcher.advisories().advisories_for(&key),
        ["GHSA-jfh8-c2jp-5v3q"]
    );
}

#[test]
fn a_kev_update_flags_existing_findings() {
    let mut matcher = Matcher::new();
    matcher.add_advisories(pypi());
    for (id, sbom) in portfolio() {
        matcher.add_sbom(&id, &sbom);
    }
    let gateway = pv("gateway/2.4");
    assert!(
        matcher
            .findings(&gateway)
            .iter()
            .all(|f| f.exploited.is_none())
    );

    let changes = matcher.set_kev(kev());
    let mut flagged: Vec<(String, String)> = changes
        .iter()
        .map(|c| {
            assert!(c.before.exploited.is_none());
            assert_eq!(c.before.status, c.after.status);
            (
                c.after.product_version.to_string(),
                c.after.exploited.as_ref().unwrap().cve.clone(),
            )
        })
        .collect();
    flagged.sort();
    // salt 3000.1 and pyspark 3.2.1 (gateway/2.4) have KEV flaws; salt 3000.3 (gateway/2.5)
    // has them fixed (in 3000.2 and 3000.3).
    let want = [
        ("gateway/2.4", "CVE-2020-11651"),
        ("gateway/2.4", "CVE-2020-11652"),
        ("gateway/2.4", "CVE-2020-16846"),
        ("gateway/2.4", "CVE-2022-33891"),
    ];
    assert_eq!(
        flagged,
        want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
    );
    let f = finding(&matcher.findings(&gateway), "pyspark", "CVE-2022-33891").clone();
    assert_eq!(f.exploited.unwrap().date_added.to_string(), "2023-03-07");

    // The same catalogue again changes nothing; one entry dropped clears only its flag.
    assert!(matcher.set_kev(kev()).is_empty());
    let mut smaller = kev().clone();
    smaller.entries.retain(|e| e.cve_id != "CVE-2022-33891");
    let changes = matcher.set_kev(&smaller);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].after.vulnerability, "CVE-2022-33891");
    assert!(changes[0].after.exploited.is_none());
    assert!(matcher.rematch_all().is_empty());
}

#[test]
fn a_removed_product_version_comes_back_the_same() {
    let mut matcher = Matcher::new();
    matcher.add_advisories(pypi());
    let products = portfolio();
    for (id, sbom) in &products {
        matcher.add_sbom(id, sbom);
    }
    let camera = matcher.findings(&pv("camera/1.0"));
    let (id, sbom) = &products[0];
    let before = matcher.findings(id);
    assert!(!before.is_empty());
    assert!(matcher.remove(id));
    assert!(!matcher.remove(id));
    assert!(matcher.findings(id).is_empty());
    // camera/1.0 shares jinja2 2.10 with it: its findings stay as they were.
    assert_eq!(matcher.findings(&pv("camera/1.0")), camera);
    assert_eq!(matcher.add_sbom(id, sbom), before);
    assert!(matcher.rematch_all().is_empty());
}
