//! SBOM ingest against the real samples in the shared data directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use iotlabel_testkit::shared_file;
use iotlabel_vuln::sbom::{self, ComponentKind, Unmatchable};
use iotlabel_vuln::{Ecosystem, Limits, Origin, Sbom, SbomFormat, VexStatus};

fn load(rel: &str) -> Sbom {
    let path = shared_file(&format!("data/{rel}"));
    sbom::load(&path, &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn every_cyclonedx_file_parses() {
    let mut files = Vec::new();
    let dir = shared_file("data/cyclonedx");
    files_under(&dir, "json", &mut files);
    files_under(&dir, "xml", &mut files);
    assert!(
        files.len() >= 44,
        "expected the CycloneDX samples, found {}",
        files.len()
    );
    for file in files {
        let bom = sbom::load(&file, &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            matches!(
                bom.format,
                SbomFormat::CycloneDxJson | SbomFormat::CycloneDxXml
            ),
            "{}",
            file.display()
        );
        assert!(
            bom.spec_version
                .as_deref()
                .is_some_and(|v| v.starts_with("1."))
        );
        for w in &bom.warnings {
            println!("{}: {w}", file.display());
        }
    }
}

#[test]
fn every_spdx_file_parses() {
    let mut files = Vec::new();
    files_under(&shared_file("data/spdx"), "json", &mut files);
    assert!(
        files.len() >= 9,
        "expected the SPDX samples, found {}",
        files.len()
    );
    for file in files {
        let bom = sbom::load(&file, &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!bom.components.is_empty(), "{}", file.display());
        for w in &bom.warnings {
            println!("{}: {w}", file.display());
        }
    }
}

#[test]
fn component_counts_match_the_documents() {
    // Counts include metadata.component; the samples are CycloneDX 1.2 to 1.4.
    for (rel, components, edges) in [
        ("cyclonedx/SBOM/dropwizard-1.3.15/bom.json", 168, 170),
        ("cyclonedx/SBOM/juice-shop/v11.1.2/bom.json", 841, 0),
        ("cyclonedx/SBOM/keycloak-10.0.2/bom.json", 904, 994),
        ("cyclonedx/SBOM/laravel-7.12.0/bom.1.4.json", 63, 113),
        ("cyclonedx/SBOM/laravel-7.12.0/bom.1.4.xml", 63, 113),
    ] {
        let bom = load(rel);
        assert_eq!(bom.components.len(), components, "{rel}");
        assert_eq!(bom.dependencies.len(), edges, "{rel}");
        assert_eq!(bom.described.len(), 1, "{rel}");
        assert!(bom.component(&bom.described[0]).is_some(), "{rel}");
    }
}

#[test]
fn cyclonedx_xml_and_json_agree() {
    let json = load("cyclonedx/SBOM/laravel-7.12.0/bom.1.4.json");
    let xml = load("cyclonedx/SBOM/laravel-7.12.0/bom.1.4.xml");
    assert_eq!(xml.format, SbomFormat::CycloneDxXml);
    assert_eq!(xml.spec_version.as_deref(), Some("1.4"));
    type Row = (String, String, Option<String>, Option<String>, usize);
    let key = |b: &Sbom| -> BTreeSet<Row> {
        b.components
            .iter()
            .map(|c| {
                (
                    c.reference.clone(),
                    c.name.clone(),
                    c.version.clone(),
                    c.purl.as_ref().map(ToString::to_string),
                    c.hashes.len(),
                )
            })
            .collect()
    };
    assert_eq!(key(&json), key(&xml));
    let edges = |b: &Sbom| -> BTreeSet<(String, String)> {
        b.dependencies
            .iter()
            .map(|d| (d.from.clone(), d.to.clone()))
            .collect()
    };
    assert_eq!(edges(&json), edges(&xml));
    assert_eq!(json.described, xml.described);
}

#[test]
fn purls_are_normalised_and_keyed() {
    let bom = load("cyclonedx/SBOM/keycloak-10.0.2/bom.json");
    let c = bom
        .components
        .iter()
        .find(|c| c.name == "bcprov-jdk15on")
        .unwrap();
    let purl = c.purl.as_ref().unwrap();
    assert_eq!(
        purl.as_str(),
        "pkg:maven/org.bouncycastle/bcprov-jdk15on@1.62?type=jar"
    );
    let (key, release) = c.package_key().unwrap();
    assert_eq!(key.ecosystem, Ecosystem::Maven);
    assert_eq!(key.name, "org.bouncycastle:bcprov-jdk15on");
    assert_eq!(release, None);
    assert_eq!(c.hashes.len(), 8);
    assert_eq!(bom.matchable().count(), bom.components.len());

    let npm = load("cyclonedx/SBOM/juice-shop/v11.1.2/bom.json");
    assert!(npm.matchable().all(|(_, k)| k.ecosystem == Ecosystem::Npm));
    let composer = load("cyclonedx/SBOM/laravel-7.12.0/bom.1.4.json");
    assert!(
        composer
            .matchable()
            .any(|(_, k)| k.ecosystem == Ecosystem::Packagist && k.name.contains('/'))
    );
}

#[test]
fn spdx2_packages_relationships_and_security_refs() {
    let bom = load("spdx/presentations/OSS-NA-2023/SPDXVersion2.3/04-SBOMwSecurity.json");
    assert_eq!(bom.format, SbomFormat::Spdx2Json);
    assert_eq!(bom.spec_version.as_deref(), Some("SPDX-2.3"));
    assert_eq!(bom.described, vec!["SPDXRef-Package".to_string()]);
    assert_eq!(bom.components.len(), 2);
    let tools = bom.component("SPDXRef-Package").unwrap();
    assert_eq!(tools.supplier.as_deref(), Some("SPDX"));
    // A github purl has no OSV ecosystem: kept, and reported.
    assert!(matches!(
        tools.unmatchable(),
        Some(Unmatchable::NoEcosystem { ref purl_type, .. }) if purl_type == "github"
    ));
    let xlsx = bom.component("SPDXRef-xlsx").unwrap();
    assert_eq!(xlsx.package_key().unwrap().0.name, "org.webjars.npm:xlsx");
    assert_eq!(bom.dependencies.len(), 1);
    assert_eq!(bom.vulnerabilities.len(), 1);
    assert_eq!(bom.vulnerabilities[0].id, "CVE-2021-32012");
    assert_eq!(
        bom.vulnerabilities[0].affects,
        vec!["SPDXRef-xlsx".to_string()]
    );

    // Packages without purl (the enriched Maven example) are kept as unmatchable.
    let maven = load("spdx/software/example14/spdx2.3/examplemaven-0.0.1-enriched.spdx.json");
    let junit = maven.component("SPDXRef-junit").unwrap();
    assert_eq!(junit.version.as_deref(), Some("3.8.1"));
    assert!(matches!(
        junit.unmatchable(),
        Some(Unmatchable::NoPurl { .. })
    ));
    assert!(maven.unmatchable().count() >= 1);
}

#[test]
fn spdx3_json_ld() {
    let bom = load("spdx/software/example11/spdx3.0/sbom.spdx3.json");
    assert_eq!(bom.format, SbomFormat::Spdx3JsonLd);
    assert_eq!(bom.spec_version.as_deref(), Some("3.0.1"));
    // Four packages and the described file.
    assert_eq!(bom.components.len(), 5);
    assert_eq!(bom.described.len(), 2);
    assert!(bom.described_components().count() == 2);
    let tokio = bom.components.iter().find(|c| c.name == "tokio").unwrap();
    assert_eq!(tokio.version.as_deref(), Some("1.19.2"));
    assert_eq!(
        tokio.package_key().unwrap().0.ecosystem,
        Ecosystem::CratesIo
    );
    let file = bom
        .components
        .iter()
        .find(|c| c.kind == ComponentKind::File)
        .unwrap();
    assert_eq!(file.hashes.len(), 3);
    assert_eq!(bom.dependencies.len(), 3);
    assert!(
        bom.dependencies
            .iter()
            .all(|d| d.relationship == "dependsOn")
    );
}

#[test]
fn spdx2_equivalent_of_the_spdx3_example() {
    let bom = load("spdx/software/example11/spdx2.3/sbom.spdx.json");
    assert_eq!(
        bom.components.iter().filter(|c| c.purl.is_some()).count(),
        4
    );
}

#[test]
fn embedded_vex_in_a_cyclonedx_bom() {
    let bom = load("cyclonedx/VEX/vex.json");
    assert!(bom.components.is_empty());
    assert_eq!(bom.vulnerabilities.len(), 1);
    let v = &bom.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2020-25649");
    let s = &v.statements[0];
    assert_eq!(s.status, VexStatus::NotAffected);
    let product = &s.products[0];
    let bom_ref = product.bom_ref.as_ref().unwrap();
    assert_eq!(
        bom_ref.serial.as_deref(),
        Some("3e671687-395b-41f5-a30f-a58921a69b79")
    );
    assert_eq!(
        product.purl.as_ref().unwrap().as_str(),
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"
    );
}

const NESTED: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 3,
  "metadata": {"component": {"type": "firmware", "bom-ref": "fw", "name": "camera-fw", "version": "2.1",
     "components": [{"type": "operating-system", "name": "linux", "version": "5.10", "cpe": "cpe:2.3:o:linux:linux_kernel:5.10:*:*:*:*:*:*:*"}]}},
  "components": [
    {"type": "library", "bom-ref": "a", "name": "openssl", "version": "3.0.1",
     "purl": "pkg:deb/debian/openssl@3.0.1?distro=bookworm",
     "components": [{"bom-ref": "a1", "name": "libcrypto", "purl": "not a purl"}]},
    {"name": "busybox", "version": "1.36", "supplier": {"name": "Busybox"}, "hashes": {"alg": "SHA-256", "content": "ABCD"}},
    {"name": "weird", "version": 7, "purl": "  pkg:PyPI/Foo_Bar.baz@1.0  "}
  ],
  "dependencies": [{"ref": "fw", "dependsOn": ["a", "component-5"]}]
}"#;

#[test]
fn nested_components_are_flattened_and_gaps_reported() {
    let bom = sbom::parse(
        NESTED.as_bytes(),
        &Origin::memory("nested"),
        &Limits::default(),
    )
    .unwrap();
    let names: Vec<&str> = bom.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "camera-fw",
            "linux",
            "openssl",
            "libcrypto",
            "busybox",
            "weird"
        ]
    );
    assert_eq!(bom.version, Some(3));
    assert_eq!(bom.described, ["fw"]);
    let linux = &bom.components[1];
    assert_eq!(linux.parent.as_deref(), Some("fw"));
    assert_eq!(linux.kind, ComponentKind::OperatingSystem);
    assert_eq!(linux.reference, "component-2");
    assert!(matches!(
        linux.unmatchable(),
        Some(Unmatchable::NoPurl { has_cpe: true })
    ));
    let openssl = &bom.components[2];
    let (key, release) = openssl.package_key().unwrap();
    assert_eq!(
        (key.ecosystem, key.name.as_str()),
        (Ecosystem::Debian, "openssl")
    );
    assert_eq!(release.as_deref(), Some("12"));
    let libcrypto = &bom.components[3];
    assert_eq!(libcrypto.parent.as_deref(), Some("a"));
    assert!(libcrypto.invalid_purl.is_some());
    assert!(matches!(
        libcrypto.unmatchable(),
        Some(Unmatchable::InvalidPurl { .. })
    ));
    let busybox = &bom.components[4];
    assert_eq!(busybox.supplier.as_deref(), Some("Busybox"));
    assert_eq!(busybox.hashes[0].value, "abcd");
    let weird = &bom.components[5];
    assert_eq!(weird.version.as_deref(), Some("7"));
    assert_eq!(
        weird.purl.as_ref().unwrap().as_str(),
        "pkg:pypi/foo-bar.baz@1.0"
    );
    assert_eq!(weird.package_key().unwrap().0.name, "foo-bar-baz");
    assert_eq!(
        bom.unmatchable().count(),
        4,
        "{:?}",
        bom.unmatchable().collect::<Vec<_>>()
    );
    assert!(!bom.warnings.is_empty());
    assert_eq!(bom.dependencies.len(), 2);
}

