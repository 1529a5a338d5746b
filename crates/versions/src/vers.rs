//! purl `vers:` version range specifiers (`vers:npm/>=1.6.5|<1.7.0|>=1.7.2`): parsing with the
//! vers spec's syntax rules, normalisation (sorting, removing redundant constraints) and
//! containment, all with this crate's per-scheme comparators.
//!
//! The spec's containment procedure walks neighbouring constraint pairs; it is equivalent to the
//! rule used here, which also covers a single bound (`>=1.0`): a version equal to a constraint's
//! version is in the range when the comparator includes equality (`=`, `<=`, `>=`) and out
//! otherwise; any other version is in the range when the nearest range constraint below it is a
//! lower bound (`>`, `>=`), or, with none below, when the first one is an upper bound (`<`, `<=`).

use std::cmp::Ordering;
use std::fmt;

use crate::error::echo;
use crate::{Scheme, VersError, Version};

/// A constraint's comparator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// A bare version: equal to.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl Comparator {
    fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "",
            Comparator::Ne => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }
    fn is_upper(self) -> bool {
        matches!(self, Comparator::Lt | Comparator::Le)
    }
    fn is_lower(self) -> bool {
        matches!(self, Comparator::Gt | Comparator::Ge)
    }
}

/// One constraint of a range.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// The comparator.
    pub comparator: Comparator,
    /// The version, parsed under the range's scheme.
    pub version: Version,
    /// The version as written (percent-decoded).
    pub text: String,
}

/// A parsed `vers:` range. Its constraints are kept sorted by version.
#[derive(Debug, Clone)]
pub struct VersRange {
    vers_type: String,
    scheme: Scheme,
    /// `vers:<type>/*`: every version.
    star: bool,
    constraints: Vec<Constraint>,
}

fn syntax(input: &str, reason: impl Into<String>) -> VersError {
    VersError::Syntax {
        input: echo(input),
        reason: reason.into(),
    }
}

fn percent_decode(input: &str, text: &str) -> Result<String, VersError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) else {
                return Err(syntax(input, "invalid percent-encoding in a version"));
            };
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| syntax(input, "a percent-decoded version is not UTF-8"))
}

