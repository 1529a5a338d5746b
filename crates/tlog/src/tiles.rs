//! C2SP tlog-tiles (<https://c2sp.org/tlog-tiles>): the static files a log serves instead of a
//! proof API.
//!
//! - Hash tiles `tile/<L>/<N>[.p/<W>]`: the `W` (256 when full) consecutive hashes at tile level
//!   `L`, i.e. at Merkle height `8L`, starting at hash `256 N`. Each is a height-8 subtree.
//! - Entry bundles `tile/entries/<N>[.p/<W>]`: the entries behind level-0 tile `N`, each
//!   prefixed by its length as a big-endian `u16`.
//! - `N` is written in 3-digit groups, all but the last prefixed `x` (`x001/x234/067`).
//!
//! The writer side makes tiles from a [`Tree`]; the reader side ([`TileReader`]) rebuilds
//! roots and proofs from fetched tiles and checks them, and [`TileReader::audit`] checks a
//! whole tree against a checkpoint.

use std::collections::HashMap;

use crate::checkpoint::Checkpoint;
use crate::merkle::{
    HASH_SIZE, Hash, ProofError, empty_root, leaf_hash, node_hash, verify_subtree_consistency,
};
use crate::tree::{self, NodeSource, Tree, TreeError};

/// Hashes in a full tile.
pub const TILE_WIDTH: u16 = 256;

/// Merkle levels spanned by one tile level.
pub const TILE_HEIGHT: u32 = 8;

/// Highest tile level a path may name.
pub const MAX_TILE_LEVEL: u8 = 63;

/// Largest entry an entry bundle can hold (its length must fit a `u16`).
pub const MAX_ENTRY_SIZE: usize = 65_535;

/// Why a tile, tile path or entry bundle is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    /// The path is not a tile or entry-bundle path.
    #[error("not a tile path ({reason}): {path:?}")]
    BadPath {
        /// The path as given (truncated to 100 characters).
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A tile level above [`MAX_TILE_LEVEL`].
    #[error("tile level {0} is above {MAX_TILE_LEVEL}")]
    Level(u8),
    /// A tile width outside 1..=256.
    #[error("tile width {0} is not between 1 and 256")]
    Width(u16),
    /// Tile bytes of the wrong length.
    #[error("a tile of width {width} has {want} bytes, not {got}")]
    Length {
        /// The expected width.
        width: u16,
        /// Expected byte count.
        want: usize,
        /// Actual byte count.
        got: usize,
    },
    /// An entry too large for an entry bundle.
    #[error("entry {index} has {len} bytes; entry bundles hold at most 65535")]
    EntryTooLarge {
        /// Position of the entry in the bundle.
        index: usize,
        /// Its length.
        len: usize,
    },
    /// An entry bundle that ends inside a length prefix or an entry.
    #[error("the entry bundle is truncated after {0} entries")]
    TruncatedBundle(usize),
    /// An entry bundle with another number of entries than its tile.
    #[error("the entry bundle has {got} entries, not {want}")]
    BundleCount {
        /// Expected count.
        want: usize,
        /// Actual count.
        got: usize,
    },
    /// The tree does not (yet) have the hashes of this tile.
    #[error("the tree has no complete hashes for {0}")]
    NotInTree(String),
}

/// One hash tile (or, at level 0, one entry bundle): level, index and width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    level: u8,
    index: u64,
    width: u16,
}

impl TileId {
    /// A tile at `level` (0..=63), `index`, with `width` hashes (1..=256; 256 is a full tile).
    pub fn new(level: u8, index: u64, width: u16) -> Result<Self, TileError> {
        if level > MAX_TILE_LEVEL {
            return Err(TileError::Level(level));
        }
        if width == 0 || width > TILE_WIDTH {
            return Err(TileError::Width(width));
        }
        Ok(Self {
            level,
            index,
            width,
        })
    }

    /// Tile level (level `L` holds Merkle nodes of height `8L`).
    pub fn level(&self) -> u8 {
        self.level
    }

