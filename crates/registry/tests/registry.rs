//! The registry's behaviour on SQLite and on PostgreSQL: issuance, the lifecycle and its rules,
//! who may do what, assessor attestations, the log under concurrency and restarts, backups.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use iotlabel_declaration::Syntax;
use iotlabel_label::trust::{Role as TrustRole, TrustFile, TrustedKey};
use iotlabel_registry::{Action, Entry, LabelStatus, RegistryError, Role};
use iotlabel_tlog::{Checkpoint, verify_inclusion};

/// Runs a scenario on both databases.
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

on_both!(issue_then_suspend_reinstate_revoke);
on_both!(resubmission_renewal_and_new_versions);
on_both!(expiry_and_catalogue_grace);
on_both!(manufacturers_cannot_touch_each_others_products);
on_both!(attested_evidence_reaches_level_4_and_retired_keys_are_refused);
on_both!(concurrent_writes_keep_one_consistent_log);
on_both!(restart_rebuilds_the_same_tree_and_refuses_a_tampered_store);

async fn submit_plug(
    f: &Fixture,
    text: &str,
    process: &str,
    at: jiff::Timestamp,
) -> Result<iotlabel_registry::Submitted, RegistryError> {
    f.plug_evidence().await;
    f.registry
        .submit(&f.acme, text, Syntax::Toml, Some(process), None, at)
        .await
}

fn trust() -> TrustFile {
    TrustFile {
        keys: vec![TrustedKey::new(
            &issuer().public(),
            "test issuer",
            TrustRole::Issuer,
            "2020-01-01T00:00:00Z".parse().unwrap(),
        )],
    }
}

/// Every event of a label is in the log, provably under the published checkpoint.
fn assert_events_logged(f: &Fixture, indices: &[u64]) {
    let checkpoint = f.registry.log.checkpoint();
    let opened = Checkpoint::open(
        checkpoint.note.as_bytes(),
        f.registry.log.origin(),
        std::slice::from_ref(f.registry.log.verifier_key()),
    )
    .unwrap();
    assert_eq!(opened.checkpoint.size, checkpoint.size);
    for &i in indices {
        let (size, proof) = f.registry.log.inclusion_proof(i, None).unwrap();
        let leaf = f.registry.log.leaf(i).unwrap();
        verify_inclusion(&leaf, i, size, &proof, &opened.checkpoint.root).unwrap();
    }
}

