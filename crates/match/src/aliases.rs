//! Alias groups kept up to date as records come, change and go. Records and identifiers form a
//! graph (a record links its id with its aliases); a vulnerability is a connected component.
//! `iotlabel_vuln::AliasGroups` builds the same groups in one pass; here a group must also be
//! able to split when a record loses an alias or is withdrawn, which a union-find cannot undo.
//! So each change re-walks only the components it touches: the old groups of the changed
//! records (which may split) and whatever their new ids connect them to (which may merge).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use iotlabel_vuln::advisory::aliases::normalise_id;

/// Index of a record slot in the advisory index.
pub(crate) type RecordIx = u32;

const NO_GROUP: u32 = u32::MAX;

/// One vulnerability: all its identifiers, normalised and sorted, and its primary id.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct GroupInfo {
    /// The first CVE id, else the smallest id (the rule `iotlabel_vuln::Group::primary` uses).
    pub primary: Arc<str>,
    /// Every id, sorted, the primary included.
    pub ids: Box<[Arc<str>]>,
}

impl GroupInfo {
    fn new(mut ids: Vec<Arc<str>>) -> GroupInfo {
        ids.sort();
        ids.dedup();
        let primary = ids
            .iter()
            .find(|id| id.starts_with("CVE-"))
            .or_else(|| ids.first())
            .cloned()
            .unwrap_or_else(|| Arc::from(""));
        GroupInfo {
            primary,
            ids: ids.into_boxed_slice(),
        }
    }
}

/// The identifiers of one vulnerability, as VEX statements and the KEV catalogue are matched
/// against them: a group of the alias graph, or the copy of its ids a package table keeps.
pub(crate) trait Ids {
    /// Whether `normalised` (an id normalised as the alias graph does) is one of the ids.
    fn contains(&self, normalised: &str) -> bool;
    /// The CVE ids: the join key to KEV.
    fn cves(&self) -> impl Iterator<Item = &str>;
}

impl Ids for GroupInfo {
    fn contains(&self, normalised: &str) -> bool {
        self.ids
            .binary_search_by(|id| (**id).cmp(normalised))
            .is_ok()
    }

    fn cves(&self) -> impl Iterator<Item = &str> {
        self.ids
            .iter()
            .map(|id| &**id)
            .filter(|id| id.starts_with("CVE-"))
    }
}

struct GroupSlot {
    info: Arc<GroupInfo>,
    records: Vec<RecordIx>,
}

/// The record-identifier graph and its current components.
#[derive(Default)]
pub(crate) struct AliasGraph {
    id_index: HashMap<Arc<str>, u32>,
    id_names: Vec<Arc<str>>,
    id_records: Vec<Vec<RecordIx>>,
    record_ids: Vec<Vec<u32>>,
    record_group: Vec<u32>,
    groups: Vec<Option<GroupSlot>>,
    free_groups: Vec<u32>,
}

impl AliasGraph {
    fn ensure_record(&mut self, record: RecordIx) {
        let needed = record as usize + 1;
        if self.record_ids.len() < needed {
            self.record_ids.resize_with(needed, Vec::new);
            self.record_group.resize(needed, NO_GROUP);
        }
    }

    fn intern(&mut self, id: String) -> u32 {
        if let Some(&ix) = self.id_index.get(id.as_str()) {
            return ix;
        }
        let ix = self.id_names.len() as u32;
        let name: Arc<str> = Arc::from(id);
        self.id_index.insert(name.clone(), ix);
        self.id_names.push(name);
        self.id_records.push(Vec::new());
        ix
    }

