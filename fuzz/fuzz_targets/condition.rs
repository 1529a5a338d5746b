//! Any text as an applicability condition: parse, print, re-parse and evaluate without panics,
//! and printing must round-trip.
#![no_main]

use iotlabel_catalog::Condition;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(c) = Condition::parse(text) {
        let printed = c.to_string();
        let again = Condition::parse(&printed).expect("a printed condition parses");
        assert_eq!(again.to_string(), printed);
        let _ = c.evaluate(&|f| Some(f.len() % 2 == 0));
    }
});
