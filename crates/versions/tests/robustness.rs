//! No input may panic: random strings over an alphabet of the characters that matter to the
//! parsers (separators, comparators, digits, letters, multi-byte and control characters) go
//! through every scheme, the comparisons, `vers:` parsing and the OSV evaluation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Rng;
use iotlabel_versions::{
    Affected, Event, EventKind, PreparedAffected, Range, RangeType, Scheme, VersRange,
    sort_by_version,
};

const ALPHABET: &[&str] = &[
    "0",
    "1",
    "9",
    "00",
    "18446744073709551616",
    ".",
    "-",
    "_",
    "~",
    "^",
    "+",
    ":",
    "!",
    "*",
    "|",
    "%",
    "%2",
    "%20",
    "<",
    ">",
    "=",
    "a",
    "z",
    "A",
    "r",
    "p",
    "v",
    "rc",
    "alpha",
    "pre",
    "snapshot",
    "sp",
    "ga",
    " ",
    "\t",
    "\u{0}",
    "é",
    "ß",
    "İ",
    "٣",
    "🦀",
    "/",
    "vers:",
    "npm/",
    "pypi/",
];

fn random_text(rng: &mut Rng) -> String {
    let n = rng.below(14);
    (0..n)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect()
}

#[test]
fn no_panics_on_random_input() {
    let mut rng = Rng::new(0xF00D);
    for scheme in Scheme::ALL {
        let mut parsed = Vec::new();
        for _ in 0..4000 {
            let text = random_text(&mut rng);
            if let Ok(v) = scheme.parse(&text) {
                let _ = v.to_string();
                parsed.push(v);
            }
        }
        // Comparisons and sorting (including Maven's cyclic corner cases) never panic.
        for w in parsed.windows(2) {
            let _ = w[0].cmp_same_scheme(&w[1]);
        }
        sort_by_version(&mut parsed, |v| v);
        let long = "1.".repeat(5000);
        assert!(
            scheme.parse(&long).is_err(),
            "{scheme}: overlong input must be refused"
        );
    }
    for _ in 0..20000 {
        let text = format!("vers:{}", random_text(&mut rng));
        if let Ok(r) = VersRange::parse_lenient(&text) {
            let _ = r.contains_str(&random_text(&mut rng));
            let _ = r.to_string();
        }
        let _ = VersRange::parse(&text);
    }
    for _ in 0..3000 {
        let events = (0..rng.below(5))
            .map(|_| {
                let kind = [
                    EventKind::Introduced,
                    EventKind::Fixed,
                    EventKind::LastAffected,
                    EventKind::Limit,
                ][rng.below(4)];
                Event::new(kind, random_text(&mut rng))
            })
            .collect();
        let ecosystem = [
            "PyPI",
            "Maven",
            "npm",
            "Debian:12",
            "Alpine:v3.20",
            "Red Hat",
            "NuGet",
            "RubyGems",
            "Go",
            "Nope",
        ][rng.below(10)];
        let affected = Affected {
            ecosystem: ecosystem.into(),
            ranges: vec![Range {
                range_type: [RangeType::Ecosystem, RangeType::Semver, RangeType::Git][rng.below(3)]
                    .clone(),
                repo: None,
                events,
            }],
            versions: (0..rng.below(4)).map(|_| random_text(&mut rng)).collect(),
        };
        let prepared = PreparedAffected::new(&affected);
        let _ = prepared.problems();
        let probe = random_text(&mut rng);
        let _ = prepared.evaluate(&probe).to_string();
    }
}
