//! The advisory index: package key -> the advisory entries naming it. Records are kept by id
//! with their `modified` time, so re-importing a record is a no-op and a newer one replaces
//! it; withdrawn records leave the index but are remembered. Records that are aliases of each
//! other form one vulnerability ([`crate::aliases`]).
//!
//! Each package key has a [`Table`]: its entries compiled against the package's sorted
//! boundary versions, so that evaluating a component version costs a binary search and
//! integer comparisons ([`crate::table`]); an import rebuilds the tables of the keys it
//! touches. The versions crate's own preparation of an entry (every version parsed) is made
//! only for the few entries the tables leave to it.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

// foldhash with its per-process random seed: these maps are keyed by package names and ids
// from advisories, and the package lookup is made for every component evaluated, where
// SipHash took a tenth of the evaluation time.
use foldhash::{HashMap, HashMapExt, HashSet};
use iotlabel_versions::{
    Affected as OsvAffected, Event as OsvEvent, EventKind, OsvEcosystem, PreparedAffected,
    Range as OsvRange, RangeType, Scheme, Version,
};
use iotlabel_vuln::{Affected, Ecosystem, Event, PackageKey, RangeKind, Severity, Vulnerability};
use jiff::Timestamp;
use rayon::prelude::*;

use crate::aliases::{AliasGraph, GroupInfo, RecordIx};
use crate::model::{ImportProblem, ImportReport, Phase, Progress};
use crate::table::Table;

/// A record made ready for the index: its entries, the package keys they sit under, and
/// the problems found while preparing it.
type Prepared = (PreparedRecord, Vec<PackageKey>, Vec<String>);

/// Records prepared in parallel per chunk; progress is reported between chunks.
const CHUNK: usize = 4096;

/// The advisories, indexed by package.
#[derive(Default)]
pub struct AdvisoryIndex {
    slots: Vec<RecordSlot>,
    by_id: HashMap<Arc<str>, RecordIx>,
    keys: Vec<KeySlot>,
    key_lookup: HashMap<PackageKey, u32>,
    aliases: AliasGraph,
    /// Records inserted so far: each copy of a record gets the next number (its generation).
    generations: u64,
}

/// A record as the index remembers it: its id and `modified` always, its prepared entries
/// while it is active (not withdrawn).
pub(crate) struct RecordSlot {
    pub id: Arc<str>,
    modified: Option<Timestamp>,
    /// Shared with the package tables and with the verdicts that name the record, which keep
    /// a replaced copy alive for as long as they explain findings with it.
    pub active: Option<Arc<PreparedRecord>>,
}

/// What matching needs of a record.
pub(crate) struct PreparedRecord {
    /// The record id (the slot's).
    pub id: Arc<str>,
    /// Which copy of the record this is: a number no other copy of any record has. Verdicts
    /// name the deciding record by it (with the entry), so that a replaced copy never passes
    /// for its successor.
    pub generation: u64,
    pub summary: Option<Arc<str>>,
    pub entries: Vec<Entry>,
}

/// One `affected[]` entry of a record, prepared.
pub(crate) struct Entry {
    /// Index of the package key in the index (set when the record is inserted).
    pub key: u32,
    /// The distribution release (`12` in `Debian:12`), if the ecosystem string has one.
    pub release: Option<Box<str>>,
    /// Whether the ecosystem's advisories are per distribution release (deb, apk, rpm).
    pub release_matters: bool,
    /// The entry as the versions crate reads it (`ecosystem` as written, with the release):
    /// its version texts, from which the package table is compiled.
    pub osv: OsvAffected,
    /// The same, prepared by the versions crate, made when first asked for (see
    /// [`Entry::affected`]).
    prepared: OnceLock<Box<PreparedAffected>>,
    /// The version order of `osv.ecosystem` (asked once: the package tables ask often).
    pub scheme: Option<Scheme>,
    /// `fixed` event versions of the version ranges, in version order.
    pub fixed: Arc<[Box<str>]>,
    /// Entry-level severity merged with the record's.
    pub severity: Arc<[Severity]>,
}

