//! The one SBOM model every format is read into.

use std::fmt;

use serde::Serialize;

use crate::ecosystem::PackageKey;
use crate::error::Warning;
use crate::purl::Purl;
use crate::vex::VexStatement;

/// The format a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SbomFormat {
    /// CycloneDX JSON.
    CycloneDxJson,
    /// CycloneDX XML.
    CycloneDxXml,
    /// SPDX 2.x JSON.
    Spdx2Json,
    /// SPDX 3.0 JSON-LD.
    Spdx3JsonLd,
}

impl fmt::Display for SbomFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SbomFormat::CycloneDxJson => "CycloneDX JSON",
            SbomFormat::CycloneDxXml => "CycloneDX XML",
            SbomFormat::Spdx2Json => "SPDX 2 JSON",
            SbomFormat::Spdx3JsonLd => "SPDX 3 JSON-LD",
        })
    }
}

/// A software bill of materials, whatever format it came in.
#[derive(Debug, Clone, Serialize)]
pub struct Sbom {
    /// The format.
    pub format: SbomFormat,
    /// The format's version as the document states it (`1.5`, `SPDX-2.3`, `3.0.1`).
    pub spec_version: Option<String>,
    /// CycloneDX `serialNumber` or SPDX `documentNamespace` / document `spdxId`.
    pub serial_number: Option<String>,
    /// CycloneDX `version` (the BOM's revision).
    pub version: Option<u64>,
    /// Document name (SPDX).
    pub name: Option<String>,
    /// When the document was made, as written.
    pub created: Option<String>,
    /// References of the described (top-level) components: CycloneDX `metadata.component`,
    /// SPDX `DESCRIBES` / `documentDescribes` / `rootElement`.
    pub described: Vec<String>,
    /// Every component, nested ones flattened, the described ones included.
    pub components: Vec<Component>,
    /// Dependency edges between component references.
    pub dependencies: Vec<Dependency>,
    /// Vulnerabilities the document itself lists (CycloneDX `vulnerabilities`, SPDX security
    /// references), with their VEX analysis when given.
    pub vulnerabilities: Vec<EmbeddedVulnerability>,
    /// What the tolerant parser skipped or assumed.
    pub warnings: Vec<Warning>,
}

impl Sbom {
    /// Components that can be looked up by package: those with a valid purl of a type OSV
    /// has an ecosystem for.
    pub fn matchable(&self) -> impl Iterator<Item = (&Component, PackageKey)> {
        self.components
            .iter()
            .filter_map(|c| c.package_key().map(|(key, _)| (c, key)))
    }

    /// Components that cannot be matched by package, with the reason: to be shown, since
    /// coverage is not the same as a clean result.
    pub fn unmatchable(&self) -> impl Iterator<Item = (&Component, Unmatchable)> {
        self.components
            .iter()
            .filter_map(|c| c.unmatchable().map(|why| (c, why)))
    }

    /// A component by its reference.
    pub fn component(&self, reference: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.reference == reference)
    }

    /// The described components.
    pub fn described_components(&self) -> impl Iterator<Item = &Component> {
        self.described.iter().filter_map(|r| self.component(r))
    }
}

/// One component (package, library, firmware, file...).
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    /// CycloneDX `bom-ref` or SPDX `SPDXID` / `spdxId`; made up as `component-N` (N counting
    /// from 1 in document order) when the document gives none.
    pub reference: String,
    /// Kind of component.
    pub kind: ComponentKind,
    /// CycloneDX `group` (e.g. Maven group id).
    pub group: Option<String>,
    /// Name.
    pub name: String,
    /// Version as written.
    pub version: Option<String>,
    /// The purl, parsed and normalised; `None` if absent or invalid.
    pub purl: Option<Purl>,
    /// The purl as written when it could not be parsed, with the reason.
    pub invalid_purl: Option<InvalidPurl>,
    /// CPE names (2.2 URI or 2.3 formatted string), as written.
    pub cpes: Vec<String>,
    /// Hashes.
    pub hashes: Vec<Hash>,
    /// Supplier (or, failing that, publisher/originator/author) name.
    pub supplier: Option<String>,
    /// The reference of the component this one is nested in (CycloneDX nesting).
    pub parent: Option<String>,
}

impl Component {
    /// The package key and distribution release, if the component has a purl of a type OSV
    /// knows.
    pub fn package_key(&self) -> Option<(PackageKey, Option<String>)> {
        self.purl.as_ref().and_then(Purl::package_key)
    }

