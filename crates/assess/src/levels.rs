//! Label levels: which of the catalogue's levels the declaration reaches, and what is missing
//! for the next one.

use iotlabel_catalog::model::{Fact, Modality, RuleKind, VerificationMethod};
use iotlabel_catalog::{Catalog, ProvisionId};
use iotlabel_declaration::model::Declaration;

use crate::engine::EvidenceItem;
use crate::input::Inputs;
use crate::result::{LevelOutcome, NextLevel, ProvisionResult, RuleOutcome, Text, Verdict};

fn rule_kind_name(kind: &RuleKind) -> &'static str {
    match kind {
        RuleKind::ProvisionsPass { .. } => "provisions-pass",
        RuleKind::Facts { .. } => "facts",
        RuleKind::MandatoryPass => "mandatory-pass",
        RuleKind::RecommendationsAnswered => "recommendations-answered",
        RuleKind::AssessorEvidence { .. } => "assessor-evidence",
        RuleKind::NoKnownExploited => "no-known-exploited",
        RuleKind::FunctionalCoverage { .. } => "functional-coverage",
    }
}

fn fact_given(fact: Fact, d: &Declaration, process: Option<&Declaration>) -> bool {
    let vdp = d
        .vulnerability_disclosure
        .as_ref()
        .or_else(|| process.and_then(|p| p.vulnerability_disclosure.as_ref()));
    match fact {
        Fact::SupportPeriodEnd => d.support.is_some(),
        Fact::VulnerabilityDisclosurePolicy => vdp.is_some_and(|v| {
            v.policy_url
                .as_deref()
                .is_some_and(|u| !u.trim().is_empty())
        }),
        Fact::VulnerabilityDisclosureContact => vdp.is_some_and(|v| !v.contact.trim().is_empty()),
        Fact::DefaultPassword => d.authentication.is_some(),
        Fact::UpdateDelivery => d.updates.is_some(),
        Fact::Sensing => d.product.as_ref().is_some_and(|p| !p.sensing.is_empty()),
        Fact::DataPractices => !d.data_practices.is_empty(),
    }
}

fn fact_name(f: Fact) -> &'static str {
    match f {
        Fact::SupportPeriodEnd => "support.period_end",
        Fact::VulnerabilityDisclosurePolicy => "vulnerability_disclosure.policy_url",
        Fact::VulnerabilityDisclosureContact => "vulnerability_disclosure.contact",
        Fact::DefaultPassword => "authentication.default_password",
        Fact::UpdateDelivery => "updates.delivery",
        Fact::Sensing => "product.sensing",
        Fact::DataPractices => "data_practice",
    }
}

fn verdict_of<'r>(
    catalog: &Catalog,
    results: &'r [ProvisionResult],
    lookup: &[Option<usize>],
    id: &ProvisionId,
) -> Option<&'r ProvisionResult> {
    let index = catalog.index_of(id)?;
    lookup.get(index).copied().flatten().map(|i| &results[i])
}

fn describe(r: &ProvisionResult) -> String {
    format!("{} {} ({})", r.id.local, r.title, r.verdict.as_str())
}

