//! Short-lived signed status tokens: a printed label cannot show that it was suspended
//! yesterday, so the registry signs "label X is <status> as of T, until T + TTL" for apps and
//! retailers to fetch and cache.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value;
use coset::{
    CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana,
};
use ed25519_dalek::Signature as EdSignature;
use jiff::Timestamp;
use serde::Serialize;

use crate::keys::KeyPair;
use crate::trust::TrustFile;
use crate::verify::VerifyError;

/// Content type of a status token's payload.
pub const STATUS_CONTENT_TYPE: &str = "application/vnd.iotlabel.status+cbor";

/// What a status token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusClaims {
    /// The label.
    pub label_id: String,
    /// `active`, `suspended`, `revoked`, `expired` or `superseded`.
    pub status: String,
    /// Why, when not active.
    pub reason: Option<String>,
    /// When the registry looked.
    pub checked_at: Timestamp,
    /// Until when this token may be relied on.
    pub valid_until: Timestamp,
    /// Transparency log size when checked.
    pub log_size: u64,
}

fn int(n: i64) -> Value {
    Value::Integer(n.into())
}

/// Signs a status token (tagged COSE_Sign1).
pub fn sign_status(claims: &StatusClaims, key: &KeyPair) -> Vec<u8> {
    let mut map = vec![
        (int(1), Value::Text(claims.label_id.clone())),
        (int(2), Value::Text(claims.status.clone())),
        (int(3), int(claims.checked_at.as_second())),
        (int(4), int(claims.valid_until.as_second())),
        (int(5), Value::Integer(claims.log_size.into())),
    ];
    if let Some(r) = &claims.reason {
        map.push((int(6), Value::Text(r.clone())));
    }
    let mut payload = Vec::new();
    let _ = ciborium::into_writer(&Value::Map(map), &mut payload);
    let kid = URL_SAFE_NO_PAD.decode(key.id()).unwrap_or_default();
    CoseSign1Builder::new()
        .protected(
            HeaderBuilder::new()
                .algorithm(iana::Algorithm::EdDSA)
                .key_id(kid)
                .content_type(STATUS_CONTENT_TYPE.to_owned())
                .build(),
        )
        .payload(payload)
        .create_signature(b"", |tbs| key.sign(tbs).to_vec())
        .build()
        .to_tagged_vec()
        .unwrap_or_default()
}

/// Verifies a status token against the trust file at `now`.
pub fn verify_status(
    bytes: &[u8],
    trust: &TrustFile,
    now: Timestamp,
) -> Result<StatusClaims, VerifyError> {
    let sign1 = CoseSign1::from_tagged_slice(bytes)
        .or_else(|_| CoseSign1::from_slice(bytes))
        .map_err(|e| VerifyError::Malformed(format!("not a COSE_Sign1: {e}")))?;
    let h = &sign1.protected.header;
    if h.content_type != Some(coset::ContentType::Text(STATUS_CONTENT_TYPE.to_owned())) {
        return Err(VerifyError::Malformed(format!(
            "content type is not {STATUS_CONTENT_TYPE}"
        )));
    }
    let kid = URL_SAFE_NO_PAD.encode(&h.key_id);
    let key = trust
        .get(&kid)
        .ok_or_else(|| VerifyError::UnknownKey(kid.clone()))?;
    let public = key
        .verifying_key()
        .map_err(|e| VerifyError::UnknownKey(format!("{kid}: {e}")))?;
    sign1
        .verify_signature(b"", |sig, data| {
            let sig = EdSignature::from_slice(sig).map_err(|_| ())?;
            public.verify_strict(data, &sig).map_err(|_| ())
        })
        .map_err(|()| VerifyError::BadSignature)?;
    let value: Value = ciborium::from_reader(sign1.payload.as_deref().unwrap_or_default())
        .map_err(|e| VerifyError::WrongShape(format!("status payload is not CBOR: {e}")))?;
    let Value::Map(entries) = value else {
        return Err(VerifyError::WrongShape(
            "status payload must be a map".into(),
        ));
    };
    let get = |k: i64| {
        entries
            .iter()
            .find(|(key, _)| key.as_integer().and_then(|i| i64::try_from(i).ok()) == Some(k))
            .map(|(_, v)| v)
    };
    let text = |k: i64| get(k).and_then(|v| v.as_text()).map(str::to_owned);
    let time = |k: i64| {
        get(k)
            .and_then(|v| v.as_integer())
            .and_then(|i| i64::try_from(i).ok())
            .and_then(|s| Timestamp::from_second(s).ok())
    };
    let shape = |what: &str| VerifyError::WrongShape(format!("status token lacks {what}"));
    let claims = StatusClaims {
        label_id: text(1).ok_or_else(|| shape("the label id"))?,
        status: text(2).ok_or_else(|| shape("the status"))?,
        reason: text(6),
        checked_at: time(3).ok_or_else(|| shape("the check time"))?,
        valid_until: time(4).ok_or_else(|| shape("the validity"))?,
        log_size: get(5)
            .and_then(|v| v.as_integer())
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| shape("the log size"))?,
    };
    if !key.valid_at(claims.checked_at) {
        return Err(VerifyError::KeyNotValid {
            key: kid,
            name: key.name.clone(),
            signed_at: claims.checked_at,
            why: "outside the key's validity".into(),
        });
    }
    if now >= claims.valid_until {
        return Err(VerifyError::Expired(claims.valid_until));
    }
    Ok(claims)
}
