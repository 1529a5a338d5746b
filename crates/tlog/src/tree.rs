//! An in-memory RFC 9162 Merkle tree, and the proof construction shared with the tile reader.
//!
//! The tree keeps, for every height `h`, the hash of each complete subtree of `2^h` leaves
//! (`levels[h][i]` covers leaves `[i * 2^h, (i + 1) * 2^h)`): about two hashes per leaf. Any
//! root, inclusion or consistency proof then needs O(log n) lookups and at most O(log n)
//! hashes for the ragged right edge.

use crate::merkle::{Hash, empty_root, is_valid_subtree, leaf_hash, node_hash};

/// Why a tree cannot answer a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// A tree size larger than the tree.
    #[error("tree size {size} is larger than the tree ({tree_size} leaves)")]
    SizeBeyondTree {
        /// The requested size.
        size: u64,
        /// The tree's size.
        tree_size: u64,
    },
    /// A leaf index outside the (sub)tree.
    #[error("leaf index {index} is outside [{start}, {end})")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// First index of the (sub)tree.
        start: u64,
        /// One past the last index of the (sub)tree.
        end: u64,
    },
    /// An old size larger than the new size.
    #[error("the old tree size {old} is larger than the new tree size {new}")]
    SizeOrder {
        /// Old size.
        old: u64,
        /// New size.
        new: u64,
    },
    /// A range that is not a subtree.
    #[error("[{start}, {end}) is not a valid subtree")]
    InvalidSubtree {
        /// First index.
        start: u64,
        /// One past the last index.
        end: u64,
    },
    /// A node the source should have had is missing (a bug, or a source that lies about its
    /// size).
    #[error("no hash for the complete subtree at height {level}, index {index}")]
    MissingNode {
        /// Height of the node.
        level: u32,
        /// Index of the node at that height.
        index: u64,
    },
}

/// Where proof construction gets the hashes of complete subtrees.
///
/// `node(level, index, size)` is the hash of leaves `[index << level, (index + 1) << level)`;
/// callers only ask for nodes that are complete in a tree of `size` leaves.
pub(crate) trait NodeSource {
    type Error: From<TreeError>;
    fn node(&mut self, level: u32, index: u64, size: u64) -> Result<Hash, Self::Error>;
}

