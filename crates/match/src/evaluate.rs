//! Evaluating one distinct package version (package key, distribution release, version
//! string) against every advisory entry for its package, and folding the verdicts per
//! vulnerability. This is the only place versions are compared; everything else fans the
//! result out.
//!
//! Per vulnerability (alias group) the verdicts of its records are combined: affected if any
//! record says so; otherwise not affected if any record could decide; otherwise not evaluable
//! (a record that cannot be evaluated, e.g. with only `GIT` ranges, is covered by an alias
//! record that can). Where several records decide alike, the smallest record id is named, so
//! the result does not depend on the order records were imported in.
//!
//! The entries come from the package's [`Table`], which decides most of them with integer
//! comparisons; the others (and every entry when the version cannot be located on the
//! table) are evaluated by the versions crate. What a finding shows beyond the verdict (the
//! explanation, a not-evaluable reason) is written only for the entry that decides it, and
//! the explanation only when the finding is built ([`Hit::explanation`]).

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use iotlabel_versions::{Scheme, Verdict, Version, VersionError};
use iotlabel_vuln::PackageKey;

use crate::advisories::{AdvisoryIndex, Entry, scheme_of, sort_versions};
use crate::model::SharedText;
use crate::table::{ANY_RELEASE, Fast, GroupIds, Shared, Table, TableEntry, Why};

/// What one vulnerability means for one distinct package version: affected, with what a
/// finding shows, or not evaluable, with the reason. Positions and indexes refer to the
/// package table the hit was computed from, whose [`Shared`] part the hit keeps.
#[derive(Clone)]
pub(crate) struct Hit {
    shared: Arc<Shared>,
    /// The vulnerability, in `shared.groups`.
    group: u32,
    outcome: Outcome,
}

/// The verdict and what decided it.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Affected {
        /// The deciding entry's table position.
        pos: u32,
        why: Why,
        /// The fixed versions when not every entry of the vulnerability applies; `None`:
        /// the vulnerability's (`Shared::groups`).
        fixed: Option<Arc<[Box<str>]>>,
    },
    NotEvaluable {
        pos: u32,
        reason: Arc<str>,
    },
}

impl Hit {
    /// The vulnerability's ids, for VEX statements and KEV.
    pub fn ids(&self) -> GroupIds<'_> {
        self.shared.ids(self.group)
    }

    /// The vulnerability's primary id.
    pub fn primary(&self) -> &str {
        self.shared.primary(self.group)
    }

    /// The vulnerability's other ids, sorted.
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.shared.aliases(self.group)
    }

    /// Whether the package version is affected.
    pub fn is_affected(&self) -> bool {
        matches!(self.outcome, Outcome::Affected { .. })
    }

    fn pos(&self) -> u32 {
        match &self.outcome {
            Outcome::Affected { pos, .. } | Outcome::NotEvaluable { pos, .. } => *pos,
        }
    }

    /// The id of the deciding record (the smallest, when several decide alike).
    pub fn record_id(&self) -> &str {
        self.shared.record_id(self.pos())
    }

    /// Why the package version is not evaluable, if it is not.
    pub fn reason(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::NotEvaluable { reason, .. } => Some(reason),
            Outcome::Affected { .. } => None,
        }
    }

    /// The deciding record's summary.
    pub fn summary(&self) -> Option<&str> {
        self.shared.summary(self.pos())
    }

    /// Severity scores (kind, score) of the deciding entry.
    pub fn severity(&self) -> impl Iterator<Item = (&str, &str)> {
        self.shared.severity(self.pos())
    }

    /// The fixed versions of the vulnerability's entries that apply, in version order.
    pub fn fixed(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match &self.outcome {
            Outcome::Affected {
                fixed: Some(fixed), ..
            } => Box::new(fixed.iter().map(|v| &**v)),
            Outcome::Affected { fixed: None, .. } => Box::new(self.shared.fixed(self.group)),
            Outcome::NotEvaluable { .. } => Box::new(std::iter::empty()),
        }
    }

    /// `text`, one of this hit's texts (an id, a summary, a score, a fixed version), as a
    /// finding holds it: shared with the package table, not copied.
    pub fn share(&self, text: &str) -> SharedText {
        self.shared.share(text)
    }

    /// [`Hit::fixed`], as a finding holds them (no boxed iterator, one allocation of the
    /// exact size, the texts shared).
    pub fn fixed_shared(&self) -> Vec<SharedText> {
        match &self.outcome {
            // Merged from several entries' lists at evaluation: rare, and copied here.
            Outcome::Affected {
                fixed: Some(fixed), ..
            } => fixed.iter().map(|v| SharedText::from(&**v)).collect(),
            Outcome::Affected { fixed: None, .. } => self
                .shared
                .fixed(self.group)
                .map(|v| self.share(v))
                .collect(),
            Outcome::NotEvaluable { .. } => Vec::new(),
        }
    }

    /// Reads ahead what building this hit's finding will read (see [`Shared::warm`]).
    pub fn warm(&self) -> u8 {
        match &self.outcome {
            Outcome::Affected { pos, why, .. } => self.shared.warm(self.group, *pos, why),
            Outcome::NotEvaluable { .. } => 0,
        }
    }

    /// Why `version` (the package version the hit was computed for) is affected, e.g.
    /// `introduced 1.2.0 <= 1.4.3 < fixed 1.4.5 (range 0, SEMVER)`; empty if it is not.
    pub fn explanation(&self, version: &str) -> String {
        match &self.outcome {
            Outcome::Affected { why, .. } => self.shared.explain(why, version),
            Outcome::NotEvaluable { .. } => String::new(),
        }
    }
}

