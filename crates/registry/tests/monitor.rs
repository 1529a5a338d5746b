//! Vulnerability monitoring in the registry, on SQLite and on PostgreSQL: a labelled product's
//! SBOM meets real OSV advisories and the real CISA KEV catalogue; the known-exploited rule
//! flags, suspends and reinstates the label through the log.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use iotlabel_registry::{Entry, LabelStatus, Role};
use iotlabel_testkit::shared_file;

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

on_both!(known_exploited_vulnerability_flags_suspends_and_reinstates_a_label);
on_both!(bad_documents_and_strangers_change_nothing);

fn monitoring(name: &str) -> Vec<u8> {
    std::fs::read(examples().join("../monitoring").join(name)).unwrap()
}

fn osv(rel: &str) -> Vec<u8> {
    std::fs::read(shared_file(&format!("data/osv-pypi/vulns/{rel}"))).unwrap()
}

fn kev() -> Vec<u8> {
    std::fs::read(shared_file("data/kev/known_exploited_vulnerabilities.json")).unwrap()
}

/// Acme's smart plug, labelled (its evidence uploaded first).
async fn labelled_plug(f: &Fixture) -> iotlabel_registry::LabelRecord {
    f.plug_evidence().await;
    let (plug, process) = smart_plug();
    f.registry
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
        .label
}

/// The log entries about a label, decoded.
async fn entries_about(f: &Fixture, label: &str) -> Vec<Entry> {
    let db = f.place.db().await;
    let indices = iotlabel_registry::store::entry_indices_for(&db.pool, label)
        .await
        .unwrap();
    let mut out = Vec::new();
    for i in indices {
        let rows = iotlabel_registry::store::entries(&db.pool, i, i + 1)
            .await
            .unwrap();
        for (_, data, _) in rows {
            out.push(serde_json::from_slice(&data).unwrap());
        }
    }
    out
}

