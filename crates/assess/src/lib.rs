//! The iotlabel assessment engine.
//!
//! [`assess`] is a pure function: catalogue + declaration (+ its process declaration) + the
//! state of each evidence item + referenced labels + vulnerability status + today's date →
//! [`AssessmentResult`]. It does no I/O and reads no clock, so the same inputs always give the
//! same result, byte for byte once serialised. The rules are documented in
//! `docs/assessment.md`.

mod engine;
pub mod input;
mod levels;
mod regimes;
pub mod result;
pub mod synthetic;
mod wording;

use std::collections::BTreeMap;

use iotlabel_catalog::model::Modality;

pub use engine::Engine;
pub use input::{
    DeclarationInput, EvidenceState, Inputs, LabelInfo, LabelStatus, Options, VulnerabilityStatus,
};
use result::*;
pub use result::{AssessmentResult, Outcome, Verdict};

/// Identifies the result format.
pub const RESULT_FORMAT: &str = "iotlabel-assessment/1";

fn score(
    results: &[&ProvisionResult],
    mandatory_weight: u32,
    recommended_weight: u32,
) -> (Option<Score>, Counts) {
    let mut counts = Counts::default();
    let (mut passed, mut counted) = (0u64, 0u64);
    for r in results {
        counts.add(r.verdict);
        let weight = u64::from(match r.modality {
            Modality::Mandatory => mandatory_weight,
            Modality::Recommended => recommended_weight,
        });
        match r.verdict {
            Verdict::NotApplicable => {}
            Verdict::Pass => {
                passed += weight;
                counted += weight;
            }
            Verdict::Fail | Verdict::Unverified | Verdict::Inconclusive => counted += weight,
        }
    }
    (Score::from_weights(passed, counted), counts)
}

/// Assesses a declaration. To assess many against one catalogue, prepare an [`Engine`] once.
pub fn assess(inputs: &Inputs<'_>) -> AssessmentResult {
    Engine::new(inputs.catalog).assess(inputs)
}

impl Engine<'_> {
    /// Assesses a declaration against the prepared catalogue (which must be `inputs.catalog`).
    pub fn assess(&self, inputs: &Inputs<'_>) -> AssessmentResult {
        assess_prepared(self, inputs)
    }
}

