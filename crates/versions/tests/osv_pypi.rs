//! The OSV evaluation against the real PyPI advisory database (YAML) in the shared data:
//! every listed version must come out affected, every `fixed` version unaffected by its range,
//! and the ranges alone must agree with the `versions` lists that OSV.dev expanded from them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iotlabel_versions::{
    Affected, Event, EventKind, PreparedAffected, Range, RangeType, Scheme, Verdict,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct OsvRecord {
    id: String,
    #[serde(default)]
    affected: Vec<OsvAffected>,
}

#[derive(Deserialize)]
struct OsvAffected {
    package: OsvPackage,
    #[serde(default)]
    ranges: Vec<OsvRange>,
    #[serde(default)]
    versions: Vec<String>,
}

#[derive(Deserialize)]
struct OsvPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct OsvRange {
    #[serde(rename = "type")]
    range_type: String,
    repo: Option<String>,
    #[serde(default)]
    events: Vec<BTreeMap<String, String>>,
}

fn to_affected(a: &OsvAffected) -> Affected {
    Affected {
        ecosystem: a.package.ecosystem.clone(),
        ranges: a
            .ranges
            .iter()
            .map(|r| Range {
                range_type: RangeType::parse(&r.range_type),
                repo: r.repo.clone(),
                events: r
                    .events
                    .iter()
                    .flat_map(|e| e.iter())
                    .map(|(k, v)| {
                        let kind = match k.as_str() {
                            "introduced" => EventKind::Introduced,
                            "fixed" => EventKind::Fixed,
                            "last_affected" => EventKind::LastAffected,
                            "limit" => EventKind::Limit,
                            other => panic!("unknown event {other}"),
                        };
                        Event::new(kind, v.clone())
                    })
                    .collect(),
            })
            .collect(),
        versions: a.versions.clone(),
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn load() -> Vec<(PathBuf, OsvRecord)> {
    let dir = iotlabel_testkit::shared_file("data/osv-pypi/vulns");
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    files.sort();
    assert!(
        files.len() > 2000,
        "expected the PyPI advisory database in {}",
        dir.display()
    );
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let record: OsvRecord =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, record)
        })
        .collect()
}

#[test]
fn real_pypi_advisories_evaluate_consistently() {
    let records = load();
    let (mut listed, mut fixed_checked, mut ranges_agree, mut ranges_disagree) = (0, 0, 0, 0);
    let mut unparsable_listed = 0;
    let mut disagreements = Vec::new();
    let mut bad_events = Vec::new();
    for (path, record) in &records {
        for a in &record.affected {
            assert_eq!(a.package.ecosystem, "PyPI", "{}", path.display());
            let full = to_affected(a);
            let prepared = PreparedAffected::new(&full);
            let mut bad_range = false;
            for problem in prepared.problems() {
                // Besides GIT ranges, only ranges with legacy (non-PEP 440) event versions may
                // be unusable; they are counted and must stay rare.
                if !problem.starts_with("GIT range") {
                    assert!(
                        problem.contains("is not valid"),
                        "{} {}: {problem}",
                        record.id,
                        a.package.name
                    );
                    bad_events.push(format!("{}: {problem}", record.id));
                    bad_range = true;
                }
            }
            // Every listed version is affected, and says so.
            for v in &a.versions {
                let e = prepared.evaluate(v);
                assert_eq!(e.verdict, Verdict::Affected, "{} {v}: {e}", record.id);
                listed += 1;
            }
            // The ranges alone, without the list.
            let ranges_only = PreparedAffected::new(&Affected {
                versions: vec![],
                ..full.clone()
            });
            let has_ecosystem_range = full
                .ranges
                .iter()
                .any(|r| r.range_type == RangeType::Ecosystem);
            if bad_range {
                continue;
            }
            for range in &full.ranges {
                if range.range_type != RangeType::Ecosystem {
                    continue;
                }
                for event in &range.events {
                    if event.kind == EventKind::Fixed {
                        let e = ranges_only.evaluate(&event.version);
                        // The fixed version is not affected by this range; another range of the
                        // same entry may still cover it.
                        assert_ne!(
                            e.verdict,
                            Verdict::NotEvaluable,
                            "{} {}: {e}",
                            record.id,
                            event.version
                        );
                        fixed_checked += 1;
                    }
                }
            }
            if !has_ecosystem_range {
                continue;
            }
            for v in &a.versions {
                if Scheme::Pep440.parse(v).is_err() {
                    unparsable_listed += 1;
                    continue;
                }
                let e = ranges_only.evaluate(v);
                match e.verdict {
                    Verdict::Affected => ranges_agree += 1,
                    _ => {
                        ranges_disagree += 1;
                        if disagreements.len() < 10 {
                            disagreements.push(format!("{} {v}: {e}", record.id));
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "{} advisories: {listed} listed versions affected, {fixed_checked} fixed versions checked, \
         ranges agree with lists on {ranges_agree} versions, disagree on {ranges_disagree}, \
         {unparsable_listed} listed versions are not PEP 440",
        records.len()
    );
    eprintln!("{} ranges with legacy event versions:", bad_events.len());
    for b in &bad_events {
        eprintln!("  {b}");
    }
    assert!(
        bad_events.len() * 100 < records.len(),
        "too many unusable ranges"
    );
    for d in &disagreements {
        eprintln!("  disagreement: {d}");
    }
    assert!(listed > 50_000);
    // OSV.dev expands the lists from the ECOSYSTEM ranges with the same PEP 440 ordering, so
    // the two must agree (apart from hand-edited records, which are listed above).
    assert!(
        ranges_disagree * 1000 <= ranges_agree,
        "{ranges_disagree} disagreements"
    );
}

#[test]
fn a_known_advisory_is_explained() {
    let records = load();
    let (_, record) = records
        .iter()
        .find(|(_, r)| r.id == "PYSEC-2021-76")
        .expect("aiohttp advisory PYSEC-2021-76");
    let prepared = PreparedAffected::new(&Affected {
        versions: vec![],
        ..to_affected(&record.affected[0])
    });
    let e = prepared.evaluate("3.7.3");
    assert_eq!(
        e.to_string(),
        "affected: introduced 0 <= 3.7.3 < fixed 3.7.4 (range 1, ECOSYSTEM)"
    );
    let e = prepared.evaluate("3.8.0");
    assert_eq!(e.verdict, Verdict::NotAffected);
    assert_eq!(
        e.to_string(),
        "not affected: GIT range 0 not evaluated: commit ranges need the repository's history \
         (https://github.com/aio-libs/aiohttp); the version ranges stand in for it; fixed 3.7.4 <= 3.8.0 \
         (range 1, ECOSYSTEM)"
    );
}
