//! Parse and compare costs per scheme, and one OSV evaluation, on realistic version strings.
//! Run: `cargo bench -p iotlabel-versions --bench compare`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use iotlabel_versions::{Affected, Event, EventKind, PreparedAffected, Range, RangeType, Scheme};

/// Typical versions of each scheme, as found in SBOMs and advisories.
fn samples(scheme: Scheme) -> Vec<&'static str> {
    match scheme {
        Scheme::SemVer | Scheme::Npm => vec![
            "1.4.3",
            "2.0.0-rc.1",
            "0.10.12",
            "4.17.21",
            "1.0.0+build.5",
            "3.2.1-beta.2",
        ],
        Scheme::Go => vec![
            "v1.4.3",
            "v0.0.0-20191109021931-daa7c04131f5",
            "v2.1.0+incompatible",
            "v1.2.4-0.20210101000000-aaaaaaaaaaaa",
        ],
        Scheme::Pep440 => vec![
            "1.4.3",
            "2.0rc1",
            "3.7.4",
            "1!2.0.post1",
            "1.0+local.1",
            "0.22.0b6",
        ],
        Scheme::Maven => vec![
            "1.4.3",
            "2.0-beta-1",
            "5.3.20.RELEASE",
            "1.0.0-SNAPSHOT",
            "31.1-jre",
            "2.17.1",
        ],
        Scheme::Debian => vec![
            "1:2.30-1+deb12u1",
            "3.0.15-1~deb12u1",
            "2.36-9+deb12u14",
            "1.2.13.dfsg-1",
            "7.88.1-10+deb12u8",
        ],
        Scheme::Rpm => vec![
            "1:3.0.7-27.el9",
            "2.34-100.el9_4.2",
            "4.18.0-1.fc39",
            "1.1.1k-12.el8_9",
            "0.9.8^git1-3",
        ],
        Scheme::Alpine => vec![
            "3.3.2-r0",
            "1.36.1-r15",
            "2.12.6-r0",
            "3.1.4_p2-r1",
            "8.5.0_git20240101-r2",
        ],
        Scheme::NuGet => vec![
            "6.0.1",
            "13.0.3",
            "4.7.2-preview.1",
            "2.1.0.5",
            "8.0.0-rc.2.23479.6",
        ],
        Scheme::RubyGems => vec!["7.0.4", "1.13.10", "6.1.7.6", "1.0.0.pre.rc1", "2.0.0-beta"],
    }
}

fn parse_and_compare(c: &mut Criterion) {
    for scheme in Scheme::ALL {
        let texts = samples(scheme);
        c.bench_function(&format!("parse/{}", scheme.vers_type()), |b| {
            b.iter(|| {
                for t in &texts {
                    black_box(scheme.parse(black_box(t)).unwrap());
                }
            })
        });
        let parsed: Vec<_> = texts.iter().map(|t| scheme.parse(t).unwrap()).collect();
        c.bench_function(&format!("compare/{}", scheme.vers_type()), |b| {
            b.iter(|| {
                for x in &parsed {
                    for y in &parsed {
                        black_box(x.cmp_same_scheme(black_box(y)));
                    }
                }
            })
        });
    }
}

fn osv_evaluation(c: &mut Criterion) {
    let versions: Vec<String> = (0..200)
        .map(|i| format!("{}.{}.{}", i / 50, (i / 10) % 5, i % 10))
        .collect();
    let affected = Affected {
        ecosystem: "PyPI".into(),
        ranges: vec![Range {
            range_type: RangeType::Ecosystem,
            repo: None,
            events: vec![
                Event::new(EventKind::Introduced, "0"),
                Event::new(EventKind::Fixed, "1.2.5"),
                Event::new(EventKind::Introduced, "2.0.0"),
                Event::new(EventKind::Fixed, "2.4.1"),
            ],
        }],
        versions,
    };
    let prepared = PreparedAffected::new(&affected);
    let component = Scheme::Pep440.parse("2.3.7").unwrap();
    c.bench_function("osv/evaluate_parsed (200 listed, 2 intervals)", |b| {
        b.iter(|| {
            black_box(
                prepared
                    .evaluate_parsed("2.3.7", black_box(&component))
                    .verdict,
            )
        })
    });
    c.bench_function("osv/evaluate (parse + evaluate)", |b| {
        b.iter(|| black_box(prepared.evaluate(black_box("5.0.1")).verdict))
    });
    c.bench_function("osv/prepare (200 listed, 2 intervals)", |b| {
        b.iter(|| black_box(PreparedAffected::new(black_box(&affected))))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1)).sample_size(20);
    targets = parse_and_compare, osv_evaluation
}
criterion_main!(benches);
