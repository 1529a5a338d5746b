//! Coordinated vulnerability disclosure on SQLite and PostgreSQL: reports without an account,
//! routing to the owning manufacturer only, the state machine, the CRA clocks with injected
//! times and the operator's overdue list, confidentiality (nothing reaches the log), field
//! errors that store nothing, CSAF advisories checked by an independent validator and read
//! back with our own parser, and backups that keep it all.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use iotlabel_declaration::Syntax;
use iotlabel_registry::disclosure::{
    EventKind, NewReport, Publication, REPORTER_TOKEN_PREFIX, ReportAction, ReportFilter,
    ReportState, Resolution, Severity, Viewer,
};
use iotlabel_registry::{LabelRecord, RegistryError};
use jiff::Timestamp;

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

on_both!(reports_reach_only_their_manufacturer_and_follow_the_state_machine);
on_both!(cra_clocks_and_the_overdue_list);
on_both!(invalid_reports_name_their_fields_and_store_nothing);
on_both!(a_fixed_report_publishes_a_valid_csaf_advisory);

/// Acme's smart plug and Lullen's baby monitor, labelled.
async fn labelled(f: &Fixture) -> (LabelRecord, LabelRecord) {
    let (plug, process) = smart_plug();
    f.plug_evidence().await;
    let plug = f
        .registry
        .submit(&f.acme, &plug, Syntax::Toml, Some(&process), None, now())
        .await
        .unwrap()
        .label;
    f.evidence("baby-monitor/declaration.toml", false).await;
    let monitor = f
        .registry
        .submit(
            &f.lullen,
            &example("baby-monitor/declaration.toml"),
            Syntax::Toml,
            None,
            None,
            now(),
        )
        .await
        .unwrap()
        .label;
    (plug, monitor)
}

fn report_on(label: &LabelRecord) -> NewReport {
    NewReport {
        label_id: Some(label.id.to_lowercase()),
        title: "Relay switchable without authentication".into(),
        description: "POST /api/relay on port 80 switches the relay without a session.\nSteps: ..."
            .into(),
        affected_versions: vec![label.software_version.clone()],
        cvss_vector: Some("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H".into()),
        reporter_contact: "researcher@example.org".into(),
        reporter_name: Some("Ada Researcher".into()),
        ..NewReport::default()
    }
}

/// A report on a label, submitted now.
async fn submitted(
    f: &Fixture,
    label: &LabelRecord,
) -> iotlabel_registry::disclosure::ReportReceipt {
    f.registry
        .submit_report(&report_on(label), now())
        .await
        .unwrap()
}

async fn rows(f: &Fixture, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&f.registry.db.pool)
        .await
        .unwrap();
    n
}

fn after(hours: i64) -> Timestamp {
    now() + jiff::SignedDuration::from_hours(hours)
}