#[test]
fn documents_that_are_not_sboms_are_refused_with_a_reason() {
    let limits = Limits::default();
    let origin = Origin::memory("t");
    for (text, expected) in [
        (r#"{"hello": 1}"#, "not an SBOM"),
        ("SPDXVersion: SPDX-2.3\n", "tag-value"),
        ("just text", "not an SBOM"),
        ("<html><body/></html>", "not a CycloneDX <bom>"),
        (r#"{"bomFormat": "CycloneDX", "components": [1, 2"#, "EOF"),
        (
            r#"<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x "y">]><bom/>"#,
            "XML",
        ),
    ] {
        let err = sbom::parse(text.as_bytes(), &origin, &limits).unwrap_err();
        assert!(err.to_string().contains(expected), "{text}: {err}");
    }
    // A KEV catalogue is JSON, but not an SBOM.
    let kev = std::fs::read(shared_file("data/kev/known_exploited_vulnerabilities.json")).unwrap();
    let err = sbom::parse(&kev, &origin, &limits).unwrap_err();
    assert!(err.to_string().contains("not an SBOM"), "{err}");
    // The place is named even when it is the whole document, never left empty.
    assert!(
        err.to_string()
            .starts_with("<t>: whole document: not an SBOM"),
        "{err}"
    );
    // A document cut short is placed at its end, and the message says what to do.
    let err = sbom::parse(b"{\"bomFormat\": \"CycloneDX\",\n", &origin, &limits).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("<t>: line 2"), "{message}");
    assert!(message.contains("EOF while parsing"), "{message}");
    assert!(
        message.contains("check that it was copied whole"),
        "{message}"
    );
}