async fn issue_then_suspend_reinstate_revoke(on: On) {
    let f = Fixture::new(on).await;
    let (plug, process) = smart_plug();
    let first = submit_plug(&f, &plug, &process, now()).await.unwrap();
    assert!(first.created);
    assert_eq!(
        first.label.level, 2,
        "the smart plug is a level-2 self-declaration"
    );
    assert_eq!(first.label.status, LabelStatus::Active);
    assert_eq!(first.assessment["level"], 2);

    // The same declaration again: the same label, nothing new in the log.
    let size = f.registry.log.size();
    let again = submit_plug(&f, &plug, &process, now()).await.unwrap();
    assert!(!again.created);
    assert_eq!(again.label.id, first.label.id);
    assert_eq!(f.registry.log.size(), size);

    let id = first.label.id.clone();
    // Only the operator suspends.
    let denied = f
        .registry
        .set_status(Some(&f.acme), &id, Action::Suspend, "no", now())
        .await
        .unwrap_err();
    assert_eq!(denied.status(), 403);
    let missing_reason = f
        .registry
        .set_status(Some(&f.operator), &id, Action::Suspend, "  ", now())
        .await
        .unwrap_err();
    assert_eq!(missing_reason.status(), 422);

    let s = f
        .registry
        .set_status(
            Some(&f.operator),
            &id,
            Action::Suspend,
            "CVE-2026-0001 under investigation",
            now(),
        )
        .await
        .unwrap();
    assert_eq!(s.status, LabelStatus::Suspended);
    let token = f.registry.status_token(&id, now()).await.unwrap();
    let claims = iotlabel_label::status::verify_status(&token, &trust(), now()).unwrap();
    assert_eq!(claims.status, "suspended");
    assert_eq!(
        claims.reason.as_deref(),
        Some("CVE-2026-0001 under investigation")
    );
    // Tokens are short-lived: a day later it no longer verifies.
    assert!(iotlabel_label::status::verify_status(&token, &trust(), now() + days(1)).is_err());

    let r = f
        .registry
        .set_status(
            Some(&f.operator),
            &id,
            Action::Reinstate,
            "fixed in 1.8.4 backport",
            now(),
        )
        .await
        .unwrap();
    assert_eq!(r.status, LabelStatus::Active);
    let r = f
        .registry
        .set_status(
            Some(&f.operator),
            &id,
            Action::Revoke,
            "certificate obtained by fraud",
            now(),
        )
        .await
        .unwrap();
    assert_eq!(r.status, LabelStatus::Revoked);
    // Final states stay final.
    let err = f
        .registry
        .set_status(Some(&f.operator), &id, Action::Reinstate, "undo", now())
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409);
    let claims = iotlabel_label::status::verify_status(
        &f.registry.status_token(&id, now()).await.unwrap(),
        &trust(),
        now(),
    )
    .unwrap();
    assert_eq!(claims.status, "revoked");

    let events = iotlabel_registry::store::events(&f.registry.db.pool, &id)
        .await
        .unwrap();
    let path: Vec<_> = events.iter().map(|e| e.to.as_str()).collect();
    assert_eq!(path, ["active", "suspended", "active", "revoked"]);
    assert_eq!(events[1].actor, "operator");
    assert_events_logged(&f, &events.iter().map(|e| e.log_index).collect::<Vec<_>>());
    // The log entry says what happened, by whom and why.
    let logged = iotlabel_registry::store::entries(
        &f.registry.db.pool,
        events[3].log_index,
        events[3].log_index + 1,
    )
    .await
    .unwrap();
    let entry: Entry = serde_json::from_slice(&logged[0].1).unwrap();
    assert!(
        matches!(entry, Entry::StatusChanged { ref to, ref reason, .. } if to == "revoked" && reason == "certificate obtained by fraud")
    );
    f.finish().await;
}

async fn resubmission_renewal_and_new_versions(on: On) {
    let f = Fixture::new(on).await;
    let (plug, process) = smart_plug();
    let first = submit_plug(&f, &plug, &process, now()).await.unwrap().label;

    // A changed declaration of the same version, long before expiry: refused.
    let reworded = edited(&plug, "[product]", "# reworded\n[product]");
    let err = submit_plug(&f, &reworded, &process, now())
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409, "{err}");
    assert!(err.to_string().contains("renewal window"), "{err}");

    // Inside the renewal window it renews, superseding the old label.
    let renewal_day = jiff::Timestamp::from_second(first.expires_at).unwrap() - days(30);
    let renewed = submit_plug(&f, &reworded, &process, renewal_day)
        .await
        .unwrap();
    assert!(renewed.created);
    assert_eq!(renewed.superseded, vec![first.id.clone()]);
    let old = f.registry.label(&first.id).await.unwrap();
    assert_eq!(old.status, LabelStatus::Superseded);
    assert_eq!(
        old.superseded_by.as_deref(),
        Some(renewed.label.id.as_str())
    );

    // A new software version supersedes at once.
    let v2 = edited(
        &plug,
        "software_version = \"1.8.3\"",
        "software_version = \"1.9.0\"",
    );
    let next = submit_plug(&f, &v2, &process, renewal_day).await.unwrap();
    assert_eq!(next.superseded, vec![renewed.label.id.clone()]);
    assert_eq!(next.label.software_version, "1.9.0");
    // The superseded label still verifies as a signed statement; its status says superseded.
    let (cose, _) = iotlabel_registry::store::label_signed(&f.registry.db.pool, &first.id)
        .await
        .unwrap()
        .unwrap();
    iotlabel_label::verify_cose(&cose, &trust(), now()).unwrap();
    let token = f
        .registry
        .status_token(&first.id, renewal_day)
        .await
        .unwrap();
    assert_eq!(
        iotlabel_label::status::verify_status(&token, &trust(), renewal_day)
            .unwrap()
            .status,
        "superseded"
    );
    f.finish().await;
}

