//! Applicability and the verdict on each provision.

use std::collections::{BTreeMap, BTreeSet};

use iotlabel_catalog::Catalog;
use iotlabel_catalog::model::{Automatic, FactCheck, Modality, Provision, Scope as ProvisionScope};
use iotlabel_declaration::model::{
    Claim, ComponentKind, Declaration, DefaultPassword, Evidence, Producer, Scope, Support3,
};

use crate::input::{EvidenceState, Inputs, LabelStatus};
use crate::result::{ClaimSummary, ComponentVerdict, ProvisionResult, Text, Verdict};
use crate::wording;

/// An evidence item from the product or process declaration, with its state.
pub(crate) struct EvidenceItem<'a> {
    /// Id as recorded in the result (`process:` prefix for process evidence).
    pub id: String,
    pub evidence: &'a Evidence,
    pub state: Option<&'a EvidenceState>,
    /// Catalogue indices of the provisions it lists.
    pub provisions: Vec<usize>,
}

impl EvidenceItem<'_> {
    pub fn usable(&self) -> bool {
        self.state.is_some_and(|s| s.integrity.usable())
    }

    /// Counts as independent assessor evidence under the given strictness.
    pub fn assessor(&self, accept_unattested: bool) -> bool {
        self.evidence.producer == Producer::Assessor
            && self.usable()
            && self.state.is_some_and(|s| s.attested || accept_unattested)
    }
}

/// A claim with where it was declared.
#[derive(Clone, Copy)]
struct Sourced<'a> {
    claim: &'a Claim,
    declared_in: &'a str,
}

/// What a provision is assessed on: the whole product, a component, or the system level.
struct Unit<'a> {
    name: String,
    kind: Option<ComponentKind>,
    system_level: bool,
    features: BTreeMap<&'a str, bool>,
    /// Claims by catalogue index.
    claims: Vec<Option<Sourced<'a>>>,
    label: Option<&'a str>,
}

pub(crate) struct Assessed<'a> {
    pub profiles: Vec<String>,
    pub results: Vec<ProvisionResult>,
    /// For each catalogue index, the position of its result, if assessed.
    pub lookup: Vec<Option<usize>>,
    pub evidence: Vec<EvidenceItem<'a>>,
    /// Levels of labels referenced by components (they bound the system's level).
    pub referenced_levels: Vec<u8>,
}

fn resolve_claims<'a>(
    catalog: &Catalog,
    claims: &'a [Claim],
    declared_in: &'a str,
) -> Vec<Option<Sourced<'a>>> {
    let mut out = vec![None; catalog.provisions.len()];
    for c in claims {
        if let Some(i) = catalog.resolve_index(&c.provision) {
            out[i] = Some(Sourced {
                claim: c,
                declared_in,
            });
        }
    }
    out
}

fn relevant(unit: &Unit<'_>, p: &Provision, index: usize) -> bool {
    if unit.system_level {
        // Manufacturer-wide provisions are answered at system level. One that also concerns
        // devices or services is answered by those components, unless the system level
        // answers it too.
        return p.scope.contains(&ProvisionScope::Manufacturer)
            && (p.scope.iter().all(|s| *s == ProvisionScope::Manufacturer)
                || unit.claims[index].is_some());
    }
    match unit.kind {
        None => true,
        Some(ComponentKind::Device | ComponentKind::Hub) => {
            p.scope.contains(&ProvisionScope::Device)
        }
        Some(ComponentKind::CompanionApp | ComponentKind::CloudService) => {
            p.scope.contains(&ProvisionScope::AssociatedServices)
        }
    }
}

/// The profiles assessed against.
pub(crate) fn profile_ids(inputs: &Inputs<'_>) -> Vec<String> {
    let declared = &inputs.product.declaration.profiles;
    let ids: Vec<String> = match inputs.profiles {
        Some(p) if !p.is_empty() => p.to_vec(),
        _ if !declared.is_empty() => declared.clone(),
        _ => vec!["consumer-baseline".to_owned()],
    };
    ids.into_iter()
        .filter(|id| inputs.catalog.profile(id).is_some())
        .collect()
}