/// Evaluates every level; returns the outcomes, the level reached and what the next needs.
pub(crate) fn evaluate(
    catalog: &Catalog,
    inputs: &Inputs<'_>,
    results: &[ProvisionResult],
    lookup: &[Option<usize>],
    evidence: &[EvidenceItem<'_>],
    referenced_levels: &[u8],
) -> (Vec<LevelOutcome>, u8, Option<NextLevel>) {
    // Catalogue index of each result, for integer comparisons with evidence.
    let mut indices = vec![0usize; results.len()];
    for (index, slot) in lookup.iter().enumerate() {
        if let Some(position) = slot {
            indices[*position] = index;
        }
    }
    let accept = inputs.options.accept_unattested_assessor_evidence;
    let process = inputs.process.map(|p| p.declaration);
    let d = inputs.product.declaration;
    let mut outcomes = Vec::new();
    let mut reached = 0u8;
    let mut blocked = false;
    for level in &catalog.levels.levels {
        let mut rules = Vec::new();
        for rule in &level.rules {
            let mut caveat = None;
            let missing: Vec<String> = match &rule.kind {
                RuleKind::ProvisionsPass { provisions } => provisions
                    .iter()
                    .filter_map(|id| match verdict_of(catalog, results, lookup, id) {
                        Some(r) if matches!(r.verdict, Verdict::Pass | Verdict::NotApplicable) => {
                            None
                        }
                        Some(r) => Some(describe(r)),
                        None => Some(format!("{} (not assessed in this profile)", id.local)),
                    })
                    .collect(),
                RuleKind::Facts { facts } => facts
                    .iter()
                    .filter(|f| !fact_given(**f, d, process))
                    .map(|f| format!("{} not declared", fact_name(*f)))
                    .collect(),
                RuleKind::MandatoryPass => results
                    .iter()
                    .filter(|r| r.modality == Modality::Mandatory)
                    .filter(|r| !matches!(r.verdict, Verdict::Pass | Verdict::NotApplicable))
                    .map(describe)
                    .collect(),
                RuleKind::RecommendationsAnswered => results
                    .iter()
                    .filter(|r| r.modality == Modality::Recommended)
                    .filter_map(|r| match &r.claim {
                        None if r.verdict == Verdict::Inconclusive => {
                            Some(format!("{} {} (not answered)", r.id.local, r.title))
                        }
                        Some(c)
                            if (c.support == "no" || c.support == "not-applicable")
                                && c.justification.is_none() =>
                        {
                            Some(format!(
                                "{} {} (`{}` without justification)",
                                r.id.local, r.title, c.support
                            ))
                        }
                        _ => None,
                    })
                    .collect(),
                RuleKind::AssessorEvidence { evidence: kinds } => kinds
                    .iter()
                    .filter(|k| {
                        !evidence
                            .iter()
                            .any(|e| e.evidence.kind == **k && e.assessor(accept))
                    })
                    .map(|k| format!("{} evidence produced by an assessor", k.as_str()))
                    .collect(),
                RuleKind::NoKnownExploited => match inputs.vulnerabilities {
                    Some(v) => v
                        .unresolved_known_exploited
                        .iter()
                        .map(|cve| format!("{cve} (known exploited, unresolved)"))
                        .collect(),
                    None => {
                        caveat = Some(
                            "vulnerability status not checked against the registry's advisory data; the assessor's SBOM evidence stands for it"
                                .to_owned(),
                        );
                        Vec::new()
                    }
                },
                RuleKind::FunctionalCoverage { evidence: kinds } => results
                    .iter()
                    .zip(&indices)
                    .filter(|(r, _)| {
                        r.modality == Modality::Mandatory && r.verdict != Verdict::NotApplicable
                    })
                    .filter(|(_, i)| {
                        catalog.provisions[**i]
                            .verification
                            .contains(&VerificationMethod::Functional)
                    })
                    .filter(|(_, i)| {
                        !evidence.iter().any(|e| {
                            kinds.contains(&e.evidence.kind)
                                && e.assessor(accept)
                                && e.provisions.contains(i)
                        })
                    })
                    .map(|(r, _)| {
                        format!(
                            "{} {} (no functional test by an assessor)",
                            r.id.local, r.title
                        )
                    })
                    .collect(),
            };
            rules.push(RuleOutcome {
                kind: rule_kind_name(&rule.kind).to_owned(),
                met: missing.is_empty(),
                rule: Text::new(rule.technical.clone(), rule.plain.clone()),
                missing,
                caveat,
            });
        }
        // A system is bounded by the weakest label its components rely on.
        if referenced_levels.iter().any(|l| *l < level.number) {
            rules.push(RuleOutcome {
                kind: "referenced-labels".into(),
                met: false,
                rule: Text::new(
                    "Every label a component relies on is at least this level.",
                    "Each part with its own label must be at least this level.",
                ),
                missing: vec![format!(
                    "a component's label is level {}",
                    referenced_levels.iter().min().copied().unwrap_or(0)
                )],
                caveat: None,
            });
        }
        let all_met = rules.iter().all(|r| r.met);
        let this_reached = all_met && !blocked;
        if this_reached {
            reached = level.number;
        } else {
            blocked = true;
        }
        outcomes.push(LevelOutcome {
            number: level.number,
            name: level.name.clone(),
            reached: this_reached,
            rules,
        });
    }
    let next = outcomes
        .iter()
        .find(|l| l.number == reached.saturating_add(1))
        .map(|l| NextLevel {
            number: l.number,
            name: l.name.clone(),
            missing: l.rules.iter().filter(|r| !r.met).cloned().collect(),
        });
    (outcomes, reached, next)
}
