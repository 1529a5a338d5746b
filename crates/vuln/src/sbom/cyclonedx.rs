//! CycloneDX (any 1.x; samples from 1.2 to 1.6) read from a JSON-shaped value tree. The XML
//! reader builds the same tree, so both encodings share this code.

use std::collections::HashSet;

use serde_json::Value;

use crate::error::{Error, ErrorKind, Origin, Position};
use crate::purl::Purl;
use crate::sbom::model::{
    Component, ComponentKind, Dependency, EmbeddedVulnerability, Hash, InvalidPurl, Sbom,
    SbomFormat,
};
use crate::value::Walk;
use crate::vex::model::{
    BomRef, Justification, ProductRef, VersionSpec, VexFormat, VexStatement, VexStatus,
    parse_timestamp,
};

/// Reads a CycloneDX document.
pub(crate) fn read(
    doc: &Value,
    format: SbomFormat,
    origin: &Origin,
    max_depth: usize,
) -> Result<Sbom, Error> {
    if !doc.is_object() {
        return Err(Error::invalid(
            origin,
            Position::default(),
            "a CycloneDX document must be an object",
            "check that this is a CycloneDX BOM",
        ));
    }
    let mut walk = Walk::new();
    let spec_version = walk.string(doc, "", "specVersion");
    if let Some(v) = &spec_version
        && !v.starts_with("1.")
    {
        walk.warn(
            ".specVersion",
            format!("unknown CycloneDX version {v}; read as 1.x"),
        );
    }
    let serial_number = walk.string(doc, "", "serialNumber");
    let version = doc.get("version").and_then(Value::as_u64);
    let mut reader = Reader {
        walk,
        components: Vec::new(),
        seen: HashSet::new(),
        max_depth,
        origin,
    };
    let mut described = Vec::new();
    let mut created = None;
    let mut author = None;
    if let Some(meta) = reader.walk.object(doc, "", "metadata") {
        created = reader.walk.string(meta, ".metadata", "timestamp");
        author = meta
            .get("supplier")
            .or_else(|| meta.get("manufacture"))
            .or_else(|| meta.get("manufacturer"))
            .and_then(|s| s.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(top) = reader.walk.object(meta, ".metadata", "component") {
            let reference = reader.component(top, ".metadata.component", None, 0)?;
            described.push(reference);
        }
    }
    for (i, c) in reader
        .walk
        .array(doc, "", "components")
        .into_iter()
        .enumerate()
    {
        reader.component(c, &format!(".components[{i}]"), None, 0)?;
    }
    let mut dependencies = Vec::new();
    for (i, d) in reader
        .walk
        .array(doc, "", "dependencies")
        .into_iter()
        .enumerate()
    {
        let path = format!(".dependencies[{i}]");
        let Some(from) = reader.walk.string(d, &path, "ref") else {
            reader.walk.warn(&path, "dependency without `ref`; skipped");
            continue;
        };
        for (key, relationship) in [("dependsOn", "dependsOn"), ("provides", "provides")] {
            for to in reader.walk.strings(d, &path, key) {
                dependencies.push(Dependency {
                    from: from.clone(),
                    to,
                    relationship: relationship.to_string(),
                });
            }
        }
    }
    let context = VexContext {
        document: serial_number.clone(),
        author,
        fallback_time: created.clone(),
    };
    let mut vulnerabilities = Vec::new();
    for (i, v) in reader
        .walk
        .array(doc, "", "vulnerabilities")
        .into_iter()
        .enumerate()
    {
        let path = format!(".vulnerabilities[{i}]");
        vulnerabilities.extend(vulnerability(&mut reader.walk, v, &path, &context));
    }
    Ok(Sbom {
        format,
        spec_version,
        serial_number,
        version,
        name: None,
        created,
        described,
        components: reader.components,
        dependencies,
        vulnerabilities,
        warnings: reader.walk.warnings,
    })
}

struct Reader<'o> {
    walk: Walk,
    components: Vec<Component>,
    seen: HashSet<String>,
    max_depth: usize,
    origin: &'o Origin,
}