async fn expiry_and_catalogue_grace(on: On) {
    let f = Fixture::new(on).await;
    let (plug, process) = smart_plug();
    let label = submit_plug(&f, &plug, &process, now()).await.unwrap().label;
    let expiry = jiff::Timestamp::from_second(label.expires_at).unwrap();

    // Before its end nothing happens; after it the label reads expired even before the sweep.
    assert!(f.registry.sweep(expiry - days(1)).await.unwrap().is_empty());
    assert_eq!(
        f.registry.effective_status(&label, expiry),
        LabelStatus::Expired
    );
    assert_eq!(
        f.registry.sweep(expiry).await.unwrap(),
        vec![label.id.clone()]
    );
    let expired = f.registry.label(&label.id).await.unwrap();
    assert_eq!(expired.status, LabelStatus::Expired);
    assert!(expired.status_reason.unwrap().contains("validity"));
    let err = f
        .registry
        .set_status(
            Some(&f.operator),
            &label.id,
            Action::Reinstate,
            "please",
            expiry,
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409);

    // A label for a new version, then a catalogue change to a provision it relied on.
    let v2 = edited(
        &plug,
        "software_version = \"1.8.3\"",
        "software_version = \"1.9.0\"",
    );
    let current = submit_plug(&f, &v2, &process, now()).await.unwrap().label;
    f.registry.log.shutdown().await;
    let Fixture { place, .. } = f;
    // A new catalogue version that leaves its provisions alone changes nothing.
    let untouched = open(
        &place,
        changed_catalog("1.1.0", false),
        config(),
        now() + days(5),
    )
    .await;
    assert_eq!(untouched.label(&current.id).await.unwrap().lapses_at, None);
    untouched.log.shutdown().await;
    drop(untouched);
    let changed = changed_catalog("1.2.0", true);
    let reopened = open(&place, changed.clone(), config(), now() + days(10)).await;
    let lapsing = reopened.label(&current.id).await.unwrap();
    let lapses_at = lapsing
        .lapses_at
        .expect("a catalogue change to its provisions starts the grace period");
    assert_eq!(
        lapses_at,
        (now() + days(10) + days(42)).as_second(),
        "six weeks by default"
    );
    assert!(reopened.sweep(now() + days(51)).await.unwrap().is_empty());
    assert_eq!(
        reopened.sweep(now() + days(52)).await.unwrap(),
        vec![current.id.clone()]
    );
    let lapsed = reopened.label(&current.id).await.unwrap();
    assert_eq!(lapsed.status, LabelStatus::Expired);
    assert!(lapsed.status_reason.unwrap().contains("lapsed"));
    reopened.log.shutdown().await;
    drop(reopened);
    // A catalogue that differs from the one recorded under its version is refused.
    let err = iotlabel_registry::Registry::open(
        place.db().await,
        changed_catalog("1.1.0", true),
        issuer(),
        config(),
        now(),
    )
    .await
    .err()
    .expect("same version, other content");
    assert!(err.to_string().contains("1.1.0"), "{err}");
    place.cleanup().await;
}

