//! The OSV evaluation algorithm (OSV schema, section "Evaluation") over our own small input
//! types, so that this crate depends on no particular OSV parser: a version is affected if it
//! is listed in `versions` or lies in one of the `ranges`. A range is walked in version order:
//! `introduced <= v` makes it affected, `fixed <= v` or `last_affected < v` unaffected, and the
//! last applicable event wins; `limit` events bound the range from above.
//!
//! Every result carries its reason ([`Evaluation`]'s `Display`): which range and which events
//! decided, or why the advisory could not be evaluated. `GIT` ranges are never evaluated (they
//! need the repository's commit graph); they and `ECOSYSTEM` ranges of ecosystems without a
//! version ordering fall back to the `versions` list, which OSV asks advisories to provide, and
//! a `GIT` range also to the entry's version ranges. When nothing stands in, the verdict is
//! [`Verdict::NotEvaluable`], never "not affected".
//!
//! [`PreparedAffected`] parses an advisory's versions once, so that evaluating many component
//! versions against it costs only comparisons.

use std::cmp::Ordering;
use std::fmt;

use crate::{OsvEcosystem, Scheme, Version, VersionError};

/// The type of an OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RangeType {
    /// `SEMVER`: SemVer 2.0 precedence whatever the ecosystem.
    Semver,
    /// `ECOSYSTEM`: the ecosystem's own ordering.
    Ecosystem,
    /// `GIT`: commit hashes in a repository; not evaluable from a version string.
    Git,
    /// A type this crate does not know.
    Other(String),
}

impl RangeType {
    /// Reads an OSV range type (`SEMVER`, `ECOSYSTEM`, `GIT`; case is ignored).
    pub fn parse(text: &str) -> RangeType {
        match text.to_ascii_uppercase().as_str() {
            "SEMVER" => RangeType::Semver,
            "ECOSYSTEM" => RangeType::Ecosystem,
            "GIT" => RangeType::Git,
            _ => RangeType::Other(text.to_owned()),
        }
    }
}

impl fmt::Display for RangeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RangeType::Semver => "SEMVER",
            RangeType::Ecosystem => "ECOSYSTEM",
            RangeType::Git => "GIT",
            RangeType::Other(other) => other,
        })
    }
}

/// The kind of an OSV range event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// `introduced`: the first affected version (`"0"`: before every version).
    Introduced,
    /// `fixed`: the first unaffected version after an `introduced`.
    Fixed,
    /// `last_affected`: the last affected version (inclusive).
    LastAffected,
    /// `limit`: an upper bound of the whole range (`"*"`: none).
    Limit,
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EventKind::Introduced => "introduced",
            EventKind::Fixed => "fixed",
            EventKind::LastAffected => "last_affected",
            EventKind::Limit => "limit",
        })
    }
}

/// One OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// What the event says.
    pub kind: EventKind,
    /// The version (or commit) it says it of.
    pub version: String,
}

impl Event {
    /// An event of `kind` at `version`.
    pub fn new(kind: EventKind, version: impl Into<String>) -> Event {
        Event {
            kind,
            version: version.into(),
        }
    }
}

/// One entry of OSV `affected[].ranges`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Range {
    /// The range type.
    pub range_type: RangeType,
    /// The repository of a `GIT` range.
    pub repo: Option<String>,
    /// The events, in any order.
    pub events: Vec<Event>,
}

/// One OSV `affected[]` entry for a package: what this crate needs of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Affected {
    /// The OSV ecosystem string, e.g. `PyPI` or `Debian:12`.
    pub ecosystem: String,
    /// The affected ranges.
    pub ranges: Vec<Range>,
    /// The explicitly listed affected versions.
    pub versions: Vec<String>,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The version is affected.
    Affected,
    /// The version is not affected by any range and not listed.
    NotAffected,
    /// The advisory cannot be evaluated for this version (a `GIT` range or an ecosystem without
    /// ordering and no `versions` list, an invalid version, ...). Never read as "not affected".
    NotEvaluable,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Affected => "affected",
            Verdict::NotAffected => "not affected",
            Verdict::NotEvaluable => "not evaluable",
        })
    }
}

