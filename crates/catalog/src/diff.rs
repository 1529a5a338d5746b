//! What changed between two catalogue versions, and whom it touches.
//!
//! The reports ask for a living checklist rather than a frozen one. A new catalogue version
//! matters to everyone whose label relied on a provision that changed, so the diff reports not
//! only provisions added, removed and changed, but also which profiles and regimes those
//! changes reach.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::id::ProvisionId;

/// One field of a provision that differs.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    /// Field name as in the JSON export.
    pub field: String,
    /// Value before.
    pub before: Value,
    /// Value after.
    pub after: Value,
}

/// A provision present in both versions whose content differs.
#[derive(Debug, Clone, Serialize)]
pub struct ProvisionChange {
    /// The provision.
    pub id: ProvisionId,
    /// Its title in the newer version.
    pub title: String,
    /// The fields that differ.
    pub fields: Vec<FieldChange>,
}

/// How a profile or regime is touched by the change.
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    /// Profile or regime id.
    pub id: String,
    /// Provisions it depends on (in either version) that were added, removed or changed.
    pub provisions: Vec<ProvisionId>,
    /// Whether its own definition changed (selection, raises, crosswalk rows, decision).
    pub definition_changed: bool,
}

/// Rows of one crosswalk that differ.
#[derive(Debug, Clone, Serialize)]
pub struct CrosswalkChange {
    /// Crosswalk id.
    pub id: String,
    /// Rows only in the newer version.
    pub rows_added: Vec<String>,
    /// Rows only in the older version.
    pub rows_removed: Vec<String>,
    /// Rows in both whose content differs.
    pub rows_changed: Vec<String>,
}

/// The difference between two catalogues.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogDiff {
    /// Version of the older catalogue.
    pub from_version: String,
    /// Version of the newer catalogue.
    pub to_version: String,
    /// Provisions only in the newer version.
    pub added: Vec<ProvisionId>,
    /// Provisions only in the older version.
    pub removed: Vec<ProvisionId>,
    /// Provisions in both whose content differs.
    pub changed: Vec<ProvisionChange>,
    /// Profiles touched.
    pub profiles: Vec<Impact>,
    /// Regimes touched.
    pub regimes: Vec<Impact>,
    /// Crosswalks whose rows changed.
    pub crosswalks: Vec<CrosswalkChange>,
}