async fn known_exploited_vulnerability_flags_suspends_and_reinstates_a_label(on: On) {
    let f = Fixture::new(on).await;
    let label = labelled_plug(&f).await;
    let id = label.id.clone();

    // Before an SBOM the registry says it cannot watch the product.
    let v = f.registry.label_vulnerabilities(&label).await.unwrap();
    assert!(!v.monitored);
    assert!(v.summary.contains("cannot watch"), "{}", v.summary);

    let sbom = f
        .registry
        .register_sbom(&f.acme, &id, monitoring("smart-plug.cdx.json"), now())
        .await
        .unwrap();
    assert_eq!(
        sbom.items, 5,
        "four components and the firmware the SBOM describes"
    );
    assert_eq!(sbom.outcome.findings_new, 0, "no advisories yet");

    // Real advisories: salt 3000.1 is inside [3000, 3000.2) of PYSEC-2020-102 (CVE-2020-11651);
    // Jinja2 2.10 is before the fix of PYSEC-2019-217.
    let salt = f
        .registry
        .import_advisories(&f.operator, osv("salt/PYSEC-2020-102.yaml"), now())
        .await
        .unwrap();
    assert_eq!(salt.new, vec!["PYSEC-2020-102".to_owned()]);
    assert_eq!(salt.outcome.findings_new, 1);
    assert_eq!(salt.outcome.product_versions.len(), 1);
    assert!(salt.outcome.labels_flagged.is_empty(), "not in KEV yet");
    let jinja = f
        .registry
        .import_advisories(&f.operator, osv("jinja2/PYSEC-2019-217.yaml"), now())
        .await
        .unwrap();
    assert_eq!(jinja.outcome.findings_new, 1);

    // The same document again changes nothing, in the log or the findings.
    let size = f.registry.log.size();
    let again = f
        .registry
        .import_advisories(&f.operator, osv("salt/PYSEC-2020-102.yaml"), now())
        .await
        .unwrap();
    assert!(again.already_imported);
    assert_eq!(again.outcome, Default::default());
    assert_eq!(f.registry.log.size(), size);

    let label = f.registry.label(&id).await.unwrap();
    let v = f.registry.label_vulnerabilities(&label).await.unwrap();
    assert!(v.monitored);
    assert_eq!((v.open, v.exploited), (2, 0));
    assert!(
        v.summary.starts_with("2 known vulnerabilities"),
        "{}",
        v.summary
    );
    let salt_finding = v
        .findings
        .iter()
        .find(|x| x["component"]["name"] == "salt")
        .unwrap();
    assert_eq!(salt_finding["vulnerability"], "CVE-2020-11651");
    assert_eq!(salt_finding["decided_by"], "PYSEC-2020-102");
    assert!(
        salt_finding["explanation"]
            .as_str()
            .unwrap()
            .contains("introduced 3000 <= 3000.1 < fixed 3000.2"),
        "{}",
        salt_finding["explanation"]
    );
    assert!(
        salt_finding["fixed_versions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "3000.2")
    );
    assert_eq!(label.status, LabelStatus::Active);
    assert!(label.vuln_flagged_at.is_none());

    // The real KEV catalogue lists CVE-2020-11651 (due 2022-05-03, long past): the label is
    // flagged at once, with 14 days' grace.
    let k = f
        .registry
        .import_kev(&f.operator, kev(), now())
        .await
        .unwrap();
    assert!(k.items > 1000);
    assert_eq!(k.outcome.labels_flagged, vec![id.clone()]);
    let label = f.registry.label(&id).await.unwrap();
    assert_eq!(
        label.status,
        LabelStatus::Active,
        "flagged, not yet suspended"
    );
    assert_eq!(label.vuln_flagged_at, Some(now().as_second()));
    let deadline = (now() + days(14)).as_second();
    assert_eq!(label.vuln_deadline, Some(deadline));
    let v = f.registry.label_vulnerabilities(&label).await.unwrap();
    assert_eq!((v.open, v.exploited), (2, 1));
    assert!(v.summary.contains("being exploited"), "{}", v.summary);
    assert!(
        v.summary.contains("will be suspended on 2026-12-05"),
        "{}",
        v.summary
    );
    assert!(entries_about(&f, &id).await.iter().any(|e| matches!(
        e,
        Entry::VulnerabilityFlagged { vulnerabilities, suspend_at, .. }
            if vulnerabilities == &vec!["CVE-2020-11651".to_owned()] && *suspend_at == deadline
    )));

    // The same catalogue again: nothing.
    let size = f.registry.log.size();
    let same = f
        .registry
        .import_kev(&f.operator, kev(), now())
        .await
        .unwrap();
    assert_eq!(same.outcome, Default::default());
    assert_eq!(f.registry.log.size(), size);

    // The sweep leaves it alone until the deadline, then suspends it.
    let early = f.registry.sweep(now() + days(13)).await.unwrap();
    assert!(!early.contains(&id));
    let late = f.registry.sweep(now() + days(15)).await.unwrap();
    assert_eq!(late, vec![id.clone()]);
    let label = f.registry.label(&id).await.unwrap();
    assert_eq!(label.status, LabelStatus::Suspended);
    assert!(label.vuln_suspended);
    assert!(
        label
            .status_reason
            .as_deref()
            .unwrap()
            .contains("CVE-2020-11651")
    );
    let v = f.registry.label_vulnerabilities(&label).await.unwrap();
    assert!(v.summary.contains("is suspended"), "{}", v.summary);

    // A justified not-affected statement resolves it: flag cleared, label reinstated.
    let vex = f
        .registry
        .register_vex(
            &f.acme,
            &id,
            monitoring("salt-not-affected.openvex.json"),
            now() + days(16),
        )
        .await
        .unwrap();
    assert_eq!(vex.items, 1);
    assert_eq!(vex.outcome.labels_cleared, vec![id.clone()]);
    assert_eq!(vex.outcome.labels_reinstated, vec![id.clone()]);
    let label = f.registry.label(&id).await.unwrap();
    assert_eq!(label.status, LabelStatus::Active);
    assert!(!label.vuln_suspended);
    assert!(label.vuln_flagged_at.is_none());
    let v = f.registry.label_vulnerabilities(&label).await.unwrap();
    assert_eq!((v.open, v.exploited), (1, 0), "Jinja2 is still open");
    let salt_finding = v
        .findings
        .iter()
        .find(|x| x["component"]["name"] == "salt")
        .unwrap();
    assert_eq!(salt_finding["status"]["state"], "not_affected");
    assert_eq!(
        salt_finding["status"]["justification"],
        "vulnerable_code_not_in_execute_path"
    );

    // The whole story is in the log, in order.
    let kinds: Vec<String> = entries_about(&f, &id)
        .await
        .iter()
        .map(|e| e.kind().to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "label-issued",
            "vulnerability-flagged",
            "status-changed",
            "vulnerability-cleared",
            "status-changed"
        ]
    );

    // A restart rebuilds the matcher from the stored documents and finds nothing to change.
    let size = f.registry.log.size();
    let place = f.place;
    f.registry.log.shutdown().await;
    drop(f.registry);
    let reopened = open(&place, catalog(), config(), now() + days(17)).await;
    assert_eq!(reopened.log.size(), size);
    let label = reopened.label(&id).await.unwrap();
    let again = reopened.label_vulnerabilities(&label).await.unwrap();
    assert_eq!((again.open, again.exploited), (1, 0));
    assert_eq!(again.findings, v.findings);
    reopened.log.shutdown().await;
    drop(reopened);
    place.cleanup().await;
}

