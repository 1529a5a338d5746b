//! COSE Receipts of inclusion (RFC 9942, from draft-ietf-cose-merkle-tree-proofs-18) for the
//! RFC9162_SHA256 verifiable data structure, signed with Ed25519.
//!
//! What is followed (RFC 9942 §4.1 and §5, "Receipt of Inclusion"):
//! - a COSE_Sign1 tagged 18, with a detached payload (`nil`): the payload is the Merkle root
//!   (32 bytes) at `tree-size`, which the verifier recomputes from the leaf and the path;
//! - protected header: `alg` (1) = EdDSA (-8), optional `kid` (4), `vds` (395) = 1
//!   (RFC9162_SHA256);
//! - unprotected header: `vdp` (396) = `{ -1: [ + bstr .cbor [tree-size, leaf-index,
//!   inclusion-path: [ + bstr ]] ] }`.
//!
//! What a receipt proves: the signer signed the root, and the leaf is in the tree with that
//! root at `leaf-index`. The tree size travels in the unprotected header, unsigned, and an
//! inclusion path fits several sizes, so [`VerifiedReceipt`]'s `tree_size` is a claim, not a
//! proven fact (a checkpoint binds size and root together).
//!
//! Deviations and choices: a tree of one leaf has an empty inclusion path, which the CDDL's
//! `[ + bstr ]` does not allow; such receipts are still produced and accepted. Verification
//! accepts `alg` Ed25519 (-19, RFC 9864) too, an untagged COSE_Sign1, and an attached payload
//! only if it equals the recomputed root; it refuses critical headers other than `alg`. When `-1` holds several proofs, the receipt verifies if one of them, applied to the
//! leaf, gives a root the signature covers.

use ciborium::Value;
use coset::{
    CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, Label,
    RegisteredLabelWithPrivate, SignatureContext, TaggedCborSerializable, iana, sig_structure_data,
};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::merkle::{Hash, ProofError, root_from_inclusion};
use crate::tree::{Tree, TreeError};

/// COSE header parameter `receipts` (RFC 9942).
pub const RECEIPTS: i64 = 394;
/// COSE header parameter `vds`, verifiable data structure (RFC 9942).
pub const VDS: i64 = 395;
/// COSE header parameter `vdp`, verifiable data structure proofs (RFC 9942).
pub const VDP: i64 = 396;
/// The `vds` value of RFC 9162 Merkle trees with SHA-256.
pub const RFC9162_SHA256: i64 = 1;
/// The `vdp` map key of inclusion proofs.
pub const INCLUSION_PROOFS: i64 = -1;

/// Most hashes accepted in an inclusion path.
const MAX_PATH: usize = 64;

/// Why a receipt cannot be made or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// The bytes are not a well-formed receipt.
    #[error("malformed receipt: {0}")]
    Malformed(String),
    /// The signature algorithm is not Ed25519.
    #[error("unsupported signature algorithm (receipts here are EdDSA/Ed25519)")]
    Algorithm,
    /// The verifiable data structure is not RFC9162_SHA256.
    #[error("the receipt is not for RFC9162_SHA256 (vds 1)")]
    DataStructure,
    /// A critical header this verifier does not process.
    #[error("the receipt has a critical header this verifier does not process")]
    Critical,
    /// No inclusion proof in the unprotected header.
    #[error("the receipt has no inclusion proof (vdp 396, key -1)")]
    NoInclusionProof,
    /// The inclusion proof does not fit the leaf.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// The tree cannot produce the proof.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// The signature does not verify over the recomputed root.
    #[error("the receipt's signature does not verify over the root the proof leads to")]
    BadSignature,
}

/// An RFC9162_SHA256 inclusion proof as carried in a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// Tree size of the signed root.
    pub tree_size: u64,
    /// Index of the leaf.
    pub leaf_index: u64,
    /// Inclusion path, leaf's sibling first.
    pub path: Vec<Hash>,
}