/// The largest power of two strictly below `n` (n >= 2).
fn split_point(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// `MTH(D[start:end])` for a range whose start is aligned (a valid subtree).
pub(crate) fn range_hash<S: NodeSource>(
    src: &mut S,
    start: u64,
    end: u64,
    size: u64,
) -> Result<Hash, S::Error> {
    if start == end {
        return Ok(empty_root());
    }
    // The range splits into complete subtrees, one per set bit of its length, largest first;
    // the root folds them from the right.
    let mut parts = [[0u8; 32]; 64];
    let mut count = 0;
    let mut pos = start;
    let len = end - start;
    for bit in (0..64).rev() {
        if len >> bit & 1 == 1 {
            parts[count] = src.node(bit, pos >> bit, size)?;
            count += 1;
            pos += 1 << bit;
        }
    }
    let mut acc = parts[count - 1];
    for part in parts[..count - 1].iter().rev() {
        acc = node_hash(part, &acc);
    }
    Ok(acc)
}

/// `PATH(index, D[start:end])` (RFC 9162 §2.1.3.1) for an aligned range containing `index`.
pub(crate) fn inclusion_path<S: NodeSource>(
    src: &mut S,
    index: u64,
    start: u64,
    end: u64,
    size: u64,
) -> Result<Vec<Hash>, S::Error> {
    let mut path = Vec::with_capacity(64);
    let (mut a, mut b) = (start, end);
    while b - a > 1 {
        let k = split_point(b - a);
        if index < a + k {
            path.push(range_hash(src, a + k, b, size)?);
            b = a + k;
        } else {
            path.push(src.node(k.trailing_zeros(), a >> k.trailing_zeros(), size)?);
            a += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// `PROOF(old, D[0:new])` (RFC 9162 §2.1.4.1) for `0 < old <= new`.
pub(crate) fn consistency_path<S: NodeSource>(
    src: &mut S,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, S::Error> {
    // The subtree [0, old) of the new tree is exactly the old tree, and the draft's subtree
    // consistency proof for it is the RFC 9162 proof.
    subtree_consistency_path(src, 0, old, new)
}

/// `SUBTREE_PROOF(start, end, D[0:size])` (draft-ietf-plants-merkle-tree-certs) for a valid
/// subtree with `end <= size`.
pub(crate) fn subtree_consistency_path<S: NodeSource>(
    src: &mut S,
    mut start: u64,
    end: u64,
    size: u64,
) -> Result<Vec<Hash>, S::Error> {
    let mut path = Vec::with_capacity(64);
    if start == end {
        return Ok(path);
    }
    // [a, b) is the node of the size-`size` tree being descended; `known` is whether the
    // verifier can compute its hash itself (it then is left out of the proof).
    let (mut a, mut b, mut known) = (0, size, true);
    loop {
        if start == a && end == b {
            if !known {
                path.push(range_hash(src, a, b, size)?);
            }
            break;
        }
        if b - a < 2 {
            // Unreachable for a valid subtree inside the tree.
            return Err(TreeError::InvalidSubtree { start, end }.into());
        }
        let k = split_point(b - a);
        let level = k.trailing_zeros();
        if end <= a + k {
            path.push(range_hash(src, a + k, b, size)?);
            b = a + k;
        } else if a + k <= start {
            path.push(src.node(level, a >> level, size)?);
            a += k;
        } else {
            // start == a < a + k < end: the subtree is the left half plus a prefix of the
            // right half; continue with that prefix, whose hash the verifier cannot know.
            path.push(src.node(level, a >> level, size)?);
            a += k;
            start = a;
            known = false;
        }
    }
    path.reverse();
    Ok(path)
}

/// An in-memory append-only Merkle tree (RFC 9162 §2.1) over leaf hashes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// `levels[h][i]`: hash of the complete subtree of height `h` at index `i`. Always
    /// `levels[h].len() == size >> h`.
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree of the given leaf hashes, in order.
    pub fn from_leaf_hashes<I: IntoIterator<Item = Hash>>(leaves: I) -> Self {
        let mut tree = Self::new();
        tree.extend(leaves);
        tree
    }

    /// Appends a leaf hash; returns its index.
    pub fn push(&mut self, leaf: Hash) -> u64 {
        let index = self.size();
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        // Every right child completes its parent: carry upwards like a binary counter.
        let mut level = 0;
        let mut i = index;
        while i & 1 == 1 {
            let parent = node_hash(
                &self.levels[level][(i - 1) as usize],
                &self.levels[level][i as usize],
            );
            level += 1;
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(parent);
            i >>= 1;
        }
        index
    }

    /// Appends an entry (its leaf hash is `SHA-256(0x00 || data)`); returns its index.
    pub fn push_entry(&mut self, data: &[u8]) -> u64 {
        self.push(leaf_hash(data))
    }

    /// Appends leaf hashes in order.
    pub fn extend<I: IntoIterator<Item = Hash>>(&mut self, leaves: I) {
        for leaf in leaves {
            self.push(leaf);
        }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.size() == 0
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.node(0, index)
    }

    /// The hash of the complete subtree of `2^level` leaves starting at leaf
    /// `index << level`, if the tree has all its leaves.
    pub fn node(&self, level: u32, index: u64) -> Option<Hash> {
        let i = usize::try_from(index).ok()?;
        self.levels.get(level as usize)?.get(i).copied()
    }

    /// The root hash of the whole tree.
    pub fn root(&self) -> Hash {
        self.root_at(self.size()).unwrap_or_else(|_| empty_root())
    }

    /// The root hash of the tree as it was at `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, TreeError> {
        self.check_size(size)?;
        range_hash(&mut &*self, 0, size, size)
    }

    /// `MTH(D[start:end])` for a valid subtree `[start, end)` (see
    /// [`crate::merkle::is_valid_subtree`]).
    pub fn subtree_hash(&self, start: u64, end: u64) -> Result<Hash, TreeError> {
        self.check_subtree(start, end)?;
        self.check_size(end)?;
        range_hash(&mut &*self, start, end, end)
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1).
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, TreeError> {
        self.check_size(size)?;
        if index >= size {
            return Err(TreeError::IndexOutOfRange {
                index,
                start: 0,
                end: size,
            });
        }
        inclusion_path(&mut &*self, index, 0, size, size)
    }

    /// The consistency proof from the tree of `old` leaves to the tree of `new` leaves (RFC
    /// 9162 §2.1.4.1). Empty when `old == new`, and when `old == 0` (there is nothing to prove;
    /// this is what c2sp.org/tlog-witness sends for a first checkpoint, but note that
    /// [`crate::merkle::verify_consistency`] refuses size 0).
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, TreeError> {
        self.check_size(new)?;
        if old > new {
            return Err(TreeError::SizeOrder { old, new });
        }
        if old == 0 {
            return Ok(Vec::new());
        }
        consistency_path(&mut &*self, old, new)
    }

    /// The inclusion proof of leaf `index` in the subtree `[start, end)`.
    pub fn subtree_inclusion_proof(
        &self,
        index: u64,
        start: u64,
        end: u64,
    ) -> Result<Vec<Hash>, TreeError> {
        self.check_subtree(start, end)?;
        self.check_size(end)?;
        if index < start || index >= end {
            return Err(TreeError::IndexOutOfRange { index, start, end });
        }
        inclusion_path(&mut &*self, index, start, end, end)
    }

    /// The proof that the subtree `[start, end)` is part of the tree of `size` leaves
    /// (draft-ietf-plants-merkle-tree-certs, subtree consistency proof).
    pub fn subtree_consistency_proof(
        &self,
        start: u64,
        end: u64,
        size: u64,
    ) -> Result<Vec<Hash>, TreeError> {
        self.check_subtree(start, end)?;
        self.check_size(size)?;
        if end > size {
            return Err(TreeError::SizeOrder {
                old: end,
                new: size,
            });
        }
        subtree_consistency_path(&mut &*self, start, end, size)
    }

    fn check_size(&self, size: u64) -> Result<(), TreeError> {
        if size > self.size() {
            return Err(TreeError::SizeBeyondTree {
                size,
                tree_size: self.size(),
            });
        }
        Ok(())
    }

    fn check_subtree(&self, start: u64, end: u64) -> Result<(), TreeError> {
        if is_valid_subtree(start, end) {
            Ok(())
        } else {
            Err(TreeError::InvalidSubtree { start, end })
        }
    }
}

impl std::fmt::Debug for Tree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Millions of hashes help nobody; size and root identify the tree.
        f.debug_struct("Tree")
            .field("size", &self.size())
            .field("root", &hex::encode(self.root()))
            .finish()
    }
}

impl Extend<Hash> for Tree {
    fn extend<I: IntoIterator<Item = Hash>>(&mut self, leaves: I) {
        Tree::extend(self, leaves);
    }
}

impl FromIterator<Hash> for Tree {
    fn from_iter<I: IntoIterator<Item = Hash>>(leaves: I) -> Self {
        Self::from_leaf_hashes(leaves)
    }
}

impl NodeSource for &Tree {
    type Error = TreeError;
    fn node(&mut self, level: u32, index: u64, _size: u64) -> Result<Hash, TreeError> {
        Tree::node(self, level, index).ok_or(TreeError::MissingNode { level, index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_points() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn levels_track_size() {
        let tree = Tree::from_leaf_hashes((0..13u8).map(|i| leaf_hash(&[i])));
        for (h, level) in tree.levels.iter().enumerate() {
            assert_eq!(level.len() as u64, 13 >> h);
        }
    }
}
