//! The issue's scale targets in one run, with wall-clock times and peak memory (VmHWM from
//! /proc/self/status), which criterion cannot measure:
//!
//! ```text
//! cargo run --release -p iotlabel-match --example scale -- [advisories] [products] [components] [checks]
//! ```
//!
//! Defaults are the issue's: 500,000 advisories, 100,000 product versions x 300 components;
//! ten SBOM checks after the first (more make a steadier median, and a profile of the check).
//! Phases: build the advisory index; register the SBOMs (setup, reported for information);
//! check one 1,000-component SBOM; import one new advisory and find its affected product
//! versions; re-match all component instances; build the findings of a sample of product
//! versions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Instant;

use iotlabel_match::synthetic::Corpus;
use iotlabel_match::{Matcher, ProductVersionId};
use rayon::prelude::*;

// The allocator the `iotlabel` binary (and so the registry) uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

fn rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: advisories products components"))
        .collect();
    let advisories = args.first().copied().unwrap_or(500_000);
    let products = args.get(1).copied().unwrap_or(100_000);
    let components = args.get(2).copied().unwrap_or(300);
    let checks = args.get(3).copied().unwrap_or(10).max(1) as u64;
    let packages = (advisories / 5).max(1_000);
    println!(
        "corpus: {advisories} advisories over {packages} packages; {products} product versions x {components} components; {} threads",
        rayon::current_num_threads()
    );
    let corpus = Corpus::new(42, packages);

    let t = Instant::now();
    let records = corpus.advisories(0, advisories);
    println!(
        "generate advisories: {:.2?} (RSS {} MiB)",
        t.elapsed(),
        rss_mib().unwrap_or(0)
    );
    let t = Instant::now();
    let mut matcher = Matcher::new();
    let changes = matcher.add_advisories(&records);
    let build = t.elapsed();
    drop(records);
    println!(
        "build advisory index: {build:.2?} ({} records, {} vulnerabilities, {} withdrawn, {} problems; peak RSS {} MiB, RSS after dropping the input {} MiB)",
        matcher.advisories().len(),
        matcher.advisories().vulnerability_count(),
        changes.import.withdrawn.len(),
        changes.import.problems.len(),
        peak_rss_mib().unwrap_or(0),
        rss_mib().unwrap_or(0)
    );

    // The first check in a fresh process pays for cold caches and first-touch page faults;
    // a registry checks SBOMs in a warm process, so more checks (other SBOMs of the same
    // shape; ten, or the fourth argument) follow, and their median is reported too.
    let pv = ProductVersionId::new("check/1000").unwrap();
    let mut totals = Vec::new();
    let mut evaluating = Vec::new();
    for round in 0..=checks {
        let sbom = corpus.sbom(u64::MAX - round, 1_000);
        // `add_sbom`, in its two steps: evaluate the package versions, build the findings.
        let t = Instant::now();
        matcher.add_sboms([(&pv, &sbom)]);
        let evaluated = t.elapsed();
        let findings = matcher.findings(&pv);
        let elapsed = t.elapsed();
        if round == 0 {
            let records: usize = sbom
                .matchable()
                .map(|(_, key)| matcher.advisories().advisories_for(&key).len())
                .sum();
            println!(
                "check one 1,000-component SBOM, first: {elapsed:.2?} ({} findings from {records} advisory records naming its packages; evaluating {evaluated:.2?}, building the findings {:.2?})",
                findings.len(),
                elapsed - evaluated
            );
        } else {
            totals.push((elapsed, findings.len()));
            evaluating.push(evaluated);
        }
        matcher.remove(&pv);
    }
    totals.sort();
    evaluating.sort();
    println!(
        "check one 1,000-component SBOM, {checks} more: median {:.2?} (evaluating: median {:.2?}; min {:.2?}, max {:.2?}; {} to {} findings each)",
        totals[totals.len() / 2].0,
        evaluating[evaluating.len() / 2],
        totals[0].0,
        totals[totals.len() - 1].0,
        totals.iter().map(|t| t.1).min().unwrap_or(0),
        totals.iter().map(|t| t.1).max().unwrap_or(0),
    );

    let t = Instant::now();
    let batch = 1_000;
    for start in (0..products).step_by(batch) {
        let end = (start + batch).min(products);
        let sboms: Vec<_> = (start..end)
            .into_par_iter()
            .map(|i| corpus.sbom(i as u64, components))
            .collect();
        let ids: Vec<ProductVersionId> = (start..end)
            .map(|i| ProductVersionId::new(&format!("product/{i}")).unwrap())
            .collect();
        matcher.add_sboms(ids.iter().zip(&sboms));
    }
    let stats = matcher.stats();
    println!(
        "register SBOMs (setup): {:.2?} ({} instances, {} distinct package versions, {} findings; peak RSS {} MiB)",
        t.elapsed(),
        stats.component_instances,
        stats.distinct_package_versions,
        stats.findings,
        peak_rss_mib().unwrap_or(0)
    );

    for (label, index) in [
        ("next advisory", advisories as u64),
        ("another advisory", advisories as u64 + 7),
        ("a third advisory", advisories as u64 + 100),
    ] {
        let record = corpus.advisory(index);
        let t = Instant::now();
        let changes = matcher.add_advisories(std::slice::from_ref(&record));
        let elapsed = t.elapsed();
        let (new, resolved, updated) = changes.counts();
        println!(
            "one new advisory ({label}, {} on {}): {elapsed:.2?} -> {} product versions affected, {new} new / {resolved} resolved / {updated} updated findings",
            record.id,
            record
                .affected
                .first()
                .and_then(|a| a.package.as_ref())
                .map(|p| p.key().to_string())
                .unwrap_or_default(),
            changes.affected_product_versions().count(),
        );
    }

    let t = Instant::now();
    let changes = matcher.rematch_all();
    println!(
        "full re-match of {} instances ({} distinct package versions): {:.2?}, {} product versions changed (must be 0)",
        stats.component_instances,
        stats.distinct_package_versions,
        t.elapsed(),
        changes.products.len()
    );
    // Building every finding of 30 million instances is not something anyone asks for at
    // once; the registry builds those of one product version when asked. Measured on a sample.
    let t = Instant::now();
    let ids: Vec<ProductVersionId> = matcher
        .products()
        .product_versions()
        .take(1_000)
        .cloned()
        .collect();
    let total: usize = ids.par_iter().map(|pv| matcher.findings(pv).len()).sum();
    let elapsed = t.elapsed();
    println!(
        "materialise the findings of {} product versions: {elapsed:.2?} ({total} findings, {:.2?} per product version)",
        ids.len(),
        elapsed / ids.len().max(1) as u32
    );
    println!("peak RSS: {} MiB", peak_rss_mib().unwrap_or(0));
}
