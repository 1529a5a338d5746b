//! A label verifies when untouched, and every kind of tampering or misuse is rejected with its
//! own error, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iotlabel_label::dsse::Subject;
use iotlabel_label::trust::{Role, TrustFile, TrustedKey};
use iotlabel_label::{
    IssueRequest, KeyPair, Policy, ProductIdentity, VerifyError, issue, verify_cose, verify_dsse,
    verify_token,
};
use jiff::{Timestamp, ToSpan};

fn now() -> Timestamp {
    "2026-11-21T10:00:00Z".parse().unwrap()
}

fn request() -> IssueRequest {
    IssueRequest {
        product: ProductIdentity {
            manufacturer: "Acme Devices Ltd".into(),
            brand: "Acme".into(),
            model: "Cam 2".into(),
            hardware_version: "B".into(),
            software_version: "2.4.1".into(),
        },
        profiles: vec!["smart-home-security".into()],
        level: 3,
        score_tenths: 987,
        catalog: "iotlabel-baseline@1.0.0".into(),
        assessment_sha256: "ab".repeat(32),
        support_end: "2029-03".into(),
        support_last_day: jiff::civil::date(2029, 3, 31),
        subjects: vec![Subject::sha256(
            "urn:iotlabel:product:acme:cam-2:2.4.1",
            "cd".repeat(32),
        )],
    }
}

fn key() -> KeyPair {
    KeyPair::from_seed(&[7; 32])
}

fn trust(key: &KeyPair) -> TrustFile {
    TrustFile {
        keys: vec![TrustedKey::new(
            &key.public(),
            "test registry",
            Role::Issuer,
            "2026-01-01T00:00:00Z".parse().unwrap(),
        )],
    }
}

#[test]
fn an_issued_label_verifies_in_both_encodings_and_as_a_token() {
    let k = key();
    let issued = issue(&request(), &k, &Policy::default(), now()).unwrap();
    let t = trust(&k);
    let v = verify_cose(&issued.cose, &t, now()).unwrap();
    assert_eq!(v.claims, issued.claims);
    assert_eq!(v.key_name, "test registry");
    let d = verify_dsse(&serde_json::to_vec(&issued.envelope).unwrap(), &t, now()).unwrap();
    assert_eq!(d.claims, issued.claims);
    let tok = verify_token(&issued.token, &t, now()).unwrap();
    assert_eq!(tok.claims.label_id, issued.claims.label_id);
    // Validity: min(support end 2029-03-31, issue + 3 years) -> end of 2029-03-31.
    assert_eq!(issued.claims.expires.to_string(), "2029-04-01T00:00:00Z");
    assert!(
        issued
            .qr_url
            .starts_with("HTTPS://REGISTRY.IOTLABEL.EXAMPLE/L/")
    );
    // Small enough for the optional dense QR code (base45 of ~440 bytes: QR version 16 at M).
    assert!(
        issued.cose.len() < 512,
        "{} bytes: too big for the offline QR code",
        issued.cose.len()
    );
}

#[test]
fn the_scheme_cap_bounds_validity() {
    let mut req = request();
    req.support_end = "2040-12".into();
    req.support_last_day = jiff::civil::date(2040, 12, 31);
    let issued = issue(&req, &key(), &Policy::default(), now()).unwrap();
    assert_eq!(issued.claims.expires.to_string(), "2029-11-22T00:00:00Z");
    let short = Policy {
        max_validity_months: 12,
        ..Policy::default()
    };
    let issued = issue(&req, &key(), &short, now()).unwrap();
    assert_eq!(issued.claims.expires.to_string(), "2027-11-22T00:00:00Z");
}

#[test]
fn every_single_changed_byte_of_the_statement_is_rejected() {
    let k = key();
    let issued = issue(&request(), &k, &Policy::default(), now()).unwrap();
    let t = trust(&k);
    for i in 0..issued.cose.len() {
        for flip in [0x01u8, 0x80] {
            let mut b = issued.cose.clone();
            b[i] ^= flip;
            assert!(
                verify_cose(&b, &t, now()).is_err(),
                "byte {i} ^ {flip:#x} accepted"
            );
        }
    }
}

#[test]
fn every_single_changed_byte_of_the_envelope_is_rejected() {
    let k = key();
    let issued = issue(&request(), &k, &Policy::default(), now()).unwrap();
    let t = trust(&k);
    let json = serde_json::to_vec(&issued.envelope).unwrap();
    for i in 0..json.len() {
        let mut b = json.clone();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        assert!(
            verify_dsse(&b, &t, now()).is_err(),
            "byte {i} ({}) accepted",
            char::from(json[i])
        );
    }
}

