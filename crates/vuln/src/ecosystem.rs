//! OSV ecosystems, their purl types, and the package key both sides of a match agree on.

use std::fmt;

use serde::Serialize;

use crate::purl::Purl;

macro_rules! ecosystems {
    ($($variant:ident => $osv:literal, $purl:expr;)*) => {
        /// An OSV ecosystem (the part of `affected[].package.ecosystem` before any `:release`).
        /// Unknown names are kept, so new OSV ecosystems pass through rather than failing.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Ecosystem {
            $(
                #[doc = concat!("`", $osv, "`")]
                $variant,
            )*
            /// An ecosystem this crate does not know, as spelled in the advisory.
            Other(String),
        }

        impl Ecosystem {
            /// The name as OSV spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Ecosystem::$variant => $osv,)*
                    Ecosystem::Other(name) => name,
                }
            }

            /// The purl type of packages of this ecosystem, if purl has one.
            pub fn purl_type(&self) -> Option<&'static str> {
                match self {
                    $(Ecosystem::$variant => $purl,)*
                    Ecosystem::Other(_) => None,
                }
            }

            /// The ecosystem named exactly so (OSV names are case-sensitive, but people
            /// mistype the case: a case-insensitive match is accepted too).
            fn from_name(name: &str) -> Ecosystem {
                $(if name == $osv { return Ecosystem::$variant; })*
                $(if name.eq_ignore_ascii_case($osv) { return Ecosystem::$variant; })*
                Ecosystem::Other(name.to_string())
            }
        }
    };
}

ecosystems! {
    PyPi => "PyPI", Some("pypi");
    Npm => "npm", Some("npm");
    CratesIo => "crates.io", Some("cargo");
    Go => "Go", Some("golang");
    Maven => "Maven", Some("maven");
    NuGet => "NuGet", Some("nuget");
    RubyGems => "RubyGems", Some("gem");
    Packagist => "Packagist", Some("composer");
    Hex => "Hex", Some("hex");
    Pub => "Pub", Some("pub");
    Cran => "CRAN", Some("cran");
    Hackage => "Hackage", Some("hackage");
    SwiftUrl => "SwiftURL", Some("swift");
    ConanCenter => "ConanCenter", Some("conan");
    Bitnami => "Bitnami", Some("bitnami");
    Opam => "opam", Some("opam");
    Julia => "Julia", Some("julia");
    Debian => "Debian", Some("deb");
    Ubuntu => "Ubuntu", Some("deb");
    Alpine => "Alpine", Some("apk");
    Wolfi => "Wolfi", Some("apk");
    Chainguard => "Chainguard", Some("apk");
    RedHat => "Red Hat", Some("rpm");
    AlmaLinux => "AlmaLinux", Some("rpm");
    RockyLinux => "Rocky Linux", Some("rpm");
    Suse => "SUSE", Some("rpm");
    OpenSuse => "openSUSE", Some("rpm");
    OpenEuler => "openEuler", Some("rpm");
    Mageia => "Mageia", Some("rpm");
    Android => "Android", None;
    Linux => "Linux", None;
    OssFuzz => "OSS-Fuzz", None;
    GitHubActions => "GitHub Actions", Some("githubactions");
}

impl Ecosystem {
    /// Splits an OSV ecosystem string such as `Debian:12` or `Ubuntu:22.04:LTS` into the
    /// ecosystem and its release (`12`, `22.04:LTS`).
    pub fn parse(text: &str) -> (Ecosystem, Option<String>) {
        let text = text.trim();
        match text.split_once(':') {
            Some((name, release)) if !release.is_empty() => {
                (Ecosystem::from_name(name), Some(release.to_string()))
            }
            Some((name, _)) => (Ecosystem::from_name(name), None),
            None => (Ecosystem::from_name(text), None),
        }
    }

