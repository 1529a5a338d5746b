//! Coordinated disclosure on the web: a researcher reports without an account, the report
//! reaches the manufacturer's inbox (escaped), the reporter follows it with the token shown
//! once, the form keeps what was typed when something is wrong, refuses writes without their
//! CSRF token, and shares the API's per-address report quota.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::HOSTILE;
use common::browser::Page;
use common::site::{Site, html};
use iotlabel_declaration::Syntax;
use iotlabel_registry::Account;
use iotlabel_registry::disclosure::ReportFilter;
use iotlabel_server::ServerConfig;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/declarations")
}

/// Acme with its smart plug labelled (through the registry library, as the API does); the
/// manufacturer's token, its account and the label id.
async fn labelled(site: &Site) -> (String, Account, String) {
    let token = site.manufacturer("Acme Devices Ltd").await;
    let registry = site.state.registry();
    let account = registry.authenticate(&token).await.unwrap();
    for dir in ["smart-plug/evidence", "acme-process-evidence"] {
        for e in std::fs::read_dir(examples().join(dir)).unwrap() {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            registry
                .put_blob(&account, bytes, "text/markdown", None)
                .await
                .unwrap();
        }
    }
    let declaration =
        std::fs::read_to_string(examples().join("smart-plug/declaration.toml")).unwrap();
    let process = std::fs::read_to_string(examples().join("acme-process.toml")).unwrap();
    let submitted = registry
        .submit(
            &account,
            &declaration,
            Syntax::Toml,
            Some(&process),
            None,
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    (token, account, submitted.label.id)
}

async fn inbox(site: &Site, account: &Account) -> usize {
    site.state
        .registry()
        .reports(
            account,
            &ReportFilter {
                limit: 100,
                ..ReportFilter::default()
            },
            jiff::Timestamp::now(),
        )
        .await
        .unwrap()
        .len()
}

fn token_of(page: &Page) -> String {
    let at = page
        .body
        .find("iotr_")
        .expect("a follow-up token on the page");
    page.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

fn report_id_of(page: &Page) -> String {
    let at = page.body.find("cvd_").expect("a report id on the page");
    page.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

#[tokio::test]
async fn a_report_through_the_form_reaches_the_manufacturers_inbox() {
    let site = Site::new().await;
    let (token, account, label) = labelled(&site).await;
    let mut researcher = site.browser();
    // From the label page's link: the product is chosen.
    let form = researcher
        .get(&format!("/report?label={}", label.to_lowercase()))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("PowerPlug Mini"), "{}", form.body);
    // Or found by a search.
    let found = researcher.get("/report?q=powerplug").await;
    assert!(found.body.contains(&format!("/report?label={label}")));

    let description = format!(
        "POST /api/relay switches the relay without a session.\n{HOSTILE}\n<img src=x onerror=alert(2)>"
    );
    let r = researcher
        .post_form(
            "/report",
            &[
                ("csrf", &form.csrf()),
                ("label", &label),
                ("title", &format!("Relay switchable {HOSTILE}")),
                ("description", &description),
                ("affected_versions", "1.8.3, 1.8.2"),
                (
                    "cvss_vector",
                    "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H",
                ),
                ("reporter_contact", "ada@research.example"),
                ("reporter_name", "Ada"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let follow_token = token_of(&r);
    let id = report_id_of(&r);
    assert!(r.body.contains(&format!("/report/{id}")));
    assert!(r.body.contains("shown only this once"));
    assert_eq!(inbox(&site, &account).await, 1);

    // The manufacturer's inbox, everything escaped.
    let mut maker = site.browser();
    maker.sign_in(&token).await;
    let list = maker.get("/portal/reports").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("/portal/reports/{id}")));
    assert!(!list.body.contains(HOSTILE));
    assert!(
        list.body
            .contains(&html(&format!("Relay switchable {HOSTILE}")))
    );
    let home = maker.get("/portal").await;
    assert!(home.body.contains("One new report"));
    let report = maker.get(&format!("/portal/reports/{id}")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(report.headers[header::CACHE_CONTROL], "no-store");
    assert!(!report.body.contains(HOSTILE) && !report.body.contains("<img src=x"));
    assert!(report.body.contains(&html("<img src=x onerror=alert(2)>")));
    assert!(report.body.contains("ada@research.example"));
    assert!(report.body.contains("Early warning (24 hours)"));
    assert!(
        !report.body.contains(&follow_token),
        "the reporter's token leaks to the manufacturer"
    );

    // Acknowledge, answer, mark fixed.
    let csrf = report.csrf();
    let r = maker
        .post_form(
            &format!("/portal/reports/{id}/action"),
            &[
                ("csrf", &csrf),
                ("form", "step"),
                ("action", "acknowledge"),
                ("note", "Thanks, looking into it"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = maker
        .post_form(
            &format!("/portal/reports/{id}/message"),
            &[
                ("csrf", &csrf),
                ("text", "Can you share the firmware build?"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Fixed without versions: refused, the note kept.
    let r = maker
        .post_form(
            &format!("/portal/reports/{id}/action"),
            &[
                ("csrf", &csrf),
                ("form", "fixed"),
                ("action", "fixed"),
                ("fixed_versions", ""),
                ("note", "kept note"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("kept note"));
    let r = maker
        .post_form(
            &format!("/portal/reports/{id}/action"),
            &[
                ("csrf", &csrf),
                ("form", "fixed"),
                ("action", "fixed"),
                ("fixed_versions", "1.8.4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let fixed = maker.get(&format!("/portal/reports/{id}")).await;
    assert!(fixed.body.contains("1.8.4"));
    assert!(fixed.body.contains("Publish a security advisory"));

    // A stranger with the id and no token learns nothing.
    let mut stranger = site.browser();
    let ask = stranger.get(&format!("/report/{id}")).await;
    assert_eq!(ask.status, StatusCode::OK);
    let r = stranger
        .post_form(
            &format!("/report/{id}"),
            &[("csrf", &ask.csrf()), ("token", "iotr_guess")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Relay switchable"));

    // The reporter follows it with the token and replies.
    let ask = researcher.get(&format!("/report/{id}")).await;
    let csrf = ask.csrf();
    let view = researcher
        .post_form(
            &format!("/report/{id}"),
            &[("csrf", &csrf), ("token", &follow_token)],
        )
        .await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    assert_eq!(view.headers[header::CACHE_CONTROL], "no-store");
    assert!(view.body.contains("Can you share the firmware build?"));
    assert!(view.body.contains("Fixed in"));
    assert!(
        !view.body.contains("security@example.test"),
        "the reporter sees the manufacturer's contact"
    );
    let reply = researcher
        .post_form(
            &format!("/report/{id}/message"),
            &[
                ("csrf", &csrf),
                ("token", &follow_token),
                ("text", "Build 1.8.3-42, <b>thanks</b>"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("Your message has been added"));
    assert!(reply.body.contains(&html("Build 1.8.3-42, <b>thanks</b>")));
    let again = maker.get(&format!("/portal/reports/{id}")).await;
    assert!(again.body.contains("Build 1.8.3-42"));
}

#[tokio::test]
async fn a_report_with_problems_comes_back_with_what_was_typed() {
    let site = Site::new().await;
    let (_, account, label) = labelled(&site).await;
    let mut b = site.browser();
    let csrf = b.get("/report").await.csrf();
    let r = b
        .post_form(
            "/report",
            &[
                ("csrf", &csrf),
                ("label", &label),
                ("title", "Keep <this> title"),
                ("description", "Steps: 1. 2. 3."),
                ("reporter_contact", ""),
                ("cvss_vector", "CVSS:3.1/AV:Q"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#reporter_contact\""), "{}", r.body);
    assert!(
        r.body
            .contains(&format!("value=\"{}\"", html("Keep <this> title")))
    );
    assert!(r.body.contains("Steps: 1. 2. 3."));
    assert!(r.body.contains("CVSS:3.1/AV:Q"));
    // With a contact, the registry's own checks are located too: the CVSS vector.
    let r = b
        .post_form(
            "/report",
            &[
                ("csrf", &csrf),
                ("label", &label),
                ("title", "Keep <this> title"),
                ("description", "Steps: 1. 2. 3."),
                ("reporter_contact", "not-an-address"),
                ("cvss_vector", "CVSS:3.1/AV:Q"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#cvss_vector\""), "{}", r.body);
    assert!(r.body.contains("href=\"#reporter_contact\""));
    assert!(r.body.contains("value=\"not-an-address\""));
    // An unknown label.
    let r = b
        .post_form(
            "/report",
            &[
                ("csrf", &csrf),
                ("label", "AAAAAAAAAAA"),
                ("title", "t"),
                ("description", "d"),
                ("reporter_contact", "a@b.example"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#label\""), "{}", r.body);
    assert_eq!(inbox(&site, &account).await, 0);
}

#[tokio::test]
async fn a_report_without_its_csrf_token_is_refused_and_stores_nothing() {
    let site = Site::new().await;
    let (_, account, label) = labelled(&site).await;
    let mut b = site.browser();
    b.get("/report").await;
    let fields = [
        ("label", label.as_str()),
        ("title", "t"),
        ("description", "d"),
        ("reporter_contact", "a@b.example"),
    ];
    let r = b.post_form("/report", &fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let mut forged = fields.to_vec();
    forged.push(("csrf", "forged"));
    let r = b.post_form("/report", &forged).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // A fresh browser with no cookie at all.
    let r = site.browser().post_form("/report", &forged).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(inbox(&site, &account).await, 0);
}

#[tokio::test]
async fn the_report_form_shares_the_apis_hourly_quota() {
    let site = Site::with(ServerConfig {
        reports_per_hour: 2,
        ..ServerConfig::default()
    })
    .await;
    let (_, account, label) = labelled(&site).await;
    let mut b = site.browser();
    let csrf = b.get("/report").await.csrf();
    let send = |n: usize| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("label".to_owned(), label.clone()),
            ("title".to_owned(), format!("Report {n}")),
            ("description".to_owned(), "Details".to_owned()),
            ("reporter_contact".to_owned(), "a@b.example".to_owned()),
        ]
    };
    for n in 0..2 {
        let f = send(n);
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(b.post_form("/report", &f).await.status, StatusCode::CREATED);
    }
    let f = send(3);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = b.post_form("/report", &f).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    assert!(r.body.contains("Too many requests"));
    assert_eq!(inbox(&site, &account).await, 2);
    // The API path counts against the same quota.
    let api = b
        .send(
            Request::post("/api/v1/disclosures")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    serde_json::json!({"label_id": label, "title": "t", "description": "d", "reporter_contact": "a@b.example"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(inbox(&site, &account).await, 2);
}
