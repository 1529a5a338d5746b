//! A CycloneDX 1.6 VEX document from a check report: one `vulnerabilities[]` entry per finding
//! (and per not-evaluable advisory), `affects` pointing at the component's bom-ref, and an
//! `analysis` mapping the finding's status onto CycloneDX's states:
//!
//! | Finding | `analysis.state` |
//! |---|---|
//! | affected by a manufacturer's VEX statement | `exploitable` |
//! | affected by version range only, no statement | `in_triage` (found, not yet assessed) |
//! | not affected | `not_affected`, with `justification` mapped as CISA's table does |
//! | fixed | `resolved` |
//! | under investigation | `in_triage` |
//! | not evaluable | `in_triage`, with the reason as `detail` |
//!
//! The components with findings are included with their bom-refs so that the document stands
//! alone; KEV data goes into `iotlabel:kev:*` properties (CycloneDX has no field for it).

use iotlabel_vuln::vex::{Justification, VexFormat};
use jiff::Timestamp;
use serde::Serialize;

use crate::check::Report;
use crate::error::MatchError;
use crate::model::{ComponentRef, Finding, FindingStatus, NotEvaluable};

/// Choices the caller makes for the document.
#[derive(Debug, Clone, Default)]
pub struct CycloneDxOptions {
    /// `metadata.timestamp`, normally now (the library has no clock).
    pub timestamp: Option<Timestamp>,
}

/// Renders the report as a CycloneDX 1.6 VEX document (JSON).
pub fn cyclonedx_vex(report: &Report, options: &CycloneDxOptions) -> Result<String, MatchError> {
    let mut components: Vec<Component> = Vec::new();
    let described_refs: Vec<&str> = report
        .sbom
        .described
        .iter()
        .map(|d| d.component.reference.as_str())
        .collect();
    let mut add_component = |c: &ComponentRef| {
        if !described_refs.contains(&c.reference.as_str())
            && !components.iter().any(|k| k.bom_ref == c.reference)
        {
            components.push(Component::library(c));
        }
    };
    for f in &report.findings {
        add_component(&f.component);
    }
    for n in &report.not_evaluable {
        add_component(&n.component);
    }
    let mut vulnerabilities: Vec<Vulnerability> = report.findings.iter().map(finding).collect();
    vulnerabilities.extend(report.not_evaluable.iter().map(not_evaluable));
    for (i, v) in vulnerabilities.iter_mut().enumerate() {
        v.bom_ref = format!("vulnerability-{}", i + 1);
    }
    let metadata = Metadata {
        timestamp: options
            .timestamp
            .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
        tools: Tools {
            components: vec![Tool {
                kind: "application",
                name: "iotlabel",
                version: env!("CARGO_PKG_VERSION"),
            }],
        },
        component: report.sbom.described.first().map(|d| {
            let mut c = Component::library(&d.component);
            c.kind = cyclonedx_kind(&d.kind);
            c
        }),
    };
    let mut bom = Bom {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: String::new(),
        version: 1,
        metadata,
        components,
        vulnerabilities,
    };
    // Same report, same document: the serial number is a name-based UUID of the content.
    let content = serde_json::to_vec(&bom)?;
    bom.serial_number = format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, &content)
    );
    Ok(serde_json::to_string_pretty(&bom)?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: &'static str,
    spec_version: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    serial_number: String,
    version: u32,
    metadata: Metadata,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<Component>,
    vulnerabilities: Vec<Vulnerability>,
}

#[derive(Serialize)]
struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    tools: Tools,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<Component>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Tool>,
}

#[derive(Serialize)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
}

impl Component {
    fn library(c: &ComponentRef) -> Component {
        Component {
            kind: "library",
            bom_ref: non_empty(&c.reference, "component"),
            name: c.name.clone(),
            version: c.version.clone(),
            purl: c.purl.clone(),
        }
    }
}

