//! Criterion benchmarks of the matcher, sized so that `cargo bench -p iotlabel-match` finishes
//! in a few minutes; the full-scale figures (500,000 advisories, 100,000 product versions x 300
//! components) come from `cargo run --release -p iotlabel-match --example scale`.
//!
//! The synthetic corpus (seed 42): 100,000 advisories over 20,000 packages, and a portfolio of
//! 2,000 product versions x 300 components (600,000 component instances).
//!
//! - `check_sbom/cold`: one 1,000-component SBOM against the advisory index alone, so every
//!   distinct package version of the SBOM is evaluated (the offline `sbom check` case);
//! - `check_sbom/with_portfolio`: the same with the portfolio registered: package versions
//!   other product versions contain were evaluated already (the registry case);
//! - `new_advisory`: import one new advisory into the index holding the portfolio and compute
//!   the findings it creates there (the alerting path);
//! - `rematch_all`: re-evaluate every distinct package version of the portfolio.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use iotlabel_match::synthetic::Corpus;
use iotlabel_match::{Matcher, ProductVersionId};
use iotlabel_vuln::Sbom;

const SEED: u64 = 42;
const PACKAGES: usize = 20_000;
const ADVISORIES: usize = 100_000;
const PRODUCTS: u64 = 2_000;
const COMPONENTS: usize = 300;
const CHECKED_COMPONENTS: usize = 1_000;

/// `cargo test --all-targets` runs each benchmark once, in a debug build, as a smoke test:
/// then the corpus is a twentieth of the size.
fn scale() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        1
    } else {
        20
    }
}

/// Times registering an SBOM; removing it again (which drops the verdicts nobody else needs)
/// is not timed, so every iteration does the same work.
fn time_checks(matcher: &mut Matcher, sboms: &[Sbom], iters: u64) -> Duration {
    let pv = ProductVersionId::new("bench/check").unwrap();
    let mut total = Duration::ZERO;
    for i in 0..iters {
        let sbom = &sboms[i as usize % sboms.len()];
        let start = Instant::now();
        black_box(matcher.add_sbom(&pv, sbom));
        total += start.elapsed();
        matcher.remove(&pv);
    }
    total
}

fn matching(c: &mut Criterion) {
    let divide = scale();
    let (advisories, products) = (ADVISORIES / divide, PRODUCTS / divide as u64);
    let corpus = Corpus::new(SEED, PACKAGES / divide);
    // SBOM numbers above the portfolio's: products the portfolio does not contain.
    let sboms: Vec<Sbom> = (0..8)
        .map(|i| corpus.sbom(1_000_000 + i, CHECKED_COMPONENTS))
        .collect();

    let mut matcher = Matcher::new();
    matcher.add_advisories(&corpus.advisories(0, advisories));
    let mut group = c.benchmark_group("check_sbom");
    group.sample_size(20);
    group.bench_function("cold", |b| {
        b.iter_custom(|iters| time_checks(&mut matcher, &sboms, iters));
    });

    let ids: Vec<ProductVersionId> = (0..products)
        .map(|i| ProductVersionId::new(&format!("product/{i}")).unwrap())
        .collect();
    let portfolio: Vec<Sbom> = (0..products).map(|i| corpus.sbom(i, COMPONENTS)).collect();
    matcher.add_sboms(ids.iter().zip(&portfolio));
    drop(portfolio);
    let stats = matcher.stats();
    eprintln!(
        "portfolio: {} product versions, {} component instances, {} distinct package versions, {} findings",
        stats.product_versions,
        stats.component_instances,
        stats.distinct_package_versions,
        stats.findings
    );
    group.bench_function("with_portfolio", |b| {
        b.iter_custom(|iters| time_checks(&mut matcher, &sboms, iters));
    });
    group.finish();

    let mut next = advisories as u64;
    c.bench_function("new_advisory", |b| {
        b.iter_custom(|iters| {
            let records: Vec<_> = (0..iters).map(|i| [corpus.advisory(next + i)]).collect();
            next += iters;
            let start = Instant::now();
            for record in &records {
                black_box(matcher.add_advisories(record));
            }
            start.elapsed()
        });
    });

    let mut group = c.benchmark_group("rematch_all");
    group.sample_size(10);
    group.bench_function("portfolio", |b| {
        b.iter(|| black_box(matcher.rematch_all()));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = matching
}
criterion_main!(benches);