async fn reports_reach_only_their_manufacturer_and_follow_the_state_machine(on: On) {
    let f = Fixture::new(on).await;
    let (plug, monitor) = labelled(&f).await;
    let log_size = f.registry.log.size();

    // By label id (as typed from a sticker) and by product id.
    let a = submitted(&f, &plug).await;
    assert!(a.token.starts_with(REPORTER_TOKEN_PREFIX));
    let b = f
        .registry
        .submit_report(
            &NewReport {
                label_id: None,
                product_id: Some(monitor.product_id.clone()),
                cvss_vector: None,
                severity: Some("High".into()),
                reporter_name: None,
                ..report_on(&monitor)
            },
            now(),
        )
        .await
        .unwrap();
    // Only the token's hash is stored.
    let (stored,): (String,) =
        sqlx::query_as("SELECT reporter_token_hash FROM disclosure_reports WHERE id = $1")
            .bind(&a.id)
            .fetch_one(&f.registry.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, iotlabel_registry::auth::token_hash(&a.token));

    // The reporter follows with the token; a wrong token, or another report's, finds nothing.
    let (report, timeline) = f
        .registry
        .report(Viewer::Reporter(&a.token), &a.id)
        .await
        .unwrap();
    assert_eq!(report.state, ReportState::Received);
    assert_eq!(report.label_id.as_deref(), Some(plug.id.as_str()));
    assert_eq!(report.manufacturer, "Acme Devices Ltd");
    assert_eq!(
        report.severity,
        Some(Severity::High),
        "AV:A ... I:H/A:H scores 8.1"
    );
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].kind, EventKind::Received);
    assert_eq!(timeline[0].actor, "Ada Researcher");
    for (token, id) in [(&b.token, &a.id), (&"iotr_forged".to_owned(), &a.id)] {
        let err = f
            .registry
            .report(Viewer::Reporter(token), id)
            .await
            .unwrap_err();
        assert_eq!(err.status(), 404);
    }

    // Each manufacturer sees its own inbox; the operator sees both; an assessor nothing.
    let all = ReportFilter {
        limit: 100,
        ..ReportFilter::default()
    };
    let ids = |v: Vec<iotlabel_registry::disclosure::Report>| {
        v.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(f.registry.reports(&f.acme, &all, now()).await.unwrap()),
        vec![a.id.clone()]
    );
    assert_eq!(
        ids(f.registry.reports(&f.lullen, &all, now()).await.unwrap()),
        vec![b.id.clone()]
    );
    assert_eq!(
        f.registry
            .reports(&f.operator, &all, now())
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        f.registry
            .reports(&f.lab, &all, now())
            .await
            .unwrap_err()
            .status(),
        403
    );
    let (b_report, _) = f
        .registry
        .report(Viewer::Account(&f.lullen), &b.id)
        .await
        .unwrap();
    assert_eq!(
        b_report.severity,
        Some(Severity::High),
        "the reporter's estimate without a vector"
    );
    // Lullen can neither read nor act on Acme's report.
    assert_eq!(
        f.registry
            .report(Viewer::Account(&f.lullen), &a.id)
            .await
            .unwrap_err()
            .status(),
        404
    );
    let err = f
        .registry
        .act_on_report(&f.lullen, &a.id, &ReportAction::Acknowledge, None, now())
        .await
        .unwrap_err();
    assert_eq!(err.status(), 404);
    let err = f
        .registry
        .add_report_message(Viewer::Account(&f.lullen), &a.id, "hi", now())
        .await
        .unwrap_err();
    assert_eq!(err.status(), 404);

    // The security contact: set by the organisation itself (not by another), shown with the report.
    let err = f
        .registry
        .set_security_contact(
            &f.lullen,
            &f.acme.organisation_id,
            Some("mailto:evil@example.org"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), 403);
    f.registry
        .set_security_contact(
            &f.acme,
            &f.acme.organisation_id,
            Some("mailto:psirt@acme.example"),
        )
        .await
        .unwrap();
    let (report, _) = f
        .registry
        .report(Viewer::Account(&f.operator), &a.id)
        .await
        .unwrap();
    assert_eq!(
        report.security_contact.as_deref(),
        Some("mailto:psirt@acme.example")
    );

    // The state machine.
    let act = |action: ReportAction, note: Option<&'static str>| {
        let f = &f;
        let id = a.id.clone();
        async move {
            f.registry
                .act_on_report(&f.acme, &id, &action, note, after(1))
                .await
        }
    };
    let fixed = ReportAction::Fixed {
        fixed_versions: vec!["1.8.4".into()],
        affected_versions: None,
    };
    assert_eq!(
        act(fixed.clone(), None).await.unwrap_err().status(),
        409,
        "not acknowledged"
    );
    assert_eq!(
        act(ReportAction::Close, None).await.unwrap_err().status(),
        409
    );
    assert_eq!(
        act(ReportAction::FinalReportSent, None)
            .await
            .unwrap_err()
            .status(),
        409,
        "no fix yet"
    );
    let r = act(
        ReportAction::Acknowledge,
        Some("Thank you, we are looking into it."),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.state, r.acknowledged_at),
        (ReportState::Acknowledged, Some(after(1).as_second()))
    );
    assert_eq!(
        act(ReportAction::Acknowledge, None)
            .await
            .unwrap_err()
            .status(),
        409
    );
    // The operator only marks exploitation.
    let err = f
        .registry
        .act_on_report(&f.operator, &a.id, &ReportAction::Triage, None, after(1))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 403);
    f.registry
        .act_on_report(
            &f.operator,
            &a.id,
            &ReportAction::MarkExploited,
            Some("seen in the wild"),
            after(2),
        )
        .await
        .unwrap();
    act(ReportAction::Triage, None).await.unwrap();
    act(ReportAction::EarlyWarningSent, None).await.unwrap();
    assert_eq!(
        act(ReportAction::EarlyWarningSent, None)
            .await
            .unwrap_err()
            .status(),
        409,
        "once"
    );
    f.registry
        .add_report_message(Viewer::Reporter(&a.token), &a.id, "Any news?", after(3))
        .await
        .unwrap();
    f.registry
        .add_report_message(
            Viewer::Account(&f.acme),
            &a.id,
            "A fix is in testing.",
            after(4),
        )
        .await
        .unwrap();
    let bad_fix = ReportAction::Fixed {
        fixed_versions: vec!["all versions".into()],
        affected_versions: None,
    };
    assert_eq!(act(bad_fix, None).await.unwrap_err().status(), 422);
    let r = act(fixed, Some("Released 1.8.4.")).await.unwrap();
    assert_eq!(r.state, ReportState::Fixed);
    assert_eq!(r.fixed_versions, ["1.8.4"]);
    act(ReportAction::FinalReportSent, None).await.unwrap();
    act(ReportAction::Close, None).await.unwrap();
    assert_eq!(
        act(ReportAction::Triage, None).await.unwrap_err().status(),
        409,
        "closed is final"
    );

    let (_, timeline) = f
        .registry
        .report(Viewer::Reporter(&a.token), &a.id)
        .await
        .unwrap();
    let kinds: Vec<&str> = timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "received",
            "acknowledged",
            "actively-exploited",
            "triaged",
            "early-warning-sent",
            "message",
            "message",
            "fixed",
            "final-report-sent",
            "closed"
        ]
    );
    assert_eq!(
        timeline[1].text.as_deref(),
        Some("Thank you, we are looking into it.")
    );
    assert_eq!(timeline[2].actor_role.as_str(), "operator");
    assert_eq!(timeline[5].actor_role.as_str(), "reporter");
    assert!(timeline[6].actor.starts_with("Acme Devices Ltd"));
    assert!(timeline.windows(2).all(|w| w[0].seq + 1 == w[1].seq));

    // Rejection: a duplicate names its original (of the same manufacturer) and says why.
    let dup = submitted(&f, &plug).await;
    let on_dup = |action: ReportAction, note: Option<&'static str>| {
        let (f, id) = (&f, dup.id.clone());
        async move {
            f.registry
                .act_on_report(&f.acme, &id, &action, note, now())
                .await
        }
    };
    let reject = |resolution, duplicate_of: Option<&str>| ReportAction::Reject {
        resolution,
        duplicate_of: duplicate_of.map(str::to_owned),
    };
    let err = on_dup(reject(Resolution::Duplicate, None), Some("dup"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RegistryError::Invalid { problems, .. } if problems[0].field == "duplicate_of"),
        "{err}"
    );
    let err = on_dup(reject(Resolution::Duplicate, Some(&b.id)), Some("dup"))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        422,
        "Lullen's report is no original of Acme's"
    );
    let err = on_dup(reject(Resolution::NotAVulnerability, None), None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 422, "a rejection needs a note");
    let r = on_dup(
        reject(Resolution::Duplicate, Some(&a.id)),
        Some("Same as the earlier report."),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.state, r.resolution, r.duplicate_of.as_deref()),
        (
            ReportState::Rejected,
            Some(Resolution::Duplicate),
            Some(a.id.as_str())
        )
    );
    let err = on_dup(ReportAction::EarlyWarningSent, None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409, "nothing is owed for a rejected report");

    // Confidential: nothing of this reached the transparency log.
    assert_eq!(f.registry.log.size(), log_size);
    f.finish().await;
}

