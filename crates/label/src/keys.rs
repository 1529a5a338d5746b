//! Ed25519 signing keys: generation, PKCS#8 files (optionally encrypted), and key ids derived
//! from the public key.
//!
//! Key files are standard PKCS#8 PEM, readable by OpenSSL: `PRIVATE KEY`, or `ENCRYPTED
//! PRIVATE KEY` (PBES2 with scrypt and AES-256-CBC) when a passphrase is given. Private key files
//! are created with mode 0600 and never overwritten.
//!
//! A key id is the RFC 7638 JWK thumbprint of the public key: SHA-256 over the canonical JSON
//! `{"crv":"Ed25519","kty":"OKP","x":"<base64url public key>"}`, written in base64url without
//! padding (43 characters). Anyone holding the public key can recompute it; no one can choose it.

use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use pkcs8::LineEnding;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Why a key could not be made, read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file exists and will not be overwritten.
    #[error("{0} already exists; refusing to overwrite a key")]
    Exists(std::path::PathBuf),
    /// The key file is not a usable Ed25519 key.
    #[error("{path} is not an Ed25519 PKCS#8 key: {reason}")]
    Format {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        reason: String,
    },
    /// The key is encrypted and no passphrase was given, or the passphrase is wrong.
    #[error("{0} is encrypted: {1}")]
    Passphrase(std::path::PathBuf, String),
    /// The private key file is readable by others.
    #[error("{path} is readable by group or others (mode {mode:o}); run `chmod 600 {path}`")]
    Permissions {
        /// The file.
        path: std::path::PathBuf,
        /// Its mode.
        mode: u32,
    },
}

