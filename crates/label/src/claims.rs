//! What a label states, and its compact CBOR encoding (CDDL in docs/label.md).
//!
//! Map keys are small integers so that the whole signed statement fits a QR code; they are
//! written in ascending order with the shortest encodings, so the encoding is deterministic
//! (RFC 8949 §4.2.1). Decoding is strict: every key must be known and of the right type.

use ciborium::Value;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::label_id::LabelId;

/// Who made the product and which product version the label covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductIdentity {
    /// Manufacturer's legal name.
    pub manufacturer: String,
    /// Brand.
    pub brand: String,
    /// Model.
    pub model: String,
    /// Hardware version.
    pub hardware_version: String,
    /// Software version.
    pub software_version: String,
}

impl ProductIdentity {
    /// "Brand Model".
    pub fn name(&self) -> String {
        format!("{} {}", self.brand, self.model)
    }
}

/// The claims of a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelClaims {
    /// The label id.
    pub label_id: LabelId,
    /// The product.
    pub product: ProductIdentity,
    /// Profiles assessed against.
    pub profiles: Vec<String>,
    /// Label level (1-4).
    pub level: u8,
    /// Score in tenths (0-1000).
    pub score_tenths: u16,
    /// Catalogue `id@version` assessed against.
    pub catalog: String,
    /// SHA-256 of the assessment result (its JSON bytes), hex.
    pub assessment_sha256: String,
    /// End of the support period, as declared (`YYYY-MM` or a date).
    pub support_end: String,
    /// Valid from.
    pub not_before: Timestamp,
    /// Valid until.
    pub expires: Timestamp,
    /// Base URL of the registry holding the live status.
    pub registry: String,
}

/// Largest text accepted in a payload field; labels are small by design.
pub const MAX_TEXT: usize = 512;

/// Why a payload does not have the shape of label claims.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the payload is not label claims: {0}")]
pub struct ShapeError(pub String);

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn int(n: i64) -> Value {
    Value::Integer(n.into())
}

impl LabelClaims {
    /// The claims as a CBOR value.
    pub fn to_cbor_value(&self) -> Value {
        let p = &self.product;
        let product = Value::Map(vec![
            (int(1), text(&p.manufacturer)),
            (int(2), text(&p.brand)),
            (int(3), text(&p.model)),
            (int(4), text(&p.hardware_version)),
            (int(5), text(&p.software_version)),
        ]);
        let digest = hex::decode(&self.assessment_sha256).unwrap_or_default();
        Value::Map(vec![
            (int(1), text(self.label_id.as_str())),
            (int(2), product),
            (
                int(3),
                Value::Array(self.profiles.iter().map(|s| text(s)).collect()),
            ),
            (int(4), int(i64::from(self.level))),
            (int(5), int(i64::from(self.score_tenths))),
            (int(6), text(&self.catalog)),
            (int(7), Value::Bytes(digest)),
            (int(8), text(&self.support_end)),
            (int(9), int(self.not_before.as_second())),
            (int(10), int(self.expires.as_second())),
            (int(11), text(&self.registry)),
        ])
    }

