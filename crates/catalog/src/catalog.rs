//! The [`Catalog`] and its lookups.

use std::collections::HashMap;

use serde::Serialize;

use crate::id::ProvisionId;
use crate::model::{
    CatalogMeta, Category, Crosswalk, CrosswalkRow, Decision, Feature, Knowledge, Levels,
    Organisation, Profile, Provision, Question, Regime, Source, Story, Theme,
};

/// A loaded, fully checked catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    /// Identity and version.
    pub meta: CatalogMeta,
    /// Features that decide applicability.
    pub features: Vec<Feature>,
    /// Standards provisions come from.
    pub sources: Vec<Source>,
    /// Provision categories.
    pub categories: Vec<Category>,
    /// Provisions, in catalogue order.
    pub provisions: Vec<Provision>,
    /// Crosswalks, by id.
    pub crosswalks: Vec<Crosswalk>,
    /// Regimes.
    pub regimes: Vec<Regime>,
    /// Profiles.
    pub profiles: Vec<Profile>,
    /// The knowledge space.
    pub knowledge: Knowledge,
    /// Label levels and the scoring model.
    pub levels: Levels,
    #[serde(skip)]
    pub(crate) provision_index: HashMap<ProvisionId, usize>,
    #[serde(skip)]
    pub(crate) local_index: HashMap<String, Vec<usize>>,
    #[serde(skip)]
    pub(crate) full_index: HashMap<String, usize>,
    /// Translations of the person-facing texts (see [`crate::translations`]). Presentation
    /// only, so not part of the catalogue's JSON form: a version names the assessed content.
    #[serde(skip)]
    pub(crate) translations: Vec<crate::translations::Translation>,
    /// Weakness classes and the provisions that address them (see [`crate::weaknesses`]).
    #[serde(skip)]
    pub(crate) weaknesses: crate::weaknesses::Weaknesses,
}

/// Why an id given by a person does not name exactly one provision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// Nothing has that id.
    #[error("no provision `{id}` in the catalogue{}", hint_suffix(.hint))]
    Unknown {
        /// The id asked for.
        id: String,
        /// A suggestion.
        hint: Option<String>,
    },
    /// Several versions have it and none is the default.
    #[error("`{id}` is ambiguous: {}; write the full id", .candidates.join(", "))]
    Ambiguous {
        /// The id asked for.
        id: String,
        /// Full ids it could mean.
        candidates: Vec<String>,
    },
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
}

impl Catalog {
    /// A provision by full id.
    pub fn provision(&self, id: &ProvisionId) -> Option<&Provision> {
        self.provision_index.get(id).map(|&i| &self.provisions[i])
    }

