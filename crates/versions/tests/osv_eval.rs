//! Hand-made OSV cases, one per event kind and per fallback, with the explanation checked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iotlabel_versions::{Affected, Event, EventKind, PreparedAffected, Range, RangeType, Verdict};

fn range(range_type: RangeType, events: &[(EventKind, &str)]) -> Range {
    Range {
        range_type,
        repo: None,
        events: events.iter().map(|(k, v)| Event::new(*k, *v)).collect(),
    }
}

fn affected(ecosystem: &str, ranges: Vec<Range>, versions: &[&str]) -> PreparedAffected {
    PreparedAffected::new(&Affected {
        ecosystem: ecosystem.into(),
        ranges,
        versions: versions.iter().map(|v| v.to_string()).collect(),
    })
}

fn check(p: &PreparedAffected, version: &str, verdict: Verdict, explanation: &str) {
    let e = p.evaluate(version);
    assert_eq!(e.verdict, verdict, "{version}: {e}");
    assert_eq!(e.to_string(), explanation, "{version}");
}

use EventKind::{Fixed, Introduced, LastAffected, Limit};

#[test]
fn introduced_and_fixed() {
    let p = affected(
        "npm",
        vec![range(
            RangeType::Semver,
            &[(Fixed, "1.4.5"), (Introduced, "1.2.0")],
        )],
        &[],
    );
    check(
        &p,
        "1.4.3",
        Verdict::Affected,
        "affected: introduced 1.2.0 <= 1.4.3 < fixed 1.4.5 (range 0, SEMVER)",
    );
    check(
        &p,
        "1.2.0",
        Verdict::Affected,
        "affected: introduced 1.2.0 <= 1.2.0 < fixed 1.4.5 (range 0, SEMVER)",
    );
    check(
        &p,
        "1.4.5",
        Verdict::NotAffected,
        "not affected: fixed 1.4.5 <= 1.4.5 (range 0, SEMVER)",
    );
    check(
        &p,
        "1.1.9",
        Verdict::NotAffected,
        "not affected: 1.1.9 < introduced 1.2.0 (range 0, SEMVER)",
    );
    check(
        &p,
        "1.4.5-rc.1",
        Verdict::Affected,
        "affected: introduced 1.2.0 <= 1.4.5-rc.1 < fixed 1.4.5 (range 0, SEMVER)",
    );
    check(
        &p,
        "v1.3.0",
        Verdict::Affected,
        "affected: introduced 1.2.0 <= v1.3.0 < fixed 1.4.5 (range 0, SEMVER)",
    );
}

#[test]
fn introduced_zero_and_several_intervals() {
    let p = affected(
        "crates.io",
        vec![range(
            RangeType::Semver,
            &[
                (Introduced, "0"),
                (Fixed, "1.0.2"),
                (Introduced, "3.0.0"),
                (Fixed, "3.2.5"),
            ],
        )],
        &[],
    );
    check(
        &p,
        "0.0.1",
        Verdict::Affected,
        "affected: introduced 0 <= 0.0.1 < fixed 1.0.2 (range 0, SEMVER)",
    );
    check(
        &p,
        "2.0.0",
        Verdict::NotAffected,
        "not affected: fixed 1.0.2 <= 2.0.0 (range 0, SEMVER)",
    );
    check(
        &p,
        "3.1.0",
        Verdict::Affected,
        "affected: introduced 3.0.0 <= 3.1.0 < fixed 3.2.5 (range 0, SEMVER)",
    );
    check(
        &p,
        "4.0.0",
        Verdict::NotAffected,
        "not affected: fixed 3.2.5 <= 4.0.0 (range 0, SEMVER)",
    );
}

#[test]
fn last_affected_is_inclusive() {
    let p = affected(
        "PyPI",
        vec![range(
            RangeType::Ecosystem,
            &[(Introduced, "1.0"), (LastAffected, "1.4")],
        )],
        &[],
    );
    check(
        &p,
        "1.4",
        Verdict::Affected,
        "affected: introduced 1.0 <= 1.4 <= last_affected 1.4 (range 0, ECOSYSTEM)",
    );
    check(
        &p,
        "1.4.0",
        Verdict::Affected,
        "affected: introduced 1.0 <= 1.4.0 <= last_affected 1.4 (range 0, ECOSYSTEM)",
    );
    check(
        &p,
        "1.4.post1",
        Verdict::NotAffected,
        "not affected: last_affected 1.4 < 1.4.post1 (range 0, ECOSYSTEM)",
    );
    check(
        &p,
        "1.0rc1",
        Verdict::NotAffected,
        "not affected: 1.0rc1 < introduced 1.0 (range 0, ECOSYSTEM)",
    );
}