/// The catalogue as a new version, with one provision the smart plug relies on reworded if
/// `touch`.
fn changed_catalog(version: &str, touch: bool) -> std::sync::Arc<iotlabel_catalog::Catalog> {
    let dir = tempfile::tempdir().unwrap();
    iotlabel_testkit::copy_dir(&iotlabel_testkit::catalog_dir(), dir.path());
    let meta = dir.path().join("catalog.toml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let version_line = text
        .lines()
        .find(|l| l.starts_with("version"))
        .unwrap()
        .to_owned();
    std::fs::write(
        &meta,
        text.replacen(&version_line, &format!("version = \"{version}\""), 1),
    )
    .unwrap();
    let provisions = dir.path().join("provisions/etsi-en-303-645/2.1.1/5.1.toml");
    let text = std::fs::read_to_string(&provisions).unwrap();
    let (before, after) = text.split_once("id = \"5.1-1\"").unwrap();
    let reworded = after.replacen("statement = \"", "statement = \"(reworded) ", 1);
    if touch {
        std::fs::write(&provisions, format!("{before}id = \"5.1-1\"{reworded}")).unwrap();
    }
    let changelog = dir.path().join("CHANGELOG.md");
    let text = std::fs::read_to_string(&changelog).unwrap();
    std::fs::write(
        &changelog,
        text.replacen(
            "## 1.0.0",
            &format!("## {version}\n\nA test.\n\n## 1.0.0"),
            1,
        ),
    )
    .unwrap();
    let catalog = iotlabel_catalog::load_dir(dir.path()).unwrap();
    assert_eq!(catalog.meta.version.to_string(), version);
    std::sync::Arc::new(catalog)
}

async fn manufacturers_cannot_touch_each_others_products(on: On) {
    let f = Fixture::new(on).await;
    let (plug, process) = smart_plug();
    let size = f.registry.log.size();
    // Lullen submits Acme's declaration.
    let err = f
        .registry
        .submit(&f.lullen, &plug, Syntax::Toml, Some(&process), None, now())
        .await
        .unwrap_err();
    assert_eq!(err.status(), 403, "{err}");
    // Acme's label exists; Lullen claims the same product under its own name.
    submit_plug(&f, &plug, &process, now()).await.unwrap();
    let size_after = f.registry.log.size();
    let hijack = edited(
        &plug,
        "legal_name = \"Acme Devices Ltd\"",
        "legal_name = \"Lullen Home B.V.\"",
    );
    let err = f
        .registry
        .submit(
            &f.lullen,
            &hijack,
            Syntax::Toml,
            Some(&process),
            None,
            now(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), 403, "{err}");
    assert!(err.to_string().contains("another manufacturer"), "{err}");
    // An assessor cannot submit; a manufacturer cannot attest or create organisations.
    assert_eq!(
        f.registry
            .submit(&f.lab, &plug, Syntax::Toml, Some(&process), None, now())
            .await
            .unwrap_err()
            .status(),
        403
    );
    assert_eq!(
        f.registry
            .attest(&f.acme, b"{}", now())
            .await
            .unwrap_err()
            .status(),
        403
    );
    assert_eq!(
        f.registry
            .create_organisation(&f.acme, "Evil", Role::Operator, None)
            .await
            .unwrap_err()
            .status(),
        403
    );
    // Invalid input is located and changes nothing.
    let broken = edited(
        &plug,
        "software_version = \"1.8.3\"",
        "software_version = 183",
    );
    match f
        .registry
        .submit(&f.acme, &broken, Syntax::Toml, Some(&process), None, now())
        .await
        .unwrap_err()
    {
        RegistryError::Invalid { problems, .. } => assert!(
            problems
                .iter()
                .any(|p| p.to_string().contains("software_version")),
            "{problems:?}"
        ),
        other => panic!("expected invalid input, got {other}"),
    }
    assert_eq!(f.registry.log.size(), size_after);
    assert!(size_after > size);
    f.finish().await;
}

async fn attested_evidence_reaches_level_4_and_retired_keys_are_refused(on: On) {
    let f = Fixture::new(on).await;
    let monitor = example("baby-monitor/declaration.toml");
    // Without attestations the lab's evidence does not count.
    f.evidence("baby-monitor/declaration.toml", false).await;
    let first = f
        .registry
        .submit(&f.lullen, &monitor, Syntax::Toml, None, None, now())
        .await
        .unwrap()
        .label;
    assert!(
        first.level <= 2,
        "unattested assessor evidence gave level {}",
        first.level
    );

    // Attested by the registered lab key, the same evidence gives level 4 on renewal.
    f.evidence("baby-monitor/declaration.toml", true).await;
    let renewal = edited(&monitor, "[product]", "# with attestations\n[product]");
    let at = jiff::Timestamp::from_second(first.expires_at).unwrap() - days(10);
    let labelled = f
        .registry
        .submit(&f.lullen, &renewal, Syntax::Toml, None, None, at)
        .await
        .unwrap();
    assert_eq!(labelled.label.level, 4);

    // The key is stolen: the operator retires it; attestations signed with it are refused from
    // then on, earlier ones keep counting.
    f.registry
        .retire_key(&f.operator, &f.lab_key_id, now() + days(1))
        .await
        .unwrap();
    let statement = iotlabel_label::attestation::EvidenceStatement::new(
        "forged.md",
        &"ab".repeat(32),
        iotlabel_label::attestation::EvidencePredicate {
            assessor: "Noordlicht Security Lab B.V.".into(),
            kind: "lab-report".into(),
            provisions: vec!["5.1-1".into()],
            date: "2026-11-22".into(),
        },
    );
    let envelope = serde_json::to_vec(&statement.sign(&f.lab_key)).unwrap();
    let err = f
        .registry
        .attest(&f.lab, &envelope, now() + days(2))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 403, "{err}");
    assert!(err.to_string().contains("retired"), "{err}");
    // A key of another lab cannot attest for this one.
    let other = Fixture::account(&f.registry, &f.operator, "Other Lab", Role::Assessor).await;
    let err = f
        .registry
        .attest(
            &other,
            &serde_json::to_vec(&statement.sign(&iotlabel_label::KeyPair::from_seed(&[99; 32])))
                .unwrap(),
            now(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), 403);
    f.finish().await;
}