    /// Deterministic CBOR bytes.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = ciborium::into_writer(&self.to_cbor_value(), &mut out);
        out
    }

    /// Parses claims from CBOR bytes, strictly.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, ShapeError> {
        let value: Value =
            ciborium::from_reader(bytes).map_err(|e| ShapeError(format!("not CBOR: {e}")))?;
        Self::from_cbor_value(&value)
    }

    /// Parses claims from a CBOR value, strictly.
    pub fn from_cbor_value(value: &Value) -> Result<Self, ShapeError> {
        let map = Fields::new(value, "claims", 11)?;
        let product = Fields::new(map.get(2)?, "product", 5)?;
        let profiles = match map.get(3)? {
            Value::Array(items) if !items.is_empty() && items.len() <= 16 => items
                .iter()
                .map(|v| as_text(v, "profile"))
                .collect::<Result<Vec<_>, _>>()?,
            _ => {
                return Err(ShapeError(
                    "key 3 (profiles) must be a non-empty array of text".into(),
                ));
            }
        };
        let digest = match map.get(7)? {
            Value::Bytes(b) if b.len() == 32 => hex::encode(b),
            _ => {
                return Err(ShapeError(
                    "key 7 (assessment digest) must be 32 bytes".into(),
                ));
            }
        };
        let level =
            u8::try_from(map.uint(4)?).map_err(|_| ShapeError("level out of range".into()))?;
        if !(1..=9).contains(&level) {
            return Err(ShapeError(format!("level {level} is not a label level")));
        }
        let score = u16::try_from(map.uint(5)?)
            .ok()
            .filter(|s| *s <= 1000)
            .ok_or_else(|| ShapeError("score must be 0..=1000 tenths".into()))?;
        let label_id = map
            .text(1)?
            .parse::<LabelId>()
            .map_err(|e| ShapeError(format!("label id: {e}")))?;
        Ok(LabelClaims {
            label_id,
            product: ProductIdentity {
                manufacturer: product.text(1)?,
                brand: product.text(2)?,
                model: product.text(3)?,
                hardware_version: product.text(4)?,
                software_version: product.text(5)?,
            },
            profiles,
            level,
            score_tenths: score,
            catalog: map.text(6)?,
            assessment_sha256: digest,
            support_end: map.text(8)?,
            not_before: map.time(9)?,
            expires: map.time(10)?,
            registry: map.text(11)?,
        })
    }
}

fn as_text(v: &Value, what: &str) -> Result<String, ShapeError> {
    match v {
        Value::Text(s) if s.len() <= MAX_TEXT => Ok(s.clone()),
        Value::Text(_) => Err(ShapeError(format!(
            "{what} is longer than {MAX_TEXT} bytes"
        ))),
        _ => Err(ShapeError(format!("{what} must be text"))),
    }
}

/// A CBOR map with integer keys 1..=n, each exactly once.
struct Fields<'a> {
    what: &'static str,
    entries: &'a [(Value, Value)],
}

impl<'a> Fields<'a> {
    fn new(v: &'a Value, what: &'static str, n: i64) -> Result<Self, ShapeError> {
        let Value::Map(entries) = v else {
            return Err(ShapeError(format!("{what} must be a map")));
        };
        let mut keys: Vec<i64> = Vec::new();
        for (k, _) in entries {
            let key = k
                .as_integer()
                .and_then(|i| i64::try_from(i).ok())
                .ok_or_else(|| ShapeError(format!("{what} has a key that is not an integer")))?;
            keys.push(key);
        }
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != keys.len() || sorted != (1..=n).collect::<Vec<_>>() {
            return Err(ShapeError(format!(
                "{what} must have exactly the keys 1..={n}, has {keys:?}"
            )));
        }
        Ok(Self { what, entries })
    }

    fn get(&self, key: i64) -> Result<&'a Value, ShapeError> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_integer().and_then(|i| i64::try_from(i).ok()) == Some(key))
            .map(|(_, v)| v)
            .ok_or_else(|| ShapeError(format!("{} has no key {key}", self.what)))
    }

    fn text(&self, key: i64) -> Result<String, ShapeError> {
        as_text(self.get(key)?, &format!("{} key {key}", self.what))
    }

    fn uint(&self, key: i64) -> Result<u64, ShapeError> {
        self.get(key)?
            .as_integer()
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| {
                ShapeError(format!(
                    "{} key {key} must be an unsigned integer",
                    self.what
                ))
            })
    }

    fn time(&self, key: i64) -> Result<Timestamp, ShapeError> {
        let s =
            i64::try_from(self.uint(key)?).map_err(|_| ShapeError("time out of range".into()))?;
        Timestamp::from_second(s)
            .map_err(|_| ShapeError(format!("{} key {key} is not a time", self.what)))
    }
}
