//! Provision identifiers, namespaced by source and version.
//!
//! A full id reads `etsi-en-303-645@2.1.1:5.1-1`: the source, its version and the id the source
//! itself uses. Namespacing lets a later version of a standard (where `5.1-2` may change) sit in
//! the same catalogue as the version labels were assessed against.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A fully qualified provision id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProvisionId {
    /// The source document, e.g. `etsi-en-303-645`.
    pub source: String,
    /// The source's version, e.g. `2.1.1`.
    pub version: String,
    /// The id as the source writes it, e.g. `5.1-1`.
    pub local: String,
}

impl ProvisionId {
    /// Builds an id from its three parts.
    pub fn new(
        source: impl Into<String>,
        version: impl Into<String>,
        local: impl Into<String>,
    ) -> Self {
        Self {
            source: source.into(),
            version: version.into(),
            local: local.into(),
        }
    }

    /// `source@version`, the namespace this id lives in.
    pub fn namespace(&self) -> String {
        format!("{}@{}", self.source, self.version)
    }

    /// An id usable as an OSCAL token (`[A-Za-z_][A-Za-z0-9._-]*`): `source_vversion_local`.
    pub fn oscal_token(&self) -> String {
        let clean = |s: &str| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        };
        format!(
            "{}_v{}_{}",
            clean(&self.source),
            clean(&self.version),
            clean(&self.local)
        )
    }
}

impl fmt::Display for ProvisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}:{}", self.source, self.version, self.local)
    }
}

/// Why a string is not a full provision id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a full provision id; expected SOURCE@VERSION:ID, e.g. etsi-en-303-645@2.1.1:5.1-1"
)]
pub struct ParseIdError(pub String);

impl FromStr for ProvisionId {
    type Err = ParseIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseIdError(s.to_owned());
        let (namespace, local) = s.split_once(':').ok_or_else(err)?;
        let (source, version) = namespace.split_once('@').ok_or_else(err)?;
        if source.is_empty() || version.is_empty() || local.is_empty() {
            return Err(err());
        }
        Ok(Self::new(source, version, local))
    }
}

impl Serialize for ProvisionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ProvisionId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl PartialOrd for ProvisionId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ProvisionId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.source
            .cmp(&other.source)
            .then_with(|| natural_cmp(&self.version, &other.version))
            .then_with(|| natural_cmp(&self.local, &other.local))
    }
}

/// Compares ids the way a reader expects: `5.9-3` before `5.10-1`, `6-5` before `6.6`.
///
/// Runs of digits compare as numbers, runs of letters as text, and separators ('.', '-') only
/// delimit. It allocates nothing: ids are compared in every sort and ordered-set operation.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut x = Pieces::new(a);
    let mut y = Pieces::new(b);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => match p.cmp(&q) {
                Ordering::Equal => {}
                other => return other,
            },
        }
    }
}

/// One run of an id: a number or a word. Numbers sort before words, as in `5.1-2` < `5.1-2A`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Piece<'a> {
    Number(u64),
    Text(&'a str),
}

struct Pieces<'a> {
    rest: &'a str,
}

impl<'a> Pieces<'a> {
    fn new(s: &'a str) -> Self {
        Self { rest: s }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        self.rest = self.rest.trim_start_matches(|c: char| !c.is_alphanumeric());
        let first = self.rest.chars().next()?;
        let len = if first.is_ascii_digit() {
            self.rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(self.rest.len())
        } else {
            self.rest
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(self.rest.len())
        };
        // A non-ASCII numeral is neither a digit run nor a word: take it as one character.
        let len = if len == 0 { first.len_utf8() } else { len };
        let (piece, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(if first.is_ascii_digit() {
            Piece::Number(piece.bytes().fold(0u64, |n, d| {
                n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            }))
        } else {
            Piece::Text(piece)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_full_ids() {
        let id: ProvisionId = "etsi-en-303-645@2.1.1:5.1-1".parse().unwrap();
        assert_eq!(id.source, "etsi-en-303-645");
        assert_eq!(id.version, "2.1.1");
        assert_eq!(id.local, "5.1-1");
        assert_eq!(id.to_string(), "etsi-en-303-645@2.1.1:5.1-1");
        assert!("5.1-1".parse::<ProvisionId>().is_err());
        assert!("x@:5".parse::<ProvisionId>().is_err());
    }

    #[test]
    fn orders_naturally() {
        let mut ids = vec!["5.10-1", "5.9-3", "5.1-2A", "5.1-2", "6.6", "6-5", "5.0-1"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            vec!["5.0-1", "5.1-2", "5.1-2A", "5.9-3", "5.10-1", "6-5", "6.6"]
        );
    }

    #[test]
    fn unusual_characters_do_not_stall_the_comparison() {
        assert_eq!(natural_cmp("5²", "5³"), Ordering::Less);
        assert_eq!(natural_cmp("", "a"), Ordering::Less);
        assert_eq!(
            natural_cmp("99999999999999999999999", "1"),
            Ordering::Greater
        );
    }

    #[test]
    fn oscal_tokens_are_valid_tokens() {
        let id = ProvisionId::new("etsi-en-303-645", "2.1.1", "5.13-1A");
        assert_eq!(id.oscal_token(), "etsi-en-303-645_v2.1.1_5.13-1A");
    }
}
