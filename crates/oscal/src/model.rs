//! The subset of the OSCAL 1.1.2 JSON model that iotlabel writes.
//!
//! Hand-written serde types rather than a generated crate: we emit three document kinds and a
//! fraction of their fields, and the only Rust OSCAL crate (first published 2026) is young.
//! The test suite validates our output against NIST's reference models.

use serde::Serialize;

/// The OSCAL version our documents declare.
pub const OSCAL_VERSION: &str = "1.1.2";

/// A name/value property. `ns` marks our own vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Prop {
    /// Property name (a token).
    pub name: String,
    /// Its value (non-empty).
    pub value: String,
    /// Namespace URI for names outside OSCAL's own vocabulary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    /// Sub-classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// A hyperlink.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Link {
    /// Target URI reference.
    pub href: String,
    /// Relation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    /// Link text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Document metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metadata {
    /// Title.
    pub title: String,
    /// Last modification time (RFC 3339 with zone).
    pub last_modified: String,
    /// Document version.
    pub version: String,
    /// OSCAL version.
    pub oscal_version: String,
    /// Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Links.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Remarks (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// A textual part of a control or group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Part {
    /// Part id (a token).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Part name.
    pub name: String,
    /// Namespace of the name, when not OSCAL's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Prose (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prose: Option<String>,
}

/// A control (one provision).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Control {
    /// Control id (a token).
    pub id: String,
    /// Class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Title.
    pub title: String,
    /// Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Links.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Parts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

/// A group of controls.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Group {
    /// Group id (a token).
    pub id: String,
    /// Class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Title.
    pub title: String,
    /// Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Parts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// Nested groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// Controls.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
}

/// A link from a back-matter resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Rlink {
    /// Target.
    pub href: String,
    /// Media type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// A back-matter resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Resource {
    /// Resource UUID.
    pub uuid: String,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Links.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rlinks: Vec<Rlink>,
}

/// Back matter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct BackMatter {
    /// Resources.
    pub resources: Vec<Resource>,
}

/// An OSCAL catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Catalog {
    /// Document UUID.
    pub uuid: String,
    /// Metadata.
    pub metadata: Metadata,
    /// Groups.
    pub groups: Vec<Group>,
    /// Back matter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_matter: Option<BackMatter>,
}

/// `{"catalog": ...}`, the file's root.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogDocument {
    /// The catalog.
    pub catalog: Catalog,
}

/// Controls selected by id.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SelectControlById {
    /// The selected control ids.
    pub with_ids: Vec<String>,
}

/// A profile import.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Import {
    /// The imported catalog or profile.
    pub href: String,
    /// Controls included.
    pub include_controls: Vec<SelectControlById>,
}

/// How a profile merges its imports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Merge {
    /// Keep the catalog's structure.
    pub as_is: bool,
}

/// Content added to a control by a profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Add {
    /// Where to add.
    pub position: String,
    /// Properties added.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Parts added.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

/// An alteration of one control.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Alter {
    /// The control altered.
    pub control_id: String,
    /// What is added.
    pub adds: Vec<Add>,
}

/// Profile modifications.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Modify {
    /// Alterations.
    pub alters: Vec<Alter>,
}

/// An OSCAL profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Profile {
    /// Document UUID.
    pub uuid: String,
    /// Metadata.
    pub metadata: Metadata,
    /// Imports.
    pub imports: Vec<Import>,
    /// Merge directive.
    pub merge: Merge,
    /// Modifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modify: Option<Modify>,
    /// Back matter.
    pub back_matter: BackMatter,
}

/// `{"profile": ...}`, the file's root.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileDocument {
    /// The profile.
    pub profile: Profile,
}

/// `import-ap`: the assessment plan the results belong to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ImportAp {
    /// Reference to the plan.
    pub href: String,
}

/// One control named in a selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ControlRef {
    /// Control id.
    pub control_id: String,
}

/// A selection of controls.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ControlSelection {
    /// Included controls.
    pub include_controls: Vec<ControlRef>,
}

/// The controls an assessment reviewed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ReviewedControls {
    /// Selections.
    pub control_selections: Vec<ControlSelection>,
}

/// Evidence relevant to an observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RelevantEvidence {
    /// Where it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// What it is.
    pub description: String,
    /// Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
}

/// An observation (here: one evidence item examined).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Observation {
    /// UUID.
    pub uuid: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// EXAMINE, INTERVIEW, TEST or UNKNOWN.
    pub methods: Vec<String>,
    /// Evidence.
    pub relevant_evidence: Vec<RelevantEvidence>,
    /// When it was collected.
    pub collected: String,
}

/// A finding's status.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FindingStatus {
    /// satisfied or not-satisfied.
    pub state: String,
    /// pass, fail or other.
    pub reason: String,
    /// Remarks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FindingTarget {
    /// statement-id or objective-id.
    #[serde(rename = "type")]
    pub kind: String,
    /// The statement or objective.
    pub target_id: String,
    /// Status.
    pub status: FindingStatus,
}

/// A link from a finding to an observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RelatedObservation {
    /// The observation.
    pub observation_uuid: String,
}

/// A finding (here: one provision's verdict).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Finding {
    /// UUID.
    pub uuid: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Target.
    pub target: FindingTarget,
    /// Related observations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_observations: Vec<RelatedObservation>,
}

/// One set of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentResultSet {
    /// UUID.
    pub uuid: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Start time.
    pub start: String,
    /// Properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    /// Controls reviewed.
    pub reviewed_controls: ReviewedControls,
    /// Observations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
    /// Findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// OSCAL assessment results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentResults {
    /// Document UUID.
    pub uuid: String,
    /// Metadata.
    pub metadata: Metadata,
    /// The plan.
    pub import_ap: ImportAp,
    /// Results.
    pub results: Vec<AssessmentResultSet>,
    /// Back matter.
    pub back_matter: BackMatter,
}

/// `{"assessment-results": ...}`, the file's root.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentResultsDocument {
    /// The results.
    #[serde(rename = "assessment-results")]
    pub assessment_results: AssessmentResults,
}
