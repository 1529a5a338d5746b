//! Signed notes and checkpoints: the examples of c2sp.org/signed-note and
//! c2sp.org/tlog-checkpoint, round trips, the verification rules and tampering.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iotlabel_tlog::note::{MAX_NOTE_SIZE, NoteSignature, ed25519_key_id};
use iotlabel_tlog::{
    Checkpoint, CheckpointError, Note, NoteError, Signer, SigningKey, VerifierKey, leaf_hash,
};

/// The example of c2sp.org/signed-note ("Verifier keys", "Example").
const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

/// The opening example of c2sp.org/signed-note (its key is not published).
const POEM: &str = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n\u{2014} quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";

/// The example of c2sp.org/tlog-checkpoint (its key is not published).
const SOFA: &str = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

fn signer(name: &str, seed: u8) -> Signer {
    Signer::new(name, SigningKey::from_bytes(&[seed; 32])).unwrap()
}

#[test]
fn spec_example_verifies() {
    let key = VerifierKey::parse(SPEC_VKEY).unwrap();
    assert_eq!(key.name(), "example.com/foo");
    assert_eq!(key.key_id(), 0x530d_903a);
    assert_eq!(ed25519_key_id(key.name(), key.public_key()), 0x530d_903a);
    assert_eq!(key.to_string(), SPEC_VKEY);
    let note = Note::open(SPEC_NOTE.as_bytes(), std::slice::from_ref(&key)).unwrap();
    assert_eq!(note.text, "This is an example message.\n");
    assert_eq!(note.signatures.len(), 1);
    assert_eq!(note.to_text(), SPEC_NOTE);
    let verified = note.verify(std::slice::from_ref(&key)).unwrap();
    assert_eq!(verified, vec![&key]);
}

#[test]
fn spec_example_tampered() {
    let key = VerifierKey::parse(SPEC_VKEY).unwrap();
    let keys = std::slice::from_ref(&key);
    // Another text.
    let other = SPEC_NOTE.replace("example message", "exemplary message");
    assert!(matches!(
        Note::open(other.as_bytes(), keys),
        Err(NoteError::BadSignature { .. })
    ));
    // Every single-character change in the signature's base64 is caught (or is no longer
    // base64).
    let start = SPEC_NOTE.find("Uw2Q").unwrap();
    let end = SPEC_NOTE.len() - 2;
    for i in start..end {
        let mut bytes = SPEC_NOTE.as_bytes().to_vec();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        assert!(Note::open(&bytes, keys).is_err(), "change at {i} accepted");
    }
    // Every byte flip anywhere is caught, and never panics.
    for i in 0..SPEC_NOTE.len() {
        for bit in [0x01, 0x20, 0x80] {
            let mut bytes = SPEC_NOTE.as_bytes().to_vec();
            bytes[i] ^= bit;
            assert!(
                Note::open(&bytes, keys).is_err(),
                "flip {bit:#x} at {i} accepted"
            );
        }
    }
    // Every truncation fails.
    for cut in 0..SPEC_NOTE.len() {
        assert!(Note::open(&SPEC_NOTE.as_bytes()[..cut], keys).is_err());
    }
}

