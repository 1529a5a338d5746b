//! Regime outcomes: what the provision verdicts mean for each law, label and standard.

use iotlabel_catalog::model::{CrosswalkRow, Decision, Modality, Regime};
use iotlabel_catalog::{Catalog, ProvisionId};

use crate::result::{Outcome, ProvisionResult, RegimeOutcome, RowOutcome, Text, Verdict};

fn find<'r>(results: &'r [ProvisionResult], id: &ProvisionId) -> Option<&'r ProvisionResult> {
    results.iter().find(|r| &r.id == id)
}

fn ids(list: &[String]) -> String {
    list.join(", ")
}

/// Judges a set of provisions: not met when a mandatory one fails; cannot tell when one is
/// unverified, inconclusive or not assessed, or only recommendations fail.
fn judge(results: &[ProvisionResult], provisions: &[ProvisionId]) -> (Outcome, Text) {
    if provisions.is_empty() {
        return (
            Outcome::CannotTell,
            Text::new(
                "No catalogue provision covers this requirement, so the declaration cannot show it.",
                "Nothing in the declaration can show this yet.",
            ),
        );
    }
    let mut failed_mandatory = Vec::new();
    let mut failed_recommended = Vec::new();
    let mut open = Vec::new();
    let mut unassessed = Vec::new();
    for id in provisions {
        match find(results, id) {
            None => unassessed.push(id.local.clone()),
            Some(r) => match r.verdict {
                Verdict::Pass | Verdict::NotApplicable => {}
                Verdict::Fail if r.modality == Modality::Mandatory => {
                    failed_mandatory.push(id.local.clone())
                }
                Verdict::Fail => failed_recommended.push(id.local.clone()),
                Verdict::Unverified | Verdict::Inconclusive => {
                    open.push(format!("{} ({})", id.local, r.verdict.as_str()))
                }
            },
        }
    }
    if !failed_mandatory.is_empty() {
        return (
            Outcome::DoesNotMeet,
            Text::new(
                format!("Fails {}.", ids(&failed_mandatory)),
                format!(
                    "A required practice is missing ({}).",
                    ids(&failed_mandatory)
                ),
            ),
        );
    }
    if open.is_empty() && unassessed.is_empty() && failed_recommended.is_empty() {
        let technical = if provisions.len() <= 6 {
            format!(
                "Every applicable provision it maps to passes ({}).",
                provisions
                    .iter()
                    .map(|p| p.local.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!(
                "All {} provisions it maps to pass or do not apply.",
                provisions.len()
            )
        };
        return (
            Outcome::Meets,
            Text::new(technical, "Everything this asks for is in place."),
        );
    }
    let mut parts = Vec::new();
    if !open.is_empty() {
        parts.push(format!("not shown: {}", ids(&open)));
    }
    if !unassessed.is_empty() {
        parts.push(format!(
            "not assessed in this profile: {}",
            ids(&unassessed)
        ));
    }
    if !failed_recommended.is_empty() {
        parts.push(format!(
            "recommendations not implemented: {}",
            ids(&failed_recommended)
        ));
    }
    (
        Outcome::CannotTell,
        Text::new(
            format!("Cannot tell: {}.", parts.join("; ")),
            "The declaration does not show enough to tell.",
        ),
    )
}

fn row_outcome(results: &[ProvisionResult], row: &CrosswalkRow) -> RowOutcome {
    let (outcome, reason) = judge(results, &row.provisions);
    RowOutcome {
        id: row.id.clone(),
        reference: row.reference.clone(),
        title: row.title.clone(),
        outcome,
        reason,
    }
}

fn aggregate(rows: &[RowOutcome]) -> Outcome {
    if rows.iter().any(|r| r.outcome == Outcome::DoesNotMeet) {
        Outcome::DoesNotMeet
    } else if rows.iter().any(|r| r.outcome == Outcome::CannotTell) {
        Outcome::CannotTell
    } else {
        Outcome::Meets
    }
}

fn summary(regime: &Regime, outcome: Outcome, rows: &[RowOutcome]) -> Text {
    let not_met: Vec<&str> = rows
        .iter()
        .filter(|r| r.outcome == Outcome::DoesNotMeet)
        .map(|r| r.reference.as_str())
        .collect();
    let unclear: Vec<&str> = rows
        .iter()
        .filter(|r| r.outcome == Outcome::CannotTell)
        .map(|r| r.reference.as_str())
        .collect();
    match outcome {
        Outcome::Meets => Text::new(
            format!(
                "Meets {}: all {} requirement(s) met.",
                regime.short,
                rows.len()
            ),
            format!("Meets {}.", regime.short),
        ),
        Outcome::DoesNotMeet => Text::new(
            format!(
                "Does not meet {}: not met: {}.",
                regime.short,
                not_met.join("; ")
            ),
            format!(
                "Does not meet {}: some of what it requires is missing.",
                regime.short
            ),
        ),
        Outcome::CannotTell => Text::new(
            format!(
                "Cannot tell for {}: open: {}.",
                regime.short,
                unclear.join("; ")
            ),
            format!(
                "Cannot tell yet whether it meets {}: the declaration does not show enough.",
                regime.short
            ),
        ),
    }
}

/// Outcomes for every regime of the catalogue.
pub(crate) fn evaluate(
    catalog: &Catalog,
    results: &[ProvisionResult],
    label_level: u8,
) -> Vec<RegimeOutcome> {
    let mut out = Vec::new();
    for regime in &catalog.regimes {
        let crosswalk = catalog.regime_crosswalk(regime);
        match regime.decision {
            Decision::MandatoryProvisions => {
                let provisions: Vec<ProvisionId> = catalog
                    .regime_provisions(regime)
                    .iter()
                    .map(|p| p.id.clone())
                    .collect();
                let (outcome, reason) = judge(results, &provisions);
                let reason = Text::new(
                    format!(
                        "{} mandatory provisions of {}: {}",
                        provisions.len(),
                        regime.source.as_deref().unwrap_or(""),
                        reason.technical
                    ),
                    match outcome {
                        Outcome::Meets => format!("Meets every requirement of {}.", regime.short),
                        Outcome::DoesNotMeet => {
                            format!("Does not meet {}: {}", regime.short, reason.plain)
                        }
                        Outcome::CannotTell => {
                            format!("Cannot tell yet whether it meets {}.", regime.short)
                        }
                    },
                );
                out.push(RegimeOutcome {
                    id: regime.id.clone(),
                    short: regime.short.clone(),
                    outcome,
                    level: None,
                    reason,
                    rows: Vec::new(),
                });
            }
            Decision::AllRows | Decision::PerRow => {
                let rows: Vec<RowOutcome> = crosswalk
                    .map(|c| c.rows.iter().map(|r| row_outcome(results, r)).collect())
                    .unwrap_or_default();
                let outcome = aggregate(&rows);
                let mut reason = summary(regime, outcome, &rows);
                if regime.decision == Decision::PerRow {
                    let met = rows.iter().filter(|r| r.outcome == Outcome::Meets).count();
                    reason.plain = format!(
                        "{} {met} of {} requirements of {} are shown to be met.",
                        reason.plain,
                        rows.len(),
                        regime.short
                    );
                }
                out.push(RegimeOutcome {
                    id: regime.id.clone(),
                    short: regime.short.clone(),
                    outcome,
                    level: None,
                    reason,
                    rows,
                });
            }
            Decision::Levels => {
                let rows: Vec<(RowOutcome, Option<u8>)> = crosswalk
                    .map(|c| {
                        c.rows
                            .iter()
                            .map(|r| (row_outcome(results, r), r.requires_level))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut level = 0u8;
                for (i, (row, requires)) in rows.iter().enumerate() {
                    let evidence_ok = requires.is_none_or(|n| label_level >= n);
                    if row.outcome == Outcome::Meets && evidence_ok {
                        level = u8::try_from(i + 1).unwrap_or(u8::MAX);
                    } else {
                        break;
                    }
                }
                let outcome = if level > 0 {
                    Outcome::Meets
                } else {
                    aggregate(
                        &rows
                            .iter()
                            .take(1)
                            .map(|(r, _)| r.clone())
                            .collect::<Vec<_>>(),
                    )
                };
                let reason = if level > 0 {
                    Text::new(
                        format!("Would reach {} level {level}.", regime.short),
                        format!("Would qualify for {} level {level}.", regime.short),
                    )
                } else {
                    Text::new(
                        format!("Would not reach {} level 1.", regime.short),
                        format!("Would not qualify for {} yet.", regime.short),
                    )
                };
                out.push(RegimeOutcome {
                    id: regime.id.clone(),
                    short: regime.short.clone(),
                    outcome,
                    level: Some(level),
                    reason,
                    rows: rows.into_iter().map(|(r, _)| r).collect(),
                });
            }
        }
    }
    out
}
