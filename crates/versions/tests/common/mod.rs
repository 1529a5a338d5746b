//! Shared pieces of the differential tests: a seeded generator, the batch protocol with the
//! reference checkers, and the comparison of our order with theirs.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cmp::Ordering;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use iotlabel_versions::{Scheme, Version};

/// SplitMix64: tiny, seeded, good enough to spread test cases; no dependency needed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// A small number, now and then a large one or one with leading zeros.
    pub fn number(&mut self) -> String {
        match self.below(20) {
            0 => format!("{}", self.next() % 100_000_000),
            1 => format!("0{}", self.below(10)),
            2..=9 => "0".to_string(),
            _ => format!("{}", self.below(12)),
        }
    }
}

/// Writes the pairs as "a<TAB>b" lines to a fresh file.
pub fn pairs_file(pairs: &[(String, String)]) -> tempfile_path::TempPath {
    tempfile_path::write(pairs)
}

pub mod tempfile_path {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    /// A file removed on drop.
    pub struct TempPath(pub PathBuf);
    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    pub fn write(pairs: &[(String, String)]) -> TempPath {
        let n = COUNTER.fetch_add(1, AtomicOrdering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("iotlabel-versions-{}-{n}.tsv", std::process::id()));
        let mut f = std::fs::File::create(&path).unwrap();
        for (a, b) in pairs {
            assert!(!a.contains(['\t', '\n']) && !b.contains(['\t', '\n']));
            writeln!(f, "{a}\t{b}").unwrap();
        }
        TempPath(path)
    }
}

/// Parses the checkers' "-1 / 0 / 1 / E" lines.
pub fn parse_results(stdout: &str, expected: usize, who: &str) -> Vec<Option<Ordering>> {
    let results: Vec<Option<Ordering>> = stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.trim() {
            "-1" => Some(Ordering::Less),
            "0" => Some(Ordering::Equal),
            "1" => Some(Ordering::Greater),
            _ => None,
        })
        .collect();
    assert_eq!(
        results.len(),
        expected,
        "{who} answered {} of {expected} lines",
        results.len()
    );
    results
}

/// Runs a command that takes the pairs file as its last argument and prints result lines.
pub fn run_checker(
    mut cmd: Command,
    pairs: &[(String, String)],
    who: &str,
) -> Vec<Option<Ordering>> {
    let file = pairs_file(pairs);
    let out = cmd.arg(&file.0).output().unwrap_or_else(|e| {
        panic!("cannot run the {who} reference ({cmd:?}): {e}; scripts/test installs it")
    });
    assert!(
        out.status.success(),
        "the {who} reference failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_results(&String::from_utf8_lossy(&out.stdout), pairs.len(), who)
}

/// Runs one of the Python reference schemes of tests/python/versions_reference.py.
pub fn python_reference(scheme: &str, pairs: &[(String, String)]) -> Vec<Option<Ordering>> {
    let file = pairs_file(pairs);
    let path = file.0.to_string_lossy().into_owned();
    let stdout = iotlabel_testkit::assert_python_check("versions_reference.py", &[scheme, &path]);
    parse_results(&stdout, pairs.len(), scheme)
}

/// The repository root.
pub fn root() -> PathBuf {
    iotlabel_testkit::workspace_root()
}

/// A tool the tests need, with what to install when it is missing.
pub fn require(path: &Path, install: &str) {
    assert!(path.exists(), "{} is missing: {install}", path.display());
}

/// The outcome of one differential run.
pub struct Report {
    pub versions: usize,
    pub valid: usize,
    pub compared: usize,
    pub mismatches: Vec<String>,
}

/// Checks our parsing and ordering of `candidates` against a reference:
/// 1. validity: each candidate is compared with itself (the reference answers E if invalid);
/// 2. order: the valid ones are sorted with our comparator and every neighbouring pair is
///    checked (if the reference agrees on all neighbours, its order is ours);
/// 3. extra random pairs as a cross-check.
///
/// `tolerate(a, b, ours, theirs)` may excuse a documented difference.
pub fn differential(
    scheme: Scheme,
    candidates: Vec<String>,
    seed: u64,
    check_validity: bool,
    reference: impl Fn(&[(String, String)]) -> Vec<Option<Ordering>>,
    tolerate: impl Fn(&str, &str, Option<Ordering>, Option<Ordering>) -> bool,
) -> Report {
    let mut candidates = candidates;
    candidates.sort();
    candidates.dedup();
    let parsed: Vec<(String, Option<Version>)> = candidates
        .into_iter()
        .map(|c| {
            let v = scheme.parse(&c).ok();
            (c, v)
        })
        .collect();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut ours: Vec<Option<Ordering>> = Vec::new();
    if check_validity {
        for (text, v) in &parsed {
            pairs.push((text.clone(), text.clone()));
            ours.push(v.as_ref().map(|_| Ordering::Equal));
        }
    }
    let mut valid: Vec<(&String, &Version)> = parsed
        .iter()
        .filter_map(|(t, v)| v.as_ref().map(|v| (t, v)))
        .collect();
    // Not slice::sort_by: Maven's order has cycles and the standard sort may panic on them.
    iotlabel_versions::sort_by_version(&mut valid, |(_, v)| v);
    for w in valid.windows(2) {
        pairs.push((w[0].0.clone(), w[1].0.clone()));
        ours.push(w[0].1.cmp_same_scheme(w[1].1));
    }
    let mut rng = Rng::new(seed ^ 0xD1FF);
    for _ in 0..valid.len().min(1500) {
        let (a, b) = (
            &valid[rng.below(valid.len())],
            &valid[rng.below(valid.len())],
        );
        pairs.push((a.0.clone(), b.0.clone()));
        ours.push(a.1.cmp_same_scheme(b.1));
    }
    let theirs = reference(&pairs);
    let mut mismatches = Vec::new();
    for ((pair, o), t) in pairs.iter().zip(&ours).zip(&theirs) {
        if o != t && !tolerate(&pair.0, &pair.1, *o, *t) {
            mismatches.push(format!(
                "{:?} vs {:?}: ours {o:?}, reference {t:?}",
                pair.0, pair.1
            ));
        }
    }
    Report {
        versions: parsed.len(),
        valid: valid.len(),
        compared: pairs.len(),
        mismatches,
    }
}

impl Report {
    /// Prints the counts and fails with the first mismatches, if any.
    pub fn assert_clean(&self, name: &str) {
        eprintln!(
            "{name}: {} generated versions, {} valid, {} comparisons with the reference, {} mismatches",
            self.versions,
            self.valid,
            self.compared,
            self.mismatches.len()
        );
        if !self.mismatches.is_empty() {
            panic!(
                "{name}: {} mismatches with the reference, e.g.:\n{}",
                self.mismatches.len(),
                self.mismatches
                    .iter()
                    .take(25)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}
