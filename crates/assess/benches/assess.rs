//! Latency of one assessment (the engine alone, catalogue prepared once), on generated
//! declarations. The throughput figure for a whole registry is `iotlabel bench assess`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;

use criterion::{Criterion, criterion_group, criterion_main};
use iotlabel_assess::{DeclarationInput, Engine, Inputs, Options};
use iotlabel_catalog::load_dir;
use iotlabel_testkit::catalog_dir;

fn bench(c: &mut Criterion) {
    let catalog = load_dir(&catalog_dir()).unwrap();
    let engine = Engine::new(&catalog);
    let generated = iotlabel_assess::synthetic::generate(&catalog, 64, 7);
    let labels = BTreeMap::new();
    let today = jiff::civil::date(2026, 11, 21);
    let mut i = 0;
    c.bench_function("assess one declaration", |b| {
        b.iter(|| {
            let g = &generated[i % generated.len()];
            i += 1;
            engine.assess(&Inputs {
                catalog: &catalog,
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
            })
        });
    });
    c.bench_function("prepare the catalogue", |b| {
        b.iter(|| Engine::new(&catalog))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
