//! An assessment as OSCAL assessment-results: one observation per evidence item examined, one
//! finding per applicable provision, referencing the exported catalog's controls.

use iotlabel_assess::result::{AssessmentResult, Verdict};
use iotlabel_catalog::model::EvidenceKind;

use crate::model::*;
use crate::{CATALOG_FILE, content_uuid, our_prop, stable_uuid};

fn method(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::FirmwareAnalysis | EvidenceKind::NetworkTest | EvidenceKind::LabReport => {
            "TEST"
        }
        EvidenceKind::Declaration | EvidenceKind::Document | EvidenceKind::Sbom => "EXAMINE",
    }
}

/// The assessment as an OSCAL assessment-results document. Profiles are referenced as the files
/// `iotlabel catalog export --format oscal` writes (`profile-<id>.json` next to `catalog.json`).
pub fn export_assessment(a: &AssessmentResult) -> AssessmentResultsDocument {
    let key = &a.inputs.declaration_sha256;
    let start = format!("{}T00:00:00Z", a.inputs.date);
    let observations: Vec<Observation> = a
        .inputs
        .evidence
        .iter()
        .map(|e| {
            let mut props = vec![
                our_prop("evidence-kind", e.kind.as_str()),
                our_prop("sha256", e.sha256.clone()),
                our_prop("integrity", e.integrity.label()),
            ];
            if let Some(assessor) = &e.assessor {
                props.push(our_prop("assessor", assessor.clone()));
            }
            Observation {
                uuid: stable_uuid(&format!("observation/{key}/{}", e.id)),
                title: e.title.clone(),
                description: format!(
                    "Evidence `{}` ({}) produced by {}; SHA-256 {}; {}.",
                    e.id,
                    e.kind.as_str(),
                    e.assessor.as_deref().unwrap_or("the manufacturer"),
                    e.sha256,
                    e.integrity.label()
                ),
                props,
                methods: vec![method(e.kind).to_owned()],
                relevant_evidence: vec![RelevantEvidence {
                    href: (!e.location.is_empty()).then(|| e.location.clone()),
                    description: e.title.clone(),
                    props: Vec::new(),
                }],
                collected: start.clone(),
            }
        })
        .collect();
    let findings: Vec<Finding> = a
        .provisions
        .iter()
        .filter(|r| r.verdict != Verdict::NotApplicable)
        .map(|r| {
            let control = r.id.oscal_token();
            let (state, reason) = match r.verdict {
                Verdict::Pass => ("satisfied", "pass"),
                Verdict::Fail => ("not-satisfied", "fail"),
                _ => ("not-satisfied", "other"),
            };
            let related: Vec<RelatedObservation> = r
                .evidence
                .iter()
                .map(|id| RelatedObservation {
                    observation_uuid: stable_uuid(&format!("observation/{key}/{id}")),
                })
                .collect();
            let mut props = vec![
                our_prop("verdict", r.verdict.as_str()),
                our_prop("modality", r.modality.letter()),
            ];
            if r.raised {
                props.push(our_prop("raised-by-profile", "true"));
            }
            Finding {
                uuid: stable_uuid(&format!("finding/{key}/{}", r.id)),
                title: format!("{} {}", r.id.local, r.title),
                description: r.reason.technical.clone(),
                props,
                target: FindingTarget {
                    kind: "statement-id".into(),
                    target_id: format!("{control}_smt"),
                    status: FindingStatus {
                        state: state.into(),
                        reason: reason.into(),
                        remarks: Some(r.reason.plain.clone()),
                    },
                },
                related_observations: related,
            }
        })
        .collect();
    let mut props = vec![
        our_prop("label-level", a.level.to_string()),
        our_prop("declaration-sha256", key.clone()),
        our_prop("catalog-version", a.catalog.version.clone()),
    ];
    if let Some(score) = a.score {
        props.push(our_prop("score", format!("{:.1}", score.value())));
    }
    let mut resources: Vec<Resource> = a
        .profiles
        .iter()
        .map(|p| Resource {
            uuid: stable_uuid(&format!("resource/profile/{}/{p}", a.catalog.id)),
            title: Some(format!("iotlabel profile {p}")),
            rlinks: vec![Rlink {
                href: format!("profile-{p}.json"),
                media_type: Some("application/oscal.profile+json".into()),
            }],
        })
        .collect();
    resources.push(Resource {
        uuid: stable_uuid(&format!("resource/catalog/{}", a.catalog.id)),
        title: Some(format!("{} {}", a.catalog.id, a.catalog.version)),
        rlinks: vec![Rlink {
            href: CATALOG_FILE.into(),
            media_type: Some("application/oscal.catalog+json".into()),
        }],
    });
    let plan = resources[0].uuid.clone();
    let name = match (&a.product.brand, &a.product.model) {
        (Some(b), Some(m)) => format!("{b} {m}"),
        _ => a.product.manufacturer.clone(),
    };
    let mut doc = AssessmentResultsDocument {
        assessment_results: AssessmentResults {
            uuid: uuid::Uuid::nil().to_string(),
            metadata: Metadata {
                title: format!("iotlabel assessment of {name}"),
                last_modified: start.clone(),
                version: a.inputs.declaration_sha256[..12.min(key.len())].to_owned(),
                oscal_version: OSCAL_VERSION.into(),
                props: vec![our_prop("engine", a.engine.clone())],
                links: Vec::new(),
                remarks: Some(a.summary.plain.clone()),
            },
            import_ap: ImportAp {
                href: format!("#{plan}"),
            },
            results: vec![AssessmentResultSet {
                uuid: stable_uuid(&format!("result/{key}/{}", a.inputs.date)),
                title: format!("Assessment of {name} against {}", a.profiles.join(", ")),
                description: a.summary.technical.clone(),
                start,
                props,
                reviewed_controls: ReviewedControls {
                    control_selections: vec![ControlSelection {
                        include_controls: a
                            .provisions
                            .iter()
                            .map(|r| ControlRef {
                                control_id: r.id.oscal_token(),
                            })
                            .collect(),
                    }],
                },
                observations,
                findings,
            }],
            back_matter: BackMatter { resources },
        },
    };
    doc.assessment_results.uuid = content_uuid("assessment-results", &doc);
    doc
}
