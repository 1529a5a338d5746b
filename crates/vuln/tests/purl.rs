//! Package URL parsing and normalisation against purl-spec cases, and the identity mapping
//! from purls to OSV ecosystems and package names.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use iotlabel_vuln::{Ecosystem, Purl};
use serde_json::Value;

fn cases(file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn opt(v: &Value) -> Option<&str> {
    v.as_str()
}

#[test]
fn purl_spec_cases() {
    let cases = cases("purl-spec-cases.json");
    assert_eq!(cases.len(), 41);
    for case in cases {
        let input = case["purl"].as_str().unwrap();
        let parsed = Purl::parse(input);
        if !case["valid"].as_bool().unwrap() {
            assert!(parsed.is_err(), "{input} should be refused, got {parsed:?}");
            continue;
        }
        let purl = parsed.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(purl.ty(), case["type"].as_str().unwrap(), "{input}");
        assert_eq!(purl.namespace(), opt(&case["namespace"]), "{input}");
        assert_eq!(purl.name(), case["name"].as_str().unwrap(), "{input}");
        assert_eq!(purl.version(), opt(&case["version"]), "{input}");
        assert_eq!(purl.subpath(), opt(&case["subpath"]), "{input}");
        let expected: BTreeMap<String, String> = case["qualifiers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        assert_eq!(purl.qualifiers(), &expected, "{input}");
        // The canonical form is stable: parsing it again gives the same purl and text.
        let again = Purl::parse(purl.as_str()).unwrap();
        assert_eq!(again.as_str(), purl.as_str(), "{input}");
        assert_eq!(again, purl);
        // Qualifiers are sorted in the canonical form.
        if let Some((_, query)) = purl.as_str().split_once('?') {
            let keys: Vec<&str> = query
                .split('#')
                .next()
                .unwrap()
                .split('&')
                .map(|kv| kv.split('=').next().unwrap())
                .collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            assert_eq!(keys, sorted, "{input}");
        }
    }
}

#[test]
fn canonical_strings_of_simple_cases() {
    for (input, canonical) in [
        (
            "pkg:PYPI/Django_package@1.11.1.dev1",
            "pkg:pypi/django-package@1.11.1.dev1",
        ),
        (
            "pkg:Nuget/EnterpriseLibrary.Common@6.0.1304",
            "pkg:nuget/EnterpriseLibrary.Common@6.0.1304",
        ),
        (
            "pkg:Rpm/fedora/curl@7.50.3-1.fc25?Distro=fedora-25&Arch=i386",
            "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25",
        ),
        (
            "pkg:GOLANG/google.golang.org/genproto#/googleapis/api/annotations/",
            "pkg:golang/google.golang.org/genproto#googleapis/api/annotations",
        ),
        (
            "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
            "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
        ),
        (
            "pkg:///maven/org.apache.commons/io",
            "pkg:maven/org.apache.commons/io",
        ),
        (
            "pkg:gem/jruby-launcher@1.1.2?Platform=java",
            "pkg:gem/jruby-launcher@1.1.2?platform=java",
        ),
    ] {
        assert_eq!(Purl::parse(input).unwrap().as_str(), canonical, "{input}");
    }
}

#[test]
fn purls_map_to_osv_identity() {
    for case in cases("purl-identity.json") {
        let input = case["purl"].as_str().unwrap();
        let purl = Purl::parse(input).unwrap_or_else(|e| panic!("{e}"));
        if let Some(canonical) = case["canonical"].as_str() {
            assert_eq!(purl.as_str(), canonical, "{input}");
        }
        match case["ecosystem"].as_str() {
            None => assert!(
                purl.package_key().is_none(),
                "{input}: {:?}",
                purl.package_key()
            ),
            Some(ecosystem) => {
                let (key, release) = purl.package_key().unwrap_or_else(|| panic!("{input}"));
                assert_eq!(key.ecosystem.as_str(), ecosystem, "{input}");
                assert_eq!(key.ecosystem, Ecosystem::parse(ecosystem).0, "{input}");
                assert_eq!(release.as_deref(), opt(&case["release"]), "{input}");
                assert_eq!(key.name, case["name"].as_str().unwrap(), "{input}");
                assert_eq!(key.ecosystem.purl_type(), Some(purl.ty()), "{input}");
            }
        }
    }
}

#[test]
fn advisory_and_sbom_sides_agree_on_keys() {
    use iotlabel_vuln::PackageKey;
    let purl = Purl::parse("pkg:pypi/Foo_Bar@1.0").unwrap();
    assert_eq!(
        purl.package_key().unwrap().0,
        PackageKey::new(Ecosystem::PyPi, "foo.bar")
    );
    let purl = Purl::parse("pkg:npm/JSONStream@1.3.5").unwrap();
    assert_eq!(
        purl.package_key().unwrap().0,
        PackageKey::new(Ecosystem::Npm, "JSONStream")
    );
    let purl = Purl::parse("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0").unwrap();
    assert_eq!(
        purl.package_key().unwrap().0,
        PackageKey::new(
            Ecosystem::Maven,
            "com.fasterxml.jackson.core:jackson-databind"
        )
    );
}

#[test]
fn refused_purls_say_why() {
    for bad in [
        "",
        "pkg:",
        "pkg:npm",
        "npm/foo@1",
        "pkg:1npm/foo",
        "pkg:npm/foo?a b=c",
    ] {
        let err = Purl::parse(bad).unwrap_err();
        assert!(
            err.to_string().contains("not a valid package URL"),
            "{bad}: {err}"
        );
    }
}
