//! The per-package range index: every advisory entry of one package compiled against the
//! package's own sorted list of boundary versions, so that evaluating a component version
//! costs one binary search plus integer comparisons per entry, instead of version comparisons
//! against every event of every entry (popular packages have thousands of advisories, and
//! each version comparison chases pointers through parsed versions scattered in memory).
//!
//! How: the distinct version texts the package's entries name (range events, `versions`
//! lists) are parsed once, per scheme ("space": the ecosystem's own, and SemVer for `SEMVER`
//! ranges of other ecosystems), sorted, and numbered in *classes* of versions that compare
//! equal. A bound is then a position on that list (`0` is `introduced: "0"`, `u32::MAX` is
//! `limit: "*"`, class `c` is `2c + 2`), and a component version, located once by binary
//! search, is a position too: `2c + 2` when it equals class `c`, odd when it lies between two
//! classes. The OSV walk of [`iotlabel_versions::PreparedAffected`] then runs on those
//! integers, with the same verdicts, and tells which events decided, from which the
//! explanation is written when a finding is shown ([`Why`]).
//!
//! Exactness: positions reproduce every comparison the versions crate would make as long as
//! the order is total and transitive. That holds for every scheme but Maven, whose order has
//! cycles in corner cases; for Maven, the boundaries are checked pairwise when the table is
//! built and each component version is compared with every boundary, and any inconsistency
//! sends the evaluation to the versions crate. Entries this module does not compile (an
//! ecosystem without ordering, a component version that does not parse) are evaluated by the
//! versions crate as before; `evaluate`'s tests check both paths give the same hits, and that
//! tables rebuilt step by step equal tables built at once.
//!
//! What findings show is kept with the table, in one block per package ([`Shared`]), which
//! verdicts share: building tens of thousands of findings then reads a few compact blocks
//! rather than thousands of records. A table is rebuilt whenever the records naming its
//! package change, from its previous version for the records that did not ([`Table::build`]).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use arcstr::ArcStr;
use iotlabel_versions::{EventKind, RangeType, Scheme, Version, sort_by_version};

use crate::advisories::{AdvisoryIndex, Entry, EntryRef, PreparedRecord, scheme_of};
use crate::aliases::{GroupInfo, Ids, RecordIx};
use crate::model::SharedText;

/// A position on a package's boundary list (see the module documentation).
type Pos = u32;
/// `introduced: "0"`: below every version.
const ZERO: Pos = 0;
/// `limit: "*"`: above every version.
const INFINITY: Pos = u32::MAX;
/// Where `texts` holds the `introduced: "0"` and `limit: "*"` texts (it starts with them).
const ZERO_TEXT: Span = (0, 1);
const INFINITY_TEXT: Span = (1, 1);
/// Entries whose ecosystem is not per distribution release carry this release index.
pub(crate) const ANY_RELEASE: u32 = u32::MAX;
/// The Maven boundaries are checked pairwise (quadratic); a package with more distinct
/// boundaries than this is evaluated by the versions crate.
const MAX_CHECKED_MAVEN_BOUNDARIES: usize = 400;

/// Why a compiled entry says a version is affected: what the explanation is written from when
/// a finding is shown (most verdicts never are, so explanations are not written ahead).
#[derive(Debug, Clone)]
pub(crate) enum Why {
    /// A range decided: the compiled range, its deciding `introduced` event and the first
    /// `fixed` / `last_affected` after it (`upper`), as indexes into the [`Shared`] arrays
    /// of the table the hit came from.
    Range {
        range: u32,
        introduced: u32,
        upper: Option<u32>,
    },
    /// The version is in the entry's `versions` list and no range covers it.
    Listed,
    /// The explanation as the versions crate wrote it (entries evaluated there).
    Text(Box<str>),
}

/// What identifies a [`Why`] whatever table it came from: the range and events by their
/// positions in the entry as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhyKey<'a> {
    Range(u16, u16, Option<u16>),
    Listed,
    Text(&'a str),
}

/// `EventKind`'s `Display`, without the formatting machinery.
fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Introduced => "introduced",
        EventKind::Fixed => "fixed",
        EventKind::LastAffected => "last_affected",
        EventKind::Limit => "limit",
    }
}

/// What a compiled entry says about a located version.
#[derive(Debug, Clone)]
pub(crate) enum Fast {
    Affected(Why),
    NotAffected,
    /// Only when the entry cannot be evaluated for any version (a `GIT`-only range, ...): the
    /// reason is then asked of the versions crate.
    NotEvaluable,
}

/// The sorted boundary versions of one scheme.
struct Space {
    scheme: Scheme,
    /// One version per class, ascending.
    classes: Vec<Version>,
    /// Maven only: every distinct boundary with its class, each compared with the component
    /// version (see the module documentation).
    members: Option<Vec<(Version, u32)>>,
}

