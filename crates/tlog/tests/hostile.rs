//! Hostile input: extreme sizes and indices, random and mutated bytes into every parser and
//! verifier. Everything must return, never panic (the fuzz target `note` goes further).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iotlabel_tlog::merkle::{
    Hash, root_from_inclusion, verify_consistency, verify_inclusion, verify_subtree_consistency,
    verify_subtree_inclusion,
};
use iotlabel_tlog::receipt;
use iotlabel_tlog::tiles::{decode_bundle, parse_hash_tile, parse_path};
use iotlabel_tlog::{Checkpoint, Note, Signer, SigningKey, TlogProof, Tree, leaf_hash};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[test]
fn extreme_sizes_and_indices() {
    let h = [7u8; 32];
    let long: Vec<Hash> = vec![h; 200];
    let edges = [
        0,
        1,
        2,
        3,
        (1 << 63) - 1,
        1 << 63,
        (1 << 63) + 1,
        u64::MAX - 1,
        u64::MAX,
    ];
    for &a in &edges {
        for &b in &edges {
            for proof in [&long[..0], &long[..1], &long[..63], &long[..64], &long[..]] {
                let _ = verify_inclusion(&h, a, b, proof, &h);
                let _ = root_from_inclusion(&h, a, b, proof);
                let _ = verify_consistency(a, b, &h, &h, proof);
                let _ = verify_subtree_inclusion(&h, a, a, b, proof, &h);
                let _ = verify_subtree_consistency(a, b, u64::MAX, proof, &h, &h);
                let _ = verify_subtree_consistency(0, a, b, proof, &h, &h);
            }
        }
    }
    // A proof can never be longer than 64 hashes for any size.
    assert!(verify_inclusion(&h, 0, u64::MAX, &long[..65], &h).is_err());
    let tree: Tree = (0..10u8).map(|i| leaf_hash(&[i])).collect();
    for &a in &edges {
        for &b in &edges {
            let _ = tree.root_at(a);
            let _ = tree.inclusion_proof(a, b);
            let _ = tree.consistency_proof(a, b);
            let _ = tree.subtree_hash(a, b);
            let _ = tree.subtree_inclusion_proof(a, a, b);
            let _ = tree.subtree_consistency_proof(a, b, 10);
            let _ = tree.node(a as u32, b);
            let _ = tree.leaf(a);
        }
    }
}

#[test]
fn random_bytes_into_every_parser() {
    let log = Signer::new("h.example/log", SigningKey::from_bytes(&[3; 32])).unwrap();
    let keys = [log.verifier().clone()];
    let public = SigningKey::from_bytes(&[3; 32]).verifying_key();
    let tree: Tree = (0..20u8).map(|i| leaf_hash(&[i])).collect();
    let signed = Checkpoint::new("h.example/log", 20, tree.root())
        .sign(&[&log])
        .unwrap();
    let proof = TlogProof::build(&tree, 7, &signed, Some(vec![1, 2, 3]))
        .unwrap()
        .to_text();
    let receipt = receipt::issue(&tree, 7, 20, &SigningKey::from_bytes(&[3; 32]), b"k").unwrap();
    let seeds: Vec<Vec<u8>> = vec![
        signed.clone().into_bytes(),
        proof.into_bytes(),
        receipt,
        b"tile/0/x001/x234/067.p/12".to_vec(),
        vec![0, 3, b'a', b'b', b'c', 0, 0],
    ];
    let mut rng = Rng(99);
    for round in 0..20_000 {
        let mut data = seeds[round % seeds.len()].clone();
        // Mutate: flip, insert, delete, truncate, or splice special bytes.
        for _ in 0..=(rng.next() % 4) {
            let r = rng.next();
            let at = if data.is_empty() {
                0
            } else {
                (r >> 8) as usize % data.len()
            };
            match r % 6 {
                0 if !data.is_empty() => data[at] ^= 1 << ((r >> 40) % 8),
                1 => data.insert(at, (r >> 16) as u8),
                2 if !data.is_empty() => {
                    data.remove(at);
                }
                3 => data.truncate(at),
                4 => data.splice(at..at, "\n\u{2014} ".bytes()).for_each(drop),
                _ => data
                    .splice(at..at, [0xff, 0x1b, 0xfb, b'\n'])
                    .for_each(drop),
            }
        }
        let _ = Note::parse(&data).map(|n| n.verify(&keys));
        let _ = Checkpoint::open(&data, "h.example/log", &keys);
        let _ = TlogProof::parse(&data).map(|p| p.verify(&[0; 32], "h.example/log", &keys));
        let _ = receipt::verify(&data, &leaf_hash(&[7]), &public);
        let _ = decode_bundle(&data);
        let _ = parse_hash_tile(&data, (data.len() % 300) as u16);
        if let Ok(s) = std::str::from_utf8(&data) {
            let _ = parse_path(s);
            let _ = Checkpoint::parse(s);
            let _ = s.parse::<iotlabel_tlog::VerifierKey>();
        }
    }
}