#[test]
fn unknown_and_known_keys() {
    let key = VerifierKey::parse(SPEC_VKEY).unwrap();
    let stranger = signer("example.com/foo", 9); // same name, another key (and ID)
    // Unknown signatures are ignored, before or after the known one.
    let extra = stranger.sign("This is an example message.\n").unwrap();
    let note = Note::parse(SPEC_NOTE.as_bytes()).unwrap();
    for sigs in [
        vec![extra.clone(), note.signatures[0].clone()],
        vec![note.signatures[0].clone(), extra.clone()],
    ] {
        let n = Note {
            text: note.text.clone(),
            signatures: sigs,
        };
        let verified = Note::open(n.to_text().as_bytes(), std::slice::from_ref(&key)).unwrap();
        assert_eq!(verified.signatures.len(), 2);
    }
    // Only unknown signatures: rejected.
    let only = Note {
        text: note.text.clone(),
        signatures: vec![extra.clone()],
    };
    assert_eq!(
        only.verify(std::slice::from_ref(&key)),
        Err(NoteError::NoKnownSignature)
    );
    // A signature claiming the known name and ID but made by another key: rejected, even
    // with a good signature next to it.
    let forged = NoteSignature {
        key_id: key.key_id(),
        ..extra.clone()
    };
    let n = Note {
        text: note.text.clone(),
        signatures: vec![note.signatures[0].clone(), forged],
    };
    assert!(matches!(
        n.verify(std::slice::from_ref(&key)),
        Err(NoteError::BadSignature { .. })
    ));
    // Same ID, another name: unknown, ignored.
    let renamed = NoteSignature {
        name: "example.com/bar".into(),
        ..note.signatures[0].clone()
    };
    let n = Note {
        text: note.text.clone(),
        signatures: vec![renamed, note.signatures[0].clone()],
    };
    assert!(n.verify(std::slice::from_ref(&key)).is_ok());
    // The poem parses (its text keeps its blank line) but no key of ours signed it.
    let poem = Note::parse(POEM.as_bytes()).unwrap();
    assert!(poem.text.contains(":\n\ned è"));
    assert!(poem.text.ends_with("sera.\n"));
    assert_eq!(poem.signatures[0].name, "quasimodo.example/salvatore");
    assert_eq!(poem.to_text(), POEM);
    assert_eq!(
        poem.verify(std::slice::from_ref(&key)),
        Err(NoteError::NoKnownSignature)
    );
}

#[test]
fn sign_and_verify_with_several_keys() {
    let log = signer("log.example/a", 1);
    let witness = signer("witness.example", 2);
    let text = "hello\n\nworld\n";
    let note = Note::sign(text, &[&log, &witness]).unwrap();
    let msg = note.to_text();
    let keys = [log.verifier().clone(), witness.verifier().clone()];
    let opened = Note::open(msg.as_bytes(), &keys).unwrap();
    assert_eq!(opened.text, text);
    assert_eq!(opened.verify(&keys).unwrap().len(), 2);
    assert_eq!(
        opened.verify(&keys[1..]).unwrap()[0].name(),
        "witness.example"
    );
    // Verifier keys round trip through text.
    for k in &keys {
        assert_eq!(&VerifierKey::parse(&k.to_string()).unwrap(), k);
        assert_eq!(&k.to_string().parse::<VerifierKey>().unwrap(), k);
    }
    assert!(format!("{log:?}").contains("log.example/a"));
    // Up to the limit of signatures.
    let many: Vec<Signer> = (0..100)
        .map(|i| signer(&format!("w{i}"), i as u8))
        .collect();
    let refs: Vec<&Signer> = many.iter().collect();
    let note = Note::sign("x\n", &refs).unwrap();
    assert!(Note::open(note.to_text().as_bytes(), &[many[99].verifier().clone()]).is_ok());
    let one_more = signer("w100", 100);
    let mut refs = refs;
    refs.push(&one_more);
    let note = Note::sign("x\n", &refs).unwrap();
    assert_eq!(
        Note::parse(note.to_text().as_bytes()),
        Err(NoteError::TooManySignatures)
    );
}