impl Space {
    /// Parses and sorts the distinct texts; those that do not parse have no class. Returns
    /// the space and, per text, its class and its place in `store` (for explanations).
    /// `None` when the order among the boundaries is inconsistent (Maven cycles).
    fn build<'a>(
        scheme: Scheme,
        texts: impl IntoIterator<Item = &'a str>,
        store: &mut Texts,
    ) -> Option<(Space, Classes<'a>)> {
        let mut parsed: Vec<(Version, &str)> = texts
            .into_iter()
            .filter_map(|t| scheme.parse(t).ok().map(|v| (v, t)))
            .collect();
        sort_by_version(&mut parsed, |(v, _)| v);
        let mut classes: Vec<Version> = Vec::new();
        let mut class_of: Classes<'a> = HashMap::with_capacity(parsed.len());
        let mut members = Vec::new();
        for (v, text) in parsed {
            let same = classes
                .last()
                .is_some_and(|last| last.cmp_same_scheme(&v) == Some(Ordering::Equal));
            if !same {
                classes.push(v.clone());
            }
            let c = classes.len().saturating_sub(1) as u32;
            class_of.insert(text, (c, store.push(text)));
            if scheme == Scheme::Maven {
                members.push((v, c));
            }
        }
        let members = if scheme == Scheme::Maven {
            if !consistent(&members) {
                return None;
            }
            Some(members)
        } else {
            None
        };
        Some((
            Space {
                scheme,
                classes,
                members,
            },
            class_of,
        ))
    }

    /// Where a version lies: its position, and its class when it equals one. `None` when the
    /// answer could differ from the versions crate's comparisons (Maven).
    fn locate(&self, v: &Version) -> Option<(Pos, Option<u32>)> {
        match &self.members {
            None => {
                let below = self
                    .classes
                    .partition_point(|c| c.cmp_same_scheme(v) == Some(Ordering::Less));
                let equal = self
                    .classes
                    .get(below)
                    .is_some_and(|c| c.cmp_same_scheme(v) == Some(Ordering::Equal));
                Some(if equal {
                    (2 * below as u32 + 2, Some(below as u32))
                } else {
                    (2 * below as u32 + 1, None)
                })
            }
            Some(members) => {
                // Compared with every boundary, both ways (the versions crate asks both
                // `v <=> bound` and `listed <=> v`); the answers must agree with the classes.
                let mut answer: Vec<Option<Ordering>> = vec![None; self.classes.len()];
                for (m, c) in members {
                    let ours = v.cmp_same_scheme(m)?;
                    if m.cmp_same_scheme(v)? != ours.reverse() {
                        return None;
                    }
                    let slot = answer.get_mut(*c as usize)?;
                    if slot.is_some_and(|held| held != ours) {
                        return None;
                    }
                    *slot = Some(ours);
                }
                // Greater ..., at most one Equal, Less ...
                let below = answer
                    .iter()
                    .take_while(|a| **a == Some(Ordering::Greater))
                    .count();
                let equal = answer.get(below) == Some(&Some(Ordering::Equal));
                let rest = below + usize::from(equal);
                if !answer.iter().skip(rest).all(|a| *a == Some(Ordering::Less)) {
                    return None;
                }
                Some(if equal {
                    (2 * below as u32 + 2, Some(below as u32))
                } else {
                    (2 * below as u32 + 1, None)
                })
            }
        }
    }
}

/// Whether sorted Maven boundaries compare consistently with their classes, pairwise and both
/// ways (then the versions crate's sorts and searches see the same order as ours).
fn consistent(members: &[(Version, u32)]) -> bool {
    if members.len() > MAX_CHECKED_MAVEN_BOUNDARIES {
        return false;
    }
    members.iter().enumerate().all(|(i, (a, ca))| {
        members.iter().skip(i + 1).all(|(b, cb)| {
            let want = ca.cmp(cb);
            a.cmp_same_scheme(b) == Some(want) && b.cmp_same_scheme(a) == Some(want.reverse())
        })
    })
}

/// One event on the boundary list.
#[derive(Debug, Clone, Copy)]
struct Event {
    pos: Pos,
    kind: EventKind,
    /// Index in the range's events as written.
    raw: u16,
    /// Its version as written, in `Shared::texts` (for explanations).
    text: (u32, u32),
}

/// One version range (`SEMVER` or `ECOSYSTEM`) whose events all parsed.
#[derive(Debug, Clone, Copy)]
struct Range {
    /// Index in the entry's ranges as written.
    raw: u16,
    /// Whether it is compared in the SemVer space (a `SEMVER` range of an ecosystem with
    /// another order).
    semver: bool,
    /// Whether its type is `SEMVER` (else `ECOSYSTEM`), for explanations.
    semver_type: bool,
    has_limits: bool,
    /// Its events in `Shared::events`, sorted by position then kind, as the versions crate
    /// sorts them.
    events: (u32, u32),
}

/// An entry compiled against the boundary list.
#[derive(Debug, Clone, Copy)]
struct Compiled {
    /// Its usable ranges in `Shared::ranges`.
    ranges: (u32, u32),
    /// Classes of its `versions` list in `Table::listed`, sorted.
    listed: (u32, u32),
    /// Whether, when no range and no listed version says affected, the entry is not
    /// evaluable rather than not affected (a range that cannot be evaluated by version and
    /// that nothing stands in for; no ranges and no versions at all).
    uncovered: bool,
}

/// One advisory entry of the package.
pub(crate) struct TableEntry {
    /// The entry's vulnerability, as an index into `Table::groups`.
    pub group: u32,
    /// Its place in (record id, entry index) order: which entry decides when several agree.
    pub rank: u32,
    /// Index into `Table::releases`, or [`ANY_RELEASE`] when the ecosystem's advisories are
    /// not per release.
    pub release: u32,
    /// `None`: evaluated by the versions crate.
    compiled: Option<Compiled>,
}

/// One vulnerability among the package's entries.
pub(crate) struct TableGroup {
    /// Its entries: positions `start..end` in `Table::entries` (they are listed by
    /// vulnerability).
    pub members: std::ops::Range<u32>,
}

/// A string in `Shared::texts`: start and length.
type Span = (u32, u32);

/// What the verdicts ("hits") computed from a table keep of it: which entries and
/// vulnerabilities they name, and the texts their findings show (vulnerability ids, record
/// id, summary, severity, fixed versions, what explanations quote).
///
/// Why a separate block of copies: a hit holds one reference to it, whose counter stays in
/// cache while a package version is evaluated, rather than references to records, groups and
/// lists, whose counters are cache misses; a finding copies its texts from this one block,
/// which the findings of a component share, rather than from records and groups scattered
/// over the heap (a dozen cache misses per finding made building findings cost more than
/// matching); and a table rebuilt from its predecessor copies the block instead of visiting
/// thousands of records, which after a while are no longer in any cache.
///
/// A table rebuilt for a changed package gets a new block; hits made from the old one keep
/// it (so they still show what they were computed from) until they are replaced.
pub(crate) struct Shared {
    /// Per table entry.
    pub entries: Box<[SharedEntry]>,
    /// Per vulnerability.
    pub groups: Box<[SharedGroup]>,
    /// The compiled ranges of all entries.
    ranges: Box<[Range]>,
    /// Their events.
    events: Box<[Event]>,
    /// Lists of spans (aliases, fixed versions).
    spans: Box<[Span]>,
    /// Severity scores: kind and score.
    severities: Box<[(Span, Span)]>,
    /// The texts, each distinct one once, end to end; findings share them ([`Shared::share`]).
    texts: ArcStr,
}

/// An advisory entry of the table.
pub(crate) struct SharedEntry {
    /// Where the entry is in the index.
    pub at: EntryRef,
    /// The generation of its record (see `PreparedRecord::generation`).
    pub generation: u64,
    id: Span,
    summary: Option<Span>,
    /// Its severity scores, in `Shared::severities`.
    severity: (u32, u32),
}

