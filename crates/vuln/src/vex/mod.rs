//! Manufacturer VEX: CycloneDX VEX, OpenVEX and CSAF VEX read into one statement model.

pub mod model;
mod openvex;

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::advisory::csaf::CsafDocument;
use crate::error::{Error, Origin, Position, Warning};
use crate::input::{self, Limits};
use crate::sbom::{self, SbomFormat};
pub use model::{
    BomRef, Justification, ProductRef, VersionSpec, VexFormat, VexStatement, VexStatus,
};

/// The statements of one VEX document.
#[derive(Debug, Clone, Serialize)]
pub struct VexDocument {
    /// The format.
    pub format: VexFormat,
    /// The document's identifier (OpenVEX `@id`, CSAF tracking id, CycloneDX serial number).
    pub id: Option<String>,
    /// The statements, in document order.
    pub statements: Vec<VexStatement>,
    /// What the tolerant reader skipped.
    pub warnings: Vec<Warning>,
}

impl VexDocument {
    /// Reads a VEX file, detecting the format from the content.
    pub fn load(path: &Path, limits: &Limits) -> Result<VexDocument, Error> {
        let bytes = input::read_file(path, limits)?;
        VexDocument::parse(&bytes, &Origin::file(path), limits)
    }

    /// Reads a VEX document from bytes: CycloneDX (JSON or XML) with `vulnerabilities`,
    /// OpenVEX (an `@context` naming openvex), or CSAF (a `document` with `csaf_version`).
    pub fn parse(bytes: &[u8], origin: &Origin, limits: &Limits) -> Result<VexDocument, Error> {
        let text = input::text(bytes, origin, limits)?;
        if text.trim_start().starts_with('<') {
            return from_sbom(sbom::parse(bytes, origin, limits)?);
        }
        let doc = input::json_value(text, origin, limits)?;
        let context = doc
            .get("@context")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if context.contains("openvex") {
            return openvex::read(&doc, origin);
        }
        if doc
            .get("document")
            .is_some_and(|d| d.get("csaf_version").is_some())
        {
            let csaf = CsafDocument::parse(bytes, origin, limits)?;
            return Ok(VexDocument {
                format: VexFormat::Csaf,
                id: Some(csaf.id.clone()),
                statements: csaf.vex_statements(),
                warnings: csaf.warnings,
            });
        }
        if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
            let bom =
                sbom::read_cyclonedx(&doc, SbomFormat::CycloneDxJson, origin, limits.max_depth)?;
            return from_sbom(bom);
        }
        Err(Error::invalid(
            origin,
            Position::default(),
            "not a VEX document: neither CycloneDX, OpenVEX nor CSAF",
            "give a CycloneDX BOM with `vulnerabilities`, an OpenVEX or a CSAF VEX document",
        ))
    }
}

fn from_sbom(bom: sbom::Sbom) -> Result<VexDocument, Error> {
    let statements = bom
        .vulnerabilities
        .into_iter()
        .flat_map(|v| v.statements)
        .collect();
    Ok(VexDocument {
        format: VexFormat::CycloneDx,
        id: bom.serial_number,
        statements,
        warnings: bom.warnings,
    })
}