async fn concurrent_writes_keep_one_consistent_log(on: On) {
    let f = std::sync::Arc::new(Fixture::new(on).await);
    let (plug, process) = smart_plug();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let f = f.clone();
        let text = edited(&plug, "model = \"", &format!("model = \"Batch {i} "));
        let process = process.clone();
        tasks.push(tokio::spawn(async move {
            submit_plug(&f, &text, &process, now())
                .await
                .map(|s| s.label)
        }));
    }
    let mut labels = Vec::new();
    for t in tasks {
        labels.push(t.await.unwrap().unwrap());
    }
    let mut indices: Vec<u64> = labels.iter().map(|l| l.log_index).collect();
    indices.sort_unstable();
    indices.dedup();
    assert_eq!(indices.len(), 24, "every issuance has its own log entry");
    // The tree in memory is the tree of the stored entries.
    let stored = iotlabel_registry::store::leaf_hashes(&f.registry.db.pool)
        .await
        .unwrap();
    assert_eq!(stored.len() as u64, f.registry.log.size());
    let tree = iotlabel_tlog::Tree::from_leaf_hashes(
        stored
            .iter()
            .map(|(_, h)| <[u8; 32]>::try_from(h.as_slice()).unwrap()),
    );
    assert_eq!(tree.root(), f.registry.log.checkpoint().root);
    assert_events_logged(&f, &indices);
    let f = std::sync::Arc::into_inner(f).unwrap();
    f.finish().await;
}

