//! The catalogue in this repository is complete: every EN 303 645 provision, every crosswalk
//! row, and the knowledge space, checked against the seed reports themselves where they hold
//! the facts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use iotlabel_catalog::model::{Modality, Relation};
use iotlabel_catalog::{Catalog, load_dir};
use iotlabel_testkit::{catalog_dir, shared_file};

fn catalog() -> Catalog {
    load_dir(&catalog_dir()).unwrap_or_else(|e| panic!("the repository catalogue is invalid: {e}"))
}

/// The 67 provisions of ETSI EN 303 645 V2.1.1, as the standard numbers them.
const V2_IDS: &[&str] = &[
    "5.1-1", "5.1-2", "5.1-3", "5.1-4", "5.1-5", "5.2-1", "5.2-2", "5.2-3", "5.3-1", "5.3-2",
    "5.3-3", "5.3-4", "5.3-5", "5.3-6", "5.3-7", "5.3-8", "5.3-9", "5.3-10", "5.3-11", "5.3-12",
    "5.3-13", "5.3-14", "5.3-15", "5.3-16", "5.4-1", "5.4-2", "5.4-3", "5.4-4", "5.5-1", "5.5-2",
    "5.5-3", "5.5-4", "5.5-5", "5.5-6", "5.5-7", "5.5-8", "5.6-1", "5.6-2", "5.6-3", "5.6-4",
    "5.6-5", "5.6-6", "5.6-7", "5.6-8", "5.6-9", "5.7-1", "5.7-2", "5.8-1", "5.8-2", "5.8-3",
    "5.9-1", "5.9-2", "5.9-3", "5.10-1", "5.11-1", "5.11-2", "5.11-3", "5.11-4", "5.12-1",
    "5.12-2", "5.12-3", "5.13-1", "6-1", "6-2", "6-3", "6-4", "6-5",
];

/// V3 additions and splits the issue names.
const V3_IDS: &[&str] = &["5.0-1", "5.1-2A", "5.13-1A", "5.13-1B", "6.6", "6.7", "6.8"];

#[test]
fn every_v2_provision_is_present_in_order_with_both_languages() {
    let c = catalog();
    let v2: Vec<&str> = c
        .provisions
        .iter()
        .filter(|p| p.id.namespace() == "etsi-en-303-645@2.1.1")
        .map(|p| p.id.local.as_str())
        .collect();
    assert_eq!(v2, V2_IDS);
    for p in &c.provisions {
        assert!(
            p.statement.split_whitespace().count() >= 8,
            "{} statement too thin",
            p.id
        );
        assert!(
            p.plain.split_whitespace().count() >= 8,
            "{} plain text too thin",
            p.id
        );
        assert_ne!(
            p.statement, p.plain,
            "{}: the two languages are the same text",
            p.id
        );
        assert!(
            !p.evidence.is_empty() && !p.verification.is_empty(),
            "{}",
            p.id
        );
    }
}

#[test]
fn mandatory_and_conditional_statuses_match_the_standard() {
    let c = catalog();
    let status = |id: &str| c.resolve(id).unwrap().status.clone();
    // Unconditional mandatory provisions of V2.1.1 Table B.1.
    for id in [
        "5.1-3", "5.2-1", "5.3-13", "5.3-16", "5.4-1", "5.4-3", "5.5-1", "5.6-1", "5.8-3",
        "5.11-1", "5.13-1", "6-1", "6-3",
    ] {
        assert_eq!(status(id), "M", "{id}");
    }
    // Conditional ones.
    for id in [
        "5.1-1", "5.1-2", "5.1-4", "5.1-5", "5.3-2", "5.6-4", "6-2", "6-5",
    ] {
        assert_eq!(status(id), "M C", "{id}");
    }
    for id in ["5.3-4", "5.3-14", "5.10-1", "6-4"] {
        assert_eq!(status(id), "R C", "{id}");
    }
    let mandatory = c
        .provisions
        .iter()
        .filter(|p| {
            p.id.namespace() == "etsi-en-303-645@2.1.1" && p.modality == Modality::Mandatory
        })
        .count();
    assert!(
        (30..=36).contains(&mandatory),
        "{mandatory} mandatory V2.1.1 provisions"
    );
}

#[test]
fn v3_additions_coexist_with_their_own_version() {
    let c = catalog();
    for id in V3_IDS {
        let p = c.resolve(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.id.version, "3.1.3", "{id}");
    }
    let split = c.resolve("5.13-1A").unwrap();
    assert_eq!(
        split.replaces[0].to_string(),
        "etsi-en-303-645@2.1.1:5.13-1"
    );
    // The short id of a split V2 provision still means V2.1.1.
    assert_eq!(c.resolve("5.13-1").unwrap().id.version, "2.1.1");
}

#[test]
fn conditions_decide_applicability_from_features() {
    let c = catalog();
    let p = c.resolve("5.3-14").unwrap();
    let cond = p.condition.as_ref().unwrap();
    let features = |on: &'static [&'static str]| move |f: &str| Some(on.contains(&f));
    assert_eq!(cond.evaluate(&features(&["constrained"])), Some(true));
    assert_eq!(
        cond.evaluate(&features(&["constrained", "updatable"])),
        Some(false)
    );
    let p = c.resolve("5.1-1").unwrap();
    assert_eq!(p.condition.as_ref().unwrap().features(), vec!["passwords"]);
}

