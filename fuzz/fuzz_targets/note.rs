//! Any bytes, as a signed note, a checkpoint, a tlog-proof, a COSE receipt, a tile path, a
//! hash tile or an entry bundle: parsing and verification must return, never panic.
#![no_main]

use std::sync::OnceLock;

use iotlabel_tlog::note::{Note, Signer, VerifierKey};
use iotlabel_tlog::tiles::{decode_bundle, parse_hash_tile, parse_path};
use iotlabel_tlog::{Checkpoint, SigningKey, TlogProof, leaf_hash, receipt};
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "fuzz.example/log";

fn keys() -> &'static [VerifierKey] {
    static KEYS: OnceLock<Vec<VerifierKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Signer::new(ORIGIN, SigningKey::from_bytes(&[7; 32]))
            .map(|s| vec![s.verifier().clone()])
            .unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    let keys = keys();
    if let Ok(note) = Note::parse(data) {
        let _ = note.verify(keys);
        let _ = Checkpoint::parse(&note.text);
    }
    let _ = Checkpoint::open(data, ORIGIN, keys);
    if let Ok(proof) = TlogProof::parse(data) {
        let _ = proof.verify(&leaf_hash(b"entry"), ORIGIN, keys);
    }
    let public = SigningKey::from_bytes(&[7; 32]).verifying_key();
    let _ = receipt::verify(data, &leaf_hash(b"entry"), &public);
    let _ = receipt::InclusionProof::from_cbor(data);
    let _ = decode_bundle(data);
    let _ = parse_hash_tile(data, data.len().min(300) as u16);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_path(text);
        let _ = VerifierKey::parse(text);
        let _ = Checkpoint::parse(text);
    }
});
