//! Differential tests: our ordering (and acceptance) of generated versions against each
//! ecosystem's reference implementation. Cases are generated from a fixed seed, so every run
//! checks the same thousands of versions; each reference runs once per test on a batch.
//!
//! | Scheme | Reference |
//! |---|---|
//! | PEP 440 | Python `packaging` |
//! | Debian | `dpkg --compare-versions` |
//! | RPM | rpm's `rpm.vercmp` (Lua, `rpm --eval`) |
//! | SemVer, npm, Go | npm's `semver` package (node) |
//! | Maven | Maven's `ComparableVersion` (maven-artifact jar, java) |
//! | RubyGems | Ruby's `Gem::Version` |
//! | NuGet, Alpine | Python `univers` |

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cmp::Ordering;
use std::path::Path;
use std::process::Command;

use common::{Rng, differential, python_reference, require, root, run_checker};
use iotlabel_versions::Scheme;

const COUNT: usize = 2500;

fn generate(seed: u64, count: usize, mut one: impl FnMut(&mut Rng) -> String) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..count).map(|_| one(&mut rng)).collect()
}

fn no_tolerance(_: &str, _: &str, _: Option<Ordering>, _: Option<Ordering>) -> bool {
    false
}

fn dotted(rng: &mut Rng, min: usize, max: usize) -> String {
    let n = min + rng.below(max - min + 1);
    (0..n).map(|_| rng.number()).collect::<Vec<_>>().join(".")
}

// ---------------------------------------------------------------------------------------------
// PEP 440 vs packaging

fn pep440_candidate(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(5) {
        s.push('v');
    }
    if rng.chance(5) {
        s.push_str(&format!("{}!", rng.below(3)));
    }
    s.push_str(&dotted(rng, 1, 4));
    if rng.chance(35) {
        let sep = rng.pick(&["", ".", "-", "_"]);
        let tag = rng.pick(&[
            "a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "A", "RC",
        ]);
        let num = if rng.chance(80) {
            rng.below(15).to_string()
        } else {
            String::new()
        };
        s.push_str(&format!("{sep}{tag}{num}"));
    }
    if rng.chance(20) {
        match rng.below(3) {
            0 => s.push_str(&format!(".post{}", rng.below(5))),
            1 => s.push_str(&format!("-{}", rng.below(5))),
            _ => s.push_str(rng.pick(&[".post", "post2", "-r1", ".rev3"])),
        }
    }
    if rng.chance(15) {
        s.push_str(&format!("{}dev{}", rng.pick(&[".", "", "-"]), rng.below(5)));
    }
    if rng.chance(10) {
        let local = rng.pick(&["abc", "1", "ubuntu.1", "2.a", "A-B", "0"]);
        s.push_str(&format!("+{local}"));
    }
    if rng.chance(3) {
        // Things packaging must refuse.
        s.push_str(rng.pick(&["-foo", "..1", "+", "!", " x"]));
    }
    s
}

#[test]
fn pep440_matches_packaging() {
    let candidates = generate(440, COUNT, pep440_candidate);
    let report = differential(
        Scheme::Pep440,
        candidates,
        440,
        true,
        |p| python_reference("pypi", p),
        no_tolerance,
    );
    report.assert_clean("PEP 440 vs packaging");
}

// ---------------------------------------------------------------------------------------------
// Debian vs dpkg

fn debian_candidate(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(10) {
        s.push_str(&format!("{}:", rng.below(3)));
    }
    s.push_str(&rng.number());
    for _ in 0..rng.below(4) {
        let part = match rng.below(9) {
            0 => format!("~{}", rng.pick(&["", "rc1", "beta", "~", "dfsg"])),
            1 => format!("+{}", rng.pick(&["dfsg", "b1", "really1.0", "git20240101"])),
            2 => rng.pick(&["a", "b", "z", "A", "Z"]).to_string(),
            3 => rng.pick(&[".", "+", "~"]).to_string(),
            _ => format!(".{}", rng.number()),
        };
        s.push_str(&part);
    }
    if rng.chance(60) {
        let rev = match rng.below(5) {
            0 => format!("{}~deb{}u{}", rng.below(3), rng.below(13), rng.below(3)),
            1 => format!("{}ubuntu{}", rng.below(3), rng.below(3)),
            2 => format!("{}+b{}", rng.below(3), rng.below(3)),
            3 => format!("{}.{}", rng.below(3), rng.below(3)),
            _ => rng.below(4).to_string(),
        };
        s.push('-');
        s.push_str(&rev);
    }
    s
}