async fn cra_clocks_and_the_overdue_list(on: On) {
    let f = Fixture::new(on).await;
    let (plug, _) = labelled(&f).await;
    let exploited = submitted(&f, &plug).await;
    let quiet = submitted(&f, &plug).await;
    let overdue = |at: Timestamp| {
        let f = &f;
        async move {
            let filter = ReportFilter {
                overdue: true,
                limit: 100,
                ..ReportFilter::default()
            };
            let ops: Vec<String> = f
                .registry
                .reports(&f.operator, &filter, at)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect();
            let own: Vec<String> = f
                .registry
                .reports(&f.acme, &filter, at)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect();
            assert_eq!(ops, own, "the manufacturer sees its own overdue items too");
            ops
        }
    };
    let act = |action: ReportAction, at: Timestamp| {
        let f = &f;
        let id = exploited.id.clone();
        async move {
            f.registry
                .act_on_report(&f.acme, &id, &action, None, at)
                .await
                .unwrap()
        }
    };
    act(ReportAction::Acknowledge, after(1)).await;
    // Past 24 h but not exploited: the clocks run, nothing is overdue.
    let r = act(ReportAction::Triage, after(30)).await;
    let c = r.clocks(after(30));
    assert!(c.early_warning.past_due && !c.actively_exploited && !c.overdue);
    assert!(overdue(after(100)).await.is_empty());

    // Marked actively exploited on day 2: the 24 h and 72 h count from then.
    let r = act(ReportAction::MarkExploited, after(48)).await;
    let c = r.clocks(after(48));
    assert_eq!(c.aware_at, after(48).as_second());
    assert_eq!(c.early_warning.due, after(72).as_second());
    assert_eq!(c.notification.due, after(120).as_second());
    assert!(overdue(after(72)).await.is_empty(), "due, not yet past due");
    assert_eq!(overdue(after(73)).await, vec![exploited.id.clone()]);
    act(ReportAction::EarlyWarningSent, after(73)).await;
    assert!(overdue(after(110)).await.is_empty());
    assert_eq!(
        overdue(after(121)).await,
        vec![exploited.id.clone()],
        "the 72 h notification"
    );
    act(ReportAction::NotificationSent, after(121)).await;
    let fixed = act(
        ReportAction::Fixed {
            fixed_versions: vec!["1.8.4".into()],
            affected_versions: Some(vec!["1.8.2".into(), "1.8.3".into()]),
        },
        after(144),
    )
    .await;
    assert_eq!(
        fixed.affected_versions,
        ["1.8.2", "1.8.3"],
        "the manufacturer's list replaces the reporter's"
    );
    let final_due = after(144 + 14 * 24);
    assert_eq!(
        fixed.clocks(after(144)).final_report.unwrap().due,
        final_due.as_second()
    );
    assert!(overdue(final_due).await.is_empty());
    assert_eq!(
        overdue(after(144 + 14 * 24 + 1)).await,
        vec![exploited.id.clone()],
        "the final report"
    );
    let done = act(ReportAction::FinalReportSent, after(144 + 14 * 24 + 2)).await;
    assert!(!done.clocks(after(2000)).overdue);
    assert!(overdue(after(2000)).await.is_empty());
    // A rejected exploited report owes nothing.
    f.registry
        .act_on_report(
            &f.operator,
            &quiet.id,
            &ReportAction::MarkExploited,
            None,
            after(1),
        )
        .await
        .unwrap();
    assert_eq!(overdue(after(30)).await, vec![quiet.id.clone()]);
    f.registry
        .act_on_report(
            &f.acme,
            &quiet.id,
            &ReportAction::Reject {
                resolution: Resolution::NotAVulnerability,
                duplicate_of: None,
            },
            Some("Works as designed: the relay API is bound to the local setup network only."),
            after(31),
        )
        .await
        .unwrap();
    assert!(overdue(after(30)).await.is_empty());
    f.finish().await;
}

