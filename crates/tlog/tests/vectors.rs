//! Every JSON proof vector of transparency-dev/merkle (`testdata/` in the shared data):
//! valid ones must verify, invalid ones (`wantErr`) must fail.
//!
//! The vectors give hashes as byte strings of any length, while this crate's API takes
//! 32-byte [`Hash`]es. Leaf and path hashes go through [`hash_from_slice`], so one of the
//! wrong length is refused there, as the reference implementation refuses it. Roots are only
//! ever compared for equality, and a few vectors use placeholder roots ("don't care", 12
//! bytes) where the value does not matter; such roots are mapped to a 32-byte stand-in (a
//! SHA-256 of them under a label no real hash has), which keeps equal placeholders equal and
//! different ones different.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use iotlabel_tlog::merkle::{
    Hash, ProofError, hash_from_slice, verify_consistency, verify_inclusion,
    verify_subtree_consistency, verify_subtree_inclusion,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn testdata(kind: &str) -> PathBuf {
    let dir = iotlabel_testkit::shared_dir()
        .join("data/merkle-testdata/testdata")
        .join(kind);
    assert!(
        dir.is_dir(),
        "the transparency-dev/merkle test vectors are missing: {} (set IOTLABEL_SHARED to the \
         directory holding data/merkle-testdata)",
        dir.display()
    );
    dir
}

fn json_files(dir: &Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                let value: Value = serde_json::from_str(&text).unwrap();
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((name, value));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

struct Decoder {
    substituted: usize,
}

impl Decoder {
    fn bytes(v: &Value) -> Vec<u8> {
        match v {
            Value::Null => Vec::new(),
            Value::String(s) => STANDARD.decode(s).unwrap(),
            other => panic!("not a base64 string: {other}"),
        }
    }

    /// A leaf or path hash: must be 32 bytes.
    fn hash(&mut self, v: &Value) -> Result<Hash, ProofError> {
        hash_from_slice(&Self::bytes(v))
    }

    /// A root: a placeholder of another length gets a stand-in.
    fn root(&mut self, v: &Value) -> Hash {
        let b = Self::bytes(v);
        match Hash::try_from(b.as_slice()) {
            Ok(h) => h,
            Err(_) => {
                self.substituted += 1;
                let mut h = Sha256::new();
                h.update(b"iotlabel test stand-in for a hash of the wrong length\0");
                h.update(&b);
                h.finalize().into()
            }
        }
    }

    fn proof(&mut self, v: &Value) -> Result<Vec<Hash>, ProofError> {
        match v {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items.iter().map(|i| self.hash(i)).collect(),
            other => panic!("not a proof: {other}"),
        }
    }
}

fn u(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a u64: {v}"))
}

/// Runs every vector of a directory; returns (valid, invalid, substituted hashes).
fn run(
    kind: &str,
    check: impl Fn(&Value, &mut Decoder) -> Result<(), ProofError>,
) -> (usize, usize, usize) {
    let files = json_files(&testdata(kind));
    assert!(!files.is_empty(), "no vectors in {kind}");
    let mut decoder = Decoder { substituted: 0 };
    let (mut valid, mut invalid) = (0, 0);
    let mut wrong = Vec::new();
    for (name, v) in &files {
        let want_err = v["wantErr"].as_bool().unwrap();
        let ok = check(v, &mut decoder).is_ok();
        if ok == want_err {
            wrong.push(format!("{kind}/{name} ({}): verified = {ok}", v["desc"]));
        }
        if want_err {
            invalid += 1;
        } else {
            valid += 1;
        }
    }
    assert!(
        wrong.is_empty(),
        "{} vectors disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    (valid, invalid, decoder.substituted)
}

#[test]
fn inclusion_vectors() {
    let (valid, invalid, _) = run("inclusion", |v, d| {
        verify_inclusion(
            &d.hash(&v["leafHash"])?,
            u(v, "leafIdx"),
            u(v, "treeSize"),
            &d.proof(&v["proof"])?,
            &d.root(&v["root"]),
        )
    });
    assert_eq!((valid, invalid), (6, 92), "the vector set changed");
}

#[test]
fn consistency_vectors() {
    let (valid, invalid, _) = run("consistency", |v, d| {
        verify_consistency(
            u(v, "size1"),
            u(v, "size2"),
            &d.root(&v["root1"]),
            &d.root(&v["root2"]),
            &d.proof(&v["proof"])?,
        )
    });
    assert_eq!((valid, invalid), (6, 92), "the vector set changed");
}

#[test]
fn subtree_inclusion_vectors() {
    let (valid, invalid, _) = run("subtreeinclusion", |v, d| {
        verify_subtree_inclusion(
            &d.hash(&v["leafHash"])?,
            u(v, "leafIdx"),
            u(v, "start"),
            u(v, "end"),
            &d.proof(&v["proof"])?,
            &d.root(&v["root"]),
        )
    });
    assert_eq!((valid, invalid), (12, 192), "the vector set changed");
}

#[test]
fn subtree_consistency_vectors() {
    let (valid, invalid, _) = run("subtreeconsistency", |v, d| {
        verify_subtree_consistency(
            u(v, "start"),
            u(v, "end"),
            u(v, "size"),
            &d.proof(&v["proof"])?,
            &d.root(&v["root1"]),
            &d.root(&v["root2"]),
        )
    });
    assert_eq!((valid, invalid), (12, 106), "the vector set changed");
}