/// dpkg's verdict by exit status; one process per comparison, so callers keep batches small.
fn dpkg(pairs: &[(String, String)]) -> Vec<Option<Ordering>> {
    let dpkg = Path::new("/usr/bin/dpkg");
    require(dpkg, "install the Debian package dpkg");
    let test = |a: &str, op: &str, b: &str| {
        let out = Command::new(dpkg)
            .args(["--compare-versions", a, op, b])
            .output()
            .unwrap();
        match out.status.code() {
            Some(0) => Some(true),
            Some(1) => Some(false),
            _ => None,
        }
    };
    pairs
        .iter()
        .map(|(a, b)| match test(a, "lt", b)? {
            true => Some(Ordering::Less),
            false => match test(a, "eq", b)? {
                true => Some(Ordering::Equal),
                false => Some(Ordering::Greater),
            },
        })
        .collect()
}

#[test]
fn debian_matches_dpkg() {
    // dpkg is one process per comparison: fewer versions, all neighbours still checked.
    let candidates = generate(12, 900, debian_candidate);
    let report = differential(Scheme::Debian, candidates, 12, false, dpkg, no_tolerance);
    report.assert_clean("Debian vs dpkg --compare-versions");
}

// ---------------------------------------------------------------------------------------------
// RPM vs rpm.vercmp

fn rpm_candidate(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(10) {
        s.push_str(&format!("{}:", rng.below(3)));
    }
    s.push_str(&rng.number());
    for _ in 0..rng.below(4) {
        let part = match rng.below(8) {
            0 => format!("~{}", rng.pick(&["", "rc1", "beta"])),
            1 => format!("^{}", rng.pick(&["", "git1", "20240101"])),
            2 => rng.pick(&["a", "b", "z", "A", "Z", "pre"]).to_string(),
            3 => format!("{}{}", rng.pick(&["_", "+", "."]), rng.number()),
            _ => format!(".{}", rng.number()),
        };
        s.push_str(&part);
    }
    if rng.chance(70) {
        let rel = match rng.below(4) {
            0 => format!("{}.el{}", rng.below(30), rng.below(10)),
            1 => format!("{}.fc{}", rng.below(5), 38 + rng.below(4)),
            2 => format!("{}.el9_{}", rng.below(5), rng.below(3)),
            _ => rng.below(5).to_string(),
        };
        s.push('-');
        s.push_str(&rel);
    }
    s
}

fn rpm_vercmp(pairs: &[(String, String)]) -> Vec<Option<Ordering>> {
    let rpm = Path::new("/usr/bin/rpm");
    require(rpm, "install the Debian package rpm");
    let file = common::pairs_file(pairs);
    let script = format!(
        "%{{lua: for line in io.lines(\"{}\") do local a, b = line:match(\"^(.-)\\t(.*)$\"); io.write(rpm.vercmp(a, b), \"\\n\") end}}",
        file.0.display()
    );
    let out = Command::new(rpm)
        .arg("--eval")
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rpm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::parse_results(&String::from_utf8_lossy(&out.stdout), pairs.len(), "rpm")
}

/// rpm ignores the release when only one side has one; we order the release-less version
/// first (a total order needs it). Only that case may differ, and only as "rpm says equal".
fn rpm_release_rule(a: &str, b: &str, ours: Option<Ordering>, theirs: Option<Ordering>) -> bool {
    let has_release = |v: &str| v.rsplit_once('-').is_some();
    theirs == Some(Ordering::Equal) && ours.is_some() && has_release(a) != has_release(b)
}

#[test]
fn rpm_matches_rpmvercmp() {
    let candidates = generate(9, COUNT, rpm_candidate);
    let report = differential(
        Scheme::Rpm,
        candidates,
        9,
        false,
        rpm_vercmp,
        rpm_release_rule,
    );
    report.assert_clean("RPM vs rpm.vercmp");
}

// ---------------------------------------------------------------------------------------------
// SemVer / npm / Go vs node semver

fn semver_candidate(rng: &mut Rng) -> String {
    let num = |rng: &mut Rng| match rng.below(10) {
        0 => format!("{}", rng.next() % 10_000_000_000),
        _ => rng.below(12).to_string(),
    };
    let mut s = format!("{}.{}.{}", num(rng), num(rng), num(rng));
    if rng.chance(40) {
        let n = 1 + rng.below(3);
        let ids: Vec<String> = (0..n)
            .map(|_| match rng.below(4) {
                0 => rng.below(20).to_string(),
                1 => rng
                    .pick(&["alpha", "beta", "rc", "RC", "x-y", "0a", "a0", "-"])
                    .to_string(),
                2 => format!("{}", rng.next() % 1_000_000),
                _ => rng.pick(&["alpha", "beta", "rc"]).to_string(),
            })
            .collect();
        s.push('-');
        s.push_str(&ids.join("."));
    }
    if rng.chance(15) {
        s.push('+');
        s.push_str(rng.pick(&["build.1", "001", "sha.abc", "x"]));
    }
    if rng.chance(3) {
        s.push_str(rng.pick(&[".1", "-01", "-", "+"]));
    }
    s
}