/// A vulnerability of the table.
pub(crate) struct SharedGroup {
    primary: Span,
    /// Its other ids, sorted, in `Shared::spans`.
    aliases: (u32, u32),
    /// The union of its entries' `fixed` versions, as `evaluate` merges them when every
    /// entry applies (the usual case), in `Shared::spans`.
    fixed: (u32, u32),
}

/// The ids of a vulnerability of a table (see [`Ids`]).
pub(crate) struct GroupIds<'a> {
    shared: &'a Shared,
    g: u32,
}

impl Ids for GroupIds<'_> {
    fn contains(&self, normalised: &str) -> bool {
        let list = self
            .shared
            .groups
            .get(self.g as usize)
            .map_or((0, 0), |g| g.aliases);
        self.shared.primary(self.g) == normalised
            || slice(&self.shared.spans, list)
                .binary_search_by(|span| self.shared.str(*span).cmp(normalised))
                .is_ok()
    }

    fn cves(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.shared.primary(self.g))
            .chain(self.shared.aliases(self.g))
            .filter(|id| id.starts_with("CVE-"))
    }
}

impl Shared {
    /// The entry at a table position.
    pub fn entry(&self, pos: u32) -> Option<&SharedEntry> {
        self.entries.get(pos as usize)
    }

    /// The ids of a vulnerability.
    pub fn ids(&self, g: u32) -> GroupIds<'_> {
        GroupIds { shared: self, g }
    }

    /// Whether vulnerability `g` here and `h` in `other` have the same ids.
    pub fn same_group(&self, g: u32, other: &Shared, h: u32) -> bool {
        (std::ptr::eq(self, other) && g == h)
            || (self.primary(g) == other.primary(h) && self.aliases(g).eq(other.aliases(h)))
    }

    fn str(&self, (start, len): Span) -> &str {
        self.texts
            .get(start as usize..(start as usize).saturating_add(len as usize))
            .unwrap_or_default()
    }

    /// `text` as a finding holds it: a reference into this table's texts when it is one of
    /// them (no copy), else a copy.
    pub fn share(&self, text: &str) -> SharedText {
        self.texts
            .try_substr_from(text)
            .unwrap_or_else(|| SharedText::from(text))
    }

    fn strs(&self, list: (u32, u32)) -> impl Iterator<Item = &str> {
        slice(&self.spans, list).iter().map(|span| self.str(*span))
    }

    /// The id of the record of the entry at a table position.
    pub fn record_id(&self, pos: u32) -> &str {
        self.entries
            .get(pos as usize)
            .map_or("", |e| self.str(e.id))
    }

    /// The summary of the record of the entry at a table position.
    pub fn summary(&self, pos: u32) -> Option<&str> {
        let summary = self.entries.get(pos as usize)?.summary?;
        Some(self.str(summary))
    }

    /// The severity scores (kind, score) of the entry at a table position.
    pub fn severity(&self, pos: u32) -> impl Iterator<Item = (&str, &str)> {
        let list = self
            .entries
            .get(pos as usize)
            .map_or((0, 0), |e| e.severity);
        slice(&self.severities, list)
            .iter()
            .map(|(kind, score)| (self.str(*kind), self.str(*score)))
    }

    /// The primary id of a vulnerability.
    pub fn primary(&self, g: u32) -> &str {
        self.groups
            .get(g as usize)
            .map_or("", |g| self.str(g.primary))
    }

    /// The other ids of a vulnerability, sorted.
    pub fn aliases(&self, g: u32) -> impl Iterator<Item = &str> {
        let list = self.groups.get(g as usize).map_or((0, 0), |g| g.aliases);
        self.strs(list)
    }

    /// The fixed versions of a vulnerability (when all its entries apply).
    pub fn fixed(&self, g: u32) -> impl Iterator<Item = &str> {
        let list = self.groups.get(g as usize).map_or((0, 0), |g| g.fixed);
        self.strs(list)
    }

    /// What identifies `why` across tables.
    pub fn why_key<'a>(&self, why: &'a Why) -> WhyKey<'a> {
        match why {
            Why::Range {
                range,
                introduced,
                upper,
            } => {
                let raw = |i: u32| self.events.get(i as usize).map_or(u16::MAX, |e| e.raw);
                WhyKey::Range(
                    self.ranges.get(*range as usize).map_or(u16::MAX, |r| r.raw),
                    raw(*introduced),
                    upper.map(raw),
                )
            }
            Why::Listed => WhyKey::Listed,
            Why::Text(text) => WhyKey::Text(text),
        }
    }

    fn text(&self, event: &Event) -> &str {
        self.str(event.text)
    }

    /// The explanation, exactly as [`iotlabel_versions::Evaluation`]'s `Display` writes it
    /// without the leading verdict, e.g. `introduced 1.2.0 <= 1.4.3 < fixed 1.4.5 (range 0,
    /// SEMVER)`.
    pub fn explain(&self, why: &Why, version: &str) -> String {
        let (range, introduced, upper) = match why {
            Why::Text(text) => return text.to_string(),
            Why::Listed => return format!("{version} is listed in versions"),
            Why::Range {
                range,
                introduced,
                upper,
            } => (range, introduced, upper),
        };
        let (Some(range), Some(introduced)) = (
            self.ranges.get(*range as usize),
            self.events.get(*introduced as usize),
        ) else {
            return String::new();
        };
        let upper = upper.and_then(|u| self.events.get(u as usize));
        let kind = if range.semver_type {
            "SEMVER"
        } else {
            "ECOSYSTEM"
        };
        let introduced_kind = kind_name(introduced.kind);
        let introduced_text = self.text(introduced);
        // The parts between the upper event's words, and those words.
        let (upper_sep, upper_kind, upper_text) = match upper {
            Some(e) if e.kind == EventKind::LastAffected => {
                (" <= last_affected ", "", self.text(e))
            }
            Some(e) => (" < ", kind_name(e.kind), self.text(e)),
            None => (", no fixed version", "", ""),
        };
        let upper_space = if upper_kind.is_empty() { "" } else { " " };
        // Written into one allocation of the exact length: tens of thousands of findings
        // are built at once, and a reallocation or slack per explanation shows.
        let raw = range.raw;
        let digits = match raw {
            0..=9 => 1,
            10..=99 => 2,
            100..=999 => 3,
            1000..=9999 => 4,
            _ => 5,
        };
        let parts = [
            introduced_kind,
            " ",
            introduced_text,
            " <= ",
            version,
            upper_sep,
            upper_kind,
            upper_space,
            upper_text,
            " (range ",
        ];
        let len = parts.iter().map(|p| p.len()).sum::<usize>() + digits + 2 + kind.len() + 1;
        let mut out = String::with_capacity(len);
        for part in parts {
            out.push_str(part);
        }
        let mut place = 10_000;
        while place > 1 && raw < place {
            place /= 10;
        }
        loop {
            out.push(char::from(b'0' + ((raw / place) % 10) as u8));
            if place == 1 {
                break;
            }
            place /= 10;
        }
        out.push_str(", ");
        out.push_str(kind);
        out.push(')');
        debug_assert_eq!(out.len(), len);
        out
    }
}