/// CycloneDX component types; anything else is shown as an application.
fn cyclonedx_kind(kind: &str) -> &'static str {
    const KINDS: [&str; 12] = [
        "application",
        "framework",
        "library",
        "container",
        "platform",
        "operating-system",
        "device",
        "device-driver",
        "firmware",
        "file",
        "machine-learning-model",
        "data",
    ];
    KINDS
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("application")
}

#[derive(Serialize)]
struct Vulnerability {
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    id: String,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    analysis: Analysis,
    affects: Vec<Affects>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Reference {
    id: String,
    source: Source,
}

#[derive(Serialize)]
struct Rating {
    method: &'static str,
    vector: String,
}

#[derive(Serialize)]
struct Analysis {
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    response: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

#[derive(Serialize)]
struct Affects {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<AffectedVersion>,
}

#[derive(Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

/// Where an id is published, by its prefix.
fn source_of(id: &str) -> Source {
    let url_id = id.replace(
        |c: char| !(c.is_ascii_alphanumeric() || "-_.:".contains(c)),
        "",
    );
    if id.starts_with("CVE-") {
        Source {
            name: "NVD",
            url: format!("https://nvd.nist.gov/vuln/detail/{url_id}"),
        }
    } else if id.starts_with("GHSA-") {
        Source {
            name: "GitHub",
            url: format!("https://github.com/advisories/{url_id}"),
        }
    } else {
        Source {
            name: "OSV",
            url: format!("https://osv.dev/vulnerability/{url_id}"),
        }
    }
}

/// The CVSS rating method of a vector, from its prefix and OSV severity type.
fn rating_method(kind: &str, vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4") || kind == "CVSS_V4" {
        "CVSSv4"
    } else if vector.starts_with("CVSS:3.1") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3") || kind == "CVSS_V3" {
        "CVSSv3"
    } else if kind == "CVSS_V2" {
        "CVSSv2"
    } else {
        "other"
    }
}

/// CISA's mapping of the VEX justifications onto CycloneDX's.
fn cyclonedx_justification(j: Justification) -> &'static str {
    match j {
        Justification::ComponentNotPresent | Justification::VulnerableCodeNotPresent => {
            "code_not_present"
        }
        Justification::VulnerableCodeNotInExecutePath => "code_not_reachable",
        Justification::VulnerableCodeCannotBeControlledByAdversary => "requires_environment",
        Justification::InlineMitigationsAlreadyExist => "protected_by_mitigating_control",
    }
}

const CYCLONEDX_JUSTIFICATIONS: [&str; 9] = [
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];

/// CycloneDX responses, from CycloneDX values or CSAF remediation categories.
fn cyclonedx_response(text: &str) -> Option<&'static str> {
    Some(match text.trim() {
        "can_not_fix" | "none_available" => "can_not_fix",
        "will_not_fix" | "no_fix_planned" => "will_not_fix",
        "update" | "vendor_fix" => "update",
        "rollback" => "rollback",
        "workaround_available" | "workaround" | "mitigation" => "workaround_available",
        _ => return None,
    })
}

fn analysis(f: &Finding) -> Analysis {
    let vex = f.vex.as_ref();
    let mut response: Vec<&'static str> = vex
        .map(|v| {
            v.responses
                .iter()
                .filter_map(|r| cyclonedx_response(r))
                .collect()
        })
        .unwrap_or_default();
    response.sort_unstable();
    response.dedup();
    let matched = format!(
        "{} {}: {} [{}]",
        f.component.name,
        f.component.version.as_deref().unwrap_or("(no version)"),
        f.explanation,
        f.decided_by
    );
    match &f.status {
        FindingStatus::Affected if vex.is_some() => Analysis {
            state: "exploitable",
            justification: None,
            response,
            detail: vex
                .and_then(|v| v.action_statement.clone())
                .or(Some(matched)),
        },
        FindingStatus::Affected => Analysis {
            state: "in_triage",
            justification: None,
            response,
            detail: Some(format!(
                "Matched by version range, not assessed by the manufacturer: {matched}"
            )),
        },
        FindingStatus::NotAffected {
            justification,
            impact_statement,
            ..
        } => {
            let written = vex
                .filter(|v| v.format == VexFormat::CycloneDx)
                .and_then(|v| v.justification_text.as_deref())
                .and_then(|t| CYCLONEDX_JUSTIFICATIONS.iter().find(|j| **j == t.trim()))
                .copied();
            Analysis {
                state: "not_affected",
                justification: written.or(justification.map(cyclonedx_justification)),
                response,
                detail: impact_statement.clone(),
            }
        }
        FindingStatus::Fixed => Analysis {
            state: "resolved",
            justification: None,
            response,
            detail: vex.and_then(|v| v.action_statement.clone()),
        },
        FindingStatus::UnderInvestigation => Analysis {
            state: "in_triage",
            justification: None,
            response,
            detail: vex.and_then(|v| v.action_statement.clone()),
        },
    }
}

