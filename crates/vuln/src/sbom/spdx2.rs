//! SPDX 2.x JSON (2.2 and 2.3): packages with their external references, relationships.
//! Files are kept only when the document describes them: a source file listing is not a
//! component inventory, and thousands of unmatchable files would bury the real gaps.

use std::collections::HashSet;

use serde_json::Value;

use crate::error::{Error, Origin, Position};
use crate::purl::Purl;
use crate::sbom::model::{
    Component, ComponentKind, Dependency, EmbeddedVulnerability, Hash, InvalidPurl, Sbom,
    SbomFormat,
};
use crate::value::Walk;

/// Reads an SPDX 2 JSON document.
pub(crate) fn read(doc: &Value, origin: &Origin) -> Result<Sbom, Error> {
    if !doc.is_object() {
        return Err(Error::invalid(
            origin,
            Position::default(),
            "an SPDX document must be an object",
            "check that this is SPDX 2 JSON",
        ));
    }
    let mut walk = Walk::new();
    let spec_version = walk.string(doc, "", "spdxVersion");
    let document_id = walk
        .string(doc, "", "SPDXID")
        .unwrap_or_else(|| "SPDXRef-DOCUMENT".to_string());

    let mut described: Vec<String> = walk.strings(doc, "", "documentDescribes");
    let mut dependencies = Vec::new();
    for (i, r) in walk.array(doc, "", "relationships").into_iter().enumerate() {
        let path = format!(".relationships[{i}]");
        let (Some(a), Some(kind), Some(b)) = (
            walk.string(r, &path, "spdxElementId"),
            walk.string(r, &path, "relationshipType"),
            walk.string(r, &path, "relatedSpdxElement"),
        ) else {
            walk.warn(&path, "incomplete relationship; skipped");
            continue;
        };
        let kind_upper = kind.to_ascii_uppercase();
        match kind_upper.as_str() {
            "DESCRIBES" if a == document_id => described.push(b),
            "DESCRIBED_BY" if b == document_id => described.push(a),
            _ => {
                if let Some((from, to)) = dependency_direction(&kind_upper, a, b) {
                    dependencies.push(Dependency {
                        from,
                        to,
                        relationship: kind,
                    });
                }
            }
        }
    }
    let mut seen_described = HashSet::new();
    described.retain(|d| seen_described.insert(d.clone()));

    let mut components = Vec::new();
    let mut vulnerabilities = Vec::new();
    for (i, p) in walk.array(doc, "", "packages").into_iter().enumerate() {
        let path = format!(".packages[{i}]");
        let (component, security) = package(&mut walk, p, &path, components.len());
        vulnerabilities.extend(security);
        components.push(component);
    }
    for (i, f) in walk.array(doc, "", "files").into_iter().enumerate() {
        let path = format!(".files[{i}]");
        let Some(id) = walk.string(f, &path, "SPDXID") else {
            continue;
        };
        if !described.contains(&id) {
            continue;
        }
        let name = walk.string(f, &path, "fileName").unwrap_or_default();
        components.push(Component {
            reference: id,
            kind: ComponentKind::File,
            group: None,
            name,
            version: None,
            purl: None,
            invalid_purl: None,
            cpes: Vec::new(),
            hashes: checksums(&mut walk, f, &path),
            supplier: None,
            parent: None,
        });
    }
    let created = doc
        .get("creationInfo")
        .and_then(|c| walk.string(c, ".creationInfo", "created"));
    Ok(Sbom {
        format: SbomFormat::Spdx2Json,
        spec_version,
        serial_number: walk.string(doc, "", "documentNamespace"),
        version: None,
        name: walk.string(doc, "", "name"),
        created,
        described,
        components,
        dependencies,
        vulnerabilities,
        warnings: walk.warnings,
    })
}

/// The direction of dependency-like relationships: `(depender, dependency)`.
fn dependency_direction(kind: &str, a: String, b: String) -> Option<(String, String)> {
    match kind {
        "DEPENDS_ON" | "CONTAINS" | "DYNAMIC_LINK" | "STATIC_LINK" | "HAS_PREREQUISITE" => {
            Some((a, b))
        }
        "DEPENDENCY_OF" | "CONTAINED_BY" | "PREREQUISITE_FOR" => Some((b, a)),
        k if k.ends_with("_DEPENDENCY_OF") => Some((b, a)),
        _ => None,
    }
}

