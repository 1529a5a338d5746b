//! RPM versions: rpm's own `[epoch:]version[-release]` split (ours, after rpm's `parseEVR`)
//! and the `rpm-version` crate's memcmp-sortable key, which encodes `rpmvercmp` including `~`
//! and `^`.

use std::cmp::Ordering;
use std::fmt;

use super::order_from_ord;
use crate::{Scheme, VersionError};

/// An RPM EVR (epoch, version, release) ordered as `rpmvercmp` orders it: alphanumeric
/// segments, numbers by value, letters before numbers, `~` before everything (even the end),
/// `^` after the end but before any further segment, epoch first.
///
/// Parsing follows rpm: the epoch is the leading digits if a `:` follows them, the release is
/// what follows the last `-`. Any other character is a separator, as in rpm.
///
/// One deliberate difference, needed for a total order: rpm's `rpm.vercmp` ignores the release
/// when only one side has one (`1.0` equals `1.0-3`), which is not transitive; here a version
/// without release sorts just before the same version with any release. Digit runs longer than
/// 255 characters and epochs above 2^32-1 are rejected.
#[derive(Debug, Clone)]
pub struct RpmVersion {
    key: Box<[u8]>,
    epoch: Option<u32>,
    text: Box<str>,
}

order_from_ord!(RpmVersion);

impl Ord for RpmVersion {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl RpmVersion {
    /// Parses an RPM EVR with rpm's rules.
    pub fn parse(text: &str) -> Result<RpmVersion, VersionError> {
        let error = |reason: &str| VersionError::new(Scheme::Rpm, text, reason);
        if text.is_empty() {
            return Err(error("the version string is empty"));
        }
        if text.chars().any(char::is_control) {
            return Err(error("control characters are not allowed"));
        }
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = match text.as_bytes().get(digits) {
            Some(b':') => {
                let epoch = &text[..digits];
                let value = if epoch.is_empty() {
                    0
                } else {
                    epoch
                        .parse::<u32>()
                        .map_err(|_| error("the epoch is too big"))?
                };
                (Some(value), &text[digits + 1..])
            }
            _ => (None, text),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((version, release)) => (version, Some(release)),
            None => (rest, None),
        };
        if version.is_empty() {
            return Err(error("the version part is empty"));
        }
        let too_long = |s: &str| {
            s.split(|c: char| !c.is_ascii_digit())
                .any(|run| run.trim_start_matches('0').len() > 255)
        };
        if too_long(version) || release.is_some_and(too_long) {
            return Err(error("a digit run is longer than 255 digits"));
        }
        let mut key = Vec::with_capacity(8 + 2 * rest.len());
        key.extend_from_slice(&epoch.unwrap_or(0).to_be_bytes());
        key.extend(rpm_version::version_sortkey(version));
        if let Some(release) = release {
            key.extend(rpm_version::version_sortkey(release));
        }
        Ok(RpmVersion {
            key: key.into_boxed_slice(),
            epoch,
            text: text.into(),
        })
    }

    /// The epoch, if the version names one.
    pub fn epoch(&self) -> Option<u32> {
        self.epoch
    }
}

impl fmt::Display for RpmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> RpmVersion {
        RpmVersion::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn rpmvercmp_ordering() {
        // Cases from rpm's own rpmvercmp test suite's rules: tilde, caret, letters vs numbers.
        let chain = [
            "1.0~rc1",
            "1.0",
            "1.0^",
            "1.0^git1",
            "1.0a",
            "1.0.1",
            "1.0.2",
            "1.1",
            "1.10",
            "2.0-1",
            "2.0-1.el9",
            "2.0-2",
            "0:2.1",
            "1:0.1",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1.0"), v("0:1.0"));
        assert_eq!(v("1.0.0"), v("1.0_0"), "separators are not compared");
        assert_eq!(v("1.001"), v("1.1"));
        assert_eq!(v(":1.0"), v("0:1.0"));
        // The release follows the last hyphen.
        assert!(
            v("1.0-a-1") > v("1.0-b"),
            "version 1.0-a is longer than 1.0"
        );
        // Without release just before any release of the same version.
        assert!(v("1.0") < v("1.0-0") && v("1.0-0") < v("1.0.1"));
    }

    #[test]
    fn rpm_errors() {
        for bad in ["", "1:", "-1", "4294967296:1", "1.\n"] {
            assert!(RpmVersion::parse(bad).is_err(), "{bad:?} must be rejected");
        }
        assert!(RpmVersion::parse(&"9".repeat(256)).is_err());
    }
}
