//! Offline verification of a label: signature, key trust and validity, expiry and
//! not-before, payload shape, and agreement between the signed header and the payload.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signature as EdSignature;
use jiff::Timestamp;
use serde::Serialize;

use crate::claims::LabelClaims;
use crate::cose;
use crate::dsse::{self, Envelope, PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, Statement};
use crate::trust::{Role, TrustFile, TrustedKey};

/// Prefix of a label token (the COSE statement in base45, for a QR code).
pub const TOKEN_PREFIX: &str = "IL1:";

/// Largest statement accepted, in bytes: labels are a few hundred bytes.
pub const MAX_STATEMENT: usize = 64 * 1024;

/// A verified label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verified {
    /// The claims.
    pub claims: LabelClaims,
    /// Who issued it.
    pub issuer: String,
    /// When.
    pub issued_at: Timestamp,
    /// The signing key id.
    pub key_id: String,
    /// The signing key's holder, from the trust file.
    pub key_name: String,
    /// `cose` or `dsse`.
    pub encoding: &'static str,
}

/// Why a label is not genuine and current.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not a well-formed statement or envelope.
    #[error("not a well-formed label: {0}")]
    Malformed(String),
    /// Signed, but the payload is not label claims.
    #[error("the signed payload is not a label: {0}")]
    WrongShape(String),
    /// Signed by a key the trust file does not list.
    #[error("signed by an unknown key {0}")]
    UnknownKey(String),
    /// Signed by a trusted key outside its validity, or by a key not allowed to issue labels.
    #[error("key {key} ({name}) was not valid for issuing labels at {signed_at}: {why}")]
    KeyNotValid {
        /// Key id.
        key: String,
        /// Key holder.
        name: String,
        /// When the label says it was signed.
        signed_at: Timestamp,
        /// Why.
        why: String,
    },
    /// The signature does not match: the label was altered or forged.
    #[error("the signature does not match: the label was altered or is not genuine")]
    BadSignature,
    /// Not valid yet.
    #[error("the label is not valid before {0}")]
    NotYetValid(Timestamp),
    /// Past its expiry.
    #[error("the label expired on {0}")]
    Expired(Timestamp),
}

fn key_for<'t>(
    trust: &'t TrustFile,
    kid: &str,
    signed_at: Timestamp,
) -> Result<&'t TrustedKey, VerifyError> {
    let key = trust
        .get(kid)
        .ok_or_else(|| VerifyError::UnknownKey(kid.to_owned()))?;
    let not_valid = |why: String| VerifyError::KeyNotValid {
        key: kid.to_owned(),
        name: key.name.clone(),
        signed_at,
        why,
    };
    if key.role != Role::Issuer && key.role != Role::Scheme {
        return Err(not_valid(format!("its role is {:?}, not issuer", key.role)));
    }
    if !key.valid_at(signed_at) {
        return Err(not_valid(format!(
            "it is valid from {}{}",
            key.valid_from,
            key.valid_until
                .map(|u| format!(" until {u}"))
                .unwrap_or_default()
        )));
    }
    Ok(key)
}

fn check_times(claims: &LabelClaims, now: Timestamp) -> Result<(), VerifyError> {
    if now < claims.not_before {
        return Err(VerifyError::NotYetValid(claims.not_before));
    }
    if now >= claims.expires {
        return Err(VerifyError::Expired(claims.expires));
    }
    Ok(())
}

/// Verifies a COSE_Sign1 label statement.
pub fn verify_cose(
    bytes: &[u8],
    trust: &TrustFile,
    now: Timestamp,
) -> Result<Verified, VerifyError> {
    if bytes.len() > MAX_STATEMENT {
        return Err(VerifyError::Malformed(format!(
            "{} bytes; a label is at most {MAX_STATEMENT}",
            bytes.len()
        )));
    }
    let decoded = cose::decode(bytes).map_err(|e| VerifyError::Malformed(e.0))?;
    let key = key_for(trust, &decoded.kid, decoded.issued_at)?;
    let public = key
        .verifying_key()
        .map_err(|e| VerifyError::UnknownKey(format!("{}: {e}", decoded.kid)))?;
    decoded
        .sign1
        .verify_signature(b"", |sig, data| {
            let sig = EdSignature::from_slice(sig).map_err(|_| ())?;
            public.verify_strict(data, &sig).map_err(|_| ())
        })
        .map_err(|()| VerifyError::BadSignature)?;
    let payload = decoded.sign1.payload.as_deref().unwrap_or_default();
    let claims = LabelClaims::from_cbor(payload).map_err(|e| VerifyError::WrongShape(e.0))?;
    if decoded.subject != cose::subject(&claims)
        || decoded.expires != claims.expires
        || decoded.not_before != claims.not_before
    {
        return Err(VerifyError::WrongShape(
            "the signed header (sub, nbf, exp) disagrees with the payload".into(),
        ));
    }
    check_times(&claims, now)?;
    Ok(Verified {
        claims,
        issuer: decoded.issuer,
        issued_at: decoded.issued_at,
        key_id: decoded.kid,
        key_name: key.name.clone(),
        encoding: "cose",
    })
}

