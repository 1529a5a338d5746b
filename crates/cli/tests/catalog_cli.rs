//! `iotlabel catalog ...` as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;
use iotlabel_testkit::{assert_python_check, catalog_dir, copy_dir, run_python_check};
use serde_json::Value;

fn iotlabel() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("iotlabel");
    cmd.env_remove("IOTLABEL_CATALOG").env("NO_COLOR", "1");
    cmd
}

fn json(args: &[&str]) -> Value {
    let out = iotlabel().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "iotlabel {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn list_json_has_every_provision_with_both_languages() {
    let v = json(&["catalog", "list", "--format", "json"]);
    assert_eq!(v["catalog"]["id"], "iotlabel-baseline");
    let provisions = v["provisions"].as_array().unwrap();
    let v2 = provisions
        .iter()
        .filter(|p| {
            p["id"]
                .as_str()
                .unwrap()
                .starts_with("etsi-en-303-645@2.1.1:")
        })
        .count();
    assert_eq!(v2, 67);
    assert!(
        provisions
            .iter()
            .any(|p| p["id"] == "etsi-en-303-645@3.1.3:5.0-1")
    );
    for p in provisions {
        for key in ["statement", "plain", "title", "status"] {
            assert!(
                !p[key].as_str().unwrap_or("").is_empty(),
                "{} has no {key}",
                p["id"]
            );
        }
        assert!(!p["evidence"].as_array().unwrap().is_empty());
        assert!(!p["verification"].as_array().unwrap().is_empty());
    }
}