impl Entry {
    /// The entry prepared by the versions crate: what evaluates entries the package table
    /// does not compile, and what writes the reasons of not-evaluable verdicts. Made when
    /// first needed and kept: the package tables decide nearly every entry, and a prepared
    /// entry (every version parsed) takes more memory than the rest of the entry.
    pub fn affected(&self) -> &PreparedAffected {
        self.prepared
            .get_or_init(|| Box::new(PreparedAffected::new(&self.osv)))
    }
}

/// Where an entry lives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct EntryRef {
    pub record: RecordIx,
    pub entry: u32,
}

struct KeySlot {
    key: PackageKey,
    entries: Vec<EntryRef>,
    /// The entries compiled; `None` when there are none.
    table: Option<Table>,
}

/// What to do with one offered record.
enum Action {
    Insert,
    Withdraw,
    Skip,
}

impl AdvisoryIndex {
    /// An empty index.
    pub fn new() -> AdvisoryIndex {
        AdvisoryIndex::default()
    }

    /// Imports records: new ones are added, ones with a newer `modified` replace the held
    /// copy, withdrawn ones are removed, everything else is left alone. Within one call, when
    /// an id appears twice the copy modified later counts.
    pub fn import(&mut self, records: &[Vulnerability]) -> ImportReport {
        self.import_with_progress(records, &mut |_| {})
    }