impl Shared {
    /// Reads a byte of every text a finding of vulnerability `g`, decided by the entry at
    /// `pos` as `why` says, will hold, and folds them into one (for `black_box`). Building
    /// a finding copies none of these texts, but slicing them reads them, and they lie
    /// scattered over tables of tens of kilobytes that evaluation did not touch: one finding
    /// at a time, each is a wait on memory. Read ahead for a batch of findings, in a loop
    /// whose rounds do not wait for each other, the waits overlap.
    pub fn warm(&self, g: u32, pos: u32, why: &Why) -> u8 {
        let bytes = self.texts.as_bytes();
        let at = |(start, _): Span| bytes.get(start as usize).copied().unwrap_or(0);
        let list = |list: (u32, u32)| {
            slice(&self.spans, list)
                .iter()
                .fold(0, |acc, s| acc ^ at(*s))
        };
        let mut folded = 0;
        if let Some(group) = self.groups.get(g as usize) {
            folded ^= at(group.primary) ^ list(group.aliases) ^ list(group.fixed);
        }
        if let Some(entry) = self.entries.get(pos as usize) {
            folded ^= at(entry.id) ^ entry.summary.map_or(0, at);
            for (kind, score) in slice(&self.severities, entry.severity) {
                folded ^= at(*kind) ^ at(*score);
            }
        }
        if let Why::Range {
            range,
            introduced,
            upper,
        } = why
        {
            let event = |e: u32| self.events.get(e as usize).map_or(0, |e| at(e.text));
            folded ^= self.ranges.get(*range as usize).map_or(0, |r| r.raw as u8)
                ^ event(*introduced)
                ^ upper.map_or(0, event);
        }
        folded
    }
}

/// The located component version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Located {
    native: Pos,
    class: Option<u32>,
    semver: Pos,
}

/// All advisory entries naming one package key.
pub(crate) struct Table {
    pub shared: Arc<Shared>,
    native: Option<Space>,
    /// SemVer boundaries of `SEMVER` ranges, when the ecosystem orders differently.
    semver: Option<Space>,
    /// Entries in the key's order.
    pub entries: Box<[TableEntry]>,
    /// Vulnerabilities, sorted by primary id (hits come out in that order).
    pub groups: Box<[TableGroup]>,
    /// Distinct releases of per-release entries.
    pub releases: Box<[Option<Box<str>>]>,
    listed: Box<[u32]>,
    /// The distinct boundary texts (in `shared.texts`), and whether they are SemVer ones: a
    /// rebuilt table keeps them all, so that reused entries can be renumbered.
    boundaries: Box<[(Span, bool)]>,
    /// Per native class, one of its texts (`versions` lists hold classes).
    class_texts: Box<[Span]>,
    /// Whether some entry has a `SEMVER` range.
    has_semver: bool,
}

impl Table {
    /// Compiles the entries of key `k`; `None` when it has none.
    ///
    /// With `old`, the key's previous table, entries of records that `fresh` does not name
    /// (records neither changed nor regrouped since) are taken from it: their compiled ranges
    /// are renumbered onto the new boundary list and their texts copied. That reads one compact
    /// block instead of thousands of records scattered over the heap, which matters for the
    /// popular packages, whose tables every new advisory about them rebuilds.
    pub fn build(
        index: &AdvisoryIndex,
        k: u32,
        old: Option<&Table>,
        fresh: &dyn Fn(RecordIx) -> bool,
    ) -> Option<Table> {
        let refs = index.entries_of(k);
        if refs.is_empty() {
            return None;
        }
        let native_scheme = index.key_at(k).and_then(|key| scheme_of(&key.ecosystem));
        let reusable: HashMap<EntryRef, u32> = old
            .map(|old| {
                old.shared
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(pos, e)| {
                        !fresh(e.at.record)
                            && old.entries.get(*pos).is_some_and(|t| t.compiled.is_some())
                    })
                    .map(|(pos, e)| (e.at, pos as u32))
                    .collect()
            })
            .unwrap_or_default();
        let build = |reuse: bool| {
            let rows = rows(index, refs, old.filter(|_| reuse), &reusable);
            Builder::new(index, native_scheme, rows)?.finish()
        };
        // Reused entries need the new boundary lists to agree with the old ones about which
        // spaces exist; when they do not (rare: a Maven cycle appears or goes), all entries are
        // read from their records.
        build(true).or_else(|| build(false))
    }

    /// Locates a component version on the boundary lists; `None` when it must be evaluated
    /// by the versions crate (it does not parse, or Maven's order is inconsistent around it).
    pub fn locate(&self, version: &str) -> Option<Located> {
        let native = self.native.as_ref()?;
        let parsed = native.scheme.parse(version).ok()?;
        let (pos, class) = native.locate(&parsed)?;
        let semver = match &self.semver {
            Some(space) => space.locate(&space.scheme.parse(version).ok()?)?.0,
            None if native.scheme == Scheme::SemVer => pos,
            // No SEMVER range is compiled in another space: never read.
            None => INFINITY,
        };
        Some(Located {
            native: pos,
            class,
            semver,
        })
    }

    /// The verdict of a compiled entry for a located version; `None` for entries left to the
    /// versions crate.
    pub fn verdict(&self, entry: &TableEntry, at: &Located) -> Option<Fast> {
        let compiled = entry.compiled.as_ref()?;
        let shared = &*self.shared;
        for r in compiled.ranges.0..compiled.ranges.0.saturating_add(compiled.ranges.1) {
            let Some(range) = shared.ranges.get(r as usize) else {
                break;
            };
            let v = if range.semver { at.semver } else { at.native };
            if let Some((introduced, upper)) = walk(&shared.events, range, v) {
                return Some(Fast::Affected(Why::Range {
                    range: r,
                    introduced,
                    upper,
                }));
            }
        }
        let listed = at.class.is_some_and(|c| {
            slice(&self.listed, compiled.listed)
                .binary_search(&c)
                .is_ok()
        });
        Some(if listed {
            Fast::Affected(Why::Listed)
        } else if compiled.uncovered {
            Fast::NotEvaluable
        } else {
            Fast::NotAffected
        })
    }
}

