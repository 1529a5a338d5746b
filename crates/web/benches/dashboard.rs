//! The evidence dashboard over a synthetic registry of 100,000 labels (the issue's target: the
//! page renders in under a second). Run with
//!
//! ```text
//! cargo bench -p iotlabel-web --bench dashboard
//! IOTLABEL_DASHBOARD_LABELS=10000 cargo bench -p iotlabel-web --bench dashboard   # quicker
//! ```
//!
//! The registry is a real SQLite registry written through the log's sequencer, as submissions
//! would write it, but in batches and without signing: labels over two years at every level,
//! with the assessment facts of real assessments of generated declarations (2,000 distinct
//! ones, reused), suspensions and revocations, vulnerability findings with weakness classes in
//! a third of the products and resolutions of a fifth of those.
//!
//! Measured: the aggregate queries alone; the page cold (a fresh app, so aggregates, charts
//! and page); the page from the cache; a data file from the cache.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use iotlabel_assess::{DeclarationInput, Engine, Inputs, Options};
use iotlabel_label::KeyPair;
use iotlabel_registry::log::{Append, NewEntry};
use iotlabel_registry::model::{LabelRecord, LabelStatus};
use iotlabel_registry::monitor_store::{FindingRow, MonitorWrite};
use iotlabel_registry::store::Write;
use iotlabel_registry::{Db, Registry, RegistryConfig, Role};
use iotlabel_server::{AppState, ServerConfig};
use jiff::Timestamp;
use tower::ServiceExt;

