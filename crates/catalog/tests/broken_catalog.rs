//! A broken catalogue is rejected with an error naming the file, the line and the offending id;
//! nothing panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iotlabel_catalog::{Diagnostic, LoadError, Snapshot, build};

/// A minimal valid catalogue, as files.
fn base() -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    f.insert(
        "catalog.toml".into(),
        r#"id = "test"
title = "Test catalogue"
version = "1.0.0"
published = "2026-01-01"
default_source = "std"
default_version = "1"
"#
        .into(),
    );
    f.insert(
        "CHANGELOG.md".into(),
        "# Changes\n\n## 1.0.0\n\nFirst.\n".into(),
    );
    f.insert(
        "features.toml".into(),
        r#"[[feature]]
id = "passwords"
title = "Uses passwords"
question = "Does it use passwords?"
plain = "It asks for a password."

[[feature]]
id = "updatable"
title = "Updatable"
question = "Can it be updated?"
plain = "It gets updates."
"#
        .into(),
    );
    f.insert(
        "sources.toml".into(),
        r#"[[source]]
id = "std"
title = "A standard"
publisher = "Someone"

[[source.version]]
version = "1"
date = "2020-01"
status = "published"
"#
        .into(),
    );
    f.insert(
        "categories.toml".into(),
        r#"[[category]]
id = "1"
title = "One"
plain = "The first."
"#
        .into(),
    );
    f.insert(
        "provisions/std/1/one.toml".into(),
        r#"source = "std"
version = "1"

[[provision]]
id = "1-1"
category = "1"
title = "Unique passwords"
modality = "M"
condition = "passwords"
statement = "Passwords are unique per device."
plain = "Each device has its own password."
evidence = ["declaration"]
verification = ["functional"]
scope = ["device"]

[[provision]]
id = "1-2"
category = "1"
title = "Updates"
modality = "R"
condition = "updatable"
statement = "Updates are automatic."
plain = "Updates install themselves."
evidence = ["document"]
verification = ["conceptual"]
scope = ["device"]
"#
        .into(),
    );
    f.insert(
        "crosswalks/table.toml".into(),
        r#"[crosswalk]
id = "table"
title = "A table"
publisher = "Someone"
reference = "Table 2"
kind = "review"
description = "A table of recommendations."
plain = "Advice."
expected_rows = 2
cites_organisations = true

[[row]]
id = "r1"
ref = "row 1"
title = "Passwords"
text = "No default passwords."
plain = "No shared passwords."
provisions = ["1-1"]
relation = "equivalent"
organisations = ["org"]

[[row]]
id = "r2"
ref = "row 2"
title = "Biometrics"
text = "Consider biometrics."
plain = "Fingerprints."
relation = "none"
gap = "No provision asks for biometrics."
organisations = []
"#
        .into(),
    );
    f.insert(
        "knowledge/organisations.toml".into(),
        r#"[[organisation]]
id = "org"
abbreviation = "ORG"
name = "An organisation"
kind = "forum"
role = "Talks about IoT."
publications = [{ year = 2017, title = "A report" }]
"#
        .into(),
    );
    f.insert(
        "profiles/base.toml".into(),
        r#"[profile]
id = "base"
title = "Base"
technical = "Everything."
plain = "All of it."
include = ["std@1:*"]

[[raise]]
provision = "1-2"
technical = "Because."
plain = "Because."
"#
        .into(),
    );
    f
}

fn snapshot(files: BTreeMap<String, String>) -> Snapshot {
    Snapshot {
        root: PathBuf::from("cat"),
        files,
    }
}

fn errors(files: BTreeMap<String, String>) -> Vec<Diagnostic> {
    match build(&snapshot(files)) {
        Ok(_) => panic!("the broken catalogue was accepted"),
        Err(LoadError::Invalid(d)) => d,
        Err(e) => panic!("unexpected error kind: {e}"),
    }
}

