//! `vers:` ranges: syntax errors from the vers spec's test suite rules, normalisation, and
//! containment per scheme.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iotlabel_versions::{Scheme, VersError, VersRange};

fn contains(range: &str, version: &str) -> bool {
    VersRange::parse_lenient(range)
        .unwrap()
        .contains_str(version)
        .unwrap()
}

#[test]
fn the_npm_example() {
    let r = VersRange::parse("vers:npm/>=1.6.5|<1.7.0|>=1.7.2").unwrap();
    assert_eq!(r.scheme(), Scheme::Npm);
    assert_eq!(r.to_string(), "vers:npm/>=1.6.5|<1.7.0|>=1.7.2");
    for (v, inside) in [
        ("1.6.4", false),
        ("1.6.5", true),
        ("1.6.9", true),
        ("1.7.0", false),
        ("1.7.1", false),
        ("1.7.2", true),
        ("9.0.0", true),
    ] {
        assert_eq!(r.contains_str(v).unwrap(), inside, "{v}");
    }
}

#[test]
fn containment_per_scheme() {
    assert!(contains("vers:pypi/>=1.0|<2.0", "1.5.post1"));
    assert!(!contains("vers:pypi/>=1.0|<2.0", "2.0.0"));
    assert!(contains("vers:deb/<1:2.0-1", "1:2.0-0+deb12u1"));
    assert!(contains("vers:rpm/<1:3.0.7-27.el9", "1:3.0.7-25.el9"));
    assert!(
        contains("vers:maven/>=2.0|<=2.3.1", "2.3.1.RELEASE"),
        "release == ga == no qualifier"
    );
    assert!(contains("vers:gem/<7.0.4", "7.0.4.rc1"));
    assert!(contains("vers:nuget/>=6.0.0|<6.0.1", "6.0.0.5"));
    assert!(contains("vers:apk/<3.3.2-r0", "3.3.1-r5"));
    assert!(contains(
        "vers:golang/>=v0.0.0-20191109021931-daa7c04131f5",
        "v0.1.0"
    ));
    assert!(contains("vers:cargo/<=1.0.0", "1.0.0+meta"));
    // Single bounds, exact versions, exclusions, star.
    assert!(contains("vers:npm/<2.0.0", "1.0.0") && !contains("vers:npm/<2.0.0", "2.0.0"));
    assert!(
        contains("vers:npm/1.0.0|2.0.0", "2.0.0") && !contains("vers:npm/1.0.0|2.0.0", "1.5.0")
    );
    assert!(contains("vers:npm/!=1.0.0", "1.5.0") && !contains("vers:npm/!=1.0.0", "1.0.0"));
    assert!(!contains("vers:npm/>=1.0.0|!=1.2.0|<2.0.0", "1.2.0"));
    assert!(contains("vers:npm/>=1.0.0|!=1.2.0|<2.0.0", "1.3.0"));
    assert!(contains("vers:npm/*", "0.0.1"));
    assert!(
        contains("vers:npm/<1.0.0|>2.0.0", "0.1.0") && !contains("vers:npm/<1.0.0|>2.0.0", "1.0.0")
    );
}

#[test]
fn spec_syntax_errors() {
    for bad in [
        "vers:npm/>=1.0.0| <2.0.0",
        "vers:npm/|>=1.0.0|<2.0.0",
        "vers:npm/>=1.0.0|<2.0.0|",
        "vers:npm/>=1.0.0||<2.0.0",
        "vers:npm/1.0%2G0",
        "vers:npm/=1.0.0",
        "vers:npm/",
        "npm/>=1.0.0",
        "VERS:npm/1.0.0",
        "vers:NPM/1.0.0",
        "vers:npm/*|>1.0.0",
        "vers:npm/>=",
    ] {
        assert!(
            matches!(VersRange::parse_lenient(bad), Err(VersError::Syntax { .. })),
            "{bad:?}: {:?}",
            VersRange::parse_lenient(bad)
        );
    }
    assert!(matches!(
        VersRange::parse("vers:datetime/2024"),
        Err(VersError::UnsupportedType(_))
    ));
    assert!(matches!(
        VersRange::parse("vers:npm/>=1.0"),
        Err(VersError::Version { .. })
    ));
    let e = VersRange::parse("vers:npm/>=1.0.0|=")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'=' is not a comparator"), "{e}");
}

#[test]
fn canonical_form_and_normalisation() {
    // Unsorted: refused by the strict parser with the normalised form, accepted by the lenient.
    let e = VersRange::parse("vers:npm/>=2.0.0|<1.0.0").unwrap_err();
    match &e {
        VersError::NotCanonical { normalised, .. } => {
            assert_eq!(normalised, "vers:npm/<1.0.0|>=2.0.0")
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("not sorted"), "{e}");
    // Redundant constraints are simplified as the spec describes.
    for (input, normalised) in [
        ("vers:npm/<1.0.0|<2.0.0", "vers:npm/<2.0.0"),
        ("vers:npm/>=1.0.0|>=2.0.0", "vers:npm/>=1.0.0"),
        ("vers:npm/>=1.0.0|1.5.0|<3.0.0", "vers:npm/>=1.0.0|<3.0.0"),
        ("vers:npm/1.0.0|<2.0.0", "vers:npm/<2.0.0"),
        ("vers:pypi/<2.0|>=1.0|!=1.5", "vers:pypi/>=1.0|!=1.5|<2.0"),
        ("vers:npm/1.0.0|1.0.0", "vers:npm/1.0.0"),
    ] {
        let r = VersRange::parse_lenient(input).unwrap();
        assert_eq!(r.to_string(), normalised, "{input}");
        assert!(
            VersRange::parse(normalised).is_ok(),
            "{normalised} is canonical"
        );
    }
    assert!(matches!(
        VersRange::parse("vers:npm/<1.0.0|<2.0.0"),
        Err(VersError::NotCanonical { .. })
    ));
    assert!(matches!(
        VersRange::parse("vers:npm/1.0.0|1.0.0"),
        Err(VersError::NotCanonical { .. })
    ));
    assert!(
        VersRange::parse_lenient("vers:npm/<1.0.0|>=1.0.0").is_err(),
        "two comparators for one version"
    );
    // Percent-encoding: decoded once, encoded back where needed.
    let r = VersRange::parse("vers:maven/1.0%20beta").unwrap();
    assert_eq!(r.constraints()[0].text, "1.0 beta");
    assert_eq!(r.to_string(), "vers:maven/1.0%20beta");
    // Equivalent versions are the same constraint version for the scheme.
    assert!(VersRange::parse("vers:pypi/>=1.0|<1.0.0").is_err());
}

#[test]
fn scheme_mismatch_is_an_error() {
    let r = VersRange::parse("vers:npm/>=1.0.0").unwrap();
    let v = Scheme::Pep440.parse("1.0").unwrap();
    assert!(matches!(
        r.contains(&v),
        Err(VersError::SchemeMismatch { .. })
    ));
}
