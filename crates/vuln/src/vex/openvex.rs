//! OpenVEX (v0.2.0, and the older v0.0.x shape where vulnerabilities and products were plain
//! strings). A small own model: the `openvex` crate is unmaintained since 2023.

use serde_json::Value;

use crate::error::{Error, Origin, Position};
use crate::purl::Purl;
use crate::value::Walk;
use crate::vex::VexDocument;
use crate::vex::model::{
    Justification, ProductRef, VexFormat, VexStatement, VexStatus, parse_timestamp,
};

/// Reads an OpenVEX document into statements.
pub(crate) fn read(doc: &Value, origin: &Origin) -> Result<VexDocument, Error> {
    let mut walk = Walk::new();
    let id = walk.string(doc, "", "@id");
    let author = walk.string(doc, "", "author");
    let doc_time = walk
        .string(doc, "", "timestamp")
        .and_then(|t| parse_timestamp(&t));
    let doc_updated = walk
        .string(doc, "", "last_updated")
        .and_then(|t| parse_timestamp(&t));
    let Some(Value::Array(statements)) = doc.get("statements") else {
        return Err(Error::invalid(
            origin,
            Position::path(".statements"),
            "an OpenVEX document needs a `statements` list",
            "check that this is an OpenVEX document",
        ));
    };
    let mut out = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        let path = format!(".statements[{i}]");
        let (vulnerability, aliases) = match s.get("vulnerability") {
            Some(Value::String(name)) => (Some(name.trim().to_string()), Vec::new()),
            Some(v @ Value::Object(_)) => (
                walk.string(v, &format!("{path}.vulnerability"), "name")
                    .or_else(|| walk.string(v, &format!("{path}.vulnerability"), "@id")),
                walk.strings(v, &format!("{path}.vulnerability"), "aliases"),
            ),
            _ => (None, Vec::new()),
        };
        let Some(vulnerability) = vulnerability.filter(|v| !v.is_empty()) else {
            walk.warn(&path, "statement without a vulnerability name; skipped");
            continue;
        };
        let status = match walk.string(s, &path, "status").as_deref() {
            Some("affected") => VexStatus::Affected,
            Some("not_affected") => VexStatus::NotAffected,
            Some("fixed") => VexStatus::Fixed,
            Some("under_investigation") => VexStatus::UnderInvestigation,
            other => {
                walk.warn(
                    &format!("{path}.status"),
                    format!("missing or unknown status {other:?}; statement skipped"),
                );
                continue;
            }
        };
        let products: Vec<ProductRef> = walk
            .array(s, &path, "products")
            .into_iter()
            .enumerate()
            .filter_map(|(j, p)| product(&mut walk, p, &format!("{path}.products[{j}]")))
            .collect();
        // v0.0.x put subcomponents on the statement; v0.2.0 on each product.
        let mut subcomponents: Vec<ProductRef> = walk
            .array(s, &path, "subcomponents")
            .into_iter()
            .enumerate()
            .filter_map(|(j, p)| product(&mut walk, p, &format!("{path}.subcomponents[{j}]")))
            .collect();
        for (j, p) in walk.array(s, &path, "products").into_iter().enumerate() {
            for (k, sub) in walk
                .array(p, &format!("{path}.products[{j}]"), "subcomponents")
                .into_iter()
                .enumerate()
            {
                if let Some(r) = product(
                    &mut walk,
                    sub,
                    &format!("{path}.products[{j}].subcomponents[{k}]"),
                ) {
                    subcomponents.push(r);
                }
            }
        }
        if products.is_empty() {
            walk.warn(&path, "statement without products");
        }
        let justification_text = walk.string(s, &path, "justification");
        let justification = justification_text.as_deref().and_then(Justification::parse);
        if let Some(text) = &justification_text
            && justification.is_none()
        {
            walk.warn(
                &format!("{path}.justification"),
                format!("unknown justification `{text}`"),
            );
        }
        if status == VexStatus::NotAffected
            && justification.is_none()
            && s.get("impact_statement").is_none()
        {
            walk.warn(
                &path,
                "not_affected without justification or impact statement (OpenVEX requires one)",
            );
        }
        let time = |walk: &mut Walk, key: &str| {
            walk.string(s, &path, key).and_then(|t| parse_timestamp(&t))
        };
        out.push(VexStatement {
            vulnerability,
            aliases,
            products,
            subcomponents,
            status,
            justification,
            justification_text,
            impact_statement: walk.string(s, &path, "impact_statement"),
            action_statement: walk
                .string(s, &path, "action_statement")
                .or_else(|| walk.string(s, &path, "status_notes")),
            responses: Vec::new(),
            timestamp: time(&mut walk, "timestamp").or(doc_time),
            last_updated: time(&mut walk, "last_updated").or(doc_updated),
            format: VexFormat::OpenVex,
            document: id.clone(),
            author: walk.string(s, &path, "supplier").or_else(|| author.clone()),
        });
    }
    Ok(VexDocument {
        format: VexFormat::OpenVex,
        id,
        statements: out,
        warnings: walk.warnings,
    })
}

/// A product: a string (`@id`, usually a purl) or an object with `@id`, `identifiers` and
/// `hashes`.
fn product(walk: &mut Walk, p: &Value, path: &str) -> Option<ProductRef> {
    let mut r = ProductRef::default();
    let id = match p {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Object(_) => walk.string(p, path, "@id"),
        _ => {
            walk.warn(path, "product is neither text nor an object; skipped");
            return None;
        }
    };
    if let Some(ids) = p.get("identifiers") {
        let ip = format!("{path}.identifiers");
        if let Some(text) = walk.string(ids, &ip, "purl") {
            match Purl::parse(&text) {
                Ok(purl) => r.purl = Some(purl),
                Err(e) => walk.warn(&ip, e.to_string()),
            }
        }
        r.cpe = walk
            .string(ids, &ip, "cpe23")
            .or_else(|| walk.string(ids, &ip, "cpe22"));
    }
    if let Some(Value::Object(hashes)) = p.get("hashes") {
        for (algorithm, value) in hashes {
            if let Some(v) = value.as_str() {
                r.hashes.push((algorithm.clone(), v.to_ascii_lowercase()));
            }
        }
    }
    if let Some(id) = id {
        if id.starts_with("pkg:") {
            match Purl::parse(&id) {
                Ok(purl) => {
                    r.purl.get_or_insert(purl);
                }
                Err(e) => walk.warn(path, e.to_string()),
            }
        } else if id.starts_with("cpe:") {
            r.cpe.get_or_insert(id.clone());
        } else {
            r.name = Some(id.clone());
        }
        r.product_id = Some(id);
    }
    if r == ProductRef::default() {
        walk.warn(path, "product without any identifier; skipped");
        return None;
    }
    Some(r)
}