/// Verifies a DSSE envelope carrying an in-toto statement of a label.
pub fn verify_dsse(
    json: &[u8],
    trust: &TrustFile,
    now: Timestamp,
) -> Result<Verified, VerifyError> {
    if json.len() > MAX_STATEMENT {
        return Err(VerifyError::Malformed(format!(
            "{} bytes; a label is at most {MAX_STATEMENT}",
            json.len()
        )));
    }
    let envelope: Envelope = serde_json::from_slice(json)
        .map_err(|e| VerifyError::Malformed(format!("not a DSSE envelope: {e}")))?;
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(VerifyError::Malformed(format!(
            "payloadType is not {PAYLOAD_TYPE}"
        )));
    }
    let body = dsse::decode_b64(&envelope.payload)
        .ok_or_else(|| VerifyError::Malformed("payload is not base64".into()))?;
    let pae = dsse::pae(&envelope.payload_type, &body);
    // The statement says when it was signed; parse it (unverified) only to pick the key's
    // validity window, then trust nothing from it until a signature verifies.
    let statement: Statement = serde_json::from_slice(&body).map_err(|e| {
        VerifyError::WrongShape(format!("not an in-toto statement of a label: {e}"))
    })?;
    let signed_at = statement.predicate.issued_at;
    let mut unknown = None;
    for sig in &envelope.signatures {
        let key = match key_for(trust, &sig.keyid, signed_at) {
            Ok(k) => k,
            Err(VerifyError::UnknownKey(k)) => {
                unknown = Some(k);
                continue;
            }
            Err(e) => return Err(e),
        };
        let public = key
            .verifying_key()
            .map_err(|e| VerifyError::UnknownKey(format!("{}: {e}", sig.keyid)))?;
        let bytes = dsse::decode_b64(&sig.sig).ok_or(VerifyError::BadSignature)?;
        let signature = EdSignature::from_slice(&bytes).map_err(|_| VerifyError::BadSignature)?;
        public
            .verify_strict(&pae, &signature)
            .map_err(|_| VerifyError::BadSignature)?;
        if statement.statement_type != STATEMENT_TYPE || statement.predicate_type != PREDICATE_TYPE
        {
            return Err(VerifyError::WrongShape(format!(
                "statement type {} / predicate type {}",
                statement.statement_type, statement.predicate_type
            )));
        }
        let claims = statement.predicate.label;
        check_times(&claims, now)?;
        return Ok(Verified {
            claims,
            issuer: statement.predicate.issuer,
            issued_at: signed_at,
            key_id: sig.keyid.clone(),
            key_name: key.name.clone(),
            encoding: "dsse",
        });
    }
    Err(VerifyError::UnknownKey(
        unknown.unwrap_or_else(|| "(no signature)".into()),
    ))
}

/// The token form of a COSE statement: `IL1:` + base45, for a dense QR code.
pub fn token(cose: &[u8]) -> String {
    format!("{TOKEN_PREFIX}{}", base45::encode(cose))
}

/// Verifies a token (`IL1:...`, case-insensitive prefix).
pub fn verify_token(
    token: &str,
    trust: &TrustFile,
    now: Timestamp,
) -> Result<Verified, VerifyError> {
    let token = token.trim();
    let body = token
        .get(..TOKEN_PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(TOKEN_PREFIX))
        .map(|_| &token[TOKEN_PREFIX.len()..])
        .ok_or_else(|| {
            VerifyError::Malformed(format!("a label token starts with {TOKEN_PREFIX}"))
        })?;
    if body.len() > MAX_STATEMENT * 2 {
        return Err(VerifyError::Malformed("token too long".into()));
    }
    let bytes =
        base45::decode(body).map_err(|e| VerifyError::Malformed(format!("not base45: {e:?}")))?;
    verify_cose(&bytes, trust, now)
}

/// Key id text of raw `kid` bytes.
pub fn kid_text(kid: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(kid)
}
