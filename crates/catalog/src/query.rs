//! Questions people ask of the catalogue: filtered listings and crosswalks between regimes.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::error::did_you_mean;
use crate::id::ProvisionId;
use crate::model::{Crosswalk, Decision, Modality, Provision, Relation};

/// Why a query cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A name in the query is not in the catalogue.
    #[error("unknown {kind} `{id}`{}", .hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Unknown {
        /// What kind of thing.
        kind: &'static str,
        /// The name given.
        id: String,
        /// A suggestion.
        hint: Option<String>,
    },
    /// The query does not make sense.
    #[error("{0}")]
    Invalid(String),
}

fn unknown<'a>(
    kind: &'static str,
    id: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> QueryError {
    QueryError::Unknown {
        kind,
        id: id.to_owned(),
        hint: did_you_mean(id, known),
    }
}

/// Filters for listing provisions; all given filters must hold.
#[derive(Debug, Clone, Default)]
pub struct ProvisionFilter {
    /// Only provisions a regime's outcome depends on.
    pub regime: Option<String>,
    /// Only provisions a profile selects (modality as the profile has it).
    pub profile: Option<String>,
    /// Only provisions of a category (clause), e.g. `5.3`.
    pub category: Option<String>,
    /// Only mandatory or only recommended provisions.
    pub modality: Option<Modality>,
    /// Only conditional (`true`) or only unconditional (`false`) provisions.
    pub conditional: Option<bool>,
    /// Only provisions of one `source@version`.
    pub namespace: Option<String>,
}

/// A provision in a listing, with its modality in the chosen profile.
#[derive(Debug, Clone, Serialize)]
pub struct Listed<'a> {
    /// The provision.
    #[serde(flatten)]
    pub provision: &'a Provision,
    /// Modality in the profile filtered by, else the provision's own.
    pub effective_modality: Modality,
    /// Whether the profile raised it to mandatory.
    pub raised: bool,
}

/// Lists the provisions matching a filter, in catalogue order.
pub fn list_provisions<'a>(
    catalog: &'a Catalog,
    filter: &ProvisionFilter,
) -> Result<Vec<Listed<'a>>, QueryError> {
    let regime_set: Option<Vec<&ProvisionId>> = match &filter.regime {
        None => None,
        Some(id) => {
            let regime = catalog.regime(id).ok_or_else(|| {
                unknown("regime", id, catalog.regimes.iter().map(|r| r.id.as_str()))
            })?;
            Some(
                catalog
                    .regime_provisions(regime)
                    .into_iter()
                    .map(|p| &p.id)
                    .collect(),
            )
        }
    };
    let profile = match &filter.profile {
        None => None,
        Some(id) => Some(catalog.profile(id).ok_or_else(|| {
            unknown(
                "profile",
                id,
                catalog.profiles.iter().map(|p| p.id.as_str()),
            )
        })?),
    };
    if let Some(category) = &filter.category
        && catalog.category(category).is_none()
    {
        return Err(unknown(
            "category",
            category,
            catalog.categories.iter().map(|c| c.id.as_str()),
        ));
    }
    if let Some(ns) = &filter.namespace
        && !catalog.provisions.iter().any(|p| &p.id.namespace() == ns)
    {
        let namespaces: Vec<String> = catalog
            .provisions
            .iter()
            .map(|p| p.id.namespace())
            .collect();
        return Err(unknown(
            "source version",
            ns,
            namespaces.iter().map(String::as_str),
        ));
    }
    Ok(catalog
        .provisions
        .iter()
        .filter(|p| regime_set.as_ref().is_none_or(|s| s.contains(&&p.id)))
        .filter(|p| profile.is_none_or(|pr| pr.selects(&p.id)))
        .filter(|p| filter.category.as_ref().is_none_or(|c| &p.category == c))
        .filter(|p| {
            filter
                .namespace
                .as_ref()
                .is_none_or(|n| &p.id.namespace() == n)
        })
        .filter(|p| filter.conditional.is_none_or(|c| p.is_conditional() == c))
        .map(|p| {
            let effective_modality = profile.map_or(p.modality, |pr| pr.effective_modality(p));
            Listed {
                provision: p,
                effective_modality,
                raised: effective_modality != p.modality,
            }
        })
        .filter(|l| filter.modality.is_none_or(|m| l.effective_modality == m))
        .collect())
}

