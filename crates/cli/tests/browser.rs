//! The web pages as people use them, in a real browser: Debian's headless Chromium driven by
//! Playwright (playwright-core, installed by `scripts/test` under tests/node) against
//! `iotlabel serve --demo`. The flows themselves are in tests/browser/flows.mjs; screenshots
//! of every page at phone and desktop width go to `target/browser-screenshots/` for review.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use common::Served;
use iotlabel_testkit::workspace_root;

fn chromium() -> String {
    let path = std::env::var("IOTLABEL_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&path).exists(),
        "no Chromium at {path}: run scripts/test (it installs Debian's chromium) or set IOTLABEL_CHROMIUM"
    );
    path
}

#[test]
fn people_use_the_site_in_a_browser() {
    let root = workspace_root();
    let playwright = root.join("tests/node/node_modules/playwright-core");
    assert!(
        playwright.is_dir(),
        "playwright-core is not installed in tests/node: run scripts/test (npm ci in tests/node)"
    );
    let chromium = chromium();
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start_with(&dir.path().join("data"), &["--demo"]);

    // The label a consumer holds: an active, unflagged one, reached through its QR code as the
    // artwork encodes it and a phone camera decodes it.
    let client = reqwest::blocking::Client::new();
    let labels: serde_json::Value = client
        .get(format!(
            "{}/api/v1/labels?status=active&limit=100",
            served.base
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let label = labels["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["exploited_vulnerability_flag"].is_null() && l["product"]["brand"] == "Acme")
        .expect("an active Acme label without a vulnerability flag in the demo");
    let page = label["links"]["page"].as_str().unwrap().to_owned();
    let qr = iotlabel_artwork::qr::encode(&page).unwrap();
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {s} {s}\" width=\"{w}\" height=\"{w}\"><rect width=\"{s}\" height=\"{s}\" fill=\"#fff\"/><path d=\"{d}\" fill=\"#000\"/></svg>",
        s = qr.width + 8,
        w = (qr.width + 8) * 8,
        d = qr.svg_path(4.0, 4.0, 1.0)
    );
    let png = iotlabel_artwork::raster::Renderer::new()
        .png(&svg, 40.0)
        .unwrap();
    let decoded = iotlabel_artwork::qr::decode_image(&png).unwrap();
    assert_eq!(
        decoded,
        vec![page.clone()],
        "the QR code reads back as the label URL"
    );
    // The demo's public URL is the listening address, so the decoded URL is reachable here.
    let shots = root.join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let output = Command::new("node")
        .arg(root.join("tests/browser/flows.mjs"))
        .arg(&served.base)
        .arg(&decoded[0])
        .arg(&served.data)
        .arg(root.join("examples/declarations"))
        .arg(&shots)
        .env("IOTLABEL_CHROMIUM", &chromium)
        .output()
        .expect("node runs (scripts/test installs nodejs)");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    served.stop();
    assert!(output.status.success(), "browser flows failed:\n{report}");
    assert!(!report.contains("FAIL"), "{report}");
}