impl InclusionProof {
    /// The CBOR array `[tree-size, leaf-index, [path...]]`.
    pub fn to_cbor(&self) -> Vec<u8> {
        let value = Value::Array(vec![
            Value::Integer(self.tree_size.into()),
            Value::Integer(self.leaf_index.into()),
            Value::Array(self.path.iter().map(|h| Value::Bytes(h.to_vec())).collect()),
        ]);
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = ciborium::into_writer(&value, &mut out);
        out
    }

    /// Decodes `[tree-size, leaf-index, [path...]]`, refusing trailing bytes.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, ReceiptError> {
        let bad = |m: &str| ReceiptError::Malformed(format!("inclusion proof: {m}"));
        let mut reader = bytes;
        let value: Value = ciborium::from_reader(&mut reader).map_err(|e| bad(&e.to_string()))?;
        if !reader.is_empty() {
            return Err(bad("trailing bytes"));
        }
        let Value::Array(items) = value else {
            return Err(bad("not an array"));
        };
        let [size, index, Value::Array(path)] = items.as_slice() else {
            return Err(bad("not [tree-size, leaf-index, [path]]"));
        };
        let uint = |v: &Value| -> Option<u64> {
            match v {
                Value::Integer(i) => u64::try_from(*i).ok(),
                _ => None,
            }
        };
        let tree_size = uint(size).ok_or_else(|| bad("tree-size is not an unsigned integer"))?;
        let leaf_index = uint(index).ok_or_else(|| bad("leaf-index is not an unsigned integer"))?;
        if path.len() > MAX_PATH {
            return Err(bad("inclusion path too long"));
        }
        let path = path
            .iter()
            .map(|v| match v {
                Value::Bytes(b) => Hash::try_from(b.as_slice()).ok(),
                _ => None,
            })
            .collect::<Option<Vec<Hash>>>()
            .ok_or_else(|| bad("a path element is not a 32-byte bstr"))?;
        Ok(Self {
            tree_size,
            leaf_index,
            path,
        })
    }
}

/// A receipt that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    /// The proof that verified (its `tree_size` is not covered by the signature).
    pub proof: InclusionProof,
    /// The signed root.
    pub root: Hash,
    /// The `kid` of the protected header (empty if none).
    pub kid: Vec<u8>,
}

/// Signs a receipt of inclusion for `proof` over the tree root `root`.
pub fn sign(
    proof: &InclusionProof,
    root: &Hash,
    key: &SigningKey,
    kid: &[u8],
) -> Result<Vec<u8>, ReceiptError> {
    let protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::EdDSA)
        .key_id(kid.to_vec())
        .value(VDS, Value::Integer(RFC9162_SHA256.into()))
        .build();
    let proofs = Value::Map(vec![(
        Value::Integer(INCLUSION_PROOFS.into()),
        Value::Array(vec![Value::Bytes(proof.to_cbor())]),
    )]);
    let unprotected = HeaderBuilder::new().value(VDP, proofs).build();
    CoseSign1Builder::new()
        .protected(protected)
        .unprotected(unprotected)
        .create_detached_signature(root, b"", |tbs| key.sign(tbs).to_bytes().to_vec())
        .build()
        .to_tagged_vec()
        .map_err(|e| ReceiptError::Malformed(e.to_string()))
}

/// Issues the receipt of leaf `index` in `tree` at size `size`.
pub fn issue(
    tree: &Tree,
    index: u64,
    size: u64,
    key: &SigningKey,
    kid: &[u8],
) -> Result<Vec<u8>, ReceiptError> {
    let proof = InclusionProof {
        tree_size: size,
        leaf_index: index,
        path: tree.inclusion_proof(index, size)?,
    };
    sign(&proof, &tree.root_at(size)?, key, kid)
}

