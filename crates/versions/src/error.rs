//! Errors of this crate. Every message says what was wrong and what form was expected, so that
//! the caller only has to add where the text came from (file, JSON path).

use crate::Scheme;

/// Longest input echoed back in an error: hostile inputs can be megabytes long.
const ECHO_LIMIT: usize = 80;

/// Shortens `text` for an error message, on a character boundary.
pub(crate) fn echo(text: &str) -> String {
    if text.len() <= ECHO_LIMIT {
        return text.to_owned();
    }
    let mut end = ECHO_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}

/// A version string that the scheme's rules reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{scheme} version {input:?} is not valid: {reason}; expected {}", scheme.expected_form())]
pub struct VersionError {
    /// The scheme whose rules were applied.
    pub scheme: Scheme,
    /// The rejected text (shortened when long).
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl VersionError {
    pub(crate) fn new(scheme: Scheme, input: &str, reason: impl Into<String>) -> Self {
        Self {
            scheme,
            input: echo(input),
            reason: reason.into(),
        }
    }
}

/// A `vers:` range specifier that cannot be parsed or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersError {
    /// The text is not a syntactically valid `vers:` specifier.
    #[error(
        "invalid vers range {input:?}: {reason} (expected vers:<type>/<constraint>|<constraint>..., e.g. vers:npm/>=1.6.5|<1.7.0)"
    )]
    Syntax {
        /// The rejected text (shortened when long).
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The versioning type is not one this crate can compare.
    #[error(
        "vers type {0:?} is not supported; supported types: npm, cargo, semver, golang, pypi, maven, deb, rpm, apk, alpine, nuget, gem"
    )]
    UnsupportedType(String),
    /// A version inside the range is not valid for its type.
    #[error("in vers range {input:?}: {source}")]
    Version {
        /// The range text (shortened when long).
        input: String,
        /// The version problem.
        #[source]
        source: VersionError,
    },
    /// The range is syntactically fine but not canonical (unsorted, duplicate or redundant
    /// constraints); [`crate::VersRange::parse_lenient`] accepts and normalises such input.
    #[error(
        "vers range {input:?} is not canonical: {reason}; use the normalised form {normalised:?}"
    )]
    NotCanonical {
        /// The range text (shortened when long).
        input: String,
        /// What is not canonical.
        reason: String,
        /// The canonical form of the same range.
        normalised: String,
    },
    /// A version of another scheme was tested against the range.
    #[error("cannot test a {found} version against a vers range of scheme {expected}")]
    SchemeMismatch {
        /// The range's scheme.
        expected: Scheme,
        /// The tested version's scheme.
        found: Scheme,
    },
}