/// An event bound, parsed.
#[derive(Debug, Clone)]
enum Bound {
    /// `introduced: "0"`.
    Zero,
    /// `limit: "*"`.
    Infinity,
    Version(Version),
}

impl Bound {
    /// How `v` compares with this bound (`v` is of the range's scheme).
    fn cmp_version(&self, v: &Version) -> Ordering {
        match self {
            Bound::Zero => Ordering::Greater,
            Bound::Infinity => Ordering::Less,
            Bound::Version(b) => v.cmp_same_scheme(b).unwrap_or(Ordering::Equal),
        }
    }

    fn cmp_bound(&self, other: &Bound) -> Ordering {
        match (self, other) {
            (Bound::Zero, Bound::Zero) | (Bound::Infinity, Bound::Infinity) => Ordering::Equal,
            (Bound::Zero, _) | (_, Bound::Infinity) => Ordering::Less,
            (_, Bound::Zero) | (Bound::Infinity, _) => Ordering::Greater,
            (Bound::Version(a), Bound::Version(b)) => {
                a.cmp_same_scheme(b).unwrap_or(Ordering::Equal)
            }
        }
    }
}

#[derive(Debug, Clone)]
struct PreparedEvent {
    kind: EventKind,
    bound: Bound,
    text: Box<str>,
}

/// Why a range cannot be evaluated by version.
#[derive(Debug, Clone)]
enum Unusable {
    Git,
    UnknownType,
    NoOrdering,
    BadEvent {
        kind: EventKind,
        error: VersionError,
    },
}

#[derive(Debug, Clone)]
enum RangeState {
    Ready {
        scheme: Scheme,
        /// Sorted by version; events at the same version in kind order.
        events: Vec<PreparedEvent>,
        has_limits: bool,
    },
    Unusable(Unusable),
}

#[derive(Debug, Clone)]
struct PreparedRange {
    range_type: RangeType,
    repo: Option<String>,
    state: RangeState,
}

/// An [`Affected`] entry with every version parsed once, ready to evaluate many versions.
#[derive(Debug, Clone)]
pub struct PreparedAffected {
    ecosystem: OsvEcosystem,
    scheme: Option<Scheme>,
    ranges: Vec<PreparedRange>,
    /// The `versions` list parsed under the ecosystem's scheme, sorted for binary search.
    listed_parsed: Vec<Version>,
    /// The `versions` list as text, sorted, for exact matches of unparsable strings.
    listed_text: Vec<Box<str>>,
}

/// What one range says about one version.
enum RangeOutcome<'r> {
    Affected {
        introduced: usize,
        upper: Option<usize>,
    },
    BelowIntroduced {
        first: Option<usize>,
    },
    Fixed(usize),
    AfterLastAffected(usize),
    BeyondLimits,
    Unusable(&'r Unusable),
    InvalidVersion(VersionError),
}

impl PreparedAffected {
    /// Parses the advisory's versions. Never fails: problems (an event version that is not
    /// valid for the ecosystem, an unknown range type) make that range unusable, which
    /// [`PreparedAffected::problems`] reports and evaluations explain.
    pub fn new(affected: &Affected) -> PreparedAffected {
        let ecosystem = OsvEcosystem::parse(&affected.ecosystem);
        let scheme = ecosystem.scheme();
        let ranges = affected
            .ranges
            .iter()
            .map(|range| prepare_range(range, scheme))
            .collect();
        let mut listed_parsed: Vec<Version> = match scheme {
            Some(scheme) => affected
                .versions
                .iter()
                .filter_map(|v| scheme.parse(v).ok())
                .collect(),
            None => Vec::new(),
        };
        crate::sort_by_version(&mut listed_parsed, |v| v);
        let mut listed_text: Vec<Box<str>> = affected
            .versions
            .iter()
            .map(|v| v.as_str().into())
            .collect();
        listed_text.sort();
        listed_text.dedup();
        PreparedAffected {
            ecosystem,
            scheme,
            ranges,
            listed_parsed,
            listed_text,
        }
    }

    /// The advisory's ecosystem.
    pub fn ecosystem(&self) -> &OsvEcosystem {
        &self.ecosystem
    }

