//! Package ecosystems as OSV names them (`PyPI`, `Debian:12`, `Ubuntu:22.04:LTS`, ...) and as
//! purl types name them (`pypi`, `deb`, ...), and the version scheme each one sorts by.

use std::fmt;

use crate::Scheme;

macro_rules! ecosystems {
    ($($variant:ident => $name:literal, $scheme:expr;)*) => {
        /// A package ecosystem. The OSV ecosystem names are the reference; ecosystems without a
        /// version ordering here (e.g. Packagist, CRAN) have no [`Ecosystem::scheme`], and OSV
        /// `ECOSYSTEM` ranges for them fall back to the advisory's `versions` list.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Ecosystem {
            $(
                #[doc = concat!("OSV `", $name, "`.")]
                $variant,
            )*
            /// An ecosystem this crate does not know; [`OsvEcosystem::name`] keeps its text.
            Unknown,
        }

        impl Ecosystem {
            /// Every known ecosystem.
            pub const ALL: &'static [Ecosystem] = &[$(Ecosystem::$variant,)*];

            /// The OSV name (`"Unknown"` for [`Ecosystem::Unknown`]).
            pub fn osv_name(self) -> &'static str {
                match self {
                    $(Ecosystem::$variant => $name,)*
                    Ecosystem::Unknown => "Unknown",
                }
            }

            /// The version ordering of this ecosystem, if this crate has one.
            pub fn scheme(self) -> Option<Scheme> {
                match self {
                    $(Ecosystem::$variant => $scheme,)*
                    Ecosystem::Unknown => None,
                }
            }

            /// The ecosystem of an OSV ecosystem name without release suffix. OSV names are
            /// matched exactly first, then ignoring ASCII case (advisories in the wild use
            /// `pypi` or `NPM`).
            pub fn from_osv_name(name: &str) -> Ecosystem {
                match name {
                    $($name => return Ecosystem::$variant,)*
                    _ => {}
                }
                Self::ALL
                    .iter()
                    .copied()
                    .find(|e| e.osv_name().eq_ignore_ascii_case(name))
                    .unwrap_or(Ecosystem::Unknown)
            }
        }
    };
}

ecosystems! {
    AlmaLinux => "AlmaLinux", Some(Scheme::Rpm);
    Alpaquita => "Alpaquita", Some(Scheme::Alpine);
    Alpine => "Alpine", Some(Scheme::Alpine);
    Android => "Android", None;
    AzureLinux => "Azure Linux", Some(Scheme::Rpm);
    Bioconductor => "Bioconductor", None;
    Bitnami => "Bitnami", Some(Scheme::SemVer);
    Chainguard => "Chainguard", Some(Scheme::Alpine);
    ConanCenter => "ConanCenter", None;
    Cran => "CRAN", None;
    CratesIo => "crates.io", Some(Scheme::SemVer);
    Debian => "Debian", Some(Scheme::Debian);
    Ghc => "GHC", None;
    GitHubActions => "GitHub Actions", Some(Scheme::Npm);
    Go => "Go", Some(Scheme::Go);
    Hackage => "Hackage", None;
    Hex => "Hex", Some(Scheme::SemVer);
    Julia => "Julia", None;
    Kubernetes => "Kubernetes", Some(Scheme::Go);
    Linux => "Linux", None;
    Mageia => "Mageia", Some(Scheme::Rpm);
    Maven => "Maven", Some(Scheme::Maven);
    MinimOs => "MinimOS", Some(Scheme::Alpine);
    Npm => "npm", Some(Scheme::Npm);
    NuGet => "NuGet", Some(Scheme::NuGet);
    Opam => "opam", None;
    OpenEuler => "openEuler", Some(Scheme::Rpm);
    OpenSuse => "openSUSE", Some(Scheme::Rpm);
    OssFuzz => "OSS-Fuzz", None;
    Packagist => "Packagist", None;
    PhotonOs => "Photon OS", Some(Scheme::Rpm);
    Pub => "Pub", Some(Scheme::SemVer);
    PyPI => "PyPI", Some(Scheme::Pep440);
    RedHat => "Red Hat", Some(Scheme::Rpm);
    RockyLinux => "Rocky Linux", Some(Scheme::Rpm);
    RubyGems => "RubyGems", Some(Scheme::RubyGems);
    Suse => "SUSE", Some(Scheme::Rpm);
    SwiftUrl => "SwiftURL", Some(Scheme::Npm);
    Ubuntu => "Ubuntu", Some(Scheme::Debian);
    VsCode => "VSCode", None;
    Wolfi => "Wolfi", Some(Scheme::Alpine);
}

