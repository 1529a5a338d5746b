//! C2SP tlog proofs (<https://c2sp.org/tlog-proof>): an offline-verifiable proof that an entry
//! is in a log, as a text file (`.tlog-proof`).
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64>            (optional, unauthenticated)
//! index <n>
//! <base64 hash>             (inclusion path, leaf's sibling first; zero or more lines)
//!
//! <signed checkpoint, verbatim, with any cosignatures>
//! ```
//!
//! Verifying checks, in the spec's order: the checkpoint's origin and its signature by a log
//! key, then the inclusion of the leaf hash (which the application computes). Witness
//! cosignature policies are left to the caller, who gets the checkpoint's note with all its
//! signatures.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::checkpoint::{Checkpoint, CheckpointError, SignedCheckpoint};
use crate::merkle::{Hash, ProofError, verify_inclusion};
use crate::note::{MAX_NOTE_SIZE, VerifierKey};
use crate::tree::{Tree, TreeError};

/// The first line of a tlog proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// Most inclusion path lines accepted (a tree of 2^64 leaves needs 64).
pub const MAX_PATH: usize = 64;

/// Largest tlog proof accepted, in bytes.
pub const MAX_PROOF_SIZE: usize = MAX_NOTE_SIZE + 64 * 1024;

/// Why a tlog proof cannot be built, parsed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogProofError {
    /// The text is not a tlog proof.
    #[error("malformed tlog proof: {0}")]
    Malformed(&'static str),
    /// The checkpoint is malformed, from another log or not signed by a log key.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The inclusion proof does not verify.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// The tree cannot produce the proof.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// When building: the tree's root at the checkpoint's size is not the checkpoint's root.
    #[error("the tree's root at size {0} differs from the checkpoint's")]
    CheckpointNotOfTree(u64),
}

/// A tlog proof (not necessarily verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque application data (not authenticated).
    pub extra: Option<Vec<u8>>,
    /// Index of the entry in the log.
    pub index: u64,
    /// Inclusion path of the entry in the checkpoint's tree.
    pub path: Vec<Hash>,
    /// The signed checkpoint, verbatim.
    pub checkpoint: String,
}

/// A tlog proof that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The verified checkpoint and its note (for cosignature checks).
    pub checkpoint: SignedCheckpoint,
    /// Index of the entry.
    pub index: u64,
    /// The extra data, still unauthenticated.
    pub extra: Option<Vec<u8>>,
}

impl TlogProof {
    /// Builds the proof of entry `index` against a signed checkpoint of `tree` (whose root
    /// at the checkpoint's size must be the checkpoint's root; signatures are not checked).
    pub fn build(
        tree: &Tree,
        index: u64,
        signed_checkpoint: &str,
        extra: Option<Vec<u8>>,
    ) -> Result<Self, TlogProofError> {
        let (checkpoint, _) = Checkpoint::parse_unverified(signed_checkpoint.as_bytes())?;
        if tree.root_at(checkpoint.size)? != checkpoint.root {
            return Err(TlogProofError::CheckpointNotOfTree(checkpoint.size));
        }
        Ok(Self {
            extra,
            index,
            path: tree.inclusion_proof(index, checkpoint.size)?,
            checkpoint: signed_checkpoint.to_owned(),
        })
    }

    /// The proof as text.
    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", STANDARD.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for hash in &self.path {
            out.push_str(&STANDARD.encode(hash));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a tlog proof (including the checkpoint's note format, not its signatures).
    pub fn parse(bytes: &[u8]) -> Result<Self, TlogProofError> {
        let bad = TlogProofError::Malformed;
        if bytes.len() > MAX_PROOF_SIZE {
            return Err(bad("too large"));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?;
        let mut rest = text;
        let mut next_line = || -> Result<&str, TlogProofError> {
            let (line, tail) = rest.split_once('\n').ok_or(bad("truncated"))?;
            rest = tail;
            Ok(line)
        };
        if next_line()? != HEADER {
            return Err(bad("the first line is not c2sp.org/tlog-proof@v1"));
        }
        let mut line = next_line()?;
        let extra = match line.strip_prefix("extra ") {
            Some(b64) => {
                let data = STANDARD
                    .decode(b64)
                    .map_err(|_| bad("extra is not standard base64"))?;
                line = next_line()?;
                Some(data)
            }
            None => None,
        };
        let index = line
            .strip_prefix("index ")
            .filter(|n| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && (*n == "0" || !n.starts_with('0'))
            })
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or(bad("no index line with a decimal index"))?;
        let mut path = Vec::new();
        loop {
            let line = next_line()?;
            if line.is_empty() {
                break;
            }
            if path.len() == MAX_PATH {
                return Err(bad("too many inclusion path lines"));
            }
            let hash: Hash = STANDARD
                .decode(line)
                .ok()
                .and_then(|h| h.try_into().ok())
                .ok_or(bad("an inclusion path line is not a base64 32-byte hash"))?;
            path.push(hash);
        }
        let checkpoint = rest.to_owned();
        Checkpoint::parse_unverified(checkpoint.as_bytes())?;
        Ok(Self {
            extra,
            index,
            path,
            checkpoint,
        })
    }

    /// Verifies the proof for an entry whose leaf hash is `leaf_hash`: the checkpoint must be
    /// from `origin` and signed by one of the log's `keys`, and the path must lead from the
    /// leaf to the checkpoint's root.
    pub fn verify(
        &self,
        leaf_hash: &Hash,
        origin: &str,
        keys: &[VerifierKey],
    ) -> Result<VerifiedProof, TlogProofError> {
        let signed = Checkpoint::open(self.checkpoint.as_bytes(), origin, keys)?;
        verify_inclusion(
            leaf_hash,
            self.index,
            signed.checkpoint.size,
            &self.path,
            &signed.checkpoint.root,
        )?;
        Ok(VerifiedProof {
            checkpoint: signed,
            index: self.index,
            extra: self.extra.clone(),
        })
    }
}