fn finding(f: &Finding) -> Vulnerability {
    let version_status = match f.status {
        FindingStatus::NotAffected { .. } | FindingStatus::Fixed => "unaffected",
        FindingStatus::Affected => "affected",
        FindingStatus::UnderInvestigation => "unknown",
    };
    let mut properties = vec![Property {
        name: "iotlabel:decidedBy",
        value: f.decided_by.to_string(),
    }];
    if let Some(e) = &f.exploited {
        properties.push(Property {
            name: "iotlabel:kev:cve",
            value: e.cve.clone(),
        });
        properties.push(Property {
            name: "iotlabel:kev:dateAdded",
            value: e.date_added.to_string(),
        });
        if let Some(due) = e.due_date {
            properties.push(Property {
                name: "iotlabel:kev:dueDate",
                value: due.to_string(),
            });
        }
        properties.push(Property {
            name: "iotlabel:kev:knownRansomwareCampaignUse",
            value: if e.known_ransomware {
                "Known"
            } else {
                "Unknown"
            }
            .to_owned(),
        });
    }
    Vulnerability {
        bom_ref: String::new(),
        id: non_empty(&f.vulnerability, "unknown"),
        source: source_of(&f.vulnerability),
        references: f
            .aliases
            .iter()
            .map(|a| Reference {
                id: a.to_string(),
                source: source_of(a),
            })
            .collect(),
        ratings: f
            .severity
            .iter()
            .filter(|s| !s.score.trim().is_empty())
            .map(|s| Rating {
                method: rating_method(&s.kind, &s.score),
                vector: s.score.to_string(),
            })
            .collect(),
        description: f
            .summary
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned),
        recommendation: (!f.fixed_versions.is_empty()).then(|| {
            format!(
                "Upgrade {} to a fixed version: {}",
                f.component.name,
                f.fixed_versions.join(", ")
            )
        }),
        analysis: analysis(f),
        affects: affects(&f.component, version_status),
        properties,
    }
}

fn not_evaluable(n: &NotEvaluable) -> Vulnerability {
    Vulnerability {
        bom_ref: String::new(),
        id: non_empty(&n.vulnerability, "unknown"),
        source: source_of(&n.vulnerability),
        references: Vec::new(),
        ratings: Vec::new(),
        description: None,
        recommendation: None,
        analysis: Analysis {
            state: "in_triage",
            justification: None,
            response: Vec::new(),
            detail: Some(format!(
                "Could not be evaluated ({}): {}",
                n.advisory, n.reason
            )),
        },
        affects: affects(&n.component, "unknown"),
        properties: vec![Property {
            name: "iotlabel:match",
            value: "not-evaluable".to_owned(),
        }],
    }
}

/// The component a vulnerability entry is about, with its version and that version's status.
fn affects(component: &ComponentRef, status: &'static str) -> Vec<Affects> {
    vec![Affects {
        reference: non_empty(&component.reference, "component"),
        versions: component
            .version
            .iter()
            .filter(|v| !v.is_empty())
            .map(|v| AffectedVersion {
                version: v.clone(),
                status,
            })
            .collect(),
    }]
}

/// CycloneDX refs and ids must not be empty.
fn non_empty(text: &str, fallback: &str) -> String {
    if text.trim().is_empty() {
        fallback.to_owned()
    } else {
        text.to_owned()
    }
}
