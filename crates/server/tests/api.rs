//! The API over real HTTP, on SQLite and PostgreSQL: submit → label → status → proofs,
//! the log's tiles, hostile requests, rate limits, and the OpenAPI document.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use iotlabel_label::KeyPair;
use iotlabel_label::trust::{Role as TrustRole, TrustFile, TrustedKey};
use iotlabel_registry::{Db, Registry, RegistryConfig};
use iotlabel_server::{AppState, ServerConfig};
use iotlabel_testkit::PostgresDatabase;
use reqwest::StatusCode;
use serde_json::{Value, json};

enum Place {
    Dir(tempfile::TempDir),
    Pg(PostgresDatabase),
}

struct Server {
    base: String,
    http: reqwest::Client,
    operator: String,
    issuer: Arc<KeyPair>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    place: Option<Place>,
}

fn examples() -> PathBuf {
    iotlabel_testkit::workspace_root().join("examples/declarations")
}

impl Server {
    async fn start(postgres: bool, server: ServerConfig) -> Self {
        iotlabel_testkit::install_tls();
        let place = if postgres {
            Place::Pg(PostgresDatabase::create().await)
        } else {
            Place::Dir(tempfile::tempdir().unwrap())
        };
        let url = match &place {
            Place::Dir(d) => iotlabel_registry::db::sqlite_url(d.path()),
            Place::Pg(p) => p.url.clone(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let issuer = Arc::new(KeyPair::from_seed(&[5; 32]));
        let catalog =
            Arc::new(iotlabel_catalog::load_dir(&iotlabel_testkit::catalog_dir()).unwrap());
        let config = RegistryConfig {
            public_url: base.clone(),
            ..RegistryConfig::default()
        };
        let registry = Registry::open(
            Db::open(&url).await.unwrap(),
            catalog,
            issuer.clone(),
            config,
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
        let operator = registry.bootstrap("Test Scheme").await.unwrap().unwrap();
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
            base,
            http: reqwest::Client::new(),
            operator,
            issuer,
            stop: Some(stop),
            task: Some(task),
            place: Some(place),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.unwrap()
    }

    /// An organisation with one account; returns (organisation id, token).
    async fn organisation(&self, name: &str, kind: &str) -> (String, String) {
        let r = self
            .post(
                "/api/v1/organisations",
                &self.operator,
                json!({ "name": name, "kind": kind }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = self
            .post(
                &format!("/api/v1/organisations/{id}/accounts"),
                &self.operator,
                json!({ "name": "api" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(r.headers()["cache-control"], "no-store");
        let token = r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        (id, token)
    }

    /// Uploads every evidence file a declaration references.
    async fn upload_evidence(&self, token: &str, declaration: &str) {
        let text = std::fs::read_to_string(examples().join(declaration)).unwrap();
        let dir = examples().join(declaration).parent().unwrap().to_path_buf();
        let doc: toml::Value = toml::from_str(&text).unwrap();
        for e in doc["evidence"].as_array().unwrap() {
            let Some(path) = e.get("path").and_then(|p| p.as_str()) else {
                continue;
            };
            let bytes = std::fs::read(dir.join(path)).unwrap();
            let sha = e["sha256"].as_str().unwrap();
            let r = self
                .http
                .put(self.url(&format!("/api/v1/blobs/{sha}")))
                .bearer_auth(token)
                .body(bytes)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::CREATED,
                "{path}: {}",
                r.text().await.unwrap()
            );
        }
    }

    async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap();
        }
        if let Some(Place::Pg(p)) = self.place.take() {
            p.drop_now().await;
        }
    }
}

/// Sends `head` (a request line and headers, no body) over a plain connection and reads one
/// response: status, content type and body. A client that sent the body as well could see the
/// connection closed under its upload instead of the answer.
async fn headers_only_request(base: &str, head: String) -> (u16, String, String) {
    use std::io::{Read as _, Write as _};
    let addr = base.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&received).into_owned();
            if let Some((headers, body)) = text.split_once("\r\n\r\n") {
                let header = |name: &str| {
                    headers.lines().find_map(|l| {
                        let (n, v) = l.split_once(':')?;
                        n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                    })
                };
                let length: usize = header("content-length").unwrap().parse().unwrap();
                if body.len() >= length {
                    let status = headers.split(' ').nth(1).unwrap().parse().unwrap();
                    return (status, header("content-type").unwrap(), body.to_owned());
                }
            }
            let n = stream.read(&mut buf).unwrap();
            assert!(n > 0, "the server closed before answering: {text}");
            received.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .unwrap()
}

fn unlimited() -> ServerConfig {
    ServerConfig {
        public_per_second: 0,
        writes_per_minute: 0,
        ..ServerConfig::default()
    }
}

fn trust(issuer: &KeyPair) -> TrustFile {
    TrustFile {
        keys: vec![TrustedKey::new(
            &issuer.public(),
            "issuer",
            TrustRole::Issuer,
            "2020-01-01T00:00:00Z".parse().unwrap(),
        )],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_label_status_and_proofs_over_http_on_sqlite() {
    submit_label_status_and_proofs(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_label_status_and_proofs_over_http_on_postgres() {
    submit_label_status_and_proofs(true).await;
}

async fn submit_label_status_and_proofs(postgres: bool) {
    let s = Server::start(postgres, unlimited()).await;
    let (_, acme) = s.organisation("Acme Devices Ltd", "manufacturer").await;
    s.upload_evidence(&acme, "smart-plug/declaration.toml")
        .await;
    s.upload_evidence(&acme, "acme-process.toml").await;
    let declaration =
        std::fs::read_to_string(examples().join("smart-plug/declaration.toml")).unwrap();
    let process = std::fs::read_to_string(examples().join("acme-process.toml")).unwrap();
    let submission = json!({ "declaration": declaration, "process": process });

    let r = s
        .post("/api/v1/declarations", &acme, submission.clone())
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = r.json().await.unwrap();
    let id = created["label"]["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/labels/{id}"));
    assert_eq!(created["label"]["level"], 2);
    assert_eq!(created["assessment"]["level"], 2);
    // Idempotent.
    let r = s.post("/api/v1/declarations", &acme, submission).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["label"]["id"], id.as_str());

    // The label, lower-cased as someone might type it, and its status with ETags.
    let label = s
        .json(&format!("/api/v1/labels/{}", id.to_lowercase()))
        .await;
    assert_eq!(label["status"], "active");
    assert_eq!(label["product"]["manufacturer"], "Acme Devices Ltd");
    let r = s.get(&format!("/api/v1/labels/{id}/status")).await;
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "active");
    let r = s
        .http
        .get(s.url(&format!("/api/v1/labels/{id}/status")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // The statement verifies offline; so does the status token.
    let statement = s
        .get(&format!("/api/v1/labels/{id}/statement"))
        .await
        .bytes()
        .await
        .unwrap();
    let now = jiff::Timestamp::now();
    let verified = iotlabel_label::verify_cose(&statement, &trust(&s.issuer), now).unwrap();
    assert_eq!(verified.claims.label_id.to_string(), id);
    let token = s
        .get(&format!("/api/v1/labels/{id}/status-token"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        iotlabel_label::status::verify_status(&token, &trust(&s.issuer), now)
            .unwrap()
            .status,
        "active"
    );
    let envelope = s
        .get(&format!("/api/v1/labels/{id}/envelope"))
        .await
        .bytes()
        .await
        .unwrap();
    iotlabel_label::verify_dsse(&envelope, &trust(&s.issuer), now).unwrap();

    // The operator suspends; the status, the token and the history follow, and the ETag changes.
    let r = s
        .post(
            &format!("/api/v1/labels/{id}/status"),
            &s.operator,
            json!({ "action": "suspend", "reason": "CVE-2026-12345 exploited" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = s
        .http
        .get(s.url(&format!("/api/v1/labels/{id}/status")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let status: Value = r.json().await.unwrap();
    assert_eq!(status["status"], "suspended");
    assert_eq!(status["reason"], "CVE-2026-12345 exploited");
    let events = s.json(&format!("/api/v1/labels/{id}/events")).await;
    assert_eq!(events.as_array().unwrap().len(), 2);

    // Proofs: the offline tlog-proof, the API inclusion proof, the COSE receipt.
    let keys = s.json("/api/v1/keys").await;
    let vkey =
        iotlabel_tlog::VerifierKey::parse(keys["log_verifier_key"].as_str().unwrap()).unwrap();
    let origin = keys["log_origin"].as_str().unwrap().to_owned();
    let issuance = label["log_index"].as_u64().unwrap();
    let entry = s.json(&format!("/api/v1/log/entries/{issuance}")).await;
    assert_eq!(entry["entry"]["type"], "label-issued");
    assert_eq!(entry["entry"]["label"], id.as_str());
    let leaf: [u8; 32] = STANDARD
        .decode(entry["leaf_hash"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let data = STANDARD.decode(entry["data"].as_str().unwrap()).unwrap();
    assert_eq!(
        leaf,
        iotlabel_tlog::leaf_hash(&data),
        "the served entry hashes to its leaf"
    );

    let proof_text = s
        .get(&format!("/api/v1/labels/{id}/proof"))
        .await
        .text()
        .await
        .unwrap();
    let proof = iotlabel_tlog::TlogProof::parse(proof_text.as_bytes()).unwrap();
    proof
        .verify(&leaf, &origin, std::slice::from_ref(&vkey))
        .unwrap();

    let inclusion = s
        .json(&format!("/api/v1/log/inclusion?index={issuance}"))
        .await;
    let path: Vec<[u8; 32]> = inclusion["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            STANDARD
                .decode(h.as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect();
    let checkpoint = iotlabel_tlog::Checkpoint::open(
        inclusion["checkpoint"].as_str().unwrap().as_bytes(),
        &origin,
        std::slice::from_ref(&vkey),
    )
    .unwrap();
    iotlabel_tlog::verify_inclusion(
        &leaf,
        issuance,
        inclusion["tree_size"].as_u64().unwrap(),
        &path,
        &checkpoint.checkpoint.root,
    )
    .unwrap();

    let receipt = s
        .get(&format!("/api/v1/labels/{id}/receipt"))
        .await
        .bytes()
        .await
        .unwrap();
    iotlabel_tlog::receipt::verify(&receipt, &leaf, &s.issuer.public()).unwrap();
    let transparent = s
        .get(&format!("/api/v1/labels/{id}/transparent-statement"))
        .await
        .bytes()
        .await
        .unwrap();
    // Still a valid label statement, now carrying its receipt.
    iotlabel_label::verify_cose(&transparent, &trust(&s.issuer), now).unwrap();
    use coset::TaggedCborSerializable;
    let sign1 = coset::CoseSign1::from_tagged_slice(&transparent).unwrap();
    let (_, receipts) = sign1
        .unprotected
        .rest
        .iter()
        .find(|(l, _)| *l == coset::Label::Int(394))
        .expect("receipts header");
    let embedded = receipts.as_array().unwrap()[0].as_bytes().unwrap();
    iotlabel_tlog::receipt::verify(embedded, &leaf, &s.issuer.public()).unwrap();

    // Consistency between the size at issuance and now.
    let size = checkpoint.checkpoint.size;
    let consistency = s
        .json(&format!(
            "/api/v1/log/consistency?old={}&new={size}",
            issuance + 1
        ))
        .await;
    let old_root = s
        .json(&format!(
            "/api/v1/log/inclusion?index={issuance}&size={}",
            issuance + 1
        ))
        .await;
    assert_eq!(old_root["tree_size"], issuance + 1);
    let cpath: Vec<[u8; 32]> = consistency["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            STANDARD
                .decode(h.as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect();
    let ipath: Vec<[u8; 32]> = old_root["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            STANDARD
                .decode(h.as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect();
    let old =
        iotlabel_tlog::merkle::root_from_inclusion(&leaf, issuance, issuance + 1, &ipath).unwrap();
    iotlabel_tlog::verify_consistency(
        issuance + 1,
        size,
        &old,
        &checkpoint.checkpoint.root,
        &cpath,
    )
    .unwrap();

    // The whole log from its tiles, as an auditor fetches it.
    let note = s.get("/log/checkpoint").await.text().await.unwrap();
    let opened =
        iotlabel_tlog::Checkpoint::open(note.as_bytes(), &origin, std::slice::from_ref(&vkey))
            .unwrap();
    let base = s.base.clone();
    let blocking = tokio::task::spawn_blocking(move || {
        let client = reqwest::blocking::Client::new();
        let mut reader = iotlabel_tlog::TileReader::new(|path: &str| -> Result<Vec<u8>, String> {
            let r = client
                .get(format!("{base}/log/{path}"))
                .send()
                .map_err(|e| e.to_string())?;
            if !r.status().is_success() {
                return Err(format!("{path}: {}", r.status()));
            }
            Ok(r.bytes().map_err(|e| e.to_string())?.to_vec())
        });
        reader
            .audit(opened.checkpoint.size, &opened.checkpoint.root)
            .map_err(|e| e.to_string())
    });
    blocking.await.unwrap().unwrap();

    // Search and product pages.
    let page = s.json("/api/v1/labels?q=powerplug&limit=1").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], id.as_str());
    let product = s
        .json(&format!(
            "/api/v1/products/{}",
            label["product"]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(product["labels"].as_array().unwrap().len(), 1);
    let declaration_back = s
        .get(&format!(
            "/api/v1/declarations/{}",
            label["declaration_sha256"].as_str().unwrap()
        ))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(declaration_back, declaration);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_and_unauthorised_requests_get_problems_and_change_nothing() {
    let s = Server::start(false, unlimited()).await;
    let (_, acme) = s.organisation("Acme Devices Ltd", "manufacturer").await;
    let (_, lullen) = s.organisation("Lullen Home B.V.", "manufacturer").await;
    let size = s.json("/healthz").await["log_size"].as_u64().unwrap();
    let problem = |r: &reqwest::Response| {
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{}",
            r.url()
        );
    };

    // No token, a bad token, a token of the wrong role.
    let r = s
        .http
        .post(s.url("/api/v1/declarations"))
        .json(&json!({ "declaration": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    problem(&r);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let r = s
        .post(
            "/api/v1/declarations",
            "iotl_forged",
            json!({ "declaration": "" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = s
        .post(
            "/api/v1/organisations",
            &acme,
            json!({ "name": "Evil", "kind": "operator" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    problem(&r);

    // Lullen submits Acme's declaration.
    let declaration =
        std::fs::read_to_string(examples().join("smart-plug/declaration.toml")).unwrap();
    let process = std::fs::read_to_string(examples().join("acme-process.toml")).unwrap();
    let r = s
        .post(
            "/api/v1/declarations",
            &lullen,
            json!({ "declaration": declaration, "process": process }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Malformed JSON, unknown fields, a broken declaration with located errors.
    let r = s
        .http
        .post(s.url("/api/v1/declarations"))
        .bearer_auth(&acme)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    problem(&r);
    let r = s
        .post(
            "/api/v1/declarations",
            &acme,
            json!({ "declaration": "x", "sneaky": true }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("sneaky"));
    let broken = declaration.replacen("software_version = \"1.8.3\"", "software_version = 183", 1);
    let r = s
        .post(
            "/api/v1/declarations",
            &acme,
            json!({ "declaration": broken, "process": process }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    problem(&r);
    let body: Value = r.json().await.unwrap();
    let errors = body["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["field"]
            .as_str()
            .is_some_and(|f| f.contains("software_version"))
            && e["line"].is_u64()),
        "{body}"
    );

    // Oversized bodies, wrong digests, unknown routes and methods, junk ids. A body declared
    // at 40 MB is refused on its headers alone: none of it is sent.
    let head = format!(
        "PUT /api/v1/blobs/{} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {acme}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        "0".repeat(64),
        40 * 1024 * 1024
    );
    let (status, content_type, body) = headers_only_request(&s.base, head).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(content_type, "application/problem+json");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("41943040 bytes")),
        "{body}"
    );
    let r = s
        .http
        .put(s.url(&format!("/api/v1/blobs/{}", "0".repeat(64))))
        .bearer_auth(&acme)
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = s.get("/api/v1/nothing-here").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    problem(&r);
    let r = s.http.delete(s.url("/api/v1/labels")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    problem(&r);
    let r = s.get("/api/v1/labels/7K3QX9P2M4J").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.text().await.unwrap().contains("mistyped"),
        "a typo in a label id is named as such"
    );
    let r = s.get(&format!("/api/v1/labels/{}", "A".repeat(300))).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = s.get("/api/v1/labels?limit=100000").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    problem(&r);
    let r = s.get("/api/v1/log/inclusion?index=999999").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = s.get("/log/tile/0/x999/999").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = s.get("/log/tile/0/007").await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "non-canonical tile paths are refused"
    );
    // Evidence is not public.
    let r = s
        .http
        .get(s.url(&format!("/api/v1/blobs/{}", "0".repeat(64))))
        .bearer_auth(&acme)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    assert_eq!(
        s.json("/healthz").await["log_size"].as_u64().unwrap(),
        size,
        "nothing was logged"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_reads_are_rate_limited_per_address() {
    let s = Server::start(
        false,
        ServerConfig {
            public_per_second: 1,
            public_burst: 3,
            ..ServerConfig::default()
        },
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(s.get("/api/v1/keys").await);
    }
    let limited: Vec<_> = statuses
        .iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert!(
        !limited.is_empty(),
        "six quick reads with a burst of three must hit the limit"
    );
    assert!(limited[0].headers().contains_key("retry-after"));
    assert_eq!(
        limited[0].headers()["content-type"],
        "application/problem+json"
    );
    // Another client address has its own quota (behind a trusted proxy: X-Forwarded-For).
    s.stop().await;
    let proxied = Server::start(
        false,
        ServerConfig {
            public_per_second: 1,
            public_burst: 1,
            trust_forwarded_for: true,
            ..ServerConfig::default()
        },
    )
    .await;
    let a = proxied
        .http
        .get(proxied.url("/api/v1/keys"))
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .unwrap();
    let a2 = proxied
        .http
        .get(proxied.url("/api/v1/keys"))
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .unwrap();
    let b = proxied
        .http
        .get(proxied.url("/api/v1/keys"))
        .header("x-forwarded-for", "203.0.113.2")
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), StatusCode::OK);
    assert_eq!(a2.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(b.status(), StatusCode::OK);
    proxied.stop().await;
}

/// `docs/openapi.json` is the document the server serves; regenerate it with
/// `IOTLABEL_BLESS=1 cargo test -p iotlabel-server openapi`.
#[tokio::test]
async fn the_openapi_document_is_current_and_served() {
    let generated = iotlabel_server::api::openapi_json();
    let path = iotlabel_testkit::workspace_root().join("docs/openapi.json");
    if std::env::var_os("IOTLABEL_BLESS").is_some() {
        std::fs::write(&path, format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed.trim_end() == generated,
        "docs/openapi.json is stale: run IOTLABEL_BLESS=1 cargo test -p iotlabel-server openapi"
    );
    let doc: Value = serde_json::from_str(&generated).unwrap();
    for path in [
        "/api/v1/labels/{id}/status",
        "/api/v1/declarations",
        "/api/v1/log/inclusion",
        "/log/checkpoint",
        "/log/tile/{path}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    let s = Server::start(false, unlimited()).await;
    assert_eq!(
        s.get("/api/v1/openapi.json").await.text().await.unwrap(),
        generated
    );
    let metrics = s.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("iotlabel_http_requests_total{method=\"GET\",route=\"/api/v1/openapi.json\",status=\"200\"} 1"), "{metrics}");
    s.stop().await;
}
