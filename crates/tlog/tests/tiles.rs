//! tlog-tiles: paths, the tiles of a tree (the spec's 70,000-leaf example), entry bundles, and
//! reading a log back from its tiles (roots, proofs, entries, audit), including tampered and
//! missing tiles.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use iotlabel_tlog::merkle::{Hash, leaf_hash, verify_consistency, verify_inclusion};
use iotlabel_tlog::tiles::{
    self, ReadError, TileError, TileId, TilePath, TileReader, decode_bundle, encode_bundle,
    hash_tile, hash_tile_at, parse_hash_tile, parse_path, tile_width, tiles_for_size,
    tiles_to_publish,
};
use iotlabel_tlog::{Checkpoint, Tree};

fn entry(i: u64) -> Vec<u8> {
    format!("entry number {i} {}", "x".repeat((i % 50) as usize)).into_bytes()
}

fn tree_of(n: u64) -> Tree {
    (0..n).map(|i| leaf_hash(&entry(i))).collect()
}

/// Tile counts per level: (level, full tiles, partial widths).
fn shape(size: u64) -> BTreeMap<u8, (u64, Vec<u16>)> {
    let mut out: BTreeMap<u8, (u64, Vec<u16>)> = BTreeMap::new();
    for t in tiles_for_size(size) {
        let e = out.entry(t.level()).or_default();
        if t.is_full() {
            e.0 += 1;
        } else {
            e.1.push(t.width());
        }
    }
    out
}

#[test]
fn spec_example_sizes() {
    // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level
    // 0 tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and
    // one partial level 2 tile of width 1."
    let s = shape(70_000);
    assert_eq!(s.len(), 3);
    assert_eq!(s[&0], (273, vec![112]));
    assert_eq!(s[&1], (1, vec![17]));
    assert_eq!(s[&2], (0, vec![1]));
    // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1
    // tile of width 1."
    let s = shape(256);
    assert_eq!(s.len(), 2);
    assert_eq!(s[&0], (1, vec![]));
    assert_eq!(s[&1], (0, vec![1]));
    assert!(shape(0).is_empty());
    assert_eq!(shape(1)[&0], (0, vec![1]));
    assert_eq!(tile_width(0, 273, 70_000), Some(112));
    assert_eq!(tile_width(0, 274, 70_000), None);
    assert_eq!(tile_width(1, 1, 70_000), Some(17));
    assert_eq!(tile_width(2, 0, 70_000), Some(1));
    assert_eq!(tile_width(3, 0, 70_000), None);
    assert_eq!(tile_width(7, 0, u64::MAX), Some(255));
    assert_eq!(tile_width(8, 0, u64::MAX), None);
    assert_eq!(tile_width(0, u64::MAX, u64::MAX), None);
}

#[test]
fn tiles_to_publish_cover_growth() {
    // Publishing the changed tiles at each step leaves exactly the tiles of the final size
    // (plus superseded partial ones).
    let steps = [0u64, 1, 255, 256, 257, 1000, 65_535, 65_536, 70_000];
    let mut published = std::collections::BTreeSet::new();
    for w in steps.windows(2) {
        for t in tiles_to_publish(w[0], w[1]) {
            assert_eq!(tile_width(t.level(), t.index(), w[1]), Some(t.width()));
            published.insert(t);
        }
    }
    for t in tiles_for_size(70_000) {
        assert!(published.contains(&t), "{t} was never published");
    }
    assert_eq!(tiles_to_publish(70_000, 70_000).count(), 0);
    assert_eq!(tiles_to_publish(70_000, 1).count(), 0);
    // Growing 256 -> 257 touches the new level-0 tile only.
    let grown: Vec<String> = tiles_to_publish(256, 257).map(|t| t.path()).collect();
    assert_eq!(grown, ["tile/0/001.p/1"]);
}

