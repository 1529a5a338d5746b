//! Keys, `label issue` and `verify` as a scheme operator, a retailer and an auditor use them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use iotlabel_testkit::{assert_python_check, copy_dir, run_python_check, workspace_root};
use serde_json::Value;

const DATE: &str = "2026-11-21";
const AT: &str = "2026-11-22T12:00:00Z";

fn iotlabel() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("iotlabel");
    cmd.env_remove("IOTLABEL_CATALOG")
        .env_remove("IOTLABEL_TRUST")
        .env("NO_COLOR", "1");
    cmd
}

fn examples() -> PathBuf {
    workspace_root().join("examples/declarations")
}

struct Keys {
    dir: PathBuf,
}

impl Keys {
    fn new(root: &Path) -> Self {
        let dir = root.join("keys");
        iotlabel()
            .args([
                "keys",
                "generate",
                "--valid-from",
                "2026-01-01T00:00:00Z",
                "--out",
            ])
            .arg(&dir)
            .assert()
            .success();
        Self { dir }
    }
    fn key(&self) -> PathBuf {
        self.dir.join("issuer.key")
    }
    fn trust(&self) -> PathBuf {
        self.dir.join("trust.toml")
    }
    /// (public key base64url, key id) of the first key in the trust file.
    fn public(&self) -> (String, String) {
        let t: toml::Table =
            toml::from_str(&std::fs::read_to_string(self.trust()).unwrap()).unwrap();
        let k = &t["key"].as_array().unwrap()[0];
        (
            k["public_key"].as_str().unwrap().into(),
            k["id"].as_str().unwrap().into(),
        )
    }
}

fn issue(keys: &Keys, declaration: &Path, out: &Path) -> std::process::Output {
    iotlabel()
        .args(["label", "issue", "--date", DATE, "--offline-qr", "--key"])
        .arg(keys.key())
        .arg("--out")
        .arg(out)
        .arg(declaration)
        .output()
        .unwrap()
}

