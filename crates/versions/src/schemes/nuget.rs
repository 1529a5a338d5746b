//! NuGet versions, written here because no Rust crate implements NuGet.Versioning. The rules
//! are those of NuGet's `NuGetVersion.TryParse` and `VersionComparer.Default`: one to four
//! numbers (`1` means `1.0.0`, a missing revision is 0), an optional `-` pre-release of
//! dot-separated labels and optional `+` metadata that does not affect the order. Numbers may
//! have leading zeros and must fit in an `int`. A pre-release sorts before its release; labels
//! compare numerically when both are numbers (`int.TryParse`), a number before text, text
//! case-insensitively; more labels sort after fewer equal ones.

use std::cmp::Ordering;
use std::fmt;

use super::order_from_ord;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Label {
    /// A label that `int.TryParse` accepts.
    Number(i32),
    /// Any other label, upper-cased (NuGet compares with `OrdinalIgnoreCase`).
    Text(Box<str>),
}

/// A NuGet package version (see the module documentation).
#[derive(Debug, Clone)]
pub struct NuGetVersion {
    numbers: [i32; 4],
    labels: Box<[Label]>,
    text: Box<str>,
}

order_from_ord!(NuGetVersion);

impl Ord for NuGetVersion {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                // Slices compare element-wise, then shorter first: NuGet's label rule.
                (false, false) => self.labels.cmp(&other.labels),
            }
        })
    }
}

fn is_identifier(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl NuGetVersion {
    /// Parses a NuGet version (see the module documentation).
    pub fn parse(text: &str) -> Result<NuGetVersion, VersionError> {
        let error = |reason: &str| VersionError::new(Scheme::NuGet, text, reason);
        let (rest, metadata) = match text.split_once('+') {
            Some((rest, metadata)) => (rest, Some(metadata)),
            None => (text, None),
        };
        if let Some(metadata) = metadata
            && !metadata.split('.').all(is_identifier)
        {
            return Err(error(
                "build metadata must be dot-separated [0-9A-Za-z-] identifiers",
            ));
        }
        let (core, release) = match rest.split_once('-') {
            Some((core, release)) => (core, Some(release)),
            None => (rest, None),
        };
        let mut numbers = [0i32; 4];
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 4 {
            return Err(error("at most four numbers are allowed"));
        }
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error("the version numbers must be digits separated by '.'"));
            }
            *slot = part
                .parse::<i32>()
                .map_err(|_| error("a version number is larger than 2147483647"))?;
        }
        let labels = match release {
            None => Vec::new(),
            Some(release) => {
                let labels: Vec<&str> = release.split('.').collect();
                if !labels.iter().all(|l| is_identifier(l)) {
                    return Err(error(
                        "pre-release labels must be dot-separated [0-9A-Za-z-] identifiers",
                    ));
                }
                labels
                    .into_iter()
                    .map(|l| match l.parse::<i32>() {
                        Ok(n) if l.bytes().all(|b| b.is_ascii_digit()) => Label::Number(n),
                        _ => Label::Text(l.to_ascii_uppercase().into()),
                    })
                    .collect()
            }
        };
        Ok(NuGetVersion {
            numbers,
            labels: labels.into_boxed_slice(),
            text: text.into(),
        })
    }

    /// Whether this is a pre-release version.
    pub fn is_prerelease(&self) -> bool {
        !self.labels.is_empty()
    }
}

impl fmt::Display for NuGetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> NuGetVersion {
        NuGetVersion::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn nuget_ordering() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-Alpha.2",
            "1.0.0-alpha.10",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1-beta",
            "1.0.0.1",
            "1.0.1",
            "1.1",
            "10.0.0",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1"), v("1.0.0.0"));
        assert_eq!(v("01.002"), v("1.2.0"));
        assert_eq!(v("1.0.0-BETA"), v("1.0.0-beta"));
        assert_eq!(v("1.0.0+abc"), v("1.0.0+def"));
        assert_eq!(v("1.0.0-01"), v("1.0.0-1"));
        for bad in [
            "",
            "1.",
            "1.0.0.0.0",
            "v1.0",
            "1.0-",
            "1.0-a..b",
            "1.0+",
            "2147483648.0",
            " 1.0",
        ] {
            assert!(
                NuGetVersion::parse(bad).is_err(),
                "{bad:?} must be rejected"
            );
        }
    }
}