#[test]
fn paths() {
    let t = TileId::new(0, 1_234_067, 256).unwrap();
    assert_eq!(t.path(), "tile/0/x001/x234/067");
    assert_eq!(t.entries_path(), "tile/entries/x001/x234/067");
    let p = TileId::new(3, 5, 17).unwrap();
    assert_eq!(p.path(), "tile/3/005.p/17");
    assert_eq!(p.entries_path(), "tile/entries/005.p/17");
    assert_eq!(p.full().path(), "tile/3/005");
    assert_eq!(
        TileId::new(63, u64::MAX, 1).unwrap().path(),
        "tile/63/x018/x446/x744/x073/x709/x551/615.p/1"
    );
    assert!(TileId::new(64, 0, 1).is_err());
    assert!(TileId::new(0, 0, 0).is_err());
    assert!(TileId::new(0, 0, 257).is_err());

    for id in [
        t,
        p,
        TileId::new(63, u64::MAX, 255).unwrap(),
        TileId::new(0, 1000, 1).unwrap(),
    ] {
        assert_eq!(parse_path(&id.path()).unwrap(), TilePath::Hash(id));
        let level0 = TileId::new(0, id.index(), id.width()).unwrap();
        assert_eq!(
            parse_path(&id.entries_path()).unwrap(),
            TilePath::Entries(level0)
        );
    }
    for bad in [
        "",
        "tile",
        "tile/",
        "tile/0",
        "tile/0/",
        "tile//000",
        "tile/00/000",
        "tile/01/000",
        "tile/64/000",
        "tile/-1/000",
        "tile/+1/000",
        "tile/0/5",
        "tile/0/0005",
        "tile/0/x000/005",
        "tile/0/x1/234",
        "tile/0/001/234",
        "tile/0/x001/x234",
        "tile/0/x001/234/",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/007",
        "tile/0/000.p/",
        "tile/0/000.p/1/2",
        "tile/0/000.p",
        "tile/0/000/.p/1",
        "tile/0/x018/x446/x744/x073/x709/x551/616",
        "tile/0/x001/x018/x446/x744/x073/x709/x551/615",
        "tile/entries/",
        "tile/entries/5",
        "tile/entries/000.p/300",
        "tile/data/000",
        "/tile/0/000",
        "tile/0/000 ",
        "tile/0/٠٠٠",
        "tile/8/0/000",
    ] {
        assert!(parse_path(bad).is_err(), "{bad:?} parsed");
    }
}

#[test]
fn hash_tiles_of_a_tree() {
    let tree = tree_of(70_000);
    let first = hash_tile(&tree, TileId::new(0, 0, 256).unwrap()).unwrap();
    assert_eq!(first.len(), 8192);
    assert_eq!(&first[..32], &tree.leaf(0).unwrap());
    let l1 = hash_tile(&tree, TileId::new(1, 0, 256).unwrap()).unwrap();
    assert_eq!(&l1[32..64], &tree.subtree_hash(256, 512).unwrap());
    let l2 = hash_tile(&tree, TileId::new(2, 0, 1).unwrap()).unwrap();
    assert_eq!(&l2[..], &tree.subtree_hash(0, 65_536).unwrap());
    let edge = hash_tile(&tree, TileId::new(0, 273, 112).unwrap()).unwrap();
    let (id, bytes) = hash_tile_at(&tree, 0, 273, 70_000).unwrap();
    assert_eq!((id.path(), &bytes), ("tile/0/273.p/112".to_owned(), &edge));
    let (id, _) = hash_tile_at(&tree, 1, 1, 70_000).unwrap();
    assert_eq!(id.path(), "tile/1/001.p/17");
    let (id, _) = hash_tile_at(&tree, 0, 3, 1000).unwrap();
    assert_eq!(id.path(), "tile/0/003.p/232");
    assert!(hash_tile_at(&tree, 0, 274, 70_000).is_err());
    assert!(hash_tile_at(&tree, 0, 273, 80_000).is_err());
    assert_eq!(parse_hash_tile(&edge, 112).unwrap().len(), 112);
    // Not (yet) in the tree.
    assert!(hash_tile(&tree, TileId::new(0, 273, 113).unwrap()).is_err());
    assert!(hash_tile(&tree, TileId::new(2, 0, 2).unwrap()).is_err());
    assert!(hash_tile(&tree, TileId::new(9, 0, 1).unwrap()).is_err());
    assert!(hash_tile(&tree, TileId::new(0, u64::MAX, 1).unwrap()).is_err());
    assert_eq!(
        parse_hash_tile(&edge, 111),
        Err(TileError::Length {
            width: 111,
            want: 3552,
            got: 3584
        })
    );
    assert!(parse_hash_tile(&[], 0).is_err());
}