    /// Sets the identifiers of a record (its id and aliases, as written); an empty list takes
    /// the record out of the graph (withdrawn or removed). Call [`AliasGraph::regroup`] with
    /// the changed records afterwards.
    pub fn set_record<'a>(&mut self, record: RecordIx, ids: impl IntoIterator<Item = &'a str>) {
        self.ensure_record(record);
        let mut new_ids: Vec<u32> = ids
            .into_iter()
            .map(normalise_id)
            .filter(|id| !id.is_empty())
            .map(|id| self.intern(id))
            .collect();
        new_ids.sort_unstable();
        new_ids.dedup();
        let old_ids = std::mem::take(&mut self.record_ids[record as usize]);
        for id in &old_ids {
            if let Some(list) = self.id_records.get_mut(*id as usize) {
                list.retain(|r| *r != record);
            }
        }
        for id in &new_ids {
            if let Some(list) = self.id_records.get_mut(*id as usize) {
                list.push(record);
            }
        }
        self.record_ids[record as usize] = new_ids;
    }

    /// The group of a record, if it is in the graph.
    pub fn group_of_record(&self, record: RecordIx) -> Option<&Arc<GroupInfo>> {
        let g = *self.record_group.get(record as usize)?;
        self.groups
            .get(g as usize)
            .and_then(Option::as_ref)
            .map(|slot| &slot.info)
    }

    /// The records of the group an identifier belongs to.
    pub fn records_of_id(&self, id: &str) -> Vec<RecordIx> {
        let Some(&ix) = self.id_index.get(normalise_id(id).as_str()) else {
            return Vec::new();
        };
        let Some(first) = self
            .id_records
            .get(ix as usize)
            .and_then(|records| records.first())
        else {
            return Vec::new();
        };
        let g = self
            .record_group
            .get(*first as usize)
            .copied()
            .unwrap_or(NO_GROUP);
        self.groups
            .get(g as usize)
            .and_then(Option::as_ref)
            .map(|slot| slot.records.clone())
            .unwrap_or_default()
    }

    /// Recomputes the groups around `touched` records; returns every record whose group
    /// changed (in ids or membership), the touched ones included.
    pub fn regroup(&mut self, touched: &[RecordIx]) -> Vec<RecordIx> {
        let mut start: Vec<RecordIx> = Vec::with_capacity(touched.len());
        let mut seen_start = HashSet::with_capacity(touched.len());
        for &r in touched {
            if seen_start.insert(r) {
                start.push(r);
            }
            if let Some(slot) = self
                .record_group
                .get(r as usize)
                .and_then(|&g| self.groups.get(g as usize))
                .and_then(Option::as_ref)
            {
                for &member in &slot.records {
                    if seen_start.insert(member) {
                        start.push(member);
                    }
                }
            }
        }
        let mut visited: HashSet<RecordIx> = HashSet::with_capacity(start.len());
        let mut old_info: Vec<(RecordIx, Option<Arc<GroupInfo>>)> = Vec::new();
        let mut components: Vec<Vec<RecordIx>> = Vec::new();
        let mut queue = VecDeque::new();
        let mut seen_ids: HashSet<u32> = HashSet::new();
        for &s in &start {
            if !visited.insert(s) {
                continue;
            }
            old_info.push((s, self.group_of_record(s).cloned()));
            let has_ids = self
                .record_ids
                .get(s as usize)
                .is_some_and(|ids| !ids.is_empty());
            if !has_ids {
                continue;
            }
            let mut members = vec![s];
            queue.push_back(s);
            while let Some(r) = queue.pop_front() {
                let Some(ids) = self.record_ids.get(r as usize) else {
                    continue;
                };
                for &id in ids {
                    if !seen_ids.insert(id) {
                        continue;
                    }
                    for &other in self.id_records.get(id as usize).into_iter().flatten() {
                        if visited.insert(other) {
                            old_info.push((other, self.group_of_record(other).cloned()));
                            members.push(other);
                            queue.push_back(other);
                        }
                    }
                }
            }
            components.push(members);
        }
        // Every member of a group being replaced was visited (see the module comment), so the
        // old groups can be freed wholesale.
        for (r, _) in &old_info {
            if let Some(g) = self.record_group.get_mut(*r as usize) {
                let old = std::mem::replace(g, NO_GROUP);
                if let Some(slot) = self.groups.get_mut(old as usize)
                    && slot.take().is_some()
                {
                    self.free_groups.push(old);
                }
            }
        }
        for mut members in components {
            members.sort_unstable();
            let mut ids: Vec<Arc<str>> = members
                .iter()
                .filter_map(|r| self.record_ids.get(*r as usize))
                .flatten()
                .filter_map(|id| self.id_names.get(*id as usize).cloned())
                .collect();
            ids.sort();
            ids.dedup();
            let info = Arc::new(GroupInfo::new(ids));
            let slot = GroupSlot {
                info,
                records: members,
            };
            let g = match self.free_groups.pop() {
                Some(g) => {
                    if let Some(place) = self.groups.get_mut(g as usize) {
                        *place = Some(slot);
                    }
                    g
                }
                None => {
                    self.groups.push(Some(slot));
                    (self.groups.len() - 1) as u32
                }
            };
            let records = self
                .groups
                .get(g as usize)
                .and_then(Option::as_ref)
                .map(|s| s.records.clone())
                .unwrap_or_default();
            for r in records {
                if let Some(place) = self.record_group.get_mut(r as usize) {
                    *place = g;
                }
            }
        }
        old_info
            .into_iter()
            .filter(|(r, old)| old.as_deref() != self.group_of_record(*r).map(|g| &**g))
            .map(|(r, _)| r)
            .collect()
    }

    /// Number of groups.
    pub fn group_count(&self) -> usize {
        self.groups.iter().filter(|g| g.is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn primary(graph: &AliasGraph, r: RecordIx) -> Option<String> {
        graph.group_of_record(r).map(|g| g.primary.to_string())
    }

    #[test]
    fn groups_merge_and_split() {
        let mut g = AliasGraph::default();
        g.set_record(0, ["GHSA-aaaa-bbbb-cccc", "CVE-2020-1"]);
        g.set_record(1, ["PYSEC-2020-9"]);
        let changed = g.regroup(&[0, 1]);
        assert_eq!(changed, vec![0, 1]);
        assert_eq!(primary(&g, 0).as_deref(), Some("CVE-2020-1"));
        assert_eq!(primary(&g, 1).as_deref(), Some("PYSEC-2020-9"));
        assert_eq!(g.group_count(), 2);
        // PYSEC now names the CVE: one group.
        g.set_record(1, ["PYSEC-2020-9", "cve-2020-1"]);
        let mut changed = g.regroup(&[1]);
        changed.sort_unstable();
        assert_eq!(changed, vec![0, 1]);
        assert_eq!(primary(&g, 1).as_deref(), Some("CVE-2020-1"));
        assert_eq!(g.group_count(), 1);
        assert_eq!(g.records_of_id("GHSA-AAAA-BBBB-CCCC"), vec![0, 1]);
        // Withdrawing the PYSEC record splits it off again.
        g.set_record(1, []);
        let mut changed = g.regroup(&[1]);
        changed.sort_unstable();
        assert_eq!(changed, vec![0, 1]);
        assert_eq!(primary(&g, 1), None);
        assert_eq!(g.group_of_record(0).unwrap().ids.len(), 2);
        // Re-setting the same ids changes nothing.
        g.set_record(0, ["CVE-2020-1", "GHSA-aaaa-bbbb-cccc"]);
        assert!(g.regroup(&[0]).is_empty());
    }

    #[test]
    fn a_chain_of_aliases_is_one_group() {
        let mut g = AliasGraph::default();
        let names: Vec<String> = (0..1000).map(|i| format!("X-{i}")).collect();
        for i in 0..999u32 {
            g.set_record(
                i,
                [names[i as usize].as_str(), names[i as usize + 1].as_str()],
            );
        }
        let touched: Vec<u32> = (0..999).collect();
        g.regroup(&touched);
        assert_eq!(g.group_count(), 1);
        // Cutting the chain in the middle splits it in two.
        g.set_record(500, []);
        g.regroup(&[500]);
        assert_eq!(g.group_count(), 2);
    }
}
