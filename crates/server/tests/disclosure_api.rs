//! Coordinated disclosure over real HTTP: a report without an account, the reporter's
//! follow-up token, manufacturers that cannot read each other's reports, bad input as
//! problem+json naming the field with nothing stored, the reports' own rate limit, and the
//! public CSAF advisory. (The rules themselves are tested on both databases in the registry.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../registry/tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;

use common::{Fixture, On, Place};
use iotlabel_declaration::Syntax;
use iotlabel_registry::Role;
use iotlabel_server::{AppState, ServerConfig};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

/// A server on a fixture registry, with Acme's smart plug labelled.
struct Site {
    base: String,
    http: reqwest::Client,
    operator: String,
    acme: String,
    lullen: String,
    acme_org: String,
    label: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    place: Place,
}

impl Site {
    async fn start(server: ServerConfig) -> Self {
        iotlabel_testkit::install_tls();
        let f = Fixture::new(On::Sqlite).await;
        f.plug_evidence().await;
        let (plug, process) = common::smart_plug();
        let label = f
            .registry
            .submit(
                &f.acme,
                &plug,
                Syntax::Toml,
                Some(&process),
                None,
                common::now(),
            )
            .await
            .unwrap()
            .label
            .id;
        let token = |account: &iotlabel_registry::Account| {
            let f = &f;
            let org = account.organisation_id.clone();
            async move {
                f.registry
                    .create_account(&f.operator, &org, "http", Role::Manufacturer)
                    .await
                    .unwrap()
            }
        };
        let (acme, lullen) = (token(&f.acme).await, token(&f.lullen).await);
        let acme_org = f.acme.organisation_id.clone();
        let Fixture {
            place,
            registry,
            operator_token,
            ..
        } = f;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let state = AppState::new(registry, server).unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            iotlabel_server::serve(listener, state, async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self {
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
            operator: operator_token,
            acme,
            lullen,
            acme_org,
            label,
            stop,
            task,
            place,
        }
    }

    fn at(&self, method: reqwest::Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.base));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.at(reqwest::Method::GET, path, token)
            .send()
            .await
            .unwrap()
    }

    /// A successful JSON read.
    async fn json(&self, path: &str, token: &str) -> Value {
        let r = self.get(path, Some(token)).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.unwrap()
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.at(reqwest::Method::POST, path, token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn log_size(&self) -> u64 {
        let health: Value = self.get("/healthz", None).await.json().await.unwrap();
        health["log_size"].as_u64().unwrap()
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap();
        self.place.cleanup().await;
    }
}

fn report(label: &str) -> Value {
    json!({
        "label_id": label,
        "title": "Relay switchable without authentication",
        "description": "POST /api/relay switches the relay without a session.",
        "affected_versions": ["1.8.3"],
        "cvss_vector": "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H",
        "reporter_contact": "researcher@example.org",
    })
}

/// The response is problem+json with this status; returns its body.
async fn problem(r: Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status, "{}", r.url());
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    r.json().await.unwrap()
}

