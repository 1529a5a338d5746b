//! Debian versions: dpkg's parsing rules (ours, from dpkg's `parseversion`) in front of the
//! `debversion` crate's dpkg-compatible comparison, with one correction (see `dpkg_equivalent`).

use std::cmp::Ordering;
use std::fmt;

use super::order_from_ord;
use crate::{Scheme, VersionError};

/// dpkg stores the epoch in an `int`.
const MAX_EPOCH: u32 = i32::MAX as u32;

/// A Debian package version `[epoch:]upstream[-revision]`, ordered as `dpkg --compare-versions`
/// orders it (`~` sorts before everything, even the end of the string).
///
/// Parsing follows dpkg: surrounding blanks are trimmed; the epoch is the digits before the
/// first `:` (at most 2^31-1); the revision is what follows the last `-`. Errors are what dpkg
/// calls errors (empty version, empty or non-numeric epoch, empty revision, embedded blanks).
/// What dpkg only warns about (upstream not starting with a digit, unusual punctuation) is
/// accepted and compared as dpkg compares it. Non-ASCII and control characters are rejected,
/// because dpkg compares bytes and such versions do not occur in the archive.
#[derive(Debug, Clone)]
pub struct DebianVersion {
    /// Upstream and revision made to end in a digit (see [`dpkg_equivalent`]).
    inner: debversion::Version,
    text: Box<str>,
}

order_from_ord!(DebianVersion);

impl Ord for DebianVersion {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.inner.cmp(&other.inner)
    }
}

/// dpkg reads a missing digit run as 0, so `1.0.` and `1.0.0` are equal; `debversion` 0.5
/// sorts the empty run before `0` (the differential test against dpkg found it, e.g.
/// `2z.-2` vs `2z.0~rc1-3`). A part ending in a non-digit gets a `0` appended, which dpkg
/// considers the same version, so `debversion` then agrees with dpkg.
fn dpkg_equivalent(part: &str) -> String {
    let mut s = part.to_owned();
    if !s.ends_with(|c: char| c.is_ascii_digit()) {
        s.push('0');
    }
    s
}

impl DebianVersion {
    /// Parses a Debian version with dpkg's rules.
    pub fn parse(text: &str) -> Result<DebianVersion, VersionError> {
        let error = |reason: &str| VersionError::new(Scheme::Debian, text, reason);
        let trimmed = text.trim_matches([' ', '\t']);
        if trimmed.is_empty() {
            return Err(error("the version string is empty"));
        }
        if let Some(bad) = trimmed.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(error(&if bad == ' ' || bad == '\t' {
                "the version string has embedded spaces".to_owned()
            } else {
                format!("character {bad:?} is not allowed")
            }));
        }
        let (epoch, rest) = match trimmed.split_once(':') {
            None => (None, trimmed),
            Some((epoch, rest)) => {
                if epoch.is_empty() {
                    return Err(error("the epoch before ':' is empty"));
                }
                if !epoch.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(error("the epoch before ':' is not a number"));
                }
                let value = match epoch.parse::<u32>() {
                    Ok(v) if v <= MAX_EPOCH => v,
                    _ => return Err(error("the epoch is too big")),
                };
                if rest.is_empty() {
                    return Err(error("nothing after the epoch's ':'"));
                }
                (Some(value), rest)
            }
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            None => (rest, None),
            Some((_, "")) => return Err(error("the revision after the last '-' is empty")),
            Some((upstream, revision)) => (upstream, Some(revision.to_owned())),
        };
        if upstream.is_empty() {
            return Err(error("the upstream version is empty"));
        }
        Ok(DebianVersion {
            inner: debversion::Version {
                epoch,
                upstream_version: dpkg_equivalent(upstream),
                debian_revision: revision.as_deref().map(dpkg_equivalent),
            },
            text: trimmed.into(),
        })
    }

    /// The epoch, if the version names one.
    pub fn epoch(&self) -> Option<u32> {
        self.inner.epoch
    }

    /// The upstream part as written.
    pub fn upstream(&self) -> &str {
        let after_epoch = self
            .text
            .split_once(':')
            .map_or(&*self.text, |(_, rest)| rest);
        after_epoch
            .rsplit_once('-')
            .map_or(after_epoch, |(upstream, _)| upstream)
    }

    /// The Debian revision as written, if any.
    pub fn revision(&self) -> Option<&str> {
        let after_epoch = self
            .text
            .split_once(':')
            .map_or(&*self.text, |(_, rest)| rest);
        after_epoch.rsplit_once('-').map(|(_, revision)| revision)
    }
}

impl fmt::Display for DebianVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> DebianVersion {
        DebianVersion::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn dpkg_ordering() {
        let chain = [
            "0:1.0~~",
            "1.0~~a",
            "1.0~",
            "1.0",
            "1.0-1~bpo1",
            "1.0-1",
            "1.0-1+b1",
            "1.0-1.1",
            "1.0a",
            "1.0+dfsg",
            "1.0.1",
            "1.00001.1",
            "1.2",
            "1.10",
            "3.0.15-1~deb12u1",
            "3.0.15-1",
            "1:0.1",
            "2:0",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1.0"), v("0:1.0-0"));
        assert_eq!(v("1.01"), v("1.1"));
        // The revision is what follows the last hyphen; colons after the epoch belong upstream.
        assert_eq!(v("1:2.0-beta-3").revision(), Some("3"));
        assert_eq!(v("1:2:3").upstream(), "2:3");
        // dpkg reads an empty digit run as 0 (debversion alone does not).
        assert_eq!(v("1.0."), v("1.0.0"));
        assert!(v("0:0.-1.2") > v("0.0~~beta-1+b1"));
        assert!(v("99999999999999999999999") > v("9999999999999999999999"));
    }

    #[test]
    fn dpkg_errors() {
        for bad in [
            "",
            " ",
            ":1.0",
            "a:1.0",
            "1:",
            "1.0-",
            "1 0",
            "-1",
            "2147483648:1",
            "1.0\n",
        ] {
            assert!(
                DebianVersion::parse(bad).is_err(),
                "{bad:?} must be rejected"
            );
        }
        assert!(DebianVersion::parse(" 1.0 ").is_ok());
        assert!(DebianVersion::parse("abc").is_ok(), "dpkg only warns");
    }
}
