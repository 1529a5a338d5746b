//! Any bytes as an SBOM (CycloneDX JSON/XML, SPDX 2, SPDX 3) or a VEX document: the parsers
//! must return a document or an error, never panic.
#![no_main]

use iotlabel_vuln::{Limits, Origin, VexDocument, sbom};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let origin = Origin::memory("fuzz");
    if let Ok(bom) = sbom::parse(data, &origin, &limits) {
        // Reading the result exercises the purl keys and the gap report too.
        let _ = bom.matchable().count();
        let _ = bom.unmatchable().count();
    }
    let _ = VexDocument::parse(data, &origin, &limits);
});