fn verify(keys: &Keys, args: &[&str]) -> (i32, String) {
    let out = iotlabel()
        .arg("verify")
        .args(args)
        .arg("--trust")
        .arg(keys.trust())
        .args(["--at", AT])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn every_labelable_example_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = Keys::new(tmp.path());
    let text = std::fs::read_to_string(examples().join("expected.toml")).unwrap();
    let expected: toml::Table = toml::from_str(&text).unwrap();
    let mut issued = 0;
    for ex in expected["example"].as_array().unwrap() {
        let file = ex["file"].as_str().unwrap();
        let Some(level) = ex.get("level").and_then(|l| l.as_integer()) else {
            continue;
        };
        let out = tmp.path().join(file.replace('/', "_"));
        let result = issue(&keys, &examples().join(file), &out);
        if level == 0 {
            assert_eq!(
                result.status.code(),
                Some(2),
                "{file} has no level and must not get a label"
            );
            assert!(String::from_utf8_lossy(&result.stderr).contains("reaches no label level"));
            continue;
        }
        assert!(
            result.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        issued += 1;
        for f in [
            "label.cose",
            "label.dsse.json",
            "label.json",
            "assessment.json",
            "box.svg",
            "box.png",
            "sticker.svg",
            "sticker.png",
            "badge.svg",
            "badge.png",
            "qr-url.png",
            "qr-token.png",
        ] {
            assert!(out.join(f).is_file(), "{file}: {f} missing");
        }
        let summary: Value =
            serde_json::from_slice(&std::fs::read(out.join("label.json")).unwrap()).unwrap();
        assert_eq!(summary["claims"]["level"].as_i64(), Some(level), "{file}");
        for statement in ["label.cose", "label.dsse.json"] {
            let (code, text) = verify(&keys, &[out.join(statement).to_str().unwrap()]);
            assert_eq!(code, 0, "{file} {statement}: {text}");
            assert!(text.starts_with("Genuine label for "), "{text}");
            assert!(text.contains(&format!("level {level}")), "{text}");
        }
        // The dense QR code carries the whole statement: verified offline from the image.
        let (code, text) = verify(&keys, &["--qr", out.join("qr-token.png").to_str().unwrap()]);
        assert_eq!(code, 0, "{file}: {text}");
        // The box's QR code leads to the registry: decoded, but only checkable online.
        let (code, text) = verify(&keys, &["--qr", out.join("box.png").to_str().unwrap()]);
        assert_eq!(code, 18, "{text}");
        assert!(text.contains(summary["url"].as_str().unwrap()), "{text}");
        let (code, _) = verify(&keys, &["--token", summary["token"].as_str().unwrap()]);
        assert_eq!(code, 0);
    }
    assert!(issued >= 7, "only {issued} examples labelled");
}

#[test]
fn independent_implementations_verify_the_statements_and_read_the_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = Keys::new(tmp.path());
    let out = tmp.path().join("cam");
    assert!(
        issue(&keys, &examples().join("ip-camera/declaration.toml"), &out)
            .status
            .success()
    );
    let (public, kid) = keys.public();
    let cose: Value = serde_json::from_str(&assert_python_check(
        "label_interop.py",
        &["cose", out.join("label.cose").to_str().unwrap(), &public],
    ))
    .unwrap();
    assert_eq!(cose["verified"], true);
    assert_eq!(cose["level"], 3);
    assert_eq!(cose["cwt_claims"], true);
    let dsse: Value = serde_json::from_str(&assert_python_check(
        "label_interop.py",
        &[
            "dsse",
            out.join("label.dsse.json").to_str().unwrap(),
            &public,
            &kid,
        ],
    ))
    .unwrap();
    assert_eq!(dsse["verified"], true);
    assert_eq!(dsse["type"], "https://in-toto.io/Statement/v1");
    assert!(
        dsse["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().ends_with(".cdx.json")),
        "the SBOM is a subject"
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("label.json")).unwrap()).unwrap();
    for (image, want) in [
        ("box.png", &summary["url"]),
        ("sticker.png", &summary["url"]),
        ("badge.png", &summary["url"]),
        ("qr-url.png", &summary["url"]),
        ("qr-token.png", &summary["token"]),
    ] {
        let decoded: Value = serde_json::from_str(&assert_python_check(
            "label_interop.py",
            &["qr", out.join(image).to_str().unwrap()],
        ))
        .unwrap();
        assert_eq!(decoded[0], *want, "{image}");
    }
    // Independent verifiers reject a tampered statement too.
    let mut bytes = std::fs::read(out.join("label.cose")).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(out.join("tampered.cose"), bytes).unwrap();
    assert!(
        !run_python_check(
            "label_interop.py",
            &["cose", out.join("tampered.cose").to_str().unwrap(), &public]
        )
        .status
        .success()
    );
}

#[test]
fn tampering_and_misuse_get_distinct_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = Keys::new(tmp.path());
    let out = tmp.path().join("plug");
    assert!(
        issue(&keys, &examples().join("smart-plug/declaration.toml"), &out)
            .status
            .success()
    );
    let cose = std::fs::read(out.join("label.cose")).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_owned()
    };
    // A changed byte inside the signed payload: the signature no longer matches.
    let mut altered = cose.clone();
    let payload_byte = altered.len() - 80;
    altered[payload_byte] ^= 0x01;
    assert_eq!(verify(&keys, &[&write("altered.cose", &altered)]).0, 10);
    // Truncated.
    assert_eq!(
        verify(&keys, &[&write("truncated.cose", &cose[..cose.len() / 2])]).0,
        15
    );
    // A DSSE envelope that is not JSON.
    assert_eq!(
        verify(&keys, &[&write("broken.dsse.json", b"{\"payload\": ")]).0,
        15
    );
    // Expired, and not yet valid.
    let (code, text) = {
        let out = iotlabel()
            .arg("verify")
            .arg(out.join("label.cose"))
            .arg("--trust")
            .arg(keys.trust())
            .args(["--at", "2031-01-01T00:00:00Z"])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(code, 13, "{text}");
    let code = iotlabel()
        .arg("verify")
        .arg(out.join("label.cose"))
        .arg("--trust")
        .arg(keys.trust())
        .args(["--at", "2026-11-20T00:00:00Z"])
        .output()
        .unwrap()
        .status
        .code();
    assert_eq!(code, Some(14));
    // Another registry's trust file: unknown key.
    let other = Keys::new(&tmp.path().join("other"));
    let code = iotlabel()
        .arg("verify")
        .arg(out.join("label.cose"))
        .arg("--trust")
        .arg(other.trust())
        .args(["--at", AT])
        .output()
        .unwrap()
        .status
        .code();
    assert_eq!(code, Some(11));
    // Not an image.
    assert_eq!(
        verify(
            &keys,
            &["--qr", &write("noise.png", b"not an image at all")]
        )
        .0,
        17
    );
    // An image without a QR code.
    assert_eq!(
        verify(
            &keys,
            &["--qr", out.join("../plug/box.svg").to_str().unwrap()]
        )
        .0,
        17
    );
}