fn node_semver(pairs: &[(String, String)]) -> Vec<Option<Ordering>> {
    let dir = root().join("tests/node");
    require(
        &dir.join("node_modules/semver/package.json"),
        "run `npm ci` in tests/node (scripts/test does it)",
    );
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("semver_check.js"));
    run_checker(cmd, pairs, "node semver")
}

#[test]
fn semver_and_npm_match_node_semver() {
    let candidates = generate(2, COUNT, semver_candidate);
    let report = differential(
        Scheme::Npm,
        candidates.clone(),
        2,
        true,
        node_semver,
        no_tolerance,
    );
    report.assert_clean("npm vs node semver");
    // Strict SemVer: node semver also accepts a leading v and whitespace, like our npm flavour;
    // without those the two orders must agree exactly.
    let report = differential(
        Scheme::SemVer,
        candidates,
        3,
        true,
        node_semver,
        no_tolerance,
    );
    report.assert_clean("SemVer vs node semver");
}

fn go_candidate(rng: &mut Rng) -> String {
    let time = format!(
        "20{:02}{:02}{:02}{:02}{:02}{:02}",
        10 + rng.below(15),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60)
    );
    let hash = format!("{:012x}", rng.next() & 0xFFFF_FFFF_FFFF);
    let (major, minor, patch) = (rng.below(3), rng.below(4), rng.below(4));
    let mut s = match rng.below(5) {
        0 => format!("v{major}.0.0-{time}-{hash}"),
        1 => format!("v{major}.{minor}.{}-0.{time}-{hash}", patch + 1),
        2 => format!(
            "v{major}.{minor}.{patch}-{}.0.{time}-{hash}",
            rng.pick(&["pre", "rc.1", "beta"])
        ),
        3 => format!(
            "v{major}.{minor}.{patch}-{}",
            rng.pick(&["pre", "rc.1", "rc.2", "beta", "0"])
        ),
        _ => format!("v{major}.{minor}.{patch}"),
    };
    if major >= 2 && rng.chance(20) {
        s.push_str("+incompatible");
    }
    s
}

#[test]
fn go_versions_match_semver_precedence() {
    // Go orders module versions by SemVer precedence with a v prefix, which node semver accepts.
    let candidates = generate(7, 1500, go_candidate);
    let report = differential(Scheme::Go, candidates, 7, true, node_semver, no_tolerance);
    report.assert_clean("Go vs node semver");
}

// ---------------------------------------------------------------------------------------------
// Maven vs ComparableVersion

fn maven_candidate(rng: &mut Rng) -> String {
    let mut s = rng.number();
    for _ in 0..rng.below(5) {
        let sep = rng.pick(&[".", "-", "", ".", "-"]);
        let part = match rng.below(6) {
            0 | 1 => rng.number(),
            2 => rng
                .pick(&[
                    "alpha",
                    "beta",
                    "milestone",
                    "rc",
                    "cr",
                    "snapshot",
                    "SNAPSHOT",
                    "ga",
                    "final",
                    "release",
                    "RELEASE",
                    "sp",
                    "a",
                    "b",
                    "m",
                    "foo",
                    "Final",
                    "jre",
                    "android",
                ])
                .to_string(),
            3 => format!(
                "{}{}",
                rng.pick(&["a", "b", "m", "rc", "RC", "beta", "x"]),
                rng.number()
            ),
            4 => String::new(),
            _ => format!(
                "{}{}",
                rng.number(),
                rng.pick(&["a", "b", "rc", "-SNAPSHOT"])
            ),
        };
        s.push_str(sep);
        s.push_str(&part);
    }
    if s.is_empty() { "0".into() } else { s }
}

fn maven_comparable_version(pairs: &[(String, String)]) -> Vec<Option<Ordering>> {
    let jar = Path::new("/usr/share/java/maven-artifact-3.x.jar");
    require(
        jar,
        "install the Debian package libmaven3-core-java (or maven)",
    );
    let mut cmd = Command::new("java");
    cmd.arg("-cp")
        .arg(jar)
        .arg(root().join("tests/java/MavenVersionCheck.java"));
    run_checker(cmd, pairs, "Maven ComparableVersion")
}

#[test]
fn maven_matches_comparable_version() {
    let candidates = generate(3, COUNT, maven_candidate);
    let report = differential(
        Scheme::Maven,
        candidates,
        3,
        false,
        maven_comparable_version,
        no_tolerance,
    );
    report.assert_clean("Maven vs ComparableVersion");
}