fn package(
    walk: &mut Walk,
    p: &Value,
    path: &str,
    index: usize,
) -> (Component, Vec<EmbeddedVulnerability>) {
    let reference = walk
        .string(p, path, "SPDXID")
        .unwrap_or_else(|| format!("component-{}", index + 1));
    let mut purl = None;
    let mut invalid_purl = None;
    let mut cpes = Vec::new();
    let mut security = Vec::new();
    for (i, r) in walk.array(p, path, "externalRefs").into_iter().enumerate() {
        let rp = format!("{path}.externalRefs[{i}]");
        let (Some(kind), Some(locator)) = (
            walk.string(r, &rp, "referenceType"),
            walk.string(r, &rp, "referenceLocator"),
        ) else {
            walk.warn(&rp, "external reference without type or locator; skipped");
            continue;
        };
        let category = walk.string(r, &rp, "referenceCategory").unwrap_or_default();
        match kind.as_str() {
            "purl" => match Purl::parse(&locator) {
                Ok(parsed) if purl.is_none() => purl = Some(parsed),
                Ok(_) => walk.warn(&rp, "second purl ignored; the first is used"),
                Err(e) => {
                    walk.warn(&rp, e.to_string());
                    if invalid_purl.is_none() {
                        invalid_purl = Some(InvalidPurl {
                            text: locator,
                            reason: e.reason,
                        });
                    }
                }
            },
            "cpe23Type" | "cpe22Type" => cpes.push(locator),
            _ if category.eq_ignore_ascii_case("SECURITY") => {
                security.push(EmbeddedVulnerability {
                    id: cve_in(&locator).unwrap_or_else(|| locator.clone()),
                    source: Some(kind),
                    affects: vec![reference.clone()],
                    statements: Vec::new(),
                });
            }
            _ => {}
        }
    }
    let supplier = ["supplier", "originator"]
        .into_iter()
        .find_map(|key| walk.string(p, path, key).and_then(|s| agent_name(&s)));
    let kind = walk
        .string(p, path, "primaryPackagePurpose")
        .map_or(ComponentKind::Library, |t| ComponentKind::parse(&t));
    let name = walk.string(p, path, "name").unwrap_or_else(|| {
        walk.warn(path, "package without a name");
        String::new()
    });
    let component = Component {
        reference,
        kind,
        group: None,
        name,
        version: walk.string(p, path, "versionInfo"),
        purl,
        invalid_purl,
        cpes,
        hashes: checksums(walk, p, path),
        supplier,
        parent: None,
    };
    (component, security)
}

fn checksums(walk: &mut Walk, p: &Value, path: &str) -> Vec<Hash> {
    let mut hashes = Vec::new();
    for (i, c) in walk.array(p, path, "checksums").into_iter().enumerate() {
        let cp = format!("{path}.checksums[{i}]");
        if let (Some(algorithm), Some(value)) = (
            walk.string(c, &cp, "algorithm"),
            walk.string(c, &cp, "checksumValue"),
        ) {
            hashes.push(Hash {
                algorithm,
                value: value.to_ascii_lowercase(),
            });
        }
    }
    hashes
}

/// `Organization: SPDX (spdx@example.org)` -> `SPDX`; `NOASSERTION` -> none.
fn agent_name(text: &str) -> Option<String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("NOASSERTION") || text.is_empty() {
        return None;
    }
    let name = text
        .split_once(':')
        .map_or(text, |(kind, rest)| {
            if matches!(kind.trim(), "Organization" | "Person" | "Tool") {
                rest
            } else {
                text
            }
        })
        .trim();
    let name = match name.find(" (") {
        Some(i) if name.ends_with(')') => name.get(..i).unwrap_or(name),
        _ => name,
    };
    (!name.is_empty()).then(|| name.to_string())
}

/// The first `CVE-YYYY-NNNN` in a text (an advisory URL, typically).
fn cve_in(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    let mut start = 0;
    while let Some(i) = upper.get(start..).and_then(|s| s.find("CVE-")) {
        let at = start + i;
        let rest = upper.get(at + 4..).unwrap_or_default();
        let year: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if year.len() == 4
            && let Some(after) = rest.get(5..)
            && rest.get(4..5) == Some("-")
        {
            let number: String = after.chars().take_while(char::is_ascii_digit).collect();
            if number.len() >= 4 {
                return Some(format!("CVE-{year}-{number}"));
            }
        }
        start = at + 4;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents() {
        assert_eq!(
            agent_name("Organization: SPDX (Spdx-tech@lists.spdx.org)").as_deref(),
            Some("SPDX")
        );
        assert_eq!(agent_name("NOASSERTION"), None);
        assert_eq!(agent_name("Person: Jane").as_deref(), Some("Jane"));
    }

    #[test]
    fn cves() {
        assert_eq!(
            cve_in("https://nvd.nist.gov/vuln/detail/CVE-2021-32012").as_deref(),
            Some("CVE-2021-32012")
        );
        assert_eq!(cve_in("https://example.org/cve-20"), None);
    }
}