    /// Problems found while preparing (one message per unusable range), for ingest reports.
    pub fn problems(&self) -> Vec<String> {
        self.ranges
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r.state {
                RangeState::Unusable(u) => Some(unusable_text(i, r, u, &self.ecosystem)),
                RangeState::Ready { .. } => None,
            })
            .collect()
    }

    /// Evaluates `version` (a version string of the advisory's ecosystem).
    pub fn evaluate<'a>(&'a self, version: &'a str) -> Evaluation<'a> {
        let native = self.scheme.map(|s| s.parse(version));
        let verdict = self.decide(version, native.as_ref().map(|r| r.as_ref()));
        Evaluation {
            affected: self,
            version,
            verdict,
        }
    }

    /// Evaluates a version already parsed under the ecosystem's scheme (the registry keeps its
    /// components parsed); `text` is its original string, used for `versions` matches of
    /// unparsable entries, `SEMVER` ranges of non-SemVer ecosystems and explanations.
    pub fn evaluate_parsed<'a>(&'a self, text: &'a str, parsed: &Version) -> Evaluation<'a> {
        let verdict = self.decide(text, Some(Ok(parsed)));
        Evaluation {
            affected: self,
            version: text,
            verdict,
        }
    }

    fn is_listed(&self, text: &str, native: Option<Result<&Version, &VersionError>>) -> bool {
        if self
            .listed_text
            .binary_search_by(|l| (**l).cmp(text))
            .is_ok()
        {
            return true;
        }
        match native {
            Some(Ok(v)) => self
                .listed_parsed
                .binary_search_by(|l| l.cmp_same_scheme(v).unwrap_or(Ordering::Less))
                .is_ok(),
            _ => false,
        }
    }

    fn decide(&self, text: &str, native: Option<Result<&Version, &VersionError>>) -> Verdict {
        if self.is_listed(text, native) {
            return Verdict::Affected;
        }
        let mut semver: Option<Result<Version, VersionError>> = None;
        let mut uncovered = self.ranges.is_empty() && self.listed_text.is_empty();
        for range in &self.ranges {
            match self.outcome(range, text, native, &mut semver) {
                RangeOutcome::Affected { .. } => return Verdict::Affected,
                RangeOutcome::Unusable(u) => uncovered |= self.stand_in(u).is_none(),
                RangeOutcome::InvalidVersion(_) => uncovered |= self.listed_text.is_empty(),
                _ => {}
            }
        }
        if uncovered {
            Verdict::NotEvaluable
        } else {
            Verdict::NotAffected
        }
    }

    fn outcome<'r>(
        &self,
        range: &'r PreparedRange,
        text: &str,
        native: Option<Result<&Version, &VersionError>>,
        semver: &mut Option<Result<Version, VersionError>>,
    ) -> RangeOutcome<'r> {
        let (scheme, events, has_limits) = match &range.state {
            RangeState::Unusable(u) => return RangeOutcome::Unusable(u),
            RangeState::Ready {
                scheme,
                events,
                has_limits,
            } => (*scheme, events, *has_limits),
        };
        let fresh;
        let v = match native {
            Some(Ok(v)) if v.scheme() == scheme => v,
            Some(Err(e)) if Some(scheme) == self.scheme => {
                return RangeOutcome::InvalidVersion(e.clone());
            }
            // SEMVER ranges of other ecosystems: parse the text once per evaluation.
            _ if scheme == Scheme::SemVer => {
                match semver.get_or_insert_with(|| scheme.parse(text)) {
                    Ok(v) => v,
                    Err(e) => return RangeOutcome::InvalidVersion(e.clone()),
                }
            }
            _ => {
                fresh = scheme.parse(text);
                match &fresh {
                    Ok(v) => v,
                    Err(e) => return RangeOutcome::InvalidVersion(e.clone()),
                }
            }
        };
        range_outcome(events, has_limits, v)
    }

    /// What decides in place of an unusable range, if anything: the `versions` list, or for a
    /// `GIT` range also the entry's version ranges (OSV databases derive those from the commit
    /// ranges, so they describe the same vulnerability in version terms).
    fn stand_in(&self, unusable: &Unusable) -> Option<&'static str> {
        if !self.listed_text.is_empty() {
            return Some("the versions list stands in for it");
        }
        let has_version_range = self
            .ranges
            .iter()
            .any(|r| matches!(r.state, RangeState::Ready { .. }));
        (matches!(unusable, Unusable::Git) && has_version_range)
            .then_some("the version ranges stand in for it")
    }

    /// The full explanation of the verdict for `text`.
    fn explain(&self, text: &str, verdict: Verdict, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let native = self.scheme.map(|s| s.parse(text));
        let native = native.as_ref().map(|r| r.as_ref());
        let mut semver = None;
        // A listed version is explained by the range that also covers it, when one does:
        // that says which event decided.
        if verdict == Verdict::Affected
            && self.is_listed(text, native)
            && !self.ranges.iter().any(|range| {
                matches!(
                    self.outcome(range, text, native, &mut semver),
                    RangeOutcome::Affected { .. }
                )
            })
        {
            return write!(f, "affected: {text} is listed in versions");
        }
        let mut reasons = Vec::new();
        for (i, range) in self.ranges.iter().enumerate() {
            let outcome = self.outcome(range, text, native, &mut semver);
            let tag = format!("(range {i}, {})", range.range_type);
            let events = match &range.state {
                RangeState::Ready { events, .. } => events.as_slice(),
                RangeState::Unusable(_) => &[],
            };
            let ev = |j: usize| {
                events
                    .get(j)
                    .map_or_else(String::new, |e| format!("{} {}", e.kind, e.text))
            };
            let reason = match outcome {
                RangeOutcome::Affected { introduced, upper } => {
                    let mut s = format!("affected: {} <= {text}", ev(introduced));
                    match upper.and_then(|j| events.get(j)) {
                        Some(e) if e.kind == EventKind::LastAffected => {
                            s.push_str(&format!(" <= last_affected {}", e.text));
                        }
                        Some(e) => s.push_str(&format!(" < {} {}", e.kind, e.text)),
                        None => s.push_str(", no fixed version"),
                    }
                    s.push_str(&format!(" {tag}"));
                    return f.write_str(&s);
                }
                RangeOutcome::BelowIntroduced { first: Some(j) } => {
                    format!("{text} < {} {tag}", ev(j))
                }
                RangeOutcome::BelowIntroduced { first: None } => {
                    format!("no introduced event applies {tag}")
                }
                RangeOutcome::Fixed(j) => format!("{} <= {text} {tag}", ev(j)),
                RangeOutcome::AfterLastAffected(j) => format!("{} < {text} {tag}", ev(j)),
                RangeOutcome::BeyondLimits => format!("{text} is not below any limit {tag}"),
                RangeOutcome::Unusable(u) => {
                    let mut s = unusable_text(i, range, u, &self.ecosystem);
                    if let Some(stand_in) = self.stand_in(u) {
                        s.push_str("; ");
                        s.push_str(stand_in);
                    }
                    s
                }
                RangeOutcome::InvalidVersion(e) => format!("{e} {tag}"),
            };
            reasons.push(reason);
        }
        if self.ranges.is_empty() && self.listed_text.is_empty() {
            reasons.push("the advisory lists neither ranges nor versions".to_owned());
        } else if !self.listed_text.is_empty() {
            reasons.push(format!("{text} is not listed in versions"));
        }
        write!(f, "{verdict}: {}", reasons.join("; "))
    }
}

