//! The version schemes (orderings) this crate knows, and [`Version`], a parsed version of any
//! of them.

use std::cmp::Ordering;
use std::fmt;

use crate::error::VersionError;
use crate::schemes::{
    AlpineVersion, DebianVersion, GemVersion, GoVersion, MavenVersion, NuGetVersion, Pep440Version,
    RpmVersion, SemVer,
};

/// Longest version string accepted by any scheme. Real versions are far shorter; the limit keeps
/// hostile input from costing memory and time.
pub const MAX_VERSION_LEN: usize = 256;

/// A version ordering: how one ecosystem (or a family of them) sorts its version strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Strict SemVer 2.0 precedence (crates.io, OSV `SEMVER` ranges, Hex, Pub); a leading `v`
    /// is tolerated because OSV consumers meet it in SBOMs.
    SemVer,
    /// npm's node-semver: SemVer 2.0 with an optional leading `v`, surrounding whitespace, and
    /// numbers no larger than JavaScript's `Number.MAX_SAFE_INTEGER`.
    Npm,
    /// Go modules: SemVer with a `v` prefix, `vMAJOR` / `vMAJOR.MINOR` shorthands, pseudo-versions
    /// and `+incompatible`.
    Go,
    /// Python PEP 440 (PyPI).
    Pep440,
    /// Maven's `ComparableVersion`.
    Maven,
    /// Debian's dpkg (also Ubuntu).
    Debian,
    /// RPM's `rpmvercmp` with epoch, tilde and caret (Red Hat, SUSE, Rocky, AlmaLinux, ...).
    Rpm,
    /// Alpine's apk-tools (also Wolfi, Chainguard).
    Alpine,
    /// NuGet (NuGet.Versioning).
    NuGet,
    /// RubyGems' `Gem::Version`.
    RubyGems,
}

impl Scheme {
    /// Every scheme, for iteration in tests and documentation.
    pub const ALL: [Scheme; 10] = [
        Scheme::SemVer,
        Scheme::Npm,
        Scheme::Go,
        Scheme::Pep440,
        Scheme::Maven,
        Scheme::Debian,
        Scheme::Rpm,
        Scheme::Alpine,
        Scheme::NuGet,
        Scheme::RubyGems,
    ];