/// Equal when the finding built from either would be the same: same vulnerability, and the
/// same copy of the same record decided in the same way with the same fixed versions (or,
/// not evaluable, the same record and reason). Copies of a record that was replaced compare
/// unequal even when nothing in them changed; the findings built from both are compared
/// before a change is reported, so that costs time only.
impl PartialEq for Hit {
    fn eq(&self, other: &Self) -> bool {
        if !self
            .shared
            .same_group(self.group, &other.shared, other.group)
        {
            return false;
        }
        match (&self.outcome, &other.outcome) {
            (
                Outcome::Affected {
                    why: a, fixed: x, ..
                },
                Outcome::Affected {
                    why: b, fixed: y, ..
                },
            ) => {
                // The same copy of the same entry: (place, generation).
                let entry = |h: &Hit| h.shared.entry(h.pos()).map(|e| (e.at, e.generation));
                let same_fixed = match (x, y) {
                    // The vulnerability's list in the same table: the same.
                    (None, None) if Arc::ptr_eq(&self.shared, &other.shared) => {
                        self.group == other.group
                    }
                    _ => self.fixed().eq(other.fixed()),
                };
                entry(self) == entry(other)
                    && self.shared.why_key(a) == other.shared.why_key(b)
                    && same_fixed
            }
            (Outcome::NotEvaluable { reason: a, .. }, Outcome::NotEvaluable { reason: b, .. }) => {
                self.record_id() == other.record_id() && a == b
            }
            _ => false,
        }
    }
}

impl Eq for Hit {}

impl fmt::Debug for Hit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hit")
            .field("vulnerability", &self.primary())
            .field("record", &self.record_id())
            .field("outcome", &self.outcome)
            .finish()
    }
}

/// Whether an advisory entry speaks about a component's distribution release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applies {
    Yes,
    No,
    /// The advisory is for one release and the component names none.
    Unknown,
}

fn release_applies(release: Option<&str>, component_release: Option<&str>) -> Applies {
    match (release, component_release) {
        (None, _) => Applies::Yes,
        (Some(_), None) => Applies::Unknown,
        // Streams such as `Ubuntu:Pro:18.04:LTS` name the release as one of their parts.
        (Some(ours), Some(theirs)) if ours == theirs || ours.split(':').any(|p| p == theirs) => {
            Applies::Yes
        }
        (Some(_), Some(_)) => Applies::No,
    }
}

/// Why an entry is not evaluable for the version; the text is written for the deciding one.
#[derive(Debug, Clone, Copy)]
enum Unevaluable {
    /// The component has no version.
    NoVersion,
    /// The versions crate says so (its explanation is the reason).
    Verdict,
    /// Affected for a distribution release the component does not name.
    UnknownRelease,
}

