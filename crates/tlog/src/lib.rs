//! The iotlabel transparency log, as a library that knows nothing about labels: bytes in,
//! proofs out.
//!
//! - [`merkle`]: RFC 9162 tree hashing and proof verification (inclusion, consistency, and the
//!   subtree proofs of draft-ietf-plants-merkle-tree-certs).
//! - [`tree`]: an in-memory append-only tree that answers roots and proofs for any past size.
//! - [`tiles`]: C2SP tlog-tiles paths, hash tiles, entry bundles, and a reader that rebuilds
//!   and audits a tree from fetched tiles.
//! - [`note`], [`checkpoint`]: C2SP signed notes (Ed25519) and checkpoints.
//! - [`proof`]: C2SP tlog-proof files, offline proofs of inclusion.
//! - [`receipt`]: RFC 9942 COSE Receipts of inclusion (RFC9162_SHA256).

pub mod checkpoint;
pub mod merkle;
pub mod note;
pub mod proof;
pub mod receipt;
pub mod tiles;
pub mod tree;

pub use checkpoint::{Checkpoint, CheckpointError, SignedCheckpoint};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
pub use merkle::{
    Hash, ProofError, empty_root, leaf_hash, node_hash, verify_consistency, verify_inclusion,
};
pub use note::{Note, NoteError, Signer, VerifierKey};
pub use proof::{TlogProof, TlogProofError};
pub use tiles::{TileId, TileReader};
pub use tree::{Tree, TreeError};
