//! Package URLs: parsed with the `packageurl` crate (which implements the purl-spec test suite)
//! and normalised on top where the specification or real SBOMs need more.
//!
//! What is added on top of `packageurl`:
//! - surrounding whitespace is ignored (SBOM generators leave it);
//! - npm scopes are lower-cased like npm names (the current purl-spec tests require it);
//! - the canonical string is computed once and is what equality, ordering and hashing use.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use packageurl::PackageUrl;
use serde::{Deserialize, Serialize};

use crate::ecosystem::{Ecosystem, PackageKey};

/// A parsed, normalised package URL.
#[derive(Debug, Clone)]
pub struct Purl {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
    canonical: String,
}

/// A string that is not a usable package URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a valid package URL: {reason}")]
pub struct PurlError {
    /// The text as given (cut to 200 characters).
    pub input: String,
    /// Why, in the words of the purl parser.
    pub reason: String,
}

impl Purl {
    /// Parses and normalises a purl.
    pub fn parse(text: &str) -> Result<Purl, PurlError> {
        let fail = |reason: String| PurlError {
            input: text.chars().take(200).collect(),
            reason,
        };
        let trimmed = text.trim();
        let parsed = PackageUrl::from_str(trimmed).map_err(|e| fail(e.to_string()))?;
        let mut namespace = parsed.namespace().map(str::to_string);
        let mut changed = false;
        if parsed.ty() == "npm"
            && let Some(ns) = &namespace
            && ns.chars().any(char::is_uppercase)
        {
            namespace = Some(ns.to_lowercase());
            changed = true;
        }
        let qualifiers: BTreeMap<String, String> = parsed
            .qualifiers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut purl = Purl {
            ty: parsed.ty().to_string(),
            namespace,
            name: parsed.name().to_string(),
            version: parsed.version().map(str::to_string),
            qualifiers,
            subpath: parsed.subpath().map(str::to_string),
            canonical: String::new(),
        };
        // Rebuilding is needed only when a component changed after packageurl's parse.
        purl.canonical = if changed {
            purl.render().map_err(|e| fail(e.to_string()))?
        } else {
            parsed.to_string()
        };
        Ok(purl)
    }

    /// Builds the canonical string through `packageurl`, so percent-encoding and qualifier
    /// order follow its (tested) rules.
    fn render(&self) -> Result<String, packageurl::Error> {
        let mut p = PackageUrl::new(self.ty.as_str(), self.name.as_str())?;
        if let Some(ns) = &self.namespace {
            p.with_namespace(ns.as_str())?;
        }
        if let Some(v) = &self.version {
            p.with_version(v.as_str())?;
        }
        for (k, v) in &self.qualifiers {
            p.add_qualifier(k.as_str(), v.as_str())?;
        }
        if let Some(s) = &self.subpath {
            p.with_subpath(s.as_str())?;
        }
        Ok(p.to_string())
    }

    /// The type, lower case (`npm`, `maven`, `deb`, ...).
    pub fn ty(&self) -> &str {
        &self.ty
    }

    /// The namespace (Maven group, npm scope with `@`, Debian vendor, Go module prefix).
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The version, decoded.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// All qualifiers, keys lower case, sorted.
    pub fn qualifiers(&self) -> &BTreeMap<String, String> {
        &self.qualifiers
    }

    /// One qualifier's value.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers.get(key).map(String::as_str)
    }

    /// The subpath.
    pub fn subpath(&self) -> Option<&str> {
        self.subpath.as_deref()
    }

    /// The canonical string form.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The same package without version, qualifiers and subpath: what identifies the package
    /// across its versions.
    pub fn package(&self) -> Purl {
        let mut p = Purl {
            ty: self.ty.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            version: None,
            qualifiers: BTreeMap::new(),
            subpath: None,
            canonical: String::new(),
        };
        p.canonical = p.render().unwrap_or_else(|_| self.canonical.clone());
        p
    }

    /// The OSV ecosystem and release of this package, if OSV has one for its type.
    pub fn ecosystem(&self) -> Option<(Ecosystem, Option<String>)> {
        Ecosystem::from_purl(self)
    }

    /// The key to look the package up among advisories, and the distribution release.
    pub fn package_key(&self) -> Option<(PackageKey, Option<String>)> {
        PackageKey::from_purl(self)
    }
}

impl PartialEq for Purl {
    fn eq(&self, other: &Self) -> bool {
        self.canonical == other.canonical
    }
}

impl Eq for Purl {}

impl std::hash::Hash for Purl {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.canonical.hash(state);
    }
}

impl PartialOrd for Purl {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Purl {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.canonical.cmp(&other.canonical)
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl FromStr for Purl {
    type Err = PurlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Purl::parse(s)
    }
}

impl Serialize for Purl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical)
    }
}

impl<'de> Deserialize<'de> for Purl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Purl::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        let p = Purl::parse(" pkg:PYPI/Django_package@1.11.1.dev1 ").unwrap();
        assert_eq!(p.as_str(), "pkg:pypi/django-package@1.11.1.dev1");
        let p = Purl::parse("pkg:npm/@Babel/Core@7.0.0").unwrap();
        assert_eq!(p.as_str(), "pkg:npm/%40babel/core@7.0.0");
        assert_eq!(p.package().as_str(), "pkg:npm/%40babel/core");
    }

    #[test]
    fn rejects() {
        let e = Purl::parse("EnterpriseLibrary.Common@6.0.1304").unwrap_err();
        assert!(e.to_string().contains("not a valid package URL"), "{e}");
    }
}