#[test]
fn malformed_notes() {
    let s = signer("example.com/k", 3);
    let good = Note::sign("text\n", &[&s]).unwrap().to_text();
    let line = good.split_once("\n\n").unwrap().1.to_owned();
    let sig_b64 = line.rsplit_once(' ').unwrap().1.trim_end().to_owned();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "empty"),
        ("text\n".into(), "no signature block"),
        ("text\n\n".into(), "no signatures"),
        (format!("text\n\n{}", line.trim_end()), "no final newline"),
        (format!("text\n\n{line}\n"), "blank line after signatures"),
        (format!("te\rxt\n\n{line}"), "control character"),
        (format!("te\txt\n\n{line}"), "tab"),
        (
            format!("text\n\n- example.com/k {sig_b64}\n"),
            "hyphen instead of em dash",
        ),
        (
            format!("text\n\n\u{2014}example.com/k {sig_b64}\n"),
            "no space after dash",
        ),
        (
            format!("text\n\n\u{2014} example.com/k{sig_b64}\n"),
            "no space before signature",
        ),
        (format!("text\n\n\u{2014}  {sig_b64}\n"), "empty name"),
        (format!("text\n\n\u{2014} a+b {sig_b64}\n"), "plus in name"),
        (
            format!("text\n\n\u{2014} a\u{00a0}b {sig_b64}\n"),
            "no-break space in name",
        ),
        (
            format!("text\n\n\u{2014} example.com/k {sig_b64} extra\n"),
            "trailing field",
        ),
        (
            "text\n\n\u{2014} example.com/k AAAA\n".into(),
            "signature too short",
        ),
        (
            "text\n\n\u{2014} example.com/k AAAAAA==\n".into(),
            "signature too short",
        ),
        ("text\n\n\u{2014} example.com/k !!!!\n".into(), "not base64"),
        (
            format!(
                "text\n\n\u{2014} example.com/k {}\n",
                sig_b64.trim_end_matches('=')
            ),
            "no padding",
        ),
        (format!("text\n\n{line}garbage\n"), "garbage line"),
    ];
    for (msg, why) in &cases {
        assert!(
            Note::parse(msg.as_bytes()).is_err(),
            "{why}: {msg:?} parsed"
        );
    }
    assert_eq!(Note::parse(&[0xff, b'\n', b'\n']), Err(NoteError::NotUtf8));
    let huge = format!("{}\n\n{line}", "a".repeat(MAX_NOTE_SIZE));
    assert_eq!(Note::parse(huge.as_bytes()), Err(NoteError::TooLarge));
    // Signing refuses texts that could not be parsed back.
    assert_eq!(Note::sign("no newline", &[&s]), Err(NoteError::TextEnding));
    assert!(Note::sign("bell\u{7}\n", &[&s]).is_err());
    assert_eq!(Note::sign("x\n", &[]), Err(NoteError::NoSignatures));
    assert!(s.sign("").is_err());
    // Bad signer names.
    for name in ["", "a b", "a+b", "a\tb", "a\u{2003}b"] {
        assert!(
            Signer::new(name, SigningKey::from_bytes(&[1; 32])).is_err(),
            "{name:?}"
        );
    }
}

#[test]
fn malformed_verifier_keys() {
    let good = signer("example.com/k", 4).verifier().to_string();
    let (name, rest) = good.split_once('+').unwrap();
    let (id, key) = rest.split_once('+').unwrap();
    let raw = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(key)
            .unwrap()
    };
    let b64 = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    let mut wrong_type = raw.clone();
    wrong_type[0] = 0x04;
    let cases = vec![
        String::new(),
        name.to_owned(),
        format!("{name}+{id}"),
        format!("{name}+{id}+{key}+more"),
        format!("+{id}+{key}"),
        format!("{name}+{}+{key}", &id[..7]),
        format!("{name}+0{id}+{key}"),
        format!("{name}+zzzzzzzz+{key}"),
        format!("{name}+00000000+{key}"),
        format!("other.example+{id}+{key}"),
        format!("{name}+{id}+{}", b64(&raw[..32])),
        format!("{name}+{id}+{}", b64(&[raw.as_slice(), &[0]].concat())),
        format!("{name}+{id}+{}", b64(&wrong_type)),
        format!("{name}+{id}+"),
        format!("{name}+{id}+!!"),
    ];
    for c in &cases {
        assert!(VerifierKey::parse(c).is_err(), "{c:?} parsed");
    }
    assert_eq!(
        VerifierKey::parse(&format!("{name}+{id}+{}", b64(&wrong_type))),
        Err(NoteError::UnsupportedKeyType(4))
    );
    assert_eq!(
        VerifierKey::parse(&format!("{name}+00000000+{key}")),
        Err(NoteError::KeyIdMismatch)
    );
    // Upper-case hex is read too.
    assert!(VerifierKey::parse(&format!("{name}+{}+{key}", id.to_uppercase())).is_ok());
}

