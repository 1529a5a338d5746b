//! The API's documents. They are the public contract, kept apart from the registry's storage
//! records so that either can change without breaking the other.

use iotlabel_registry::{LabelRecord, LabelStatus, StatusEvent};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Seconds since the epoch as RFC 3339.
pub fn time(seconds: i64) -> String {
    Timestamp::from_second(seconds).map_or_else(|_| seconds.to_string(), |t| t.to_string())
}

/// A labelled product version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Product {
    /// Product id (stable across versions).
    pub id: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Brand.
    pub brand: String,
    /// Model.
    pub model: String,
    /// Product category.
    pub category: String,
    /// Hardware version.
    pub hardware_version: String,
    /// Software version the label covers.
    pub software_version: String,
}

/// Where to fetch a label's parts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelLinks {
    /// Human-readable page (the QR code's target).
    pub page: String,
    /// The signed statement (COSE_Sign1, `application/cose`).
    pub statement: String,
    /// Its DSSE/in-toto twin.
    pub envelope: String,
    /// A short-lived signed status token (COSE).
    pub status_token: String,
    /// Status history.
    pub events: String,
    /// Offline inclusion proof of the issuance (C2SP tlog-proof).
    pub proof: String,
    /// COSE receipt of the issuance (RFC 9942).
    pub receipt: String,
    /// The statement with its receipt attached (a SCITT transparent statement).
    pub transparent_statement: String,
    /// The declaration as submitted.
    pub declaration: String,
    /// Known vulnerabilities of the product version, in plain words and in detail.
    pub vulnerabilities: String,
}

/// The known-exploited rule's flag on a label.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExploitedFlag {
    /// When the label was flagged (RFC 3339).
    pub flagged_at: String,
    /// When it will be suspended unless the vulnerabilities are fixed (RFC 3339).
    pub suspend_at: Option<String>,
}

/// A label.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Label {
    /// Label id (Crockford base32 with a check digit).
    pub id: String,
    /// Status now (a label past its validity reads `expired` even before the registry's sweep).
    #[schema(value_type = String, example = "active")]
    pub status: LabelStatus,
    /// Why it has that status.
    pub status_reason: Option<String>,
    /// Since when (RFC 3339).
    pub status_since: String,
    /// The product version.
    pub product: Product,
    /// Label level (1-4).
    pub level: u8,
    /// Issued (RFC 3339).
    pub issued_at: String,
    /// Valid from.
    pub not_before: String,
    /// Valid until.
    pub expires_at: String,
    /// The declared end of security updates (`YYYY-MM`).
    pub support_end: String,
    /// Catalogue version it was assessed against.
    pub catalog_version: String,
    /// Set when a catalogue change started a grace period: the label lapses then unless the
    /// manufacturer declares again.
    pub lapses_at: Option<String>,
    /// Set when a known exploited vulnerability (CISA KEV) affects the product version and is
    /// neither fixed nor justified as not affecting it.
    pub exploited_vulnerability_flag: Option<ExploitedFlag>,
    /// Whether the renewal window has opened.
    pub renewal_open: bool,
    /// The label that replaced this one.
    pub superseded_by: Option<String>,
    /// Signing key id.
    pub key_id: String,
    /// Log index of the issuance entry.
    pub log_index: u64,
    /// SHA-256 of the declaration.
    pub declaration_sha256: String,
    /// Links.
    pub links: LabelLinks,
}

