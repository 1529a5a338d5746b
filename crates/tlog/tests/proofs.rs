//! tlog-proof files and COSE receipts: round trips, tampering, and hostile input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ciborium::Value;
use coset::{CborSerializable, CoseSign1, TaggedCborSerializable};
use iotlabel_tlog::checkpoint::CheckpointError;
use iotlabel_tlog::proof::{HEADER, TlogProofError};
use iotlabel_tlog::receipt::{self, InclusionProof, ReceiptError};
use iotlabel_tlog::{
    Checkpoint, NoteError, ProofError, Signer, SigningKey, TlogProof, Tree, leaf_hash,
};

const ORIGIN: &str = "registry.example/labels";

fn entry(i: u64) -> Vec<u8> {
    format!("label statement {i}").into_bytes()
}

fn setup(n: u64) -> (Tree, Signer, String) {
    let tree: Tree = (0..n).map(|i| leaf_hash(&entry(i))).collect();
    let log = Signer::new(ORIGIN, SigningKey::from_bytes(&[11; 32])).unwrap();
    let signed = Checkpoint::new(ORIGIN, n, tree.root())
        .sign(&[&log])
        .unwrap();
    (tree, log, signed)
}

#[test]
fn tlog_proof_round_trip() {
    let (tree, log, signed) = setup(1000);
    let keys = [log.verifier().clone()];
    for (index, extra) in [
        (0, None),
        (517, Some(b"extra data".to_vec())),
        (999, Some(vec![])),
    ] {
        let proof = TlogProof::build(&tree, index, &signed, extra.clone()).unwrap();
        let text = proof.to_text();
        assert!(text.starts_with(&format!("{HEADER}\n")));
        assert!(text.ends_with(&signed));
        let parsed = TlogProof::parse(text.as_bytes()).unwrap();
        assert_eq!(parsed, proof);
        let verified = parsed
            .verify(&leaf_hash(&entry(index)), ORIGIN, &keys)
            .unwrap();
        assert_eq!(verified.index, index);
        assert_eq!(verified.extra, extra);
        assert_eq!(verified.checkpoint.checkpoint.size, 1000);
        // Another entry, origin or key: rejected.
        assert!(matches!(
            parsed.verify(&leaf_hash(&entry(index + 1)), ORIGIN, &keys),
            Err(TlogProofError::Proof(ProofError::RootMismatch))
        ));
        assert!(matches!(
            parsed.verify(&leaf_hash(&entry(index)), "registry.example/other", &keys),
            Err(TlogProofError::Checkpoint(
                CheckpointError::OriginMismatch { .. }
            ))
        ));
        let stranger = Signer::new(ORIGIN, SigningKey::from_bytes(&[12; 32])).unwrap();
        assert!(matches!(
            parsed.verify(
                &leaf_hash(&entry(index)),
                ORIGIN,
                &[stranger.verifier().clone()]
            ),
            Err(TlogProofError::Checkpoint(CheckpointError::Note(
                NoteError::NoKnownSignature
            )))
        ));
    }
    // A one-leaf log has an empty path.
    let (tree, log, signed) = setup(1);
    let proof = TlogProof::build(&tree, 0, &signed, None).unwrap();
    assert!(proof.path.is_empty());
    let text = proof.to_text();
    assert!(text.contains("index 0\n\n"));
    TlogProof::parse(text.as_bytes())
        .unwrap()
        .verify(&leaf_hash(&entry(0)), ORIGIN, &[log.verifier().clone()])
        .unwrap();
}

#[test]
fn tlog_proof_build_errors() {
    let (tree, _, signed) = setup(10);
    assert!(matches!(
        TlogProof::build(&tree, 10, &signed, None),
        Err(TlogProofError::Tree(_))
    ));
    let (small, _, _) = setup(5);
    assert!(TlogProof::build(&small, 0, &signed, None).is_err());
    let (other, _, _) = setup(11);
    let mut grown = other.clone();
    grown.push(leaf_hash(b"x"));
    // A tree whose root at size 10 differs from the checkpoint's.
    let forked: Tree = (0..12)
        .map(|i| leaf_hash(format!("fork {i}").as_bytes()))
        .collect();
    assert_eq!(
        TlogProof::build(&forked, 0, &signed, None),
        Err(TlogProofError::CheckpointNotOfTree(10))
    );
    assert!(TlogProof::build(&tree, 0, "not a checkpoint", None).is_err());
}

