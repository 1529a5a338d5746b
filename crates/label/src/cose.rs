//! The label as a COSE_Sign1 (RFC 9052) shaped as a SCITT signed statement (RFC 9943).
//!
//! Protected header: `alg` EdDSA (-8; Ed25519 -19 from RFC 9864 is accepted when verifying),
//! `kid` (the 32 raw bytes of the key's RFC 7638 thumbprint), `content type`
//! `application/vnd.iotlabel.label+cbor`, and CWT claims (RFC 9597, label 15): `iss` the
//! issuer, `sub` the label's subject (`urn:iotlabel:label:<ID>`), `iat`, `nbf`, `exp`. The
//! payload is the CBOR of [`LabelClaims`]. The whole is CBOR-tagged (18).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value;
use coset::cwt::{ClaimsSetBuilder, Timestamp as CwtTime};
use coset::{
    AsCborValue, CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder,
    TaggedCborSerializable, iana,
};
use jiff::Timestamp;

use crate::claims::LabelClaims;
use crate::keys::KeyPair;

/// Content type of the payload.
pub const CONTENT_TYPE: &str = "application/vnd.iotlabel.label+cbor";

/// Header label of CWT claims in a COSE header (RFC 9597).
pub const CWT_CLAIMS: i64 = 15;

/// The subject a label's statement is about.
pub fn subject(claims: &LabelClaims) -> String {
    format!("urn:iotlabel:label:{}", claims.label_id)
}

/// Signs label claims as a tagged COSE_Sign1.
pub fn sign(claims: &LabelClaims, key: &KeyPair, issuer: &str, issued_at: Timestamp) -> Vec<u8> {
    let kid = URL_SAFE_NO_PAD.decode(key.id()).unwrap_or_default();
    let cwt = ClaimsSetBuilder::new()
        .issuer(issuer.to_owned())
        .subject(subject(claims))
        .issued_at(CwtTime::WholeSeconds(issued_at.as_second()))
        .not_before(CwtTime::WholeSeconds(claims.not_before.as_second()))
        .expiration_time(CwtTime::WholeSeconds(claims.expires.as_second()))
        .build();
    let cwt_value = cwt.to_cbor_value().unwrap_or(Value::Null);
    let protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::EdDSA)
        .key_id(kid)
        .content_type(CONTENT_TYPE.to_owned())
        .value(CWT_CLAIMS, cwt_value)
        .build();
    CoseSign1Builder::new()
        .protected(protected)
        .payload(claims.to_cbor())
        .create_signature(b"", |tbs| key.sign(tbs).to_vec())
        .build()
        .to_tagged_vec()
        .unwrap_or_default()
}

/// The parts of a decoded statement that verification needs.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The COSE structure.
    pub sign1: CoseSign1,
    /// Key id (base64url).
    pub kid: String,
    /// Issuer.
    pub issuer: String,
    /// Subject.
    pub subject: String,
    /// Issued at.
    pub issued_at: Timestamp,
    /// Not before.
    pub not_before: Timestamp,
    /// Expiry.
    pub expires: Timestamp,
}

/// Why bytes are not a well-formed label statement (before any signature check).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MalformedError(pub String);

fn time(t: &Option<CwtTime>, what: &str) -> Result<Timestamp, MalformedError> {
    match t {
        Some(CwtTime::WholeSeconds(s)) => Timestamp::from_second(*s)
            .map_err(|_| MalformedError(format!("CWT {what} out of range"))),
        Some(CwtTime::FractionalSeconds(f)) if f.is_finite() && f.abs() < 1e12 => {
            Timestamp::from_second(f.trunc() as i64)
                .map_err(|_| MalformedError(format!("CWT {what} out of range")))
        }
        _ => Err(MalformedError(format!("CWT claims lack `{what}`"))),
    }
}

/// Decodes a COSE_Sign1 (tagged or not) and its protected header, without verifying.
pub fn decode(bytes: &[u8]) -> Result<Decoded, MalformedError> {
    let sign1 = CoseSign1::from_tagged_slice(bytes)
        .or_else(|_| CoseSign1::from_slice(bytes))
        .map_err(|e| MalformedError(format!("not a COSE_Sign1: {e}")))?;
    let h = &sign1.protected.header;
    let alg_ok = matches!(
        &h.alg,
        Some(coset::Algorithm::Assigned(
            iana::Algorithm::EdDSA | iana::Algorithm::Ed25519
        ))
    );
    if !alg_ok {
        return Err(MalformedError(format!(
            "unsupported algorithm {:?}; labels are signed with EdDSA (-8) or Ed25519 (-19)",
            h.alg
        )));
    }
    if h.key_id.is_empty() {
        return Err(MalformedError("the protected header has no key id".into()));
    }
    if h.content_type != Some(coset::ContentType::Text(CONTENT_TYPE.to_owned())) {
        return Err(MalformedError(format!(
            "content type is not {CONTENT_TYPE}"
        )));
    }
    let cwt = h
        .rest
        .iter()
        .find(|(l, _)| *l == coset::Label::Int(CWT_CLAIMS))
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            MalformedError("the protected header has no CWT claims (label 15)".into())
        })?;
    let claims = coset::cwt::ClaimsSet::from_cbor_value(cwt)
        .map_err(|e| MalformedError(format!("CWT claims: {e}")))?;
    if sign1.payload.is_none() {
        return Err(MalformedError(
            "the payload is detached; labels carry it".into(),
        ));
    }
    Ok(Decoded {
        kid: URL_SAFE_NO_PAD.encode(&h.key_id),
        issuer: claims
            .issuer
            .clone()
            .ok_or_else(|| MalformedError("CWT claims lack `iss`".into()))?,
        subject: claims
            .subject
            .clone()
            .ok_or_else(|| MalformedError("CWT claims lack `sub`".into()))?,
        issued_at: time(&claims.issued_at, "iat")?,
        not_before: time(&claims.not_before, "nbf")?,
        expires: time(&claims.expiration_time, "exp")?,
        sign1,
    })
}
