//! SemVer 2.0 precedence (the `semver` crate's `cmp_precedence`, which ignores build metadata as
//! section 11 of the spec requires), in three flavours: strict SemVer, npm's node-semver and Go
//! module versions.

use std::cmp::Ordering;
use std::fmt;

use super::order_from_ord;
use crate::{Scheme, VersionError};

/// JavaScript's `Number.MAX_SAFE_INTEGER`: node-semver rejects larger version numbers.
const JS_MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A SemVer 2.0 version ordered by precedence: build metadata is ignored, so `1.0.0+a` and
/// `1.0.0+b` are equal.
#[derive(Debug, Clone)]
pub struct SemVer(semver::Version);

order_from_ord!(SemVer);

impl Ord for SemVer {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp_precedence(&other.0)
    }
}

impl SemVer {
    /// Parses a strict SemVer 2.0 version (`MAJOR.MINOR.PATCH[-PRE][+BUILD]`, numbers without
    /// leading zeros and at most 64 bits). One leading `v` is tolerated: OSV says `SEMVER`
    /// events carry none, but SBOMs often do.
    pub fn parse(text: &str) -> Result<SemVer, VersionError> {
        let body = text.strip_prefix('v').unwrap_or(text);
        semver::Version::parse(body)
            .map(SemVer)
            .map_err(|e| VersionError::new(Scheme::SemVer, text, e.to_string()))
    }

    /// Parses like node-semver's `new SemVer(v)` in strict mode: surrounding whitespace and one
    /// leading `v` are allowed; numbers above 2^53-1 are rejected (node-semver would compare
    /// such pre-release numbers as imprecise floats).
    pub fn parse_npm(text: &str) -> Result<SemVer, VersionError> {
        let trimmed = text.trim();
        let body = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let version = semver::Version::parse(body)
            .map_err(|e| VersionError::new(Scheme::Npm, text, e.to_string()))?;
        let too_big = |n: u64| n > JS_MAX_SAFE_INTEGER;
        let numeric_pre_too_big = version.pre.as_str().split('.').any(|id| {
            id.bytes().all(|b| b.is_ascii_digit())
                && !matches!(id.parse::<u64>(), Ok(n) if n <= JS_MAX_SAFE_INTEGER)
        });
        if too_big(version.major)
            || too_big(version.minor)
            || too_big(version.patch)
            || (!version.pre.is_empty() && numeric_pre_too_big)
        {
            return Err(VersionError::new(
                Scheme::Npm,
                text,
                "a number is larger than 9007199254740991 (Number.MAX_SAFE_INTEGER)",
            ));
        }
        Ok(SemVer(version))
    }

    /// The underlying `semver` value.
    pub fn as_semver(&self) -> &semver::Version {
        &self.0
    }
}

impl fmt::Display for SemVer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A Go module version: SemVer with a `v` prefix. Go's `vMAJOR` and `vMAJOR.MINOR` shorthands
/// mean `vMAJOR.0.0` and `vMAJOR.MINOR.0` (only without pre-release or build); pseudo-versions
/// such as `v0.0.0-20191109021931-daa7c04131f5` are pre-releases and sort by SemVer precedence,
/// which puts them by commit time; `+incompatible` is build metadata and ignored.
///
/// The `v` is optional here because OSV `SEMVER` events for Go omit it.
#[derive(Debug, Clone)]
pub struct GoVersion(SemVer);

order_from_ord!(GoVersion);

impl Ord for GoVersion {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl GoVersion {
    /// Parses a Go module version (see the type's documentation for what is accepted).
    pub fn parse(text: &str) -> Result<GoVersion, VersionError> {
        let body = text.strip_prefix('v').unwrap_or(text);
        let error = |reason: String| VersionError::new(Scheme::Go, text, reason);
        let has_suffix = body.contains(['-', '+']);
        let dots = body.bytes().filter(|&b| b == b'.').count();
        let full;
        let body = if !has_suffix && dots < 2 {
            // Go's shorthands; empty parts are caught by the parser below.
            full = format!("{body}{}", ".0".repeat(2 - dots));
            full.as_str()
        } else {
            body
        };
        semver::Version::parse(body)
            .map(|v| GoVersion(SemVer(v)))
            .map_err(|e| error(e.to_string()))
    }

