//! SPDX 3.0 JSON-LD: the `@graph` of elements read as plain JSON (no RDF processing: the
//! serialisation profile fixes the shape). Packages become components, relationships become
//! dependencies, VEX assessment relationships become statements.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::{Error, Origin, Position};
use crate::purl::Purl;
use crate::sbom::model::{
    Component, ComponentKind, Dependency, EmbeddedVulnerability, Hash, InvalidPurl, Sbom,
    SbomFormat,
};
use crate::value::Walk;
use crate::vex::model::{
    Justification, ProductRef, VexFormat, VexStatement, VexStatus, parse_timestamp,
};

/// The element type without its profile prefix (`software_Package` -> `Package`).
fn short_type(e: &Value) -> &str {
    let t = e
        .get("type")
        .or_else(|| e.get("@type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    t.rsplit_once('_').map_or(t, |(_, rest)| rest)
}

/// A property, with or without its profile prefix.
fn field<'v>(e: &'v Value, name: &str) -> Option<&'v Value> {
    e.get(name)
        .or_else(|| e.get(format!("software_{name}")))
        .or_else(|| e.get(format!("security_{name}")))
}

fn id_of(e: &Value) -> Option<&str> {
    e.get("spdxId")
        .or_else(|| e.get("@id"))
        .and_then(Value::as_str)
}

/// A reference to another element: its id, or an inline element's id.
fn ref_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(_) => id_of(v).map(str::to_string),
        _ => None,
    }
}