fn row_ids(c: &Catalog, crosswalk: &str) -> Vec<String> {
    c.crosswalk(crosswalk)
        .unwrap_or_else(|| panic!("no crosswalk {crosswalk}"))
        .rows
        .iter()
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn cra_annex_i_is_complete() {
    let c = catalog();
    let mut expected = vec!["i-1".to_owned()];
    expected.extend(('a'..='m').map(|l| format!("i-2-{l}")));
    expected.extend((1..=8).map(|n| format!("ii-{n}")));
    assert_eq!(row_ids(&c, "eu-cra-annex-i"), expected);
    let covers_c: Vec<String> = c
        .crosswalk("eu-cra-annex-i")
        .unwrap()
        .row("i-2-c")
        .unwrap()
        .provisions
        .iter()
        .map(|p| p.local.clone())
        .collect();
    assert!(covers_c.contains(&"5.3-2".to_owned()) && covers_c.contains(&"5.3-4".to_owned()));
}

#[test]
fn psti_nist_enisa_and_isvs_are_complete() {
    let c = catalog();
    let psti = c.crosswalk("uk-psti").unwrap();
    assert_eq!(psti.rows.len(), 3);
    let deemed: BTreeSet<&str> = psti
        .rows
        .iter()
        .flat_map(|r| r.provisions.iter().map(|p| p.local.as_str()))
        .collect();
    assert_eq!(
        deemed,
        BTreeSet::from(["5.1-1", "5.1-2", "5.2-1", "5.3-13"])
    );

    let ir8425 = c.crosswalk("nist-ir-8425").unwrap();
    let groups: BTreeMap<&str, usize> = ir8425.rows.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.group.as_deref().unwrap_or("")).or_default() += 1;
        m
    });
    assert_eq!(groups.values().copied().collect::<Vec<_>>(), vec![4, 6]);
    assert_eq!(c.crosswalk("nistir-8259a").unwrap().rows.len(), 6);
    assert_eq!(c.crosswalk("nistir-8259b").unwrap().rows.len(), 4);

    let enisa = c.crosswalk("enisa-baseline-2017").unwrap();
    let per_group: Vec<usize> = enisa
        .groups
        .iter()
        .map(|g| {
            enisa
                .rows
                .iter()
                .filter(|r| r.group.as_deref() == Some(g.id.as_str()))
                .count()
        })
        .collect();
    assert_eq!(per_group, vec![4, 5, 14]);

    let isvs = c.crosswalk("owasp-isvs").unwrap();
    let chapters: Vec<&str> = isvs.groups.iter().map(|g| g.title.as_str()).collect();
    for ch in ["V1", "V2", "V3", "V4", "V5"] {
        assert!(
            chapters.iter().any(|t| t.starts_with(ch)),
            "ISVS chapter {ch} missing: {chapters:?}"
        );
    }
}

#[test]
fn provision_5_1_1_links_to_every_major_regime() {
    let c = catalog();
    let p = c.resolve("5.1-1").unwrap();
    let crosswalks: BTreeSet<&str> = c
        .rows_for(&p.id)
        .iter()
        .map(|(cw, _)| cw.id.as_str())
        .collect();
    for cw in [
        "eu-cra-annex-i",
        "uk-psti",
        "nist-ir-8425",
        "enisa-baseline-2017",
        "owasp-isvs",
        "seed-table-2",
    ] {
        assert!(
            crosswalks.contains(cw),
            "5.1-1 has no link to {cw}: {crosswalks:?}"
        );
    }
}

#[test]
fn every_row_without_provisions_explains_the_gap() {
    let c = catalog();
    for cw in &c.crosswalks {
        for r in &cw.rows {
            if r.provisions.is_empty() {
                assert_eq!(r.relation, Relation::None, "{}/{}", cw.id, r.id);
                assert!(
                    r.gap.as_deref().is_some_and(|g| g.len() > 20),
                    "{}/{}",
                    cw.id,
                    r.id
                );
            }
        }
    }
}

/// Normalises the seed's organisation abbreviations to catalogue ids.
fn org_id(abbr: &str) -> Option<String> {
    let a = abbr.trim().trim_end_matches('*').trim();
    match a {
        "" => None,
        "29WP" => Some("wp29".into()),
        "GSM4" => Some("gsma".into()),
        other => Some(other.to_lowercase()),
    }
}