    /// Index of the tile within its level.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Number of hashes (or entries) in the tile.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Whether the tile has all 256 hashes.
    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The same tile with all 256 hashes.
    pub fn full(&self) -> Self {
        Self {
            width: TILE_WIDTH,
            ..*self
        }
    }

    /// The hash tile path: `tile/<L>/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        format!("tile/{}/{}", self.level, self.suffix())
    }

    /// The entry bundle path with the same index and width: `tile/entries/<N>[.p/<W>]` (the
    /// bundle behind a level-0 tile).
    pub fn entries_path(&self) -> String {
        format!("tile/entries/{}", self.suffix())
    }

    fn suffix(&self) -> String {
        let n = encode_index(self.index);
        if self.is_full() {
            n
        } else {
            format!("{n}.p/{}", self.width)
        }
    }
}

impl std::fmt::Display for TileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path())
    }
}

/// A parsed tile path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TilePath {
    /// `tile/<L>/<N>[.p/<W>]`.
    Hash(TileId),
    /// `tile/entries/<N>[.p/<W>]` (given as the level-0 tile it belongs to).
    Entries(TileId),
}

/// Writes a tile index in 3-digit groups, all but the last prefixed `x`
/// (1234067 → `x001/x234/067`).
pub fn encode_index(index: u64) -> String {
    let digits = index.to_string();
    let padded = format!("{}{digits}", "0".repeat((3 - digits.len() % 3) % 3));
    let groups: Vec<&str> = padded
        .as_bytes()
        .chunks(3)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    let last = groups.len() - 1;
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if i < last {
                format!("x{g}")
            } else {
                (*g).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Parses a tile or entry-bundle path (relative to the log prefix, without a leading slash).
/// Only the canonical spelling is accepted: no leading zeros, no `x000` leading groups, widths
/// 1..=255 after `.p/`.
pub fn parse_path(path: &str) -> Result<TilePath, TileError> {
    let bad = |reason: &'static str| TileError::BadPath {
        path: path.chars().take(100).collect(),
        reason,
    };
    let rest = path
        .strip_prefix("tile/")
        .ok_or_else(|| bad("does not start with tile/"))?;
    let (level, rest) = match rest.strip_prefix("entries/") {
        Some(rest) => (None, rest),
        None => {
            let (l, rest) = rest.split_once('/').ok_or_else(|| bad("no level"))?;
            let level = parse_decimal(l).ok_or_else(|| bad("level is not a decimal number"))?;
            let level = u8::try_from(level)
                .ok()
                .filter(|l| *l <= MAX_TILE_LEVEL)
                .ok_or_else(|| bad("level above 63"))?;
            (Some(level), rest)
        }
    };
    let (n, width) = match rest.split_once(".p/") {
        Some((n, w)) => {
            let w = parse_decimal(w).ok_or_else(|| bad("width is not a decimal number"))?;
            let w = u16::try_from(w)
                .ok()
                .filter(|w| (1..TILE_WIDTH).contains(w))
                .ok_or_else(|| bad("partial width must be 1 to 255"))?;
            (n, w)
        }
        None => (rest, TILE_WIDTH),
    };
    let index = parse_index(n).ok_or_else(|| bad("malformed tile index"))?;
    let id = TileId::new(level.unwrap_or(0), index, width)?;
    Ok(match level {
        Some(_) => TilePath::Hash(id),
        None => TilePath::Entries(id),
    })
}

/// A decimal number without sign or leading zeros.
fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// An index in 3-digit groups, canonical only.
fn parse_index(s: &str) -> Option<u64> {
    let groups: Vec<&str> = s.split('/').collect();
    let last = groups.len() - 1;
    let mut value: u64 = 0;
    for (i, group) in groups.iter().enumerate() {
        let digits = if i < last {
            group.strip_prefix('x')?
        } else {
            group
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if i == 0 && i < last && digits == "000" {
            return None;
        }
        let g: u64 = digits.parse().ok()?;
        value = value.checked_mul(1000)?.checked_add(g)?;
    }
    Some(value)
}

/// Number of hashes at tile level `level` in a tree of `size` leaves.
fn hashes_at(level: u8, size: u64) -> u64 {
    let shift = u32::from(level) * TILE_HEIGHT;
    if shift >= 64 { 0 } else { size >> shift }
}

/// The width of tile `index` at `level` in a tree of `size` leaves, if the tile exists there
/// (`floor(size / 256^level)` hashes at that level, 256 per tile).
pub fn tile_width(level: u8, index: u64, size: u64) -> Option<u16> {
    let count = hashes_at(level, size);
    let first = index.checked_mul(u64::from(TILE_WIDTH))?;
    if first >= count {
        return None;
    }
    u16::try_from((count - first).min(u64::from(TILE_WIDTH))).ok()
}

/// All the hash tiles of a tree of `size` leaves, full and partial, level by level.
pub fn tiles_for_size(size: u64) -> impl Iterator<Item = TileId> {
    tiles_to_publish(0, size)
}

/// The hash tiles that change when a tree grows from `old` to `new` leaves: new tiles and
/// tiles that got wider. A log writes these (the level-0 ones also as entry bundles) before
/// publishing the checkpoint for `new`.
pub fn tiles_to_publish(old: u64, new: u64) -> impl Iterator<Item = TileId> {
    (0..=MAX_TILE_LEVEL).flat_map(move |level| {
        let before = hashes_at(level, old.min(new));
        let after = hashes_at(level, new);
        let tile = u64::from(TILE_WIDTH);
        let first = before / tile;
        let last = if after > before {
            after.div_ceil(tile)
        } else {
            first
        };
        (first..last).filter_map(move |index| {
            tile_width(level, index, new).and_then(|w| TileId::new(level, index, w).ok())
        })
    })
}

/// The bytes of a hash tile of `tree` (the concatenated hashes).
pub fn hash_tile(tree: &Tree, id: TileId) -> Result<Vec<u8>, TileError> {
    let height = u32::from(id.level) * TILE_HEIGHT;
    let first = id.index.checked_mul(u64::from(TILE_WIDTH));
    let mut out = Vec::with_capacity(usize::from(id.width) * HASH_SIZE);
    for i in 0..u64::from(id.width) {
        let node = first
            .and_then(|f| f.checked_add(i))
            .filter(|_| height < 64)
            .and_then(|p| tree.node(height, p))
            .ok_or_else(|| TileError::NotInTree(id.path()))?;
        out.extend_from_slice(&node);
    }
    Ok(out)
}

/// The hash tile `index` at `level` as served for a tree of `size` leaves (full, or the
/// right-edge partial tile of the width that size implies), with its bytes.
pub fn hash_tile_at(
    tree: &Tree,
    level: u8,
    index: u64,
    size: u64,
) -> Result<(TileId, Vec<u8>), TileError> {
    let id = tile_width(level, index, size)
        .ok_or(TileError::NotInTree(format!(
            "tile {level}/{index} at size {size}"
        )))
        .and_then(|w| TileId::new(level, index, w))?;
    Ok((id, hash_tile(tree, id)?))
}

/// Splits hash tile bytes into hashes, checking the length against the expected width.
pub fn parse_hash_tile(bytes: &[u8], width: u16) -> Result<Vec<Hash>, TileError> {
    let want = usize::from(width) * HASH_SIZE;
    if width == 0 || width > TILE_WIDTH {
        return Err(TileError::Width(width));
    }
    if bytes.len() != want {
        return Err(TileError::Length {
            width,
            want,
            got: bytes.len(),
        });
    }
    Ok(bytes
        .chunks_exact(HASH_SIZE)
        .filter_map(|c| Hash::try_from(c).ok())
        .collect())
}

/// Encodes entries as an entry bundle (each prefixed by its big-endian `u16` length).
pub fn encode_bundle<I, E>(entries: I) -> Result<Vec<u8>, TileError>
where
    I: IntoIterator<Item = E>,
    E: AsRef<[u8]>,
{
    let mut out = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        let entry = entry.as_ref();
        let len = u16::try_from(entry.len()).map_err(|_| TileError::EntryTooLarge {
            index,
            len: entry.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// Splits an entry bundle into its entries.
pub fn decode_bundle(bytes: &[u8]) -> Result<Vec<&[u8]>, TileError> {
    let mut entries = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let Some((len, tail)) = rest.split_first_chunk::<2>() else {
            return Err(TileError::TruncatedBundle(entries.len()));
        };
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(TileError::TruncatedBundle(entries.len()));
        }
        let (entry, tail) = tail.split_at(len);
        entries.push(entry);
        rest = tail;
    }
    Ok(entries)
}

/// `MTH` of a list of hashes taken as the leaves of a tree (no further leaf hashing).
fn list_root(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => empty_root(),
        1 => hashes[0],
        n => {
            let k = 1 << (usize::BITS - 1 - (n - 1).leading_zeros());
            node_hash(&list_root(&hashes[..k]), &list_root(&hashes[k..]))
        }
    }
}

/// Why reading a tree from tiles failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E> {
    /// Fetching a tile or bundle failed.
    #[error("cannot fetch {path}: {error}")]
    Fetch {
        /// The path fetched.
        path: String,
        /// The fetcher's error.
        error: E,
    },
    /// A fetched tile or bundle is malformed.
    #[error("{path}: {error}")]
    BadTile {
        /// The path fetched.
        path: String,
        /// What is wrong with it.
        error: TileError,
    },
    /// A full tile whose hash differs from its entry in the level above (one of the two was
    /// tampered with).
    #[error("{path} does not hash to its entry in the level above")]
    Inconsistent {
        /// The tile's path.
        path: String,
    },
    /// A bundle entry whose leaf hash differs from the level-0 tile.
    #[error("entry {index} does not match its leaf hash in the level-0 tile")]
    EntryMismatch {
        /// Index of the entry in the log.
        index: u64,
    },
    /// The tiles lead to another root than the expected one.
    #[error("the tiles lead to another root than the checkpoint's")]
    RootMismatch,
    /// A request outside the tree.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// The tiles do not prove what they should.
    #[error(transparent)]
    Proof(#[from] ProofError),
}

/// What [`TileReader::audit`] checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditReport {
    /// Hash tiles fetched and checked.
    pub tiles: u64,
    /// Entries fetched and checked (0 unless entries were audited).
    pub entries: u64,
}

/// One fetched tile with the hashes of its internal levels: `levels[r][j]` is the node of
/// height `r` (relative to the tile's level) at position `j` in the tile.
struct Expanded {
    levels: Vec<Vec<Hash>>,
}

impl Expanded {
    fn new(hashes: Vec<Hash>) -> Self {
        let mut levels = vec![hashes];
        for _ in 1..TILE_HEIGHT {
            let below = levels.last().map(Vec::as_slice).unwrap_or(&[]);
            let above: Vec<Hash> = below
                .chunks_exact(2)
                .map(|pair| node_hash(&pair[0], &pair[1]))
                .collect();
            levels.push(above);
        }
        Self { levels }
    }

    fn width(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }
}

/// What [`TileReader::audit_entries`] calls with each checked entry.
type EntryVisitor<'a> = &'a mut dyn FnMut(u64, &[u8]);

/// Tiles kept in memory before the cache is emptied.
const CACHE_LIMIT: usize = 1024;

/// Reads a tiled log through a fetch function (typically HTTP GET of `<prefix>/<path>`).
///
/// Tiles are untrusted: [`root`](Self::root) and the proofs are only as good as the tiles, so
/// compare roots with a verified checkpoint ([`verify_checkpoint`](Self::verify_checkpoint))
/// and verify proofs with [`crate::merkle`]. [`entries`](Self::entries) and
/// [`audit`](Self::audit) check what they return against a root themselves. When a partial
/// tile cannot be fetched, the full tile is tried (logs may delete partial tiles once full).
pub struct TileReader<F> {
    fetch: F,
    cache: HashMap<(u8, u64), Expanded>,
}

impl<F, E> TileReader<F>
where
    F: FnMut(&str) -> Result<Vec<u8>, E>,
{
    /// A reader fetching with `fetch(path)`, where `path` is relative to the log prefix
    /// (`tile/0/x001/234`).
    pub fn new(fetch: F) -> Self {
        Self {
            fetch,
            cache: HashMap::new(),
        }
    }

    /// The root of the tree of `size` leaves, computed from the right-edge tiles.
    pub fn root(&mut self, size: u64) -> Result<Hash, ReadError<E>> {
        tree::range_hash(self, 0, size, size)
    }

    /// Checks that the tiles agree with a checkpoint (already verified by the caller).
    pub fn verify_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), ReadError<E>> {
        if self.root(checkpoint.size)? == checkpoint.root {
            Ok(())
        } else {
            Err(ReadError::RootMismatch)
        }
    }

    /// The leaf hash at `index` in the tree of `size` leaves.
    pub fn leaf_hash(&mut self, index: u64, size: u64) -> Result<Hash, ReadError<E>> {
        if index >= size {
            return Err(TreeError::IndexOutOfRange {
                index,
                start: 0,
                end: size,
            }
            .into());
        }
        self.node(0, index, size)
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn inclusion_proof(&mut self, index: u64, size: u64) -> Result<Vec<Hash>, ReadError<E>> {
        if index >= size {
            return Err(TreeError::IndexOutOfRange {
                index,
                start: 0,
                end: size,
            }
            .into());
        }
        tree::inclusion_path(self, index, 0, size, size)
    }

    /// The consistency proof from `old` to `new` leaves (empty for `old` 0 or `old == new`).
    pub fn consistency_proof(&mut self, old: u64, new: u64) -> Result<Vec<Hash>, ReadError<E>> {
        if old > new {
            return Err(TreeError::SizeOrder { old, new }.into());
        }
        if old == 0 {
            return Ok(Vec::new());
        }
        tree::consistency_path(self, old, new)
    }

    /// The entries of bundle `index` as of tree size `size`, checked against `root` (the
    /// root of that size, from a verified checkpoint).
    pub fn entries(
        &mut self,
        index: u64,
        size: u64,
        root: &Hash,
    ) -> Result<Vec<Vec<u8>>, ReadError<E>> {
        let width = tile_width(0, index, size).ok_or(TreeError::IndexOutOfRange {
            index: index.saturating_mul(u64::from(TILE_WIDTH)),
            start: 0,
            end: size,
        })?;
        let id = TileId::new(0, index, width).map_err(|error| ReadError::BadTile {
            path: String::new(),
            error,
        })?;
        let entries = self.fetch_bundle(id)?;
        let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
        let start = index * u64::from(TILE_WIDTH);
        let end = start + u64::from(width);
        let proof = tree::subtree_consistency_path(self, start, end, size)?;
        verify_subtree_consistency(start, end, size, &proof, &list_root(&leaves), root)?;
        Ok(entries)
    }

    /// Checks every hash tile of the tree of `size` leaves against `root`: each full tile
    /// must hash to its entry in the level above, and the right-edge tiles must give the root.
    /// Every tile is fetched once and nothing is cached, so the cost grows with the log
    /// (`size / 256` level-0 tiles and a 256th of that above): take `size` from a verified
    /// checkpoint of a log you mean to audit in full.
    pub fn audit(&mut self, size: u64, root: &Hash) -> Result<AuditReport, ReadError<E>> {
        self.audit_inner(size, root, None)
    }

    /// Like [`audit`](Self::audit), and also fetches every entry bundle, checks each entry
    /// against its leaf hash and passes it to `visit(index, entry)` (in log order; entries
    /// are visited before the root is checked, so only trust them when this returns `Ok`).
    pub fn audit_entries(
        &mut self,
        size: u64,
        root: &Hash,
        mut visit: impl FnMut(u64, &[u8]),
    ) -> Result<AuditReport, ReadError<E>> {
        self.audit_inner(size, root, Some(&mut visit))
    }

    fn audit_inner(
        &mut self,
        size: u64,
        root: &Hash,
        mut visit: Option<EntryVisitor<'_>>,
    ) -> Result<AuditReport, ReadError<E>> {
        let mut report = AuditReport::default();
        // Hashes of the full tiles of the level below, which the current level must repeat.
        let mut from_below: Vec<Hash> = Vec::new();
        // The right-edge partial tile of each level, top level last.
        let mut edges: Vec<Vec<Hash>> = Vec::new();
        for level in 0..=MAX_TILE_LEVEL {
            let count = hashes_at(level, size);
            if count == 0 {
                break;
            }
            let mut full_roots = Vec::new();
            let mut index = 0u64;
            while let Some(width) = tile_width(level, index, size) {
                let id = TileId::new(level, index, width).map_err(|error| ReadError::BadTile {
                    path: String::new(),
                    error,
                })?;
                let hashes = self.fetch_tile(id)?;
                report.tiles += 1;
                let first = index * u64::from(TILE_WIDTH);
                if level > 0 {
                    let want = usize::try_from(first)
                        .ok()
                        .and_then(|f| from_below.get(f..f + hashes.len()))
                        .unwrap_or(&[]);
                    if let Some(k) = (0..hashes.len()).find(|&k| want.get(k) != hashes.get(k)) {
                        // Name the tile below, whose hash disagrees with this one.
                        let below = TileId::new(level - 1, first + k as u64, TILE_WIDTH);
                        return Err(ReadError::Inconsistent {
                            path: below.map_or_else(|_| id.path(), |b| b.path()),
                        });
                    }
                } else if let Some(visit) = visit.as_mut() {
                    let entries = self.fetch_bundle(id)?;
                    for (i, (entry, leaf)) in entries.iter().zip(&hashes).enumerate() {
                        let at = first + i as u64;
                        if leaf_hash(entry) != *leaf {
                            return Err(ReadError::EntryMismatch { index: at });
                        }
                        visit(at, entry);
                        report.entries += 1;
                    }
                }
                if id.is_full() {
                    full_roots.push(list_root(&hashes));
                } else {
                    edges.push(hashes);
                }
                index += 1;
            }
            from_below = full_roots;
        }
        // The root is made of the complete subtrees named by the bits of `size`; those at
        // heights 8L..8L+7 are made of the hashes in the partial tile of level L.
        let mut parts = Vec::new();
        for edge in edges.iter().rev() {
            let mut pos = 0;
            for bit in (0..TILE_HEIGHT).rev() {
                let len = 1 << bit;
                if edge.len() & len != 0 {
                    parts.push(list_root(&edge[pos..pos + len]));
                    pos += len;
                }
            }
        }
        let computed = match parts.split_last() {
            None => empty_root(),
            Some((last, rest)) => rest.iter().rev().fold(*last, |acc, p| node_hash(p, &acc)),
        };
        if computed != *root {
            return Err(ReadError::RootMismatch);
        }
        Ok(report)
    }

    fn fetch_tile(&mut self, id: TileId) -> Result<Vec<Hash>, ReadError<E>> {
        let path = id.path();
        match (self.fetch)(&path) {
            Ok(bytes) => parse_hash_tile(&bytes, id.width)
                .map_err(|error| ReadError::BadTile { path, error }),
            Err(error) if !id.is_full() => {
                let full = id.full().path();
                match (self.fetch)(&full) {
                    Ok(bytes) => {
                        let mut hashes = parse_hash_tile(&bytes, TILE_WIDTH)
                            .map_err(|error| ReadError::BadTile { path: full, error })?;
                        hashes.truncate(usize::from(id.width));
                        Ok(hashes)
                    }
                    Err(_) => Err(ReadError::Fetch { path, error }),
                }
            }
            Err(error) => Err(ReadError::Fetch { path, error }),
        }
    }

    fn fetch_bundle(&mut self, id: TileId) -> Result<Vec<Vec<u8>>, ReadError<E>> {
        let path = id.entries_path();
        let want = usize::from(id.width);
        let decode = |bytes: &[u8], path: String, want: usize| {
            let entries = decode_bundle(bytes).map_err(|error| ReadError::BadTile {
                path: path.clone(),
                error,
            })?;
            if entries.len() != want {
                return Err(ReadError::BadTile {
                    path,
                    error: TileError::BundleCount {
                        want,
                        got: entries.len(),
                    },
                });
            }
            Ok(entries.into_iter().map(<[u8]>::to_vec).collect::<Vec<_>>())
        };
        match (self.fetch)(&path) {
            Ok(bytes) => decode(&bytes, path, want),
            Err(error) if !id.is_full() => {
                let full = id.full().entries_path();
                match (self.fetch)(&full) {
                    Ok(bytes) => {
                        let mut entries = decode(&bytes, full, usize::from(TILE_WIDTH))?;
                        entries.truncate(want);
                        Ok(entries)
                    }
                    Err(_) => Err(ReadError::Fetch { path, error }),
                }
            }
            Err(error) => Err(ReadError::Fetch { path, error }),
        }
    }
}

impl<F, E> NodeSource for TileReader<F>
where
    F: FnMut(&str) -> Result<Vec<u8>, E>,
{
    type Error = ReadError<E>;

    fn node(&mut self, level: u32, index: u64, size: u64) -> Result<Hash, ReadError<E>> {
        let missing = || ReadError::Tree(TreeError::MissingNode { level, index });
        let tile_level = u8::try_from(level / TILE_HEIGHT).map_err(|_| missing())?;
        let within = level % TILE_HEIGHT;
        // Position of the node's first hash at its tile level, and where it sits in the tile.
        if index > u64::MAX >> within {
            return Err(missing());
        }
        let pos = index << within;
        let tile_index = pos / u64::from(TILE_WIDTH);
        let offset = (pos % u64::from(TILE_WIDTH)) as usize;
        let needed = offset + (1 << within);
        let width = tile_width(tile_level, tile_index, size)
            .filter(|w| usize::from(*w) >= needed)
            .ok_or_else(missing)?;
        let key = (tile_level, tile_index);
        let cached = self.cache.get(&key).is_some_and(|t| t.width() >= needed);
        if !cached {
            let id =
                TileId::new(tile_level, tile_index, width).map_err(|error| ReadError::BadTile {
                    path: String::new(),
                    error,
                })?;
            let hashes = self.fetch_tile(id)?;
            if self.cache.len() >= CACHE_LIMIT {
                self.cache.clear();
            }
            self.cache.insert(key, Expanded::new(hashes));
        }
        self.cache
            .get(&key)
            .and_then(|t| t.levels.get(within as usize))
            .and_then(|l| l.get(offset >> within))
            .copied()
            .ok_or_else(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_groups() {
        assert_eq!(encode_index(0), "000");
        assert_eq!(encode_index(5), "005");
        assert_eq!(encode_index(999), "999");
        assert_eq!(encode_index(1000), "x001/000");
        assert_eq!(encode_index(1_234_067), "x001/x234/067");
        assert_eq!(parse_index("x001/x234/067"), Some(1_234_067));
        assert_eq!(parse_index("x000/005"), None);
        assert_eq!(parse_index("5"), None);
        assert_eq!(parse_index("x18/x446/x744/x073/x709/x551/615"), None);
        assert_eq!(
            parse_index(&encode_index(u64::MAX)),
            Some(u64::MAX),
            "{}",
            encode_index(u64::MAX)
        );
        assert_eq!(parse_index("x018/x446/x744/x073/x709/x551/616"), None);
    }

    #[test]
    fn list_root_matches_tree() {
        let leaves: Vec<Hash> = (0..37u8).map(|i| leaf_hash(&[i])).collect();
        let tree = Tree::from_leaf_hashes(leaves.iter().copied());
        assert_eq!(list_root(&leaves), tree.root());
    }
}
