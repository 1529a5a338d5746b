//! Weakness classes (CWE) and the provisions that address them (`knowledge/weaknesses.toml`).
//!
//! The evidence dashboard counts the weakness classes of vulnerabilities found in labelled
//! products and shows which no provision addresses: evidence for the next catalogue revision.
//! This module reads that mapping. Like every other reference in the catalogue, each provision
//! id is resolved when the catalogue loads, and one that does not resolve is a load diagnostic
//! with file, line and column. An entry with no provisions is a reviewed gap.
//!
//! The mapping is analysis, not policy: it cannot change a verdict, so (like translations) it
//! is left out of the catalogue's JSON form, and a catalogue version names the same assessed
//! content whatever the mapping says.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use crate::catalog::Catalog;
use crate::error::{Diagnostics, SourceText};
use crate::id::ProvisionId;
use crate::snapshot::Snapshot;

/// Where the mapping lives in a catalogue.
pub const FILE: &str = "knowledge/weaknesses.toml";

/// One weakness class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakness {
    /// CWE id, `CWE-798`.
    pub id: String,
    /// MITRE's name for it.
    pub name: String,
    /// Provisions that address it (empty: a reviewed gap).
    pub provisions: Vec<ProvisionId>,
    /// Why, where the mapping needs explaining.
    pub note: Option<String>,
}

/// The mapping from weakness classes to provisions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Weaknesses {
    list: Vec<Weakness>,
    index: HashMap<String, usize>,
}

impl Weaknesses {
    /// A weakness class by CWE id (`CWE-79`, case-insensitive).
    pub fn get(&self, cwe: &str) -> Option<&Weakness> {
        self.index
            .get(&cwe.trim().to_ascii_uppercase())
            .map(|&i| &self.list[i])
    }

    /// Every entry, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Weakness> {
        self.list.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether the catalogue has no mapping.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl Catalog {
    /// The weakness classes and the provisions that address them.
    pub fn weaknesses(&self) -> &Weaknesses {
        &self.weaknesses
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WeaknessesFile {
    #[serde(default)]
    weakness: Vec<WeaknessEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WeaknessEntry {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    provisions: Vec<Spanned<String>>,
    #[serde(default)]
    note: Option<String>,
}

fn is_cwe_id(id: &str) -> bool {
    id.strip_prefix("CWE-").is_some_and(|n| {
        !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Reads and checks the mapping of a snapshot against its (otherwise built) catalogue; a
/// catalogue without the file has an empty mapping.
pub(crate) fn load(snapshot: &Snapshot, catalog: &Catalog, diags: &mut Diagnostics) -> Weaknesses {
    let Some(text) = snapshot.files.get(FILE) else {
        return Weaknesses::default();
    };
    let src = SourceText::new(&snapshot.display_path(FILE), text.clone());
    let file: WeaknessesFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let message = e.message().trim().to_owned();
            let hint = message
                .contains("unknown field")
                .then(|| "an entry has `id`, `name`, `provisions` and `note`".to_owned());
            diags.push(src.at(e.span().unwrap_or(0..0), None, message, hint));
            return Weaknesses::default();
        }
    };
    let mut out = Weaknesses::default();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for entry in file.weakness {
        let id = entry.id.get_ref().trim().to_owned();
        if !is_cwe_id(&id) {
            diags.push(src.at(
                entry.id.span(),
                Some(&id),
                format!("`{id}` is not a CWE id"),
                Some("write it as CWE-<number>, e.g. CWE-798".into()),
            ));
            continue;
        }
        let (line, _) = src.line_column(entry.id.span().start);
        if let Some(first) = first_line.get(&id) {
            diags.push(src.at(
                entry.id.span(),
                Some(&id),
                format!("duplicate weakness `{id}` (first defined at line {first})"),
                None,
            ));
            continue;
        }
        first_line.insert(id.clone(), line);
        if entry.name.trim().is_empty() {
            diags.push(src.at(entry.id.span(), Some(&id), "`name` is empty", None));
        }
        let mut provisions = Vec::new();
        let mut seen = HashSet::new();
        for r in &entry.provisions {
            match catalog.resolve(r.get_ref()) {
                Ok(p) if seen.insert(p.id.clone()) => provisions.push(p.id.clone()),
                Ok(p) => diags.push(src.at(
                    r.span(),
                    Some(&id),
                    format!("provision `{}` is listed twice", p.id),
                    None,
                )),
                Err(e) => diags.push(src.at(r.span(), Some(&id), e.to_string(), None)),
            }
        }
        out.index.insert(id.clone(), out.list.len());
        out.list.push(Weakness {
            id,
            name: entry.name.trim().to_owned(),
            provisions,
            note: entry.note,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::snapshot::Snapshot;
    use crate::{LoadError, build};

    #[test]
    fn the_repository_mapping_loads_and_resolves() {
        let catalog = build(&Snapshot::embedded()).unwrap();
        let w = catalog.weaknesses();
        assert!(w.len() >= 40, "{}", w.len());
        let creds = w.get("cwe-798").unwrap();
        assert!(
            creds.provisions.iter().any(|p| p.local == "5.1-1"),
            "{creds:?}"
        );
        assert!(w.get("CWE-416").unwrap().provisions.is_empty());
    }

    #[test]
    fn a_dangling_provision_is_a_load_diagnostic() {
        let mut snapshot = Snapshot::embedded();
        snapshot.files.insert(
            super::FILE.into(),
            "[[weakness]]\nid = \"CWE-798\"\nname = \"Use of Hard-coded Credentials\"\nprovisions = [\"5.1-1\", \"9.9-9\"]\n\n[[weakness]]\nid = \"798\"\nname = \"x\"\n".into(),
        );
        let Err(LoadError::Invalid(diags)) = build(&snapshot) else {
            panic!("a dangling provision id must not load");
        };
        let dangling = diags
            .iter()
            .find(|d| d.message.contains("9.9-9"))
            .unwrap_or_else(|| panic!("{diags:?}"));
        assert!(dangling.file.ends_with("knowledge/weaknesses.toml"));
        assert_eq!(
            (dangling.line, dangling.id.as_deref()),
            (Some(4), Some("CWE-798"))
        );
        assert!(diags.iter().any(|d| d.message.contains("not a CWE id")));
    }
}
