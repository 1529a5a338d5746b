//! `catalog diff`: a new catalogue version is compared with the old one, and the profiles and
//! regimes the change reaches are named.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use iotlabel_catalog::diff::diff;
use iotlabel_catalog::{Snapshot, build, load_dir};
use iotlabel_testkit::{catalog_dir, copy_dir};

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn identical_catalogues_have_no_difference() {
    let a = load_dir(&catalog_dir()).unwrap();
    let b = build(&Snapshot::embedded()).unwrap();
    assert!(
        diff(&a, &b).is_empty(),
        "the embedded catalogue differs from catalog/"
    );
}

#[test]
fn added_removed_and_changed_provisions_are_reported_with_their_reach() {
    let old = load_dir(&catalog_dir()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalog");
    copy_dir(&catalog_dir(), &dir);

    // A new version: 5.3-13 made stricter, V3's 6.8 withdrawn, a new provision added.
    replace_in(
        &dir.join("catalog.toml"),
        "version = \"1.0.0\"",
        "version = \"2.0.0\"",
    );
    let changelog = dir.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&changelog).unwrap();
    std::fs::write(&changelog, format!("{text}\n## 2.0.0\n\nTest version.\n")).unwrap();
    let v2 = dir.join("provisions/etsi-en-303-645/2.1.1");
    let text = std::fs::read_to_string(v2.join("5.3.toml")).unwrap();
    let at = text.find("id = \"5.3-13\"").unwrap();
    let stmt = text[at..].find("statement = ").unwrap() + at;
    let mut changed = text.clone();
    changed.insert_str(stmt, "note = \"Now requires an end date.\"\n");
    std::fs::write(v2.join("5.3.toml"), changed).unwrap();
    let v3 = dir.join("provisions/etsi-en-303-645/3.1.3/additions.toml");
    let text = std::fs::read_to_string(&v3).unwrap();
    let cut = text.find("[[provision]]\nid = \"6.8\"").unwrap();
    std::fs::write(&v3, &text[..cut]).unwrap();
    // A withdrawn provision takes its translations with it (they are checked references).
    let de = dir.join("translations/de.toml");
    let text = std::fs::read_to_string(&de).unwrap();
    let start = text.find("[[provision]]\nid = \"6.8\"").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    std::fs::write(&de, format!("{}{}", &text[..start], &text[end..])).unwrap();
    std::fs::write(
        dir.join("provisions/etsi-en-303-645/3.1.3/zz-new.toml"),
        r#"source = "etsi-en-303-645"
version = "3.1.3"

[[provision]]
id = "5.14-1"
category = "5.13"
title = "A new provision for the test"
modality = "R"
statement = "A provision that exists only to exercise the diff."
plain = "A provision added so the test can see it reported."
evidence = ["declaration"]
verification = ["conceptual"]
scope = ["device"]
"#,
    )
    .unwrap();

    let new = load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let d = diff(&old, &new);
    assert_eq!(d.from_version, "1.0.0");
    assert_eq!(d.to_version, "2.0.0");
    assert_eq!(
        d.added.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
        vec!["etsi-en-303-645@3.1.3:5.14-1"]
    );
    assert_eq!(
        d.removed.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
        vec!["etsi-en-303-645@3.1.3:6.8"]
    );
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].id.local, "5.3-13");
    assert_eq!(
        d.changed[0]
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect::<Vec<_>>(),
        vec!["note"]
    );

    // 5.3-13 decides UK PSTI, so the regime is touched; every profile selects it.
    let psti = d
        .regimes
        .iter()
        .find(|r| r.id == "uk-psti")
        .expect("uk-psti touched");
    assert_eq!(
        psti.provisions
            .iter()
            .map(|p| p.local.as_str())
            .collect::<Vec<_>>(),
        vec!["5.3-13"]
    );
    assert!(!psti.definition_changed);
    let baseline = d
        .profiles
        .iter()
        .find(|p| p.id == "consumer-baseline")
        .unwrap();
    assert_eq!(
        baseline
            .provisions
            .iter()
            .map(|p| p.local.as_str())
            .collect::<Vec<_>>(),
        vec!["5.3-13"]
    );
    assert!(
        !baseline.definition_changed,
        "no profile selects 6.8, so no selection changed"
    );
    // A regime that does not depend on any changed provision is not listed.
    assert!(
        d.regimes
            .iter()
            .all(|r| r.id != "fi-cybersecurity-label" || !r.provisions.is_empty())
    );
}
