//! `iotlabel bench ...`: performance measurements reported in the README.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use iotlabel_assess::{DeclarationInput, Engine, Inputs, Options};
use iotlabel_catalog::Catalog;
use iotlabel_label::KeyPair;
use iotlabel_registry::log::{Append, NewEntry};
use iotlabel_registry::{Db, Log, RegistryConfig};
use rayon::prelude::*;

use crate::cli::BenchCommand;
use crate::error::CliError;
use crate::output::Out;

/// Runs a benchmark.
pub fn run(catalog: &Catalog, command: BenchCommand) -> Result<(), CliError> {
    let mut out = Out::stdout();
    match command {
        BenchCommand::Log {
            count,
            writers,
            entry_bytes,
            database,
        } => log_appends(&mut out, count, writers, entry_bytes, database)?,
        BenchCommand::Assess {
            count,
            threads,
            seed,
        } => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.unwrap_or(0))
                .build()
                .map_err(|e| CliError::Usage(format!("cannot start worker threads: {e}")))?;
            let started = Instant::now();
            let generated: Vec<_> = pool.install(|| {
                (0..count)
                    .into_par_iter()
                    .map(|i| iotlabel_assess::synthetic::generate_one(catalog, i, seed))
                    .collect()
            });
            let generation = started.elapsed();
            let labels = BTreeMap::new();
            let engine = Engine::new(catalog);
            let today = jiff::civil::date(2026, 11, 21);
            let started = Instant::now();
            let levels: Vec<u8> = pool.install(|| {
                generated
                    .par_iter()
                    .map(|g| {
                        let inputs = Inputs {
                            catalog,
                            product: DeclarationInput {
                                declaration: &g.declaration,
                                digest: &g.digest,
                                evidence: &g.evidence,
                            },
                            process: None,
                            labels: &labels,
                            vulnerabilities: None,
                            profiles: None,
                            today,
                            options: Options::default(),
                        };
                        engine.assess(&inputs).level
                    })
                    .collect()
            });
            let elapsed = started.elapsed();
            let mut histogram = [0usize; 6];
            for l in levels {
                histogram[usize::from(l).min(5)] += 1;
            }
            let provisions: usize = generated
                .iter()
                .map(|g| {
                    g.declaration
                        .profiles
                        .iter()
                        .filter_map(|p| catalog.profile(p))
                        .map(|p| p.provisions.len())
                        .sum::<usize>()
                })
                .sum();
            out.line(&format!(
                "assessed {count} declarations ({provisions} provision verdicts) in {:.2} s on {} thread(s): {:.0} declarations/s, {:.1} µs each per thread (generation took {:.2} s)",
                elapsed.as_secs_f64(),
                pool.current_num_threads(),
                count as f64 / elapsed.as_secs_f64().max(1e-9),
                elapsed.as_secs_f64() * 1e6 * pool.current_num_threads() as f64 / count.max(1) as f64,
                generation.as_secs_f64()
            ));
            out.line(&format!(
                "levels reached: 0: {}, 1: {}, 2: {}, 3: {}, 4: {}",
                histogram[0], histogram[1], histogram[2], histogram[3], histogram[4]
            ));
        }
    }
    Ok(())
}

/// Appends `count` entries from `writers` concurrent tasks to a fresh log and reports the
/// durable append rate and the latency each writer saw.
fn log_appends(
    out: &mut Out,
    count: usize,
    writers: usize,
    entry_bytes: usize,
    database: Option<String>,
) -> Result<(), CliError> {
    if entry_bytes >= 1 << 16 {
        return Err(CliError::Usage(
            "--entry-bytes: a log entry has at most 65535 bytes".into(),
        ));
    }
    let writers = writers.clamp(1, count.max(1));
    let scratch = std::env::temp_dir().join(format!("iotlabel-bench-log-{}", std::process::id()));
    let url = match database {
        Some(url) => url,
        None => {
            std::fs::create_dir_all(&scratch).map_err(|e| {
                CliError::Usage(format!("cannot create {}: {e}", scratch.display()))
            })?;
            iotlabel_registry::db::sqlite_url(&scratch)
        }
    };
    let rt = crate::serve_cmd::runtime()?;
    let result = rt.block_on(async {
        let db = Db::open(&url).await?;
        let backend = db.backend;
        let config = RegistryConfig {
            log_origin: Some("bench.iotlabel.invalid/log".into()),
            ..RegistryConfig::default()
        };
        let log = Log::start(db, Arc::new(KeyPair::generate()), &config).await?;
        let started_size = log.size();
        let per_writer = count.div_ceil(writers);
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for w in 0..writers {
            let log = log.clone();
            let n = per_writer.min(count.saturating_sub(w * per_writer));
            tasks.spawn(async move {
                let mut latencies = Vec::with_capacity(n);
                for i in 0..n {
                    let mut data = format!("bench writer {w} entry {i} ").into_bytes();
                    data.resize(entry_bytes, b'.');
                    let sent = Instant::now();
                    log.append(Append {
                        entries: vec![NewEntry {
                            kind: "bench".into(),
                            subject: format!("bench/{w}/{i}"),
                            data,
                        }],
                        writes: Vec::new(),
                    })
                    .await?;
                    latencies.push(sent.elapsed());
                }
                Ok::<_, iotlabel_registry::RegistryError>(latencies)
            });
        }
        let mut latencies = Vec::with_capacity(count);
        while let Some(joined) = tasks.join_next().await {
            let part = joined
                .map_err(|e| CliError::Usage(format!("a benchmark writer failed: {e}")))??;
            latencies.extend(part);
        }
        let elapsed = started.elapsed();
        let appended = log.size() - started_size;
        log.shutdown().await;
        Ok::<_, CliError>((backend, elapsed, appended, latencies))
    });
    if scratch.exists() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    let (backend, elapsed, appended, mut latencies) = result?;
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    out.line(&format!(
        "appended {appended} entries of {entry_bytes} bytes in {:.2} s from {writers} concurrent writers ({backend:?}): {:.0} durable appends/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        elapsed.as_secs_f64(),
        appended as f64 / elapsed.as_secs_f64().max(1e-9),
        at(0.50),
        at(0.99),
        at(1.0),
    ));
    Ok(())
}