#[test]
fn entry_bundles() {
    let entries: Vec<Vec<u8>> = vec![vec![], b"a".to_vec(), vec![7; 65_535], b"last".to_vec()];
    let bundle = encode_bundle(&entries).unwrap();
    assert_eq!(&bundle[..4], &[0, 0, 0, 1]);
    let back = decode_bundle(&bundle).unwrap();
    assert_eq!(back, entries.iter().map(Vec::as_slice).collect::<Vec<_>>());
    assert_eq!(
        encode_bundle([vec![0u8; 65_536]]),
        Err(TileError::EntryTooLarge {
            index: 0,
            len: 65_536
        })
    );
    assert_eq!(decode_bundle(&[]).unwrap().len(), 0);
    // Every truncation fails cleanly, never panics.
    for cut in 1..bundle.len() {
        let r = decode_bundle(&bundle[..cut]);
        let boundary = [2, 5, 65_542].contains(&cut);
        assert_eq!(r.is_ok(), boundary, "cut at {cut}");
    }
    assert_eq!(decode_bundle(&[0]), Err(TileError::TruncatedBundle(0)));
    assert_eq!(
        decode_bundle(&[0xff, 0xff, 1]),
        Err(TileError::TruncatedBundle(0))
    );
}

/// A published log: every tile and bundle written at each checkpoint size, as files.
#[derive(Clone)]
struct Log {
    tree: Tree,
    files: HashMap<String, Vec<u8>>,
}

impl Log {
    fn grow(sizes: &[u64]) -> Self {
        let mut tree = Tree::new();
        let mut files = HashMap::new();
        let mut old = 0;
        for &size in sizes {
            for i in old..size {
                tree.push(leaf_hash(&entry(i)));
            }
            for t in tiles_to_publish(old, size) {
                files.insert(t.path(), hash_tile(&tree, t).unwrap());
                if t.level() == 0 {
                    let first = t.index() * 256;
                    let bundle: Vec<Vec<u8>> =
                        (first..first + u64::from(t.width())).map(entry).collect();
                    files.insert(t.entries_path(), encode_bundle(&bundle).unwrap());
                }
            }
            old = size;
        }
        Self { tree, files }
    }

    /// The log grown straight to 70,000 entries (built once).
    fn big() -> Self {
        static BIG: std::sync::OnceLock<Log> = std::sync::OnceLock::new();
        BIG.get_or_init(|| Log::grow(&[70_000])).clone()
    }

    fn reader(&self) -> TileReader<impl FnMut(&str) -> Result<Vec<u8>, String> + '_> {
        TileReader::new(move |path: &str| {
            self.files
                .get(path)
                .cloned()
                .ok_or_else(|| format!("404 {path}"))
        })
    }
}

#[test]
fn reader_rebuilds_roots_and_proofs() {
    let sizes = [1000, 65_536, 70_000];
    let log = Log::grow(&sizes);
    let mut reader = log.reader();
    for &size in &[1000u64, 65_536, 70_000] {
        let root = log.tree.root_at(size).unwrap();
        assert_eq!(reader.root(size).unwrap(), root, "root at {size}");
        reader
            .verify_checkpoint(&Checkpoint::new("example.com/log", size, root))
            .unwrap();
        for index in [0, 1, 255, 256, 999, size / 2, size - 1] {
            let proof = reader.inclusion_proof(index, size).unwrap();
            assert_eq!(proof, log.tree.inclusion_proof(index, size).unwrap());
            let leaf = reader.leaf_hash(index, size).unwrap();
            verify_inclusion(&leaf, index, size, &proof, &root).unwrap();
        }
    }
    for (old, new) in [(1000, 65_536), (1000, 70_000), (65_536, 70_000), (1, 1000)] {
        let proof = reader.consistency_proof(old, new).unwrap();
        assert_eq!(proof, log.tree.consistency_proof(old, new).unwrap());
        verify_consistency(
            old,
            new,
            &log.tree.root_at(old).unwrap(),
            &log.tree.root_at(new).unwrap(),
            &proof,
        )
        .unwrap();
    }
    assert!(reader.inclusion_proof(70_000, 70_000).is_err());
    assert!(reader.consistency_proof(2, 1).is_err());
    assert_eq!(reader.root(0).unwrap(), iotlabel_tlog::empty_root());
    // A size without checkpoint needs a partial tile that was never published; here the full
    // tile serves instead, but not in a log that has not grown past it.
    assert_eq!(reader.root(999).unwrap(), log.tree.root_at(999).unwrap());
    let young = Log::grow(&[1000]);
    assert!(matches!(
        young.reader().root(999),
        Err(ReadError::Fetch { .. })
    ));
}