/// The id of a public key (RFC 7638 thumbprint, base64url).
pub fn key_id(public: &VerifyingKey) -> String {
    let x = URL_SAFE_NO_PAD.encode(public.as_bytes());
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// A signing key with its id.
pub struct KeyPair {
    signing: SigningKey,
    id: String,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.debug_struct("KeyPair")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Self {
        Self::from_signing(SigningKey::generate(&mut rand_core::OsRng))
    }

    /// A key from its 32-byte seed (tests and fixtures).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self::from_signing(SigningKey::from_bytes(seed))
    }

    fn from_signing(signing: SigningKey) -> Self {
        let id = key_id(&signing.verifying_key());
        Self { signing, id }
    }

    /// The key id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The public key.
    pub fn public(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The Ed25519 signing key, for formats this crate does not produce itself (transparency
    /// log checkpoints and receipts are signed with the issuer key too).
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// Signs bytes.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The private key as PKCS#8 PEM, encrypted when a passphrase is given.
    pub fn private_pem(&self, passphrase: Option<&str>) -> Result<Zeroizing<String>, KeyError> {
        let err = |reason: String| KeyError::Format {
            path: "<memory>".into(),
            reason,
        };
        match passphrase {
            None => self
                .signing
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| err(e.to_string())),
            Some(pass) => {
                let der = self
                    .signing
                    .to_pkcs8_der()
                    .map_err(|e| err(e.to_string()))?;
                let info = pkcs8::PrivateKeyInfo::try_from(der.as_bytes())
                    .map_err(|e| err(e.to_string()))?;
                let encrypted = info
                    .encrypt(rand_core::OsRng, pass.as_bytes())
                    .map_err(|e| err(e.to_string()))?;
                encrypted
                    .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
                    .map_err(|e| err(e.to_string()))
            }
        }
    }

    /// The public key as SPKI PEM.
    pub fn public_pem(&self) -> String {
        self.public()
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// Reads a private key file (refusing one readable by others).
    pub fn read(path: &Path, passphrase: Option<&str>) -> Result<Self, KeyError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(path).map_err(|source| KeyError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyError::Permissions {
                    path: path.to_path_buf(),
                    mode,
                });
            }
        }
        let text =
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| KeyError::Io {
                    path: path.to_path_buf(),
                    source,
                })?,
            );
        Self::from_pem(&text, passphrase).map_err(|e| match e {
            KeyError::Format { reason, .. } => KeyError::Format {
                path: path.to_path_buf(),
                reason,
            },
            KeyError::Passphrase(_, reason) => KeyError::Passphrase(path.to_path_buf(), reason),
            other => other,
        })
    }

    /// Parses a PKCS#8 PEM private key.
    pub fn from_pem(text: &str, passphrase: Option<&str>) -> Result<Self, KeyError> {
        let format = |reason: String| KeyError::Format {
            path: "<memory>".into(),
            reason,
        };
        if text.contains("ENCRYPTED PRIVATE KEY") {
            let Some(pass) = passphrase else {
                return Err(KeyError::Passphrase(
                    "<memory>".into(),
                    "set the passphrase environment variable".into(),
                ));
            };
            let signing =
                SigningKey::from_pkcs8_encrypted_pem(text, pass.as_bytes()).map_err(|_| {
                    KeyError::Passphrase("<memory>".into(), "the passphrase is wrong".into())
                })?;
            return Ok(Self::from_signing(signing));
        }
        SigningKey::from_pkcs8_pem(text)
            .map(Self::from_signing)
            .map_err(|e| format(e.to_string()))
    }

    /// Writes `DIR/<name>.key` (0600, PKCS#8) and `DIR/<name>.pub` (SPKI); never overwrites.
    pub fn write(
        &self,
        dir: &Path,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<(std::path::PathBuf, std::path::PathBuf), KeyError> {
        std::fs::create_dir_all(dir).map_err(|source| KeyError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let private = dir.join(format!("{name}.key"));
        let public = dir.join(format!("{name}.pub"));
        for p in [&private, &public] {
            if p.exists() {
                return Err(KeyError::Exists(p.clone()));
            }
        }
        let pem = self.private_pem(passphrase)?;
        write_new(&private, pem.as_bytes(), 0o600)?;
        write_new(&public, self.public_pem().as_bytes(), 0o644)?;
        Ok((private, public))
    }
}

/// Parses an SPKI PEM public key.
pub fn public_from_pem(text: &str) -> Result<VerifyingKey, String> {
    VerifyingKey::from_public_key_pem(text).map_err(|e| e.to_string())
}

/// Creates a file that must not exist yet, with the given mode from the start (no window in
/// which a private key is readable by others).
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_follow_rfc_7638() {
        // RFC 8037 Appendix A.3: the thumbprint of its example Ed25519 key.
        let x = URL_SAFE_NO_PAD
            .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            .unwrap();
        let key = VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
        assert_eq!(key_id(&key), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn key_files_round_trip_encrypted_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let key = KeyPair::generate();
        let (private, public) = key
            .write(dir.path(), "issuer", Some("correct horse"))
            .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let text = std::fs::read_to_string(&private).unwrap();
        assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assert!(matches!(
            KeyPair::read(&private, None),
            Err(KeyError::Passphrase(..))
        ));
        assert!(matches!(
            KeyPair::read(&private, Some("wrong")),
            Err(KeyError::Passphrase(..))
        ));
        let back = KeyPair::read(&private, Some("correct horse")).unwrap();
        assert_eq!(back.id(), key.id());
        let pub_key = public_from_pem(&std::fs::read_to_string(public).unwrap()).unwrap();
        assert_eq!(key_id(&pub_key), key.id());
        assert!(matches!(
            key.write(dir.path(), "issuer", None),
            Err(KeyError::Exists(_))
        ));
        assert!(!format!("{key:?}").contains("signing"));
    }

    #[test]
    fn a_world_readable_key_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = KeyPair::generate();
        let (private, _) = key.write(dir.path(), "k", None).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                KeyPair::read(&private, None),
                Err(KeyError::Permissions { .. })
            ));
        }
    }
}
