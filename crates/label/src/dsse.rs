//! The label's JSON twin for supply-chain tooling: an in-toto Statement v1 in a DSSE v1
//! envelope, signed with the same key as the COSE statement.
//!
//! DSSE signs the pre-authentication encoding (PAE), never the JSON itself:
//! `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths as ASCII decimal.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::claims::LabelClaims;
use crate::keys::KeyPair;

/// The payload type of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The in-toto Statement v1 type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// Our predicate type.
pub const PREDICATE_TYPE: &str = "https://iotlabel.org/attestations/label/v1";

/// DSSE v1 pre-authentication encoding.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// An in-toto subject: a named artefact and its digests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// Name (a URN or file name).
    pub name: String,
    /// Digests by algorithm (`sha256`).
    pub digest: BTreeMap<String, String>,
}

impl Subject {
    /// A subject with a SHA-256 digest.
    pub fn sha256(name: impl Into<String>, hex: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            digest: BTreeMap::from([("sha256".to_owned(), hex.into())]),
        }
    }
}

/// The predicate: the label's claims and who issued them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelPredicate {
    /// The issuer (same as the COSE statement's `iss`).
    pub issuer: String,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// The claims.
    pub label: LabelClaims,
}

/// An in-toto Statement v1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// What the statement is about.
    pub subject: Vec<Subject>,
    /// Always [`PREDICATE_TYPE`] for labels.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The label.
    pub predicate: LabelPredicate,
}

/// A DSSE signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Key id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    /// Base64 signature over the PAE.
    pub sig: String,
}

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Base64 of the serialized statement.
    pub payload: String,
    /// [`PAYLOAD_TYPE`].
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// Signatures.
    pub signatures: Vec<Signature>,
}

/// Signs a statement into a DSSE envelope.
pub fn sign(
    claims: &LabelClaims,
    subjects: Vec<Subject>,
    key: &KeyPair,
    issuer: &str,
    issued_at: Timestamp,
) -> Envelope {
    let statement = Statement {
        statement_type: STATEMENT_TYPE.to_owned(),
        subject: subjects,
        predicate_type: PREDICATE_TYPE.to_owned(),
        predicate: LabelPredicate {
            issuer: issuer.to_owned(),
            issued_at,
            label: claims.clone(),
        },
    };
    let body = serde_json::to_vec(&statement).unwrap_or_default();
    let sig = key.sign(&pae(PAYLOAD_TYPE, &body));
    Envelope {
        payload: STANDARD.encode(&body),
        payload_type: PAYLOAD_TYPE.to_owned(),
        signatures: vec![Signature {
            keyid: key.id().to_owned(),
            sig: STANDARD.encode(sig),
        }],
    }
}

/// Decodes base64 as DSSE asks: standard or URL-safe alphabet, padded or not.
pub fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let padded = match s.len() % 4 {
        2 => format!("{s}=="),
        3 => format!("{s}="),
        _ => s.to_owned(),
    };
    STANDARD
        .decode(&padded)
        .or_else(|_| URL_SAFE.decode(&padded))
        .ok()
}

/// Signs any payload into a DSSE envelope.
pub fn sign_payload(payload_type: &str, body: &[u8], key: &KeyPair) -> Envelope {
    let sig = key.sign(&pae(payload_type, body));
    Envelope {
        payload: STANDARD.encode(body),
        payload_type: payload_type.to_owned(),
        signatures: vec![Signature {
            keyid: key.id().to_owned(),
            sig: STANDARD.encode(sig),
        }],
    }
}

/// Why an envelope does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Not a DSSE envelope.
    #[error("not a DSSE envelope: {0}")]
    Malformed(String),
    /// No signature from a key the caller knows.
    #[error("signed by no known key")]
    UnknownKey,
    /// A known key's signature does not verify.
    #[error("the signature of key {0} does not verify")]
    BadSignature(String),
}

/// Opens an envelope: finds a signature by a key that `key_for` knows and verifies it over the
/// PAE. Returns the key id and the payload. Nothing of the payload is trusted before this.
pub fn open(
    json: &[u8],
    key_for: impl Fn(&str) -> Option<ed25519_dalek::VerifyingKey>,
) -> Result<(String, Vec<u8>), OpenError> {
    let envelope: Envelope =
        serde_json::from_slice(json).map_err(|e| OpenError::Malformed(e.to_string()))?;
    let body = decode_b64(&envelope.payload)
        .ok_or_else(|| OpenError::Malformed("payload is not base64".into()))?;
    let pae = pae(&envelope.payload_type, &body);
    for sig in &envelope.signatures {
        let Some(public) = key_for(&sig.keyid) else {
            continue;
        };
        let bytes =
            decode_b64(&sig.sig).ok_or_else(|| OpenError::BadSignature(sig.keyid.clone()))?;
        let signature = ed25519_dalek::Signature::from_slice(&bytes)
            .map_err(|_| OpenError::BadSignature(sig.keyid.clone()))?;
        public
            .verify_strict(&pae, &signature)
            .map_err(|_| OpenError::BadSignature(sig.keyid.clone()))?;
        return Ok((sig.keyid.clone(), body));
    }
    Err(OpenError::UnknownKey)
}
