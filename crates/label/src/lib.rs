//! Signed iotlabel labels.
//!
//! A label is a signed statement about an assessed product that anyone can verify offline:
//! a COSE_Sign1 shaped as an IETF SCITT signed statement ([`cose`]), with a JSON twin for
//! supply-chain tooling (an in-toto Statement v1 in a DSSE envelope, [`dsse`]), both signed
//! with the same Ed25519 key ([`keys`]) that a trust file ([`trust`]) lists with its role and
//! validity. Label ids ([`label_id`]) are short, case-insensitive and typo-checked.
//!
//! This crate knows nothing of assessments or the registry: it signs and checks claims.

pub mod attestation;
pub mod claims;
pub mod cose;
pub mod dsse;
pub mod issue;
pub mod keys;
pub mod label_id;
pub mod status;
pub mod trust;
pub mod verify;

pub use claims::{LabelClaims, ProductIdentity};
pub use issue::{IssueError, IssueRequest, Issued, Policy, issue};
pub use keys::{KeyError, KeyPair};
pub use label_id::LabelId;
pub use trust::{Role, TrustFile, TrustedKey};
pub use verify::{Verified, VerifyError, verify_cose, verify_dsse, verify_token};