async fn invalid_reports_name_their_fields_and_store_nothing(on: On) {
    let f = Fixture::new(on).await;
    let (plug, _) = labelled(&f).await;
    let bad = NewReport {
        product_id: Some("prd_does_not_exist".into()),
        label_id: None,
        title: " ".into(),
        description: "x".repeat(20_001),
        affected_versions: vec!["1.8.3".into(), "<= 1.8.3".into()],
        cvss_vector: Some("CVSS:3.1/AV:N".into()),
        severity: Some("apocalyptic".into()),
        reporter_contact: "not an address".into(),
        reporter_name: Some("Ada\u{7}".into()),
    };
    let err = f.registry.submit_report(&bad, now()).await.unwrap_err();
    let RegistryError::Invalid { problems, message } = &err else {
        panic!("expected invalid input, got {err}");
    };
    let mut fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "affected_versions[1]",
            "cvss_vector",
            "description",
            "product_id",
            "reporter_contact",
            "reporter_name",
            "severity",
            "title"
        ],
        "{message}"
    );
    assert!(message.contains("reporter_contact"), "{message}");
    // A label id that is not one, a label and product that disagree, no product at all.
    for (label, product, field) in [
        (Some("NOT-A-LABEL"), None, "label_id"),
        (Some(plug.id.as_str()), Some("prd_other"), "product_id"),
        (None, None, "product_id"),
    ] {
        let r = NewReport {
            label_id: label.map(str::to_owned),
            product_id: product.map(str::to_owned),
            ..report_on(&plug)
        };
        match f.registry.submit_report(&r, now()).await.unwrap_err() {
            RegistryError::Invalid { problems, .. } => {
                assert_eq!(problems[0].field, field, "{problems:?}")
            }
            other => panic!("expected invalid input, got {other}"),
        }
    }
    assert_eq!(rows(&f, "disclosure_reports").await, 0);
    assert_eq!(rows(&f, "disclosure_events").await, 0);
    f.finish().await;
}

