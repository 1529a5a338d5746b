//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 signatures (type `0x01`).
//!
//! A note is UTF-8 text ending in a newline, a blank line, then one or more signature lines
//! `— <key name> <base64(4-byte key ID || signature)>`. The key ID of an Ed25519 key is the
//! first 4 bytes of `SHA-256(name || "\n" || 0x01 || public key)`; a verifier key is written
//! `<name>+<hex key ID>+<base64(0x01 || public key)>`.
//!
//! Verification follows the spec: signatures from unknown keys (name and ID not both matching
//! a known key) are ignored, a known key whose signature fails rejects the whole note, and at
//! least one known key must have signed. Other signature types (witness cosignatures, ...)
//! are carried along as unknown signatures.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signature type byte of Ed25519 note signatures.
pub const ED25519: u8 = 0x01;

/// Largest note accepted, in bytes (room for 16 post-quantum signatures and more).
pub const MAX_NOTE_SIZE: usize = 1 << 20;

/// Most signature lines accepted in one note (the spec asks for at least 16).
pub const MAX_SIGNATURES: usize = 100;

/// The signature line prefix: em dash (U+2014) and a space.
const DASH: &str = "\u{2014} ";

/// Why a note, key or signature is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note is larger than [`MAX_NOTE_SIZE`].
    #[error("the note is larger than {MAX_NOTE_SIZE} bytes")]
    TooLarge,
    /// The note is not UTF-8.
    #[error("the note is not valid UTF-8")]
    NotUtf8,
    /// The note contains a control character other than newline.
    #[error("the note contains a control character (U+{0:04X})")]
    ControlCharacter(u32),
    /// The text does not end in a newline, or is empty.
    #[error("the note text must be non-empty and end in a newline")]
    TextEnding,
    /// No blank line separates the text from the signatures.
    #[error("the note has no blank line before its signatures")]
    NoSignatureBlock,
    /// The note has no signature lines.
    #[error("the note has no signatures")]
    NoSignatures,
    /// More than [`MAX_SIGNATURES`] signature lines.
    #[error("the note has more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
    /// A malformed signature line.
    #[error("signature line {line}: {reason}")]
    BadSignatureLine {
        /// 1-based position among the signature lines.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// An unacceptable key name.
    #[error("key name {0:?} must be non-empty, without spaces or '+'")]
    BadKeyName(String),
    /// A malformed verifier key string.
    #[error("malformed verifier key: {0}")]
    BadVerifierKey(&'static str),
    /// A verifier key of a signature type this crate does not verify.
    #[error("unsupported signature type 0x{0:02x} (only Ed25519, 0x01)")]
    UnsupportedKeyType(u8),
    /// A verifier key whose ID is not the one derived from its name and key.
    #[error("the key ID does not match the key name and public key")]
    KeyIdMismatch,
    /// A signature by a known key does not verify.
    #[error("the signature by known key {name} does not verify")]
    BadSignature {
        /// The key's name.
        name: String,
    },
    /// No known key signed the note.
    #[error("the note is not signed by any known key")]
    NoKnownSignature,
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key ID (big-endian first 4 bytes of the decoded signature).
    pub key_id: u32,
    /// The signature bytes after the key ID.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The signature line, with its final newline.
    pub fn line(&self) -> String {
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.signature);
        format!("{DASH}{} {}\n", self.name, STANDARD.encode(bytes))
    }
}

/// A signed note: text and signatures (not necessarily verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The text, ending in a newline.
    pub text: String,
    /// The signatures, in order.
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a signed note without verifying it. Enforces the format: size, UTF-8, no
    /// control characters but newline, text ending in a newline, the last blank line before
    /// one or more well-formed signature lines.
    pub fn parse(bytes: &[u8]) -> Result<Self, NoteError> {
        if bytes.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge);
        }
        let msg = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
        check_chars(msg)?;
        // The last blank line separates the text (which keeps its final newline) from the
        // signature lines; the text itself may contain blank lines.
        let split = msg.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        let text = &msg[..=split];
        let block = &msg[split + 2..];
        if block.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        let Some(block) = block.strip_suffix('\n') else {
            return Err(NoteError::BadSignatureLine {
                line: block.split('\n').count(),
                reason: "does not end in a newline",
            });
        };
        let mut signatures = Vec::new();
        for (i, line) in block.split('\n').enumerate() {
            if i >= MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            signatures.push(parse_signature_line(line, i + 1)?);
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// Signs `text` with each signer.
    pub fn sign(text: &str, signers: &[&Signer]) -> Result<Self, NoteError> {
        check_text(text)?;
        if signers.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        Ok(Self {
            text: text.to_owned(),
            signatures: signers.iter().map(|s| s.sign_text(text)).collect(),
        })
    }

    /// The note as text: the text, a blank line, the signature lines.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for sig in &self.signatures {
            out.push_str(&sig.line());
        }
        out
    }

    /// Verifies the note against known keys; returns the keys whose signatures verified.
    ///
    /// A signature counts for a key when both its name and key ID match. A known key's
    /// failing signature rejects the note; unknown signatures are ignored; at least one known
    /// key must have signed.
    pub fn verify<'k>(&self, keys: &'k [VerifierKey]) -> Result<Vec<&'k VerifierKey>, NoteError> {
        let mut verified: Vec<&VerifierKey> = Vec::new();
        for sig in &self.signatures {
            let mut candidates = keys
                .iter()
                .filter(|k| k.name == sig.name && k.key_id == sig.key_id)
                .peekable();
            if candidates.peek().is_none() {
                continue;
            }
            let Some(key) = candidates.find(|k| k.verifies(self.text.as_bytes(), &sig.signature))
            else {
                return Err(NoteError::BadSignature {
                    name: sig.name.clone(),
                });
            };
            if !verified.iter().any(|v| std::ptr::eq(*v, key)) {
                verified.push(key);
            }
        }
        if verified.is_empty() {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(verified)
    }

    /// Parses and verifies a note in one step (like Go's `note.Open`).
    pub fn open(bytes: &[u8], keys: &[VerifierKey]) -> Result<Self, NoteError> {
        let note = Self::parse(bytes)?;
        note.verify(keys)?;
        Ok(note)
    }
}