    /// The ecosystem of a purl, with the distribution release when the type needs one
    /// (`deb`, `apk`, `rpm` read the `distro` qualifier and the namespace). `None` for purl
    /// types that OSV has no ecosystem for (`github`, `generic`, ...): such components can be
    /// matched only by CPE or by hand.
    pub fn from_purl(purl: &Purl) -> Option<(Ecosystem, Option<String>)> {
        let namespace = purl.namespace().unwrap_or_default().to_ascii_lowercase();
        let distro = purl.qualifier("distro");
        let ecosystem = match purl.ty() {
            "pypi" => Ecosystem::PyPi,
            "npm" => Ecosystem::Npm,
            "cargo" => Ecosystem::CratesIo,
            "golang" => Ecosystem::Go,
            "maven" => Ecosystem::Maven,
            "nuget" => Ecosystem::NuGet,
            "gem" => Ecosystem::RubyGems,
            "composer" => Ecosystem::Packagist,
            "hex" => Ecosystem::Hex,
            "pub" => Ecosystem::Pub,
            "cran" => Ecosystem::Cran,
            "hackage" => Ecosystem::Hackage,
            "swift" => Ecosystem::SwiftUrl,
            "conan" => Ecosystem::ConanCenter,
            "bitnami" => Ecosystem::Bitnami,
            "opam" => Ecosystem::Opam,
            "julia" => Ecosystem::Julia,
            "githubactions" => Ecosystem::GitHubActions,
            "deb" => {
                let ecosystem = match namespace.as_str() {
                    "ubuntu" => Ecosystem::Ubuntu,
                    "debian" | "" => Ecosystem::Debian,
                    _ => return None,
                };
                let release = distro.and_then(|d| debian_release(&ecosystem, d));
                return Some((ecosystem, release));
            }
            "apk" => {
                let ecosystem = match namespace.as_str() {
                    "alpine" | "" => Ecosystem::Alpine,
                    "wolfi" => Ecosystem::Wolfi,
                    "chainguard" => Ecosystem::Chainguard,
                    _ => return None,
                };
                let release = match ecosystem {
                    Ecosystem::Alpine => distro.and_then(alpine_release),
                    _ => None,
                };
                return Some((ecosystem, release));
            }
            "rpm" => {
                let ecosystem = match namespace.as_str() {
                    "redhat" | "rhel" => Ecosystem::RedHat,
                    "almalinux" => Ecosystem::AlmaLinux,
                    "rocky" | "rocky-linux" | "rockylinux" => Ecosystem::RockyLinux,
                    "suse" | "sles" => Ecosystem::Suse,
                    "opensuse" => Ecosystem::OpenSuse,
                    "openeuler" => Ecosystem::OpenEuler,
                    "mageia" => Ecosystem::Mageia,
                    _ => return None,
                };
                let release = distro.map(|d| strip_distro_prefix(d, &namespace).to_string());
                return Some((ecosystem, release));
            }
            _ => return None,
        };
        Some((ecosystem, None))
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Ecosystem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// `debian-12`, `bookworm`, `12` -> `12`; `ubuntu-22.04` -> `22.04`.
fn debian_release(ecosystem: &Ecosystem, distro: &str) -> Option<String> {
    let lower = distro.to_ascii_lowercase();
    let rest = strip_distro_prefix(&lower, ecosystem.as_str());
    if *ecosystem == Ecosystem::Debian {
        // Debian codenames, as SBOM generators often write them instead of numbers.
        const CODENAMES: &[(&str, &str)] = &[
            ("jessie", "8"),
            ("stretch", "9"),
            ("buster", "10"),
            ("bullseye", "11"),
            ("bookworm", "12"),
            ("trixie", "13"),
            ("forky", "14"),
        ];
        if let Some((_, number)) = CODENAMES.iter().find(|(name, _)| *name == rest) {
            return Some((*number).to_string());
        }
        // OSV uses the major release only: `Debian:12`, not `Debian:12.4`.
        let major = rest.split('.').next().unwrap_or(rest);
        return (!major.is_empty()).then(|| major.to_string());
    }
    (!rest.is_empty()).then(|| rest.to_string())
}

/// `alpine-3.20.1`, `3.20` -> `v3.20` (OSV spells Alpine releases `Alpine:v3.20`).
fn alpine_release(distro: &str) -> Option<String> {
    let lower = distro.to_ascii_lowercase();
    let rest = strip_distro_prefix(&lower, "alpine");
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    let mut parts = rest.split('.');
    let major = parts.next().filter(|p| !p.is_empty())?;
    match parts.next() {
        Some(minor) => Some(format!("v{major}.{minor}")),
        None => Some(format!("v{major}")),
    }
}

fn strip_distro_prefix<'a>(distro: &'a str, name: &str) -> &'a str {
    let lower_name = name.to_ascii_lowercase();
    if distro.len() > lower_name.len()
        && distro
            .get(..lower_name.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(&lower_name))
    {
        let rest = distro.get(lower_name.len()..).unwrap_or_default();
        return rest.trim_start_matches(['-', '_', ':', '/']);
    }
    distro
}