async fn a_fixed_report_publishes_a_valid_csaf_advisory(on: On) {
    let f = Fixture::new(on).await;
    let (plug, _) = labelled(&f).await;
    let a = submitted(&f, &plug).await;
    let publication = Publication {
        summary: "The local HTTP API of Acme PowerPlug switched the relay without authentication."
            .into(),
        cve: Some("CVE-2026-40001".into()),
        affected_versions: None,
    };
    let err = f
        .registry
        .publish_advisory(&f.acme, &a.id, &publication, after(1))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409, "not fixed yet");
    for action in [
        ReportAction::Acknowledge,
        ReportAction::MarkExploited,
        ReportAction::Fixed {
            fixed_versions: vec!["1.8.4".into()],
            affected_versions: None,
        },
    ] {
        f.registry
            .act_on_report(&f.acme, &a.id, &action, None, after(2))
            .await
            .unwrap();
    }
    let err = f
        .registry
        .publish_advisory(&f.lullen, &a.id, &publication, after(3))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 404, "another manufacturer cannot publish it");
    let bad = Publication {
        cve: Some("CVE-26-1".into()),
        summary: String::new(),
        ..publication.clone()
    };
    match f
        .registry
        .publish_advisory(&f.acme, &a.id, &bad, after(3))
        .await
        .unwrap_err()
    {
        RegistryError::Invalid { problems, .. } => {
            let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
            assert_eq!(fields, ["summary", "cve"]);
        }
        other => panic!("expected invalid input, got {other}"),
    }
    assert!(matches!(
        f.registry.advisory(&a.id).await.unwrap_err(),
        RegistryError::NotFound(_)
    ));
    let log_size = f.registry.log.size();
    let advisory = f
        .registry
        .publish_advisory(&f.acme, &a.id, &publication, after(3))
        .await
        .unwrap();
    assert_eq!(
        advisory.url,
        format!("https://registry.example.test/api/v1/csaf/{}.json", a.id)
    );
    assert_eq!(f.registry.advisory(&a.id).await.unwrap(), advisory.document);
    let err = f
        .registry
        .publish_advisory(&f.acme, &a.id, &publication, after(4))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409, "published once");
    let (report, timeline) = f
        .registry
        .report(Viewer::Reporter(&a.token), &a.id)
        .await
        .unwrap();
    assert_eq!(report.state, ReportState::Published);
    assert_eq!(
        timeline.last().unwrap().text.as_deref(),
        Some(advisory.url.as_str())
    );
    assert_eq!(f.registry.log.size(), log_size, "advisories are not logged");

    // An independent implementation: the official schema and every mandatory and recommended test.
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(iotlabel_registry::disclosure::advisory_file(&a.id));
    std::fs::write(&path, &advisory.document).unwrap();
    let out = iotlabel_testkit::assert_python_check(
        "csaf_validate.py",
        &["--preset", "extended", &path_of(&path)],
    );
    assert!(out.starts_with("valid"), "{out}");

    // Our own CSAF reader sees what was meant.
    let doc = iotlabel_vuln::CsafDocument::parse(
        &advisory.document,
        &iotlabel_vuln::Origin::memory("advisory"),
        &iotlabel_vuln::Limits::default(),
    )
    .unwrap();
    assert_eq!(doc.id, a.id);
    assert_eq!(doc.category, "csaf_security_advisory");
    assert_eq!(doc.status.as_deref(), Some("final"));
    assert_eq!(doc.initial_release, Some(after(3)));
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    let affected = format!("{}:1.8.3", plug.product_id);
    let fixed = format!("{}:1.8.4", plug.product_id);
    assert_eq!(
        doc.products[&affected].vendor.as_deref(),
        Some("Acme Devices Ltd")
    );
    assert_eq!(doc.products.len(), 2);
    let v = &doc.vulnerabilities[0];
    assert_eq!(v.cve.as_deref(), Some("CVE-2026-40001"));
    assert_eq!(v.product_status["known_affected"], vec![affected.clone()]);
    assert_eq!(v.product_status["fixed"], [fixed]);
    assert_eq!(v.remediations[0].category, "vendor_fix");
    assert_eq!(v.remediations[0].product_ids, [affected]);
    assert_eq!(
        v.scores[0].1,
        "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H"
    );
    assert!(v.threats.iter().any(|t| t.category == "exploit_status"));
    assert_eq!(v.description.as_deref(), Some(publication.summary.as_str()));
    let raw: serde_json::Value = serde_json::from_slice(&advisory.document).unwrap();
    assert!(
        !String::from_utf8_lossy(&advisory.document).contains("POST /api/relay"),
        "the report's own description is not published"
    );
    assert_eq!(
        raw["vulnerabilities"][0]["acknowledgments"][0]["names"][0],
        "Ada Researcher"
    );
    f.finish().await;
}

