//! The manufacturer portal as a person uses it: signing in with a token, the guided form and
//! the upload, problems shown next to their fields with everything typed kept, the label with
//! its assessment and artwork, and the operator suspending a label. Every write is refused
//! without its CSRF token, and hostile product names come back escaped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::HOSTILE;
use common::browser::{BOUNDARY, Browser, multipart};
use common::site::{Site, html};
use iotlabel_registry::LabelQuery;

impl Site {
    async fn labels(&self) -> u64 {
        self.state
            .registry()
            .search(&LabelQuery {
                limit: 1,
                ..LabelQuery::default()
            })
            .await
            .unwrap()
            .1
    }
}

/// A complete set of answers to the guided form for a smart plug, every requirement met.
fn answers(site: &Site, org: &str, model: &str) -> Vec<(String, String)> {
    let catalog = &site.state.registry().catalog;
    let profile = catalog.profile("consumer-baseline").unwrap();
    let mut a: Vec<(String, String)> = [
        ("profile", "consumer-baseline"),
        ("manufacturer.legal_name", org),
        ("manufacturer.address", "1 Example Street, Bristol"),
        ("manufacturer.security_contact", "security@example.test"),
        ("product.brand", "Acme"),
        ("product.model", model),
        ("product.category", "smart-plug"),
        ("product.hardware_version", "rev C"),
        ("product.software_version", "1.0.0"),
        ("product.intended_use", "Switch a lamp from the app"),
        ("product.identifiers", "gtin: 5069431208817"),
        ("authentication.default_password", "user-defined"),
        (
            "authentication.mechanism",
            "Account password chosen in the app at setup",
        ),
        ("updates.delivery", "network"),
        (
            "updates.mechanism",
            "Signed images, verified before activation",
        ),
        ("updates.automatic", "yes"),
        ("updates.signed", "yes"),
        ("support.period_end", "2031-12"),
        (
            "vulnerability_disclosure.policy_url",
            "https://example.test/security",
        ),
        ("vulnerability_disclosure.contact", "security@example.test"),
        ("vulnerability_disclosure.acknowledge_within_days", "5"),
        ("dp.0.data", "Account e-mail address"),
        ("dp.0.purpose", "Sign-in"),
        ("dp.0.retention", "Until the account is deleted"),
        ("dp.0.deletion", "Delete the account in the app"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let mut features = std::collections::BTreeSet::new();
    for id in &profile.provisions {
        let p = catalog.provision(id).unwrap();
        if let Some(c) = &p.condition {
            features.extend(c.features().into_iter().map(str::to_owned));
        }
        if p.automatic.is_some() {
            continue;
        }
        let short = match catalog.resolve(&p.id.local) {
            Ok(r) if r.id == p.id => p.id.local.clone(),
            _ => p.id.to_string(),
        };
        a.push((format!("claim.{short}.support"), "yes".into()));
        a.push((
            format!("claim.{short}.justification"),
            "Done as the design description says".into(),
        ));
    }
    for f in features {
        a.push((format!("features.{f}"), "yes".into()));
    }
    a
}

fn pairs(a: &[(String, String)]) -> Vec<(&str, &str)> {
    a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn declare_by_form(site: &Site, b: &mut Browser, org: &str, model: &str) -> String {
    let form = b.get("/portal/declare").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    let mut fields = answers(site, org, model);
    fields.push(("csrf".into(), csrf));
    fields.push((
        "upload.0.title".into(),
        "Security design description".into(),
    ));
    fields.push(("upload.0.kind".into(), "document".into()));
    let r = b
        .post_multipart(
            "/portal/declare",
            &pairs(&fields),
            &[(
                "upload.0.file",
                "design.md",
                b"# Security design\nEverything is signed.\n",
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location();
    assert!(
        location.starts_with("/portal/labels/") && location.ends_with("?done=created"),
        "{location}"
    );
    location
        .trim_start_matches("/portal/labels/")
        .trim_end_matches("?done=created")
        .to_owned()
}

#[tokio::test]
async fn a_wrong_token_is_refused_without_detail_and_guessing_is_limited() {
    let site = Site::new().await;
    let mut b = site.browser();
    let page = b.get("/portal").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("type=\"password\""));
    let csrf = page.csrf();
    let guess = "iotl_not-a-real-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let r = b
        .post_form("/signin", &[("csrf", &csrf), ("token", guess)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("This token was not accepted"));
    assert!(!r.body.contains(guess), "the token is echoed");
    assert!(
        !r.body.contains("unknown or revoked"),
        "the registry's reason leaks"
    );
    assert!(!b.cookies.contains_key("__Host-iotlabel-session"));
    // A real token with a typo gets exactly the same answer.
    let mut typo = site.operator_token.clone();
    typo.pop();
    let r2 = b
        .post_form("/signin", &[("csrf", &csrf), ("token", &typo)])
        .await;
    assert_eq!(r2.status, StatusCode::UNAUTHORIZED);
    assert!(r2.body.contains("This token was not accepted"));
    // Ten failures from one address, then a wait, even with the right token.
    for _ in 0..8 {
        b.post_form("/signin", &[("csrf", &csrf), ("token", guess)])
            .await;
    }
    let r = b
        .post_form(
            "/signin",
            &[("csrf", &csrf), ("token", &site.operator_token)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    assert!(!b.cookies.contains_key("__Host-iotlabel-session"));
}

#[tokio::test]
async fn signing_in_and_out() {
    let site = Site::new().await;
    let token = site.manufacturer("Acme Devices Ltd").await;
    let mut b = site.browser();
    b.sign_in(&token).await;
    let home = b.get("/portal").await;
    assert!(home.body.contains("Acme Devices Ltd"));
    assert!(home.body.contains("/portal/declare"));
    assert!(
        !home.body.contains(&token),
        "the token is shown after sign-in"
    );
    assert_eq!(home.headers[header::CACHE_CONTROL], "no-store");
    let csrf = home.csrf();
    let out = b.post_form("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("__Host-iotlabel-session"));
    let again = b.get("/portal/declare").await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn writes_without_their_csrf_token_are_refused_and_store_nothing() {
    let site = Site::new().await;
    let org = "Acme Devices Ltd";
    let token = site.manufacturer(org).await;
    // Sign-in itself.
    let mut stranger = site.browser();
    stranger.get("/portal").await;
    let r = stranger.post_form("/signin", &[("token", &token)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(!stranger.cookies.contains_key("__Host-iotlabel-session"));

    let mut b = site.browser();
    b.sign_in(&token).await;
    let mut fields = answers(&site, org, "Plug");
    let missing = b
        .post_multipart("/portal/declare", &pairs(&fields), &[])
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    fields.push(("csrf".into(), "forged-token".into()));
    let forged = b
        .post_multipart("/portal/declare", &pairs(&fields), &[])
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(forged.body.contains("expired"), "{}", forged.body);
    // A valid token from this browser, but sent from another site.
    let csrf = b.get("/portal/declare").await.csrf();
    fields.pop();
    fields.push(("csrf".into(), csrf));
    let body = multipart(&pairs(&fields), &[]);
    let cross = b
        .send(
            Request::post("/portal/declare")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .header(header::HOST, "registry.test")
                .header(header::ORIGIN, "https://evil.test")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(cross.status, StatusCode::BAD_REQUEST);
    assert_eq!(site.labels().await, 0, "a refused form stored a label");
}

#[tokio::test]
async fn the_guided_form_issues_a_label_and_escapes_hostile_names() {
    let site = Site::new().await;
    let org = "Acme Devices Ltd";
    let token = site.manufacturer(org).await;
    let mut b = site.browser();
    b.sign_in(&token).await;
    let form = b.get("/portal/declare").await;
    // Questions in plain words, from the catalogue.
    assert!(form.body.contains("Does the product use passwords"));
    assert!(form.body.contains("name=\"claim.5.1-1.support\""));
    assert!(form.body.contains("enctype=\"multipart/form-data\""));

    let id = declare_by_form(&site, &mut b, org, HOSTILE).await;
    let page = b.get(&format!("/portal/labels/{id}?done=created")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("href=\"/L/{id}\"")),
        "no link to the label page"
    );
    assert!(page.body.contains("Your label has been issued"));
    assert!(
        page.body.contains("What is missing for level"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(HOSTILE),
        "a product name is not escaped"
    );
    assert!(page.body.contains(&html(HOSTILE)));
    let home = b.get("/portal").await;
    assert!(home.body.contains(&id));
    assert!(!home.body.contains(HOSTILE));

    let record = site.state.registry().label(&id).await.unwrap();
    assert_eq!(record.model, HOSTILE);
    assert!(record.level >= 1);

    // Artwork for the manufacturer's own label: the name escaped inside the SVG too.
    let svg = b.get(&format!("/portal/labels/{id}/artwork/box.svg")).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(svg.headers[header::CONTENT_TYPE], "image/svg+xml");
    assert!(
        svg.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert!(!svg.body.contains(HOSTILE));
    assert!(
        svg.body.contains("&lt;script&gt;"),
        "the SVG escapes with its own entities"
    );
    let png = b
        .get(&format!("/portal/labels/{id}/artwork/sticker.png"))
        .await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(png.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(
        b.get(&format!("/portal/labels/{id}/artwork/poster.svg"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A new software version starts from this declaration and supersedes the label.
    let next = b.get(&format!("/portal/declare?from={id}")).await;
    assert_eq!(next.status, StatusCode::OK);
    assert!(
        next.body.contains("value=\"1.0.0\""),
        "the form does not start from the declaration"
    );
    assert!(
        next.body.contains("Security design description"),
        "the evidence is not carried over"
    );
    let mut fields = answers(&site, org, HOSTILE);
    fields.retain(|(k, _)| k != "product.software_version");
    fields.push(("product.software_version".into(), "1.1.0".into()));
    fields.push(("csrf".into(), next.csrf()));
    // The evidence rows the form carries.
    let mut at = 0;
    while let Some(i) = next.body[at..].find("type=\"hidden\" name=\"ev.") {
        let rest = &next.body[at + i + "type=\"hidden\" name=\"".len()..];
        let name = &rest[..rest.find('"').unwrap()];
        let v = &rest[rest.find("value=\"").unwrap() + 7..];
        fields.push((name.to_owned(), v[..v.find('"').unwrap()].to_owned()));
        at += i + 10;
    }
    fields.push(("ev.0.keep".into(), "1".into()));
    let r = b
        .post_multipart("/portal/declare", &pairs(&fields), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let newer = r
        .location()
        .trim_start_matches("/portal/labels/")
        .trim_end_matches("?done=created")
        .to_owned();
    assert_ne!(newer, id);
    let old = site.state.registry().label(&id).await.unwrap();
    assert_eq!(old.superseded_by.as_deref(), Some(newer.as_str()));
    let versions = b.get(&format!("/portal/labels/{newer}")).await;
    assert!(versions.body.contains("1.0.0") && versions.body.contains("1.1.0"));
    assert!(
        versions
            .body
            .contains("<span class=\"badge warn\">Replaced</span>")
    );
}

#[tokio::test]
async fn a_form_with_problems_comes_back_with_everything_typed() {
    let site = Site::new().await;
    let org = "Acme Devices Ltd";
    let token = site.manufacturer(org).await;
    let mut b = site.browser();
    b.sign_in(&token).await;
    let csrf = b.get("/portal/declare").await.csrf();
    let mut fields = answers(&site, org, "");
    fields.retain(|(k, _)| k != "product.brand" && k != "support.period_end");
    fields.push(("product.brand".into(), "Keep <b>me</b>".into()));
    fields.push(("support.period_end".into(), "2031-13".into()));
    fields.push(("csrf".into(), csrf.clone()));
    let r = b
        .post_multipart(
            "/portal/declare",
            &pairs(&fields),
            &[("upload.0.file", "policy.md", b"# Disclosure policy\n")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The problem is located: linked to its field, and shown next to it.
    assert!(r.body.contains("href=\"#product.model\""), "{}", r.body);
    assert!(r.body.contains("Please fill this in."));
    assert!(r.body.contains("id=\"product.model-error\""));
    // Everything typed is kept, escaped.
    assert!(
        r.body
            .contains(&format!("value=\"{}\"", html("Keep <b>me</b>")))
    );
    assert!(r.body.contains("Sign-in"));
    assert!(r.body.contains("value=\"yes\" checked"));
    // The uploaded file is kept (by digest) for the next attempt.
    assert!(r.body.contains("policy.md"));
    assert!(r.body.contains("name=\"ev.0.sha256\""));
    assert_eq!(site.labels().await, 0);

    // Fixing the model: the registry's own check of the month is located too.
    let mut fields: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| k != "product.model" && k != "csrf")
        .collect();
    fields.push(("product.model".into(), "Plug".into()));
    fields.push(("csrf".into(), csrf));
    let r = b
        .post_multipart("/portal/declare", &pairs(&fields), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#support.period_end\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"2031-13\""));
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/declarations")
}

#[tokio::test]
async fn an_uploaded_declaration_with_its_evidence_is_labelled() {
    let site = Site::new().await;
    let token = site.manufacturer("Acme Devices Ltd").await;
    let mut b = site.browser();
    b.sign_in(&token).await;
    let page = b.get("/portal/submit").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    let declaration = std::fs::read(examples().join("smart-plug/declaration.toml")).unwrap();
    let process = std::fs::read(examples().join("acme-process.toml")).unwrap();
    let mut evidence: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in ["smart-plug/evidence", "acme-process-evidence"] {
        for e in std::fs::read_dir(examples().join(dir)).unwrap() {
            let e = e.unwrap();
            evidence.push((
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            ));
        }
    }
    // A broken file first: it comes back in the text box with a located problem.
    let broken = String::from_utf8(declaration.clone())
        .unwrap()
        .replace("category = \"smart-plug\"", "category = 42");
    let r = b
        .post_multipart("/portal/submit", &[("csrf", &csrf), ("text", &broken)], &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("line "), "{}", r.body);
    assert!(r.body.contains("product.category"));
    assert!(r.body.contains("category = 42"), "the text is not kept");

    let mut files: Vec<(&str, &str, &[u8])> = vec![
        ("declaration", "declaration.toml", &declaration),
        ("process", "acme-process.toml", &process),
    ];
    for (name, bytes) in &evidence {
        files.push(("evidence", name, bytes));
    }
    let r = b
        .post_multipart("/portal/submit", &[("csrf", &csrf)], &files)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r
        .location()
        .trim_start_matches("/portal/labels/")
        .trim_end_matches("?done=created")
        .to_owned();
    let label = b.get(&format!("/portal/labels/{id}")).await;
    assert!(label.body.contains(&format!("href=\"/L/{id}\"")));
    assert_eq!(site.state.registry().label(&id).await.unwrap().level, 2);
    // Level 3 needs assessor evidence: the page says so.
    assert!(
        label.body.contains("What is missing for level 3"),
        "{}",
        label.body
    );
    assert!(label.body.contains("assessor"));
}

#[tokio::test]
async fn the_operator_suspends_a_label_and_the_record_says_so() {
    let site = Site::new().await;
    let org = "Acme Devices Ltd";
    let token = site.manufacturer(org).await;
    let mut maker = site.browser();
    maker.sign_in(&token).await;
    let id = declare_by_form(&site, &mut maker, org, "Plug").await;

    // The manufacturer sees no lifecycle form and cannot use one.
    let own = maker.get(&format!("/portal/labels/{id}")).await;
    assert!(!own.body.contains("/status\""));
    let csrf = own.csrf();
    let refused = maker
        .post_form(
            &format!("/portal/labels/{id}/status"),
            &[("csrf", &csrf), ("action", "suspend"), ("reason", "mine")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Another manufacturer cannot see or touch it.
    let other = site.manufacturer("Other Devices GmbH").await;
    let mut rival = site.browser();
    rival.sign_in(&other).await;
    assert_eq!(
        rival.get(&format!("/portal/labels/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        rival
            .get(&format!("/portal/labels/{id}/artwork/box.svg"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let mut op = site.browser();
    op.sign_in(&site.operator_token).await;
    let home = op.get("/portal").await;
    assert!(
        home.body.contains(&format!("/portal/labels/{id}")),
        "the label is not reachable from the portal"
    );
    assert!(home.body.contains("Overdue disclosure obligations"));
    // A consumer reads the label first, so the page is in the rendered-page cache.
    let before = site.browser().get(&format!("/L/{id}")).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(before.body.contains("Genuine and current"));
    let page = op.get(&format!("/portal/labels/{id}")).await;
    assert!(page.body.contains("value=\"suspend\""));
    let csrf = page.csrf();
    // Without a reason: refused, the choice kept.
    let r = op
        .post_form(
            &format!("/portal/labels/{id}/status"),
            &[("csrf", &csrf), ("action", "suspend"), ("reason", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Give a reason."));
    assert!(r.body.contains("value=\"suspend\" checked"));
    let reason = "Under investigation <b>after</b> a report";
    let r = op
        .post_form(
            &format!("/portal/labels/{id}/status"),
            &[("csrf", &csrf), ("action", "suspend"), ("reason", reason)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = op.get(&r.location()).await;
    assert!(
        after
            .body
            .contains("<span class=\"badge bad\">Suspended</span>")
    );
    assert!(after.body.contains(&html(reason)));
    assert!(after.body.contains("value=\"reinstate\""));

    let api = site.browser().get(&format!("/api/v1/labels/{id}")).await;
    assert_eq!(api.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["status"], "suspended", "{json}");
    // The next consumer sees the suspension at once, not the page cached before it.
    let consumer = site.browser().get(&format!("/L/{id}")).await;
    assert_eq!(consumer.status, StatusCode::OK);
    assert!(!consumer.body.contains("Genuine and current"));
    assert!(consumer.body.contains("Suspended"), "{}", consumer.body);
    assert!(consumer.body.contains(&html(reason)));
}