/// The verdicts of one vulnerability's entries so far; deciders are table positions, and
/// the one of smallest rank (record id, entry index) is kept.
#[derive(Default)]
struct Fold {
    affected: Option<(u32, u32, Option<Why>)>,
    not_affected: bool,
    not_evaluable: Option<(u32, u32, Unevaluable)>,
    /// Entries that apply to the component's release (their fixed versions are shown).
    applying: u32,
}

/// The component version, parsed under the package's scheme for the entries evaluated by
/// the versions crate (once, not per entry).
struct Parsed<'a> {
    text: &'a str,
    native: Option<Result<Version, VersionError>>,
}

impl Parsed<'_> {
    fn verdict(&self, entry: &Entry) -> Verdict {
        match &self.native {
            Some(Ok(v)) => entry.affected().evaluate_parsed(self.text, v).verdict,
            _ => entry.affected().evaluate(self.text).verdict,
        }
    }
}

/// Evaluates one distinct package version; hits are sorted by vulnerability.
pub(crate) fn evaluate(
    index: &AdvisoryIndex,
    key: &PackageKey,
    release: Option<&str>,
    version: &str,
) -> Arc<[Hit]> {
    evaluate_with(index, key, release, version, true)
}

thread_local! {
    /// Where a thread collects the hits of one evaluation before they are stored in one
    /// allocation of the exact size: growing a fresh vector for each of thousands of
    /// package versions cost a tenth of the evaluation.
    static SCRATCH: RefCell<Vec<Hit>> = const { RefCell::new(Vec::new()) };
}

/// [`evaluate`], with the package table's compiled entries (`compiled`) or with the versions
/// crate for every entry (the reference the tests compare with).
fn evaluate_with(
    index: &AdvisoryIndex,
    key: &PackageKey,
    release: Option<&str>,
    version: &str,
    compiled: bool,
) -> Arc<[Hit]> {
    let Some(table) = index.key_index(key).and_then(|k| index.table(k)) else {
        return Arc::from([]);
    };
    let scheme = scheme_of(&key.ecosystem);
    let located = match compiled && !version.is_empty() {
        true => table.locate(version),
        false => None,
    };
    // Parsed once for all entries the versions crate evaluates (none, usually).
    let mut parsed: Option<Parsed<'_>> = None;
    let applies: Vec<Applies> = table
        .releases
        .iter()
        .map(|r| release_applies(r.as_deref(), release))
        .collect();
    let applies_to = |e: &TableEntry| match e.release {
        ANY_RELEASE => Applies::Yes,
        r => applies.get(r as usize).copied().unwrap_or(Applies::No),
    };
    // Taken, not borrowed, so that nothing can find it borrowed; put back below.
    let mut hits = SCRATCH.with_borrow_mut(std::mem::take);
    // Entries are stored by vulnerability, so each one's verdicts are folded in one pass over
    // its members, without a fold per vulnerability of the package held at once (popular
    // packages have thousands).
    for (g, group) in table.groups.iter().enumerate() {
        let mut fold = Fold::default();
        for pos in group.members.clone() {
            let Some(te) = table.entries.get(pos as usize) else {
                continue;
            };
            let applies = applies_to(te);
            if applies == Applies::No {
                continue;
            }
            if version.is_empty() {
                note(
                    &mut fold.not_evaluable,
                    pos,
                    te.rank,
                    Unevaluable::NoVersion,
                );
                continue;
            }
            let (verdict, why) = match located.as_ref().and_then(|at| table.verdict(te, at)) {
                Some(Fast::Affected(why)) => (Verdict::Affected, Some(why)),
                Some(Fast::NotAffected) => (Verdict::NotAffected, None),
                Some(Fast::NotEvaluable) => (Verdict::NotEvaluable, None),
                None => {
                    let Some(entry) = entry_at(index, table, pos) else {
                        continue;
                    };
                    let parsed = parsed.get_or_insert_with(|| Parsed {
                        text: version,
                        native: scheme.map(|s| s.parse(version)),
                    });
                    (parsed.verdict(entry), None)
                }
            };
            if applies == Applies::Yes {
                fold.applying += 1;
            }
            match (verdict, applies) {
                (Verdict::Affected, Applies::Yes) => {
                    if fold
                        .affected
                        .as_ref()
                        .is_none_or(|(_, held, _)| te.rank < *held)
                    {
                        fold.affected = Some((pos, te.rank, why));
                    }
                }
                (Verdict::NotAffected, Applies::Yes) => fold.not_affected = true,
                (Verdict::NotEvaluable, _) => {
                    note(&mut fold.not_evaluable, pos, te.rank, Unevaluable::Verdict);
                }
                (Verdict::Affected, Applies::Unknown) => {
                    note(
                        &mut fold.not_evaluable,
                        pos,
                        te.rank,
                        Unevaluable::UnknownRelease,
                    );
                }
                (Verdict::NotAffected, Applies::Unknown) | (_, Applies::No) => {}
            }
        }
        if let Some(hit) = finish(index, table, g, fold, version, scheme, &applies_to) {
            hits.push(hit);
        }
    }
    // The table numbers vulnerabilities in primary id order already.
    let stored = hits.drain(..).collect();
    SCRATCH.with_borrow_mut(|scratch| *scratch = hits);
    stored
}