    /// The scheme's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::SemVer => "SemVer",
            Scheme::Npm => "npm",
            Scheme::Go => "Go",
            Scheme::Pep440 => "PEP 440",
            Scheme::Maven => "Maven",
            Scheme::Debian => "Debian",
            Scheme::Rpm => "RPM",
            Scheme::Alpine => "Alpine",
            Scheme::NuGet => "NuGet",
            Scheme::RubyGems => "RubyGems",
        }
    }

    /// The purl `vers:` type that names this scheme.
    pub fn vers_type(self) -> &'static str {
        match self {
            Scheme::SemVer => "semver",
            Scheme::Npm => "npm",
            Scheme::Go => "golang",
            Scheme::Pep440 => "pypi",
            Scheme::Maven => "maven",
            Scheme::Debian => "deb",
            Scheme::Rpm => "rpm",
            Scheme::Alpine => "apk",
            Scheme::NuGet => "nuget",
            Scheme::RubyGems => "gem",
        }
    }

    /// The scheme of a `vers:` type (lower-case, as the vers spec requires), if supported.
    pub fn from_vers_type(vers_type: &str) -> Option<Scheme> {
        Some(match vers_type {
            "semver" | "cargo" | "hex" | "pub" => Scheme::SemVer,
            "npm" => Scheme::Npm,
            "golang" => Scheme::Go,
            "pypi" => Scheme::Pep440,
            "maven" => Scheme::Maven,
            "deb" | "debian" => Scheme::Debian,
            "rpm" => Scheme::Rpm,
            "apk" | "alpine" => Scheme::Alpine,
            "nuget" => Scheme::NuGet,
            "gem" => Scheme::RubyGems,
            _ => return None,
        })
    }

    /// The form this scheme accepts, for error messages.
    pub fn expected_form(self) -> &'static str {
        match self {
            Scheme::SemVer => {
                "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] as in SemVer 2.0, e.g. 1.4.3 or 2.0.0-rc.1"
            }
            Scheme::Npm => "a node-semver version, e.g. 1.4.3, v1.4.3 or 2.0.0-beta.1",
            Scheme::Go => {
                "a Go module version, e.g. v1.4.3, v0.0.0-20191109021931-daa7c04131f5 or v2.0.0+incompatible"
            }
            Scheme::Pep440 => "a PEP 440 version, e.g. 1.4.3, 2.0rc1, 1!2.0.post1 or 1.0+local.1",
            Scheme::Maven => "a Maven version, e.g. 1.4.3, 2.0-beta-1 or 1.0.0-SNAPSHOT",
            Scheme::Debian => {
                "[epoch:]upstream[-revision] as dpkg accepts it, e.g. 1:2.30-1+deb12u1"
            }
            Scheme::Rpm => "[epoch:]version[-release] as rpm accepts it, e.g. 1:3.0.7-16.el9",
            Scheme::Alpine => {
                "an apk version digit{.digit}[letter]{_suffix[N]}[~hash][-rN], e.g. 3.1.4_p2-r1"
            }
            Scheme::NuGet => {
                "a NuGet version of 1-4 numbers with optional -prerelease and +metadata, e.g. 6.0.0.1 or 2.1.0-beta.2"
            }
            Scheme::RubyGems => "a RubyGems version, e.g. 7.0.4, 1.0.0.pre.rc1 or 2.0.0-beta",
        }
    }

    /// Parses `text` under this scheme's rules.
    pub fn parse(self, text: &str) -> Result<Version, VersionError> {
        if text.len() > MAX_VERSION_LEN {
            return Err(VersionError::new(
                self,
                text,
                format!("longer than {MAX_VERSION_LEN} bytes"),
            ));
        }
        Ok(match self {
            Scheme::SemVer => Version::SemVer(SemVer::parse(text)?),
            Scheme::Npm => Version::Npm(SemVer::parse_npm(text)?),
            Scheme::Go => Version::Go(GoVersion::parse(text)?),
            Scheme::Pep440 => Version::Pep440(Pep440Version::parse(text)?),
            Scheme::Maven => Version::Maven(MavenVersion::parse(text)?),
            Scheme::Debian => Version::Debian(DebianVersion::parse(text)?),
            Scheme::Rpm => Version::Rpm(RpmVersion::parse(text)?),
            Scheme::Alpine => Version::Alpine(AlpineVersion::parse(text)?),
            Scheme::NuGet => Version::NuGet(NuGetVersion::parse(text)?),
            Scheme::RubyGems => Version::RubyGems(GemVersion::parse(text)?),
        })
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A parsed version of one scheme. Versions of the same scheme are ordered by
/// [`Version::cmp_same_scheme`] (a total order for every scheme except Maven, whose own order
/// has cycles in corner cases: sort with [`crate::sort_by_version`]); versions of different
/// schemes are not comparable, and `partial_cmp` says so with `None`.
#[derive(Debug, Clone)]
pub enum Version {
    /// See [`Scheme::SemVer`].
    SemVer(SemVer),
    /// See [`Scheme::Npm`].
    Npm(SemVer),
    /// See [`Scheme::Go`].
    Go(GoVersion),
    /// See [`Scheme::Pep440`].
    Pep440(Pep440Version),
    /// See [`Scheme::Maven`].
    Maven(MavenVersion),
    /// See [`Scheme::Debian`].
    Debian(DebianVersion),
    /// See [`Scheme::Rpm`].
    Rpm(RpmVersion),
    /// See [`Scheme::Alpine`].
    Alpine(AlpineVersion),
    /// See [`Scheme::NuGet`].
    NuGet(NuGetVersion),
    /// See [`Scheme::RubyGems`].
    RubyGems(GemVersion),
}

impl Version {
    /// Parses `text` under `scheme`'s rules (same as [`Scheme::parse`]).
    pub fn parse(scheme: Scheme, text: &str) -> Result<Version, VersionError> {
        scheme.parse(text)
    }

    /// The scheme this version belongs to.
    pub fn scheme(&self) -> Scheme {
        match self {
            Version::SemVer(_) => Scheme::SemVer,
            Version::Npm(_) => Scheme::Npm,
            Version::Go(_) => Scheme::Go,
            Version::Pep440(_) => Scheme::Pep440,
            Version::Maven(_) => Scheme::Maven,
            Version::Debian(_) => Scheme::Debian,
            Version::Rpm(_) => Scheme::Rpm,
            Version::Alpine(_) => Scheme::Alpine,
            Version::NuGet(_) => Scheme::NuGet,
            Version::RubyGems(_) => Scheme::RubyGems,
        }
    }

    /// Compares two versions of the same scheme; `None` when the schemes differ.
    #[inline]
    pub fn cmp_same_scheme(&self, other: &Version) -> Option<Ordering> {
        Some(match (self, other) {
            (Version::SemVer(a), Version::SemVer(b)) => a.cmp(b),
            (Version::Npm(a), Version::Npm(b)) => a.cmp(b),
            (Version::Go(a), Version::Go(b)) => a.cmp(b),
            (Version::Pep440(a), Version::Pep440(b)) => a.cmp(b),
            (Version::Maven(a), Version::Maven(b)) => a.compare(b),
            (Version::Debian(a), Version::Debian(b)) => a.cmp(b),
            (Version::Rpm(a), Version::Rpm(b)) => a.cmp(b),
            (Version::Alpine(a), Version::Alpine(b)) => a.cmp(b),
            (Version::NuGet(a), Version::NuGet(b)) => a.cmp(b),
            (Version::RubyGems(a), Version::RubyGems(b)) => a.cmp(b),
            _ => return None,
        })
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp_same_scheme(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.cmp_same_scheme(other)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::SemVer(v) | Version::Npm(v) => v.fmt(f),
            Version::Go(v) => v.fmt(f),
            Version::Pep440(v) => v.fmt(f),
            Version::Maven(v) => v.fmt(f),
            Version::Debian(v) => v.fmt(f),
            Version::Rpm(v) => v.fmt(f),
            Version::Alpine(v) => v.fmt(f),
            Version::NuGet(v) => v.fmt(f),
            Version::RubyGems(v) => v.fmt(f),
        }
    }
}