impl Label {
    /// The API view of a record at `now`.
    pub fn new(
        r: LabelRecord,
        status: LabelStatus,
        renewal_window_days: i64,
        base: &str,
        now: Timestamp,
    ) -> Self {
        let api = format!("{base}/api/v1/labels/{}", r.id);
        Self {
            links: LabelLinks {
                page: format!("{base}/L/{}", r.id),
                statement: format!("{api}/statement"),
                envelope: format!("{api}/envelope"),
                status_token: format!("{api}/status-token"),
                events: format!("{api}/events"),
                proof: format!("{api}/proof"),
                receipt: format!("{api}/receipt"),
                transparent_statement: format!("{api}/transparent-statement"),
                declaration: format!("{base}/api/v1/declarations/{}", r.declaration_sha256),
                vulnerabilities: format!("{api}/vulnerabilities"),
            },
            exploited_vulnerability_flag: r.vuln_flagged_at.map(|flagged| ExploitedFlag {
                flagged_at: time(flagged),
                suspend_at: r.vuln_deadline.map(time),
            }),
            renewal_open: !status.is_final()
                && r.expires_at - now.as_second() <= renewal_window_days * 86_400,
            id: r.id,
            status,
            status_reason: r.status_reason,
            status_since: time(r.status_since),
            product: Product {
                id: r.product_id,
                manufacturer: r.manufacturer,
                brand: r.brand,
                model: r.model,
                category: r.category,
                hardware_version: r.hardware_version,
                software_version: r.software_version,
            },
            level: r.level,
            issued_at: time(r.issued_at),
            not_before: time(r.not_before),
            expires_at: time(r.expires_at),
            support_end: r.support_end,
            catalog_version: r.catalog_version,
            lapses_at: r.lapses_at.map(time),
            superseded_by: r.superseded_by,
            key_id: r.key_id,
            log_index: r.log_index,
            declaration_sha256: r.declaration_sha256,
        }
    }
}

/// A label's status, for apps and retailers that check often.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Status {
    /// Label id.
    pub label_id: String,
    /// Status now.
    #[schema(value_type = String, example = "active")]
    pub status: LabelStatus,
    /// Why, when not active.
    pub reason: Option<String>,
    /// Since when.
    pub since: String,
    /// Level.
    pub level: u8,
    /// Valid until.
    pub expires_at: String,
}

/// One status change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    /// Log index of the entry recording it.
    pub log_index: u64,
    /// Previous status (absent at issuance).
    #[schema(value_type = Option<String>)]
    pub from: Option<LabelStatus>,
    /// New status.
    #[schema(value_type = String)]
    pub to: LabelStatus,
    /// Who: an account name, or `registry`.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// When.
    pub at: String,
}

impl From<StatusEvent> for Event {
    fn from(e: StatusEvent) -> Self {
        Self {
            log_index: e.log_index,
            from: e.from,
            to: e.to,
            actor: e.actor,
            reason: e.reason,
            at: time(e.at),
        }
    }
}

/// A page of results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelPage {
    /// The labels.
    pub items: Vec<Label>,
    /// How many match in all.
    pub total: u64,
    /// Page size.
    pub limit: u32,
    /// Offset of the first item.
    pub offset: u32,
    /// The next page's URL, if there is one.
    pub next: Option<String>,
}

/// Search parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LabelSearch {
    /// Words matched against manufacturer, brand and model.
    pub q: Option<String>,
    /// Manufacturer (exact, case-insensitive).
    pub manufacturer: Option<String>,
    /// Product category.
    pub category: Option<String>,
    /// Catalogue profile the label was assessed under (e.g. `consumer-baseline`).
    pub profile: Option<String>,
    /// Minimum level.
    pub min_level: Option<u8>,
    /// Status.
    pub status: Option<String>,
    /// Support period ending in or after this month (`YYYY-MM`).
    pub support_until: Option<String>,
    /// Page size (1-100, default 20).
    pub limit: Option<u32>,
    /// Offset.
    pub offset: Option<u32>,
}

/// A product with every labelled version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductLabels {
    /// Product id.
    pub id: String,
    /// Labels of its versions, newest first.
    pub labels: Vec<Label>,
}