async fn bad_documents_and_strangers_change_nothing(on: On) {
    let f = Fixture::new(on).await;
    let id = labelled_plug(&f).await.id;
    let size = f.registry.log.size();

    // Another manufacturer cannot give SBOMs or VEX for Acme's label.
    let e = f
        .registry
        .register_sbom(&f.lullen, &id, monitoring("smart-plug.cdx.json"), now())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 403);
    // Only the operator imports advisories.
    let e = f
        .registry
        .import_advisories(&f.acme, osv("salt/PYSEC-2020-102.yaml"), now())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 403);
    assert_eq!(f.lab.role, Role::Assessor);
    let e = f
        .registry
        .import_kev(&f.lab, kev(), now())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 403);

    // Unusable documents are refused with a message that says what was wrong.
    let e = f
        .registry
        .register_sbom(
            &f.acme,
            &id,
            b"{\"bomFormat\": \"CycloneDX\", \"components\": 7}".to_vec(),
            now(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.status(), 422);
    assert!(e.to_string().contains("SBOM"), "{e}");
    let e = f
        .registry
        .import_advisories(&f.operator, b"\xff\xfe not an advisory".to_vec(), now())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 422);
    let e = f
        .registry
        .import_kev(&f.operator, b"[1, 2, 3]".to_vec(), now())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 422);
    let e = f
        .registry
        .import_advisories(&f.operator, b"PK\x03\x04 truncated zip".to_vec(), now())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 422);
    // An empty zip (what zipping a folder of the wrong files gives) is named as a zip holding
    // no records, not mistaken for a JSON document with a bad first character.
    let mut empty_zip = b"PK\x05\x06".to_vec();
    empty_zip.extend([0u8; 18]);
    let e = f
        .registry
        .import_advisories(&f.operator, empty_zip, now())
        .await
        .unwrap_err();
    assert_eq!(e.status(), 422);
    assert!(
        e.to_string()
            .contains("the OSV zip dump holds no OSV records"),
        "{e}"
    );
    // VEX before an SBOM is a conflict, not a silent no-op.
    let e = f
        .registry
        .register_vex(
            &f.acme,
            &id,
            monitoring("salt-not-affected.openvex.json"),
            now(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.status(), 409);

    assert_eq!(f.registry.log.size(), size, "nothing was logged");
    let label = f.registry.label(&id).await.unwrap();
    assert!(
        !f.registry
            .label_vulnerabilities(&label)
            .await
            .unwrap()
            .monitored
    );
    f.finish().await;
}