    /// [`AdvisoryIndex::import`], reporting progress (units: records) to `progress`.
    pub fn import_with_progress(
        &mut self,
        records: &[Vulnerability],
        progress: &mut dyn FnMut(Progress),
    ) -> ImportReport {
        let mut report = ImportReport::default();
        let total = records.len() as u64;
        // The later-modified copy of an id wins within the batch, as in `load_osv`.
        let mut winner: HashMap<&str, usize> = HashMap::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            match winner.get(r.id.as_str()) {
                Some(&w)
                    if records
                        .get(w)
                        .is_some_and(|held| held.modified >= r.modified) => {}
                _ => {
                    winner.insert(r.id.as_str(), i);
                }
            }
        }
        let mut touched: Vec<RecordIx> = Vec::new();
        let mut dirty: BTreeSet<u32> = BTreeSet::new();
        let mut done = 0u64;
        for (chunk_start, chunk) in records.chunks(CHUNK).enumerate() {
            let base = chunk_start * CHUNK;
            let actions: Vec<Action> = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    if winner.get(r.id.as_str()) != Some(&(base + i)) {
                        return Action::Skip;
                    }
                    self.classify(r, &mut report)
                })
                .collect();
            let prepared: Vec<Option<Prepared>> = chunk
                .par_iter()
                .zip(actions.par_iter())
                .map(|(r, action)| match action {
                    Action::Insert => Some(prepare(r)),
                    _ => None,
                })
                .collect();
            for ((record, action), prepared) in chunk.iter().zip(actions).zip(prepared) {
                match (action, prepared) {
                    (Action::Insert, Some((prepared, keys, problems))) => {
                        report
                            .problems
                            .extend(problems.into_iter().map(|message| ImportProblem {
                                record: record.id.clone(),
                                message,
                            }));
                        let r = self.slot_for(record);
                        self.remove_entries(r, &mut dirty);
                        self.insert_entries(r, prepared, keys, &mut dirty);
                        self.aliases.set_record(r, record.identifiers());
                        touched.push(r);
                    }
                    (Action::Withdraw, _) => {
                        let r = self.slot_for(record);
                        self.remove_entries(r, &mut dirty);
                        self.aliases.set_record(r, []);
                        touched.push(r);
                    }
                    _ => {}
                }
            }
            done += chunk.len() as u64;
            progress(Progress {
                phase: Phase::IndexingAdvisories,
                done,
                total,
            });
        }
        let regrouped = self.aliases.regroup(&touched);
        for &r in &regrouped {
            if let Some(active) = self.slot(r).and_then(|s| s.active.as_ref()) {
                dirty.extend(active.entries.iter().map(|e| e.key));
            }
        }
        // The tables of the changed packages (in parallel: a first import builds them all),
        // from their previous tables for the records that did not change.
        let fresh: HashSet<RecordIx> = touched.iter().chain(&regrouped).copied().collect();
        let is_fresh = |r: RecordIx| fresh.contains(&r);
        let dirty_keys: Vec<u32> = dirty.iter().copied().collect();
        let tables: Vec<Option<Table>> = dirty_keys
            .par_iter()
            .map(|&k| {
                let old = self.keys.get(k as usize).and_then(|s| s.table.as_ref());
                Table::build(self, k, old, &is_fresh)
            })
            .collect();
        for (k, table) in dirty_keys.into_iter().zip(tables) {
            if let Some(slot) = self.keys.get_mut(k as usize) {
                slot.table = table;
            }
        }
        report.packages = dirty
            .into_iter()
            .filter_map(|k| self.keys.get(k as usize).map(|s| s.key.clone()))
            .collect();
        report.packages.sort();
        report
    }

    /// Decides what an offered record does, and notes it in the report.
    fn classify(&self, r: &Vulnerability, report: &mut ImportReport) -> Action {
        let held = self
            .by_id
            .get(r.id.as_str())
            .and_then(|&ix| self.slots.get(ix as usize));
        match held {
            Some(slot) if slot.modified == r.modified => {
                report.unchanged.push(r.id.clone());
                Action::Skip
            }
            Some(slot) if slot.modified > r.modified => {
                report.stale.push(r.id.clone());
                Action::Skip
            }
            _ if r.is_withdrawn() => {
                report.withdrawn.push(r.id.clone());
                Action::Withdraw
            }
            Some(_) => {
                report.updated.push(r.id.clone());
                Action::Insert
            }
            None => {
                report.new.push(r.id.clone());
                Action::Insert
            }
        }
    }

    fn slot_for(&mut self, record: &Vulnerability) -> RecordIx {
        let ix = match self.by_id.get(record.id.as_str()) {
            Some(&ix) => ix,
            None => {
                let ix = self.slots.len() as RecordIx;
                let id: Arc<str> = Arc::from(record.id.as_str());
                self.by_id.insert(id.clone(), ix);
                self.slots.push(RecordSlot {
                    id,
                    modified: None,
                    active: None,
                });
                ix
            }
        };
        if let Some(slot) = self.slots.get_mut(ix as usize) {
            slot.modified = record.modified;
        }
        ix
    }

    fn remove_entries(&mut self, r: RecordIx, dirty: &mut BTreeSet<u32>) {
        let Some(old) = self
            .slots
            .get_mut(r as usize)
            .and_then(|slot| slot.active.take())
        else {
            return;
        };
        let mut keys: Vec<u32> = old.entries.iter().map(|e| e.key).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            dirty.insert(key);
            if let Some(slot) = self.keys.get_mut(key as usize) {
                slot.entries.retain(|e| e.record != r);
            }
        }
    }

    fn insert_entries(
        &mut self,
        r: RecordIx,
        mut prepared: PreparedRecord,
        keys: Vec<PackageKey>,
        dirty: &mut BTreeSet<u32>,
    ) {
        for (i, (entry, key)) in prepared.entries.iter_mut().zip(keys).enumerate() {
            let k = match self.key_lookup.get(&key) {
                Some(&k) => k,
                None => {
                    let k = self.keys.len() as u32;
                    self.key_lookup.insert(key.clone(), k);
                    self.keys.push(KeySlot {
                        key,
                        entries: Vec::new(),
                        table: None,
                    });
                    k
                }
            };
            entry.key = k;
            dirty.insert(k);
            if let Some(slot) = self.keys.get_mut(k as usize) {
                slot.entries.push(EntryRef {
                    record: r,
                    entry: i as u32,
                });
            }
        }
        if let Some(slot) = self.slots.get_mut(r as usize) {
            prepared.id = slot.id.clone();
            self.generations += 1;
            prepared.generation = self.generations;
            slot.active = Some(Arc::new(prepared));
        }
    }

    pub(crate) fn slot(&self, r: RecordIx) -> Option<&RecordSlot> {
        self.slots.get(r as usize)
    }

    /// The index of a package key, if any advisory ever named it.
    pub(crate) fn key_index(&self, key: &PackageKey) -> Option<u32> {
        self.key_lookup.get(key).copied()
    }

    /// The entries naming a package key.
    pub(crate) fn entries_of(&self, key: u32) -> &[EntryRef] {
        self.keys
            .get(key as usize)
            .map(|slot| slot.entries.as_slice())
            .unwrap_or_default()
    }

    /// An entry of an active record.
    pub(crate) fn entry(&self, at: EntryRef) -> Option<&Entry> {
        self.slot(at.record)?
            .active
            .as_ref()?
            .entries
            .get(at.entry as usize)
    }

    /// The compiled entries of a package key.
    pub(crate) fn table(&self, key: u32) -> Option<&Table> {
        self.keys
            .get(key as usize)
            .and_then(|slot| slot.table.as_ref())
    }

    /// The vulnerability a record belongs to.
    pub(crate) fn group_of_record(&self, r: RecordIx) -> Option<&Arc<GroupInfo>> {
        self.aliases.group_of_record(r)
    }

    /// The records of the vulnerability an identifier belongs to.
    pub(crate) fn records_of_id(&self, id: &str) -> Vec<RecordIx> {
        self.aliases.records_of_id(id)
    }

    /// Number of package keys ever named (indexes `0..key_count()`).
    #[cfg(test)]
    pub(crate) fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// The package key at an index.
    pub(crate) fn key_at(&self, key: u32) -> Option<&PackageKey> {
        self.keys.get(key as usize).map(|slot| &slot.key)
    }

    /// Number of active (not withdrawn) records.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.active.is_some()).count()
    }

    /// Whether no record is active.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of vulnerabilities (alias groups of active records).
    pub fn vulnerability_count(&self) -> usize {
        self.aliases.group_count()
    }

    /// Number of packages named by active records.
    pub fn package_count(&self) -> usize {
        self.keys.iter().filter(|k| !k.entries.is_empty()).count()
    }

    /// Ids of the active records naming a package, sorted.
    pub fn advisories_for(&self, key: &PackageKey) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .key_index(key)
            .map(|k| self.entries_of(k))
            .unwrap_or_default()
            .iter()
            .filter_map(|e| self.slots.get(e.record as usize))
            .map(|s| &*s.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The vulnerability an id (record id or alias) belongs to: its primary id and all ids.
    pub fn vulnerability_of(&self, id: &str) -> Option<(String, Vec<String>)> {
        let r = *self.records_of_id(id).first()?;
        let group = self.group_of_record(r)?;
        Some((
            group.primary.to_string(),
            group.ids.iter().map(|i| i.to_string()).collect(),
        ))
    }

    /// Whether a record id is held (active or withdrawn) and its `modified` time.
    pub fn modified_of(&self, id: &str) -> Option<Option<Timestamp>> {
        self.by_id
            .get(id)
            .and_then(|&ix| self.slots.get(ix as usize))
            .map(|s| s.modified)
    }
}