fn note(slot: &mut Option<(u32, u32, Unevaluable)>, pos: u32, rank: u32, why: Unevaluable) {
    if slot.as_ref().is_none_or(|(_, held, _)| rank < *held) {
        *slot = Some((pos, rank, why));
    }
}

/// The advisory entry at a table position (tables always match the index: a change to a
/// record rebuilds the tables of its packages before anything is evaluated).
fn entry_at<'a>(index: &'a AdvisoryIndex, table: &Table, pos: u32) -> Option<&'a Entry> {
    index.entry(table.shared.entry(pos)?.at)
}

fn finish(
    index: &AdvisoryIndex,
    table: &Table,
    g: usize,
    fold: Fold,
    version: &str,
    scheme: Option<Scheme>,
    applies_to: &dyn Fn(&TableEntry) -> Applies,
) -> Option<Hit> {
    let outcome = if let Some((pos, _, why)) = fold.affected {
        let group = table.groups.get(g)?;
        let why = match why {
            Some(why) => why,
            None => {
                let entry = entry_at(index, table, pos)?;
                Why::Text(strip_verdict(&entry.affected().evaluate(version).to_string()).into())
            }
        };
        // The fixed versions of the entries that apply: all of them, usually, whose union
        // the table holds.
        let fixed = if fold.applying as usize == group.members.len() {
            None
        } else {
            let lists: Vec<&Arc<[Box<str>]>> = group
                .members
                .clone()
                .filter(|&m| {
                    table
                        .entries
                        .get(m as usize)
                        .is_some_and(|e| applies_to(e) == Applies::Yes)
                })
                .filter_map(|m| entry_at(index, table, m).map(|entry| &entry.fixed))
                .collect();
            Some(merge_fixed(&lists, scheme))
        };
        Outcome::Affected { pos, why, fixed }
    } else if fold.not_affected {
        return None;
    } else {
        let (pos, _, why) = fold.not_evaluable?;
        let entry = entry_at(index, table, pos)?;
        let reason = match why {
            Unevaluable::NoVersion => "the SBOM gives no version for this component".to_owned(),
            Unevaluable::Verdict => strip_verdict(&entry.affected().evaluate(version).to_string()),
            Unevaluable::UnknownRelease => format!(
                "affected under the {} ranges, but the component's purl names no \
                 distribution release (a `distro` qualifier) to tell which release's \
                 advisories apply",
                entry.osv.ecosystem
            ),
        };
        Outcome::NotEvaluable {
            pos,
            reason: Arc::from(reason),
        }
    };
    Some(Hit {
        shared: Arc::clone(&table.shared),
        group: g as u32,
        outcome,
    })
}

/// The union of the fixed versions of a vulnerability's entries, in version order.
pub(crate) fn merge_fixed(lists: &[&Arc<[Box<str>]>], scheme: Option<Scheme>) -> Arc<[Box<str>]> {
    let mut distinct: Vec<&Arc<[Box<str>]>> = Vec::with_capacity(lists.len());
    for list in lists {
        if !list.is_empty() && !distinct.iter().any(|d| Arc::ptr_eq(d, list) || d == list) {
            distinct.push(list);
        }
    }
    match distinct.as_slice() {
        [] => Arc::from(Vec::<Box<str>>::new()),
        [one] => Arc::clone(one),
        many => sort_versions(many.iter().flat_map(|l| l.iter().map(|v| &**v)), scheme),
    }
}