/// An inclusion proof.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InclusionProof {
    /// Entry index.
    pub index: u64,
    /// Tree size the proof is for.
    pub tree_size: u64,
    /// The entry's leaf hash (base64).
    pub leaf_hash: String,
    /// Path hashes (base64), leaf to root.
    pub proof: Vec<String>,
    /// The signed checkpoint of `tree_size` (C2SP signed note).
    pub checkpoint: String,
}

/// A consistency proof.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsistencyProof {
    /// The older size.
    pub old_size: u64,
    /// The newer size.
    pub new_size: u64,
    /// Proof hashes (base64).
    pub proof: Vec<String>,
    /// The signed checkpoint of `new_size`.
    pub checkpoint: String,
}

/// A log entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogEntry {
    /// Index.
    pub index: u64,
    /// Leaf hash (base64): SHA-256 of 0x00 followed by the bytes in `data`.
    pub leaf_hash: String,
    /// The entry's exact bytes (base64), as hashed into the tree.
    pub data: String,
    /// The same entry parsed, for reading.
    #[schema(value_type = Object)]
    pub entry: serde_json::Value,
}

/// Inclusion proof query.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// Entry index.
    pub index: u64,
    /// Tree size (default: the latest checkpoint).
    pub size: Option<u64>,
}

/// Consistency proof query.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The older tree size.
    pub old: u64,
    /// The newer size (default: the latest checkpoint).
    pub new: Option<u64>,
}

/// A public key the registry knows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Key {
    /// Key id (RFC 7638 thumbprint).
    pub id: String,
    /// `issuer` or `assessor`.
    pub role: String,
    /// Holder.
    pub name: String,
    /// Ed25519 public key, base64url.
    pub public_key: String,
    /// Valid from.
    pub valid_from: String,
    /// Retired at.
    pub valid_until: Option<String>,
}

/// The registry's keys and the log's identity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Keys {
    /// Log origin (first line of every checkpoint).
    pub log_origin: String,
    /// Checkpoint verifier key (C2SP signed-note vkey).
    pub log_verifier_key: String,
    /// Issuer and assessor keys with their validity.
    pub keys: Vec<Key>,
}

/// A declaration to submit.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The declaration, as TOML or JSON text.
    pub declaration: String,
    /// `toml` (default) or `json`.
    pub format: Option<String>,
    /// The process declaration it references, if any.
    pub process: Option<String>,
}

/// What a submission produced.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionResult {
    /// False when the same declaration had been labelled before.
    pub created: bool,
    /// The label.
    pub label: Label,
    /// Labels it superseded.
    pub superseded: Vec<String>,
    /// The assessment (an iotlabel assessment result).
    #[schema(value_type = Object)]
    pub assessment: serde_json::Value,
}

/// A stored blob's digest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Stored {
    /// SHA-256, hex.
    pub sha256: String,
}

/// An attestation registered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attested {
    /// Attestation id (SHA-256 of the envelope).
    pub id: String,
}

/// A new organisation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    /// Legal name (as manufacturers write it in declarations).
    pub name: String,
    /// `manufacturer`, `assessor` or `operator`.
    pub kind: String,
    /// Security contact (e.g. a mailbox or URL).
    pub security_contact: Option<String>,
}

/// A new account.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// Account name.
    pub name: String,
}

/// A new assessor key.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// A name for it.
    pub name: String,
    /// Ed25519 public key, base64url (32 bytes).
    pub public_key: String,
}

/// Something created, with its id.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Created {
    /// Id.
    pub id: String,
}

/// A new account's token, shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Token {
    /// Bearer token; store it now, the registry keeps only its hash.
    pub token: String,
}

/// A lifecycle action.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// `suspend`, `reinstate` or `revoke`.
    pub action: String,
    /// Why (shown publicly and logged).
    pub reason: String,
}

/// Labels the sweep changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Swept {
    /// Label ids.
    pub changed: Vec<String>,
}

/// The caller.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WhoAmI {
    /// Account id.
    pub id: String,
    /// Account name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// Role.
    pub role: String,
}