#[test]
fn tlog_proof_tampering() {
    let (tree, log, signed) = setup(300);
    let keys = [log.verifier().clone()];
    let leaf = leaf_hash(&entry(123));
    let text = TlogProof::build(&tree, 123, &signed, Some(b"x".to_vec()))
        .unwrap()
        .to_text();
    // Flipping any bit anywhere: an error, never a panic, except in the unauthenticated
    // extra data (the verifier must not trust it) and in bits that keep the base64 value.
    let extra_line = text.find("extra ").unwrap()..text.find("index ").unwrap();
    let mut accepted = Vec::new();
    for i in 0..text.len() {
        for bit in [0x01, 0x02, 0x10, 0x40] {
            let mut bytes = text.as_bytes().to_vec();
            bytes[i] ^= bit;
            let ok = TlogProof::parse(&bytes)
                .and_then(|p| p.verify(&leaf, ORIGIN, &keys))
                .is_ok();
            if ok && !extra_line.contains(&i) {
                accepted.push((i, bit));
            }
        }
    }
    assert!(accepted.is_empty(), "accepted flips: {accepted:?}");
    // Every truncation: an error.
    for cut in 0..text.len() {
        let r =
            TlogProof::parse(&text.as_bytes()[..cut]).and_then(|p| p.verify(&leaf, ORIGIN, &keys));
        assert!(r.is_err(), "cut at {cut}");
    }
    // Structural changes.
    let cases = [
        text.replacen(HEADER, "c2sp.org/tlog-proof@v2", 1),
        text.replacen("index 123", "index 0123", 1),
        text.replacen("index 123", "index  123", 1),
        text.replacen("index 123", "index -1", 1),
        text.replacen("index 123", "index 124", 1),
        text.replacen("index 123", "index 18446744073709551616", 1),
        text.replacen("extra eA==\n", "extra !!\n", 1),
        text.replacen("extra eA==\n", "", 1)
            .replacen("index", "extra eA==\nindex", 1)
            .replacen(HEADER, "", 1),
        text.replacen("\n\n", "\n", 1),
        text.replacen("\n\n", "\n\n\n", 1),
        format!("{HEADER}\nindex 1\n"),
        format!("{HEADER}\nindex 1\n\n"),
        format!(
            "{HEADER}\n{}",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".repeat(65)
        ),
    ];
    for (i, c) in cases.iter().enumerate() {
        let r = TlogProof::parse(c.as_bytes()).and_then(|p| p.verify(&leaf, ORIGIN, &keys));
        assert!(r.is_err(), "case {i} accepted:\n{c}");
    }
    // Too many path lines.
    let long = format!(
        "{HEADER}\nindex 1\n{}\n{signed}",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".repeat(65)
    );
    assert!(matches!(
        TlogProof::parse(long.as_bytes()),
        Err(TlogProofError::Malformed(_))
    ));
    assert!(TlogProof::parse(&vec![b'a'; 2 << 20]).is_err());
    assert!(TlogProof::parse(&[0xff, 0xfe]).is_err());
}

#[test]
fn receipt_round_trip() {
    let (tree, _, _) = setup(1000);
    let key = SigningKey::from_bytes(&[21; 32]);
    let public = key.verifying_key();
    for (index, size) in [(0u64, 1u64), (3, 5), (517, 1000), (999, 1000), (17, 20)] {
        let bytes = receipt::issue(&tree, index, size, &key, b"kid-1").unwrap();
        let leaf = leaf_hash(&entry(index));
        let v = receipt::verify(&bytes, &leaf, &public).unwrap();
        assert_eq!(v.proof.leaf_index, index);
        assert_eq!(v.proof.tree_size, size);
        assert_eq!(v.root, tree.root_at(size).unwrap());
        assert_eq!(v.kid, b"kid-1");
        // The structure RFC 9942 describes: tag 18, detached payload, vds 1, vdp {-1: [bstr]}.
        assert_eq!(bytes[0], 0xd2);
        let sign1 = CoseSign1::from_tagged_slice(&bytes).unwrap();
        assert!(sign1.payload.is_none());
        assert_eq!(
            sign1.protected.header.rest,
            vec![(coset::Label::Int(395), Value::Integer(1.into()))]
        );
        assert_eq!(
            sign1.protected.header.alg,
            Some(coset::RegisteredLabelWithPrivate::Assigned(
                coset::iana::Algorithm::EdDSA
            ))
        );
        let (label, vdp) = &sign1.unprotected.rest[0];
        assert_eq!(*label, coset::Label::Int(396));
        let Value::Map(m) = vdp else { panic!() };
        assert_eq!(m[0].0, Value::Integer((-1).into()));
        let Value::Array(proofs) = &m[0].1 else {
            panic!()
        };
        let Value::Bytes(p) = &proofs[0] else {
            panic!()
        };
        let decoded = InclusionProof::from_cbor(p).unwrap();
        assert_eq!(decoded.path, tree.inclusion_proof(index, size).unwrap());
        assert_eq!(decoded.to_cbor(), *p);
        // Another leaf or key: rejected.
        assert!(receipt::verify(&bytes, &leaf_hash(b"other"), &public).is_err());
        let other = SigningKey::from_bytes(&[22; 32]).verifying_key();
        assert_eq!(
            receipt::verify(&bytes, &leaf, &other),
            Err(ReceiptError::BadSignature)
        );
        // Untagged is accepted too.
        let untagged = sign1.to_vec().unwrap();
        assert!(receipt::verify(&untagged, &leaf, &public).is_ok());
    }
    assert!(receipt::issue(&tree, 5, 5, &key, b"").is_err());
    assert!(receipt::issue(&tree, 0, 1001, &key, b"").is_err());
}