/// `affected: introduced 1 <= 1.2 ...` -> `introduced 1 <= 1.2 ...`: the verdict is stated
/// elsewhere.
fn strip_verdict(text: &str) -> String {
    ["affected: ", "not evaluable: ", "not affected: "]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(text)
        .to_owned()
}

#[cfg(test)]
mod tests {
    //! The package tables must give the verdicts, deciding records, explanations, fixed
    //! versions and reasons the versions crate gives entry by entry.
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::BTreeSet;

    use iotlabel_testkit::shared_file;
    use iotlabel_vuln::advisory::osv;
    use iotlabel_vuln::{Limits, Origin, Vulnerability, load_osv};

    use super::*;
    use crate::synthetic::Corpus;

    /// A hit as a finding shows it.
    fn shown(hits: &[Hit], version: &str) -> Vec<String> {
        hits.iter()
            .map(|hit| match hit.reason() {
                None => format!(
                    "{} affected by {}: {} fixed {:?} severity {:?} summary {:?}",
                    hit.primary(),
                    hit.record_id(),
                    hit.explanation(version),
                    hit.fixed().collect::<Vec<_>>(),
                    hit.severity().collect::<Vec<_>>(),
                    hit.summary()
                ),
                Some(reason) => format!(
                    "{} not evaluable by {}: {reason}",
                    hit.primary(),
                    hit.record_id()
                ),
            })
            .collect()
    }

    /// Versions worth trying for a package: every text its entries name, neighbours of them,
    /// and some that are no version of anything.
    fn probes(index: &AdvisoryIndex, k: u32) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = ["", "0", "0.0.0", "1", "1.0", "999", "not a version"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let Some(table) = index.table(k) else {
            return out;
        };
        for pos in 0..table.entries.len() as u32 {
            let Some(entry) = entry_at(index, table, pos) else {
                continue;
            };
            let texts = entry
                .osv
                .ranges
                .iter()
                .flat_map(|r| r.events.iter().map(|e| e.version.clone()))
                .chain(entry.osv.versions.iter().cloned());
            for t in texts {
                for probe in [
                    t.clone(),
                    format!("{t}.1"),
                    format!("{t}-1"),
                    format!("{t}a1"),
                    format!("v{t}"),
                    t.trim_start_matches('v').to_owned(),
                ] {
                    out.insert(probe);
                }
            }
        }
        out
    }

    /// Compares both paths for every package of the index, for each probe version and
    /// release; returns how many evaluations had hits. Most must have been decided on the
    /// tables.
    fn compare(index: &AdvisoryIndex, releases: &[Option<&str>]) -> usize {
        let (mut with_hits, mut located, mut probed) = (0, 0, 0);
        for k in 0..index.key_count() as u32 {
            let Some(key) = index.key_at(k) else { continue };
            for version in probes(index, k) {
                probed += 1;
                located += usize::from(index.table(k).and_then(|t| t.locate(&version)).is_some());
                for release in releases {
                    let fast = evaluate_with(index, key, *release, &version, true);
                    let exact = evaluate_with(index, key, *release, &version, false);
                    assert_eq!(
                        shown(&fast, &version),
                        shown(&exact, &version),
                        "{key} {version:?} release {release:?}"
                    );
                    with_hits += usize::from(!fast.is_empty());
                }
            }
        }
        assert!(located * 2 > probed, "{located} of {probed} located");
        with_hits
    }

    fn index_of(records: &[Vulnerability]) -> AdvisoryIndex {
        let mut index = AdvisoryIndex::new();
        index.import(records);
        index
    }

    #[test]
    fn tables_agree_with_the_versions_crate_on_the_synthetic_corpus() {
        let corpus = Corpus::new(5, 300);
        let index = index_of(&corpus.advisories(0, 1_500));
        let hits = compare(
            &index,
            &[None, Some("12"), Some("11"), Some("v3.20"), Some("9")],
        );
        assert!(hits > 1_000, "{hits}");
    }

