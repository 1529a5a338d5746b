//! `iotlabel bench ...`: performance measurements reported in the README.

use std::collections::BTreeMap;
use std::time::Instant;

use iotlabel_assess::{DeclarationInput, Engine, Inputs, Options};
use iotlabel_catalog::Catalog;
use rayon::prelude::*;

use crate::cli::BenchCommand;
use crate::error::CliError;
use crate::output::Out;

/// Runs a benchmark.
pub fn run(catalog: &Catalog, command: BenchCommand) -> Result<(), CliError> {
    let mut out = Out::stdout();
    match command {
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
