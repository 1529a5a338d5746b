//! The tree against naive recursive implementations of the RFC 9162 definitions (MTH, PATH,
//! PROOF), on every size up to 300 and around powers of two; every proof it makes verifies and
//! every tampered one fails. Subtree proofs are checked against the accumulated test vectors of
//! draft-ietf-plants-merkle-tree-certs (appendix "Subtree Test Vectors").

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iotlabel_tlog::merkle::{
    Hash, ProofError, empty_root, is_valid_subtree, leaf_hash, node_hash, verify_consistency,
    verify_inclusion, verify_subtree_consistency, verify_subtree_inclusion,
};
use iotlabel_tlog::{Tree, TreeError};
use sha2::{Digest, Sha256};

/// splitmix64: deterministic test randomness without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn leaves(n: u64, seed: u64) -> Vec<Hash> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let len = rng.below(40) as usize;
            let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            leaf_hash(&data)
        })
        .collect()
}

fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

fn mth(d: &[Hash]) -> Hash {
    match d.len() {
        0 => empty_root(),
        1 => d[0],
        n => {
            let k = split(n);
            node_hash(&mth(&d[..k]), &mth(&d[k..]))
        }
    }
}

fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
    let n = d.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

fn subproof(m: usize, d: &[Hash], complete: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if complete { Vec::new() } else { vec![mth(d)] };
    }
    let k = split(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], complete);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn flip(h: &Hash, bit: usize) -> Hash {
    let mut h = *h;
    h[bit / 8 % 32] ^= 1 << (bit % 8);
    h
}

#[test]
fn roots_match_naive_mth_for_every_size_up_to_300() {
    let d = leaves(300, 1);
    let tree = Tree::from_leaf_hashes(d.iter().copied());
    for n in 0..=300 {
        assert_eq!(tree.root_at(n as u64).unwrap(), mth(&d[..n]), "size {n}");
        // A tree grown to exactly n leaves agrees with the prefix of the larger one.
        let small: Tree = d[..n].iter().copied().collect();
        assert_eq!(small.size(), n as u64);
        assert_eq!(small.root(), mth(&d[..n]), "size {n}");
    }
    assert_eq!(
        tree.root_at(301),
        Err(TreeError::SizeBeyondTree {
            size: 301,
            tree_size: 300
        })
    );
    assert_eq!(Tree::new().root(), empty_root());
}

#[test]
fn inclusion_proofs_for_every_leaf_of_every_size_up_to_300() {
    let d = leaves(300, 2);
    let tree = Tree::from_leaf_hashes(d.iter().copied());
    let mut rng = Rng(22);
    for n in 1..=300usize {
        let root = mth(&d[..n]);
        for i in 0..n {
            let proof = tree.inclusion_proof(i as u64, n as u64).unwrap();
            if n <= 64 || i % 29 == 0 {
                assert_eq!(proof, path(i, &d[..n]), "PATH({i}, D[{n}])");
            }
            verify_inclusion(&d[i], i as u64, n as u64, &proof, &root).unwrap();
            if (i + n) % 4 != 0 {
                continue;
            }
            // Tampering: another leaf, index, size, root, or any path hash.
            let bad_leaf = flip(&d[i], rng.below(256) as usize);
            assert!(verify_inclusion(&bad_leaf, i as u64, n as u64, &proof, &root).is_err());
            if n > 1 {
                let j = (i + 1 + rng.below(n as u64 - 1) as usize) % n;
                assert!(verify_inclusion(&d[i], j as u64, n as u64, &proof, &root).is_err());
            }
            assert!(verify_inclusion(&d[i], i as u64, n as u64, &proof, &flip(&root, 3)).is_err());
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let k = rng.below(bad.len() as u64) as usize;
                bad[k] = flip(&bad[k], rng.below(256) as usize);
                assert!(verify_inclusion(&d[i], i as u64, n as u64, &bad, &root).is_err());
                assert!(verify_inclusion(&d[i], i as u64, n as u64, &proof[1..], &root).is_err());
            }
            let mut long = proof.clone();
            long.push(d[0]);
            assert!(verify_inclusion(&d[i], i as u64, n as u64, &long, &root).is_err());
        }
        assert_eq!(
            verify_inclusion(&d[0], n as u64, n as u64, &[], &root),
            Err(ProofError::IndexOutOfRange {
                index: n as u64,
                start: 0,
                end: n as u64
            })
        );
    }
}