    /// Tables rebuilt from their previous versions as records come, change and go give what
    /// tables built in one go from the final records give.
    #[test]
    fn tables_rebuilt_incrementally_equal_tables_built_at_once() {
        let corpus = Corpus::new(9, 200);
        let records = corpus.advisories(0, 2_000);
        let mut incremental = AdvisoryIndex::new();
        let mut last: Vec<Vulnerability> = Vec::new();
        for (i, batch) in records.chunks(150).enumerate() {
            incremental.import(batch);
            last.extend(batch.iter().cloned());
            // Some earlier records change (a later `fixed`) or are withdrawn.
            let mut changed: Vec<Vulnerability> = Vec::new();
            for (j, record) in last.iter().enumerate().skip(i).step_by(37) {
                let mut newer = record.clone();
                newer.modified = newer
                    .modified
                    .map(|m| m + jiff::SignedDuration::from_secs(10 + i as i64));
                let range = newer
                    .affected
                    .first_mut()
                    .and_then(|a| a.ranges.first_mut());
                match (j % 3, range) {
                    (0, _) => newer.withdrawn = newer.modified,
                    (1, Some(range)) => {
                        range
                            .events
                            .push(iotlabel_vuln::Event::Introduced("0".into()));
                    }
                    // Fixed later: the vulnerability's fixed versions change.
                    (_, Some(range)) => {
                        for event in &mut range.events {
                            if let iotlabel_vuln::Event::Fixed(v) = event {
                                *v = "999.0.0".into();
                            }
                        }
                    }
                    (_, None) => {}
                }
                changed.push(newer);
            }
            incremental.import(&changed);
            for newer in changed {
                if let Some(slot) = last.iter_mut().find(|r| r.id == newer.id) {
                    *slot = newer;
                }
            }
        }
        let at_once = index_of(&last);
        let mut compared = 0;
        for k in 0..at_once.key_count() as u32 {
            let Some(key) = at_once.key_at(k) else {
                continue;
            };
            let k2 = incremental.key_index(key).unwrap();
            let probes = probes(&at_once, k);
            assert_eq!(probes, super::tests::probes(&incremental, k2), "{key}");
            for version in probes {
                for release in [None, Some("12"), Some("11"), Some("v3.20"), Some("9")] {
                    let a = evaluate_with(&at_once, key, release, &version, true);
                    let b = evaluate_with(&incremental, key, release, &version, true);
                    assert_eq!(
                        shown(&a, &version),
                        shown(&b, &version),
                        "{key} {version:?}"
                    );
                    compared += usize::from(!a.is_empty());
                }
            }
        }
        assert!(compared > 1_000, "{compared}");
        compare(&incremental, &[None, Some("12")]);
    }

    #[test]
    fn tables_agree_with_the_versions_crate_on_real_pypi_advisories() {
        let records = load_osv(&shared_file("data/osv-pypi"), &Limits::default())
            .unwrap()
            .records;
        let index = index_of(&records);
        let hits = compare(&index, &[None]);
        assert!(hits > 1_000, "{hits}");
    }

    fn record(json: &str) -> Vulnerability {
        osv::parse(json.as_bytes(), &Origin::memory("test"), &Limits::default())
            .unwrap()
            .remove(0)
    }

