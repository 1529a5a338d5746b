//! Parsing speed on the real data: all of osv-pypi (2,661 YAML records, from disk), the
//! largest CycloneDX SBOM (keycloak, 904 components, 2.2 MB, from memory), and the KEV
//! catalogue. The `iotlabel` binary runs on mimalloc, so the benchmark does too: parsing
//! into value trees is allocation-heavy, and the system allocator would misstate it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use iotlabel_testkit::shared_file;
use iotlabel_vuln::{AliasGroups, KevCatalog, Limits, Origin, load_osv, sbom};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let pypi = shared_file("data/osv-pypi");
    let mut group = c.benchmark_group("osv");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("load all of osv-pypi", |b| {
        b.iter(|| load_osv(&pypi, &limits).unwrap())
    });
    let records = load_osv(&pypi, &limits).unwrap().records;
    group.bench_function("alias groups of osv-pypi", |b| {
        b.iter(|| AliasGroups::build(&records))
    });
    group.finish();

    let keycloak =
        std::fs::read(shared_file("data/cyclonedx/SBOM/keycloak-10.0.2/bom.json")).unwrap();
    let origin = Origin::memory("keycloak");
    c.bench_function("parse keycloak CycloneDX SBOM (904 components)", |b| {
        b.iter(|| sbom::parse(&keycloak, &origin, &limits).unwrap())
    });
    let laravel_xml = std::fs::read(shared_file(
        "data/cyclonedx/SBOM/laravel-7.12.0/bom.1.4.xml",
    ))
    .unwrap();
    c.bench_function("parse laravel CycloneDX XML SBOM (63 components)", |b| {
        b.iter(|| sbom::parse(&laravel_xml, &origin, &limits).unwrap())
    });
    let kev = std::fs::read(shared_file("data/kev/known_exploited_vulnerabilities.json")).unwrap();
    c.bench_function("parse the KEV catalogue (1,404 entries)", |b| {
        b.iter(|| KevCatalog::parse(&kev, &origin, &limits).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
