//! Vulnerability data for iotlabel: SBOMs and advisories read into one model with purl
//! identity, for the matcher and the registry to act on.
//!
//! - SBOMs ([`sbom`]): CycloneDX JSON and XML, SPDX 2 JSON, SPDX 3 JSON-LD, read tolerantly
//!   into [`Sbom`]: components (nested ones flattened) with normalised [`Purl`], CPE, hashes,
//!   supplier; dependency edges; the described component; embedded vulnerabilities and VEX.
//! - Advisories ([`advisory`]): OSV records from JSON/YAML files, directories and zip dumps
//!   ([`load_osv`]), merged by alias ([`AliasGroups`]); CSAF 2.0 ([`CsafDocument`]); the CISA
//!   KEV catalogue ([`KevCatalog`]).
//! - VEX ([`vex`]): CycloneDX, OpenVEX and CSAF statements on one status set ([`VexStatus`]).
//! - Identity: [`Purl`] and the [`PackageKey`] both sides of a match share.
//!
//! Every parser enforces [`Limits`] (document size, string length, nesting, zip bombs) and
//! returns an [`Error`] that names the file, JSON path or line; nothing panics on any input.
//! Version comparison is not here: versions, ranges and events are kept as data.
//!
//! ```no_run
//! use iotlabel_vuln::{Limits, sbom, load_osv, AliasGroups};
//! let limits = Limits::default();
//! let bom = sbom::load("bom.json".as_ref(), &limits)?;
//! for (component, why) in bom.unmatchable() {
//!     eprintln!("{}: {why}", component.name);
//! }
//! let advisories = load_osv("all.zip".as_ref(), &limits)?;
//! let groups = AliasGroups::build(&advisories.records);
//! # Ok::<(), iotlabel_vuln::Error>(())
//! ```

pub mod advisory;
mod archive;
pub mod ecosystem;
pub mod error;
mod input;
pub mod purl;
pub mod sbom;
mod value;
pub mod vex;

pub use advisory::aliases::{AliasGroups, Group};
pub use advisory::csaf::CsafDocument;
pub use advisory::kev::{KevCatalog, KevEntry, RansomwareUse};
pub use advisory::model::{
    AdvisoryFormat, AdvisorySource, Affected, Event, Package, Range, RangeKind, Reference,
    Severity, Vulnerability, normalise_cwe,
};
pub use advisory::{OsvLoad, Skipped, load_osv, load_osv_zip_bytes};
pub use archive::looks_like_zip;
pub use ecosystem::{Ecosystem, PackageKey};
pub use error::{Error, ErrorKind, Origin, Position, Warning};
pub use input::Limits;
pub use purl::{Purl, PurlError};
pub use sbom::{Component, Sbom, SbomFormat};
pub use vex::{VexDocument, VexStatement, VexStatus};