/// An entry of the key while a table is built: read from its record, or taken from the
/// previous table.
enum Row<'a> {
    Fresh {
        at: EntryRef,
        record: &'a Arc<PreparedRecord>,
        entry: &'a Entry,
        group: &'a Arc<GroupInfo>,
    },
    Reused {
        old: &'a Table,
        pos: u32,
    },
}

impl<'a> Row<'a> {
    fn old_entry(&self) -> Option<&'a SharedEntry> {
        match self {
            Row::Fresh { .. } => None,
            Row::Reused { old, pos } => old.shared.entry(*pos),
        }
    }

    fn at(&self) -> EntryRef {
        match self {
            Row::Fresh { at, .. } => *at,
            Row::Reused { .. } => self.old_entry().map_or(EntryRef::default(), |e| e.at),
        }
    }

    fn generation(&self) -> u64 {
        match self {
            Row::Fresh { record, .. } => record.generation,
            Row::Reused { .. } => self.old_entry().map_or(0, |e| e.generation),
        }
    }

    /// The record id (ranks are by record id, then entry index).
    fn id(&self) -> &'a str {
        match self {
            Row::Fresh { record, .. } => &record.id,
            Row::Reused { old, pos } => old.shared.record_id(*pos),
        }
    }

    /// The primary id of the vulnerability: what entries are grouped by (a reused entry's
    /// vulnerability has not changed since, or its record would be fresh).
    fn primary(&self) -> &'a str {
        match self {
            Row::Fresh { group, .. } => &group.primary,
            Row::Reused { old, pos } => old
                .entries
                .get(*pos as usize)
                .map_or("", |e| old.shared.primary(e.group)),
        }
    }

    /// The distribution release its advisories are for, when that matters.
    fn release(&self) -> Option<Option<&'a str>> {
        match self {
            Row::Fresh { entry, .. } => entry.release_matters.then_some(entry.release.as_deref()),
            Row::Reused { old, pos } => {
                let r = old.entries.get(*pos as usize)?.release;
                (r != ANY_RELEASE).then(|| old.releases.get(r as usize).and_then(|r| r.as_deref()))
            }
        }
    }
}

/// The key's entries as rows: reused from `old` where `reusable` says so.
fn rows<'a>(
    index: &'a AdvisoryIndex,
    refs: &[EntryRef],
    old: Option<&'a Table>,
    reusable: &HashMap<EntryRef, u32>,
) -> Vec<Row<'a>> {
    let mut rows = Vec::with_capacity(refs.len());
    for &at in refs {
        if let (Some(old), Some(&pos)) = (old, reusable.get(&at)) {
            rows.push(Row::Reused { old, pos });
            continue;
        }
        let Some(record) = index.slot(at.record).and_then(|s| s.active.as_ref()) else {
            continue;
        };
        let Some(entry) = record.entries.get(at.entry as usize) else {
            continue;
        };
        let Some(group) = index.group_of_record(at.record) else {
            continue;
        };
        rows.push(Row::Fresh {
            at,
            record,
            entry,
            group,
        });
    }
    rows
}

