//! SBOM ingest: CycloneDX (JSON and XML), SPDX 2 JSON and SPDX 3 JSON-LD into one model.
//!
//! An own tolerant model is used instead of `cyclonedx-bom` (which reads only CycloneDX
//! 1.3-1.5, and strictly) and `spdx-rs` (unmaintained, SPDX 2 only): real SBOMs are messy,
//! and a document should be refused only when nothing usable can be read from it.

mod cyclonedx;
mod cyclonedx_xml;
pub mod model;
mod spdx2;
mod spdx3;

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Origin, Position};
use crate::input::{self, Limits};
pub use model::{
    Component, ComponentKind, Dependency, EmbeddedVulnerability, Hash, InvalidPurl, Sbom,
    SbomFormat, Unmatchable,
};

pub(crate) use cyclonedx::read as read_cyclonedx;

/// Reads an SBOM file, detecting its format from the content.
pub fn load(path: &Path, limits: &Limits) -> Result<Sbom, Error> {
    let bytes = input::read_file(path, limits)?;
    parse(&bytes, &Origin::file(path), limits)
}

/// Reads an SBOM from bytes, detecting its format from the content: XML (CycloneDX), or JSON
/// with `bomFormat` (CycloneDX), `spdxVersion` (SPDX 2) or an SPDX `@context` (SPDX 3).
pub fn parse(bytes: &[u8], origin: &Origin, limits: &Limits) -> Result<Sbom, Error> {
    let text = input::text(bytes, origin, limits)?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        input::scan_lines(text, origin, limits)?;
        let value = cyclonedx_xml::to_value(text, origin, limits)?;
        return cyclonedx::read(&value, SbomFormat::CycloneDxXml, origin, limits.max_depth);
    }
    if trimmed.starts_with("SPDXVersion:") {
        return Err(Error::invalid(
            origin,
            Position::line(1, 1),
            "this is an SPDX tag-value document",
            "convert it to SPDX JSON (e.g. with the SPDX tools' `pyspdxtools -i in.spdx -o out.json`)",
        ));
    }
    if !trimmed.starts_with('{') {
        return Err(Error::invalid(
            origin,
            Position::line(1, 1),
            "not an SBOM: expected a JSON object or CycloneDX XML",
            "give a CycloneDX (JSON or XML), SPDX 2 JSON or SPDX 3 JSON-LD document",
        ));
    }
    let doc = input::json_value(text, origin, limits)?;
    match detect(&doc) {
        Some(SbomFormat::CycloneDxJson) => {
            cyclonedx::read(&doc, SbomFormat::CycloneDxJson, origin, limits.max_depth)
        }
        Some(SbomFormat::Spdx2Json) => spdx2::read(&doc, origin),
        Some(SbomFormat::Spdx3JsonLd) => spdx3::read(&doc, origin),
        _ => Err(Error::invalid(
            origin,
            Position::default(),
            "not an SBOM: the JSON has no `bomFormat: \"CycloneDX\"`, no `spdxVersion` and no \
             SPDX 3 `@context`",
            "give a CycloneDX, SPDX 2 or SPDX 3 document",
        )),
    }
}

/// The format of a JSON document, if it is an SBOM.
fn detect(doc: &Value) -> Option<SbomFormat> {
    if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        return Some(SbomFormat::CycloneDxJson);
    }
    if doc.get("spdxVersion").is_some() {
        return Some(SbomFormat::Spdx2Json);
    }
    let context = doc.get("@context");
    let spdx_context = match context {
        Some(Value::String(s)) => s.contains("spdx.org/rdf/3"),
        Some(Value::Array(items)) => items
            .iter()
            .any(|i| i.as_str().is_some_and(|s| s.contains("spdx.org/rdf/3"))),
        _ => false,
    };
    if spdx_context && doc.get("@graph").is_some() {
        return Some(SbomFormat::Spdx3JsonLd);
    }
    // CycloneDX without bomFormat (some generators drop it), recognised by its schema.
    let schema = doc
        .get("$schema")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if schema.contains("cyclonedx") {
        return Some(SbomFormat::CycloneDxJson);
    }
    None
}
