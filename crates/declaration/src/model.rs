//! The declaration a manufacturer writes: what the product is, what is certified (a device, a
//! system or a process), the features that decide which provisions apply, its claims per
//! provision, structured facts, and the evidence behind them.
//!
//! Modelled on what ETSI TS 103 701 asks of a supplier: the implementation conformance
//! statement (claims: supported yes / no / not applicable, with justification) and the
//! implementation extra information for testing (the structured facts).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::dates::{Day, YearMonth};

/// The format identifier every declaration carries.
pub const FORMAT: &str = "iotlabel-declaration/1";

/// What is being certified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// One device (with the associated services it relies on, as EN 303 645 sees it).
    Device,
    /// A system of components (device, companion app, cloud service, hub), each with its own
    /// features and claims.
    System,
    /// The manufacturer's processes (vulnerability disclosure, secure development, updates),
    /// declared once and referenced by many products.
    Process,
}

/// A product declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// Always `iotlabel-declaration/1`.
    pub format: String,
    /// What is certified.
    pub scope: Scope,
    /// Context profiles that apply (catalogue profile ids), e.g. `["smart-home-security"]`.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// The catalogue version the declaration was written against (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_version: Option<String>,
    /// Who makes it.
    pub manufacturer: Manufacturer,
    /// What it is (not needed for a process declaration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Product>,
    /// Feature facts deciding applicability (catalogue feature ids to true/false).
    #[serde(default)]
    pub features: BTreeMap<String, bool>,
    /// How users and administrators authenticate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Authentication>,
    /// How software is updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<Updates>,
    /// The defined support period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<Support>,
    /// How vulnerabilities are reported and handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability_disclosure: Option<VulnerabilityDisclosure>,
    /// What personal data is processed, why, with whom it is shared, how long it is kept.
    #[serde(default, rename = "data_practice")]
    pub data_practices: Vec<DataPractice>,
    /// A process declaration this product relies on for manufacturer-wide provisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<ProcessRef>,
    /// Claims per provision.
    #[serde(default, rename = "claim")]
    pub claims: Vec<Claim>,
    /// Components of a system.
    #[serde(default, rename = "component")]
    pub components: Vec<Component>,
    /// Evidence items.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// The manufacturer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manufacturer {
    /// Registered legal name.
    pub legal_name: String,
    /// Postal address.
    pub address: String,
    /// Where security issues go (e-mail address or URL).
    pub security_contact: String,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// A product identifier such as a GTIN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    /// Identifier scheme: `gtin`, `mpn`, `sku`, `matter-vid-pid`, `cpe`, `purl`, ...
    pub scheme: String,
    /// The identifier.
    pub value: String,
}

/// The product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Brand name on the box.
    pub brand: String,
    /// Model name.
    pub model: String,
    /// Product category for browsing, e.g. `camera`, `smart-plug`, `router`, `toy`, `wearable`.
    pub category: String,
    /// Hardware version or revision.
    pub hardware_version: String,
    /// Software (firmware) version being certified.
    pub software_version: String,
    /// Product identifiers.
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
    /// What it is for, in a sentence.
    pub intended_use: String,
    /// External sensing capabilities (camera, microphone, location, motion, ...).
    #[serde(default)]
    pub sensing: Vec<String>,
    /// Firmware images of this software version, by digest (they become subjects of the
    /// label's in-toto statement).
    #[serde(default)]
    pub firmware: Vec<Artifact>,
}

/// A file identified by its digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Artifact {
    /// File name.
    pub name: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// How a product with a password ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DefaultPassword {
    /// No password is used at all.
    None,
    /// Each unit ships with its own password.
    UniquePerDevice,
    /// The user sets the password during setup; there is none before.
    UserDefined,
    /// All units share the same default password.
    Universal,
}