/// Verifies a receipt of inclusion of the leaf `leaf_hash`, signed by `key`.
pub fn verify(
    receipt: &[u8],
    leaf_hash: &Hash,
    key: &VerifyingKey,
) -> Result<VerifiedReceipt, ReceiptError> {
    let sign1 = CoseSign1::from_tagged_slice(receipt)
        .or_else(|_| CoseSign1::from_slice(receipt))
        .map_err(|e| ReceiptError::Malformed(format!("not a COSE_Sign1: {e}")))?;
    let header = &sign1.protected.header;
    if !matches!(
        header.alg,
        Some(RegisteredLabelWithPrivate::Assigned(
            iana::Algorithm::EdDSA | iana::Algorithm::Ed25519
        ))
    ) {
        return Err(ReceiptError::Algorithm);
    }
    if !header.crit.iter().all(crit_understood) {
        return Err(ReceiptError::Critical);
    }
    let vds = header
        .rest
        .iter()
        .find(|(l, _)| *l == Label::Int(VDS))
        .map(|(_, v)| v);
    if vds != Some(&Value::Integer(RFC9162_SHA256.into())) {
        return Err(ReceiptError::DataStructure);
    }
    let proofs = inclusion_proofs(&sign1)?;
    let signature =
        Signature::from_slice(&sign1.signature).map_err(|_| ReceiptError::BadSignature)?;
    let mut last_error = ReceiptError::NoInclusionProof;
    for bytes in proofs {
        let proof = match InclusionProof::from_cbor(bytes) {
            Ok(p) => p,
            Err(e) => {
                last_error = e;
                continue;
            }
        };
        let root =
            match root_from_inclusion(leaf_hash, proof.leaf_index, proof.tree_size, &proof.path) {
                Ok(r) => r,
                Err(e) => {
                    last_error = e.into();
                    continue;
                }
            };
        if let Some(payload) = &sign1.payload
            && payload.as_slice() != root.as_slice()
        {
            last_error = ReceiptError::BadSignature;
            continue;
        }
        let tbs = sig_structure_data(
            SignatureContext::CoseSign1,
            sign1.protected.clone(),
            None,
            b"",
            &root,
        );
        if key.verify_strict(&tbs, &signature).is_ok() {
            return Ok(VerifiedReceipt {
                proof,
                root,
                kid: header.key_id.clone(),
            });
        }
        last_error = ReceiptError::BadSignature;
    }
    Err(last_error)
}

/// Critical headers this verifier processes: `alg`. (A `crit` naming `vds` does not even
/// decode: coset only represents registered or private-use labels there.)
fn crit_understood(label: &RegisteredLabelWithPrivate<iana::HeaderParameter>) -> bool {
    matches!(
        label,
        RegisteredLabelWithPrivate::Assigned(iana::HeaderParameter::Alg)
    )
}

/// The encoded inclusion proofs under `vdp` / `-1` in the unprotected header.
fn inclusion_proofs(sign1: &CoseSign1) -> Result<Vec<&[u8]>, ReceiptError> {
    let vdp = sign1
        .unprotected
        .rest
        .iter()
        .find(|(l, _)| *l == Label::Int(VDP))
        .map(|(_, v)| v)
        .ok_or(ReceiptError::NoInclusionProof)?;
    let Value::Map(entries) = vdp else {
        return Err(ReceiptError::Malformed("vdp is not a map".into()));
    };
    let list = entries
        .iter()
        .find(|(k, _)| *k == Value::Integer(INCLUSION_PROOFS.into()))
        .map(|(_, v)| v)
        .ok_or(ReceiptError::NoInclusionProof)?;
    let Value::Array(items) = list else {
        return Err(ReceiptError::Malformed(
            "inclusion proofs are not an array".into(),
        ));
    };
    if items.is_empty() {
        return Err(ReceiptError::NoInclusionProof);
    }
    items
        .iter()
        .map(|v| match v {
            Value::Bytes(b) => Ok(b.as_slice()),
            _ => Err(ReceiptError::Malformed(
                "an inclusion proof is not a bstr".into(),
            )),
        })
        .collect()
}