fn unusable_text(i: usize, range: &PreparedRange, u: &Unusable, eco: &OsvEcosystem) -> String {
    match u {
        Unusable::Git => format!(
            "GIT range {i} not evaluated: commit ranges need the repository's history ({})",
            range.repo.as_deref().unwrap_or("no repo given")
        ),
        Unusable::UnknownType => {
            format!(
                "range {i} has unknown type {:?} and is not evaluated",
                range.range_type.to_string()
            )
        }
        Unusable::NoOrdering => format!(
            "ECOSYSTEM range {i} not evaluated: no version ordering is known for ecosystem {}",
            eco.name
        ),
        Unusable::BadEvent { kind, error } => {
            format!(
                "range {i} ({}) not evaluated: its {kind} event: {error}",
                range.range_type
            )
        }
    }
}

fn prepare_range(range: &Range, ecosystem_scheme: Option<Scheme>) -> PreparedRange {
    let unusable = |u| PreparedRange {
        range_type: range.range_type.clone(),
        repo: range.repo.clone(),
        state: RangeState::Unusable(u),
    };
    let scheme = match &range.range_type {
        RangeType::Semver => Scheme::SemVer,
        RangeType::Ecosystem => match ecosystem_scheme {
            Some(s) => s,
            None => return unusable(Unusable::NoOrdering),
        },
        RangeType::Git => return unusable(Unusable::Git),
        RangeType::Other(_) => return unusable(Unusable::UnknownType),
    };
    let mut events = Vec::with_capacity(range.events.len());
    for event in &range.events {
        let text = event.version.as_str();
        let bound = match (event.kind, text) {
            (EventKind::Introduced, "0") => Bound::Zero,
            (EventKind::Limit, "*") => Bound::Infinity,
            _ => match scheme.parse(text) {
                Ok(v) => Bound::Version(v),
                Err(error) => {
                    return unusable(Unusable::BadEvent {
                        kind: event.kind,
                        error,
                    });
                }
            },
        };
        events.push(PreparedEvent {
            kind: event.kind,
            bound,
            text: text.into(),
        });
    }
    crate::sort::sort_by(&mut events, |a, b| {
        a.bound.cmp_bound(&b.bound).then(a.kind.cmp(&b.kind))
    });
    let has_limits = events.iter().any(|e| e.kind == EventKind::Limit);
    PreparedRange {
        range_type: range.range_type.clone(),
        repo: range.repo.clone(),
        state: RangeState::Ready {
            scheme,
            events,
            has_limits,
        },
    }
}

