//! Renderings of a check [`Report`]: plain text for people, JSON for programs (the report's
//! own shape, documented on [`Report`]), and a CycloneDX 1.6 VEX document for exchange.

mod cyclonedx;
mod text;

pub use cyclonedx::{CycloneDxOptions, cyclonedx_vex};
pub use text::text;

use crate::check::Report;
use crate::error::MatchError;

/// The report as pretty-printed JSON.
pub fn json(report: &Report) -> Result<String, MatchError> {
    Ok(serde_json::to_string_pretty(report)?)
}

/// Text safe to print on a terminal: control characters (escape sequences in hostile
/// SBOMs) are shown escaped.
pub(crate) fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