#[test]
fn consistency_proofs_for_every_pair_of_sizes_up_to_300() {
    let d = leaves(300, 3);
    let tree = Tree::from_leaf_hashes(d.iter().copied());
    let roots: Vec<Hash> = (0..=300).map(|n| mth(&d[..n])).collect();
    let mut rng = Rng(33);
    for new in 1..=300usize {
        for old in 1..=new {
            let proof = tree.consistency_proof(old as u64, new as u64).unwrap();
            if new <= 64 || old % 29 == 0 {
                let want = if old == new {
                    Vec::new()
                } else {
                    subproof(old, &d[..new], true)
                };
                assert_eq!(proof, want, "PROOF({old}, D[{new}])");
            }
            let (o, n) = (old as u64, new as u64);
            verify_consistency(o, n, &roots[old], &roots[new], &proof).unwrap();
            if (old + new) % 4 != 0 {
                continue;
            }
            assert!(verify_consistency(o, n, &flip(&roots[old], 5), &roots[new], &proof).is_err());
            assert!(verify_consistency(o, n, &roots[old], &flip(&roots[new], 9), &proof).is_err());
            if old < new {
                assert!(
                    verify_consistency(o, n, &roots[new], &roots[old], &proof).is_err(),
                    "swapped roots {old} {new}"
                );
                let mut bad = proof.clone();
                let k = rng.below(bad.len() as u64) as usize;
                bad[k] = flip(&bad[k], rng.below(256) as usize);
                assert!(verify_consistency(o, n, &roots[old], &roots[new], &bad).is_err());
                assert!(verify_consistency(o, n, &roots[old], &roots[new], &proof[1..]).is_err());
                let mut long = proof.clone();
                long.push(roots[1]);
                assert!(verify_consistency(o, n, &roots[old], &roots[new], &long).is_err());
                if new < 300 {
                    assert!(
                        verify_consistency(o, n + 1, &roots[old], &roots[new + 1], &proof).is_err()
                    );
                }
            }
        }
    }
    // Edge cases.
    assert_eq!(tree.consistency_proof(0, 10).unwrap(), Vec::<Hash>::new());
    assert_eq!(
        verify_consistency(0, 10, &empty_root(), &roots[10], &[]),
        Err(ProofError::EmptyOldTree)
    );
    assert_eq!(
        verify_consistency(5, 4, &roots[5], &roots[4], &[]),
        Err(ProofError::SizeOrder { old: 5, new: 4 })
    );
    assert_eq!(
        verify_consistency(4, 4, &roots[4], &roots[4], &[roots[1]]),
        Err(ProofError::UnexpectedProof(1))
    );
    assert_eq!(
        verify_consistency(4, 5, &roots[4], &roots[5], &[]),
        Err(ProofError::EmptyProof)
    );
    assert!(tree.consistency_proof(5, 4).is_err());
    assert!(tree.consistency_proof(5, 301).is_err());
}

#[test]
fn sizes_around_powers_of_two() {
    let max = (1 << 16) + 1;
    let d = leaves(max, 4);
    let tree = Tree::from_leaf_hashes(d.iter().copied());
    let mut rng = Rng(44);
    let mut sizes = Vec::new();
    for k in (8..=14).chain([16]) {
        sizes.extend([(1u64 << k) - 1, 1 << k, (1 << k) + 1]);
    }
    for &n in &sizes {
        let root = mth(&d[..n as usize]);
        assert_eq!(tree.root_at(n).unwrap(), root, "size {n}");
        for _ in 0..20 {
            let i = rng.below(n);
            let proof = tree.inclusion_proof(i, n).unwrap();
            verify_inclusion(&d[i as usize], i, n, &proof, &root).unwrap();
        }
        for i in [0, n - 1] {
            let proof = tree.inclusion_proof(i, n).unwrap();
            assert_eq!(proof, path(i as usize, &d[..n as usize]));
            verify_inclusion(&d[i as usize], i, n, &proof, &root).unwrap();
        }
        for &m in sizes.iter().filter(|&&m| m <= n) {
            let proof = tree.consistency_proof(m, n).unwrap();
            verify_consistency(m, n, &tree.root_at(m).unwrap(), &root, &proof).unwrap();
        }
        let m = 1 + rng.below(n);
        let proof = tree.consistency_proof(m, n).unwrap();
        verify_consistency(m, n, &tree.root_at(m).unwrap(), &root, &proof).unwrap();
    }
}

/// The tree `D_n` of the draft's vectors: `d[i]` is the single byte `i`.
fn vector_tree() -> Tree {
    (0..130u8).map(|i| leaf_hash(&[i])).collect()
}