    /// Why the component cannot be matched by package, or `None` if it can.
    pub fn unmatchable(&self) -> Option<Unmatchable> {
        match (&self.purl, &self.invalid_purl) {
            (Some(purl), _) if purl.package_key().is_some() => None,
            (Some(purl), _) => Some(Unmatchable::NoEcosystem {
                purl_type: purl.ty().to_string(),
                has_cpe: !self.cpes.is_empty(),
            }),
            (None, Some(invalid)) => Some(Unmatchable::InvalidPurl {
                reason: invalid.reason.clone(),
                has_cpe: !self.cpes.is_empty(),
            }),
            (None, None) => Some(Unmatchable::NoPurl {
                has_cpe: !self.cpes.is_empty(),
            }),
        }
    }
}

/// A purl that was written but could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvalidPurl {
    /// As written.
    pub text: String,
    /// Why it was refused.
    pub reason: String,
}

/// Why a component cannot be matched by package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unmatchable {
    /// The component has no purl.
    NoPurl {
        /// It has a CPE, which CPE-keyed advisories can still match.
        has_cpe: bool,
    },
    /// The purl could not be parsed.
    InvalidPurl {
        /// The parser's reason.
        reason: String,
        /// It has a CPE.
        has_cpe: bool,
    },
    /// OSV has no ecosystem for the purl's type (`github`, `generic`, ...).
    NoEcosystem {
        /// The purl type.
        purl_type: String,
        /// It has a CPE.
        has_cpe: bool,
    },
}

impl fmt::Display for Unmatchable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (text, has_cpe) = match self {
            Unmatchable::NoPurl { has_cpe } => ("no package URL".to_string(), *has_cpe),
            Unmatchable::InvalidPurl { reason, has_cpe } => {
                (format!("invalid package URL ({reason})"), *has_cpe)
            }
            Unmatchable::NoEcosystem { purl_type, has_cpe } => (
                format!("no advisory ecosystem for package type `{purl_type}`"),
                *has_cpe,
            ),
        };
        f.write_str(&text)?;
        if has_cpe {
            f.write_str("; a CPE is kept")?;
        }
        Ok(())
    }
}

/// CycloneDX component types, SPDX 2.3 `primaryPackagePurpose`, SPDX 3 `software_primaryPurpose`,
/// folded into one list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// A software application.
    Application,
    /// A framework.
    Framework,
    /// A library (also the default when a document says nothing).
    Library,
    /// A container image.
    Container,
    /// A platform.
    Platform,
    /// An operating system.
    OperatingSystem,
    /// A hardware device.
    Device,
    /// A device driver.
    DeviceDriver,
    /// Firmware.
    Firmware,
    /// A file.
    File,
    /// Machine-learning model.
    MachineLearningModel,
    /// Data.
    Data,
    /// Anything else, as written.
    Other(String),
}

impl ComponentKind {
    /// Reads a type from any of the formats; unknown values are kept.
    pub fn parse(text: &str) -> ComponentKind {
        let lower = text.trim().to_ascii_lowercase().replace('_', "-");
        match lower.as_str() {
            "application" => ComponentKind::Application,
            "framework" => ComponentKind::Framework,
            "library" | "" => ComponentKind::Library,
            "container" => ComponentKind::Container,
            "platform" => ComponentKind::Platform,
            "operating-system" | "operatingsystem" => ComponentKind::OperatingSystem,
            "device" => ComponentKind::Device,
            "device-driver" | "devicedriver" => ComponentKind::DeviceDriver,
            "firmware" => ComponentKind::Firmware,
            "file" => ComponentKind::File,
            "machine-learning-model" | "model" => ComponentKind::MachineLearningModel,
            "data" => ComponentKind::Data,
            _ => ComponentKind::Other(text.trim().to_string()),
        }
    }
}

/// A hash of a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hash {
    /// Algorithm as written (`SHA-256`, `SHA256`, `sha256`).
    pub algorithm: String,
    /// Hex value, lower case.
    pub value: String,
}

/// A dependency edge: `from` depends on `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    /// The depending component's reference.
    pub from: String,
    /// The dependency's reference.
    pub to: String,
    /// The relationship as written (`dependsOn`, `DEPENDS_ON`, `DYNAMIC_LINK`, ...).
    pub relationship: String,
}

/// A vulnerability listed inside an SBOM.
#[derive(Debug, Clone, Serialize)]
pub struct EmbeddedVulnerability {
    /// Identifier (`CVE-...`, `GHSA-...`) or, for SPDX security references, the advisory URL.
    pub id: String,
    /// Source name (`NVD`).
    pub source: Option<String>,
    /// References of the components it is about.
    pub affects: Vec<String>,
    /// VEX statements: the analysis when the document gives one, and a not-affected
    /// statement for versions it lists as `unaffected`.
    pub statements: Vec<VexStatement>,
}
