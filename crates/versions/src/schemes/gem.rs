//! RubyGems versions, written here because no Rust crate implements `Gem::Version`. The rules
//! are RubyGems' own: a version matches `\s*[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\s*`
//! (or is blank, meaning `0`); `-` is read as `.pre.`; the segments are the runs of digits and
//! of letters; trailing zero segments of the numeric part and of the part from the first letter
//! on are dropped (`1.0.a.0 == 1.a`); segments compare pairwise with missing ones as 0, numbers
//! by value, text byte-wise, and text before any number (`1.0.a < 1.0 < 1.0.1`).

use std::cmp::Ordering;
use std::fmt;

use super::order_from_ord;
use crate::num::Nat;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Number(Nat),
    Text(Box<str>),
}

const ZERO: Segment = Segment::Number(Nat::Small(0));

fn cmp_segments(a: &Segment, b: &Segment) -> Ordering {
    match (a, b) {
        (Segment::Number(x), Segment::Number(y)) => x.cmp(y),
        (Segment::Text(x), Segment::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
        (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
    }
}

/// A RubyGems version (see the module documentation).
#[derive(Debug, Clone)]
pub struct GemVersion {
    /// Canonical segments: trailing zeros removed as RubyGems does.
    segments: Box<[Segment]>,
    text: Box<str>,
}

order_from_ord!(GemVersion);

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.segments, &other.segments);
        for i in 0..a.len().max(b.len()) {
            let order = cmp_segments(a.get(i).unwrap_or(&ZERO), b.get(i).unwrap_or(&ZERO));
            if order.is_ne() {
                return order;
            }
        }
        Ordering::Equal
    }
}

/// Ruby's `\s`: space, tab, newline, vertical tab, form feed, carriage return.
fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Checks RubyGems' `ANCHORED_VERSION_PATTERN` on the stripped text.
fn matches_pattern(s: &str) -> bool {
    let (main, pre) = match s.split_once('-') {
        Some((main, pre)) => (main, Some(pre)),
        None => (s, None),
    };
    let mut parts = main.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|pre| {
        pre.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    });
    first_ok && rest_ok && pre_ok
}

/// Drops trailing zero segments.
fn drop_trailing_zeros(segments: &mut Vec<Segment>) {
    while segments.last() == Some(&ZERO) {
        segments.pop();
    }
}

impl GemVersion {
    /// Parses a RubyGems version (see the module documentation).
    pub fn parse(text: &str) -> Result<GemVersion, VersionError> {
        let stripped = text.trim_matches(is_ruby_space);
        let body = if stripped.is_empty() { "0" } else { stripped };
        if !matches_pattern(body) {
            return Err(VersionError::new(
                Scheme::RubyGems,
                text,
                "Malformed version number string",
            ));
        }
        let expanded = body.replace('-', ".pre.");
        let mut numeric = Vec::new();
        let mut textual = Vec::new();
        let bytes = expanded.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            let is_digit = bytes[i].is_ascii_digit();
            if !bytes[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            while i < bytes.len()
                && bytes[i].is_ascii_alphanumeric()
                && bytes[i].is_ascii_digit() == is_digit
            {
                i += 1;
            }
            let run = &expanded[start..i];
            let segment = if is_digit {
                Segment::Number(Nat::from_digits(run))
            } else {
                Segment::Text(run.into())
            };
            // Everything from the first letter run on belongs to the textual part.
            if textual.is_empty() && is_digit {
                numeric.push(segment);
            } else {
                textual.push(segment);
            }
        }
        drop_trailing_zeros(&mut numeric);
        drop_trailing_zeros(&mut textual);
        numeric.extend(textual);
        Ok(GemVersion {
            segments: numeric.into_boxed_slice(),
            text: body.into(),
        })
    }

    /// Whether the version is a pre-release (contains a letter), as `Gem::Version#prerelease?`.
    pub fn is_prerelease(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Text(_)))
    }
}

impl fmt::Display for GemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GemVersion {
        GemVersion::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn gem_ordering() {
        let chain = [
            "0.9",
            "1.0.0.a",
            "1.0.0.a.1",
            "1.0.0.b",
            "1.0.0-beta",
            "1.0.0.pre",
            "1.0.0.rc1",
            "1.0",
            "1.0.0.1",
            "1.0.1",
            "1.1",
            "1.10",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1"), v("1.0.0"));
        assert_eq!(v("1.0.a.0"), v("1.a"));
        assert_eq!(v("1.0a"), v("1.0.0.a"));
        assert_eq!(v("1.0-beta"), v("1.0.pre.beta"));
        assert_eq!(v(""), v("0"));
        assert_eq!(v(" 1.2 "), v("1.2"));
        for bad in ["a", "1..2", "1.0-", "1.0 beta", "-1", "1.0_1", "1.0-a..b"] {
            assert!(GemVersion::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }
}
