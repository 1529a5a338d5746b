//! An assessor's attestation over evidence: the format a lab signs so that the registry can
//! grant levels 3 and 4.
//!
//! An in-toto Statement v1 in a DSSE envelope signed with the assessor's registered key:
//! the subject is the evidence file with its SHA-256; the predicate
//! (`https://iotlabel.org/attestations/evidence/v1`) names the assessor, the evidence kind,
//! the provisions it covers and the date.

use serde::{Deserialize, Serialize};

use crate::dsse::{self, Envelope, PAYLOAD_TYPE, STATEMENT_TYPE, Subject};
use crate::keys::KeyPair;

/// The predicate type of an evidence attestation.
pub const EVIDENCE_PREDICATE: &str = "https://iotlabel.org/attestations/evidence/v1";

/// What the assessor attests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidencePredicate {
    /// The assessor organisation, as registered.
    pub assessor: String,
    /// Evidence kind (`sbom`, `firmware-analysis`, `network-test`, `lab-report`, ...).
    pub kind: String,
    /// Provisions the evidence covers (catalogue ids).
    pub provisions: Vec<String>,
    /// Date of the work (YYYY-MM-DD).
    pub date: String,
}

/// The statement inside the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceStatement {
    /// [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// The evidence file.
    pub subject: Vec<Subject>,
    /// [`EVIDENCE_PREDICATE`].
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// What is attested.
    pub predicate: EvidencePredicate,
}

impl EvidenceStatement {
    /// A statement over one evidence file.
    pub fn new(name: &str, sha256: &str, predicate: EvidencePredicate) -> Self {
        Self {
            statement_type: STATEMENT_TYPE.to_owned(),
            subject: vec![Subject::sha256(name, sha256)],
            predicate_type: EVIDENCE_PREDICATE.to_owned(),
            predicate,
        }
    }

    /// The evidence digest it is about.
    pub fn evidence_sha256(&self) -> Option<&str> {
        self.subject
            .first()
            .and_then(|s| s.digest.get("sha256"))
            .map(String::as_str)
    }

    /// Signs it.
    pub fn sign(&self, key: &KeyPair) -> Envelope {
        let body = serde_json::to_vec(self).unwrap_or_default();
        dsse::sign_payload(PAYLOAD_TYPE, &body, key)
    }

    /// Parses the payload of an opened envelope and checks its types and digest.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let s: Self = serde_json::from_slice(body)
            .map_err(|e| format!("not an evidence attestation: {e}"))?;
        if s.statement_type != STATEMENT_TYPE || s.predicate_type != EVIDENCE_PREDICATE {
            return Err(format!(
                "statement type {} / predicate type {} is not an evidence attestation",
                s.statement_type, s.predicate_type
            ));
        }
        match s.evidence_sha256() {
            Some(d) if d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(s),
            _ => Err("the subject must carry the evidence's sha256".into()),
        }
    }
}