fn refs(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(ref_of).collect(),
        Some(other) => ref_of(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Reads an SPDX 3 JSON-LD document.
pub(crate) fn read(doc: &Value, origin: &Origin) -> Result<Sbom, Error> {
    let Some(Value::Array(graph)) = doc.get("@graph") else {
        return Err(Error::invalid(
            origin,
            Position::path(".@graph"),
            "an SPDX 3 JSON-LD document needs an `@graph` list",
            "check that this is SPDX 3.0 JSON-LD",
        ));
    };
    let mut walk = Walk::new();
    let by_id: HashMap<&str, &Value> = graph
        .iter()
        .filter_map(|e| id_of(e).map(|id| (id, e)))
        .collect();
    let name_of = |id: &str| -> Option<String> {
        by_id
            .get(id)
            .and_then(|e| e.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };

    let mut spec_version = None;
    let mut created = None;
    let mut serial_number = None;
    let mut name = None;
    let mut described = Vec::new();
    let mut components = Vec::new();
    let mut dependencies = Vec::new();
    let mut vulnerabilities = Vec::new();
    // Files become components only when described; they are collected first.
    let mut files: Vec<(usize, &Value)> = Vec::new();

    for (i, e) in graph.iter().enumerate() {
        let path = format!(".@graph[{i}]");
        match short_type(e) {
            "CreationInfo" => {
                if spec_version.is_none() {
                    spec_version = walk.string(e, &path, "specVersion");
                }
                if created.is_none() {
                    created = walk.string(e, &path, "created");
                }
            }
            "SpdxDocument" => {
                serial_number = id_of(e).map(str::to_string);
                name = walk.string(e, &path, "name");
                described.extend(refs(e.get("rootElement")));
            }
            "Package" => components.push(package(&mut walk, e, &path, components.len(), &name_of)),
            "File" => files.push((i, e)),
            "Relationship" | "LifecycleScopedRelationship" => {
                let kind = e
                    .get("relationshipType")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let from = e.get("from").and_then(ref_of);
                let Some(from) = from else {
                    walk.warn(&path, "relationship without `from`; skipped");
                    continue;
                };
                let to = refs(e.get("to"));
                match kind {
                    "describes" => described.extend(to),
                    "dependsOn"
                    | "contains"
                    | "hasDynamicLink"
                    | "hasStaticLink"
                    | "hasPrerequisite"
                    | "hasProvidedDependency"
                    | "hasOptionalDependency" => {
                        for t in to {
                            dependencies.push(Dependency {
                                from: from.clone(),
                                to: t,
                                relationship: kind.to_string(),
                            });
                        }
                    }
                    _ => {}
                }
            }
            t if t.starts_with("Vex") && t.ends_with("VulnAssessmentRelationship") => {
                if let Some(v) = vex(&mut walk, e, &path, t, &by_id) {
                    vulnerabilities.push(v);
                }
            }
            _ => {}
        }
    }
    let mut seen = std::collections::HashSet::new();
    described.retain(|d| seen.insert(d.clone()));
    for (i, f) in files {
        let Some(id) = id_of(f) else { continue };
        if !described.iter().any(|d| d == id) {
            continue;
        }
        let path = format!(".@graph[{i}]");
        components.push(Component {
            reference: id.to_string(),
            kind: ComponentKind::File,
            group: None,
            name: walk.string(f, &path, "name").unwrap_or_default(),
            version: None,
            purl: None,
            invalid_purl: None,
            cpes: Vec::new(),
            hashes: hashes(&mut walk, f, &path),
            supplier: None,
            parent: None,
        });
    }
    Ok(Sbom {
        format: SbomFormat::Spdx3JsonLd,
        spec_version,
        serial_number,
        version: None,
        name,
        created,
        described,
        components,
        dependencies,
        vulnerabilities,
        warnings: walk.warnings,
    })
}

fn package(
    walk: &mut Walk,
    e: &Value,
    path: &str,
    index: usize,
    name_of: &dyn Fn(&str) -> Option<String>,
) -> Component {
    let reference = id_of(e).map_or_else(|| format!("component-{}", index + 1), str::to_string);
    let mut purl_texts: Vec<String> = field(e, "packageUrl")
        .and_then(Value::as_str)
        .map(str::to_string)
        .into_iter()
        .collect();
    let mut cpes = Vec::new();
    if let Some(Value::Array(ids)) = e.get("externalIdentifier") {
        for x in ids {
            let kind = x
                .get("externalIdentifierType")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some(identifier) = x.get("identifier").and_then(Value::as_str) else {
                continue;
            };
            match kind {
                "purl" | "packageUrl" => purl_texts.push(identifier.to_string()),
                "cpe22" | "cpe23" => cpes.push(identifier.to_string()),
                _ => {}
            }
        }
    }
    let mut purl = None;
    let mut invalid_purl = None;
    for text in purl_texts {
        match Purl::parse(&text) {
            Ok(p) if purl.is_none() => purl = Some(p),
            Ok(_) => {}
            Err(e) => {
                walk.warn(path, e.to_string());
                invalid_purl.get_or_insert(InvalidPurl {
                    text,
                    reason: e.reason,
                });
            }
        }
    }
    if purl.is_some() {
        invalid_purl = None;
    }
    let supplier = ["suppliedBy", "originatedBy"]
        .into_iter()
        .find_map(|k| field(e, k).and_then(|v| refs(Some(v)).into_iter().next()))
        .and_then(|id| name_of(&id));
    let kind = field(e, "primaryPurpose")
        .and_then(Value::as_str)
        .map_or(ComponentKind::Library, ComponentKind::parse);
    Component {
        reference,
        kind,
        group: None,
        name: walk.string(e, path, "name").unwrap_or_default(),
        version: field(e, "packageVersion").and_then(|v| walk.as_string(v, path)),
        purl,
        invalid_purl,
        cpes,
        hashes: hashes(walk, e, path),
        supplier,
        parent: None,
    }
}

fn hashes(walk: &mut Walk, e: &Value, path: &str) -> Vec<Hash> {
    walk.array(e, path, "verifiedUsing")
        .into_iter()
        .filter_map(|h| {
            let algorithm = h.get("algorithm").and_then(Value::as_str)?;
            let value = h.get("hashValue").and_then(Value::as_str)?;
            Some(Hash {
                algorithm: algorithm.to_string(),
                value: value.to_ascii_lowercase(),
            })
        })
        .collect()
}

/// `componentNotPresent` -> `component_not_present`.
fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn vex(
    walk: &mut Walk,
    e: &Value,
    path: &str,
    kind: &str,
    by_id: &HashMap<&str, &Value>,
) -> Option<EmbeddedVulnerability> {
    let status = match kind {
        "VexAffectedVulnAssessmentRelationship" => VexStatus::Affected,
        "VexNotAffectedVulnAssessmentRelationship" => VexStatus::NotAffected,
        "VexFixedVulnAssessmentRelationship" => VexStatus::Fixed,
        "VexUnderInvestigationVulnAssessmentRelationship" => VexStatus::UnderInvestigation,
        _ => return None,
    };
    let Some(vuln_ref) = e.get("from").and_then(ref_of) else {
        walk.warn(path, "VEX relationship without `from`; skipped");
        return None;
    };
    // The vulnerability element names its CVE among its external identifiers.
    let vuln = by_id.get(vuln_ref.as_str());
    let mut ids: Vec<String> = vuln
        .and_then(|v| v.get("externalIdentifier"))
        .and_then(Value::as_array)
        .map(|xs| {
            xs.iter()
                .filter_map(|x| {
                    x.get("identifier")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(n) = vuln.and_then(|v| v.get("name")).and_then(Value::as_str) {
        ids.push(n.to_string());
    }
    let id = ids.first().cloned().unwrap_or_else(|| vuln_ref.clone());
    let aliases = ids.into_iter().filter(|a| *a != id).collect();
    let affects = refs(e.get("to"));
    let products = affects
        .iter()
        .map(|r| ProductRef {
            bom_ref: Some(crate::vex::model::BomRef::parse(r)),
            ..ProductRef::default()
        })
        .collect();
    let text = |key: &str| field(e, key).and_then(Value::as_str).map(str::to_string);
    let justification_text = text("justificationType");
    let justification = justification_text
        .as_deref()
        .and_then(|j| Justification::parse(&snake(j)));
    let time = |key: &str| text(key).and_then(|t| parse_timestamp(&t));
    let statement = VexStatement {
        vulnerability: id.clone(),
        aliases,
        products,
        subcomponents: Vec::new(),
        status,
        justification,
        justification_text,
        impact_statement: text("impactStatement"),
        action_statement: text("actionStatement").or_else(|| text("statusNotes")),
        responses: Vec::new(),
        timestamp: time("publishedTime").or_else(|| time("impactStatementTime")),
        last_updated: time("modifiedTime"),
        format: VexFormat::Spdx3,
        document: None,
        author: None,
    };
    Some(EmbeddedVulnerability {
        id,
        source: None,
        affects,
        statements: vec![statement],
    })
}