/// The key an advisory's package and an SBOM component must share to be compared at all:
/// the ecosystem (without release) and the package name as OSV writes it, normalised where
/// the ecosystem treats names as equal (PyPI per PEP 503, NuGet case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PackageKey {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The normalised package name.
    pub name: String,
}

impl PackageKey {
    /// The key of a package named as in an OSV advisory.
    pub fn new(ecosystem: Ecosystem, name: &str) -> PackageKey {
        let name = normalise_name(&ecosystem, name.trim());
        PackageKey { ecosystem, name }
    }

    /// The key of a purl, with the distribution release if any; `None` if OSV has no
    /// ecosystem for the purl's type.
    pub fn from_purl(purl: &Purl) -> Option<(PackageKey, Option<String>)> {
        let (ecosystem, release) = Ecosystem::from_purl(purl)?;
        let name = match (&ecosystem, purl.namespace()) {
            (Ecosystem::Maven, Some(group)) => format!("{group}:{}", purl.name()),
            (
                Ecosystem::Npm
                | Ecosystem::Go
                | Ecosystem::Packagist
                | Ecosystem::SwiftUrl
                | Ecosystem::GitHubActions,
                Some(namespace),
            ) => format!("{namespace}/{}", purl.name()),
            _ => purl.name().to_string(),
        };
        Some((PackageKey::new(ecosystem, &name), release))
    }
}

impl fmt::Display for PackageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.ecosystem, self.name)
    }
}

/// Package-name equality per ecosystem.
fn normalise_name(ecosystem: &Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::PyPi => pep503(name),
        Ecosystem::NuGet | Ecosystem::Packagist | Ecosystem::Npm => name.to_lowercase(),
        _ => name.to_string(),
    }
}

/// PEP 503 normalisation: lower case, and every run of `-`, `_` and `.` becomes one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_releases() {
        assert_eq!(
            Ecosystem::parse("Debian:12"),
            (Ecosystem::Debian, Some("12".into()))
        );
        assert_eq!(
            Ecosystem::parse("Ubuntu:22.04:LTS"),
            (Ecosystem::Ubuntu, Some("22.04:LTS".into()))
        );
        assert_eq!(Ecosystem::parse("PyPI"), (Ecosystem::PyPi, None));
        assert_eq!(Ecosystem::parse("pypi"), (Ecosystem::PyPi, None));
        assert_eq!(
            Ecosystem::parse("Brand New"),
            (Ecosystem::Other("Brand New".into()), None)
        );
    }

    #[test]
    fn pep503_collapses_runs() {
        assert_eq!(pep503("Foo.Bar__baz-_-Q"), "foo-bar-baz-q");
    }

    #[test]
    fn distro_releases() {
        assert_eq!(alpine_release("alpine-3.20.1").as_deref(), Some("v3.20"));
        assert_eq!(alpine_release("3.18").as_deref(), Some("v3.18"));
        assert_eq!(
            debian_release(&Ecosystem::Debian, "bookworm").as_deref(),
            Some("12")
        );
        assert_eq!(
            debian_release(&Ecosystem::Debian, "debian-11.6").as_deref(),
            Some("11")
        );
        assert_eq!(
            debian_release(&Ecosystem::Ubuntu, "ubuntu-22.04").as_deref(),
            Some("22.04")
        );
    }
}