/// A table under construction.
struct Builder<'a> {
    index: &'a AdvisoryIndex,
    native_scheme: Option<Scheme>,
    rows: Vec<Row<'a>>,
    /// Per row: its vulnerability's number (primary id order) and rank.
    group_of: Vec<u32>,
    ranks: Vec<u32>,
    /// Vulnerabilities in primary id order, by their primary ids.
    groups: Vec<&'a str>,
    native: Option<(Space, Classes<'a>)>,
    semver: Option<(Space, Classes<'a>)>,
    semver_apart: bool,
    semver_ok: bool,
    texts: Texts,
    /// Distinct boundary texts and whether they are SemVer ones.
    boundaries: Vec<(Span, bool)>,
}

impl<'a> Builder<'a> {
    /// Numbers vulnerabilities and ranks, and builds the boundary lists. `None` when reused
    /// rows cannot be renumbered onto the new lists.
    fn new(
        index: &'a AdvisoryIndex,
        native_scheme: Option<Scheme>,
        rows: Vec<Row<'a>>,
    ) -> Option<Builder<'a>> {
        // Vulnerabilities, numbered in primary id order (hits come out in that order).
        let mut by_primary: HashMap<&str, usize> = HashMap::new();
        let mut groups: Vec<&str> = Vec::new();
        let mut row_group: Vec<usize> = Vec::with_capacity(rows.len());
        for row in &rows {
            let primary = row.primary();
            let g = *by_primary.entry(primary).or_insert_with(|| {
                groups.push(primary);
                groups.len() - 1
            });
            row_group.push(g);
        }
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by(|a, b| groups.get(*a).cmp(&groups.get(*b)));
        let mut renumber = vec![0u32; groups.len()];
        for (new, old) in order.iter().enumerate() {
            if let Some(slot) = renumber.get_mut(*old) {
                *slot = new as u32;
            }
        }
        let groups: Vec<&str> = order
            .iter()
            .filter_map(|&g| groups.get(g).copied())
            .collect();
        let group_of: Vec<u32> = row_group
            .iter()
            .map(|g| renumber.get(*g).copied().unwrap_or(0))
            .collect();
        // Ranks decide which of several agreeing entries is named: (record id, entry index).
        let mut by_id: Vec<usize> = (0..rows.len()).collect();
        by_id.sort_by(|a, b| {
            let key = |p: &usize| rows.get(*p).map(|r| (r.id(), r.at().entry));
            key(a).cmp(&key(b))
        });
        let mut ranks = vec![0u32; rows.len()];
        for (rank, row) in by_id.into_iter().enumerate() {
            if let Some(slot) = ranks.get_mut(row) {
                *slot = rank as u32;
            }
        }

        // The boundary lists: the texts of fresh entries, and every boundary of the old
        // tables reused entries come from.
        let semver_apart = native_scheme.is_some_and(|s| s != Scheme::SemVer);
        let mut native_texts: Vec<&str> = Vec::new();
        let mut semver_texts: Vec<&str> = Vec::new();
        let mut has_semver = false;
        let mut olds: Vec<&Table> = Vec::new();
        for row in &rows {
            match row {
                Row::Fresh { entry, .. } => {
                    has_semver |= entry
                        .osv
                        .ranges
                        .iter()
                        .any(|r| r.range_type == RangeType::Semver);
                    if entry.scheme != native_scheme {
                        continue;
                    }
                    for range in &entry.osv.ranges {
                        let texts = match range.range_type {
                            RangeType::Semver if semver_apart => &mut semver_texts,
                            RangeType::Semver | RangeType::Ecosystem => &mut native_texts,
                            _ => continue,
                        };
                        texts.extend(range.events.iter().map(|e| e.version.as_str()));
                    }
                    native_texts.extend(entry.osv.versions.iter().map(String::as_str));
                }
                Row::Reused { old, .. } => {
                    if !olds.iter().any(|o| std::ptr::eq(*o, *old)) {
                        olds.push(old);
                    }
                }
            }
        }
        for old in &olds {
            has_semver |= old.has_semver;
            for &(span, in_semver) in old.boundaries.iter() {
                let texts = if in_semver {
                    &mut semver_texts
                } else {
                    &mut native_texts
                };
                texts.push(old.shared.str(span));
            }
        }
        native_texts.sort_unstable();
        native_texts.dedup();
        semver_texts.sort_unstable();
        semver_texts.dedup();
        // The texts start with "0", "*" and the boundary versions (explanations quote them).
        let mut texts = Texts::default();
        texts.push("0*");
        let native = native_scheme.and_then(|s| Space::build(s, native_texts, &mut texts));
        let semver = if semver_apart && !semver_texts.is_empty() {
            Space::build(Scheme::SemVer, semver_texts, &mut texts)
        } else {
            None
        };
        // An inconsistent SemVer list (impossible: SemVer is a total order) would leave
        // `SEMVER` ranges uncompilable; those entries then go to the versions crate.
        let semver_ok = !semver_apart || semver.is_some() || !has_semver;
        // Reused entries were compiled: they need the spaces they were compiled in.
        if !olds.is_empty() && (native.is_none() || !semver_ok) {
            return None;
        }
        let mut boundaries = Vec::new();
        for (map, in_semver) in [(&native, false), (&semver, true)] {
            if let Some((_, classes)) = map {
                boundaries.extend(classes.values().map(|(_, span)| (*span, in_semver)));
            }
        }
        Some(Builder {
            index,
            native_scheme,
            rows,
            group_of,
            ranks,
            groups,
            native,
            semver,
            semver_apart,
            semver_ok,
            texts,
            boundaries,
        })
    }

    fn finish(mut self) -> Option<Table> {
        let mut texts = std::mem::take(&mut self.texts);
        // The table lists entries by vulnerability (primary id order), then rank: the hits of
        // a package version come out in that order, and the findings built from them then read
        // the arrays and texts below front to back instead of jumping around.
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        order.sort_by_key(|&row| {
            (
                self.group_of.get(row).copied().unwrap_or(0),
                self.ranks.get(row).copied().unwrap_or(0),
            )
        });
        // Per native class, one of its texts: what reused `versions` lists are renumbered by.
        let mut class_texts: Vec<Span> = Vec::new();
        if let Some((space, classes)) = &self.native {
            class_texts = vec![(0, 0); space.classes.len()];
            for (class, span) in classes.values() {
                if let Some(slot) = class_texts.get_mut(*class as usize) {
                    *slot = *span;
                }
            }
        }
        let mut ranges = Vec::new();
        let mut events = Vec::new();
        let mut listed = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut severities: Vec<(Span, Span)> = Vec::new();
        let mut releases: Vec<Option<Box<str>>> = Vec::new();
        let mut entries = Vec::with_capacity(self.rows.len());
        let mut shared_entries: Vec<SharedEntry> = Vec::with_capacity(self.rows.len());
        let mut table_groups: Vec<TableGroup> = Vec::with_capacity(self.groups.len());
        let mut shared_groups: Vec<SharedGroup> = Vec::with_capacity(self.groups.len());
        let mut next = 0;
        for g in 0..self.groups.len() {
            // This vulnerability's rows: the run of `order` with its number.
            let start = next;
            while order
                .get(next)
                .is_some_and(|&row| self.group_of.get(row).copied() == Some(g as u32))
            {
                next += 1;
            }
            let members = order.get(start..next).unwrap_or_default();
            let rows: Vec<&Row<'_>> = members.iter().filter_map(|&r| self.rows.get(r)).collect();
            shared_groups.push(self.group_texts(&mut texts, &rows, &mut spans)?);
            let first = entries.len() as u32;
            for (&row_ix, row) in members.iter().zip(&rows) {
                let compiled = match row {
                    Row::Fresh { entry, .. } => {
                        self.compile_fresh(entry, &mut ranges, &mut events, &mut listed)
                    }
                    Row::Reused { old, pos } => {
                        Some(self.renumber(old, *pos, (&mut ranges, &mut events, &mut listed))?)
                    }
                };
                let release = match row.release() {
                    None => ANY_RELEASE,
                    Some(release) => match releases.iter().position(|r| r.as_deref() == release) {
                        Some(i) => i as u32,
                        None => {
                            releases.push(release.map(Box::from));
                            (releases.len() - 1) as u32
                        }
                    },
                };
                entries.push(TableEntry {
                    group: g as u32,
                    rank: self.ranks.get(row_ix).copied().unwrap_or(u32::MAX),
                    release,
                    compiled,
                });
                shared_entries.push(entry_texts(&mut texts, row, &mut severities)?);
            }
            table_groups.push(TableGroup {
                members: first..entries.len() as u32,
            });
        }
        let has_semver = self.rows.iter().any(|row| match row {
            Row::Fresh { entry, .. } => entry
                .osv
                .ranges
                .iter()
                .any(|r| r.range_type == RangeType::Semver),
            Row::Reused { old, .. } => old.has_semver,
        });
        Some(Table {
            shared: Arc::new(Shared {
                entries: shared_entries.into_boxed_slice(),
                groups: shared_groups.into_boxed_slice(),
                ranges: ranges.into_boxed_slice(),
                events: events.into_boxed_slice(),
                spans: spans.into_boxed_slice(),
                severities: severities.into_boxed_slice(),
                texts: ArcStr::from(texts.text),
            }),
            native: self.native.map(|(space, _)| space),
            semver: self.semver.map(|(space, _)| space),
            entries: entries.into_boxed_slice(),
            groups: table_groups.into_boxed_slice(),
            releases: releases.into_boxed_slice(),
            listed: listed.into_boxed_slice(),
            boundaries: self.boundaries.into_boxed_slice(),
            class_texts: class_texts.into_boxed_slice(),
            has_semver,
        })
    }

    /// A vulnerability's ids and fixed versions: copied from the old table when all its
    /// entries are reused from one old vulnerability with the same entries.
    fn group_texts(
        &self,
        texts: &mut Texts,
        rows: &[&Row<'_>],
        spans: &mut Vec<Span>,
    ) -> Option<SharedGroup> {
        let same_as_old = match rows.first() {
            Some(Row::Reused { old, pos }) => {
                let g = old.entries.get(*pos as usize)?.group;
                let old_members = old.groups.get(g as usize)?.members.clone();
                let unchanged = old_members.len() == rows.len()
                    && rows.iter().all(|row| match row {
                        Row::Reused { old: o, pos: p } => {
                            std::ptr::eq(*o, *old) && old_members.contains(p)
                        }
                        Row::Fresh { .. } => false,
                    });
                unchanged.then(|| old.shared.groups.get(g as usize).map(|s| (*old, s)))?
            }
            _ => None,
        };
        let copy =
            |spans: &mut Vec<Span>, texts: &mut Texts, list: &mut dyn Iterator<Item = &str>| {
                let start = spans.len() as u32;
                spans.extend(list.map(|text| texts.push(text)));
                (start, spans.len() as u32 - start)
            };
        let (primary, aliases, fixed) = match same_as_old {
            Some((old, group)) => (
                old.shared.str(group.primary),
                copy(spans, texts, &mut old.shared.strs(group.aliases)),
                copy(spans, texts, &mut old.shared.strs(group.fixed)),
            ),
            None => {
                // The ids: from a fresh entry's group, else from the old table (the group of
                // a reused entry has not changed).
                let fresh = rows.iter().find_map(|row| match row {
                    Row::Fresh { group, .. } => Some(*group),
                    Row::Reused { .. } => None,
                });
                let primary = rows.first().map_or("", |row| row.primary());
                let aliases = match (fresh, rows.first()) {
                    (Some(group), _) => copy(
                        spans,
                        texts,
                        &mut group
                            .ids
                            .iter()
                            .filter(|id| **id != group.primary)
                            .map(|id| &**id),
                    ),
                    (None, Some(Row::Reused { old, pos })) => {
                        let g = old.entries.get(*pos as usize)?.group;
                        copy(spans, texts, &mut old.shared.aliases(g))
                    }
                    (None, _) => (spans.len() as u32, 0),
                };
                // The fixed versions of the entries, from their records.
                let lists: Vec<&Arc<[Box<str>]>> = rows
                    .iter()
                    .filter_map(|row| self.index.entry(row.at()))
                    .map(|entry| &entry.fixed)
                    .collect();
                let merged = crate::evaluate::merge_fixed(&lists, self.native_scheme);
                let fixed = copy(spans, texts, &mut merged.iter().map(|v| &**v));
                (primary, aliases, fixed)
            }
        };
        Some(SharedGroup {
            primary: texts.push(primary),
            aliases,
            fixed,
        })
    }

    /// Compiles an entry read from its record; `None` when it is left to the versions crate.
    fn compile_fresh(
        &self,
        entry: &Entry,
        ranges: &mut Vec<Range>,
        events: &mut Vec<Event>,
        listed: &mut Vec<u32>,
    ) -> Option<Compiled> {
        let (Some((_, native)), Some(scheme)) = (&self.native, self.native_scheme) else {
            return None;
        };
        if !self.semver_ok || entry.scheme != Some(scheme) {
            return None;
        }
        let semver = self
            .semver
            .as_ref()
            .map(|(_, c)| c)
            .filter(|_| self.semver_apart);
        compile(entry, native, semver, (ranges, events, listed))
    }

    /// An entry of the old table, renumbered onto the new boundary lists (every old boundary
    /// is on them).
    fn renumber(
        &self,
        old: &Table,
        pos: u32,
        (ranges, events, listed): Arrays<'_>,
    ) -> Option<Compiled> {
        let compiled = old.entries.get(pos as usize)?.compiled?;
        let (_, native) = self.native.as_ref()?;
        let semver = self.semver.as_ref().map(|(_, c)| c);
        let ranges_start = ranges.len() as u32;
        for range in slice(&old.shared.ranges, compiled.ranges) {
            let classes = if range.semver { semver? } else { native };
            let start = events.len() as u32;
            for event in slice(&old.shared.events, range.events) {
                let (pos, text) = match event.pos {
                    ZERO => (ZERO, ZERO_TEXT),
                    INFINITY => (INFINITY, INFINITY_TEXT),
                    _ => {
                        let (c, span) = classes.get(old.shared.str(event.text))?;
                        (2 * c + 2, *span)
                    }
                };
                events.push(Event {
                    pos,
                    text,
                    ..*event
                });
            }
            ranges.push(Range {
                events: (start, events.len() as u32 - start),
                ..*range
            });
        }
        let listed_start = listed.len() as u32;
        let mut classes: Vec<u32> = Vec::new();
        for &c in slice(&old.listed, compiled.listed) {
            let text = old.shared.str(*old.class_texts.get(c as usize)?);
            classes.push(native.get(text)?.0);
        }
        classes.sort_unstable();
        classes.dedup();
        listed.extend(classes);
        Some(Compiled {
            ranges: (ranges_start, ranges.len() as u32 - ranges_start),
            listed: (listed_start, listed.len() as u32 - listed_start),
            uncovered: compiled.uncovered,
        })
    }
}

fn slice<T>(items: &[T], (start, len): (u32, u32)) -> &[T] {
    items
        .get(start as usize..(start as usize).saturating_add(len as usize))
        .unwrap_or_default()
}

/// An entry's place, id, summary and severity scores.
fn entry_texts(
    texts: &mut Texts,
    row: &Row<'_>,
    severities: &mut Vec<(Span, Span)>,
) -> Option<SharedEntry> {
    let start = severities.len() as u32;
    let summary = match row {
        Row::Fresh { record, entry, .. } => {
            for severity in entry.severity.iter() {
                severities.push((texts.push(&severity.kind), texts.push(&severity.score)));
            }
            record.summary.as_deref().map(|s| texts.push(s))
        }
        Row::Reused { old, pos } => {
            for (kind, score) in old.shared.severity(*pos) {
                severities.push((texts.push(kind), texts.push(score)));
            }
            old.shared.summary(*pos).map(|s| texts.push(s))
        }
    };
    Some(SharedEntry {
        at: row.at(),
        generation: row.generation(),
        id: texts.push(row.id()),
        summary,
        severity: (start, severities.len() as u32 - start),
    })
}

/// The OSV walk over one range's sorted events (as `iotlabel_versions` walks them), on
/// positions: the indexes (in `events`) of the deciding `introduced` event and of the first
/// `fixed` / `last_affected` after it, when the version is affected.
fn walk(events: &[Event], range: &Range, v: Pos) -> Option<(u32, Option<u32>)> {
    let (start, len) = range.events;
    let mine = events.get(start as usize..(start as usize).saturating_add(len as usize))?;
    if range.has_limits && !mine.iter().any(|e| e.kind == EventKind::Limit && v < e.pos) {
        return None;
    }
    let mut introduced: Option<usize> = None;
    let mut vulnerable = false;
    for (j, e) in mine.iter().enumerate() {
        // Sorted by position: no later event applies.
        if e.pos > v {
            break;
        }
        match e.kind {
            EventKind::Introduced => {
                vulnerable = true;
                introduced = Some(j);
            }
            EventKind::Fixed => vulnerable = false,
            EventKind::LastAffected if v > e.pos => vulnerable = false,
            _ => {}
        }
    }
    let i = introduced.filter(|_| vulnerable)?;
    let upper = mine
        .iter()
        .enumerate()
        .skip(i + 1)
        .find(|(_, e)| matches!(e.kind, EventKind::Fixed | EventKind::LastAffected))
        .map(|(j, _)| start + j as u32);
    Some((start + i as u32, upper))
}

/// The texts of a table under construction, end to end.
#[derive(Default)]
struct Texts {
    text: String,
}

impl Texts {
    fn push(&mut self, text: &str) -> Span {
        // Spans are 32-bit: a package's texts beyond 4 GiB (never seen) would show as empty.
        let (Ok(start), Ok(len)) = (u32::try_from(self.text.len()), u32::try_from(text.len()))
        else {
            return (0, 0);
        };
        if start.checked_add(len).is_none() {
            return (0, 0);
        }
        self.text.push_str(text);
        (start, len)
    }
}

/// The growing arrays of a table under construction.
type Arrays<'a> = (&'a mut Vec<Range>, &'a mut Vec<Event>, &'a mut Vec<u32>);