/// Table 2 of the international review, parsed from the seed text: (principle, recommendation
/// number within it, cited organisations).
fn seed_table_2() -> Vec<(String, usize, BTreeSet<String>)> {
    let text = std::fs::read_to_string(shared_file("seeds/001_cc57014924697cf0.txt")).unwrap();
    let start = text
        .find("**TABLE 2:")
        .expect("Table 2 heading in the seed");
    let end = text[start..].find("*Note.*").expect("end of Table 2") + start;
    let mut rows = Vec::new();
    let mut principle = String::new();
    let mut n = 0;
    for line in text[start..end].lines().skip(1) {
        if line.trim().is_empty() || line.starts_with("Overarching principle") {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if let Some(p) = cells[0]
            .strip_prefix("<b>")
            .and_then(|p| p.strip_suffix("</b>"))
        {
            principle = p.to_owned();
            n = 0;
        }
        n += 1;
        let orgs = cells
            .get(2)
            .map(|refs| refs.split(',').filter_map(org_id).collect())
            .unwrap_or_default();
        rows.push((principle.clone(), n, orgs));
    }
    rows
}

#[test]
fn seed_table_2_is_reproduced_row_by_row_with_its_organisations() {
    let c = catalog();
    let cw = c.crosswalk("seed-table-2").unwrap();
    let seed = seed_table_2();
    assert_eq!(seed.len(), 58, "the seed's Table 2 parses to 58 rows");
    assert_eq!(cw.rows.len(), seed.len());
    let principles: BTreeSet<&str> = seed.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(cw.groups.len(), principles.len());
    for (row, (principle, n, orgs)) in cw.rows.iter().zip(&seed) {
        let group = cw.group(row.group.as_deref().unwrap()).unwrap();
        assert_eq!(&group.title, principle, "row {}", row.id);
        assert_eq!(row.reference, format!("Table 2, {principle}, item {n}"));
        let got: BTreeSet<String> = row.organisations.clone().unwrap().into_iter().collect();
        assert_eq!(
            &got, orgs,
            "organisations of row {} ({principle} #{n})",
            row.id
        );
    }
    assert!(
        cw.rows
            .iter()
            .any(|r| r.organisations.as_ref().unwrap().is_empty())
    );
}

#[test]
fn table_1_themes_per_organisation_match_the_seed() {
    let c = catalog();
    let text = std::fs::read_to_string(shared_file("seeds/001_cc57014924697cf0.txt")).unwrap();
    let start = text.find("**TABLE 1:").unwrap();
    let end = text[start..].find("**TABLE 2:").unwrap() + start;
    let mut seen = 0;
    for line in text[start..end].lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != 11 || !cells[1..].iter().all(|x| *x == "✓" || *x == "-") {
            continue;
        }
        let id = org_id(cells[0]).unwrap();
        let org = c
            .organisation(&id)
            .unwrap_or_else(|| panic!("organisation {id} missing"));
        let expected: Vec<u8> = (1..=10u8)
            .filter(|i| cells[usize::from(*i)] == "✓")
            .collect();
        let got: Vec<u8> = c
            .knowledge
            .themes
            .iter()
            .filter(|t| org.themes.contains(&t.id))
            .map(|t| t.number)
            .collect();
        assert_eq!(got, expected, "Table 1 row of {id}");
        seen += 1;
    }
    assert_eq!(seen, 11);
}

#[test]
fn the_knowledge_space_is_complete() {
    let c = catalog();
    let k = &c.knowledge;
    assert_eq!(k.themes.len(), 10);
    assert_eq!(
        k.themes.iter().map(|t| t.number).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    for t in &k.themes {
        assert!(
            t.findings.len() >= 4,
            "theme {} has {} findings",
            t.id,
            t.findings.len()
        );
    }
    assert_eq!(k.organisations.len(), 11);
    for o in &k.organisations {
        assert!(!o.role.is_empty(), "{}", o.id);
        assert!(!o.publications.is_empty(), "{} has no publication", o.id);
        assert!(
            o.publications
                .iter()
                .all(|p| (1990..=2026).contains(&p.year)),
            "{}",
            o.id
        );
    }
    let kinds: BTreeSet<String> = k
        .questions
        .iter()
        .map(|q| format!("{:?}", q.kind))
        .collect();
    assert_eq!(
        kinds.len(),
        3,
        "key messages, open questions and research needs: {kinds:?}"
    );
    // The workshop's six key messages.
    assert_eq!(
        k.questions
            .iter()
            .filter(|q| matches!(q.kind, iotlabel_catalog::model::QuestionKind::KeyMessage))
            .count(),
        6
    );
    for story in ["mirai-2016", "cayla-doll-2017"] {
        assert!(c.story(story).is_some(), "{story}");
    }
}

#[test]
fn every_profile_selects_the_baseline_and_says_why_it_raises() {
    let c = catalog();
    let baseline = c.profile("consumer-baseline").unwrap();
    for id in [
        "children",
        "smart-home-security",
        "health-wearables",
        "connected-vehicles",
        "industrial-critical",
        "smart-city",
    ] {
        let p = c
            .profile(id)
            .unwrap_or_else(|| panic!("profile {id} missing"));
        assert!(
            baseline.provisions.iter().all(|b| p.selects(b)),
            "{id} drops baseline provisions"
        );
        assert!(!p.raises.is_empty(), "{id} raises nothing");
        for r in &p.raises {
            let prov = c.provision(&r.provision).unwrap();
            assert_eq!(prov.modality, Modality::Recommended);
            assert_eq!(p.effective_modality(prov), Modality::Mandatory);
        }
    }
}