const CWES: [&str; 12] = [
    "CWE-79", "CWE-787", "CWE-20", "CWE-22", "CWE-416", "CWE-352", "CWE-400", "CWE-798",
    "CWE-1333", "CWE-502", "CWE-125", "CWE-4242",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn entry(kind: &str, subject: &str) -> NewEntry {
    NewEntry {
        kind: kind.into(),
        subject: subject.into(),
        data: format!("{{\"kind\":\"{kind}\",\"subject\":\"{subject}\"}}").into_bytes(),
    }
}

fn sha(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// A registry with `count` labels; returns it with the time it took to build.
async fn synthetic(dir: &std::path::Path, count: usize) -> (AppState, Duration) {
    let started = Instant::now();
    let db = Db::open(&iotlabel_registry::db::sqlite_url(dir))
        .await
        .unwrap();
    let catalog =
        Arc::new(iotlabel_catalog::build(&iotlabel_catalog::Snapshot::embedded()).unwrap());
    let now = Timestamp::now();
    let registry = Registry::open(
        db,
        catalog.clone(),
        Arc::new(KeyPair::from_seed(&[3; 32])),
        RegistryConfig {
            log_origin: Some("bench.iotlabel.invalid/log".into()),
            ..RegistryConfig::default()
        },
        now,
    )
    .await
    .unwrap();
    let token = registry.bootstrap("Bench Scheme").await.unwrap().unwrap();
    let operator = registry.authenticate(&token).await.unwrap();
    let org = registry
        .create_organisation(&operator, "Maker Ltd", Role::Manufacturer, None)
        .await
        .unwrap();
    let maker_token = registry
        .create_account(&operator, &org, "Maker", Role::Manufacturer)
        .await
        .unwrap();
    let maker = registry.authenticate(&maker_token).await.unwrap();

    // Real assessments of generated declarations give realistic facts and levels.
    let engine = Engine::new(&catalog);
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let no_labels = BTreeMap::new();
    let assessed: Vec<(u8, Vec<(String, String)>)> = (0..2_000)
        .filter_map(|i| {
            let g = iotlabel_assess::synthetic::generate_one(&catalog, i, 7);
            let result = engine.assess(&Inputs {
                catalog: &catalog,
                product: DeclarationInput {
                    declaration: &g.declaration,
                    digest: &g.digest,
                    evidence: &g.evidence,
                },
                process: None,
                labels: &no_labels,
                vulnerabilities: None,
                profiles: None,
                today,
                options: Options::default(),
            });
            let json = serde_json::to_vec(&result).unwrap();
            let facts = iotlabel_registry::stats::facts_from_result("x", &json).unwrap();
            (result.level > 0).then_some((result.level, facts.facts))
        })
        .collect();
    assert!(!assessed.is_empty());

    let placeholder = b"{}".to_vec();
    let placeholder_sha = sha(&placeholder);
    registry
        .log
        .append(Append {
            entries: Vec::new(),
            writes: vec![Write::Blob {
                sha256: placeholder_sha.clone(),
                media_type: "application/json".into(),
                data: placeholder,
            }],
        })
        .await
        .unwrap();

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let day = 86_400;
    let version = catalog.meta.version.to_string();
    for batch in 0..count.div_ceil(1_000) {
        let mut append = Append::default();
        for i in batch * 1_000..((batch + 1) * 1_000).min(count) {
            let (level, facts) = &assessed[i % assessed.len()];
            let brand = format!("Brand{}", i % 211);
            let model = format!("Model {i}");
            let product_id = iotlabel_registry::ids::product_id(&brand, &model);
            let version_id = iotlabel_registry::ids::version_id(&product_id, "1", "1.0");
            let decl = format!("declaration {i}").into_bytes();
            let decl_sha = sha(&decl);
            let label_id = format!("bench{i:07}");
            let assessment_id = format!("asm_bench{i:07}");
            let issued_at = now.as_second() - (rng.below(730) as i64) * day;
            let support_year = 2026 + rng.below(10);
            append.entries.push(entry("label-issued", &label_id));
            append.writes.extend([
                Write::Blob {
                    sha256: decl_sha.clone(),
                    media_type: "application/toml".into(),
                    data: decl,
                },
                Write::Product {
                    id: product_id.clone(),
                    organisation_id: org.clone(),
                    brand: brand.clone(),
                    model: model.clone(),
                    category: "generated".into(),
                },
                Write::ProductVersion {
                    id: version_id.clone(),
                    product_id: product_id.clone(),
                    hardware_version: "1".into(),
                    software_version: "1.0".into(),
                },
                Write::Declaration {
                    sha256: decl_sha.clone(),
                    product_version_id: version_id.clone(),
                    process_sha256: None,
                    submitted_by: maker.id.clone(),
                },
                Write::Assessment {
                    id: assessment_id.clone(),
                    declaration_sha256: decl_sha.clone(),
                    result_sha256: placeholder_sha.clone(),
                    catalog_version: version.clone(),
                    level: *level,
                    score_tenths: 0,
                },
                Write::Label {
                    record: Box::new(LabelRecord {
                        id: label_id.clone(),
                        product_id: product_id.clone(),
                        manufacturer: "Maker Ltd".into(),
                        brand,
                        model,
                        category: "generated".into(),
                        hardware_version: "1".into(),
                        software_version: "1.0".into(),
                        level: *level,
                        status: LabelStatus::Active,
                        status_reason: None,
                        status_since: issued_at,
                        issued_at,
                        not_before: issued_at,
                        expires_at: issued_at + 3 * 365 * day,
                        support_end: format!("{support_year}-12"),
                        catalog_version: version.clone(),
                        lapses_at: None,
                        superseded_by: None,
                        key_id: "bench".into(),
                        log_index: 0,
                        declaration_sha256: decl_sha,
                        assessment_id: assessment_id.clone(),
                        vuln_flagged_at: None,
                        vuln_deadline: None,
                        vuln_suspended: false,
                    }),
                    // About the size of a real COSE statement and its DSSE twin.
                    statement: vec![0xa5; 600],
                    envelope: vec![b'e'; 1_500],
                    entry: append.entries.len() - 1,
                },
                Write::Facts(iotlabel_registry::stats::FactsWrite {
                    assessment_id,
                    facts: facts.clone(),
                }),
            ]);
            let roll = rng.below(100);
            if roll < 4 {
                let to = if roll == 0 {
                    LabelStatus::Revoked
                } else {
                    LabelStatus::Suspended
                };
                append.entries.push(entry("status-changed", &label_id));
                append.writes.push(Write::Status {
                    label_id: label_id.clone(),
                    from: LabelStatus::Active,
                    to,
                    actor: "bench".into(),
                    reason: "bench".into(),
                    superseded_by: None,
                    entry: append.entries.len() - 1,
                });
            }
            if rng.below(3) == 0 {
                let rows: Vec<FindingRow> = (0..1 + rng.below(5))
                    .map(|k| {
                        let exploited = rng.below(20) == 0;
                        let cwe = CWES[rng.below(CWES.len() as u64) as usize];
                        FindingRow {
                            component_ref: format!("c{k}"),
                            vulnerability: format!("CVE-2025-{:05}", rng.below(5_000)),
                            status: "affected".into(),
                            open: true,
                            exploited_cve: exploited.then(|| "CVE-2025-00001".into()),
                            kev_due: None,
                            first_seen: (issued_at + (rng.below(300) as i64) * day)
                                .min(now.as_second()),
                            // About the size of a real finding's JSON.
                            detail: format!("{{\"pad\":\"{}\"}}", "x".repeat(1_200)),
                            cwes: vec![cwe.into()],
                        }
                    })
                    .collect();
                append.writes.push(Write::Monitor(MonitorWrite::Sbom {
                    product_version_id: version_id.clone(),
                    sha256: placeholder_sha.clone(),
                    format: "cyclonedx".into(),
                    components: 5,
                }));
                let fixed: Vec<FindingRow> = rows
                    .iter()
                    .filter(|_| rng.below(5) == 0)
                    .map(|r| FindingRow {
                        status: "fixed".into(),
                        open: false,
                        ..r.clone()
                    })
                    .collect();
                append.writes.push(Write::Monitor(MonitorWrite::Findings {
                    product_version_id: version_id.clone(),
                    upsert: rows,
                    remove: Vec::new(),
                }));
                if !fixed.is_empty() {
                    append.writes.push(Write::Monitor(MonitorWrite::Findings {
                        product_version_id: version_id,
                        upsert: fixed,
                        remove: Vec::new(),
                    }));
                }
            }
        }
        registry.log.append(append).await.unwrap();
    }
    // One client asks again and again: no rate limit.
    let server = ServerConfig {
        public_per_second: 0,
        ..ServerConfig::default()
    };
    let state = AppState::new(registry, server).unwrap();
    (state, started.elapsed())
}

async fn get(app: &axum::Router, uri: &str) -> usize {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .len()
}

fn dashboard(c: &mut Criterion) {
    // `cargo test --all-targets` runs each benchmark once, in a debug build, as a smoke test:
    // then the registry is small, so the test suite stays quick.
    let default_count = if std::env::args().any(|a| a == "--bench") {
        100_000
    } else {
        500
    };
    let count: usize = std::env::var("IOTLABEL_DASHBOARD_LABELS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_count);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // IOTLABEL_DASHBOARD_DB_DIR keeps the database for a look with sqlite3 afterwards.
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("IOTLABEL_DASHBOARD_DB_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().to_path_buf());
    let (state, took) = rt.block_on(synthetic(&path, count));
    let size = rt.block_on(get(
        &iotlabel_web::app(state.clone()).unwrap(),
        "/dashboard",
    ));
    eprintln!(
        "synthetic registry of {count} labels built in {:.1} s; the page is {} kB",
        took.as_secs_f64(),
        size / 1000
    );

    let mut group = c.benchmark_group(format!("dashboard/{count}-labels"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("aggregates (SQL)", |b| {
        b.iter(|| {
            rt.block_on(iotlabel_registry::stats::aggregates(
                &state.registry().db.pool,
                Timestamp::now(),
            ))
            .unwrap()
        })
    });
    group.bench_function("page, cold (aggregates, charts, page)", |b| {
        b.iter(|| {
            let app = iotlabel_web::app(state.clone()).unwrap();
            rt.block_on(get(&app, "/dashboard"))
        })
    });
    let app = iotlabel_web::app(state.clone()).unwrap();
    group.bench_function("page, cached", |b| {
        b.iter(|| rt.block_on(get(&app, "/dashboard")))
    });
    group.bench_function("data file, cached", |b| {
        b.iter(|| rt.block_on(get(&app, "/dashboard/data/failing.csv")))
    });
    group.finish();
}

criterion_group!(benches, dashboard);
criterion_main!(benches);