#[test]
fn reader_falls_back_to_full_tiles() {
    let mut log = Log::grow(&[1000, 70_000]);
    // The log deleted partial tiles now covered by full ones.
    for path in [
        "tile/0/003.p/232",
        "tile/1/000.p/3",
        "tile/entries/003.p/232",
    ] {
        assert!(log.files.remove(path).is_some(), "{path}");
    }
    let mut reader = log.reader();
    let root = log.tree.root_at(1000).unwrap();
    assert_eq!(reader.root(1000).unwrap(), root);
    let entries = reader.entries(3, 1000, &root).unwrap();
    assert_eq!(entries.len(), 232);
    assert_eq!(entries[0], entry(768));
}

#[test]
fn entries_are_checked_against_the_root() {
    let mut log = Log::big();
    let root = log.tree.root();
    let mut reader = log.reader();
    let e = reader.entries(5, 70_000, &root).unwrap();
    assert_eq!(e.len(), 256);
    assert_eq!(e[3], entry(5 * 256 + 3));
    let last = reader.entries(273, 70_000, &root).unwrap();
    assert_eq!(last.len(), 112);
    assert!(reader.entries(274, 70_000, &root).is_err());
    assert!(reader.entries(u64::MAX, 70_000, &root).is_err());
    let other_root = log.tree.root_at(69_999).unwrap();
    assert!(matches!(
        reader.entries(5, 70_000, &other_root),
        Err(ReadError::Proof(_))
    ));
    drop(reader);

    // A changed entry.
    let path = "tile/entries/005".to_owned();
    let mut bundle: Vec<Vec<u8>> = decode_bundle(&log.files[&path])
        .unwrap()
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    bundle[3] = b"forged".to_vec();
    log.files
        .insert(path.clone(), encode_bundle(&bundle).unwrap());
    let mut reader = log.reader();
    assert!(matches!(
        reader.entries(5, 70_000, &root),
        Err(ReadError::Proof(_))
    ));
    // A bundle with an entry too many.
    bundle[3] = entry(5 * 256 + 3);
    bundle.push(b"extra".to_vec());
    drop(reader);
    log.files.insert(path, encode_bundle(&bundle).unwrap());
    let mut reader = log.reader();
    assert!(matches!(
        reader.entries(5, 70_000, &root),
        Err(ReadError::BadTile { .. })
    ));
}

#[test]
fn audit_checks_every_tile_and_entry() {
    let log = Log::grow(&[1000, 70_000]);
    let root = log.tree.root();
    let report = log.reader().audit(70_000, &root).unwrap();
    assert_eq!(report.tiles, 273 + 1 + 1 + 1 + 1);
    let mut seen = 0u64;
    let report = log
        .reader()
        .audit_entries(70_000, &root, |index, e| {
            assert_eq!(index, seen);
            assert_eq!(e, entry(index));
            seen += 1;
        })
        .unwrap();
    assert_eq!((report.entries, seen), (70_000, 70_000));
    let small = log
        .reader()
        .audit(1000, &log.tree.root_at(1000).unwrap())
        .unwrap();
    assert_eq!(small.tiles, 5);
    assert!(matches!(
        log.reader().audit(70_000, &log.tree.root_at(1000).unwrap()),
        Err(ReadError::RootMismatch)
    ));
    assert_eq!(
        log.reader().audit(0, &iotlabel_tlog::empty_root()).unwrap(),
        tiles::AuditReport::default()
    );
}