/// Whether advisories of an ecosystem are per distribution release: a Debian 12 advisory says
/// nothing about Debian 11's package of the same name and version.
pub(crate) fn release_matters(ecosystem: &Ecosystem) -> bool {
    matches!(ecosystem.purl_type(), Some("deb" | "apk" | "rpm"))
}

/// The version scheme of a package key's ecosystem.
pub(crate) fn scheme_of(ecosystem: &Ecosystem) -> Option<Scheme> {
    OsvEcosystem::parse(ecosystem.as_str()).scheme()
}

/// Prepares a record: its entries with packages (others are reported as problems), the keys
/// they name, and problems found.
fn prepare(record: &Vulnerability) -> (PreparedRecord, Vec<PackageKey>, Vec<String>) {
    let severity: Arc<[Severity]> = Arc::from(record.severity.as_slice());
    let mut entries = Vec::with_capacity(record.affected.len());
    let mut keys = Vec::with_capacity(record.affected.len());
    let mut problems = Vec::new();
    for (i, affected) in record.affected.iter().enumerate() {
        let Some(package) = &affected.package else {
            problems.push(format!(
                "affected[{i}] names no package; it cannot be matched to components"
            ));
            continue;
        };
        let key = package.key();
        if key.name.is_empty() {
            problems.push(format!(
                "affected[{i}] has an empty package name; it cannot be matched"
            ));
            continue;
        }
        let ecosystem = match &package.release {
            Some(release) => format!("{}:{release}", package.ecosystem.as_str()),
            None => package.ecosystem.as_str().to_owned(),
        };
        let osv = to_osv(ecosystem, affected);
        let prepared = PreparedAffected::new(&osv);
        problems.extend(
            prepared
                .problems()
                .into_iter()
                .map(|p| format!("affected[{i}] ({}): {p}", key)),
        );
        let scheme = prepared.ecosystem().scheme();
        let severity = if affected.severity.is_empty() {
            severity.clone()
        } else {
            let mut all = record.severity.clone();
            all.extend(affected.severity.iter().cloned());
            Arc::from(all)
        };
        entries.push(Entry {
            key: 0,
            release: package.release.as_deref().map(Box::from),
            release_matters: release_matters(&package.ecosystem),
            osv,
            prepared: OnceLock::new(),
            scheme,
            fixed: fixed_versions(affected, scheme),
            severity,
        });
        keys.push(key);
    }
    let prepared = PreparedRecord {
        // Replaced by the slot's (shared) id and the next generation when it is inserted.
        id: Arc::from(""),
        generation: 0,
        summary: record.summary.as_deref().map(Arc::from),
        entries,
    };
    (prepared, keys, problems)
}