fn assess_prepared(engine: &Engine<'_>, inputs: &Inputs<'_>) -> AssessmentResult {
    let catalog = inputs.catalog;
    let d = inputs.product.declaration;
    let assessed = engine::assess_provisions(engine, inputs);
    let results = &assessed.results;
    let weights = catalog.levels.scoring;
    let all: Vec<&ProvisionResult> = results.iter().collect();
    let (overall, counts) = score(&all, weights.mandatory_weight, weights.recommended_weight);

    let categories = catalog
        .categories
        .iter()
        .filter_map(|c| {
            let in_cat: Vec<&ProvisionResult> =
                results.iter().filter(|r| r.category == c.id).collect();
            (!in_cat.is_empty()).then(|| {
                let (score, counts) = score(
                    &in_cat,
                    weights.mandatory_weight,
                    weights.recommended_weight,
                );
                Rollup {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    score,
                    counts,
                    mandatory_met: None,
                }
            })
        })
        .collect();

    let profile_results = assessed
        .profiles
        .iter()
        .filter_map(|id| catalog.profile(id))
        .map(|profile| {
            let (indices, raised) = engine.profile_plan(&profile.id);
            let selected: Vec<(&ProvisionResult, bool)> = indices
                .iter()
                .filter_map(|&i| {
                    let r = &results[assessed.lookup[i]?];
                    let mandatory =
                        catalog.provisions[i].modality == Modality::Mandatory || raised[i];
                    Some((r, mandatory))
                })
                .collect();
            let (score, counts) = score(
                &selected.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
                weights.mandatory_weight,
                weights.recommended_weight,
            );
            let mandatory_met = selected.iter().all(|(r, mandatory)| {
                !mandatory || matches!(r.verdict, Verdict::Pass | Verdict::NotApplicable)
            });
            Rollup {
                id: profile.id.clone(),
                title: profile.title.clone(),
                score,
                counts,
                mandatory_met: Some(mandatory_met),
            }
        })
        .collect();

    let (levels, level, next_level) = levels::evaluate(
        catalog,
        inputs,
        results,
        &assessed.lookup,
        &assessed.evidence,
        &assessed.referenced_levels,
    );
    let regimes = regimes::evaluate(engine, results, &assessed.lookup, level);
    let level_name = catalog
        .levels
        .levels
        .iter()
        .find(|l| l.number == level)
        .map(|l| l.name.clone());

    let evidence = assessed
        .evidence
        .iter()
        .map(|e| EvidenceRecord {
            id: e.id.clone(),
            kind: e.evidence.kind,
            title: e.evidence.title.clone(),
            producer: e.evidence.producer,
            assessor: e.evidence.assessor.clone(),
            sha256: e.evidence.sha256.clone(),
            integrity: e
                .state
                .map(|s| s.integrity.clone())
                .unwrap_or(iotlabel_declaration::Integrity::Missing),
            attested: e.state.is_some_and(|s| s.attested),
            location: e
                .evidence
                .path
                .clone()
                .or_else(|| e.evidence.url.clone())
                .unwrap_or_default(),
        })
        .collect();
    let labels: Vec<(String, String)> = d
        .components
        .iter()
        .filter_map(|c| c.label.as_ref())
        .map(|l| {
            let status = inputs
                .labels
                .get(l)
                .map(|i| {
                    serde_json::to_value(i.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .unwrap_or_else(|| "unknown".to_owned());
            (l.clone(), status)
        })
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();

    let product = ProductRecord {
        scope: d.scope,
        manufacturer: d.manufacturer.legal_name.clone(),
        brand: d.product.as_ref().map(|p| p.brand.clone()),
        model: d.product.as_ref().map(|p| p.model.clone()),
        category: d.product.as_ref().map(|p| p.category.clone()),
        hardware_version: d.product.as_ref().map(|p| p.hardware_version.clone()),
        software_version: d.product.as_ref().map(|p| p.software_version.clone()),
        support_period_end: d.support.as_ref().map(|s| s.period_end.to_string()),
    };
    let name = match (&product.brand, &product.model) {
        (Some(b), Some(m)) => format!("{b} {m}"),
        _ => product.manufacturer.clone(),
    };
    let failing = counts.fail + counts.unverified + counts.inconclusive;
    let summary = Text::new(
        format!(
            "{name}: level {level}{}, score {}; {} pass, {} fail, {} unverified, {} inconclusive, {} not applicable.",
            level_name
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            overall.map_or("n/a".to_owned(), |s| format!("{:.1}", s.value())),
            counts.pass,
            counts.fail,
            counts.unverified,
            counts.inconclusive,
            counts.not_applicable
        ),
        match level {
            0 => format!(
                "{name} does not yet reach label level 1: {} of the basic security practices are not shown.",
                next_level.as_ref().map_or(0, |n| n
                    .missing
                    .iter()
                    .map(|m| m.missing.len())
                    .sum::<usize>())
            ),
            n => format!(
                "{name} reaches label level {n}{}.{}",
                level_name
                    .as_ref()
                    .map(|x| format!(" ({x})"))
                    .unwrap_or_default(),
                match failing {
                    0 => String::new(),
                    1 => " 1 point still needs attention.".to_owned(),
                    n => format!(" {n} points still need attention."),
                }
            ),
        },
    );

    AssessmentResult {
        format: RESULT_FORMAT.to_owned(),
        engine: format!("iotlabel-assess/{}", env!("CARGO_PKG_VERSION")),
        catalog: CatalogRecord {
            id: catalog.meta.id.clone(),
            version: catalog.meta.version.to_string(),
        },
        inputs: InputRecord {
            declaration_sha256: inputs.product.digest.to_owned(),
            process_sha256: inputs.process.map(|p| p.digest.to_owned()),
            date: inputs.today.to_string(),
            evidence,
            labels,
            known_exploited: inputs
                .vulnerabilities
                .map(|v| v.unresolved_known_exploited.clone()),
        },
        product,
        profiles: assessed.profiles.clone(),
        level,
        level_name,
        next_level,
        score: overall,
        counts,
        summary,
        provisions: assessed.results,
        categories,
        profile_results,
        regimes,
        levels,
    }
}
