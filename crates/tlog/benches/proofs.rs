//! Proof latency on a tree of one million leaves (inclusion proof alone, and proof plus
//! verification; consistency proof plus verification), and the cost of appending 100,000
//! leaves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use iotlabel_tlog::{Tree, leaf_hash, verify_consistency, verify_inclusion};

const SIZE: u64 = 1_000_000;

fn bench(c: &mut Criterion) {
    let tree: Tree = (0..SIZE).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    let root = tree.root();
    let mut i = 0u64;
    let mut next = || {
        // A stride that visits indices all over the tree.
        i = (i + 7_919) % SIZE;
        i
    };
    c.bench_function("inclusion proof, 1M leaves", |b| {
        b.iter(|| tree.inclusion_proof(next(), SIZE).unwrap())
    });
    c.bench_function("inclusion proof + verify, 1M leaves", |b| {
        b.iter(|| {
            let index = next();
            let proof = tree.inclusion_proof(index, SIZE).unwrap();
            verify_inclusion(&tree.leaf(index).unwrap(), index, SIZE, &proof, &root).unwrap();
        })
    });
    c.bench_function("consistency proof + verify, 1M leaves", |b| {
        b.iter(|| {
            let old = next().max(1);
            let proof = tree.consistency_proof(old, SIZE).unwrap();
            verify_consistency(old, SIZE, &tree.root_at(old).unwrap(), &root, &proof).unwrap();
        })
    });
    c.bench_function("root, 1M leaves", |b| b.iter(|| tree.root()));
    let fresh: Vec<_> = (0..100_000u64)
        .map(|i| leaf_hash(&i.to_le_bytes()))
        .collect();
    c.bench_function("append 100k leaves", |b| {
        b.iter_batched(
            Tree::new,
            |mut t| {
                t.extend(fresh.iter().copied());
                t
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