fn check_chars(s: &str) -> Result<(), NoteError> {
    match s.chars().find(|c| *c < ' ' && *c != '\n') {
        Some(c) => Err(NoteError::ControlCharacter(u32::from(c))),
        None => Ok(()),
    }
}

/// Text that can be signed: within limits, no control characters, ending in a newline.
fn check_text(text: &str) -> Result<(), NoteError> {
    if text.len() > MAX_NOTE_SIZE {
        return Err(NoteError::TooLarge);
    }
    check_chars(text)?;
    if !text.ends_with('\n') {
        return Err(NoteError::TextEnding);
    }
    Ok(())
}

fn parse_signature_line(line: &str, number: usize) -> Result<NoteSignature, NoteError> {
    let bad = |reason| NoteError::BadSignatureLine {
        line: number,
        reason,
    };
    let rest = line
        .strip_prefix(DASH)
        .ok_or_else(|| bad("does not start with an em dash and a space"))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or_else(|| bad("no space between key name and signature"))?;
    if !valid_name(name) {
        return Err(bad("bad key name"));
    }
    let raw = STANDARD
        .decode(b64)
        .map_err(|_| bad("signature is not standard base64"))?;
    if raw.len() <= 4 {
        return Err(bad("signature is too short"));
    }
    let (id, signature) = raw.split_at(4);
    let key_id = u32::from_be_bytes([id[0], id[1], id[2], id[3]]);
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id,
        signature: signature.to_vec(),
    })
}

/// Key names are non-empty, without Unicode spaces or `+`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c < ' ')
}

/// The key ID of an Ed25519 key: the first 4 bytes of SHA-256(name || "\n" || 0x01 || key).
pub fn ed25519_key_id(name: &str, key: &VerifyingKey) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519]);
    h.update(key.as_bytes());
    let digest = h.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// A key that verifies note signatures: name, key ID and Ed25519 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl VerifierKey {
    /// The verifier for an Ed25519 public key under `name`.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::BadKeyName(name.to_owned()));
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: ed25519_key_id(name, &key),
            key,
        })
    }

    /// Parses `<name>+<hex key ID>+<base64(0x01 || public key)>`; the key ID must be the one
    /// derived from the name and key.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        // Names cannot contain '+', but standard base64 can: split off two fields only.
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::BadVerifierKey("expected name+id+key"));
        };
        if !valid_name(name) {
            return Err(NoteError::BadKeyName(name.to_owned()));
        }
        if id.len() != 8 {
            return Err(NoteError::BadVerifierKey("the key ID must be 8 hex digits"));
        }
        let id_bytes: [u8; 4] = hex::decode(id)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(NoteError::BadVerifierKey("the key ID must be 8 hex digits"))?;
        let raw = STANDARD
            .decode(key)
            .map_err(|_| NoteError::BadVerifierKey("the key is not standard base64"))?;
        let Some((&kind, material)) = raw.split_first() else {
            return Err(NoteError::BadVerifierKey("empty key"));
        };
        if kind != ED25519 {
            return Err(NoteError::UnsupportedKeyType(kind));
        }
        let material: [u8; 32] = material
            .try_into()
            .map_err(|_| NoteError::BadVerifierKey("an Ed25519 key has 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&material)
            .map_err(|_| NoteError::BadVerifierKey("not an Ed25519 public key"))?;
        let verifier = Self::new(name, key)?;
        if verifier.key_id != u32::from_be_bytes(id_bytes) {
            return Err(NoteError::KeyIdMismatch);
        }
        Ok(verifier)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    fn verifies(&self, text: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = Signature::from_slice(signature) else {
            return false;
        };
        // Strict verification also refuses weak (small-order) keys and non-canonical
        // encodings, which an honest signer never produces.
        self.key.verify_strict(text, &sig).is_ok()
    }
}

impl std::fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut raw = vec![ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(raw)
        )
    }
}

impl std::str::FromStr for VerifierKey {
    type Err = NoteError;
    fn from_str(s: &str) -> Result<Self, NoteError> {
        Self::parse(s)
    }
}

/// Signs notes with an Ed25519 key under a key name.
pub struct Signer {
    verifier: VerifierKey,
    key: SigningKey,
}

impl Signer {
    /// A signer for `key` under `name` (which must be non-empty, without spaces or `+`;
    /// recommended: the log origin, a schema-less URL).
    pub fn new(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        Ok(Self {
            verifier: VerifierKey::new(name, key.verifying_key())?,
            key,
        })
    }

    /// The key name.
    pub fn name(&self) -> &str {
        self.verifier.name()
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.verifier.key_id()
    }

    /// The matching verifier key (print it with `to_string()` to publish it).
    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    /// Signs note text (which must end in a newline and have no control characters).
    pub fn sign(&self, text: &str) -> Result<NoteSignature, NoteError> {
        check_text(text)?;
        Ok(self.sign_text(text))
    }

    fn sign_text(&self, text: &str) -> NoteSignature {
        NoteSignature {
            name: self.verifier.name.clone(),
            key_id: self.verifier.key_id,
            signature: self.key.sign(text.as_bytes()).to_bytes().to_vec(),
        }
    }
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key.
        f.debug_struct("Signer")
            .field("verifier", &self.verifier.to_string())
            .finish_non_exhaustive()
    }
}
