//! Hostile and malformed input: deep nesting, huge strings, invalid UTF-8, oversized
//! documents, zip bombs and path traversal are refused with clear errors; random and mutated
//! input never panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;

use iotlabel_testkit::shared_file;
use iotlabel_vuln::advisory::osv;
use iotlabel_vuln::{
    CsafDocument, ErrorKind, KevCatalog, Limits, Origin, VexDocument, load_osv, sbom,
};
use zip::write::SimpleFileOptions;

const DEEP: usize = 100_000;
const HUGE: usize = 10 * 1024 * 1024;

fn origin() -> Origin {
    Origin::memory("hostile")
}

fn deep_json(prefix: &str) -> String {
    format!("{prefix}{}{}}}", "[".repeat(DEEP), "]".repeat(DEEP))
}

#[test]
fn json_nested_100000_deep_is_refused() {
    let limits = Limits::default();
    let text = deep_json(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": "#);
    let err = sbom::parse(text.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::TooDeep { limit: 100, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("line 1"), "{err}");
    let text = deep_json(r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": "#);
    let err = osv::parse(text.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
    let err = VexDocument::parse(text.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
    let err = CsafDocument::parse(text.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
    let err = KevCatalog::parse(text.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
}

#[test]
fn components_nested_deeper_than_the_limit_are_refused() {
    let limits = Limits {
        max_depth: 40,
        ..Limits::default()
    };
    let mut text = String::from(r#"{"bomFormat": "CycloneDX", "components": "#);
    for _ in 0..30 {
        text.push_str(r#"[{"name": "x", "components": "#);
    }
    text.push_str("[]");
    for _ in 0..30 {
        text.push_str("}]");
    }
    text.push('}');
    let err = sbom::parse(text.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
}

#[test]
fn xml_nested_100000_deep_is_refused() {
    let limits = Limits::default();
    let text = format!(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5">{}{}</bom>"#,
        "<a>".repeat(DEEP),
        "</a>".repeat(DEEP)
    );
    let err = sbom::parse(text.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
    let components = format!(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5">{}{}</bom>"#,
        "<components><component><name>x</name>".repeat(DEEP / 10),
        "</component></components>".repeat(DEEP / 10)
    );
    let err = sbom::parse(components.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
}

#[test]
fn yaml_nested_100000_deep_is_refused() {
    let text = format!(
        "id: X-1\nmodified: 2024-01-01T00:00:00Z\ndatabase_specific: {}{}\n",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );
    let err = osv::parse(text.as_bytes(), &origin(), &Limits::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn ten_megabyte_strings_are_refused() {
    let limits = Limits::default();
    let big = "A".repeat(HUGE);
    let json = format!(
        r#"{{"bomFormat": "CycloneDX", "components": [{{"name": "x", "description": "{big}"}}]}}"#
    );
    let err = sbom::parse(json.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::StringTooLong { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("line 1, column 72"), "{err}");

    let yaml_line = format!("id: X-1\nmodified: 2024-01-01T00:00:00Z\ndetails: {big}\n");
    let err = osv::parse(yaml_line.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::StringTooLong { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("line 3"), "{err}");

    // A block scalar spread over many short lines.
    let block: String = (0..HUGE / 64)
        .map(|_| format!("  {}\n", "b".repeat(61)))
        .collect();
    let yaml_block = format!("id: X-1\nmodified: 2024-01-01T00:00:00Z\ndetails: |\n{block}");
    let err = osv::parse(yaml_block.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::StringTooLong { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("details"), "{err}");

    let xml = format!(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component><name>{}</name></component></components></bom>"#,
        "x\n".repeat(HUGE / 2)
    );
    let err = sbom::parse(xml.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::StringTooLong { .. }),
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_refused_with_its_line() {
    let mut bytes = b"{\n\"bomFormat\": \"CycloneDX\",\n\"x\": \"".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28, b'"', b'}']);
    for parse in [
        |b: &[u8]| sbom::parse(b, &origin(), &Limits::default()).map(|_| ()),
        |b: &[u8]| osv::parse(b, &origin(), &Limits::default()).map(|_| ()),
        |b: &[u8]| VexDocument::parse(b, &origin(), &Limits::default()).map(|_| ()),
    ] {
        let err = parse(&bytes).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidUtf8 { .. }), "{err}");
        assert!(err.to_string().contains("line 3, column 7"), "{err}");
    }
    let utf16 = [0xFF, 0xFE, b'{', 0, b'}', 0];
    let err = sbom::parse(&utf16, &origin(), &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("UTF-16"), "{err}");
}

#[test]
fn oversized_documents_are_refused_before_parsing() {
    let limits = Limits {
        max_document_bytes: 1024,
        ..Limits::default()
    };
    let doc = format!(
        r#"{{"bomFormat": "CycloneDX", "x": "{}"}}"#,
        "y".repeat(2000)
    );
    let err = sbom::parse(doc.as_bytes(), &origin(), &limits).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::TooLarge {
                size: 2035,
                limit: 1024,
                ..
            }
        ),
        "{err}"
    );
    let err = sbom::load(
        &shared_file("data/cyclonedx/SBOM/keycloak-10.0.2/bom.json"),
        &limits,
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooLarge { .. }), "{err}");
    assert!(
        err.to_string().contains("keycloak-10.0.2/bom.json"),
        "{err}"
    );
}

struct TempZip(PathBuf);

impl TempZip {
    fn new(tag: &str, entries: &[(&str, &[u8])]) -> TempZip {
        let path =
            std::env::temp_dir().join(format!("iotlabel-vuln-{tag}-{}.zip", std::process::id()));
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        for (name, bytes) in entries {
            w.start_file(*name, options).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
        TempZip(path)
    }
}

impl Drop for TempZip {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const RECORD: &str = r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z"}"#;

#[test]
fn zip_bombs_are_refused() {
    // 10 MiB of zeros deflate to about 10 KiB: a ratio of about 1000.
    let zeros = vec![b' '; HUGE];
    let mut bomb_json =
        Vec::from(&br#"{"id": "X-2", "modified": "2024-01-01T00:00:00Z", "x": 1"#[..]);
    bomb_json.extend_from_slice(&zeros);
    bomb_json.push(b'}');
    let zip = TempZip::new(
        "ratio",
        &[("a.json", RECORD.as_bytes()), ("bomb.json", &bomb_json)],
    );
    let err = load_osv(&zip.0, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("zip bomb"), "{err}");
    assert!(err.to_string().contains("!bomb.json"), "{err}");

    // One entry expanding past the document limit.
    let big = vec![b' '; 70 * 1024 * 1024];
    let zip = TempZip::new("big", &[("big.json", &big)]);
    let err = load_osv(&zip.0, &Limits::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooLarge { .. }), "{err}");

    // Many entries adding up past the total limit.
    let limits = Limits {
        max_zip_total_bytes: 100,
        ..Limits::default()
    };
    let zip = TempZip::new(
        "total",
        &[
            ("a.json", RECORD.as_bytes()),
            ("b.json", RECORD.as_bytes()),
            ("c.json", RECORD.as_bytes()),
        ],
    );
    let err = load_osv(&zip.0, &limits).unwrap_err();
    assert!(
        err.to_string().contains("expand to more than 100 bytes"),
        "{err}"
    );

    let limits = Limits {
        max_zip_entries: 2,
        ..Limits::default()
    };
    let err = load_osv(&zip.0, &limits).unwrap_err();
    assert!(err.to_string().contains("3 entries"), "{err}");
}

#[test]
fn path_traversal_names_are_refused() {
    for name in [
        "../../etc/evil.json",
        "/etc/evil.json",
        "a/../../evil.json",
        "C:/evil.json",
    ] {
        let zip = TempZip::new(
            "traversal",
            &[("ok.json", RECORD.as_bytes()), (name, RECORD.as_bytes())],
        );
        let err = load_osv(&zip.0, &Limits::default()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Zip { .. }), "{name}: {err}");
        assert!(
            err.to_string().contains("refused as a whole"),
            "{name}: {err}"
        );
    }
}

#[test]
fn damaged_zip_is_refused() {
    let path =
        std::env::temp_dir().join(format!("iotlabel-vuln-damaged-{}.zip", std::process::id()));
    std::fs::write(&path, b"PK\x03\x04 this is not really a zip").unwrap();
    let err = load_osv(&path, &Limits::default()).unwrap_err();
    let _ = std::fs::remove_file(&path);
    assert!(err.to_string().contains("not a readable zip file"), "{err}");
}

/// A small deterministic generator, so the test needs no extra crate and repeats exactly.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn every_parser(bytes: &[u8]) {
    let limits = Limits::default();
    let o = origin();
    let _ = sbom::parse(bytes, &o, &limits);
    let _ = osv::parse(bytes, &o, &limits);
    let _ = VexDocument::parse(bytes, &o, &limits);
    let _ = CsafDocument::parse(bytes, &o, &limits);
    let _ = KevCatalog::parse(bytes, &o, &limits);
}

#[test]
fn mutated_real_documents_never_panic() {
    let seeds = [
        "data/cyclonedx/SBOM/laravel-7.12.0/bom.1.4.xml",
        "data/cyclonedx/VEX/CISA-Use-Cases/Case-8/vex.json",
        "data/spdx/software/example11/spdx3.0/sbom.spdx3.json",
        "data/spdx/presentations/OSS-NA-2023/SPDXVersion2.3/04-SBOMwSecurity.json",
        "data/csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-08-001.json",
        "data/osv-pypi/vulns/werkzeug/PYSEC-2019-140.yaml",
    ];
    let mut rng = Lcg(42);
    for seed in seeds {
        let original = std::fs::read(shared_file(seed)).unwrap();
        every_parser(&original);
        for _ in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..(1 + rng.next() % 8) {
                let len = bytes.len().max(1) as u64;
                let at = (rng.next() % len) as usize;
                match rng.next() % 4 {
                    0 => bytes.truncate(at),
                    1 => {
                        if let Some(b) = bytes.get_mut(at) {
                            *b = (rng.next() % 256) as u8;
                        }
                    }
                    2 => {
                        let c = b"{}[]<>\"':,-# \n\\"[(rng.next() % 15) as usize];
                        bytes.insert(at.min(bytes.len()), c);
                    }
                    _ => {
                        let end = (at + (rng.next() % 64) as usize).min(bytes.len());
                        bytes.drain(at.min(end)..end);
                    }
                }
            }
            every_parser(&bytes);
        }
    }
    for _ in 0..500 {
        let len = (rng.next() % 200) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 256) as u8).collect();
        every_parser(&bytes);
    }
}