/// One side of a crosswalk query: a crosswalk's rows, or the provisions themselves.
#[derive(Debug, Clone, Copy)]
pub enum Side<'a> {
    /// The catalogue's provisions (optionally of one `source@version`).
    Provisions(Option<&'a str>),
    /// A crosswalk's rows.
    Crosswalk(&'a Crosswalk),
}

impl<'a> Side<'a> {
    /// Resolves a name: a crosswalk id, a regime id (its crosswalk; or its provisions when it is
    /// decided by mandatory provisions), a source id (`etsi-en-303-645`) or `source@version`.
    pub fn resolve(catalog: &'a Catalog, name: &'a str) -> Result<Self, QueryError> {
        if let Some(cw) = catalog.crosswalk(name) {
            return Ok(Side::Crosswalk(cw));
        }
        if let Some(regime) = catalog.regime(name) {
            return match (regime.decision, &regime.crosswalk) {
                (Decision::MandatoryProvisions, _) => {
                    Ok(Side::Provisions(regime.source.as_deref()))
                }
                (_, Some(cw)) => catalog.crosswalk(cw).map(Side::Crosswalk).ok_or_else(|| {
                    QueryError::Invalid(format!("regime `{name}` has no crosswalk"))
                }),
                (_, None) => Err(QueryError::Invalid(format!(
                    "regime `{name}` has no crosswalk"
                ))),
            };
        }
        if catalog.sources.iter().any(|s| s.id == name) {
            return Ok(Side::Provisions(None));
        }
        if catalog.provisions.iter().any(|p| p.id.namespace() == name) {
            return Ok(Side::Provisions(Some(name)));
        }
        let mut known: Vec<&str> = catalog.crosswalks.iter().map(|c| c.id.as_str()).collect();
        known.extend(catalog.regimes.iter().map(|r| r.id.as_str()));
        known.extend(catalog.sources.iter().map(|s| s.id.as_str()));
        Err(unknown("crosswalk or regime", name, known))
    }

    fn id(&self) -> String {
        match self {
            Side::Provisions(Some(ns)) => (*ns).to_owned(),
            Side::Provisions(None) => "provisions".to_owned(),
            Side::Crosswalk(cw) => cw.id.clone(),
        }
    }
}

/// A row of the target side that shares provisions with a source row.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// Target row id (provision id when the target is the provisions).
    pub id: String,
    /// How the target cites it.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Its title.
    pub title: String,
    /// The shared provisions.
    pub via: Vec<ProvisionId>,
}

/// A row of the source side with what it maps to.
#[derive(Debug, Clone, Serialize)]
pub struct PivotRow {
    /// Row id (provision id when the source is the provisions).
    pub id: String,
    /// How the source cites it.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Its title.
    pub title: String,
    /// Its group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Organisations the source cites (Table 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisations: Option<Vec<String>>,
    /// Relation to its provisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    /// Why nothing covers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
    /// Its provisions.
    pub provisions: Vec<ProvisionId>,
    /// Rows of the target that share provisions (empty when the target is the provisions).
    pub matches: Vec<Match>,
}

/// The answer to `crosswalk --from A --to B`.
#[derive(Debug, Clone, Serialize)]
pub struct Pivot {
    /// Source side id.
    pub from: String,
    /// Target side id.
    pub to: String,
    /// Rows of the source side.
    pub rows: Vec<PivotRow>,
}

/// Maps the rows of `from` onto `to` through the provisions they share. Without `to`, rows are
/// shown with their provisions. `row` keeps only one source row.
pub fn crosswalk(
    catalog: &Catalog,
    from: Side<'_>,
    to: Option<Side<'_>>,
    row: Option<&str>,
) -> Result<Pivot, QueryError> {
    let to = to.unwrap_or(Side::Provisions(None));
    let mut rows: Vec<PivotRow> = match from {
        Side::Crosswalk(cw) => cw
            .rows
            .iter()
            .map(|r| PivotRow {
                id: r.id.clone(),
                reference: r.reference.clone(),
                title: r.title.clone(),
                group: r.group.clone(),
                organisations: r.organisations.clone(),
                relation: Some(r.relation),
                gap: r.gap.clone(),
                provisions: r.provisions.clone(),
                matches: Vec::new(),
            })
            .collect(),
        Side::Provisions(ns) => {
            if matches!(to, Side::Provisions(_)) {
                return Err(QueryError::Invalid(
                    "both sides are provisions; name a crosswalk or regime with --to".into(),
                ));
            }
            catalog
                .provisions
                .iter()
                .filter(|p| ns.is_none_or(|n| p.id.namespace() == n))
                .map(|p| PivotRow {
                    id: p.id.to_string(),
                    reference: p.id.local.clone(),
                    title: p.title.clone(),
                    group: Some(p.category.clone()),
                    organisations: None,
                    relation: None,
                    gap: None,
                    provisions: vec![p.id.clone()],
                    matches: Vec::new(),
                })
                .collect()
        }
    };
    if let Some(row) = row {
        rows.retain(|r| r.id == row || r.reference == row);
        if rows.is_empty() {
            return Err(QueryError::Unknown {
                kind: "row",
                id: row.to_owned(),
                hint: Some(format!(
                    "`catalog crosswalk --from {}` lists the rows",
                    from.id()
                )),
            });
        }
    }
    if let Side::Crosswalk(target) = to {
        for r in &mut rows {
            r.matches = target
                .rows
                .iter()
                .filter_map(|t| {
                    let via: Vec<ProvisionId> = t
                        .provisions
                        .iter()
                        .filter(|p| r.provisions.contains(p))
                        .cloned()
                        .collect();
                    (!via.is_empty()).then(|| Match {
                        id: t.id.clone(),
                        reference: t.reference.clone(),
                        title: t.title.clone(),
                        via,
                    })
                })
                .collect();
        }
    }
    Ok(Pivot {
        from: from.id(),
        to: to.id(),
        rows,
    })
}
