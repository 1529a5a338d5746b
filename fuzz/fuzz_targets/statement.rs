//! Any bytes as a label statement (COSE_Sign1), a DSSE envelope, or a token: verification
//! must return an error or a verified label, never panic.
#![no_main]

use iotlabel_label::trust::{Role, TrustFile, TrustedKey};
use iotlabel_label::{KeyPair, verify_cose, verify_dsse, verify_token};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = KeyPair::from_seed(&[7; 32]);
    let trust = TrustFile {
        keys: vec![TrustedKey::new(&key.public(), "fuzz", Role::Issuer, jiff::Timestamp::UNIX_EPOCH)],
    };
    let now = jiff::Timestamp::from_second(1_800_000_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let _ = verify_cose(data, &trust, now);
    let _ = verify_dsse(data, &trust, now);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = verify_token(text, &trust, now);
    }
    let _ = iotlabel_label::LabelClaims::from_cbor(data);
});
