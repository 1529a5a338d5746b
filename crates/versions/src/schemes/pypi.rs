//! PEP 440 (PyPI) through `pep440_rs`, the implementation behind uv.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::order_from_ord;
use crate::{Scheme, VersionError};

/// A PEP 440 version. Accepts what PEP 440 normalisation accepts (`v` prefix, `-`/`_`
/// separators, `alpha`/`c`/`pre`/`rev` spellings, implicit post releases such as `1.0-1`,
/// surrounding whitespace, local versions); rejects legacy non-PEP 440 strings, as the Python
/// `packaging` library does since version 22. Trailing zeros do not matter: `1.0 == 1.0.0`.
#[derive(Debug, Clone)]
pub struct Pep440Version(pep440_rs::Version);

order_from_ord!(Pep440Version);

impl Ord for Pep440Version {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl Pep440Version {
    /// Parses a PEP 440 version.
    pub fn parse(text: &str) -> Result<Pep440Version, VersionError> {
        pep440_rs::Version::from_str(text)
            .map(Pep440Version)
            .map_err(|e| VersionError::new(Scheme::Pep440, text, e.to_string()))
    }

    /// The underlying `pep440_rs` value.
    pub fn as_pep440(&self) -> &pep440_rs::Version {
        &self.0
    }
}

impl fmt::Display for Pep440Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Pep440Version {
        Pep440Version::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn pep440_ordering_examples() {
        // The ordering example of PEP 440's "Summary of permitted suffixes and relative ordering".
        let chain = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
            "1!0.1",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1.0"), v("1.0.0"));
        assert_eq!(v("v1.0-RC1"), v("1.0rc1"));
        assert_eq!(v("1.0-1"), v("1.0.post1"));
        assert!(Pep440Version::parse("1.0-foo").is_err());
        assert!(Pep440Version::parse("").is_err());
    }
}