impl Reader<'_> {
    /// Reads one component and, recursively, its nested ones; returns its reference.
    fn component(
        &mut self,
        c: &Value,
        path: &str,
        parent: Option<&str>,
        depth: usize,
    ) -> Result<String, Error> {
        if depth > self.max_depth {
            return Err(Error::from(ErrorKind::TooDeep {
                origin: self.origin.clone(),
                at: Position::path(path),
                limit: self.max_depth,
            }));
        }
        let walk = &mut self.walk;
        let (purl, invalid_purl) = match walk.string(c, path, "purl") {
            Some(text) => match Purl::parse(&text) {
                Ok(p) => (Some(p), None),
                Err(e) => {
                    walk.warn(&format!("{path}.purl"), e.to_string());
                    (
                        None,
                        Some(InvalidPurl {
                            text,
                            reason: e.reason,
                        }),
                    )
                }
            },
            None => (None, None),
        };
        let name = match walk.string(c, path, "name") {
            Some(n) => n,
            None => {
                walk.warn(path, "component without a name");
                purl.as_ref()
                    .map(|p| p.name().to_string())
                    .unwrap_or_default()
            }
        };
        let reference = match walk.string(c, path, "bom-ref") {
            Some(r) => r,
            None => format!("component-{}", self.components.len() + 1),
        };
        if !self.seen.insert(reference.clone()) {
            walk.warn(path, format!("bom-ref `{reference}` is used twice"));
        }
        let mut hashes = Vec::new();
        for (i, h) in walk.array(c, path, "hashes").into_iter().enumerate() {
            let hp = format!("{path}.hashes[{i}]");
            match (walk.string(h, &hp, "alg"), walk.string(h, &hp, "content")) {
                (Some(algorithm), Some(value)) => hashes.push(Hash {
                    algorithm,
                    value: value.to_ascii_lowercase(),
                }),
                _ => walk.warn(&hp, "hash without `alg` or `content`; skipped"),
            }
        }
        let supplier = ["supplier", "publisher", "author", "manufacturer"]
            .into_iter()
            .find_map(|key| match c.get(key) {
                Some(Value::Object(o)) => o.get("name").and_then(Value::as_str).map(str::to_string),
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ => None,
            });
        let kind = walk
            .string(c, path, "type")
            .map_or(ComponentKind::Library, |t| ComponentKind::parse(&t));
        let component = Component {
            reference: reference.clone(),
            kind,
            group: walk.string(c, path, "group"),
            name,
            version: walk.string(c, path, "version"),
            purl,
            invalid_purl,
            cpes: walk.string(c, path, "cpe").into_iter().collect(),
            hashes,
            supplier,
            parent: parent.map(str::to_string),
        };
        self.components.push(component);
        let nested = self.walk.array(c, path, "components");
        for (i, child) in nested.into_iter().enumerate() {
            self.component(
                child,
                &format!("{path}.components[{i}]"),
                Some(&reference),
                depth + 1,
            )?;
        }
        Ok(reference)
    }
}

/// What every statement of one document shares.
pub(crate) struct VexContext {
    pub(crate) document: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) fallback_time: Option<String>,
}

/// Reads one `vulnerabilities[]` entry: the embedded vulnerability, with VEX statements when
/// it carries an analysis (a second statement when some listed versions are unaffected).
fn vulnerability(
    walk: &mut Walk,
    v: &Value,
    path: &str,
    context: &VexContext,
) -> Option<EmbeddedVulnerability> {
    let Some(id) = walk.string(v, path, "id") else {
        walk.warn(path, "vulnerability without `id`; skipped");
        return None;
    };
    let source = v
        .get("source")
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let aliases: Vec<String> = walk
        .array(v, path, "references")
        .into_iter()
        .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
        .filter(|alias| *alias != id)
        .collect();
    let mut affects = Vec::new();
    let mut affected_products = Vec::new();
    let mut unaffected_products = Vec::new();
    for (i, a) in walk.array(v, path, "affects").into_iter().enumerate() {
        let ap = format!("{path}.affects[{i}]");
        let Some(reference) = walk.string(a, &ap, "ref") else {
            walk.warn(&ap, "`affects` entry without `ref`; skipped");
            continue;
        };
        affects.push(reference.clone());
        let bom_ref = BomRef::parse(&reference);
        // A bom-ref is often the component's purl; keeping it as one helps matching.
        let purl = Purl::parse(&bom_ref.reference).ok();
        let mut affected_versions = Vec::new();
        let mut unaffected_versions = Vec::new();
        for (j, ver) in walk.array(a, &ap, "versions").into_iter().enumerate() {
            let vp = format!("{ap}.versions[{j}]");
            let spec = match (
                walk.string(ver, &vp, "version"),
                walk.string(ver, &vp, "range"),
            ) {
                (Some(version), _) => VersionSpec::Version(version),
                (None, Some(range)) => VersionSpec::Range(range),
                (None, None) => {
                    walk.warn(&vp, "version entry without `version` or `range`; skipped");
                    continue;
                }
            };
            match walk.string(ver, &vp, "status").as_deref() {
                Some("unaffected") => unaffected_versions.push(spec),
                _ => affected_versions.push(spec),
            }
        }
        let product = |versions| ProductRef {
            bom_ref: Some(bom_ref.clone()),
            purl: purl.clone(),
            versions,
            ..ProductRef::default()
        };
        let only_unaffected = affected_versions.is_empty() && !unaffected_versions.is_empty();
        if !unaffected_versions.is_empty() {
            unaffected_products.push(product(unaffected_versions));
        }
        if !only_unaffected {
            affected_products.push(product(affected_versions));
        }
    }
    let statement = walk.object(v, path, "analysis").and_then(|analysis| {
        analysis_statement(
            walk,
            v,
            analysis,
            path,
            &id,
            &aliases,
            affected_products,
            context,
        )
    });
    // Versions listed as `unaffected` are a not-affected statement of their own.
    let unaffected = (!unaffected_products.is_empty()).then(|| VexStatement {
        vulnerability: id.clone(),
        aliases: aliases.clone(),
        products: unaffected_products,
        subcomponents: Vec::new(),
        status: VexStatus::NotAffected,
        justification: None,
        justification_text: None,
        impact_statement: None,
        action_statement: None,
        responses: Vec::new(),
        timestamp: statement.as_ref().and_then(|s| s.timestamp),
        last_updated: statement.as_ref().and_then(|s| s.last_updated),
        format: VexFormat::CycloneDx,
        document: context.document.clone(),
        author: context.author.clone(),
    });
    Some(EmbeddedVulnerability {
        id,
        source,
        affects,
        statements: statement.into_iter().chain(unaffected).collect(),
    })
}