impl Ecosystem {
    /// The ecosystem of a purl type (`pkg:<type>/...`, lower case). For `deb`, `rpm` and `apk`
    /// the namespace names the distribution (`pkg:deb/ubuntu/...`, `pkg:rpm/redhat/...`,
    /// `pkg:apk/wolfi/...`); without a known one they default to Debian, Red Hat and Alpine.
    /// Types without an OSV ecosystem (`github`, `generic`, ...) give `None`.
    pub fn from_purl_type(purl_type: &str, namespace: Option<&str>) -> Option<Ecosystem> {
        let ns = namespace.map(str::to_ascii_lowercase);
        let ns = ns.as_deref();
        Some(match purl_type.to_ascii_lowercase().as_str() {
            "npm" => Ecosystem::Npm,
            "cargo" => Ecosystem::CratesIo,
            "golang" => Ecosystem::Go,
            "pypi" => Ecosystem::PyPI,
            "maven" => Ecosystem::Maven,
            "nuget" => Ecosystem::NuGet,
            "gem" => Ecosystem::RubyGems,
            "composer" => Ecosystem::Packagist,
            "hex" => Ecosystem::Hex,
            "pub" => Ecosystem::Pub,
            "swift" => Ecosystem::SwiftUrl,
            "cran" => Ecosystem::Cran,
            "hackage" => Ecosystem::Hackage,
            "conan" => Ecosystem::ConanCenter,
            "bitnami" => Ecosystem::Bitnami,
            "githubactions" => Ecosystem::GitHubActions,
            "opam" => Ecosystem::Opam,
            "julia" => Ecosystem::Julia,
            "deb" => match ns {
                Some("ubuntu") => Ecosystem::Ubuntu,
                _ => Ecosystem::Debian,
            },
            "apk" => match ns {
                Some("wolfi") => Ecosystem::Wolfi,
                Some("chainguard") => Ecosystem::Chainguard,
                Some("minimos") => Ecosystem::MinimOs,
                Some("alpaquita") => Ecosystem::Alpaquita,
                _ => Ecosystem::Alpine,
            },
            "rpm" => match ns {
                Some("almalinux") => Ecosystem::AlmaLinux,
                Some("rocky") | Some("rockylinux") => Ecosystem::RockyLinux,
                Some("opensuse") => Ecosystem::OpenSuse,
                Some("suse") | Some("sles") => Ecosystem::Suse,
                Some("mageia") => Ecosystem::Mageia,
                Some("openeuler") => Ecosystem::OpenEuler,
                Some("photon") => Ecosystem::PhotonOs,
                Some("azurelinux") | Some("mariner") => Ecosystem::AzureLinux,
                _ => Ecosystem::RedHat,
            },
            _ => return None,
        })
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// An OSV `affected[].package.ecosystem` string, split into the ecosystem and its optional
/// suffix after the first `:` (`Debian:12`, `Alpine:v3.20`, `Ubuntu:Pro:18.04:LTS`,
/// `Red Hat:rhel_aus:8.4::appstream`, `Maven:https://maven.google.com`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OsvEcosystem {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The ecosystem name as written (kept for unknown ecosystems and messages).
    pub name: String,
    /// The suffix after the first `:`, if any (a release, a product stream or a repository).
    pub release: Option<String>,
}

impl OsvEcosystem {
    /// Splits an OSV ecosystem string. Never fails: unknown names give [`Ecosystem::Unknown`].
    pub fn parse(text: &str) -> OsvEcosystem {
        let (name, release) = match text.split_once(':') {
            Some((name, release)) => (name, Some(release.to_owned())),
            None => (text, None),
        };
        let name = name.trim();
        OsvEcosystem {
            ecosystem: Ecosystem::from_osv_name(name),
            name: name.to_owned(),
            release,
        }
    }