/// The OSV walk over one range's sorted events.
fn range_outcome(events: &[PreparedEvent], has_limits: bool, v: &Version) -> RangeOutcome<'static> {
    if has_limits
        && !events
            .iter()
            .any(|e| e.kind == EventKind::Limit && e.bound.cmp_version(v) == Ordering::Less)
    {
        return RangeOutcome::BeyondLimits;
    }
    let mut vulnerable = false;
    let mut introduced = None;
    let mut cleared = None;
    for (j, e) in events.iter().enumerate() {
        let order = e.bound.cmp_version(v);
        match e.kind {
            EventKind::Introduced if order != Ordering::Less => {
                vulnerable = true;
                introduced = Some(j);
            }
            EventKind::Fixed if order != Ordering::Less => {
                vulnerable = false;
                cleared = Some(j);
            }
            EventKind::LastAffected if order == Ordering::Greater => {
                vulnerable = false;
                cleared = Some(j);
            }
            _ => {}
        }
    }
    match (vulnerable, introduced, cleared) {
        (true, Some(i), _) => {
            let upper = events.iter().enumerate().skip(i + 1).find_map(|(j, e)| {
                matches!(e.kind, EventKind::Fixed | EventKind::LastAffected).then_some(j)
            });
            RangeOutcome::Affected {
                introduced: i,
                upper,
            }
        }
        (_, _, Some(j)) if events.get(j).is_some_and(|e| e.kind == EventKind::Fixed) => {
            RangeOutcome::Fixed(j)
        }
        (_, _, Some(j)) => RangeOutcome::AfterLastAffected(j),
        _ => RangeOutcome::BelowIntroduced {
            first: events.iter().position(|e| e.kind == EventKind::Introduced),
        },
    }
}

/// The result of evaluating one version against one [`PreparedAffected`]. `Display` explains
/// it, e.g. `affected: introduced 1.2.0 <= 1.4.3 < fixed 1.4.5 (range 0, SEMVER)`.
#[derive(Debug, Clone, Copy)]
pub struct Evaluation<'a> {
    affected: &'a PreparedAffected,
    version: &'a str,
    /// The outcome.
    pub verdict: Verdict,
}

impl Evaluation<'_> {
    /// Whether the version is affected.
    pub fn is_affected(&self) -> bool {
        self.verdict == Verdict::Affected
    }
}

impl fmt::Display for Evaluation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.affected.explain(self.version, self.verdict, f)
    }
}