fn units<'a>(
    catalog: &Catalog,
    d: &'a Declaration,
    process_claims: &[Option<Sourced<'a>>],
) -> Vec<Unit<'a>> {
    let with_process = |mut own: Vec<Option<Sourced<'a>>>| {
        for (slot, process) in own.iter_mut().zip(process_claims) {
            if slot.is_none() {
                *slot = *process;
            }
        }
        own
    };
    let features = |f: &'a BTreeMap<String, bool>| -> BTreeMap<&'a str, bool> {
        f.iter().map(|(k, v)| (k.as_str(), *v)).collect()
    };
    match d.scope {
        Scope::Device | Scope::Process => vec![Unit {
            name: "product".into(),
            kind: None,
            system_level: false,
            features: features(&d.features),
            claims: with_process(resolve_claims(catalog, &d.claims, "product")),
            label: None,
        }],
        Scope::System => {
            let mut out: Vec<Unit<'a>> = d
                .components
                .iter()
                .map(|c| Unit {
                    name: c.id.clone(),
                    kind: Some(c.kind),
                    system_level: false,
                    features: features(&c.features),
                    claims: resolve_claims(catalog, &c.claims, &c.id),
                    label: c.label.as_deref(),
                })
                .collect();
            // At system level a feature is present when any component has it, absent when all
            // components declare it absent, and unknown otherwise.
            let mut system_features: BTreeMap<&'a str, bool> = BTreeMap::new();
            let names: BTreeSet<&'a str> = d
                .components
                .iter()
                .flat_map(|c| c.features.keys().map(String::as_str))
                .collect();
            for name in names {
                let values: Vec<Option<bool>> = d
                    .components
                    .iter()
                    .map(|c| c.features.get(name).copied())
                    .collect();
                if values.contains(&Some(true)) {
                    system_features.insert(name, true);
                } else if values.iter().all(|v| *v == Some(false)) {
                    system_features.insert(name, false);
                }
            }
            out.push(Unit {
                name: "system".into(),
                kind: None,
                system_level: true,
                features: system_features,
                claims: with_process(resolve_claims(catalog, &d.claims, "product")),
                label: None,
            });
            out
        }
    }
}

fn evidence_items<'a>(inputs: &Inputs<'a>) -> Vec<EvidenceItem<'a>> {
    let mut out = Vec::new();
    let mut add =
        |d: &'a Declaration, states: &'a BTreeMap<String, EvidenceState>, prefix: &str| {
            for e in &d.evidence {
                out.push(EvidenceItem {
                    id: format!("{prefix}{}", e.id),
                    evidence: e,
                    state: states.get(&e.id),
                    provisions: e
                        .provisions
                        .iter()
                        .filter_map(|p| inputs.catalog.resolve_index(p))
                        .collect(),
                });
            }
        };
    add(inputs.product.declaration, inputs.product.evidence, "");
    if let Some(p) = inputs.process {
        add(p.declaration, p.evidence, "process:");
    }
    out
}

