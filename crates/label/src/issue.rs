//! Issuing a label: validity, id, and the two signed encodings.

use jiff::{Timestamp, ToSpan, civil::Date, tz::TimeZone};

use crate::claims::{LabelClaims, ProductIdentity};
use crate::dsse::{self, Envelope, Subject};
use crate::keys::KeyPair;
use crate::label_id::LabelId;
use crate::verify;

/// What the scheme decides about labels.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Longest validity, in months (default 36: three years, as Singapore's CLS caps it).
    pub max_validity_months: i32,
    /// Base URL of the registry (the QR code points there).
    pub registry: String,
    /// Issuer name in the statements (`iss`).
    pub issuer: String,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_validity_months: 36,
            registry: "https://registry.iotlabel.example".into(),
            issuer: "https://registry.iotlabel.example".into(),
        }
    }
}

/// What an assessment says, for a label.
#[derive(Debug, Clone)]
pub struct IssueRequest {
    /// The product.
    pub product: ProductIdentity,
    /// Profiles assessed against.
    pub profiles: Vec<String>,
    /// Level reached.
    pub level: u8,
    /// Score in tenths.
    pub score_tenths: u16,
    /// Catalogue `id@version`.
    pub catalog: String,
    /// SHA-256 (hex) of the assessment result.
    pub assessment_sha256: String,
    /// The support period's end as declared (`YYYY-MM` or a date).
    pub support_end: String,
    /// Its last day.
    pub support_last_day: Date,
    /// In-toto subjects: the product and its firmware and SBOM digests.
    pub subjects: Vec<Subject>,
}

/// Why a label cannot be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    /// The assessment reached no level.
    #[error("the assessment reaches no label level; fix what `iotlabel assess` lists first")]
    NoLevel,
    /// The support period has ended.
    #[error("the support period ended on {0}; a label would already be expired")]
    SupportEnded(Date),
    /// A date computation overflowed.
    #[error("cannot compute the validity: {0}")]
    Date(String),
}

/// A freshly issued label.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The claims.
    pub claims: LabelClaims,
    /// The COSE_Sign1 statement.
    pub cose: Vec<u8>,
    /// The DSSE twin.
    pub envelope: Envelope,
    /// The statement as a QR token (`IL1:` + base45).
    pub token: String,
    /// The URL the QR code carries (upper case, for QR alphanumeric mode).
    pub qr_url: String,
}

/// The start of the day after `d`, UTC: a label valid "until d" is valid all of that day.
fn end_of(d: Date) -> Result<Timestamp, IssueError> {
    let next = d.tomorrow().map_err(|e| IssueError::Date(e.to_string()))?;
    next.to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| IssueError::Date(e.to_string()))
}

/// Validity = from now until min(end of support period, now + the scheme's maximum).
pub fn validity(
    now: Timestamp,
    support_last_day: Date,
    policy: &Policy,
) -> Result<(Timestamp, Timestamp), IssueError> {
    let today = now.to_zoned(TimeZone::UTC).date();
    if support_last_day < today {
        return Err(IssueError::SupportEnded(support_last_day));
    }
    let cap_day = today
        .checked_add(policy.max_validity_months.months())
        .map_err(|e| IssueError::Date(e.to_string()))?;
    let expires = end_of(support_last_day.min(cap_day))?;
    Ok((now, expires))
}

/// The URL a QR code carries for a label: upper case so it fits alphanumeric mode.
pub fn qr_url(registry: &str, id: &LabelId) -> String {
    format!("{}/L/{}", registry.trim_end_matches('/'), id).to_uppercase()
}

/// Issues a label.
pub fn issue(
    req: &IssueRequest,
    key: &KeyPair,
    policy: &Policy,
    now: Timestamp,
) -> Result<Issued, IssueError> {
    if req.level == 0 {
        return Err(IssueError::NoLevel);
    }
    let (not_before, expires) = validity(now, req.support_last_day, policy)?;
    let id_seed = format!("{}|{}|{}", req.assessment_sha256, key.id(), now.as_second());
    let label_id = LabelId::from_bytes(id_seed.as_bytes());
    let claims = LabelClaims {
        label_id: label_id.clone(),
        product: req.product.clone(),
        profiles: req.profiles.clone(),
        level: req.level,
        score_tenths: req.score_tenths,
        catalog: req.catalog.clone(),
        assessment_sha256: req.assessment_sha256.clone(),
        support_end: req.support_end.clone(),
        not_before,
        expires,
        registry: policy.registry.clone(),
    };
    let cose = crate::cose::sign(&claims, key, &policy.issuer, now);
    let envelope = dsse::sign(&claims, req.subjects.clone(), key, &policy.issuer, now);
    Ok(Issued {
        token: verify::token(&cose),
        qr_url: qr_url(&policy.registry, &label_id),
        claims,
        cose,
        envelope,
    })
}
