//! Version ordering per package ecosystem, the OSV range evaluation, and purl `vers:` ranges.
//!
//! The registry decides whether a product's component is hit by an advisory by comparing the
//! component's version with the advisory's ranges. That needs each ecosystem's own ordering:
//!
//! | Scheme | Ecosystems | Implementation |
//! |---|---|---|
//! | [`Scheme::SemVer`] | crates.io, Hex, Pub, Bitnami, OSV `SEMVER` ranges | `semver` crate, `cmp_precedence` |
//! | [`Scheme::Npm`] | npm, GitHub Actions, SwiftURL | `semver` crate + node-semver's parsing rules |
//! | [`Scheme::Go`] | Go, Kubernetes | `semver` crate + Go's `v` prefix, shorthands, pseudo-versions |
//! | [`Scheme::Pep440`] | PyPI | `pep440_rs` |
//! | [`Scheme::Maven`] | Maven | own port of `ComparableVersion` (Maven 3.8.7) |
//! | [`Scheme::Debian`] | Debian, Ubuntu | dpkg's parsing (own) + `debversion` |
//! | [`Scheme::Rpm`] | Red Hat, Rocky, AlmaLinux, SUSE, openSUSE, ... | rpm's EVR split (own) + `rpm-version` sort keys |
//! | [`Scheme::Alpine`] | Alpine, Wolfi, Chainguard, MinimOS | own port of apk-tools 3 |
//! | [`Scheme::NuGet`] | NuGet | own, after NuGet.Versioning |
//! | [`Scheme::RubyGems`] | RubyGems | own, after `Gem::Version` |
//!
//! Each is tested differentially against the ecosystem's reference implementation (Python
//! `packaging`, `dpkg --compare-versions`, rpm's `rpm.vercmp`, node's `semver`, Maven's
//! `ComparableVersion`, Ruby's `Gem::Version`, `univers`). Parsing never panics: invalid
//! versions are [`VersionError`]s naming the scheme and the expected form.
//!
//! ```
//! use iotlabel_versions::{Affected, Event, EventKind, PreparedAffected, Range, RangeType, Verdict};
//!
//! let affected = Affected {
//!     ecosystem: "npm".into(),
//!     ranges: vec![Range {
//!         range_type: RangeType::Semver,
//!         repo: None,
//!         events: vec![Event::new(EventKind::Introduced, "1.2.0"), Event::new(EventKind::Fixed, "1.4.5")],
//!     }],
//!     versions: vec![],
//! };
//! let prepared = PreparedAffected::new(&affected);
//! let result = prepared.evaluate("1.4.3");
//! assert_eq!(result.verdict, Verdict::Affected);
//! assert_eq!(result.to_string(), "affected: introduced 1.2.0 <= 1.4.3 < fixed 1.4.5 (range 0, SEMVER)");
//! ```

mod ecosystem;
mod error;
mod num;
mod osv;
mod scheme;
pub mod schemes;
mod sort;
mod vers;

pub use ecosystem::{Ecosystem, OsvEcosystem};
pub use error::{VersError, VersionError};
pub use osv::{
    Affected, Evaluation, Event, EventKind, PreparedAffected, Range, RangeType, Verdict,
};
pub use scheme::{MAX_VERSION_LEN, Scheme, Version};
pub use sort::sort_by_version;
pub use vers::{Comparator, Constraint, VersRange};
