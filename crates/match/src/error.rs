//! Errors of this crate. Matching itself cannot fail on any parsed input (problems in advisories
//! and components become `NotEvaluable` entries or import problems); what can fail is naming a
//! product version that is not registered, an unusable product version id, and loading files.

use std::path::PathBuf;

/// Longest product version id accepted: ids come from the registry, which uses short opaque
/// strings; a megabyte "id" is a mistake or an attack.
pub const MAX_PRODUCT_VERSION_ID_BYTES: usize = 512;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    /// A product version id that is empty, too long or contains control characters.
    #[error(
        "product version id {shown:?} is not usable: {reason}; use a non-empty id of at most {MAX_PRODUCT_VERSION_ID_BYTES} bytes without control characters"
    )]
    InvalidProductVersionId {
        /// The id, shortened for the message.
        shown: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The operation names a product version that has no SBOM registered.
    #[error(
        "product version {0:?} has no SBOM registered; register its SBOM before adding VEX statements"
    )]
    UnknownProductVersion(String),
    /// A document could not be read (SBOM, advisories, KEV, VEX).
    #[error(transparent)]
    Input(#[from] iotlabel_vuln::Error),
    /// A path given as an advisory source does not exist or cannot be inspected.
    #[error("{path}: cannot read advisories: {source}")]
    AdvisoryPath {
        /// The path.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A report could not be serialised (only a bug can cause this).
    #[error("cannot write the report as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Shortens text for an error message, on a character boundary.
pub(crate) fn shorten(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} bytes)",
        text.get(..end).unwrap_or_default(),
        text.len()
    )
}