/// Reports, timelines and advisories survive a backup and a move to the other database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_keep_reports_timelines_and_advisories() {
    let f = Fixture::new(On::Sqlite).await;
    let (plug, _) = labelled(&f).await;
    let a = submitted(&f, &plug).await;
    f.registry
        .act_on_report(
            &f.acme,
            &a.id,
            &ReportAction::Acknowledge,
            Some("Thanks."),
            now(),
        )
        .await
        .unwrap();
    f.registry
        .act_on_report(
            &f.acme,
            &a.id,
            &ReportAction::Fixed {
                fixed_versions: vec!["1.8.4".into()],
                affected_versions: None,
            },
            None,
            now(),
        )
        .await
        .unwrap();
    let advisory = f
        .registry
        .publish_advisory(
            &f.acme,
            &a.id,
            &Publication {
                summary: "Fixed in 1.8.4.".into(),
                ..Publication::default()
            },
            now(),
        )
        .await
        .unwrap();
    let (before, timeline) = f
        .registry
        .report(Viewer::Reporter(&a.token), &a.id)
        .await
        .unwrap();
    let mut file = Vec::new();
    let summary = iotlabel_registry::backup::backup(&f.registry.db, &mut file)
        .await
        .unwrap();
    assert_eq!(summary.rows["disclosure_reports"], 1);
    assert_eq!(summary.rows["disclosure_events"], 4);
    assert_eq!(summary.rows["disclosure_advisories"], 1);

    let target = Place::new(On::Postgres).await;
    let db = target.db().await;
    iotlabel_registry::backup::restore(&db, &mut file.as_slice())
        .await
        .unwrap();
    let restored = iotlabel_registry::Registry::open(db, catalog(), issuer(), config(), now())
        .await
        .unwrap();
    let (after_move, timeline_after) = restored
        .report(Viewer::Reporter(&a.token), &a.id)
        .await
        .unwrap();
    assert_eq!(after_move, before, "the reporter's token still works");
    assert_eq!(timeline_after, timeline);
    assert_eq!(restored.advisory(&a.id).await.unwrap(), advisory.document);
    restored.log.shutdown().await;
    drop(restored);
    target.cleanup().await;
    f.finish().await;
}