fn feature_names(p: &Provision, value: bool, features: &BTreeMap<&str, bool>) -> String {
    p.condition
        .as_ref()
        .map(|c| {
            c.features()
                .into_iter()
                .filter(|f| features.get(f) == Some(&value))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

struct UnitVerdict {
    verdict: Verdict,
    reason: Text,
    claim: Option<ClaimSummary>,
    evidence: Vec<String>,
}

impl UnitVerdict {
    fn new(verdict: Verdict, reason: Text) -> Self {
        Self {
            verdict,
            reason,
            claim: None,
            evidence: Vec::new(),
        }
    }
}

fn fact_check(
    check: FactCheck,
    product: &Declaration,
    process: Option<&Declaration>,
    unit: &Unit<'_>,
    today: jiff::civil::Date,
) -> Option<Text> {
    let vdp = product
        .vulnerability_disclosure
        .as_ref()
        .or_else(|| process.and_then(|p| p.vulnerability_disclosure.as_ref()));
    match check {
        FactCheck::NoUniversalPassword => product
            .authentication
            .as_ref()
            .is_some_and(|a| a.default_password == DefaultPassword::Universal)
            .then(|| wording::fact_check_failure(check, "")),
        FactCheck::VdpPublished => vdp
            .is_none_or(|v| v.policy_url.as_deref().is_none_or(|u| u.trim().is_empty()))
            .then(|| wording::fact_check_failure(check, "")),
        FactCheck::SupportPeriodPublished => match &product.support {
            None => Some(wording::fact_check_failure(
                check,
                "no [support] period_end is declared",
            )),
            Some(s) if s.period_end.last_day < today => Some(wording::fact_check_failure(
                check,
                &format!("the support period ended on {}", s.period_end.last_day),
            )),
            Some(_) => None,
        },
        FactCheck::SensingDocumented => (unit.features.get("sensing") == Some(&true)
            && product
                .product
                .as_ref()
                .is_none_or(|p| p.sensing.is_empty()))
        .then(|| wording::fact_check_failure(check, "")),
        FactCheck::DataPracticesDocumented => (unit.features.get("personal_data") == Some(&true)
            && product.data_practices.is_empty())
        .then(|| wording::fact_check_failure(check, "")),
    }
}

#[allow(clippy::too_many_lines)]
fn unit_verdict(
    inputs: &Inputs<'_>,
    unit: &Unit<'_>,
    p: &Provision,
    index: usize,
    modality: Modality,
    evidence: &[&EvidenceItem<'_>],
) -> UnitVerdict {
    // Applicability.
    let applies = match &p.condition {
        None => Some(true),
        Some(c) => c.evaluate(&|f| unit.features.get(f).copied()),
    };
    match applies {
        Some(false) => {
            let names = feature_names(p, false, &unit.features);
            let names_true = feature_names(p, true, &unit.features);
            let detail = match (names.is_empty(), names_true.is_empty()) {
                (false, _) => format!("declared false: {names}"),
                (true, false) => format!("declared true: {names_true}"),
                (true, true) => String::new(),
            };
            return UnitVerdict::new(
                Verdict::NotApplicable,
                Text::new(
                    format!(
                        "Condition `{}` does not hold ({detail}).",
                        p.condition
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ),
                    format!(
                        "This does not apply to the product: {}",
                        p.condition_text
                            .as_deref()
                            .unwrap_or("its condition is not met.")
                    ),
                ),
            );
        }
        None => {
            let missing: Vec<&str> = p
                .condition
                .as_ref()
                .map(|c| {
                    c.features()
                        .into_iter()
                        .filter(|f| !unit.features.contains_key(f))
                        .collect()
                })
                .unwrap_or_default();
            return UnitVerdict::new(
                Verdict::Inconclusive,
                Text::new(
                    format!(
                        "Cannot decide whether it applies: feature(s) {} not declared in {}.",
                        missing.join(", "),
                        wording::place(&unit.name)
                    ),
                    "The declaration does not say enough about the product to tell whether this applies.",
                ),
            );
        }
        Some(true) => {}
    }

    // A component covered by its own label.
    if let Some(label_id) = unit.label {
        return match inputs.labels.get(label_id) {
            None => UnitVerdict::new(
                Verdict::Unverified,
                Text::new(
                    format!(
                        "Component `{}` relies on label {label_id}, which this assessment does not know.",
                        unit.name
                    ),
                    format!(
                        "A part of the system relies on label {label_id}, which could not be checked."
                    ),
                ),
            ),
            Some(l) if l.status != LabelStatus::Active || l.valid_until < inputs.today => {
                let status = if l.status == LabelStatus::Active {
                    "expired"
                } else {
                    match l.status {
                        LabelStatus::Suspended => "suspended",
                        LabelStatus::Revoked => "revoked",
                        LabelStatus::Expired => "expired",
                        LabelStatus::Superseded => "superseded",
                        LabelStatus::Active => "active",
                    }
                };
                UnitVerdict::new(
                    Verdict::Unverified,
                    Text::new(
                        format!(
                            "Component `{}` relies on label {label_id}, which is {status}: its evidence no longer counts.",
                            unit.name
                        ),
                        format!(
                            "A part of the system relies on a label that is {status}, so its security can no longer be taken as shown."
                        ),
                    ),
                )
            }
            Some(l)
                if l.passed
                    .iter()
                    .any(|x| inputs.catalog.index_of(x) == Some(index)) =>
            {
                UnitVerdict::new(
                    Verdict::Pass,
                    Text::new(
                        format!(
                            "Covered by label {label_id} (level {}) of component `{}`.",
                            l.level, unit.name
                        ),
                        format!(
                            "This part of the system has its own valid label that covers this (level {}).",
                            l.level
                        ),
                    ),
                )
            }
            Some(_) => UnitVerdict::new(
                Verdict::Inconclusive,
                Text::new(
                    format!(
                        "Label {label_id} of component `{}` does not cover this provision.",
                        unit.name
                    ),
                    "The label this part of the system relies on does not cover this.",
                ),
            ),
        };
    }

    let Some(sourced) = unit.claims[index].as_ref() else {
        return UnitVerdict::new(
            Verdict::Inconclusive,
            Text::new(
                format!("Not answered in {}.", wording::place(&unit.name)),
                "The maker has not said whether the product does this.",
            ),
        );
    };
    let claim = sourced.claim;
    let justification = claim
        .justification
        .as_deref()
        .map(str::trim)
        .filter(|j| !j.is_empty());
    let summary = ClaimSummary {
        support: match claim.support {
            Support3::Yes => "yes",
            Support3::No => "no",
            Support3::NotApplicable => "not-applicable",
        }
        .to_owned(),
        justification: justification.map(str::to_owned),
        declared_in: sourced.declared_in.to_owned(),
    };
    let with_claim = |mut v: UnitVerdict| {
        v.claim = Some(summary.clone());
        v
    };
    let because = justification
        .map(|j| format!(" Justification: {j}"))
        .unwrap_or_default();
    match claim.support {
        Support3::No => with_claim(UnitVerdict::new(
            Verdict::Fail,
            Text::new(
                format!(
                    "Claimed no in {}.{because}",
                    wording::place(sourced.declared_in)
                ),
                format!(
                    "The maker says the product does not do this.{}",
                    justification
                        .map(|j| format!(" Its reason: {j}"))
                        .unwrap_or_default()
                ),
            ),
        )),
        Support3::NotApplicable => {
            let (verdict, reason) = if p.condition.is_some() {
                let on = feature_names(p, true, &unit.features);
                (
                    Verdict::Fail,
                    Text::new(
                        format!(
                            "Claimed not applicable, but its condition `{}` holds for the declared features ({on}).",
                            p.condition
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default()
                        ),
                        "The maker says this does not apply, but what it declares about the product says it does.",
                    ),
                )
            } else if modality == Modality::Mandatory {
                (
                    Verdict::Fail,
                    Text::new(
                        "Claimed not applicable, but a mandatory provision without a condition applies to every product.",
                        "The maker says this does not apply, but it is required of every product of this kind.",
                    ),
                )
            } else if justification.is_none() {
                (
                    Verdict::Fail,
                    Text::new(
                        "Claimed not applicable without a justification (EN 303 645 V3 5.0-1 requires one).",
                        "The maker says this does not apply, without saying why.",
                    ),
                )
            } else {
                (
                    Verdict::NotApplicable,
                    Text::new(
                        format!("Recommendation declared not applicable.{because}"),
                        format!(
                            "The maker explains why this does not apply: {}",
                            justification.unwrap_or("")
                        ),
                    ),
                )
            };
            with_claim(UnitVerdict::new(verdict, reason))
        }
        Support3::Yes => {
            let process = inputs.process.map(|x| x.declaration);
            for check in &p.fact_checks {
                if let Some(reason) = fact_check(
                    *check,
                    inputs.product.declaration,
                    process,
                    unit,
                    inputs.today,
                ) {
                    return with_claim(UnitVerdict::new(Verdict::Fail, reason));
                }
            }
            // `evidence` holds only the items that list this provision.
            let listing: Vec<&EvidenceItem<'_>> = evidence
                .iter()
                .copied()
                .filter(|e| {
                    e.evidence
                        .component
                        .as_deref()
                        .is_none_or(|c| c == unit.name)
                })
                .collect();
            let fitting: Vec<&&EvidenceItem<'_>> = listing
                .iter()
                .filter(|e| p.evidence.contains(&e.evidence.kind))
                .collect();
            let usable: Vec<&&&EvidenceItem<'_>> = fitting.iter().filter(|e| e.usable()).collect();
            if !usable.is_empty() {
                let mut v = with_claim(UnitVerdict::new(
                    Verdict::Pass,
                    Text::new(
                        format!(
                            "Claimed yes in {}; supported by {}.",
                            wording::place(sourced.declared_in),
                            usable
                                .iter()
                                .map(|e| format!("{} ({})", e.id, e.evidence.kind.as_str()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        format!(
                            "The maker says this is done and backs it with: {}.",
                            usable
                                .iter()
                                .map(|e| e.evidence.title.as_str())
                                .collect::<Vec<_>>()
                                .join("; ")
                        ),
                    ),
                ));
                v.evidence = usable.iter().map(|e| e.id.clone()).collect();
                return v;
            }
            let accepted: Vec<&str> = p.evidence.iter().map(|k| k.as_str()).collect();
            let reason = if !fitting.is_empty() {
                let broken: Vec<String> = fitting
                    .iter()
                    .map(|e| {
                        let state = match e.state.map(|s| &s.integrity) {
                            Some(iotlabel_declaration::Integrity::Missing) => "file missing",
                            Some(iotlabel_declaration::Integrity::Mismatch { .. }) => {
                                "digest mismatch"
                            }
                            Some(iotlabel_declaration::Integrity::Unreadable { .. }) => {
                                "unreadable"
                            }
                            _ => "not checked",
                        };
                        format!("{} ({state})", e.id)
                    })
                    .collect();
                Text::new(
                    format!(
                        "Claimed yes, but its evidence cannot be used: {}.",
                        broken.join(", ")
                    ),
                    "The maker says this is done, but the document meant to show it is missing or has been changed since it was recorded.",
                )
            } else if !listing.is_empty() {
                Text::new(
                    format!(
                        "Claimed yes, but the evidence listing it ({}) is not of a kind this provision accepts ({}).",
                        listing
                            .iter()
                            .map(|e| format!("{}: {}", e.id, e.evidence.kind.as_str()))
                            .collect::<Vec<_>>()
                            .join(", "),
                        accepted.join(", ")
                    ),
                    "The maker says this is done, but has not given the right kind of proof.",
                )
            } else {
                Text::new(
                    format!(
                        "Claimed yes, but no evidence item lists it (accepted kinds: {}).",
                        accepted.join(", ")
                    ),
                    "The maker says this is done, but has given no proof.",
                )
            };
            with_claim(UnitVerdict::new(Verdict::Unverified, reason))
        }
    }
}

/// The catalogue prepared for assessing many declarations: profile selections and regime
/// rows resolved to catalogue indices once, so that each assessment compares integers.
pub struct Engine<'c> {
    pub(crate) catalog: &'c Catalog,
    /// Per profile id: selected indices (ascending) and which indices it raises.
    profiles: BTreeMap<&'c str, (Vec<usize>, Vec<bool>)>,
    /// Per regime (catalogue order), per crosswalk row: the provision indices it maps to.
    pub(crate) regime_rows: Vec<Vec<Vec<usize>>>,
    /// Per regime (catalogue order): the mandatory provisions that decide it, for regimes
    /// decided by a source's mandatory provisions.
    pub(crate) regime_provisions: Vec<Vec<usize>>,
}

impl<'c> Engine<'c> {
    /// Prepares a catalogue.
    pub fn new(catalog: &'c Catalog) -> Self {
        let n = catalog.provisions.len();
        let profiles = catalog
            .profiles
            .iter()
            .map(|p| {
                let selected: Vec<usize> = p
                    .provisions
                    .iter()
                    .filter_map(|id| catalog.index_of(id))
                    .collect();
                let mut raised = vec![false; n];
                for r in &p.raises {
                    if let Some(i) = catalog.index_of(&r.provision) {
                        raised[i] = true;
                    }
                }
                (p.id.as_str(), (selected, raised))
            })
            .collect();
        let regime_rows = catalog
            .regimes
            .iter()
            .map(|r| {
                catalog
                    .regime_crosswalk(r)
                    .map(|cw| {
                        cw.rows
                            .iter()
                            .map(|row| {
                                row.provisions
                                    .iter()
                                    .filter_map(|id| catalog.index_of(id))
                                    .collect()
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let regime_provisions = catalog
            .regimes
            .iter()
            .map(|r| {
                catalog
                    .regime_provisions(r)
                    .iter()
                    .filter_map(|p| catalog.index_of(&p.id))
                    .collect()
            })
            .collect();
        Self {
            catalog,
            profiles,
            regime_rows,
            regime_provisions,
        }
    }

    /// A profile's selected indices and raised flags (empty for an unknown profile).
    pub(crate) fn profile_plan(&self, id: &str) -> (&[usize], &[bool]) {
        self.profiles
            .get(id)
            .map_or((&[][..], &[][..]), |(s, r)| (s.as_slice(), r.as_slice()))
    }
}

/// Assesses every selected provision.
pub(crate) fn assess_provisions<'a>(engine: &Engine<'_>, inputs: &Inputs<'a>) -> Assessed<'a> {
    let catalog = inputs.catalog;
    let n = catalog.provisions.len();
    let d = inputs.product.declaration;
    let profiles = profile_ids(inputs);
    let mut selected = vec![false; n];
    let mut raised = vec![false; n];
    for id in &profiles {
        if let Some((indices, raises)) = engine.profiles.get(id.as_str()) {
            for &i in indices {
                selected[i] = true;
            }
            for (r, x) in raised.iter_mut().zip(raises) {
                *r |= *x;
            }
        }
    }
    if d.scope == Scope::Process {
        for (i, s) in selected.iter_mut().enumerate() {
            *s &= catalog.provisions[i]
                .scope
                .contains(&ProvisionScope::Manufacturer);
        }
    }
    let mut process_claims = inputs
        .process
        .map(|x| resolve_claims(catalog, &x.declaration.claims, "process"))
        .unwrap_or_else(|| vec![None; n]);
    for (i, slot) in process_claims.iter_mut().enumerate() {
        if !catalog.provisions[i]
            .scope
            .contains(&ProvisionScope::Manufacturer)
        {
            *slot = None;
        }
    }
    let units = units(catalog, d, &process_claims);
    let evidence = evidence_items(inputs);
    let mut evidence_for: Vec<Vec<&EvidenceItem<'_>>> = vec![Vec::new(); n];
    for e in &evidence {
        for &i in &e.provisions {
            if !evidence_for[i].iter().any(|x| std::ptr::eq(*x, e)) {
                evidence_for[i].push(e);
            }
        }
    }
    let referenced_levels: Vec<u8> = units
        .iter()
        .filter_map(|u| u.label)
        .filter_map(|l| inputs.labels.get(l))
        .map(|l| l.level)
        .collect();

    let mut results = Vec::new();
    let mut lookup = vec![None; n];
    for index in (0..n).filter(|&i| selected[i]) {
        let p = &catalog.provisions[index];
        let is_raised = raised[index] && p.modality == Modality::Recommended;
        let modality = if is_raised {
            Modality::Mandatory
        } else {
            p.modality
        };
        let per_unit: Vec<(&Unit<'_>, UnitVerdict)> = units
            .iter()
            .filter(|u| relevant(u, p, index))
            .map(|u| {
                (
                    u,
                    unit_verdict(inputs, u, p, index, modality, &evidence_for[index]),
                )
            })
            .collect();
        let worst = per_unit
            .iter()
            .map(|(_, v)| v.verdict)
            .filter(|v| *v != Verdict::NotApplicable)
            .min();
        let (verdict, reason, claim, ev) = match (worst, per_unit.len()) {
            (_, 0) => (
                Verdict::NotApplicable,
                Text::new(
                    "No component of the system is of a kind this provision applies to.",
                    "None of the parts of this system is the kind of thing this is about.",
                ),
                None,
                Vec::new(),
            ),
            (None, _) => {
                let (_, v) = &per_unit[0];
                (
                    Verdict::NotApplicable,
                    v.reason.clone(),
                    v.claim.clone(),
                    Vec::new(),
                )
            }
            (Some(w), _) => {
                let (_, v) = per_unit
                    .iter()
                    .find(|(_, v)| v.verdict == w)
                    .unwrap_or(&per_unit[0]);
                let mut evidence: Vec<String> = per_unit
                    .iter()
                    .flat_map(|(_, v)| v.evidence.iter().cloned())
                    .collect();
                evidence.sort();
                evidence.dedup();
                (w, v.reason.clone(), v.claim.clone(), evidence)
            }
        };
        let components = if d.scope == Scope::System {
            per_unit
                .iter()
                .map(|(u, v)| ComponentVerdict {
                    component: u.name.clone(),
                    verdict: v.verdict,
                    reason: v.reason.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        lookup[index] = Some(results.len());
        results.push(ProvisionResult {
            id: p.id.clone(),
            title: p.title.clone(),
            category: p.category.clone(),
            modality,
            raised: is_raised,
            remediation: matches!(
                verdict,
                Verdict::Fail | Verdict::Unverified | Verdict::Inconclusive
            )
            .then(|| wording::remediation(p)),
            verdict,
            reason,
            claim,
            evidence: ev,
            components,
        });
    }
    apply_automatic(catalog, &mut results);
    Assessed {
        profiles,
        results,
        lookup,
        evidence,
        referenced_levels,
    }
}

/// Decides provisions whose verdict follows from the other answers (EN 303 645 V3 5.0-1).
fn apply_automatic(catalog: &Catalog, results: &mut [ProvisionResult]) {
    let unjustified: Vec<String> = results
        .iter()
        .filter(|r| r.modality == Modality::Recommended)
        .filter(|r| {
            r.claim.as_ref().is_some_and(|c| {
                (c.support == "no" || c.support == "not-applicable") && c.justification.is_none()
            })
        })
        .map(|r| r.id.local.clone())
        .collect();
    for r in results.iter_mut() {
        let Some(p) = catalog.provision(&r.id) else {
            continue;
        };
        if p.automatic != Some(Automatic::Justifications) {
            continue;
        }
        r.claim = None;
        r.components.clear();
        if unjustified.is_empty() {
            r.verdict = Verdict::Pass;
            r.reason = Text::new(
                "Decided from the declaration: every recommendation answered no or not-applicable carries a justification.",
                "The maker explains every recommendation it does not follow.",
            );
            r.remediation = None;
        } else {
            r.verdict = Verdict::Fail;
            r.reason = Text::new(
                format!(
                    "Recommendations answered no or not-applicable without justification: {}.",
                    unjustified.join(", ")
                ),
                "The maker skips some recommendations without explaining why.",
            );
            r.remediation = Some(Text::new(
                format!(
                    "Add a justification to the claims for {}.",
                    unjustified.join(", ")
                ),
                "The maker needs to explain why it does not follow those recommendations.",
            ));
        }
    }
}
