//! RFC 9162 §2.1 Merkle tree hashing and proof verification.
//!
//! Inclusion and consistency proofs are checked with the algorithms of RFC 9162 §2.1.3.2 and
//! §2.1.4.2, step by step. Subtree proofs (a leaf in a subtree `[start, end)`, or a subtree
//! consistent with a whole tree) follow the "Subtrees" section of
//! draft-ietf-plants-merkle-tree-certs, which extends RFC 9162 the same way.
//!
//! Edge cases, chosen to agree with the transparency-dev/merkle test vectors:
//! - a consistency proof between equal sizes is empty and the two roots must be equal;
//! - a consistency proof from size 0 is refused ([`ProofError::EmptyOldTree`]): RFC 9162
//!   defines proofs only for `0 < first`, and the empty tree is a prefix of every tree, so
//!   there is nothing to check. Callers that accept size 0 (a witness seeing a log for the first
//!   time) decide that before calling [`verify_consistency`];
//! - an old size larger than the new size is refused.

use sha2::{Digest, Sha256};

/// A SHA-256 hash: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Length of a [`Hash`](type@Hash) in bytes.
pub const HASH_SIZE: usize = 32;

/// The hash of a leaf: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// A hash from a byte slice, which must be exactly 32 bytes long.
pub fn hash_from_slice(bytes: &[u8]) -> Result<Hash, ProofError> {
    Hash::try_from(bytes).map_err(|_| ProofError::HashLength(bytes.len()))
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not inside the tree (or subtree).
    #[error("leaf index {index} is outside [{start}, {end})")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// First index of the (sub)tree.
        start: u64,
        /// One past the last index of the (sub)tree.
        end: u64,
    },
    /// The proof has more hashes than the tree sizes call for.
    #[error("the proof has more hashes than the tree sizes call for")]
    ProofTooLong,
    /// The proof has fewer hashes than the tree sizes call for.
    #[error("the proof has fewer hashes than the tree sizes call for")]
    ProofTooShort,
    /// The proof leads to another root hash than the expected one.
    #[error("the proof leads to another root hash than the expected one")]
    RootMismatch,
    /// The consistency proof does not reproduce the old root (or the subtree hash).
    #[error("the consistency proof does not reproduce the old root hash")]
    OldRootMismatch,
    /// The old tree is larger than the new one.
    #[error("the old tree size {old} is larger than the new tree size {new}")]
    SizeOrder {
        /// Old tree size.
        old: u64,
        /// New tree size.
        new: u64,
    },
    /// A consistency proof from the empty tree was asked for.
    #[error("a consistency proof from the empty tree proves nothing")]
    EmptyOldTree,
    /// The proof should be empty (equal sizes, or an empty subtree) but is not.
    #[error("the proof should be empty but has {0} hashes")]
    UnexpectedProof(usize),
    /// The consistency proof is empty but the sizes differ.
    #[error("the consistency proof is empty but the tree sizes differ")]
    EmptyProof,
    /// `[start, end)` is not a subtree (start must be a multiple of the next power of two at
    /// or above `end - start`).
    #[error("[{start}, {end}) is not a valid subtree")]
    InvalidSubtree {
        /// First index.
        start: u64,
        /// One past the last index.
        end: u64,
    },
    /// The subtree reaches beyond the tree.
    #[error("the subtree ends at {end}, beyond the tree size {size}")]
    SubtreeBeyondTree {
        /// One past the subtree's last index.
        end: u64,
        /// The tree size.
        size: u64,
    },
    /// An empty subtree whose hash is not the empty hash.
    #[error("an empty subtree must have the hash of the empty string")]
    EmptySubtreeHash,
    /// A hash of the wrong length.
    #[error("a hash must be 32 bytes, not {0}")]
    HashLength(usize),
}

/// The root that an inclusion proof leads to (RFC 9162 §2.1.3.2, without the final
/// comparison).
pub fn root_from_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange {
            index,
            start: 0,
            end: size,
        });
    }
    let mut fnode = index;
    let mut snode = size - 1;
    let mut r = *leaf_hash;
    for p in proof {
        if snode == 0 {
            return Err(ProofError::ProofTooLong);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            // Skip the levels where this node has no right sibling (the right edge).
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::ProofTooShort);
    }
    Ok(r)
}

