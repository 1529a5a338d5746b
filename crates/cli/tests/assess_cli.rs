//! `iotlabel declaration ...` and `iotlabel assess` as a manufacturer runs them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use iotlabel_testkit::{assert_python_check, copy_dir, run_python_check, workspace_root};
use serde_json::Value;

const DATE: &str = "2026-11-21";

fn iotlabel() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("iotlabel");
    cmd.env_remove("IOTLABEL_CATALOG").env("NO_COLOR", "1");
    cmd
}

fn examples() -> PathBuf {
    workspace_root().join("examples/declarations")
}

fn assess_json(file: &Path) -> (Value, Vec<u8>) {
    let out = iotlabel()
        .args(["assess", "--format", "json", "--date", DATE])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "assess {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), out.stdout)
}

#[test]
fn every_example_assesses_as_expected() {
    let text = std::fs::read_to_string(examples().join("expected.toml")).unwrap();
    let expected: toml::Table = toml::from_str(&text).unwrap();
    let list = expected["example"].as_array().unwrap();
    assert!(
        list.len() >= 10,
        "at least nine products and a process declaration"
    );
    for ex in list {
        let file = ex["file"].as_str().unwrap();
        let (result, _) = assess_json(&examples().join(file));
        if let Some(level) = ex.get("level") {
            assert_eq!(
                result["level"].as_i64(),
                level.as_integer(),
                "level of {file}: {:#}",
                result["next_level"]
            );
        }
        let want: BTreeSet<&str> = ex["fails"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let provisions = result["provisions"].as_array().unwrap();
        let got: BTreeSet<&str> = provisions
            .iter()
            .filter(|p| p["verdict"] == "fail")
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(got, want, "failing provisions of {file}");
        if file.contains('/') {
            // Every other applicable provision passes: nothing unverified or inconclusive.
            let open: Vec<&str> = provisions
                .iter()
                .filter(|p| p["verdict"] == "unverified" || p["verdict"] == "inconclusive")
                .map(|p| p["id"].as_str().unwrap())
                .collect();
            assert!(open.is_empty(), "{file} has open provisions: {open:?}");
        }
        for p in provisions.iter().filter(|p| p["verdict"] == "fail") {
            for lang in ["technical", "plain"] {
                assert!(
                    p["reason"][lang].as_str().unwrap().len() > 20,
                    "{file} {}: no {lang} reason",
                    p["id"]
                );
                assert!(
                    !p["remediation"][lang].as_str().unwrap().is_empty(),
                    "{file} {}: no {lang} fix",
                    p["id"]
                );
            }
        }
        if let Some(regimes) = ex.get("regimes").and_then(|r| r.as_table()) {
            for (regime, outcome) in regimes {
                let r = result["regimes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["id"] == regime.as_str())
                    .unwrap();
                assert_eq!(
                    r["outcome"].as_str(),
                    outcome.as_str(),
                    "{regime} of {file}: {}",
                    r["reason"]["technical"]
                );
                assert!(!r["reason"]["plain"].as_str().unwrap().is_empty());
            }
        }
    }
}

#[test]
fn the_kids_watch_fails_for_its_universal_password_in_both_languages() {
    let (r, _) = assess_json(&examples().join("kids-smartwatch/declaration.toml"));
    let p = r["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "etsi-en-303-645@2.1.1:5.1-1")
        .unwrap();
    assert!(
        p["reason"]["technical"]
            .as_str()
            .unwrap()
            .contains("universal")
    );
    assert!(
        p["reason"]["plain"]
            .as_str()
            .unwrap()
            .contains("same password")
    );
    let psti = r["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "uk-psti")
        .unwrap();
    assert_eq!(psti["rows"][0]["outcome"], "does-not-meet");
}

#[test]
fn json_results_are_byte_identical_and_record_their_inputs() {
    let file = examples().join("ip-camera/declaration.toml");
    let (a, bytes_a) = assess_json(&file);
    let (_, bytes_b) = assess_json(&file);
    assert_eq!(bytes_a, bytes_b);
    assert_eq!(a["catalog"]["version"], "1.0.0");
    let digest = a["inputs"]["declaration_sha256"].as_str().unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let out = std::process::Command::new("sha256sum")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        String::from_utf8(out.stdout).unwrap().starts_with(digest),
        "{} bytes",
        bytes.len()
    );
    assert!(
        a["inputs"]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["sha256"].as_str().unwrap().len() == 64)
    );
    assert!(a["inputs"]["process_sha256"].is_string());
}

#[test]
fn min_level_gates_with_exit_codes() {
    let plug = examples().join("smart-plug/declaration.toml");
    let run = |min: &str| {
        iotlabel()
            .args(["assess", "--date", DATE, "--min-level", min])
            .arg(&plug)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run("2"), Some(0));
    assert_eq!(run("3"), Some(1));
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "format = \"iotlabel-declaration/1\"\nscope = \"devise\"\n",
    )
    .unwrap();
    iotlabel()
        .args(["assess", "--min-level", "0"])
        .arg(&bad)
        .assert()
        .code(2);
}

#[test]
fn oscal_assessment_results_validate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    iotlabel()
        .args(["catalog", "export", "--format", "oscal", "--out"])
        .arg(dir)
        .assert()
        .success();
    let ar = dir.join("assessment-results.json");
    iotlabel()
        .args(["assess", "--format", "oscal", "--date", DATE, "--out"])
        .arg(&ar)
        .arg(examples().join("baby-monitor/declaration.toml"))
        .assert()
        .success();
    let summary: Value = serde_json::from_str(&assert_python_check(
        "oscal_validate.py",
        &["assessment-results", ar.to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(summary["results"], 1);
    assert!(summary["findings"].as_u64().unwrap() > 50);
    assert_eq!(summary["oscal_models"], "1.1.2");
    // Findings target statements of controls that the exported catalog defines.
    let doc: Value = serde_json::from_slice(&std::fs::read(&ar).unwrap()).unwrap();
    let catalog = std::fs::read_to_string(dir.join("catalog.json")).unwrap();
    for f in doc["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap()
    {
        let target = f["target"]["target-id"].as_str().unwrap();
        assert!(
            catalog.contains(&format!("\"id\": \"{target}\"")),
            "{target} is not in the catalog"
        );
    }
}

/// A copy of an example with its brand replaced.
fn renamed(tmp: &Path, example: &str, brand: &str) -> PathBuf {
    let dir = tmp.join(example);
    copy_dir(&examples().join(example), &dir);
    let file = dir.join("declaration.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("brand = ").unwrap();
    let end = text[at..].find('\n').unwrap() + at;
    let mut new = text.clone();
    new.replace_range(
        at..end,
        &format!("brand = {}", toml::Value::String(brand.into())),
    );
    std::fs::write(&file, new).unwrap();
    file
}

#[test]
fn the_html_report_is_self_contained_and_escapes_manufacturer_text() {
    let tmp = tempfile::tempdir().unwrap();
    let file = renamed(tmp.path(), "kids-smartwatch", "<script>alert(1)</script>");
    let out = iotlabel()
        .args(["assess", "--format", "html", "--date", DATE])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!html.contains("<script"), "the report runs no script");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no external resources"
    );
    // Plain-language summary comes before the technical detail.
    let summary = html.find("In short").unwrap();
    let detail = html.find("Every provision").unwrap();
    assert!(summary < detail);
    let markdown = iotlabel()
        .args(["assess", "--format", "markdown", "--date", DATE])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        String::from_utf8(markdown.stdout)
            .unwrap()
            .contains("## What to fix")
    );
}

#[test]
fn text_output_puts_the_summary_first_and_lists_fixes() {
    let out = iotlabel()
        .args(["assess", "--date", DATE])
        .arg(examples().join("home-router/declaration.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("does not yet reach label level 1"),
        "{first}"
    );
    assert!(text.contains("5.3-13"));
    assert!(text.contains("fix: "));
}

fn check_errors(declaration: &str) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("product.toml");
    std::fs::write(&file, declaration).unwrap();
    let out = iotlabel()
        .args(["declaration", "check", "--date", DATE])
        .arg(&file)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn plug_text() -> String {
    std::fs::read_to_string(examples().join("smart-plug/declaration.toml")).unwrap()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn bad_declarations_name_the_place_and_what_to_do() {
    // The plug's evidence and process paths are relative; these checks fail before those matter.
    let base = plug_text();
    let cases: Vec<(String, &str, &str, &str)> = vec![
        (
            base.replacen("security_contact =", "securty_contact =", 1),
            "securty_contact",
            "manufacturer.securty_contact",
            "did you mean `security_contact`?",
        ),
        (
            base.replacen("period_end = \"", "period_end = \"March ", 1),
            "period_end",
            "support.period_end",
            "YYYY-MM",
        ),
        (
            base.replacen("automatic = true", "automatic = \"yes\"", 1),
            "automatic = \"yes\"",
            "updates.automatic",
            "invalid type",
        ),
    ];
    for (text, needle, field, message) in cases {
        let line = line_of(&text, needle);
        let (code, err) = check_errors(&text);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("product.toml:{line}:")),
            "line {line} not named for {field}: {err}"
        );
        assert!(err.contains(&format!("`{field}`")), "{field}: {err}");
        assert!(err.contains(message), "{message}: {err}");
    }
}

#[test]
fn unknown_provisions_features_and_profiles_are_refused() {
    let base = plug_text();
    let with_feature = base.replacen("[features]\n", "[features]\npasswrds = true\n", 1);
    let (code, err) = check_errors(&with_feature);
    assert_eq!(code, 2);
    assert!(
        err.contains("`features.passwrds`") && err.contains("did you mean `passwords`?"),
        "{err}"
    );
    let at = base.find("provision = \"").unwrap();
    let end = base[at..].find('\n').unwrap() + at;
    let mut with_provision = base.clone();
    with_provision.replace_range(at..end, "provision = \"5.1-99\"");
    let (code, err) = check_errors(&with_provision);
    assert_eq!(code, 2);
    assert!(
        err.contains("claim[0].provision") && err.contains("5.1-99"),
        "{err}"
    );
    let (code, err) = check_errors(&base.replacen(
        "profiles = [\"consumer-baseline\"]",
        "profiles = [\"consumer-basline\"]",
        1,
    ));
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `consumer-baseline`?"), "{err}");
}

#[test]
fn evidence_that_is_missing_or_changed_is_an_error_for_check_and_unverified_for_assess() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("examples");
    copy_dir(&examples(), &dir);
    let plug = dir.join("smart-plug/declaration.toml");
    iotlabel()
        .args(["declaration", "check", "--date", DATE])
        .arg(&plug)
        .assert()
        .success();
    // Change one evidence file after its digest was recorded, delete another.
    let evidence: Vec<PathBuf> = std::fs::read_dir(dir.join("smart-plug/evidence"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mut sorted = evidence.clone();
    sorted.sort();
    std::fs::write(&sorted[0], "tampered\n").unwrap();
    std::fs::remove_file(&sorted[1]).unwrap();
    let out = iotlabel()
        .args(["declaration", "check", "--date", DATE])
        .arg(&plug)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("SHA-256") && err.contains("does not exist"),
        "{err}"
    );
    let out = iotlabel()
        .args(["assess", "--format", "json", "--date", DATE])
        .arg(&plug)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["counts"]["unverified"].as_u64().unwrap() > 0);
    assert!(
        r["inputs"]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["integrity"]["state"] == "mismatch")
    );
}