#[test]
fn no_fix_yet() {
    let p = affected(
        "Debian:12",
        vec![range(RangeType::Ecosystem, &[(Introduced, "0")])],
        &[],
    );
    check(
        &p,
        "1:2.3-4",
        Verdict::Affected,
        "affected: introduced 0 <= 1:2.3-4, no fixed version (range 0, ECOSYSTEM)",
    );
}

#[test]
fn limit_events_bound_the_range() {
    let p = affected(
        "Go",
        vec![range(
            RangeType::Semver,
            &[(Introduced, "1.0.0"), (Limit, "2.0.0"), (Limit, "*")],
        )],
        &[],
    );
    check(
        &p,
        "v3.0.0",
        Verdict::Affected,
        "affected: introduced 1.0.0 <= v3.0.0, no fixed version (range 0, SEMVER)",
    );
    let p = affected(
        "Go",
        vec![range(
            RangeType::Semver,
            &[(Introduced, "1.0.0"), (Limit, "2.0.0")],
        )],
        &[],
    );
    check(
        &p,
        "v1.5.0",
        Verdict::Affected,
        "affected: introduced 1.0.0 <= v1.5.0, no fixed version (range 0, SEMVER)",
    );
    check(
        &p,
        "v2.0.0",
        Verdict::NotAffected,
        "not affected: v2.0.0 is not below any limit (range 0, SEMVER)",
    );
}

#[test]
fn listed_versions_and_normalised_equality() {
    let p = affected("PyPI", vec![], &["1.0", "1.1", "weird-1"]);
    check(
        &p,
        "1.0.0",
        Verdict::Affected,
        "affected: 1.0.0 is listed in versions",
    );
    check(
        &p,
        "weird-1",
        Verdict::Affected,
        "affected: weird-1 is listed in versions",
    );
    check(
        &p,
        "1.2",
        Verdict::NotAffected,
        "not affected: 1.2 is not listed in versions",
    );
}

#[test]
fn a_listed_version_inside_a_range_is_explained_by_the_range() {
    let eco = range(
        RangeType::Ecosystem,
        &[(Introduced, "0"), (Fixed, "2.10.1")],
    );
    let p = affected("PyPI", vec![eco], &["2.9", "2.10"]);
    check(
        &p,
        "2.10",
        Verdict::Affected,
        "affected: introduced 0 <= 2.10 < fixed 2.10.1 (range 0, ECOSYSTEM)",
    );
}

#[test]
fn git_ranges_are_never_matched() {
    let git = Range {
        range_type: RangeType::Git,
        repo: Some("https://github.com/example/lib".into()),
        events: vec![Event::new(Introduced, "0"), Event::new(Fixed, "abc123")],
    };
    let p = affected("PyPI", vec![git.clone()], &[]);
    check(
        &p,
        "1.0",
        Verdict::NotEvaluable,
        "not evaluable: GIT range 0 not evaluated: commit ranges need the repository's history (https://github.com/example/lib)",
    );
    assert_eq!(p.problems().len(), 1);
    // With a versions list (which OSV derives from the commit ranges) it is decided by the list.
    let p = affected("PyPI", vec![git], &["0.9"]);
    check(
        &p,
        "0.9",
        Verdict::Affected,
        "affected: 0.9 is listed in versions",
    );
    check(
        &p,
        "1.0",
        Verdict::NotAffected,
        "not affected: GIT range 0 not evaluated: commit ranges need the repository's history (https://github.com/example/lib); the versions list stands in for it; 1.0 is not listed in versions",
    );
}

#[test]
fn ecosystems_without_ordering_use_the_list() {
    let eco = range(RangeType::Ecosystem, &[(Introduced, "0"), (Fixed, "2.0")]);
    let p = affected("Packagist", vec![eco.clone()], &["1.0", "1.5"]);
    check(
        &p,
        "1.5",
        Verdict::Affected,
        "affected: 1.5 is listed in versions",
    );
    assert_eq!(p.evaluate("1.7").verdict, Verdict::NotAffected);
    let p = affected("Packagist", vec![eco], &[]);
    let e = p.evaluate("1.5");
    assert_eq!(e.verdict, Verdict::NotEvaluable);
    assert!(
        e.to_string()
            .contains("no version ordering is known for ecosystem Packagist"),
        "{e}"
    );
}

