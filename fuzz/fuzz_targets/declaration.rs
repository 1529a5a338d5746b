//! Any bytes, as a TOML or a JSON declaration: parsing and validation must return a
//! declaration or located problems, never panic.
#![no_main]

use std::sync::OnceLock;

use iotlabel_catalog::{Catalog, Snapshot, build};
use iotlabel_declaration::{Syntax, from_text, locate};
use libfuzzer_sys::fuzz_target;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| build(&Snapshot::embedded()).expect("the embedded catalogue is valid"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let syntax = if first & 1 == 0 { Syntax::Toml } else { Syntax::Json };
    let today = jiff::civil::date(2026, 11, 21);
    let _ = from_text("fuzz".into(), text.to_owned(), syntax, catalog(), today);
    // The locators walk hostile text too.
    let _ = locate::toml_offset(text, "claim[3].provision");
    let _ = locate::json_offset(text, "component[0].claim[1].support");
});