// ---------------------------------------------------------------------------------------------
// RubyGems vs Gem::Version

fn gem_candidate(rng: &mut Rng) -> String {
    let mut s = rng.number();
    for _ in 0..rng.below(5) {
        let part = match rng.below(5) {
            0 => rng
                .pick(&["a", "b", "pre", "rc", "beta", "alpha", "Z"])
                .to_string(),
            1 => format!("{}{}", rng.pick(&["rc", "pre", "b"]), rng.below(4)),
            _ => rng.number(),
        };
        s.push('.');
        s.push_str(&part);
    }
    if rng.chance(10) {
        s.push('-');
        s.push_str(rng.pick(&["beta", "rc.1", "pre-2", "x"]));
    }
    if rng.chance(3) {
        s.push_str(rng.pick(&["..", "-", "_1", " 1"]));
    }
    s
}

#[test]
fn rubygems_matches_gem_version() {
    let ruby = Path::new("/usr/bin/ruby");
    require(ruby, "install the Debian package ruby");
    let candidates = generate(4, COUNT, gem_candidate);
    let reference = |p: &[(String, String)]| {
        let mut cmd = Command::new(ruby);
        cmd.arg(root().join("tests/ruby/gem_check.rb"));
        run_checker(cmd, p, "Gem::Version")
    };
    let report = differential(
        Scheme::RubyGems,
        candidates,
        4,
        true,
        reference,
        no_tolerance,
    );
    report.assert_clean("RubyGems vs Gem::Version");
}

// ---------------------------------------------------------------------------------------------
// NuGet and Alpine vs univers

fn nuget_candidate(rng: &mut Rng) -> String {
    let n = 1 + rng.below(4);
    let nums: Vec<String> = (0..n)
        .map(|_| match rng.below(8) {
            0 => format!("{}", rng.next() % 100_000),
            _ => rng.below(12).to_string(),
        })
        .collect();
    // univers needs at least major.minor.patch to tell a revision apart.
    let mut s = nums.join(".");
    if n < 3 {
        s = format!("{s}{}", ".0".repeat(3 - n));
    }
    if rng.chance(40) {
        let labels: Vec<String> = (0..1 + rng.below(3))
            .map(|_| match rng.below(3) {
                0 => (1 + rng.below(20)).to_string(),
                _ => rng
                    .pick(&["alpha", "beta", "rc", "Beta", "preview", "a-b", "ALPHA"])
                    .to_string(),
            })
            .collect();
        s.push('-');
        s.push_str(&labels.join("."));
    }
    if rng.chance(10) {
        s.push_str("+meta.1");
    }
    s
}

#[test]
fn nuget_matches_univers() {
    let candidates = generate(5, COUNT, nuget_candidate);
    let report = differential(
        Scheme::NuGet,
        candidates,
        5,
        true,
        |p| python_reference("nuget", p),
        no_tolerance,
    );
    report.assert_clean("NuGet vs univers");
}

fn alpine_candidate(rng: &mut Rng) -> String {
    // The subset apk shares with the Gentoo rules univers implements: no leading zeros after
    // the first number, suffixes alpha/beta/pre/rc/p, no commit hashes.
    let num = |rng: &mut Rng| match rng.below(10) {
        0 => format!("{}", 1 + rng.next() % 100_000_000),
        1 => "0".to_string(),
        _ => (1 + rng.below(12)).to_string(),
    };
    let mut s = num(rng);
    for _ in 0..rng.below(4) {
        s.push('.');
        s.push_str(&num(rng));
    }
    if rng.chance(15) {
        s.push_str(rng.pick(&["a", "b", "z"]));
    }
    for _ in 0..rng.below(3) {
        if rng.chance(50) {
            let suffix = rng.pick(&["alpha", "beta", "pre", "rc", "p"]);
            // univers follows Gentoo, where `_p0` equals `_p` and `-r0` no revision; apk-tools
            // tells them apart (unit tests cover that), so the shared subset avoids zeros there.
            let n = if rng.chance(70) {
                (1 + rng.below(20)).to_string()
            } else {
                String::new()
            };
            s.push_str(&format!("_{suffix}{n}"));
        }
    }
    if rng.chance(60) {
        s.push_str(&format!("-r{}", 1 + rng.below(12)));
    }
    s
}

#[test]
fn alpine_matches_univers() {
    let candidates = generate(6, COUNT, alpine_candidate);
    let report = differential(
        Scheme::Alpine,
        candidates,
        6,
        true,
        |p| python_reference("alpine", p),
        no_tolerance,
    );
    report.assert_clean("Alpine vs univers");
}