fn edit(file: &str, from: &str, to: &str) -> BTreeMap<String, String> {
    let mut f = base();
    let text = f.get_mut(file).unwrap();
    assert!(text.contains(from), "fixture {file} has no `{from}`");
    *text = text.replacen(from, to, 1);
    f
}

fn line_of(files: &BTreeMap<String, String>, file: &str, needle: &str) -> usize {
    files[file]
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no `{needle}` in {file}"))
}

#[test]
fn the_base_fixture_is_valid() {
    let c = build(&snapshot(base())).unwrap();
    assert_eq!(c.provisions.len(), 2);
    assert_eq!(c.profiles[0].raises.len(), 1);
}

#[test]
fn duplicate_provision_ids_name_both_places() {
    let files = edit("provisions/std/1/one.toml", "id = \"1-2\"", "id = \"1-1\"");
    let line = files["provisions/std/1/one.toml"]
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("id = \"1-1\""))
        .nth(1)
        .map(|(i, _)| i + 1)
        .unwrap();
    let d = errors(files);
    let dup = d
        .iter()
        .find(|d| d.message.contains("duplicate provision"))
        .unwrap();
    assert_eq!(dup.file, PathBuf::from("cat/provisions/std/1/one.toml"));
    assert_eq!(dup.line, Some(line));
    assert_eq!(dup.id.as_deref(), Some("1-1"));
    assert!(
        dup.message
            .contains("first defined at cat/provisions/std/1/one.toml:5"),
        "{dup}"
    );
}

#[test]
fn a_crosswalk_to_a_missing_provision_is_named() {
    let files = edit(
        "crosswalks/table.toml",
        "provisions = [\"1-1\"]",
        "provisions = [\"1-9\"]",
    );
    let line = line_of(&files, "crosswalks/table.toml", "1-9");
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].file, PathBuf::from("cat/crosswalks/table.toml"));
    assert_eq!(d[0].line, Some(line));
    assert_eq!(d[0].id.as_deref(), Some("table/r1"));
    assert!(d[0].message.contains("no provision `1-9`"), "{}", d[0]);
}

#[test]
fn a_profile_selecting_an_unknown_provision_is_named() {
    let files = edit(
        "profiles/base.toml",
        "include = [\"std@1:*\"]",
        "include = [\"std@1:*\", \"7-7\"]",
    );
    let line = line_of(&files, "profiles/base.toml", "7-7");
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].line, Some(line));
    assert_eq!(d[0].id.as_deref(), Some("base"));
    assert!(d[0].message.contains("7-7"));
}

#[test]
fn a_condition_naming_an_unknown_feature_suggests_the_right_one() {
    let files = edit(
        "provisions/std/1/one.toml",
        "condition = \"passwords\"",
        "condition = \"pasword and updatable\"",
    );
    let line = line_of(&files, "provisions/std/1/one.toml", "pasword");
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].line, Some(line));
    assert_eq!(d[0].id.as_deref(), Some("1-1"));
    assert!(d[0].message.contains("unknown feature `pasword`"));
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `passwords`?"));
}

#[test]
fn a_malformed_condition_points_at_the_column() {
    let files = edit(
        "provisions/std/1/one.toml",
        "condition = \"passwords\"",
        "condition = \"passwords and\"",
    );
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    // `condition = "passwords and"`: the expression ends where the closing quote is, column 27.
    assert_eq!(d[0].column, Some(27), "{}", d[0]);
}

#[test]
fn a_missing_table_row_is_detected() {
    let mut files = base();
    let text = files.get_mut("crosswalks/table.toml").unwrap();
    let cut = text.find("[[row]]\nid = \"r2\"").unwrap();
    text.truncate(cut);
    let line = line_of(&files, "crosswalks/table.toml", "expected_rows");
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].line, Some(line));
    assert_eq!(d[0].id.as_deref(), Some("table"));
    assert!(
        d[0].message
            .contains("the source has 2 rows but the crosswalk has 1")
    );
}