#[test]
fn checkpoints() {
    let log = signer("example.com/log", 5);
    let root = leaf_hash(b"root");
    let cp = Checkpoint::new("example.com/log", 1234, root);
    let signed = cp.sign(&[&log]).unwrap();
    assert!(signed.starts_with("example.com/log\n1234\n"));
    let keys = [log.verifier().clone()];
    let opened = Checkpoint::open(signed.as_bytes(), "example.com/log", &keys).unwrap();
    assert_eq!(opened.checkpoint, cp);
    assert_eq!(opened.signed_by, ["example.com/log"]);
    assert_eq!(
        Checkpoint::open(signed.as_bytes(), "example.com/other", &keys),
        Err(CheckpointError::OriginMismatch {
            expected: "example.com/other".into(),
            found: "example.com/log".into()
        })
    );
    let stranger = signer("example.com/log", 6);
    assert!(matches!(
        Checkpoint::open(
            signed.as_bytes(),
            "example.com/log",
            &[stranger.verifier().clone()]
        ),
        Err(CheckpointError::Note(NoteError::NoKnownSignature))
    ));
    let bigger = signed.replace("\n1234\n", "\n1235\n");
    assert!(matches!(
        Checkpoint::open(bigger.as_bytes(), "example.com/log", &keys),
        Err(CheckpointError::Note(NoteError::BadSignature { .. }))
    ));
    // Extension lines.
    let mut ext = Checkpoint::new("example.com/log", 0, root);
    ext.extensions = vec!["ext one".into(), "ext two".into()];
    let signed = ext.sign(&[&log]).unwrap();
    assert_eq!(
        Checkpoint::open(signed.as_bytes(), "example.com/log", &keys)
            .unwrap()
            .checkpoint,
        ext
    );
    // Unformattable checkpoints are refused before signing.
    for bad in [
        Checkpoint::new("", 1, root),
        Checkpoint::new("a\nb", 1, root),
        Checkpoint {
            extensions: vec![String::new()],
            ..cp.clone()
        },
        Checkpoint {
            extensions: vec!["a\nb".into()],
            ..cp.clone()
        },
    ] {
        assert!(bad.sign(&[&log]).is_err(), "{bad:?}");
    }
    // The spec's example parses (unverified).
    let (sofa, note) = Checkpoint::parse_unverified(SOFA.as_bytes()).unwrap();
    assert_eq!(sofa.origin, "example.com/behind-the-sofa");
    assert_eq!(sofa.size, 20_852_163);
    assert_eq!(
        hex::encode(sofa.root),
        "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62"
    );
    assert_eq!(note.signatures[0].name, "example.com/behind-the-sofa");
}

#[test]
fn malformed_checkpoint_bodies() {
    let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    for body in [
        String::new(),
        "origin\n".into(),
        "origin\n5\n".into(),
        format!("origin\n5\n{root}"),
        format!("\n5\n{root}\n"),
        format!("origin\n05\n{root}\n"),
        format!("origin\n00\n{root}\n"),
        format!("origin\n-5\n{root}\n"),
        format!("origin\n+5\n{root}\n"),
        format!("origin\n 5\n{root}\n"),
        format!("origin\n18446744073709551616\n{root}\n"),
        format!("origin\n\n{root}\n"),
        "origin\n5\n\n".into(),
        "origin\n5\nAAAA\n".into(),
        format!("origin\n5\n{}\n", root.trim_end_matches('=')),
        format!("origin\n5\n{root}\n\n"),
        format!("origin\n5\n{root}\next\n\n"),
        format!("ori\u{1}gin\n5\n{root}\n"),
    ] {
        assert!(Checkpoint::parse(&body).is_err(), "{body:?} parsed");
    }
    let max = Checkpoint::parse(&format!("o\n18446744073709551615\n{root}\n")).unwrap();
    assert_eq!(max.size, u64::MAX);
    assert_eq!(
        Checkpoint::parse(&format!("o\n0\n{root}\n")).unwrap().size,
        0
    );
}

/// Standard base64 uses `+`: a verifier key whose key part contains one must still parse
/// (the name cannot contain `+`, so only the first two separate fields).
#[test]
fn verifier_keys_with_plus_in_the_base64_parse() {
    let text = (0u8..=255)
        .map(|seed| signer("example.com/log", seed).verifier().to_string())
        .find(|v| v.splitn(3, '+').nth(2).is_some_and(|k| k.contains('+')))
        .expect("some seed gives a key with + in its base64");
    let parsed = VerifierKey::parse(&text).unwrap();
    assert_eq!(parsed.to_string(), text);
}