#[test]
fn keys_are_private_encrypted_on_request_and_rotate_without_breaking_old_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("k");
    iotlabel()
        .args([
            "keys",
            "generate",
            "--valid-from",
            "2026-01-01T00:00:00Z",
            "--out",
        ])
        .arg(&dir)
        .args(["--passphrase-env", "TEST_PASS"])
        .env("TEST_PASS", "correct horse battery staple")
        .assert()
        .success();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(dir.join("issuer.key"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    let pem = std::fs::read_to_string(dir.join("issuer.key")).unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let show = iotlabel()
        .args(["keys", "show"])
        .arg(dir.join("issuer.pub"))
        .output()
        .unwrap();
    let keys = Keys { dir: dir.clone() };
    let (_, kid) = keys.public();
    assert!(
        String::from_utf8(show.stdout).unwrap().contains(&kid),
        "the shown id is the trust file's id"
    );
    // Issuing without the passphrase fails clearly; with it, works.
    let decl = examples().join("smart-plug/declaration.toml");
    let old = tmp.path().join("old");
    let out = iotlabel()
        .args(["label", "issue", "--date", DATE, "--key"])
        .arg(dir.join("issuer.key"))
        .arg("--out")
        .arg(&old)
        .arg(&decl)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("encrypted"));
    iotlabel()
        .args([
            "label",
            "issue",
            "--date",
            DATE,
            "--passphrase-env",
            "TEST_PASS",
            "--key",
        ])
        .arg(dir.join("issuer.key"))
        .arg("--out")
        .arg(&old)
        .arg(&decl)
        .env("TEST_PASS", "correct horse battery staple")
        .assert()
        .success();
    // Rotate: the old key is retired now; labels it signed before still verify.
    iotlabel()
        .args(["keys", "rotate", "--dir"])
        .arg(&dir)
        .assert()
        .success();
    let trust = std::fs::read_to_string(dir.join("trust.toml")).unwrap();
    assert_eq!(trust.matches("[[key]]").count(), 2);
    assert_eq!(trust.matches("valid_until").count(), 1);
    let now = jiff::Timestamp::now().to_string();
    let code = |label: &Path| {
        iotlabel()
            .arg("verify")
            .arg(label)
            .arg("--trust")
            .arg(dir.join("trust.toml"))
            .args(["--at", &now])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(
        code(&old.join("label.cose")),
        Some(0),
        "an old label still verifies after rotation"
    );
    // A label signed by the retired key after its retirement is rejected.
    let retired = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.to_string_lossy().contains("retired") && p.extension().is_some_and(|e| e == "key")
        })
        .unwrap();
    let late = tmp.path().join("late");
    let tomorrow = (jiff::Zoned::now().date().tomorrow().unwrap()).to_string();
    iotlabel()
        .args([
            "label",
            "issue",
            "--date",
            &tomorrow,
            "--passphrase-env",
            "TEST_PASS",
            "--key",
        ])
        .arg(&retired)
        .arg("--out")
        .arg(&late)
        .arg(&decl)
        .env("TEST_PASS", "correct horse battery staple")
        .assert()
        .success();
    let at = format!("{tomorrow}T12:00:00Z");
    let out = iotlabel()
        .arg("verify")
        .arg(late.join("label.cose"))
        .arg("--trust")
        .arg(dir.join("trust.toml"))
        .args(["--at", &at])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(12),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A new label with the new key verifies.
    let fresh = tmp.path().join("fresh");
    iotlabel()
        .args(["label", "issue", "--date", &tomorrow, "--key"])
        .arg(dir.join("issuer.key"))
        .arg("--out")
        .arg(&fresh)
        .arg(&decl)
        .assert()
        .success();
    let out = iotlabel()
        .arg("verify")
        .arg(fresh.join("label.dsse.json"))
        .arg("--trust")
        .arg(dir.join("trust.toml"))
        .args(["--at", &at])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn renamed(tmp: &Path, brand: &str, model: &str) -> PathBuf {
    let dir = tmp.join("examples");
    if !dir.exists() {
        copy_dir(&examples(), &dir);
    }
    let file = dir.join("ip-camera/declaration.toml");
    let text = std::fs::read_to_string(examples().join("ip-camera/declaration.toml")).unwrap();
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    let product = table.get_mut("product").unwrap().as_table_mut().unwrap();
    product.insert("brand".into(), brand.into());
    product.insert("model".into(), model.into());
    std::fs::write(&file, toml::to_string(&table).unwrap()).unwrap();
    file
}

