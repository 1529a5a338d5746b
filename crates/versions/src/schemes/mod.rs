//! One module per version scheme. Where a well-kept crate implements the ecosystem's ordering
//! (semver, pep440_rs, debversion, rpm-version) the module wraps it and adds only the parsing
//! rules the ecosystem's own tool applies; elsewhere (Maven, Alpine, NuGet, RubyGems) the module
//! holds our own comparator, each checked against the ecosystem's reference implementation in
//! the differential tests.

mod alpine;
mod debian;
mod gem;
mod maven;
mod nuget;
mod pypi;
mod rpm;
mod semver;

pub use alpine::AlpineVersion;
pub use debian::DebianVersion;
pub use gem::GemVersion;
pub use maven::MavenVersion;
pub use nuget::NuGetVersion;
pub use pypi::Pep440Version;
pub use rpm::RpmVersion;
pub use semver::{GoVersion, SemVer};

/// Implements `PartialEq`, `Eq` and `PartialOrd` from `Ord`, so that equality always means
/// "sorts the same" (e.g. `1.0` and `1.0.0` in PEP 440).
macro_rules! order_from_ord {
    ($t:ty) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == std::cmp::Ordering::Equal
            }
        }
        impl Eq for $t {}
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
    };
}
pub(crate) use order_from_ord;