#[test]
fn json_declarations_are_accepted_and_errors_located() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("examples");
    copy_dir(&examples(), &dir);
    let toml_text = std::fs::read_to_string(dir.join("ip-camera/declaration.toml")).unwrap();
    let value: toml::Value = toml::from_str(&toml_text).unwrap();
    let json = serde_json::to_string_pretty(&value).unwrap();
    let file = dir.join("ip-camera/declaration.json");
    std::fs::write(&file, &json).unwrap();
    let (a, _) = assess_json(&file);
    let (b, _) = assess_json(&dir.join("ip-camera/declaration.toml"));
    assert_eq!(a["level"], b["level"]);
    assert_eq!(a["counts"], b["counts"]);
    std::fs::write(&file, json.replacen("\"claim\"", "\"claims\"", 1)).unwrap();
    let out = iotlabel()
        .args(["declaration", "check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("did you mean `claim`?")
    );
}

#[test]
fn schema_and_templates() {
    let out = iotlabel().args(["declaration", "schema"]).output().unwrap();
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let tmp = tempfile::tempdir().unwrap();
    let schema_file = tmp.path().join("schema.json");
    std::fs::write(&schema_file, &out.stdout).unwrap();
    // The published schema accepts every example and rejects a broken one (checked by the
    // Python `jsonschema` reference implementation).
    for ex in ["smart-plug", "camera-system", "kids-smartwatch"] {
        let decl = examples().join(ex).join("declaration.toml");
        assert_python_check(
            "schema_validate.py",
            &[schema_file.to_str().unwrap(), decl.to_str().unwrap()],
        );
    }
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        plug_text().replacen("scope = \"device\"", "scope = \"gadget\"", 1),
    )
    .unwrap();
    assert!(
        !run_python_check(
            "schema_validate.py",
            &[schema_file.to_str().unwrap(), bad.to_str().unwrap()]
        )
        .status
        .success()
    );
    // Every profile's template is a declaration the checker accepts (with warnings).
    for profile in ["consumer-baseline", "children", "industrial-critical"] {
        let out = iotlabel()
            .args(["declaration", "new", "--profile", profile])
            .output()
            .unwrap();
        let file = tmp.path().join(format!("{profile}.toml"));
        std::fs::write(&file, &out.stdout).unwrap();
        iotlabel()
            .args(["declaration", "check"])
            .arg(&file)
            .assert()
            .success();
    }
}