#[test]
fn receipt_tampering() {
    let (tree, _, _) = setup(100);
    let key = SigningKey::from_bytes(&[23; 32]);
    let public = key.verifying_key();
    let leaf = leaf_hash(&entry(42));
    let bytes = receipt::issue(&tree, 42, 100, &key, b"k").unwrap();
    let root = tree.root_at(100).unwrap();
    // A flipped bit may only go unnoticed where it changes nothing the receipt proves: the
    // tree size sits in the unprotected header and several sizes fit the same path (100 and
    // 101..=108 here), and CBOR `undefined` decodes like the `nil` payload. The root and the
    // leaf index must never change.
    let mut unnoticed = Vec::new();
    for i in 0..bytes.len() {
        for bit in [0x01, 0x08, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            if let Ok(v) = receipt::verify(&b, &leaf, &public) {
                assert_eq!(
                    (v.root, v.proof.leaf_index),
                    (root, 42),
                    "flip {bit:#x} at {i}"
                );
                unnoticed.push((i, bit, v.proof.tree_size));
            }
        }
    }
    assert!(unnoticed.len() <= 3, "unnoticed flips: {unnoticed:?}");
    for cut in 0..bytes.len() {
        assert!(receipt::verify(&bytes[..cut], &leaf, &public).is_err());
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(receipt::verify(&longer, &leaf, &public).is_err());

    // Semantic changes, re-signed so that only the checked property is wrong.
    let sign1 = CoseSign1::from_tagged_slice(&bytes).unwrap();
    let resign = |mut s: CoseSign1, root: &[u8]| {
        s.protected.original_data = None;
        let tbs = coset::sig_structure_data(
            coset::SignatureContext::CoseSign1,
            s.protected.clone(),
            None,
            b"",
            root,
        );
        use ed25519_dalek::Signer as _;
        s.signature = key.sign(&tbs).to_bytes().to_vec();
        s.to_tagged_vec().unwrap()
    };
    assert!(receipt::verify(&resign(sign1.clone(), &root), &leaf, &public).is_ok());
    // Another data structure.
    let mut s = sign1.clone();
    s.protected.header.rest = vec![(coset::Label::Int(395), Value::Integer(2.into()))];
    assert_eq!(
        receipt::verify(&resign(s, &root), &leaf, &public),
        Err(ReceiptError::DataStructure)
    );
    // Another algorithm.
    let mut s = sign1.clone();
    s.protected.header.alg = Some(coset::iana::Algorithm::ES256.into());
    assert_eq!(
        receipt::verify(&resign(s, &root), &leaf, &public),
        Err(ReceiptError::Algorithm)
    );
    // Ed25519 (RFC 9864) is accepted.
    let mut s = sign1.clone();
    s.protected.header.alg = Some(coset::iana::Algorithm::Ed25519.into());
    assert!(receipt::verify(&resign(s, &root), &leaf, &public).is_ok());
    // A critical header.
    let mut s = sign1.clone();
    s.protected.header.crit = vec![coset::iana::HeaderParameter::ContentType.into()];
    assert_eq!(
        receipt::verify(&resign(s, &root), &leaf, &public),
        Err(ReceiptError::Critical)
    );
    // No vdp / no inclusion proofs / an empty list.
    let mut s = sign1.clone();
    s.unprotected.rest.clear();
    assert_eq!(
        receipt::verify(&resign(s, &root), &leaf, &public),
        Err(ReceiptError::NoInclusionProof)
    );
    for vdp in [
        Value::Map(vec![]),
        Value::Map(vec![(Value::Integer((-2).into()), Value::Array(vec![]))]),
        Value::Map(vec![(Value::Integer((-1).into()), Value::Array(vec![]))]),
    ] {
        let mut s = sign1.clone();
        s.unprotected.rest = vec![(coset::Label::Int(396), vdp)];
        assert_eq!(
            receipt::verify(&resign(s, &root), &leaf, &public),
            Err(ReceiptError::NoInclusionProof)
        );
    }
    // An attached payload must be the root.
    let mut s = sign1.clone();
    s.payload = Some(root.to_vec());
    let attached = resign(s.clone(), &root);
    assert!(receipt::verify(&attached, &leaf, &public).is_ok());
    s.payload = Some(vec![0; 32]);
    assert!(receipt::verify(&resign(s, &root), &leaf, &public).is_err());
    // A second, bogus proof next to the good one does not hurt; alone it fails.
    let good = InclusionProof {
        tree_size: 100,
        leaf_index: 42,
        path: tree.inclusion_proof(42, 100).unwrap(),
    };
    let bogus = InclusionProof {
        leaf_index: 41,
        ..good.clone()
    };
    for (proofs, ok) in [
        (vec![bogus.to_cbor(), good.to_cbor()], true),
        (vec![bogus.to_cbor()], false),
        (vec![vec![0x83, 0x01]], false),
    ] {
        let mut s = sign1.clone();
        s.unprotected.rest = vec![(
            coset::Label::Int(396),
            Value::Map(vec![(
                Value::Integer((-1).into()),
                Value::Array(proofs.into_iter().map(Value::Bytes).collect()),
            )]),
        )];
        assert_eq!(
            receipt::verify(&resign(s, &root), &leaf, &public).is_ok(),
            ok
        );
    }
}

#[test]
fn inclusion_proof_cbor_hostile() {
    let good = InclusionProof {
        tree_size: 5,
        leaf_index: 3,
        path: vec![[1; 32], [2; 32]],
    };
    let bytes = good.to_cbor();
    assert_eq!(InclusionProof::from_cbor(&bytes).unwrap(), good);
    for cut in 0..bytes.len() {
        assert!(InclusionProof::from_cbor(&bytes[..cut]).is_err());
    }
    let enc = |v: Value| {
        let mut out = Vec::new();
        ciborium::into_writer(&v, &mut out).unwrap();
        out
    };
    let int = |i: i64| Value::Integer(i.into());
    for bad in [
        Value::Null,
        Value::Array(vec![]),
        Value::Array(vec![int(5), int(3)]),
        Value::Array(vec![int(-5), int(3), Value::Array(vec![])]),
        Value::Array(vec![int(5), int(3), Value::Bytes(vec![])]),
        Value::Array(vec![
            int(5),
            int(3),
            Value::Array(vec![Value::Bytes(vec![0; 31])]),
        ]),
        Value::Array(vec![
            int(5),
            int(3),
            Value::Array(vec![Value::Text("x".into())]),
        ]),
        Value::Array(vec![
            int(5),
            int(3),
            Value::Array(vec![Value::Bytes(vec![0; 32]); 65]),
        ]),
        Value::Array(vec![int(5), int(3), Value::Array(vec![]), int(0)]),
    ] {
        assert!(
            InclusionProof::from_cbor(&enc(bad.clone())).is_err(),
            "{bad:?}"
        );
    }
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(InclusionProof::from_cbor(&trailing).is_err());
    // Deep nesting and huge declared lengths.
    let deep = vec![0x81; 10_000];
    assert!(InclusionProof::from_cbor(&deep).is_err());
    assert!(
        InclusionProof::from_cbor(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err()
    );
    assert!(
        InclusionProof::from_cbor(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err()
    );
    let key = SigningKey::from_bytes(&[1; 32]).verifying_key();
    for junk in [&[][..], &[0xd2], &[0xd2, 0x84], &deep, &[0xff; 64]] {
        assert!(receipt::verify(junk, &[0; 32], &key).is_err());
    }
}