#[test]
fn artwork_holds_long_german_and_japanese_names_as_real_text() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = Keys::new(tmp.path());
    for (brand, model) in [
        (
            "Donaudampfschifffahrtsgesellschaft",
            "Überwachungskamera für den Außenbereich mit Nachtsichtfunktion Pro Max",
        ),
        ("アクメ", "スマートホーム防犯カメラ 屋外用 高解像度モデル"),
        ("<script>alert(1)</script>", "& \"Co\""),
    ] {
        let decl = renamed(tmp.path(), brand, model);
        let out = tmp.path().join(format!("art-{}", brand.len()));
        let result = issue(&keys, &decl, &out);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        // scripts/test installs a Japanese font, so every character has a glyph in the PNGs.
        assert!(
            !String::from_utf8_lossy(&result.stderr).contains("no installed font"),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        for variant in ["box", "sticker", "badge"] {
            let svg = std::fs::read_to_string(out.join(format!("{variant}.svg"))).unwrap();
            assert!(
                svg.contains("<title id=\"title\">iotlabel security label:"),
                "{variant}: accessible title"
            );
            assert!(svg.contains("<desc id=\"desc\">"));
            assert!(!svg.contains("<script"), "{variant}: names are escaped");
            // Every text element either fits by estimate or is squeezed into its box.
            for text in svg.split("<text ").skip(1) {
                assert!(text.contains("font-family="), "{variant}");
            }
            // The product's words are in the SVG as text (searchable, readable aloud).
            if variant != "sticker" {
                let first_word: String = model.chars().take(4).collect();
                let escaped = first_word.replace('&', "&amp;").replace('"', "&quot;");
                assert!(
                    svg.contains(&escaped) || brand.starts_with('<'),
                    "{variant} lacks {first_word}"
                );
            }
            // 300 dpi PNG with the resolution recorded.
            let png = std::fs::read(out.join(format!("{variant}.png"))).unwrap();
            let decoder = png::Decoder::new(std::io::Cursor::new(&png));
            let reader = decoder.read_info().unwrap();
            let info = reader.info();
            let want = match variant {
                "box" => 591,
                "sticker" => 295,
                _ => 1063,
            };
            assert_eq!(info.width, want, "{variant} width at 300 dpi");
            let dims = info.pixel_dims.unwrap();
            assert_eq!((dims.xppu, dims.unit), (11811, png::Unit::Meter));
        }
        // The box still scans after the layout squeezed a long name.
        let (code, _) = verify(&keys, &["--qr", out.join("box.png").to_str().unwrap()]);
        assert_eq!(code, 18);
    }
}