/// Authentication facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authentication {
    /// How users and administrators authenticate, in a sentence.
    pub mechanism: String,
    /// How the product ships with respect to passwords.
    pub default_password: DefaultPassword,
    /// Protection against guessing over the network (rate limiting, lockout), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brute_force_protection: Option<String>,
}

/// How updates reach the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// Over a network interface.
    Network,
    /// Through a local connection (USB, SD card, a phone nearby).
    Local,
    /// Not updatable.
    None,
}

/// Update facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Updates {
    /// How updates work, in a sentence (signing, verification, rollback).
    pub mechanism: String,
    /// How they are delivered.
    pub delivery: Delivery,
    /// Whether they install automatically by default.
    #[serde(default)]
    pub automatic: bool,
    /// Whether the device verifies a signature before installing.
    #[serde(default)]
    pub signed: bool,
}

/// The defined support period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Support {
    /// Last month of security updates (`YYYY-MM`, or a full date).
    pub period_end: YearMonth,
    /// Where the support period is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
}

/// Vulnerability disclosure facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityDisclosure {
    /// Where the policy is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_url: Option<String>,
    /// Where to report (e-mail address or URL).
    pub contact: String,
    /// Promised time to acknowledge a report, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge_within_days: Option<u32>,
    /// Promised interval of status updates until resolution, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_update_within_days: Option<u32>,
}

/// One personal-data practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataPractice {
    /// What data, e.g. "video recordings", "heart rate".
    pub data: String,
    /// What it is used for.
    pub purpose: String,
    /// Who else receives it (empty: nobody).
    #[serde(default)]
    pub shared_with: Vec<String>,
    /// How long it is kept.
    pub retention: String,
    /// How a user deletes it.
    pub deletion: String,
    /// Legal basis, e.g. "consent", "contract".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
}

/// A reference to the process declaration covering manufacturer-wide provisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessRef {
    /// Path of a process declaration, relative to this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Or the id of a registered process label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Whether a provision is supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Support3 {
    /// Implemented.
    Yes,
    /// Not implemented.
    No,
    /// Does not apply to this product.
    NotApplicable,
}

/// A claim about one provision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Provision id (`5.1-1` or a full id).
    pub provision: String,
    /// Whether it is supported.
    pub support: Support3,
    /// Why: required for every `no` and every `not-applicable` recommendation (EN 303 645 V3
    /// provision 5.0-1); useful for every claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// The kind of a system component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// The connected device itself.
    Device,
    /// A mobile or desktop app.
    CompanionApp,
    /// A cloud or backend service.
    CloudService,
    /// A hub or gateway.
    Hub,
}

/// A component of a system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Component id, unique in the declaration.
    pub id: String,
    /// Kind.
    pub kind: ComponentKind,
    /// Name.
    pub name: String,
    /// Its software version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    /// An existing label that covers this component, instead of repeating its claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Its features.
    #[serde(default)]
    pub features: BTreeMap<String, bool>,
    /// Its claims.
    #[serde(default, rename = "claim")]
    pub claims: Vec<Claim>,
}

/// What kind of evidence an item is (the catalogue's evidence kinds).
pub use iotlabel_catalog::model::EvidenceKind;

/// Who produced an evidence item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Producer {
    /// The manufacturer itself.
    #[serde(rename = "self")]
    Manufacturer,
    /// An independent assessor (named in `assessor`).
    Assessor,
}

/// An evidence item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Evidence id, unique in the declaration.
    pub id: String,
    /// Kind.
    #[schemars(with = "String")]
    pub kind: EvidenceKind,
    /// Title.
    pub title: String,
    /// File path, relative to the declaration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Or a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// SHA-256 of the file or of the document at the URL, lower-case hex.
    pub sha256: String,
    /// Who produced it.
    pub producer: Producer,
    /// The assessor's name, when `producer = "assessor"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// When it was produced.
    pub date: Day,
    /// Provisions it supports.
    pub provisions: Vec<String>,
    /// The component it is about, in a system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}
