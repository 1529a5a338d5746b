//! Any bytes as OSV (JSON or YAML), CSAF or the KEV catalogue: the parsers must return
//! records or an error, never panic.
#![no_main]

use iotlabel_vuln::advisory::osv;
use iotlabel_vuln::{AliasGroups, CsafDocument, KevCatalog, Limits, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let origin = Origin::memory("fuzz");
    if let Ok(records) = osv::parse(data, &origin, &limits) {
        let _ = AliasGroups::build(&records);
        for r in &records {
            for a in &r.affected {
                let _ = a.package.as_ref().map(|p| p.key());
            }
        }
    }
    if let Ok(csaf) = CsafDocument::parse(data, &origin, &limits) {
        let _ = csaf.vex_statements();
        let _ = csaf.to_vulnerabilities();
    }
    let _ = KevCatalog::parse(data, &origin, &limits);
});