#[test]
fn wrong_and_unknown_keys_and_key_validity() {
    let k = key();
    let issued = issue(&request(), &k, &Policy::default(), now()).unwrap();
    let other = KeyPair::from_seed(&[9; 32]);
    assert!(matches!(
        verify_cose(&issued.cose, &trust(&other), now()),
        Err(VerifyError::UnknownKey(_))
    ));
    // A trust entry whose key id is the signer's but whose public key is another's cannot be
    // written: ids are derived. A forged signature under the right kid is a bad signature.
    let forged = issue(&request(), &other, &Policy::default(), now()).unwrap();
    let mut t = trust(&k);
    t.keys.push(TrustedKey::new(
        &other.public(),
        "other",
        Role::Issuer,
        "2026-01-01T00:00:00Z".parse().unwrap(),
    ));
    assert!(verify_cose(&forged.cose, &t, now()).is_ok());
    // Retired before the label was signed: rejected, even though the signature is fine.
    let mut retired = trust(&k);
    retired.keys[0].valid_until = Some("2026-06-01T00:00:00Z".parse().unwrap());
    assert!(matches!(
        verify_cose(&issued.cose, &retired, now()),
        Err(VerifyError::KeyNotValid { .. })
    ));
    assert!(matches!(
        verify_dsse(
            &serde_json::to_vec(&issued.envelope).unwrap(),
            &retired,
            now()
        ),
        Err(VerifyError::KeyNotValid { .. })
    ));
    // Rotation keeps the old key for labels it signed while valid.
    let mut rotated = trust(&k);
    rotated.rotate(
        TrustedKey::new(&other.public(), "next", Role::Issuer, now() + 1.hour()),
        now() + 1.hour(),
    );
    assert!(verify_cose(&issued.cose, &rotated, now() + 2.hours()).is_ok());
    // An assessor key may not issue labels.
    let mut assessor = trust(&k);
    assessor.keys[0].role = Role::Assessor;
    assert!(matches!(
        verify_cose(&issued.cose, &assessor, now()),
        Err(VerifyError::KeyNotValid { .. })
    ));
}

#[test]
fn expiry_and_not_before() {
    let k = key();
    let issued = issue(&request(), &k, &Policy::default(), now()).unwrap();
    let t = trust(&k);
    assert!(matches!(
        verify_cose(&issued.cose, &t, "2029-04-01T00:00:00Z".parse().unwrap()),
        Err(VerifyError::Expired(_))
    ));
    assert!(verify_cose(&issued.cose, &t, "2029-03-31T23:59:59Z".parse().unwrap()).is_ok());
    assert!(matches!(
        verify_cose(&issued.cose, &t, now() - 1.second()),
        Err(VerifyError::NotYetValid(_))
    ));
    let json = serde_json::to_vec(&issued.envelope).unwrap();
    assert!(matches!(
        verify_dsse(&json, &t, "2030-01-01T00:00:00Z".parse().unwrap()),
        Err(VerifyError::Expired(_))
    ));
}

#[test]
fn truncated_and_malformed_input_is_malformed() {
    let k = key();
    let issued = issue(&request(), &k, &Policy::default(), now()).unwrap();
    let t = trust(&k);
    for n in [0, 1, 10, issued.cose.len() / 2, issued.cose.len() - 1] {
        assert!(
            matches!(
                verify_cose(&issued.cose[..n], &t, now()),
                Err(VerifyError::Malformed(_))
            ),
            "{n}"
        );
    }
    let json = serde_json::to_vec(&issued.envelope).unwrap();
    assert!(matches!(
        verify_dsse(&json[..json.len() / 2], &t, now()),
        Err(VerifyError::Malformed(_))
    ));
    assert!(matches!(
        verify_dsse(b"{}", &t, now()),
        Err(VerifyError::Malformed(_))
    ));
    assert!(matches!(
        verify_token("XX1:abc", &t, now()),
        Err(VerifyError::Malformed(_))
    ));
    assert!(matches!(
        verify_token("IL1:!!!", &t, now()),
        Err(VerifyError::Malformed(_))
    ));
}

#[test]
fn a_valid_signature_over_a_payload_of_the_wrong_shape_is_rejected() {
    use coset::{CoseSign1Builder, TaggedCborSerializable};
    let k = key();
    let issued = issue(&request(), &k, &Policy::default(), now()).unwrap();
    let decoded = iotlabel_label::cose::decode(&issued.cose).unwrap();
    // Same protected header, a payload that is CBOR but not label claims.
    let mut wrong = Vec::new();
    ciborium::into_writer(
        &ciborium::Value::Map(vec![(1.into(), "x".into())]),
        &mut wrong,
    )
    .unwrap();
    let header = decoded.sign1.protected.header.clone();
    let bytes = CoseSign1Builder::new()
        .protected(header)
        .payload(wrong)
        .create_signature(b"", |tbs| k.sign(tbs).to_vec())
        .build()
        .to_tagged_vec()
        .unwrap();
    assert!(matches!(
        verify_cose(&bytes, &trust(&k), now()),
        Err(VerifyError::WrongShape(_))
    ));
}