fn percent_encode(text: &str, out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_graphic() && b != b'%' && b != b'|' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Removes redundant constraints from sorted, duplicate-free ones (the vers spec's
/// simplification): a bound inside an open lower bound, or below a later upper bound, adds
/// nothing.
fn simplify(constraints: Vec<Constraint>) -> Vec<Constraint> {
    let (unequal, rest): (Vec<_>, Vec<_>) = constraints
        .into_iter()
        .partition(|c| c.comparator == Comparator::Ne);
    let mut kept: Vec<Constraint> = Vec::with_capacity(rest.len());
    for c in rest {
        if c.comparator.is_upper() {
            while kept
                .last()
                .is_some_and(|k| k.comparator == Comparator::Eq || k.comparator.is_upper())
            {
                kept.pop();
            }
            kept.push(c);
        } else if kept.last().is_some_and(|k| k.comparator.is_lower()) {
            // Inside an interval that is still open: covered already.
        } else {
            kept.push(c);
        }
    }
    kept.extend(unequal);
    sort(&mut kept);
    kept
}

fn sort(constraints: &mut Vec<Constraint>) {
    crate::sort_by_version(constraints, |c| &c.version);
}

impl VersRange {
    /// Parses a canonical `vers:` range as the vers spec requires: no whitespace, lower-case
    /// `vers` and type, no empty constraints, no `=` (equality is a bare version), constraints
    /// sorted by version, each version once, no redundant constraint. Non-canonical but
    /// meaningful input is refused with its normalised form in the error; use
    /// [`VersRange::parse_lenient`] to accept it.
    pub fn parse(input: &str) -> Result<VersRange, VersError> {
        let range = Self::parse_unsorted(input)?;
        let mut sorted = range.constraints.clone();
        sort(&mut sorted);
        let same_order = sorted
            .iter()
            .zip(&range.constraints)
            .all(|(a, b)| a.text == b.text && a.comparator == b.comparator);
        let normalised = || Self::parse_lenient(input).map(|r| r.to_string());
        if !same_order {
            return Err(VersError::NotCanonical {
                input: echo(input),
                reason: "constraints are not sorted by version".into(),
                normalised: normalised()?,
            });
        }
        if let Some(pair) = sorted.windows(2).find(|p| p[0].version == p[1].version) {
            return Err(VersError::NotCanonical {
                input: echo(input),
                reason: format!("version {:?} appears more than once", pair[0].text),
                normalised: normalised()?,
            });
        }
        let count = sorted.len();
        if simplify(sorted).len() != count {
            return Err(VersError::NotCanonical {
                input: echo(input),
                reason: "some constraints are redundant".into(),
                normalised: normalised()?,
            });
        }
        Ok(range)
    }

    /// Parses a `vers:` range with the spec's syntax rules but accepts constraints in any order
    /// and redundant ones, and normalises them (sorted, simplified). The same version twice with
    /// different comparators is still an error: its meaning is unclear.
    pub fn parse_lenient(input: &str) -> Result<VersRange, VersError> {
        let mut range = Self::parse_unsorted(input)?;
        sort(&mut range.constraints);
        let mut deduped: Vec<Constraint> = Vec::with_capacity(range.constraints.len());
        for c in std::mem::take(&mut range.constraints) {
            match deduped.last() {
                Some(last) if last.version == c.version => {
                    if last.comparator != c.comparator {
                        return Err(syntax(
                            input,
                            format!(
                                "version {:?} appears with two different comparators",
                                c.text
                            ),
                        ));
                    }
                }
                _ => deduped.push(c),
            }
        }
        range.constraints = simplify(deduped);
        Ok(range)
    }

    fn parse_unsorted(input: &str) -> Result<VersRange, VersError> {
        if input.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(syntax(
                input,
                "whitespace is not permitted (encode a space in a version as %20)",
            ));
        }
        let Some((scheme, specifier)) = input.split_once(':') else {
            return Err(syntax(input, "the 'vers:' prefix is missing"));
        };
        if scheme != "vers" {
            return Err(syntax(input, "the URI scheme must be 'vers' in lower case"));
        }
        let Some((vers_type, constraints)) = specifier.split_once('/') else {
            return Err(syntax(
                input,
                "the '/' after the versioning type is missing",
            ));
        };
        if vers_type.is_empty() || vers_type.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(syntax(
                input,
                "the versioning type must be present and lower case",
            ));
        }
        let scheme = Scheme::from_vers_type(vers_type)
            .ok_or_else(|| VersError::UnsupportedType(echo(vers_type)))?;
        if constraints.is_empty() {
            return Err(syntax(input, "there are no constraints after the type"));
        }
        if constraints == "*" {
            return Ok(VersRange {
                vers_type: vers_type.to_owned(),
                scheme,
                star: true,
                constraints: Vec::new(),
            });
        }
        if constraints.starts_with('|') {
            return Err(syntax(input, "a leading '|' is not permitted"));
        }
        if constraints.ends_with('|') {
            return Err(syntax(input, "a trailing '|' is not permitted"));
        }
        let mut parsed = Vec::new();
        for raw in constraints.split('|') {
            if raw.is_empty() {
                return Err(syntax(input, "consecutive '|' are not permitted"));
            }
            let (comparator, rest) = [
                (">=", Comparator::Ge),
                ("<=", Comparator::Le),
                ("!=", Comparator::Ne),
                ("<", Comparator::Lt),
                (">", Comparator::Gt),
            ]
            .iter()
            .find_map(|(p, c)| raw.strip_prefix(p).map(|rest| (*c, rest)))
            .unwrap_or((Comparator::Eq, raw));
            if rest.starts_with('=') {
                return Err(syntax(
                    input,
                    "'=' is not a comparator: write the bare version for equality",
                ));
            }
            if rest == "*" {
                return Err(syntax(input, "'*' must be the only constraint"));
            }
            if rest.is_empty() {
                return Err(syntax(input, "a constraint has no version"));
            }
            let text = percent_decode(input, rest)?;
            let version = scheme.parse(&text).map_err(|source| VersError::Version {
                input: echo(input),
                source,
            })?;
            parsed.push(Constraint {
                comparator,
                version,
                text,
            });
        }
        Ok(VersRange {
            vers_type: vers_type.to_owned(),
            scheme,
            star: false,
            constraints: parsed,
        })
    }

    /// The scheme versions are compared with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The constraints, sorted by version (empty for `*`).
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// Whether the range is `*` (every version).
    pub fn is_star(&self) -> bool {
        self.star
    }

    /// Whether `version` (of this range's scheme) lies in the range.
    pub fn contains(&self, version: &Version) -> Result<bool, VersError> {
        if version.scheme() != self.scheme {
            return Err(VersError::SchemeMismatch {
                expected: self.scheme,
                found: version.scheme(),
            });
        }
        if self.star {
            return Ok(true);
        }
        for c in &self.constraints {
            if c.version == *version {
                return Ok(matches!(
                    c.comparator,
                    Comparator::Eq | Comparator::Le | Comparator::Ge
                ));
            }
        }
        let mut bounds = self
            .constraints
            .iter()
            .filter(|c| c.comparator != Comparator::Eq && c.comparator != Comparator::Ne);
        let Some(first) = bounds.clone().next() else {
            // Only exact versions: in when equal (handled above); only exclusions: in.
            return Ok(self
                .constraints
                .iter()
                .all(|c| c.comparator == Comparator::Ne));
        };
        let below = bounds
            .by_ref()
            .take_while(|c| c.version.cmp_same_scheme(version) == Some(Ordering::Less))
            .last();
        Ok(match below {
            Some(c) => c.comparator.is_lower(),
            None => first.comparator.is_upper(),
        })
    }

    /// Parses `version` under the range's scheme and tests it.
    pub fn contains_str(&self, version: &str) -> Result<bool, VersError> {
        let parsed = self
            .scheme
            .parse(version)
            .map_err(|source| VersError::Version {
                input: echo(&self.to_string()),
                source,
            })?;
        self.contains(&parsed)
    }
}

/// The canonical text: `vers:<type>/` and the constraints joined by `|`, versions
/// percent-encoded where needed.
impl fmt::Display for VersRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vers:{}/", self.vers_type)?;
        if self.star {
            return f.write_str("*");
        }
        let mut out = String::new();
        for (i, c) in self.constraints.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            out.push_str(c.comparator.symbol());
            percent_encode(&c.text, &mut out);
        }
        f.write_str(&out)
    }
}