    /// Resolves what a person typed: a full id (`etsi-en-303-645@2.1.1:5.1-1`) or a short one
    /// (`5.1-1`). A short id prefers the catalogue's default source and version, so `5.1-1`
    /// means the V2.1.1 provision while `5.0-1`, which only V3 has, still resolves.
    pub fn resolve(&self, text: &str) -> Result<&Provision, ResolveError> {
        let text = text.trim();
        if let Ok(id) = text.parse::<ProvisionId>() {
            return self.provision(&id).ok_or_else(|| ResolveError::Unknown {
                id: text.to_owned(),
                hint: crate::error::did_you_mean(
                    text,
                    self.provisions
                        .iter()
                        .map(|p| p.id.to_string())
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str),
                ),
            });
        }
        let candidates = self.local_index.get(text).map(Vec::as_slice).unwrap_or(&[]);
        match candidates {
            [] => Err(ResolveError::Unknown {
                id: text.to_owned(),
                hint: crate::error::did_you_mean(text, self.local_index.keys().map(String::as_str)),
            }),
            [only] => Ok(&self.provisions[*only]),
            many => many
                .iter()
                .map(|&i| &self.provisions[i])
                .find(|p| {
                    p.id.source == self.meta.default_source
                        && p.id.version == self.meta.default_version
                })
                .ok_or_else(|| ResolveError::Ambiguous {
                    id: text.to_owned(),
                    candidates: many
                        .iter()
                        .map(|&i| self.provisions[i].id.to_string())
                        .collect(),
                }),
        }
    }

    /// The position of a provision in [`Catalog::provisions`] (catalogue order).
    pub fn index_of(&self, id: &ProvisionId) -> Option<usize> {
        self.provision_index.get(id).copied()
    }

    /// Resolves a full or short id to its position in [`Catalog::provisions`], as
    /// [`Catalog::resolve`] does but without allocating: the assessment engine resolves every
    /// claim and evidence reference this way.
    pub fn resolve_index(&self, text: &str) -> Option<usize> {
        let text = text.trim();
        if text.contains(':') {
            return self.full_index.get(text).copied();
        }
        match self.local_index.get(text).map(Vec::as_slice) {
            Some([only]) => Some(*only),
            Some(many) => many.iter().copied().find(|&i| {
                let p = &self.provisions[i];
                p.id.source == self.meta.default_source && p.id.version == self.meta.default_version
            }),
            None => None,
        }
    }

    /// A feature by id.
    pub fn feature(&self, id: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.id == id)
    }

    /// A category by id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// A crosswalk by id.
    pub fn crosswalk(&self, id: &str) -> Option<&Crosswalk> {
        self.crosswalks.iter().find(|c| c.id == id)
    }

    /// A regime by id.
    pub fn regime(&self, id: &str) -> Option<&Regime> {
        self.regimes.iter().find(|r| r.id == id)
    }

    /// A profile by id.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// A story by id.
    pub fn story(&self, id: &str) -> Option<&Story> {
        self.knowledge.stories.iter().find(|s| s.id == id)
    }

    /// A theme by id.
    pub fn theme(&self, id: &str) -> Option<&Theme> {
        self.knowledge.themes.iter().find(|t| t.id == id)
    }

    /// An organisation by id.
    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.knowledge.organisations.iter().find(|o| o.id == id)
    }

    /// A research question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.knowledge.questions.iter().find(|q| q.id == id)
    }

    /// Every crosswalk row that maps to a provision: the reverse direction of the crosswalks.
    pub fn rows_for(&self, id: &ProvisionId) -> Vec<(&Crosswalk, &CrosswalkRow)> {
        self.crosswalks
            .iter()
            .flat_map(|c| c.rows.iter().map(move |r| (c, r)))
            .filter(|(_, r)| r.provisions.contains(id))
            .collect()
    }

    /// The crosswalk that decides a regime, when it has one.
    pub fn regime_crosswalk(&self, regime: &Regime) -> Option<&Crosswalk> {
        regime
            .crosswalk
            .as_deref()
            .and_then(|id| self.crosswalk(id))
    }

    /// The provisions a regime's outcome depends on, in catalogue order.
    pub fn regime_provisions(&self, regime: &Regime) -> Vec<&Provision> {
        match regime.decision {
            Decision::MandatoryProvisions => {
                let namespace = regime.source.as_deref().unwrap_or_default();
                self.provisions
                    .iter()
                    .filter(|p| p.id.namespace() == namespace)
                    .filter(|p| p.modality == crate::model::Modality::Mandatory)
                    .collect()
            }
            Decision::AllRows | Decision::PerRow | Decision::Levels => {
                let Some(crosswalk) = self.regime_crosswalk(regime) else {
                    return Vec::new();
                };
                self.provisions
                    .iter()
                    .filter(|p| crosswalk.rows.iter().any(|r| r.provisions.contains(&p.id)))
                    .collect()
            }
        }
    }

    /// Regimes whose outcome depends on a provision.
    pub fn regimes_for(&self, id: &ProvisionId) -> Vec<&Regime> {
        self.regimes
            .iter()
            .filter(|r| self.regime_provisions(r).iter().any(|p| &p.id == id))
            .collect()
    }

    /// Profiles that select a provision.
    pub fn profiles_for(&self, id: &ProvisionId) -> Vec<&Profile> {
        self.profiles.iter().filter(|p| p.selects(id)).collect()
    }
}