/// Checks that `leaf_hash` is the leaf at `index` of the tree of `size` leaves whose root is
/// `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if root_from_inclusion(leaf_hash, index, size, proof)? == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// Checks that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2). See the module documentation
/// for the edge cases.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizeOrder {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        return Err(ProofError::EmptyOldTree);
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(ProofError::UnexpectedProof(proof.len()));
        }
        return if old_root == new_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    // Step 1.
    let Some((first, rest)) = proof.split_first() else {
        return Err(ProofError::EmptyProof);
    };
    // Step 2: when the old tree is a complete subtree of the new one, its root is the first
    // node of the path and the proof leaves it out.
    let (seed, rest) = if old_size.is_power_of_two() {
        (old_root, proof)
    } else {
        (first, rest)
    };
    // Steps 3 and 4.
    let mut fnode = old_size - 1;
    let mut snode = new_size - 1;
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    let mut fr = *seed;
    let mut sr = *seed;
    // Step 6.
    for c in rest {
        if snode == 0 {
            return Err(ProofError::ProofTooLong);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 7.
    if snode != 0 {
        return Err(ProofError::ProofTooShort);
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch);
    }
    if sr != *new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Whether `[start, end)` is a subtree in the sense of draft-ietf-plants-merkle-tree-certs:
/// `start <= end` and `start` a multiple of the smallest power of two `>= end - start`. Such
/// ranges are nodes (or right-edge prefixes of nodes) of every tree that contains them.
pub fn is_valid_subtree(start: u64, end: u64) -> bool {
    if start > end {
        return false;
    }
    let size = end - start;
    if size > 1 << 63 {
        // The next power of two would not fit in 64 bits; only the whole range qualifies.
        return start == 0;
    }
    start & (size.next_power_of_two() - 1) == 0
}

/// Checks that `leaf_hash` is the leaf at `index` of the subtree `[start, end)` whose hash is
/// `subtree_hash` (a plain inclusion proof inside the subtree).
pub fn verify_subtree_inclusion(
    leaf_hash: &Hash,
    index: u64,
    start: u64,
    end: u64,
    proof: &[Hash],
    subtree_hash: &Hash,
) -> Result<(), ProofError> {
    if !is_valid_subtree(start, end) {
        return Err(ProofError::InvalidSubtree { start, end });
    }
    if index < start || index >= end {
        return Err(ProofError::IndexOutOfRange { index, start, end });
    }
    verify_inclusion(leaf_hash, index - start, end - start, proof, subtree_hash)
}

/// Checks that the subtree `[start, end)` with hash `subtree_hash` is part of the tree of
/// `size` leaves with root `root` (draft-ietf-plants-merkle-tree-certs, "Verifying a Subtree
/// Consistency Proof"). With `start == 0` this is an RFC 9162 consistency proof, with
/// `end == start + 1` an inclusion proof.
pub fn verify_subtree_consistency(
    start: u64,
    end: u64,
    size: u64,
    proof: &[Hash],
    subtree_hash: &Hash,
    root: &Hash,
) -> Result<(), ProofError> {
    if !is_valid_subtree(start, end) {
        return Err(ProofError::InvalidSubtree { start, end });
    }
    if end > size {
        return Err(ProofError::SubtreeBeyondTree { end, size });
    }
    if start == end {
        if !proof.is_empty() {
            return Err(ProofError::UnexpectedProof(proof.len()));
        }
        return if *subtree_hash == empty_root() {
            Ok(())
        } else {
            Err(ProofError::EmptySubtreeHash)
        };
    }
    let mut fnode = start;
    let mut snode = end - 1;
    let mut tnode = size - 1;
    let shift = |f: &mut u64, s: &mut u64, t: &mut u64| {
        *f >>= 1;
        *s >>= 1;
        *t >>= 1;
    };
    if snode == tnode {
        while fnode != snode {
            shift(&mut fnode, &mut snode, &mut tnode);
        }
    } else {
        while fnode != snode && snode & 1 == 1 {
            shift(&mut fnode, &mut snode, &mut tnode);
        }
    }
    let (seed, rest) = if fnode == snode {
        (subtree_hash, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (first, rest),
            None => return Err(ProofError::EmptyProof),
        }
    };
    let mut fr = *seed;
    let mut sr = *seed;
    for c in rest {
        if tnode == 0 {
            return Err(ProofError::ProofTooLong);
        }
        if snode & 1 == 1 || snode == tnode {
            if fnode < snode {
                fr = node_hash(c, &fr);
            }
            sr = node_hash(c, &sr);
            // snode > 0 here (tnode > 0 and snode is odd or equal to tnode), so this ends.
            while snode & 1 == 0 && snode != 0 {
                shift(&mut fnode, &mut snode, &mut tnode);
            }
        } else {
            sr = node_hash(&sr, c);
        }
        shift(&mut fnode, &mut snode, &mut tnode);
    }
    if tnode != 0 {
        return Err(ProofError::ProofTooShort);
    }
    if fr != *subtree_hash {
        return Err(ProofError::OldRootMismatch);
    }
    if sr != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn subtree_validity() {
        assert!(is_valid_subtree(0, 0));
        assert!(is_valid_subtree(5, 5));
        assert!(is_valid_subtree(4, 8));
        assert!(is_valid_subtree(8, 13));
        assert!(!is_valid_subtree(2, 6));
        assert!(!is_valid_subtree(3, 2));
        assert!(is_valid_subtree(0, u64::MAX));
        assert!(!is_valid_subtree(1, u64::MAX));
    }
}