#[allow(clippy::too_many_arguments)]
fn analysis_statement(
    walk: &mut Walk,
    v: &Value,
    analysis: &Value,
    path: &str,
    id: &str,
    aliases: &[String],
    products: Vec<ProductRef>,
    context: &VexContext,
) -> Option<VexStatement> {
    let apath = format!("{path}.analysis");
    let state = walk.string(analysis, &apath, "state")?;
    let (status, mut justification) = match state.as_str() {
        "exploitable" => (VexStatus::Affected, None),
        "not_affected" => (VexStatus::NotAffected, None),
        "false_positive" => (
            VexStatus::NotAffected,
            Some(Justification::VulnerableCodeNotPresent),
        ),
        "resolved" | "resolved_with_pedigree" => (VexStatus::Fixed, None),
        "in_triage" => (VexStatus::UnderInvestigation, None),
        other => {
            walk.warn(
                &format!("{apath}.state"),
                format!("unknown analysis state `{other}`; statement skipped"),
            );
            return None;
        }
    };
    let justification_text = walk.string(analysis, &apath, "justification");
    if let Some(text) = &justification_text {
        match Justification::from_cyclonedx(text) {
            Some(j) => justification = Some(j),
            None => walk.warn(
                &format!("{apath}.justification"),
                format!("unknown justification `{text}`; kept as text"),
            ),
        }
    }
    // CycloneDX 1.4 spells the list `response`; some tools write `responses`.
    let mut responses = walk.strings(analysis, &apath, "response");
    responses.extend(walk.strings(analysis, &apath, "responses"));
    let detail = walk.string(analysis, &apath, "detail");
    let recommendation = walk.string(v, path, "recommendation");
    let (impact_statement, action_statement) = match status {
        VexStatus::NotAffected => (detail, recommendation),
        _ => (None, detail.or(recommendation)),
    };
    let time = |walk: &mut Walk, obj: &Value, p: &str, key: &str| {
        walk.string(obj, p, key).and_then(|t| parse_timestamp(&t))
    };
    let timestamp = time(walk, analysis, &apath, "firstIssued")
        .or_else(|| time(walk, v, path, "published"))
        .or_else(|| time(walk, v, path, "created"))
        .or_else(|| context.fallback_time.as_deref().and_then(parse_timestamp));
    let last_updated =
        time(walk, analysis, &apath, "lastUpdated").or_else(|| time(walk, v, path, "updated"));
    Some(VexStatement {
        vulnerability: id.to_string(),
        aliases: aliases.to_vec(),
        products,
        subcomponents: Vec::new(),
        status,
        justification,
        justification_text,
        impact_statement,
        action_statement,
        responses,
        timestamp,
        last_updated,
        format: VexFormat::CycloneDx,
        document: context.document.clone(),
        author: context.author.clone(),
    })
}
