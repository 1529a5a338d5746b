//! C2SP tlog checkpoints (<https://c2sp.org/tlog-checkpoint>): a log's signed tree head.
//!
//! The body of the signed note is at least three non-empty lines: the origin (the log's
//! identity, e.g. `example.com/log42`), the tree size in decimal without leading zeros, and
//! the base64 root hash; optional extension lines follow (not recommended, monitors cannot
//! audit them).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::merkle::Hash;
use crate::note::{Note, NoteError, Signer, VerifierKey};

/// Why a checkpoint is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The signed note is malformed or does not verify.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// The note text is not a checkpoint.
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
    /// The checkpoint is from another log.
    #[error("the checkpoint's origin is {found:?}, not {expected:?}")]
    OriginMismatch {
        /// The origin the caller accepts.
        expected: String,
        /// The origin in the checkpoint.
        found: String,
    },
}

/// A checkpoint's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// The root hash at that size.
    pub root: Hash,
    /// Extension lines (each non-empty; normally none).
    pub extensions: Vec<String>,
}

/// A checkpoint whose signed note verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The note it came in, with all its signatures (for cosignature policies).
    pub note: Note,
    /// Names of the known keys whose signatures verified.
    pub signed_by: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: &str, size: u64, root: Hash) -> Self {
        Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text: origin, size, base64 root and extension lines, each ending in a
    /// newline.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for ext in &self.extensions {
            out.push_str(ext);
            out.push('\n');
        }
        out
    }

    /// Parses the note text of a checkpoint (the body, without signatures).
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::Malformed(
            "the text does not end in a newline",
        ))?;
        if let Some(c) = body.chars().find(|c| *c < ' ' && *c != '\n') {
            return Err(NoteError::ControlCharacter(u32::from(c)).into());
        }
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::Malformed("fewer than three lines"));
        };
        if origin.is_empty() {
            return Err(CheckpointError::Malformed("empty origin"));
        }
        let size_ok = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size == "0" || !size.starts_with('0'));
        let size =
            size.parse::<u64>()
                .ok()
                .filter(|_| size_ok)
                .ok_or(CheckpointError::Malformed(
                    "the tree size is not a decimal number without leading zeros",
                ))?;
        let root: Hash = STANDARD
            .decode(root)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or(CheckpointError::Malformed(
                "the root is not a base64 32-byte hash",
            ))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(CheckpointError::Malformed("empty extension line"));
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Checks that the checkpoint formats to text that parses back to itself.
    pub fn validate(&self) -> Result<(), CheckpointError> {
        match Self::parse(&self.to_text()) {
            Ok(back) if back == *self => Ok(()),
            Ok(_) => Err(CheckpointError::Malformed(
                "a line contains a newline or is empty",
            )),
            Err(e) => Err(e),
        }
    }

    /// Signs the checkpoint; returns the signed note text. The signers' key names should be
    /// the origin.
    pub fn sign(&self, signers: &[&Signer]) -> Result<String, CheckpointError> {
        self.validate()?;
        Ok(Note::sign(&self.to_text(), signers)?.to_text())
    }

    /// Parses and verifies a signed checkpoint from the log `origin`, signed by at least one
    /// of `keys` (see [`Note::verify`] for the rules).
    pub fn open(
        signed: &[u8],
        origin: &str,
        keys: &[VerifierKey],
    ) -> Result<SignedCheckpoint, CheckpointError> {
        let note = Note::parse(signed)?;
        let signed_by = note
            .verify(keys)?
            .iter()
            .map(|k| k.name().to_owned())
            .collect();
        let checkpoint = Self::parse(&note.text)?;
        if checkpoint.origin != origin {
            return Err(CheckpointError::OriginMismatch {
                expected: origin.to_owned(),
                found: checkpoint.origin,
            });
        }
        Ok(SignedCheckpoint {
            checkpoint,
            note,
            signed_by,
        })
    }

    /// Parses a signed checkpoint without verifying any signature (for a log reading back
    /// its own checkpoint, or to find which keys to ask for). Never trust the result.
    pub fn parse_unverified(signed: &[u8]) -> Result<(Self, Note), CheckpointError> {
        let note = Note::parse(signed)?;
        let checkpoint = Self::parse(&note.text)?;
        Ok((checkpoint, note))
    }
}