impl CatalogDiff {
    /// Whether the two catalogues have the same provisions, crosswalks, profiles and regimes.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.profiles.is_empty()
            && self.regimes.is_empty()
            && self.crosswalks.is_empty()
    }
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Compares two catalogues.
pub fn diff(old: &Catalog, new: &Catalog) -> CatalogDiff {
    let old_ids: BTreeSet<&ProvisionId> = old.provisions.iter().map(|p| &p.id).collect();
    let new_ids: BTreeSet<&ProvisionId> = new.provisions.iter().map(|p| &p.id).collect();
    let added: Vec<ProvisionId> = new_ids.difference(&old_ids).map(|&i| i.clone()).collect();
    let removed: Vec<ProvisionId> = old_ids.difference(&new_ids).map(|&i| i.clone()).collect();
    let mut changed = Vec::new();
    for id in old_ids.intersection(&new_ids) {
        let (Some(a), Some(b)) = (old.provision(id), new.provision(id)) else {
            continue;
        };
        let (Value::Object(ja), Value::Object(jb)) = (json(a), json(b)) else {
            continue;
        };
        let keys: BTreeSet<&String> = ja.keys().chain(jb.keys()).collect();
        let fields: Vec<FieldChange> = keys
            .into_iter()
            .filter(|k| ja.get(*k) != jb.get(*k))
            .map(|k| FieldChange {
                field: k.clone(),
                before: ja.get(k).cloned().unwrap_or(Value::Null),
                after: jb.get(k).cloned().unwrap_or(Value::Null),
            })
            .collect();
        if !fields.is_empty() {
            changed.push(ProvisionChange {
                id: (*id).clone(),
                title: b.title.clone(),
                fields,
            });
        }
    }
    let touched: BTreeSet<ProvisionId> = added
        .iter()
        .chain(removed.iter())
        .cloned()
        .chain(changed.iter().map(|c| c.id.clone()))
        .collect();

    let profile_ids: BTreeSet<&str> = old
        .profiles
        .iter()
        .chain(new.profiles.iter())
        .map(|p| p.id.as_str())
        .collect();
    let mut profiles = Vec::new();
    for pid in profile_ids {
        let (a, b) = (old.profile(pid), new.profile(pid));
        let selected: BTreeSet<&ProvisionId> = a
            .iter()
            .chain(b.iter())
            .flat_map(|p| p.provisions.iter())
            .collect();
        let provisions: Vec<ProvisionId> = touched
            .iter()
            .filter(|t| selected.contains(t))
            .cloned()
            .collect();
        let definition_changed = a.map(json) != b.map(json);
        if definition_changed || !provisions.is_empty() {
            profiles.push(Impact {
                id: pid.to_owned(),
                provisions,
                definition_changed,
            });
        }
    }

    let regime_ids: BTreeSet<&str> = old
        .regimes
        .iter()
        .chain(new.regimes.iter())
        .map(|r| r.id.as_str())
        .collect();
    let mut regimes = Vec::new();
    for rid in regime_ids {
        let (a, b) = (old.regime(rid), new.regime(rid));
        let mut depends: BTreeSet<ProvisionId> = BTreeSet::new();
        if let Some(r) = a {
            depends.extend(old.regime_provisions(r).iter().map(|p| p.id.clone()));
        }
        if let Some(r) = b {
            depends.extend(new.regime_provisions(r).iter().map(|p| p.id.clone()));
        }
        let provisions: Vec<ProvisionId> = touched.intersection(&depends).cloned().collect();
        let crosswalk_a = a.and_then(|r| old.regime_crosswalk(r)).map(json);
        let crosswalk_b = b.and_then(|r| new.regime_crosswalk(r)).map(json);
        let definition_changed = a.map(json) != b.map(json) || crosswalk_a != crosswalk_b;
        if definition_changed || !provisions.is_empty() {
            regimes.push(Impact {
                id: rid.to_owned(),
                provisions,
                definition_changed,
            });
        }
    }

    let mut crosswalks = Vec::new();
    let cw_ids: BTreeSet<&str> = old
        .crosswalks
        .iter()
        .chain(new.crosswalks.iter())
        .map(|c| c.id.as_str())
        .collect();
    for cid in cw_ids {
        let rows = |c: Option<&crate::model::Crosswalk>| -> BTreeMap<String, Value> {
            c.map(|c| c.rows.iter().map(|r| (r.id.clone(), json(r))).collect())
                .unwrap_or_default()
        };
        let (ra, rb) = (rows(old.crosswalk(cid)), rows(new.crosswalk(cid)));
        let change = CrosswalkChange {
            id: cid.to_owned(),
            rows_added: rb
                .keys()
                .filter(|k| !ra.contains_key(*k))
                .cloned()
                .collect(),
            rows_removed: ra
                .keys()
                .filter(|k| !rb.contains_key(*k))
                .cloned()
                .collect(),
            rows_changed: ra
                .iter()
                .filter(|(k, v)| rb.get(*k).is_some_and(|w| w != *v))
                .map(|(k, _)| k.clone())
                .collect(),
        };
        if !(change.rows_added.is_empty()
            && change.rows_removed.is_empty()
            && change.rows_changed.is_empty())
        {
            crosswalks.push(change);
        }
    }

    CatalogDiff {
        from_version: old.meta.version.to_string(),
        to_version: new.meta.version.to_string(),
        added,
        removed,
        changed,
        profiles,
        regimes,
        crosswalks,
    }
}