#[test]
fn invalid_versions_are_not_evaluable_never_unaffected() {
    let p = affected(
        "PyPI",
        vec![range(
            RangeType::Ecosystem,
            &[(Introduced, "0"), (Fixed, "2.0")],
        )],
        &[],
    );
    let e = p.evaluate("not a version");
    assert_eq!(e.verdict, Verdict::NotEvaluable);
    assert!(
        e.to_string()
            .starts_with("not evaluable: PEP 440 version \"not a version\" is not valid"),
        "{e}"
    );
    // A bad event version makes the range unusable and is reported once, at preparation.
    let p = affected(
        "npm",
        vec![range(
            RangeType::Semver,
            &[(Introduced, "0"), (Fixed, "1.0")],
        )],
        &[],
    );
    assert_eq!(p.evaluate("0.5.0").verdict, Verdict::NotEvaluable);
    assert!(
        p.problems()[0].contains("fixed event"),
        "{:?}",
        p.problems()
    );
    // An unknown range type likewise.
    let p = affected(
        "npm",
        vec![range(RangeType::parse("SOMETHING"), &[(Introduced, "0")])],
        &[],
    );
    assert_eq!(p.evaluate("1.0.0").verdict, Verdict::NotEvaluable);
    // An entry with nothing in it.
    let p = affected("npm", vec![], &[]);
    check(
        &p,
        "1.0.0",
        Verdict::NotEvaluable,
        "not evaluable: the advisory lists neither ranges nor versions",
    );
}

#[test]
fn one_affecting_range_is_enough() {
    let p = affected(
        "Maven",
        vec![
            range(RangeType::Ecosystem, &[(Introduced, "1.0"), (Fixed, "1.5")]),
            range(
                RangeType::Ecosystem,
                &[(Introduced, "2.0"), (Fixed, "2.3.1")],
            ),
        ],
        &[],
    );
    check(
        &p,
        "2.3",
        Verdict::Affected,
        "affected: introduced 2.0 <= 2.3 < fixed 2.3.1 (range 1, ECOSYSTEM)",
    );
    check(
        &p,
        "1.7",
        Verdict::NotAffected,
        "not affected: fixed 1.5 <= 1.7 (range 0, ECOSYSTEM); 1.7 < introduced 2.0 (range 1, ECOSYSTEM)",
    );
    check(
        &p,
        "2.3.1-SNAPSHOT",
        Verdict::Affected,
        "affected: introduced 2.0 <= 2.3.1-SNAPSHOT < fixed 2.3.1 (range 1, ECOSYSTEM)",
    );
}

#[test]
fn distro_ecosystems() {
    let p = affected(
        "Debian:12",
        vec![range(
            RangeType::Ecosystem,
            &[(Introduced, "0"), (Fixed, "3.0.15-1~deb12u1")],
        )],
        &[],
    );
    check(
        &p,
        "3.0.15-1~deb12u1",
        Verdict::NotAffected,
        "not affected: fixed 3.0.15-1~deb12u1 <= 3.0.15-1~deb12u1 (range 0, ECOSYSTEM)",
    );
    assert_eq!(p.evaluate("3.0.14-1").verdict, Verdict::Affected);
    let p = affected(
        "Alpine:v3.20",
        vec![range(
            RangeType::Ecosystem,
            &[(Introduced, "0"), (Fixed, "3.3.2-r0")],
        )],
        &[],
    );
    assert_eq!(p.evaluate("3.3.1-r5").verdict, Verdict::Affected);
    assert_eq!(p.evaluate("3.3.2-r1").verdict, Verdict::NotAffected);
    let p = affected(
        "Red Hat:enterprise_linux:9::baseos",
        vec![range(
            RangeType::Ecosystem,
            &[(Introduced, "0"), (Fixed, "1:3.0.7-27.el9")],
        )],
        &[],
    );
    assert_eq!(p.evaluate("1:3.0.7-25.el9").verdict, Verdict::Affected);
    assert_eq!(
        p.evaluate("3.5.0-1.el9").verdict,
        Verdict::Affected,
        "epoch 0 < epoch 1"
    );
    let p = affected(
        "RubyGems",
        vec![range(
            RangeType::Ecosystem,
            &[(Introduced, "0"), (Fixed, "7.0.4")],
        )],
        &[],
    );
    assert_eq!(p.evaluate("7.0.4.rc1").verdict, Verdict::Affected);
    let p = affected(
        "NuGet",
        vec![range(
            RangeType::Ecosystem,
            &[(Introduced, "0"), (Fixed, "6.0.1")],
        )],
        &[],
    );
    assert_eq!(p.evaluate("6.0.0.9").verdict, Verdict::Affected);
}

#[test]
fn preparsed_versions_give_the_same_answers() {
    let p = affected(
        "PyPI",
        vec![range(
            RangeType::Ecosystem,
            &[(Introduced, "1.0"), (Fixed, "1.4.5")],
        )],
        &["0.1"],
    );
    for v in ["0.1", "1.2", "1.4.5", "2.0"] {
        let parsed = iotlabel_versions::Scheme::Pep440.parse(v).unwrap();
        assert_eq!(
            p.evaluate(v).verdict,
            p.evaluate_parsed(v, &parsed).verdict,
            "{v}"
        );
    }
}