/// Per boundary text: its class and its place in the table's texts.
type Classes<'a> = HashMap<&'a str, (u32, Span)>;

/// Compiles one entry into the table's arrays; `None` (and the arrays as they were) when it
/// cannot be compiled.
fn compile(
    entry: &Entry,
    native: &Classes<'_>,
    semver: Option<&Classes<'_>>,
    arrays: Arrays<'_>,
) -> Option<Compiled> {
    let (ranges, events, listed) = arrays;
    let starts = (ranges.len(), events.len(), listed.len());
    let compiled = compile_into(entry, native, semver, (ranges, events, listed));
    if compiled.is_none() {
        ranges.truncate(starts.0);
        events.truncate(starts.1);
        listed.truncate(starts.2);
    }
    compiled
}

fn compile_into(
    entry: &Entry,
    native: &Classes<'_>,
    semver: Option<&Classes<'_>>,
    (ranges, events, listed): Arrays<'_>,
) -> Option<Compiled> {
    let has_listed = !entry.osv.versions.is_empty();
    let (ranges_start, listed_start) = (ranges.len(), listed.len());
    // Whether some range is evaluable by version (it stands in for a `GIT` range).
    let mut ready = false;
    // Unusable ranges, by whether they are `GIT` ranges.
    let mut unusable: Vec<bool> = Vec::new();
    for (i, range) in entry.osv.ranges.iter().enumerate() {
        let (classes, in_semver) = match (&range.range_type, semver) {
            (RangeType::Semver, Some(semver)) => (semver, true),
            (RangeType::Semver | RangeType::Ecosystem, _) => (native, false),
            (RangeType::Git, _) => {
                unusable.push(true);
                continue;
            }
            (RangeType::Other(_), _) => {
                unusable.push(false);
                continue;
            }
        };
        let start = events.len();
        let mut usable = true;
        for (raw, event) in range.events.iter().enumerate() {
            let (pos, text) = match (event.kind, event.version.as_str()) {
                (EventKind::Introduced, "0") => (ZERO, ZERO_TEXT),
                (EventKind::Limit, "*") => (INFINITY, INFINITY_TEXT),
                (_, text) => match classes.get(text) {
                    Some((c, span)) => (2 * c + 2, *span),
                    // An event that does not parse makes the range unusable.
                    None => {
                        usable = false;
                        break;
                    }
                },
            };
            events.push(Event {
                pos,
                kind: event.kind,
                raw: u16::try_from(raw).ok()?,
                text,
            });
        }
        if !usable {
            events.truncate(start);
            unusable.push(false);
            continue;
        }
        ready = true;
        let sorted = events.get_mut(start..)?;
        // Stable, like the versions crate's sort: equal events keep their written order.
        sorted.sort_by(|a, b| a.pos.cmp(&b.pos).then(a.kind.cmp(&b.kind)));
        let has_limits = sorted.iter().any(|e| e.kind == EventKind::Limit);
        ranges.push(Range {
            raw: u16::try_from(i).ok()?,
            semver: in_semver,
            semver_type: range.range_type == RangeType::Semver,
            has_limits,
            events: (start as u32, (events.len() - start) as u32),
        });
    }
    // As `PreparedAffected` decides: no ranges and no versions, or an unusable range nothing
    // stands in for (the versions list; for a `GIT` range also a version range).
    let uncovered = (entry.osv.ranges.is_empty() && !has_listed)
        || unusable.iter().any(|&git| !(has_listed || (git && ready)));
    let mut classes: Vec<u32> = entry
        .osv
        .versions
        .iter()
        .filter_map(|v| native.get(v.as_str()).map(|(c, _)| *c))
        .collect();
    classes.sort_unstable();
    classes.dedup();
    listed.extend(classes);
    Some(Compiled {
        ranges: (ranges_start as u32, (ranges.len() - ranges_start) as u32),
        listed: (listed_start as u32, (listed.len() - listed_start) as u32),
        uncovered,
    })
}
