//! Merging records that describe the same vulnerability: every id and alias is a node, every
//! record joins its id with its aliases, and the connected components are the groups
//! (union-find). GHSA, PYSEC and CVE records of one flaw end up in one group, which is also
//! how KEV's CVE ids reach package advisories.
//!
//! The union-find is written here (twenty lines) rather than taken from `petgraph`, which
//! would bring a whole graph library for one small structure.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::advisory::model::Vulnerability;

/// Vulnerability groups built from records' ids and aliases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AliasGroups {
    groups: Vec<Group>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
}

/// One vulnerability: all its identifiers and the records that describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Every identifier, normalised (upper case prefix; `CVE-` ids fully upper case).
    pub ids: BTreeSet<String>,
    /// Indexes of the records in the slice the groups were built from.
    pub records: Vec<usize>,
}

impl Group {
    /// The group's CVE ids: the join key to KEV.
    pub fn cves(&self) -> impl Iterator<Item = &str> {
        self.ids
            .iter()
            .map(String::as_str)
            .filter(|id| id.starts_with("CVE-"))
    }

    /// A stable name for the group: its first CVE, else its smallest id.
    pub fn primary(&self) -> &str {
        self.cves()
            .next()
            .or_else(|| self.ids.iter().next().map(String::as_str))
            .unwrap_or_default()
    }
}

/// Normalises an identifier so that spelling differences in case do not split groups.
pub fn normalise_id(id: &str) -> String {
    let id = id.trim();
    match id.split_once('-') {
        // Prefixes (CVE, GHSA, PYSEC, RUSTSEC...) are upper case by convention; CVE ids have
        // only digits after the prefix, so the whole id is upper-cased. GHSA suffixes are
        // lower case by convention.
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("GHSA") => {
            format!("GHSA-{}", rest.to_ascii_lowercase())
        }
        Some((prefix, rest)) => format!("{}-{rest}", prefix.to_ascii_uppercase()),
        None => id.to_string(),
    }
}

struct UnionFind {
    parent: Vec<usize>,
    rank: Vec<u8>,
}

impl UnionFind {
    fn add(&mut self) -> usize {
        self.parent.push(self.parent.len());
        self.rank.push(0);
        self.parent.len() - 1
    }

    fn find(&mut self, mut x: usize) -> usize {
        let mut root = x;
        while let Some(&p) = self.parent.get(root) {
            if p == root {
                break;
            }
            root = p;
        }
        // Path compression, iteratively so long chains cannot overflow the stack.
        while let Some(&p) = self.parent.get(x) {
            if p == root {
                break;
            }
            if let Some(slot) = self.parent.get_mut(x) {
                *slot = root;
            }
            x = p;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (rank_a, rank_b) = (
            self.rank.get(ra).copied().unwrap_or(0),
            self.rank.get(rb).copied().unwrap_or(0),
        );
        let (child, root) = if rank_a < rank_b { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(child) {
            *slot = root;
        }
        if rank_a == rank_b
            && let Some(r) = self.rank.get_mut(root)
        {
            *r = r.saturating_add(1);
        }
    }
}

impl AliasGroups {
    /// Groups records by shared ids and aliases.
    pub fn build(records: &[Vulnerability]) -> AliasGroups {
        let mut node_of: HashMap<String, usize> = HashMap::new();
        let mut uf = UnionFind {
            parent: Vec::new(),
            rank: Vec::new(),
        };
        let mut record_node = Vec::with_capacity(records.len());
        for record in records {
            let mut first = None;
            for id in record.identifiers() {
                let key = normalise_id(id);
                if key.is_empty() {
                    continue;
                }
                let node = *node_of.entry(key).or_insert_with(|| uf.add());
                match first {
                    None => first = Some(node),
                    Some(f) => uf.union(f, node),
                }
            }
            record_node.push(first);
        }
        let mut group_of_root: HashMap<usize, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut by_id = HashMap::with_capacity(node_of.len());
        let mut ids: Vec<(String, usize)> = node_of.into_iter().collect();
        ids.sort();
        for (id, node) in ids {
            let root = uf.find(node);
            let g = *group_of_root.entry(root).or_insert_with(|| {
                groups.push(Group {
                    ids: BTreeSet::new(),
                    records: Vec::new(),
                });
                groups.len() - 1
            });
            if let Some(group) = groups.get_mut(g) {
                group.ids.insert(id.clone());
            }
            by_id.insert(id, g);
        }
        for (index, node) in record_node.into_iter().enumerate() {
            let Some(node) = node else { continue };
            let root = uf.find(node);
            if let Some(group) = group_of_root.get(&root).and_then(|&g| groups.get_mut(g)) {
                group.records.push(index);
            }
        }
        AliasGroups { groups, by_id }
    }

    /// All groups.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The group an identifier belongs to.
    pub fn group_of(&self, id: &str) -> Option<&Group> {
        self.by_id
            .get(&normalise_id(id))
            .and_then(|&g| self.groups.get(g))
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_normalise() {
        assert_eq!(normalise_id(" cve-2021-44228 "), "CVE-2021-44228");
        assert_eq!(normalise_id("ghsa-JFH8-C2JP-5V3Q"), "GHSA-jfh8-c2jp-5v3q");
        assert_eq!(normalise_id("pysec-2021-1"), "PYSEC-2021-1");
    }
}
