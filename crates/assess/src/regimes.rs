//! Regime outcomes: what the provision verdicts mean for each law, label and standard.

use iotlabel_catalog::Catalog;
use iotlabel_catalog::model::{CrosswalkRow, Decision, Modality, Regime};

use crate::engine::Engine;

use crate::result::{Outcome, ProvisionResult, RegimeOutcome, RowOutcome, Text, Verdict};

/// What a judgement needs: the results and where each catalogue index's result is.
struct View<'r> {
    results: &'r [ProvisionResult],
    lookup: &'r [Option<usize>],
    catalog: &'r Catalog,
}

impl View<'_> {
    fn find(&self, index: usize) -> Option<&ProvisionResult> {
        self.lookup
            .get(index)
            .copied()
            .flatten()
            .map(|i| &self.results[i])
    }
}

fn ids(list: &[String]) -> String {
    list.join(", ")
}

/// Judges a set of provisions: not met when a mandatory one fails; cannot tell when one is
/// unverified, inconclusive or not assessed, or only recommendations fail.
fn judge(view: &View<'_>, provisions: &[usize]) -> (Outcome, Text) {
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
    for &index in provisions {
        let id = &view.catalog.provisions[index].id;
        match view.find(index) {
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
                    .map(|&i| view.catalog.provisions[i].id.local.as_str())
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

fn row_outcome(view: &View<'_>, row: &CrosswalkRow, provisions: &[usize]) -> RowOutcome {
    let (outcome, reason) = judge(view, provisions);
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
            match rows.len() {
                1 => format!("Meets {}: its one requirement is met.", regime.short),
                n => format!("Meets {}: all {n} requirements met.", regime.short),
            },
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
    engine: &Engine<'_>,
    results: &[ProvisionResult],
    lookup: &[Option<usize>],
    label_level: u8,
) -> Vec<RegimeOutcome> {
    let catalog = engine.catalog;
    let view = View {
        results,
        lookup,
        catalog,
    };
    let mut out = Vec::new();
    for (regime_index, regime) in catalog.regimes.iter().enumerate() {
        let crosswalk = catalog.regime_crosswalk(regime);
        let row_provisions = &engine.regime_rows[regime_index];
        let rows_of = |c: &iotlabel_catalog::model::Crosswalk| -> Vec<RowOutcome> {
            c.rows
                .iter()
                .zip(row_provisions)
                .map(|(r, provisions)| row_outcome(&view, r, provisions))
                .collect()
        };
        match regime.decision {
            Decision::MandatoryProvisions => {
                let provisions = &engine.regime_provisions[regime_index];
                let (outcome, reason) = judge(&view, provisions);
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
                let rows: Vec<RowOutcome> = crosswalk.map(rows_of).unwrap_or_default();
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
                        rows_of(c)
                            .into_iter()
                            .zip(c.rows.iter().map(|r| r.requires_level))
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
