//! The evidence dashboard on a registry with the example products: every chart is drawn and
//! served with its data, the numbers are the ones put in, hostile names stay escaped, and the
//! weakness mapping the "living checklist" rests on is checked when the catalogue loads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use base64::Engine as _;
use common::{HOSTILE, fixture, get, repo};
use iotlabel_catalog::{LoadError, Snapshot};
use iotlabel_declaration::Syntax;
use iotlabel_registry::Action;
use jiff::Timestamp;
use serde_json::Value;

/// Every chart the page shows.
const CHARTS: [&str; 12] = [
    "levels",
    "statuses",
    "profiles",
    "issued",
    "status-changes",
    "failing",
    "vulnerabilities",
    "remediation",
    "disclosure",
    "support",
    "weaknesses",
    "declared-no",
];

async fn json(app: &axum::Router, chart: &str) -> Value {
    let (status, headers, body) = get(app, &format!("/dashboard/data/{chart}.json")).await;
    assert_eq!(status, StatusCode::OK, "{chart}: {body}");
    assert_eq!(headers["content-type"], "application/json");
    serde_json::from_str(&body).unwrap()
}

fn row<'a>(data: &'a Value, key: &str) -> &'a Value {
    data["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {data}"))
}

fn total(row: &Value) -> u64 {
    row["values"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum()
}

/// An advisory as GitHub publishes it in OSV, with its weakness classes.
fn ghsa(
    id: &str,
    alias: &str,
    package: &str,
    introduced: &str,
    fixed: &str,
    cwes: &[&str],
) -> Vec<u8> {
    serde_json::json!({
        "id": id,
        "modified": "2026-01-01T00:00:00Z",
        "published": "2020-01-01T00:00:00Z",
        "aliases": [alias],
        "summary": format!("Test advisory for {package}"),
        "affected": [{
            "package": {"ecosystem": "PyPI", "name": package},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": introduced}, {"fixed": fixed}]}]
        }],
        "database_specific": {"cwe_ids": cwes, "severity": "HIGH", "github_reviewed": true}
    })
    .to_string()
    .into_bytes()
}

/// The known-exploited catalogue with entries `(CVE, CWEs)`.
fn kev(entries: &[(&str, &[&str])]) -> Vec<u8> {
    let vulnerabilities: Vec<Value> = entries
        .iter()
        .map(|(cve, cwes)| {
            serde_json::json!({
                "cveID": cve,
                "vendorProject": "Test",
                "product": "Test",
                "vulnerabilityName": "Test entry",
                "dateAdded": "2021-11-03",
                "shortDescription": "Test entry",
                "requiredAction": "Apply updates",
                "dueDate": "2021-11-17",
                "knownRansomwareCampaignUse": "Unknown",
                "notes": "",
                "cwes": cwes
            })
        })
        .collect();
    serde_json::json!({
        "title": "Test KEV",
        "catalogVersion": "2026.11.01",
        "dateReleased": "2026-11-01T00:00:00.000Z",
        "count": vulnerabilities.len(),
        "vulnerabilities": vulnerabilities
    })
    .to_string()
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_every_chart_with_the_numbers_put_in() {
    let f = fixture().await;
    let now = Timestamp::now();

    // The smart plug gets a software update: a new label supersedes its first one.
    let acme = &f.accounts["Acme Devices Ltd"];
    let first_plug = f
        .state
        .registry()
        .search(&iotlabel_registry::LabelQuery {
            text: Some("PowerPlug".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .0
        .into_iter()
        .find(|l| l.manufacturer == "Acme Devices Ltd")
        .expect("the example smart plug is labelled");
    let updated =
        std::fs::read_to_string(repo().join("examples/declarations/smart-plug/declaration.toml"))
            .unwrap()
            .replace(
                &format!("software_version = \"{}\"", first_plug.software_version),
                "software_version = \"1.9.0\"",
            );
    let process =
        std::fs::read_to_string(repo().join("examples/declarations/acme-process.toml")).unwrap();
    let plug = f
        .state
        .registry()
        .submit(acme, &updated, Syntax::Toml, Some(&process), None, now)
        .await
        .unwrap();
    assert_eq!(plug.superseded, vec![first_plug.id.clone()]);
    let plug = plug.label;
    let mut issued_levels = f.levels.clone();
    issued_levels.insert(plug.id.clone(), plug.level);

    // Two other labels: one suspended, one revoked.
    let others: Vec<&String> = f.levels.keys().filter(|id| **id != first_plug.id).collect();
    f.state
        .registry()
        .set_status(Some(&f.operator), others[0], Action::Suspend, "test", now)
        .await
        .unwrap();
    f.state
        .registry()
        .set_status(Some(&f.operator), others[1], Action::Revoke, "test", now)
        .await
        .unwrap();

    // The plug's SBOM meets two advisories and the KEV catalogue; its maker then shows the
    // known-exploited one does not affect the plug.
    let sbom = std::fs::read(repo().join("examples/monitoring/smart-plug.cdx.json")).unwrap();
    f.state
        .registry()
        .register_sbom(acme, &plug.id, sbom, now)
        .await
        .unwrap();
    for doc in [
        ghsa(
            "GHSA-test-salt",
            "CVE-2020-11651",
            "salt",
            "3000",
            "3000.2",
            &["CWE-287"],
        ),
        ghsa(
            "GHSA-test-jinja",
            "CVE-2019-10906",
            "jinja2",
            "0",
            "2.10.1",
            &["CWE-1333", "CWE-9999", "NVD-CWE-noinfo"],
        ),
    ] {
        let import = f
            .state
            .registry()
            .import_advisories(&f.operator, doc, now)
            .await
            .unwrap();
        assert_eq!(import.outcome.findings_new, 1, "{import:?}");
    }
    f.state
        .registry()
        .import_kev(
            &f.operator,
            kev(&[
                ("CVE-2020-11651", &["CWE-287"]),
                ("CVE-2019-10906", &["CWE-22"]),
            ]),
            now,
        )
        .await
        .unwrap();
    let vex =
        std::fs::read(repo().join("examples/monitoring/salt-not-affected.openvex.json")).unwrap();
    f.state
        .registry()
        .register_vex(acme, &plug.id, vex, now)
        .await
        .unwrap();

    // The page: every chart, drawn, with its data links and a table.
    let (status, headers, page) = get(&f.app, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.contains_key("content-security-policy"));
    for chart in CHARTS {
        assert!(page.contains(&format!("id=\"chart-{chart}\"")), "{chart}");
        assert!(
            page.contains(&format!("href=\"/dashboard/data/{chart}.csv\"")),
            "{chart}"
        );
        assert!(page.contains(&format!("href=\"/dashboard/data/{chart}.json\"")));
    }
    assert!(
        !page.contains("style=\""),
        "the CSP forbids style attributes"
    );
    let images: Vec<&str> = page
        .split("src=\"data:image/svg+xml;base64,")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(images.len() >= 10, "{} charts drawn", images.len());
    for b64 in &images {
        let svg = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("<script") && !svg.contains("style="), "{svg}");
    }
    assert!(
        page.contains("alt=\"Labels by level (labels). Level"),
        "alt text"
    );
    assert!(
        page.matches("<th scope=\"row\">").count() > 20,
        "data tables"
    );

    // Counts by level and status equal what was issued.
    let levels = json(&f.app, "levels").await;
    let mut expected: BTreeMap<u8, u64> = BTreeMap::new();
    for l in issued_levels.values() {
        *expected.entry(*l).or_default() += 1;
    }
    for (level, n) in &expected {
        assert_eq!(total(row(&levels, &level.to_string())), *n, "level {level}");
    }
    let (_, headers, csv) = get(&f.app, "/dashboard/data/levels.csv").await;
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("level,label,active,suspended,expired,revoked,superseded")
    );
    let csv_total: u64 = lines
        .map(|l| {
            l.split(',')
                .skip(2)
                .map(|v| v.parse::<u64>().unwrap())
                .sum::<u64>()
        })
        .sum();
    let n = issued_levels.len() as u64;
    assert_eq!(csv_total, n);
    let statuses = json(&f.app, "statuses").await;
    assert_eq!(row(&statuses, "suspended")["values"]["labels"], 1);
    assert_eq!(row(&statuses, "revoked")["values"]["labels"], 1);
    assert_eq!(row(&statuses, "superseded")["values"]["labels"], 1);
    assert_eq!(row(&statuses, "active")["values"]["labels"], n - 3);
    let issued = json(&f.app, "issued").await;
    let issued_total: u64 = issued["rows"].as_array().unwrap().iter().map(total).sum();
    assert_eq!(issued_total, n);
    let changes = json(&f.app, "status-changes").await;
    let changed: u64 = changes["rows"].as_array().unwrap().iter().map(total).sum();
    assert_eq!(changed, 3, "superseded, suspended, revoked");
    // Profiles count labels that are not superseded.
    let profiles = json(&f.app, "profiles").await;
    assert!(
        row(&profiles, "consumer-baseline")["values"]["labels"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let profiled: u64 = profiles["rows"].as_array().unwrap().iter().map(total).sum();
    assert!(profiled >= n - 1, "every label names a profile");
    let support = json(&f.app, "support").await;
    let in_force: u64 = support["rows"].as_array().unwrap().iter().map(total).sum();
    assert_eq!(
        in_force,
        n - 2,
        "neither the revoked nor the superseded one is in force"
    );

    // Weakness classes: from the advisories and KEV, checked against the catalogue's mapping.
    let weaknesses = json(&f.app, "weaknesses").await;
    let keys: Vec<&str> = weaknesses["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert!(
        !keys.contains(&"CWE-287"),
        "salt does not affect the plug: {keys:?}"
    );
    assert_eq!(
        row(&weaknesses, "CWE-22")["values"]["addressed"],
        1,
        "from KEV"
    );
    assert!(
        row(&weaknesses, "CWE-22")["extra"]["provisions"]
            .as_str()
            .unwrap()
            .contains("5.13-1")
    );
    assert_eq!(row(&weaknesses, "CWE-1333")["values"]["gap"], 1);
    assert_eq!(row(&weaknesses, "CWE-9999")["values"]["unreviewed"], 1);
    assert!(
        row(&weaknesses, "CWE-1333")["label"]
            .as_str()
            .unwrap()
            .contains("Regular Expression")
    );
    assert!(
        !weaknesses.to_string().contains("NVD-CWE"),
        "not a weakness class"
    );
    let (_, _, csv) = get(&f.app, "/dashboard/data/weaknesses.csv").await;
    assert!(csv.starts_with("cwe,label,addressed,gap,unreviewed,findings,provisions\r\n"));

    // One open finding (Jinja2), one resolved (salt, known exploited, shown not to affect).
    let remediation = json(&f.app, "remediation").await;
    let sum_series = |key: &str| -> u64 {
        remediation["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["values"][key].as_u64().unwrap())
            .sum()
    };
    assert_eq!(sum_series("resolved-exploited"), 1);
    assert_eq!(sum_series("resolved-other"), 0);
    assert_eq!(sum_series("open"), 1);
    let vulns = json(&f.app, "vulnerabilities").await;
    let found: u64 = vulns["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["values"]["found"].as_u64().unwrap())
        .sum();
    assert_eq!(found, 2);

    // Provisions: the examples declare some recommendations "no".
    let declared = json(&f.app, "declared-no").await;
    assert!(!declared["rows"].as_array().unwrap().is_empty());
    let failing = json(&f.app, "failing").await;
    assert!(failing["rows"].as_array().unwrap().len() <= 15);

    // Hostile names never reach a page or a data file unescaped.
    for uri in ["/dashboard", "/dashboard?lang=de"]
        .into_iter()
        .map(str::to_owned)
        .chain(CHARTS.iter().flat_map(|c| {
            [
                format!("/dashboard/data/{c}.csv"),
                format!("/dashboard/data/{c}.json"),
            ]
        }))
    {
        let (status, _, body) = get(&f.app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!body.contains(HOSTILE), "{uri}");
        assert!(!body.contains("<script"), "{uri}");
    }

    // German, and unknown data files.
    let (_, _, de) = get(&f.app, "/dashboard?lang=de").await;
    assert!(de.contains("Evidenz-Dashboard") && de.contains("Labels nach Stufe"));
    let de_levels: Value =
        serde_json::from_str(&get(&f.app, "/dashboard/data/levels.json?lang=de").await.2).unwrap();
    assert_eq!(de_levels["series"][0]["name"], "Gültig");
    for bad in ["/dashboard/data/nothing.csv", "/dashboard/data/levels.xml"] {
        assert_eq!(get(&f.app, bad).await.0, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[test]
fn the_weakness_mapping_loads_and_a_dangling_provision_is_reported() {
    let catalog = iotlabel_catalog::load_dir(&repo().join("catalog")).unwrap();
    let w = catalog.weaknesses();
    let creds = w.get("CWE-798").unwrap();
    let ids: Vec<&str> = creds.provisions.iter().map(|p| p.local.as_str()).collect();
    assert!(ids.contains(&"5.1-1") && ids.contains(&"5.4-3"), "{ids:?}");
    for weakness in w.iter() {
        for p in &weakness.provisions {
            assert!(catalog.provision(p).is_some(), "{} → {p}", weakness.id);
        }
    }

    let mut snapshot = Snapshot::from_dir(&repo().join("catalog")).unwrap();
    let text = snapshot.files["knowledge/weaknesses.toml"].replace(
        "provisions = [\"5.1-5\"]",
        "provisions = [\"5.1-5\", \"5.99-1\"]",
    );
    snapshot
        .files
        .insert("knowledge/weaknesses.toml".into(), text);
    let Err(LoadError::Invalid(diagnostics)) = iotlabel_catalog::build(&snapshot) else {
        panic!("a dangling provision id must be a load error");
    };
    let d = diagnostics
        .iter()
        .find(|d| d.message.contains("5.99-1"))
        .unwrap_or_else(|| panic!("{diagnostics:?}"));
    assert!(d.file.ends_with("knowledge/weaknesses.toml"));
    assert_eq!(d.id.as_deref(), Some("CWE-307"));
    assert!(d.line.is_some());
}