    /// Whether this is a pseudo-version (a commit without a tag): the last pre-release part is
    /// `yyyymmddhhmmss-commit`, preceded by `0.` or, for `vX.0.0-...`, alone.
    pub fn is_pseudo(&self) -> bool {
        self.pseudo_timestamp().is_some()
    }

    /// The 14-digit UTC commit time of a pseudo-version.
    pub fn pseudo_timestamp(&self) -> Option<&str> {
        let v = &(self.0).0;
        let pre = v.pre.as_str();
        let (head, last) = match pre.rsplit_once('.') {
            Some((head, last)) => (Some(head), last),
            None => (None, pre),
        };
        let (time, commit) = last.split_once('-')?;
        let shape_ok = time.len() == 14
            && time.bytes().all(|b| b.is_ascii_digit())
            && !commit.is_empty()
            && commit.bytes().all(|b| b.is_ascii_alphanumeric());
        let base_ok = match head {
            None => v.minor == 0 && v.patch == 0,
            Some(head) => head == "0" || head.ends_with(".0"),
        };
        (shape_ok && base_ok).then_some(time)
    }

    /// The SemVer value (without the `v`).
    pub fn as_semver(&self) -> &SemVer {
        &self.0
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(s: &str) -> SemVer {
        SemVer::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }
    fn go(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn semver_precedence_from_the_spec() {
        // SemVer 2.0 section 11's own example chain.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for pair in chain.windows(2) {
            assert!(sv(pair[0]) < sv(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(sv("1.0.0+build.1"), sv("1.0.0+build.2"));
        assert_eq!(sv("v1.2.3"), sv("1.2.3"));
        for bad in [
            "1.2", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+", " 1.2.3", "", "1.2.3.4",
        ] {
            assert!(SemVer::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn npm_flavour() {
        let a = SemVer::parse_npm(" v1.2.3 ").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(a, sv("1.2.3"));
        assert!(SemVer::parse_npm("9007199254740992.0.0").is_err());
        assert!(SemVer::parse_npm("1.0.0-9007199254740992").is_err());
        assert!(SemVer::parse_npm("9007199254740991.0.0").is_ok());
    }

    #[test]
    fn go_shorthands_and_pseudo_versions() {
        assert_eq!(go("v1"), go("v1.0.0"));
        assert_eq!(go("v1.2"), go("v1.2.0"));
        assert!(GoVersion::parse("v1.2-pre").is_err());
        assert!(GoVersion::parse("v01.2.3").is_err());
        assert_eq!(go("v2.0.0+incompatible"), go("v2.0.0"));
        // The three pseudo-version forms, each sorting after its base and before the next
        // release, and by commit time among themselves.
        let chain = [
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-0123456789ab",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4-0.20210101000000-aaaaaaaaaaaa",
            "v1.2.4-pre",
            "v1.2.4-pre.0.20191109021931-daa7c04131f5",
            "v1.2.4-pre.1",
            "v1.2.4",
        ];
        for pair in chain.windows(2) {
            assert!(go(pair[0]) < go(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(
            go("v0.0.0-20191109021931-daa7c04131f5").pseudo_timestamp(),
            Some("20191109021931")
        );
        assert!(go("v1.2.4-0.20191109021931-daa7c04131f5").is_pseudo());
        assert!(go("v1.2.4-pre.0.20191109021931-daa7c04131f5").is_pseudo());
        assert!(!go("v1.2.4-pre").is_pseudo());
        assert!(!go("v1.2.0-20191109021931-daa7c04131f5").is_pseudo());
        assert_eq!(go("1.2.3").to_string(), "v1.2.3");
    }
}