#[test]
fn a_row_without_its_cited_organisations_is_detected() {
    let files = edit("crosswalks/table.toml", "organisations = []\n", "");
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].id.as_deref(), Some("table/r2"));
    assert!(d[0].message.contains("no `organisations`"));
}

#[test]
fn an_unknown_organisation_is_detected() {
    let files = edit(
        "crosswalks/table.toml",
        "organisations = [\"org\"]",
        "organisations = [\"orgg\"]",
    );
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("unknown organisation `orgg`"));
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `org`?"));
}

#[test]
fn an_unknown_key_is_rejected_with_its_line() {
    let files = edit(
        "provisions/std/1/one.toml",
        "title = \"Updates\"",
        "titel = \"Updates\"",
    );
    let line = line_of(&files, "provisions/std/1/one.toml", "titel");
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].line, Some(line));
    assert!(d[0].message.contains("unknown field `titel`"), "{}", d[0]);
}

#[test]
fn broken_toml_syntax_is_located() {
    let files = edit("features.toml", "id = \"updatable\"", "id = \"updatable");
    let line = line_of(&files, "features.toml", "id = \"updatable");
    let d = errors(files);
    assert_eq!(d[0].file, PathBuf::from("cat/features.toml"));
    assert_eq!(d[0].line, Some(line));
}

#[test]
fn raising_a_mandatory_provision_is_refused() {
    let files = edit(
        "profiles/base.toml",
        "provision = \"1-2\"",
        "provision = \"1-1\"",
    );
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("already mandatory"));
}

#[test]
fn an_extends_cycle_is_refused() {
    let mut files = base();
    files.insert(
        "profiles/a.toml".into(),
        "[profile]\nid = \"a\"\ntitle = \"A\"\ntechnical = \"t\"\nplain = \"p\"\nextends = \"b\"\n"
            .into(),
    );
    files.insert(
        "profiles/b.toml".into(),
        "[profile]\nid = \"b\"\ntitle = \"B\"\ntechnical = \"t\"\nplain = \"p\"\nextends = \"a\"\n"
            .into(),
    );
    let d = errors(files);
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(d.iter().all(|d| d.message.contains("cycle")));
}

#[test]
fn a_catalogue_version_without_a_changelog_entry_is_refused() {
    let files = edit("catalog.toml", "version = \"1.0.0\"", "version = \"1.1.0\"");
    let d = errors(files);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("## 1.1.0"));
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let mut files = edit(
        "crosswalks/table.toml",
        "provisions = [\"1-1\"]",
        "provisions = [\"1-9\"]",
    );
    let p = files.get_mut("provisions/std/1/one.toml").unwrap();
    *p = p.replacen("category = \"1\"", "category = \"9\"", 1);
    let d = errors(files);
    assert_eq!(d.len(), 2, "{d:?}");
}

#[test]
fn missing_required_files_are_named() {
    let mut files = base();
    files.remove("features.toml");
    let d = errors(files);
    assert!(
        d.iter()
            .any(|d| d.file == Path::new("cat/features.toml") && d.message.contains("missing"))
    );
}

#[test]
fn arbitrary_bytes_in_any_file_never_panic() {
    // A cheap, deterministic stand-in for the fuzzer: mangle every file in many ways and make
    // sure building returns an error or a catalogue, never a panic.
    let base = base();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for name in base.keys() {
        for round in 0..40 {
            let mut files = base.clone();
            let text = files.get_mut(name).unwrap();
            let mut bytes = text.clone().into_bytes();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = usize::try_from(seed % (bytes.len() as u64 + 1)).unwrap();
            match round % 4 {
                0 => bytes.truncate(at),
                1 => bytes.insert(at, b"\"[]=#\n{"[round % 7]),
                2 => {
                    if at < bytes.len() {
                        bytes.remove(at);
                    }
                }
                _ => bytes.splice(at..at, "é\u{0}".bytes()).for_each(drop),
            }
            *text = String::from_utf8_lossy(&bytes).into_owned();
            let _ = build(&snapshot(files));
        }
    }
}