    fn entry(id: &str, ecosystem: &str, name: &str, ranges: &str, versions: &str) -> Vulnerability {
        record(&format!(
            r#"{{"id": "{id}", "modified": "2024-01-01T00:00:00Z",
                "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}},
                               "ranges": [{ranges}], "versions": [{versions}]}}]}}"#
        ))
    }

    #[test]
    fn tables_agree_with_the_versions_crate_on_corner_cases() {
        let eco = |events: &str| format!(r#"{{"type": "ECOSYSTEM", "events": [{events}]}}"#);
        let semver = |events: &str| format!(r#"{{"type": "SEMVER", "events": [{events}]}}"#);
        let git = r#"{"type": "GIT", "repo": "https://example.org/r", "events": [{"introduced": "0"}, {"fixed": "abc"}]}"#;
        let records = vec![
            // limits, last_affected, several introduced, events out of order
            entry(
                "A-1",
                "PyPI",
                "p",
                &eco(r#"{"introduced": "1.0"}, {"limit": "3.0"}, {"last_affected": "2.0"}"#),
                "",
            ),
            entry(
                "A-2",
                "PyPI",
                "p",
                &eco(
                    r#"{"fixed": "2.5"}, {"introduced": "2.0"}, {"introduced": "0"}, {"fixed": "1.5"}"#,
                ),
                "",
            ),
            entry(
                "A-3",
                "PyPI",
                "p",
                &eco(r#"{"introduced": "1.0"}, {"introduced": "1.0.0"}, {"fixed": "1.0"}"#),
                "",
            ),
            entry(
                "A-4",
                "PyPI",
                "p",
                &eco(r#"{"introduced": "0"}, {"limit": "*"}"#),
                "",
            ),
            entry(
                "A-5",
                "PyPI",
                "p",
                &eco(r#"{"introduced": "0"}, {"limit": "2.0"}, {"limit": "1.0"}"#),
                "",
            ),
            // a GIT range beside a version range, alone, with a versions list
            entry(
                "A-6",
                "PyPI",
                "p",
                &format!("{}, {}", git, eco(r#"{"introduced": "1.2"}"#)),
                "",
            ),
            entry("A-7", "PyPI", "p", git, ""),
            entry("A-8", "PyPI", "p", git, r#""1.1", "1.3", "not-pep440""#),
            // an unknown range type; an event that does not parse; nothing at all
            entry(
                "A-9",
                "PyPI",
                "p",
                r#"{"type": "WEIRD", "events": [{"introduced": "0"}]}"#,
                "",
            ),
            entry(
                "A-10",
                "PyPI",
                "p",
                &eco(r#"{"introduced": "1.0"}, {"fixed": "not a version"}"#),
                r#""1.7""#,
            ),
            entry(
                "A-11",
                "PyPI",
                "p",
                &eco(r#"{"introduced": "2.0"}, {"fixed": "not a version"}"#),
                "",
            ),
            entry("A-12", "PyPI", "p", "", ""),
            entry("A-13", "PyPI", "p", "", r#""1.0", "2.0.0", "3!1.0""#),
            // SEMVER ranges in ecosystems with another order, and one with SemVer's
            entry(
                "B-1",
                "npm",
                "q",
                &semver(r#"{"introduced": "1.2.0"}, {"fixed": "1.4.5"}"#),
                "",
            ),
            entry(
                "B-2",
                "npm",
                "q",
                &format!(
                    "{}, {}",
                    semver(r#"{"introduced": "0"}, {"fixed": "1.0.0"}"#),
                    eco(r#"{"introduced": "2.0.0"}"#)
                ),
                r#""1.3.0""#,
            ),
            entry(
                "B-3",
                "Go",
                "example.org/m",
                &semver(r#"{"introduced": "0"}, {"fixed": "1.2.0"}"#),
                "",
            ),
            entry(
                "B-4",
                "Go",
                "example.org/m",
                &eco(r#"{"introduced": "v1.1.0"}, {"fixed": "v1.3.0"}"#),
                "",
            ),
            entry(
                "B-5",
                "crates.io",
                "r",
                &semver(r#"{"introduced": "0.5.0"}, {"fixed": "0.5.3"}"#),
                r#""0.5.4""#,
            ),
            // Maven, with the cycle of its order, and without it
            entry(
                "C-1",
                "Maven",
                "g:a",
                &eco(r#"{"introduced": "1-x1"}, {"fixed": "1-0-SNAPSHOT"}"#),
                r#""1""#,
            ),
            entry(
                "C-2",
                "Maven",
                "g:b",
                &eco(
                    r#"{"introduced": "1.0"}, {"fixed": "1.2-beta-1"}, {"introduced": "1.2"}, {"last_affected": "1.3.Final"}"#,
                ),
                r#""1.0.0""#,
            ),
            // per release
            entry(
                "D-1",
                "Debian:12",
                "s",
                &eco(r#"{"introduced": "0"}, {"fixed": "1.2-1+deb12u1"}"#),
                "",
            ),
            entry(
                "D-2",
                "Debian:11",
                "s",
                &eco(r#"{"introduced": "0"}, {"fixed": "1.1-1"}"#),
                "",
            ),
            // an ecosystem without ordering
            entry(
                "E-1",
                "Packagist",
                "t/u",
                &eco(r#"{"introduced": "1.0"}, {"fixed": "2.0"}"#),
                r#""1.5""#,
            ),
        ];
        let index = index_of(&records);
        let hits = compare(&index, &[None, Some("12"), Some("11")]);
        assert!(hits > 50, "{hits}");
    }
}
