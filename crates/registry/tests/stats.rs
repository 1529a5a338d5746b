//! The evidence dashboard's aggregates (`stats`), on SQLite and on PostgreSQL: the same
//! counts from both, facts backfilled for assessments stored without them, weakness classes of
//! findings and the time to remediate them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use iotlabel_registry::stats;

macro_rules! on_both {
    ($scenario:ident) => {
        mod $scenario {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$scenario(On::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$scenario(On::Postgres).await;
            }
        }
    };
}

on_both!(aggregates_count_labels_facts_findings_and_resolutions);

fn ghsa(id: &str, alias: &str, package: &str, introduced: &str, fixed: &str, cwe: &str) -> Vec<u8> {
    serde_json::json!({
        "id": id,
        "modified": "2026-01-01T00:00:00Z",
        "aliases": [alias],
        "affected": [{
            "package": {"ecosystem": "PyPI", "name": package},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": introduced}, {"fixed": fixed}]}]
        }],
        "database_specific": {"cwe_ids": [cwe, "NVD-CWE-Other"]}
    })
    .to_string()
    .into_bytes()
}

async fn aggregates_count_labels_facts_findings_and_resolutions(on: On) {
    let f = Fixture::new(on).await;
    f.plug_evidence().await;
    let (plug, process) = smart_plug();
    let label = f
        .registry
        .submit(
            &f.acme,
            &plug,
            iotlabel_declaration::Syntax::Toml,
            Some(&process),
            None,
            now(),
        )
        .await
        .unwrap()
        .label;
    let sbom = std::fs::read(examples().join("../monitoring/smart-plug.cdx.json")).unwrap();
    f.registry
        .register_sbom(&f.acme, &label.id, sbom, now())
        .await
        .unwrap();
    for doc in [
        ghsa(
            "GHSA-t-salt",
            "CVE-2020-11651",
            "salt",
            "3000",
            "3000.2",
            "CWE-287",
        ),
        ghsa(
            "GHSA-t-jinja",
            "CVE-2019-10906",
            "jinja2",
            "0",
            "2.10.1",
            "CWE-1333",
        ),
    ] {
        f.registry
            .import_advisories(&f.operator, doc, now())
            .await
            .unwrap();
    }
    let vex =
        std::fs::read(examples().join("../monitoring/salt-not-affected.openvex.json")).unwrap();
    f.registry
        .register_vex(&f.acme, &label.id, vex, now() + days(3))
        .await
        .unwrap();

    let db = f.place.db().await;
    let a = stats::aggregates(&db.pool, now() + days(4)).await.unwrap();
    assert_eq!(a.levels.len(), 1);
    assert_eq!(
        (
            a.levels[0].level,
            a.levels[0].status.as_str(),
            a.levels[0].n
        ),
        (label.level, "active", 1)
    );
    assert_eq!(a.issued.iter().map(|d| d.n).sum::<u64>(), 1);
    assert_eq!(a.support_years.len(), 1);
    let fact = |kind: &str, subject: &str| {
        a.facts
            .iter()
            .find(|c| c.key.0 == kind && c.key.1 == subject)
            .map_or(0, |c| c.n)
    };
    assert_eq!(fact(stats::ASSESSED, ""), 1);
    assert_eq!(fact(stats::PROFILE, "consumer-baseline"), 1);
    assert!(a.facts.iter().any(|c| c.key.0 == stats::DECLARED_NO));
    assert_eq!(a.findings.monitored, 1);
    assert_eq!((a.findings.open, a.findings.resolved), (1, 1));
    assert_eq!(a.findings.products_open, 1);
    let cwes: Vec<(&str, u64)> = a
        .cwes
        .iter()
        .map(|c| (c.cwe.as_str(), c.products))
        .collect();
    assert_eq!(
        cwes,
        vec![("CWE-1333", 1)],
        "salt is justified as not affecting the plug"
    );
    // Resolutions are dated by the commit that records them (the wall clock here), findings
    // by the operation that found them (the test's clock).
    assert_eq!(a.remediation.len(), 1);
    assert_eq!((a.remediation[0].n, a.remediation[0].exploited), (1, false));
    assert_eq!(a.open_ages.iter().map(|x| x.n).sum::<u64>(), 1);
    assert_eq!(a.open_ages[0].days, 4);
    assert_eq!(a.disclosure, stats::DisclosureTotals::default());

    // Facts lost (as for assessments stored before they existed) come back at the next start.
    for table in ["assessment_facts", "fact_counts"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&db.pool)
            .await
            .unwrap();
    }
    f.registry.log.shutdown().await;
    let again = open(&f.place, catalog(), config(), now()).await;
    let b = stats::aggregates(&again.db.pool, now() + days(4))
        .await
        .unwrap();
    assert_eq!(a.facts, b.facts);
    again.log.shutdown().await;
    drop(again);
    f.finish().await;
}