#[test]
fn list_filters_by_regime_profile_category_and_modality() {
    let ids = |v: &Value| -> Vec<String> {
        v["provisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                p["id"]
                    .as_str()
                    .unwrap()
                    .rsplit(':')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let psti = json(&["catalog", "list", "--regime", "uk-psti", "--format", "json"]);
    assert_eq!(ids(&psti), vec!["5.1-1", "5.1-2", "5.2-1", "5.3-13"]);
    let cat = json(&["catalog", "list", "--category", "5.2", "--format", "json"]);
    assert_eq!(ids(&cat), vec!["5.2-1", "5.2-2", "5.2-3"]);
    let rc = json(&[
        "catalog",
        "list",
        "--category",
        "5.10",
        "--modality",
        "rc",
        "--format",
        "json",
    ]);
    assert_eq!(ids(&rc), vec!["5.10-1"]);
    // A children's profile makes some recommendations mandatory.
    let kids = json(&[
        "catalog",
        "list",
        "--profile",
        "children",
        "--modality",
        "m",
        "--format",
        "json",
    ]);
    let raised: Vec<&Value> = kids["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["raised"] == true)
        .collect();
    assert!(!raised.is_empty());
    assert!(
        raised
            .iter()
            .all(|p| p["modality"] == "R" && p["effective_modality"] == "M")
    );
}

#[test]
fn seed_table_2_crosswalk_reproduces_its_rows_and_organisations() {
    let v = json(&[
        "catalog",
        "crosswalk",
        "--from",
        "seed-table-2",
        "--format",
        "json",
    ]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 58);
    let first = &rows[0];
    assert_eq!(first["ref"], "Table 2, Strong authentication, item 1");
    let orgs: Vec<&str> = first["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    assert_eq!(orgs.len(), 6);
    for o in ["ieee", "gsma", "oecd", "ec", "enisa", "aioti"] {
        assert!(orgs.contains(&o), "{o} missing from row 1: {orgs:?}");
    }
    assert!(rows.iter().all(|r| r["organisations"].is_array()));
    assert_eq!(
        rows.iter()
            .filter(|r| r["organisations"].as_array().unwrap().is_empty())
            .count(),
        7
    );
}

#[test]
fn crosswalk_answers_which_provisions_cover_cra_2c() {
    let v = json(&[
        "catalog",
        "crosswalk",
        "--from",
        "eu-cra",
        "--row",
        "i-2-c",
        "--format",
        "json",
    ]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let provs: Vec<&str> = rows[0]["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(provs.contains(&"etsi-en-303-645@2.1.1:5.3-2"), "{provs:?}");
    // Mapped further onto UK PSTI through shared provisions.
    let v = json(&[
        "catalog",
        "crosswalk",
        "--from",
        "uk-psti",
        "--to",
        "eu-cra-annex-i",
        "--format",
        "json",
    ]);
    let passwords = &v["rows"][0];
    assert!(
        passwords["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "i-2-d" || m["id"] == "i-2-b")
    );
}

#[test]
fn show_5_1_1_links_both_ways() {
    let v = json(&["catalog", "show", "5.1-1", "--format", "json"]);
    assert_eq!(v["provision"]["id"], "etsi-en-303-645@2.1.1:5.1-1");
    assert_eq!(v["provision"]["status"], "M C");
    let cws: Vec<&str> = v["crosswalks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["crosswalk"].as_str().unwrap())
        .collect();
    for cw in [
        "eu-cra-annex-i",
        "uk-psti",
        "nist-ir-8425",
        "enisa-baseline-2017",
        "owasp-isvs",
    ] {
        assert!(cws.contains(&cw), "no link to {cw}");
    }
    assert!(
        v["stories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "mirai-2016")
    );
    // And the other way: the PSTI row shows 5.1-1.
    let row = json(&["catalog", "show", "uk-psti/para-1", "--format", "json"]);
    assert!(
        row["row"]["provisions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "etsi-en-303-645@2.1.1:5.1-1")
    );
}

#[test]
fn show_text_is_readable_and_plain_when_piped() {
    let out = iotlabel()
        .args(["catalog", "show", "5.1-1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("In plain words"));
    assert!(text.contains("uk-psti"));
    assert!(
        !text.contains('\u{1b}'),
        "colour escape codes in piped output"
    );
    assert!(
        text.lines().all(|l| l.chars().count() <= 100),
        "lines wider than 100 columns"
    );
}

#[test]
fn show_knowledge_entries() {
    let org = json(&["catalog", "show", "enisa", "--format", "json"]);
    assert_eq!(org["kind"], "organisation");
    assert!(
        !org["organisation"]["publications"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let theme = json(&[
        "catalog",
        "show",
        "certification-and-trust",
        "--format",
        "json",
    ]);
    assert_eq!(theme["theme"]["number"], 3);
}

#[test]
fn unknown_ids_fail_with_a_hint_and_exit_code_2() {
    iotlabel()
        .args(["catalog", "show", "5.1-9"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("5.1-9"));
    iotlabel()
        .args(["catalog", "list", "--regime", "uk-pst"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `uk-psti`?"));
}

#[test]
fn search_covers_both_languages() {
    let v = json(&["catalog", "search", "mirai", "--format", "json"]);
    let hits = v["hits"].as_array().unwrap();
    assert!(
        hits.iter()
            .any(|h| h["id"] == "mirai-2016" && h["kind"] == "story")
    );
    assert!(
        hits.iter()
            .any(|h| h["id"] == "etsi-en-303-645@2.1.1:5.1-1")
    );
    let none = json(&["catalog", "search", "zzzzqqq", "--format", "json"]);
    assert!(none["hits"].as_array().unwrap().is_empty());
}

#[test]
fn check_reports_a_broken_catalogue_with_file_and_line() {
    iotlabel()
        .args(["catalog", "check"])
        .assert()
        .success()
        .stdout(predicates::str::contains("is valid"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalog");
    copy_dir(&catalog_dir(), &dir);
    let file = dir.join("crosswalks/uk-psti.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("\"5.2-1\"", "\"5.2-9\"", 1)).unwrap();
    let out = iotlabel()
        .args(["--catalog", dir.to_str().unwrap(), "catalog", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("crosswalks/uk-psti.toml:"), "{err}");
    assert!(
        err.contains("[uk-psti/para-2] no provision `5.2-9`"),
        "{err}"
    );
    // Every command that loads the catalogue refuses it the same way.
    iotlabel()
        .args(["--catalog", dir.to_str().unwrap(), "catalog", "list"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("5.2-9"));
}

#[test]
fn oscal_export_validates_against_the_nist_models_and_is_stable() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        iotlabel()
            .args([
                "catalog",
                "export",
                "--format",
                "oscal",
                "--out",
                dir.to_str().unwrap(),
            ])
            .assert()
            .success();
    }
    for entry in std::fs::read_dir(&a).unwrap() {
        let name = entry.unwrap().file_name();
        let (x, y) = (
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
        );
        assert_eq!(
            x, y,
            "{name:?} differs between two exports of the same catalogue"
        );
    }
    let catalog = a.join("catalog.json");
    let summary: Value = serde_json::from_str(&assert_python_check(
        "oscal_validate.py",
        &["catalog", catalog.to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(summary["controls"], 84);
    assert_eq!(summary["oscal_models"], "1.1.2");
    let profile = a.join("profile-children.json");
    let summary: Value = serde_json::from_str(&assert_python_check(
        "oscal_validate.py",
        &["profile", profile.to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(summary["selected"], summary["resolved_controls"]);
    assert!(
        summary["raised"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "etsi-en-303-645_v2.1.1_5.5-4")
    );

    // The checker is strict: a control with an invalid id is refused.
    let bad = tmp.path().join("bad.json");
    let text = std::fs::read_to_string(&catalog).unwrap();
    std::fs::write(
        &bad,
        text.replacen(
            "\"id\": \"etsi-en-303-645_v2.1.1_5.1-1\"",
            "\"id\": \"5.1-1\"",
            1,
        ),
    )
    .unwrap();
    assert!(
        !run_python_check("oscal_validate.py", &["catalog", bad.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn json_and_markdown_exports_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    iotlabel()
        .args(["catalog", "export", "--format", "json", "--out", out])
        .assert()
        .success();
    let v: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("iotlabel-catalog.json")).unwrap())
            .unwrap();
    assert_eq!(v["provisions"].as_array().unwrap().len(), 84);
    iotlabel()
        .args(["catalog", "export", "--format", "markdown", "--out", out])
        .assert()
        .success();
    let knowledge = std::fs::read_to_string(tmp.path().join("knowledge.md")).unwrap();
    assert!(knowledge.contains("| ENISA |"));
    assert!(tmp.path().join("crosswalks/eu-cra-annex-i.md").is_file());
}

#[test]
fn diff_between_two_git_revisions() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    copy_dir(&catalog_dir(), &repo.join("catalog"));
    let git = |args: &[&str]| {
        let st = Command::new("git")
            .args(["-c", "user.email=t@example.invalid", "-c", "user.name=t"])
            .args(args)
            .current_dir(repo)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&st.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "v1"]);
    let file = repo.join("catalog/provisions/etsi-en-303-645/2.1.1/5.12.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("modality = \"R\"", "modality = \"M\"", 1),
    )
    .unwrap();
    let meta = repo.join("catalog/catalog.toml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace("version = \"1.0.0\"", "version = \"2.0.0\""),
    )
    .unwrap();
    let log = repo.join("catalog/CHANGELOG.md");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(
        &log,
        format!("{text}\n## 2.0.0\n\n5.12-1 becomes mandatory.\n"),
    )
    .unwrap();
    git(&["commit", "-qam", "v2"]);

    let out = iotlabel()
        .current_dir(repo)
        .args(["catalog", "diff", "HEAD~1", "HEAD", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["from_version"], "1.0.0");
    assert_eq!(d["to_version"], "2.0.0");
    let changed = d["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["id"], "etsi-en-303-645@2.1.1:5.12-1");
    let fields: Vec<&str> = changed[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["modality", "status"]);
    // The text form names the touched regimes.
    let text = iotlabel()
        .current_dir(repo)
        .args(["catalog", "diff", "HEAD~1", "HEAD"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(text.stdout)
            .unwrap()
            .contains("Regimes touched")
    );
    // A revision that does not exist is a clear error.
    iotlabel()
        .current_dir(repo)
        .args(["catalog", "diff", "nosuchrev", "HEAD"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nosuchrev"));
}