/// The crate-neutral OSV shape the version crate evaluates.
fn to_osv(ecosystem: String, affected: &Affected) -> OsvAffected {
    OsvAffected {
        ecosystem,
        ranges: affected
            .ranges
            .iter()
            .map(|range| OsvRange {
                range_type: match &range.kind {
                    RangeKind::Semver => RangeType::Semver,
                    RangeKind::Ecosystem => RangeType::Ecosystem,
                    RangeKind::Git => RangeType::Git,
                    RangeKind::Other(other) => RangeType::Other(other.clone()),
                },
                repo: range.repo.clone(),
                events: range
                    .events
                    .iter()
                    .map(|event| match event {
                        Event::Introduced(v) => OsvEvent::new(EventKind::Introduced, v.as_str()),
                        Event::Fixed(v) => OsvEvent::new(EventKind::Fixed, v.as_str()),
                        Event::LastAffected(v) => {
                            OsvEvent::new(EventKind::LastAffected, v.as_str())
                        }
                        Event::Limit(v) => OsvEvent::new(EventKind::Limit, v.as_str()),
                    })
                    .collect(),
            })
            .collect(),
        versions: affected.versions.clone(),
    }
}

/// The `fixed` versions of an entry's version ranges (commit hashes of `GIT` ranges are not
/// versions), in version order.
fn fixed_versions(affected: &Affected, scheme: Option<Scheme>) -> Arc<[Box<str>]> {
    let texts: Vec<&str> = affected
        .ranges
        .iter()
        .filter(|r| matches!(r.kind, RangeKind::Semver | RangeKind::Ecosystem))
        .flat_map(|r| &r.events)
        .filter_map(|e| match e {
            Event::Fixed(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    sort_versions(texts, scheme)
}

/// Sorts and de-duplicates version strings by the scheme's order; strings the scheme rejects
/// follow in text order.
pub(crate) fn sort_versions<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    scheme: Option<Scheme>,
) -> Arc<[Box<str>]> {
    let mut texts: Vec<&str> = texts.into_iter().collect();
    texts.sort_unstable();
    texts.dedup();
    if texts.len() <= 1 {
        return texts.into_iter().map(Box::from).collect();
    }
    let mut parsed: Vec<(Version, &str)> = Vec::with_capacity(texts.len());
    let mut unparsed: Vec<&str> = Vec::new();
    for text in texts {
        match scheme.map(|s| s.parse(text)) {
            Some(Ok(v)) => parsed.push((v, text)),
            _ => unparsed.push(text),
        }
    }
    iotlabel_versions::sort_by_version(&mut parsed, |(v, _)| v);
    parsed
        .into_iter()
        .map(|(_, t)| t)
        .chain(unparsed)
        .map(Box::from)
        .collect()
}