async fn restart_rebuilds_the_same_tree_and_refuses_a_tampered_store(on: On) {
    let f = Fixture::new(on).await;
    let (plug, process) = smart_plug();
    let label = submit_plug(&f, &plug, &process, now()).await.unwrap().label;
    let before = f.registry.log.checkpoint();
    f.registry.log.shutdown().await;
    let Fixture {
        place, registry, ..
    } = f;
    drop(registry);

    let reopened = open(&place, catalog(), config(), now()).await;
    assert_eq!(reopened.log.checkpoint().root, before.root);
    assert_eq!(reopened.log.size(), before.size);
    reopened.log.shutdown().await;
    drop(reopened);

    // Someone edits the issuance entry in the database: the registry refuses to start.
    let db = place.db().await;
    sqlx::query("UPDATE log_entries SET data = $1 WHERE idx = $2")
        .bind(br#"{"type":"label-issued","label":"forged"}"#.to_vec())
        .bind(i64::try_from(label.log_index).unwrap())
        .execute(&db.pool)
        .await
        .unwrap();
    let err = iotlabel_registry::Registry::open(db.clone(), catalog(), issuer(), config(), now())
        .await
        .err()
        .expect("a tampered store must not open");
    assert!(matches!(err, RegistryError::Tampered(_)), "{err}");

    // Rewriting the leaf hash too does not help: the stored checkpoints no longer match.
    let forged = iotlabel_tlog::leaf_hash(br#"{"type":"label-issued","label":"forged"}"#);
    sqlx::query("UPDATE log_entries SET leaf_hash = $1 WHERE idx = $2")
        .bind(forged.to_vec())
        .bind(i64::try_from(label.log_index).unwrap())
        .execute(&db.pool)
        .await
        .unwrap();
    let err = iotlabel_registry::Registry::open(db, catalog(), issuer(), config(), now())
        .await
        .err()
        .expect("a tampered store must not open");
    assert!(
        matches!(err, RegistryError::Tampered(ref m) if m.contains("checkpoint")),
        "{err}"
    );
    place.cleanup().await;
}

/// A backup taken from one database restores into the other (which is how a scheme moves
/// from SQLite to PostgreSQL), and the restored log matches the old checkpoints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_restore_across_databases_with_the_same_log() {
    for (from, to) in [(On::Sqlite, On::Postgres), (On::Postgres, On::Sqlite)] {
        let f = Fixture::new(from).await;
        let (plug, process) = smart_plug();
        let label = submit_plug(&f, &plug, &process, now()).await.unwrap().label;
        f.registry
            .set_status(Some(&f.operator), &label.id, Action::Suspend, "test", now())
            .await
            .unwrap();
        let checkpoint = f.registry.log.checkpoint();
        let mut file = Vec::new();
        let summary = iotlabel_registry::backup::backup(&f.registry.db, &mut file)
            .await
            .unwrap();
        assert_eq!(summary.log_size, checkpoint.size);
        assert_eq!(summary.rows["labels"], 1);

        let target = Place::new(to).await;
        let db = target.db().await;
        // A truncated or edited backup is refused and leaves the target empty.
        let text = String::from_utf8(file.clone()).unwrap();
        let truncated: String = text
            .lines()
            .take(text.lines().count() - 3)
            .map(|l| format!("{l}\n"))
            .collect();
        let err = iotlabel_registry::backup::restore(&db, &mut truncated.as_bytes())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        let edited = text.replacen("\"labels\"", "\"lables\"", 1);
        let err = iotlabel_registry::backup::restore(&db, &mut edited.as_bytes())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("line") && err.to_string().contains("lables"),
            "{err}"
        );

        iotlabel_registry::backup::restore(&db, &mut file.as_slice())
            .await
            .unwrap();
        let restored =
            iotlabel_registry::Registry::open(db.clone(), catalog(), issuer(), config(), now())
                .await
                .unwrap();
        assert_eq!(restored.log.size(), checkpoint.size);
        assert_eq!(restored.log.checkpoint().root, checkpoint.root);
        assert_eq!(
            restored.label(&label.id).await.unwrap().status,
            LabelStatus::Suspended
        );
        let operator = restored.authenticate(&f.operator_token).await.unwrap();
        assert_eq!(
            operator.id, f.operator.id,
            "tokens keep working after a move"
        );
        // Restoring over data is refused.
        let err = iotlabel_registry::backup::restore(&db, &mut file.as_slice())
            .await
            .unwrap_err();
        assert_eq!(err.status(), 409);
        restored.log.shutdown().await;
        drop(restored);
        target.cleanup().await;
        f.finish().await;
    }
}