fn unlimited() -> ServerConfig {
    ServerConfig {
        public_per_second: 0,
        writes_per_minute: 0,
        reports_per_hour: 0,
        ..ServerConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_without_an_account_reaches_its_manufacturer_only() {
    let s = Site::start(unlimited()).await;
    let log_size = s.log_size().await;

    let r = s.post("/api/v1/disclosures", None, report(&s.label)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let receipt: Value = r.json().await.unwrap();
    let id = receipt["id"].as_str().unwrap().to_owned();
    let token = receipt["token"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/disclosures/{id}"));
    assert!(token.starts_with("iotr_"));

    // The reporter follows up with the token: status and timeline, not the regulatory view.
    let mine = s.get(&location, Some(&token)).await;
    assert_eq!(mine.headers()["cache-control"], "no-store");
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["state"], "received");
    assert_eq!(mine["manufacturer"], "Acme Devices Ltd");
    assert_eq!(mine["timeline"].as_array().unwrap().len(), 1);
    assert!(mine.get("clocks").is_none() && mine.get("security_contact").is_none());
    problem(s.get(&location, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        s.get(&location, Some("iotr_guessed")).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // Acme sees it with its security contact and the CRA clocks; Lullen neither reads nor
    // lists nor answers it.
    let acme = s.json(&location, &s.acme).await;
    assert_eq!(acme["security_contact"], "security@example.test");
    assert_eq!(acme["clocks"]["overdue"], false);
    assert_eq!(acme["reporter"]["contact"], "researcher@example.org");
    problem(
        s.get(&location, Some(&s.lullen)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let inbox = s.json("/api/v1/disclosures", &s.lullen).await;
    assert_eq!(inbox["items"], json!([]));
    let inbox = s.json("/api/v1/disclosures", &s.acme).await;
    assert_eq!(inbox["items"][0]["id"], id.as_str());
    let messages = format!("{location}/messages");
    problem(
        s.post(&messages, Some(&s.lullen), json!({ "text": "hello" }))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let overdue = s
        .json("/api/v1/disclosures?overdue=true", &s.operator)
        .await;
    assert_eq!(overdue["items"], json!([]));

    // The conversation: actions by the manufacturer only, messages both ways.
    let actions = format!("{location}/actions");
    let r = s
        .post(
            &actions,
            Some(&s.acme),
            json!({ "action": "acknowledge", "note": "Thanks!" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "acknowledged");
    let body = problem(
        s.post(&actions, Some(&s.acme), json!({ "action": "undo" }))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("action"),
        "{body}"
    );
    problem(
        s.post(&actions, Some(&s.acme), json!({ "action": "close" }))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    problem(
        s.post(&actions, Some(&token), json!({ "action": "close" }))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let r = s
        .post(&messages, Some(&token), json!({ "text": "Any news?" }))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["actor_role"], "reporter");
    let r = s
        .post(
            &messages,
            Some(&s.acme),
            json!({ "text": "Fix in testing." }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mine = s.json(&location, &token).await;
    let kinds: Vec<&str> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["received", "acknowledged", "message", "message"]);

    // The organisation sets its security contact; another cannot.
    let contact = format!("/api/v1/organisations/{}/security-contact", s.acme_org);
    let put = |who: &str| {
        s.at(reqwest::Method::PUT, &contact, Some(who))
            .json(&json!({ "security_contact": "mailto:psirt@acme.example" }))
            .send()
    };
    problem(put(&s.lullen).await.unwrap(), StatusCode::FORBIDDEN).await;
    assert_eq!(put(&s.acme).await.unwrap().status(), StatusCode::OK);
    let seen = s.json(&location, &s.operator).await;
    assert_eq!(seen["security_contact"], "mailto:psirt@acme.example");

    // Fixed and published: the advisory is public at a stable URL.
    let r = s
        .post(
            &actions,
            Some(&s.acme),
            json!({ "action": "fixed", "fixed_versions": ["1.8.4"] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = s
        .post(
            &format!("{location}/advisory"),
            Some(&s.acme),
            json!({ "summary": "The relay API needed no authentication.", "cve": "CVE-2026-40001" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let published: Value = r.json().await.unwrap();
    let url = published["url"].as_str().unwrap();
    let path = &url[url.find("/api/v1/csaf/").unwrap()..];
    assert_eq!(path, format!("/api/v1/csaf/{id}.json"));
    let r = s.get(path, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert!(r.headers().contains_key("etag"));
    let csaf: Value = r.json().await.unwrap();
    assert_eq!(csaf["document"]["tracking"]["id"], id.as_str());
    assert_eq!(csaf["document"]["references"][0]["url"], url);
    problem(
        s.get("/api/v1/csaf/cvd_nothing.json", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        s.get("/api/v1/csaf/..%2Fetc.json", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let mine = s.json(&location, &token).await;
    assert_eq!(mine["state"], "published");
    assert_eq!(mine["advisory"], url);

    assert_eq!(
        s.log_size().await,
        log_size,
        "reports never reach the transparency log"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_reports_are_problems_naming_the_field_and_store_nothing() {
    let s = Site::start(unlimited()).await;
    let mut bad = report(&s.label);
    bad["reporter_contact"] = json!("nobody");
    bad["title"] = json!("");
    bad["affected_versions"] = json!(["prior to 1.9"]);
    let body = problem(
        s.post("/api/v1/disclosures", None, bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["title", "affected_versions[0]", "reporter_contact"],
        "{body}"
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("reporter_contact"),
        "{body}"
    );

    // Unknown fields and wrong types: 400, naming the field.
    for (field, value) in [
        ("exploit_attached", json!(true)),
        ("affected_versions", json!("1.8.3")),
    ] {
        let mut odd = report(&s.label);
        odd[field] = value;
        let body = problem(
            s.post("/api/v1/disclosures", None, odd).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(body["detail"].as_str().unwrap().contains(field), "{body}");
    }
    let r = s
        .at(reqwest::Method::POST, "/api/v1/disclosures", None)
        .header("content-type", "application/json")
        .body(vec![b' '; 200 * 1024])
        .send()
        .await
        .unwrap();
    problem(r, StatusCode::PAYLOAD_TOO_LARGE).await;

    let all = s.json("/api/v1/disclosures", &s.operator).await;
    assert_eq!(all["items"], json!([]), "nothing was stored");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_have_their_own_hourly_limit_per_address() {
    let s = Site::start(ServerConfig {
        reports_per_hour: 2,
        ..unlimited()
    })
    .await;
    for _ in 0..2 {
        let r = s.post("/api/v1/disclosures", None, report(&s.label)).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let r = s.post("/api/v1/disclosures", None, report(&s.label)).await;
    assert!(r.headers().contains_key("retry-after"));
    let body = problem(r, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(body["type"].as_str().unwrap().ends_with("rate-limited"));
    // Other requests from the same address are not affected.
    let r = s.get("/api/v1/disclosures", Some(&s.operator)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    s.stop().await;
}