    /// The version ordering of the ecosystem, if known.
    pub fn scheme(&self) -> Option<Scheme> {
        self.ecosystem.scheme()
    }
}

impl fmt::Display for OsvEcosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(release) = &self.release {
            write!(f, ":{release}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_names_with_suffixes() {
        let debian = OsvEcosystem::parse("Debian:12");
        assert_eq!(debian.ecosystem, Ecosystem::Debian);
        assert_eq!(debian.release.as_deref(), Some("12"));
        assert_eq!(debian.scheme(), Some(Scheme::Debian));
        let alpine = OsvEcosystem::parse("Alpine:v3.20");
        assert_eq!(
            (alpine.ecosystem, alpine.release.as_deref()),
            (Ecosystem::Alpine, Some("v3.20"))
        );
        let ubuntu = OsvEcosystem::parse("Ubuntu:Pro:18.04:LTS");
        assert_eq!(ubuntu.ecosystem, Ecosystem::Ubuntu);
        assert_eq!(ubuntu.release.as_deref(), Some("Pro:18.04:LTS"));
        assert_eq!(ubuntu.to_string(), "Ubuntu:Pro:18.04:LTS");
        let maven = OsvEcosystem::parse("Maven:https://maven.google.com");
        assert_eq!(maven.ecosystem, Ecosystem::Maven);
        assert_eq!(
            OsvEcosystem::parse("Red Hat:rhel_aus:8.4::appstream").scheme(),
            Some(Scheme::Rpm)
        );
        assert_eq!(OsvEcosystem::parse("pypi").ecosystem, Ecosystem::PyPI);
        assert_eq!(
            OsvEcosystem::parse("crates.io").scheme(),
            Some(Scheme::SemVer)
        );
        let unknown = OsvEcosystem::parse("Nonesuch:1");
        assert_eq!(
            (unknown.ecosystem, unknown.name.as_str()),
            (Ecosystem::Unknown, "Nonesuch")
        );
        assert_eq!(OsvEcosystem::parse("Packagist").scheme(), None);
        for e in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_osv_name(e.osv_name()), *e);
        }
    }

    #[test]
    fn purl_types() {
        assert_eq!(
            Ecosystem::from_purl_type("cargo", None),
            Some(Ecosystem::CratesIo)
        );
        assert_eq!(
            Ecosystem::from_purl_type("golang", None),
            Some(Ecosystem::Go)
        );
        assert_eq!(
            Ecosystem::from_purl_type("deb", Some("ubuntu")),
            Some(Ecosystem::Ubuntu)
        );
        assert_eq!(
            Ecosystem::from_purl_type("deb", Some("debian")),
            Some(Ecosystem::Debian)
        );
        assert_eq!(
            Ecosystem::from_purl_type("rpm", Some("rocky")),
            Some(Ecosystem::RockyLinux)
        );
        assert_eq!(
            Ecosystem::from_purl_type("apk", Some("wolfi")),
            Some(Ecosystem::Wolfi)
        );
        assert_eq!(
            Ecosystem::from_purl_type("gem", None),
            Some(Ecosystem::RubyGems)
        );
        assert_eq!(Ecosystem::from_purl_type("github", None), None);
        assert_eq!(Ecosystem::from_purl_type("generic", None), None);
    }
}
