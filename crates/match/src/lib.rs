//! Incremental vulnerability matching for iotlabel: which labelled product versions does an
//! advisory hit, within a second of its arrival, and which advisories hit a new SBOM.
//!
//! - [`AdvisoryIndex`]: package key -> advisory entries, compiled per package against the
//!   package's sorted boundary versions (a range index: a binary search and integer
//!   comparisons per component version); alias groups merged (one vulnerability per group);
//!   withdrawn records ignored; re-imports by `modified` (same: no-op, newer: replace), with an
//!   [`ImportReport`] of what changed.
//! - [`ProductIndex`]: package key -> product versions and components, from the SBOM
//!   registered per product version, grouped by distinct package version.
//! - [`Matcher`]: both, with the verdicts per distinct package version between them, kept up
//!   to date incrementally: [`Matcher::add_sbom`] evaluates only package versions not seen
//!   before ([`Matcher::add_sboms`] registers many at once, as at start-up),
//!   [`Matcher::add_advisories`] only those of the packages the changed records name,
//!   [`Matcher::set_kev`] and [`Matcher::add_vex`] only touch the findings they concern, and
//!   [`Matcher::rematch_all`] re-evaluates everything (and must find nothing to change).
//! - [`check()`] and [`render`]: the offline `iotlabel sbom check`, as text, JSON or CycloneDX
//!   1.6 VEX.
//! - [`synthetic`]: a seeded corpus of advisories and SBOMs for benchmarks and tests.
//!
//! Pure and in memory: no I/O except [`load_advisories`], no clock, no database (the registry
//! persists what is returned). Nothing panics on input: advisories that cannot be evaluated
//! for a component become [`NotEvaluable`] entries, never "not affected", and components
//! without a usable package identity become [`Unmatchable`] entries.
//!
//! ```
//! use iotlabel_match::{Matcher, ProductVersionId};
//! use iotlabel_match::synthetic::Corpus;
//!
//! let corpus = Corpus::new(7, 500);
//! let mut matcher = Matcher::new();
//! matcher.add_advisories(&corpus.advisories(0, 200));
//! let pv = ProductVersionId::new("router-x1/2.4.0")?;
//! let findings = matcher.add_sbom(&pv, &corpus.sbom(1, 50));
//! assert_eq!(findings, matcher.findings(&pv));
//! assert!(matcher.rematch_all().is_empty());
//! # Ok::<(), iotlabel_match::MatchError>(())
//! ```

mod advisories;
mod aliases;
mod check;
mod error;
mod evaluate;
mod exploited;
mod matcher;
mod model;
mod products;
pub mod render;
pub mod synthetic;
mod table;
mod vex;

pub use advisories::AdvisoryIndex;
pub use check::{
    AdvisoryLoad, AdvisorySummary, CHECK_PRODUCT_VERSION, DescribedComponent, KevSummary, Report,
    SbomSummary, check, check_with_progress, load_advisories,
};
pub use error::{MAX_PRODUCT_VERSION_ID_BYTES, MatchError};
pub use matcher::{Matcher, MatcherStats};
pub use model::{
    Changes, ComponentRef, Exploited, Finding, FindingChange, FindingStatus, ImportProblem,
    ImportReport, NotEvaluable, Phase, ProductChanges, ProductReport, ProductVersionId, Progress,
    SeverityScore, SharedText, Unmatchable, VexSource, justification_name,
};
pub use products::ProductIndex;