fn hex_line(prefix: String, proof: &[Hash]) -> String {
    let mut line = prefix;
    for h in proof {
        line.push(' ');
        line.push_str(&hex::encode(h));
    }
    line.push('\n');
    line
}

#[test]
fn subtree_hash_vectors() {
    let tree = vector_tree();
    let mut acc = Sha256::new();
    for end in 0..=130u64 {
        for start in 0..=end {
            if is_valid_subtree(start, end) {
                let h = tree.subtree_hash(start, end).unwrap();
                acc.update(format!("[{start}, {end}) {}\n", hex::encode(h)));
            }
        }
    }
    assert_eq!(
        hex::encode(acc.finalize()),
        "b82806ad4265bb151c1119c0f4db437bb4d1a1f887b3a7fba1cd4ebf552e3e81"
    );
}

#[test]
fn subtree_inclusion_vectors() {
    let tree = vector_tree();
    let mut acc = Sha256::new();
    for end in 0..=130u64 {
        for start in 0..=end {
            if !is_valid_subtree(start, end) {
                continue;
            }
            let sub = tree.subtree_hash(start, end).unwrap();
            for index in start..end {
                let proof = tree.subtree_inclusion_proof(index, start, end).unwrap();
                acc.update(hex_line(format!("{index} [{start}, {end})"), &proof));
                let leaf = tree.leaf(index).unwrap();
                verify_subtree_inclusion(&leaf, index, start, end, &proof, &sub).unwrap();
                assert!(
                    verify_subtree_inclusion(&leaf, index, start, end, &proof, &flip(&sub, 1))
                        .is_err()
                );
            }
        }
    }
    assert_eq!(
        hex::encode(acc.finalize()),
        "ac2a8f989e44d99e399db448050ff5f19757df53cfb716aa81015d3955d8163f"
    );
    assert!(tree.subtree_inclusion_proof(3, 2, 6).is_err());
    assert!(tree.subtree_inclusion_proof(9, 4, 8).is_err());
}

#[test]
fn subtree_consistency_vectors() {
    let tree = vector_tree();
    let mut acc = Sha256::new();
    let mut rng = Rng(55);
    for n in 0..=130u64 {
        let root = tree.root_at(n).unwrap();
        for end in 0..=n {
            for start in 0..=end {
                if !is_valid_subtree(start, end) {
                    continue;
                }
                let proof = tree.subtree_consistency_proof(start, end, n).unwrap();
                acc.update(hex_line(format!("[{start}, {end}) {n}"), &proof));
                let sub = tree.subtree_hash(start, end).unwrap();
                verify_subtree_consistency(start, end, n, &proof, &sub, &root).unwrap();
                if start < end && rng.below(4) == 0 {
                    assert!(
                        verify_subtree_consistency(start, end, n, &proof, &flip(&sub, 7), &root)
                            .is_err()
                    );
                    assert!(
                        verify_subtree_consistency(start, end, n, &proof, &sub, &flip(&root, 7))
                            .is_err()
                    );
                    if !proof.is_empty() {
                        let mut bad = proof.clone();
                        let k = rng.below(bad.len() as u64) as usize;
                        bad[k] = flip(&bad[k], rng.below(256) as usize);
                        assert!(
                            verify_subtree_consistency(start, end, n, &bad, &sub, &root).is_err()
                        );
                    }
                }
            }
        }
    }
    assert_eq!(
        hex::encode(acc.finalize()),
        "10fa99b37bf9bf9ffa26b412fbd98bd75363256d0b75d61bc4538b9c9c5a0a74"
    );
}

#[test]
fn leaves_and_nodes() {
    let d = leaves(10, 6);
    let mut tree = Tree::new();
    for (i, h) in d.iter().enumerate() {
        assert_eq!(tree.push(*h), i as u64);
    }
    assert_eq!(tree.leaf(3), Some(d[3]));
    assert_eq!(tree.leaf(10), None);
    assert_eq!(tree.node(1, 2), Some(node_hash(&d[4], &d[5])));
    assert_eq!(tree.node(3, 0), Some(mth(&d[..8])));
    assert_eq!(tree.node(3, 1), None);
    assert_eq!(tree.node(64, 0), None);
    let mut other = Tree::new();
    other.extend(d.iter().copied());
    assert_eq!(other, tree);
    assert_eq!(other.push_entry(b"hello"), 10);
    assert_eq!(other.leaf(10), Some(leaf_hash(b"hello")));
    assert!(tree.inclusion_proof(10, 10).is_err());
    assert!(tree.inclusion_proof(0, 11).is_err());
    assert!(tree.subtree_hash(2, 6).is_err());
}