#[test]
fn audit_catches_tampering() {
    let clean = Log::big();
    let root = clean.tree.root();

    // A hash changed in a full level-0 tile (and nowhere else): its level-1 entry disagrees.
    let mut log = Log::big();
    log.files.get_mut("tile/0/017").unwrap()[40] ^= 1;
    assert!(matches!(
        log.reader().audit(70_000, &root),
        Err(ReadError::Inconsistent { path }) if path == "tile/0/017"
    ));
    // The reader's root does not use that tile, but a proof through it fails to verify.
    let mut reader = log.reader();
    assert_eq!(reader.root(70_000).unwrap(), root);
    let index = 17 * 256; // its sibling is the changed hash
    let proof = reader.inclusion_proof(index, 70_000).unwrap();
    let leaf = clean.tree.leaf(index).unwrap();
    assert!(verify_inclusion(&leaf, index, 70_000, &proof, &root).is_err());
    drop(reader);

    // A changed right-edge tile changes the root. At level 0 nothing else repeats its hashes;
    // above, they also disagree with the full tiles below.
    let mut log = Log::big();
    log.files.get_mut("tile/0/273.p/112").unwrap()[0] ^= 1;
    assert!(matches!(
        log.reader().audit(70_000, &root),
        Err(ReadError::RootMismatch)
    ));
    assert!(matches!(
        log.reader()
            .verify_checkpoint(&Checkpoint::new("o", 70_000, root)),
        Err(ReadError::RootMismatch)
    ));
    let mut log = Log::big();
    log.files.get_mut("tile/1/001.p/17").unwrap()[0] ^= 1;
    assert!(matches!(
        log.reader().audit(70_000, &root),
        Err(ReadError::Inconsistent { path }) if path == "tile/0/256"
    ));
    assert!(matches!(
        log.reader()
            .verify_checkpoint(&Checkpoint::new("o", 70_000, root)),
        Err(ReadError::RootMismatch)
    ));

    // A changed entry.
    let mut log = Log::big();
    let last = log.files.get_mut("tile/entries/273.p/112").unwrap();
    let n = last.len();
    last[n - 1] ^= 1;
    assert!(matches!(
        log.reader().audit_entries(70_000, &root, |_, _| {}),
        Err(ReadError::EntryMismatch { index: 69_999 })
    ));

    // A truncated tile, a missing tile.
    let mut log = Log::big();
    log.files.get_mut("tile/0/000").unwrap().pop();
    assert!(matches!(
        log.reader().audit(70_000, &root),
        Err(ReadError::BadTile { .. })
    ));
    log.files.remove("tile/0/000");
    assert!(matches!(
        log.reader().audit(70_000, &root),
        Err(ReadError::Fetch { path, .. }) if path == "tile/0/000"
    ));
}

#[test]
fn reader_survives_a_hostile_server() {
    // A server answering every path with the same garbage, or with huge sizes requested.
    for body in [vec![], vec![0u8; 31], vec![0u8; 8192], vec![1u8; 100_000]] {
        let calls = RefCell::new(0);
        let mut reader = TileReader::new(|_: &str| -> Result<Vec<u8>, String> {
            *calls.borrow_mut() += 1;
            Ok(body.clone())
        });
        let _ = reader.root(u64::MAX);
        let _ = reader.root(70_000);
        let _ = reader.inclusion_proof(u64::MAX - 1, u64::MAX);
        let _ = reader.consistency_proof(1, u64::MAX);
        let _ = reader.entries(0, u64::MAX, &[0; 32]);
        let _ = reader.leaf_hash(5, 6);
        let _: Result<Hash, _> = reader.root(1);
        assert!(*calls.borrow() > 0);
    }
    let mut reader = TileReader::new(|p: &str| -> Result<Vec<u8>, String> { Err(p.to_owned()) });
    assert!(reader.audit(u64::MAX, &[0; 32]).is_err());
}
