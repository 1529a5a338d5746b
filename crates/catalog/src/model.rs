//! The resolved catalogue: every reference checked, every short id resolved to a full one.
//!
//! These types serialise to the stable JSON shape that `iotlabel catalog export --format json`
//! writes (documented in `docs/json.md`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

use crate::condition::Condition;
use crate::id::ProvisionId;

/// Identity and version of a catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogMeta {
    /// Catalogue id, e.g. `iotlabel-baseline`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Semantic version; labels record it.
    pub version: semver::Version,
    /// Publication date (YYYY-MM-DD).
    pub published: String,
    /// Source that short ids resolve against first.
    pub default_source: String,
    /// Version of the default source that short ids resolve against first.
    pub default_version: String,
}

/// A product feature that decides applicability.
#[derive(Debug, Clone, Serialize)]
pub struct Feature {
    /// Feature id used in conditions and declarations.
    pub id: String,
    /// The lettered feature of EN 303 645 V3, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etsi_v3_letter: Option<String>,
    /// Short title.
    pub title: String,
    /// The question a manufacturer answers.
    pub question: String,
    /// Plain-language explanation.
    pub plain: String,
}

/// A standard that provisions come from.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Source id, e.g. `etsi-en-303-645`.
    pub id: String,
    /// Full title.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Where to find it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its versions.
    pub versions: Vec<SourceVersion>,
}

/// One version of a source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceVersion {
    /// Version string, e.g. `2.1.1`.
    pub version: String,
    /// Publication date (YYYY-MM).
    pub date: String,
    /// Publication status.
    pub status: String,
    /// Editorial note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A provision category (an EN 303 645 clause).
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    /// Clause number, e.g. `5.1`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Plain-language summary.
    pub plain: String,
}

/// Mandatory ("shall") or recommended ("should").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Modality {
    /// A requirement.
    #[serde(rename = "M")]
    Mandatory,
    /// A recommendation.
    #[serde(rename = "R")]
    Recommended,
}

impl Modality {
    /// `M` or `R`.
    pub fn letter(self) -> &'static str {
        match self {
            Modality::Mandatory => "M",
            Modality::Recommended => "R",
        }
    }
}

/// The kinds of evidence a claim can rest on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// The manufacturer's own statement.
    Declaration,
    /// A public document or URL (policy, manual, web page).
    Document,
    /// A software bill of materials.
    Sbom,
    /// A firmware or binary analysis report.
    FirmwareAnalysis,
    /// A network test report (scans, traffic analysis).
    NetworkTest,
    /// A test laboratory's report.
    LabReport,
}

impl EvidenceKind {
    /// Every kind, in a stable order.
    pub const ALL: [EvidenceKind; 6] = [
        EvidenceKind::Declaration,
        EvidenceKind::Document,
        EvidenceKind::Sbom,
        EvidenceKind::FirmwareAnalysis,
        EvidenceKind::NetworkTest,
        EvidenceKind::LabReport,
    ];

    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Declaration => "declaration",
            EvidenceKind::Document => "document",
            EvidenceKind::Sbom => "sbom",
            EvidenceKind::FirmwareAnalysis => "firmware-analysis",
            EvidenceKind::NetworkTest => "network-test",
            EvidenceKind::LabReport => "lab-report",
        }
    }
}

/// How a provision is verified, after ETSI TS 103 701.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationMethod {
    /// The design documentation shows the provision is met.
    Conceptual,
    /// The product, its services or the process behave as declared.
    Functional,
}

impl VerificationMethod {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationMethod::Conceptual => "conceptual",
            VerificationMethod::Functional => "functional",
        }
    }
}

/// What must satisfy a provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The device itself.
    Device,
    /// Its app, cloud or other associated services.
    AssociatedServices,
    /// The manufacturer's organisation and processes.
    Manufacturer,
}

impl Scope {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Device => "device",
            Scope::AssociatedServices => "associated-services",
            Scope::Manufacturer => "manufacturer",
        }
    }
}

fn serialize_condition<S: Serializer>(c: &Option<Condition>, s: S) -> Result<S::Ok, S::Error> {
    match c {
        Some(c) => s.collect_str(c),
        None => s.serialize_none(),
    }
}

/// A security provision.
#[derive(Debug, Clone, Serialize)]
pub struct Provision {
    /// Full id.
    pub id: ProvisionId,
    /// Category (clause).
    pub category: String,
    /// Short title.
    pub title: String,
    /// Mandatory or recommended.
    pub modality: Modality,
    /// EN 303 645 status notation: `M`, `R`, `M C` or `R C`.
    pub status: String,
    /// When it applies, as a predicate over features; `None` = always.
    #[serde(serialize_with = "serialize_condition")]
    pub condition: Option<Condition>,
    /// The condition in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_text: Option<String>,
    /// Technical statement.
    pub statement: String,
    /// Plain-language explanation.
    pub plain: String,
    /// Stories (incidents) that show why it matters.
    pub stories: Vec<String>,
    /// Evidence kinds that can support it.
    pub evidence: Vec<EvidenceKind>,
    /// How it is verified.
    pub verification: Vec<VerificationMethod>,
    /// What must satisfy it.
    pub scope: Vec<Scope>,
    /// Provisions of an earlier version that this one refines.
    pub replaces: Vec<ProvisionId>,
    /// Checks of declared facts that can make a `yes` claim fail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fact_checks: Vec<FactCheck>,
    /// Set when the engine decides the verdict from the declaration itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automatic: Option<Automatic>,
    /// Editorial note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Provision {
    /// Whether the provision is conditional ("M C" / "R C").
    pub fn is_conditional(&self) -> bool {
        self.condition.is_some()
    }
}

/// The kind of document a crosswalk maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CrosswalkKind {
    /// A law or regulation.
    Regulation,
    /// A standard.
    Standard,
    /// A guideline or baseline recommendation.
    Guideline,
    /// A certification or labelling scheme.
    LabelScheme,
    /// A review or report.
    Review,
}

/// How a crosswalk row relates to the provisions it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// The same obligation.
    Equivalent,
    /// The row asks less than the provisions.
    Subset,
    /// The row asks more; the provisions cover part of it.
    Superset,
    /// They overlap both ways.
    Partial,
    /// Same topic, different obligation.
    Related,
    /// Nothing in the catalogue covers it.
    None,
}

/// A group of crosswalk rows (a part, a chapter, a principle).
#[derive(Debug, Clone, Serialize)]
pub struct CrosswalkGroup {
    /// Group id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Plain-language summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plain: Option<String>,
}

/// One row of a crosswalk.
#[derive(Debug, Clone, Serialize)]
pub struct CrosswalkRow {
    /// Row id, unique within its crosswalk.
    pub id: String,
    /// How the source cites it.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Group id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Short title.
    pub title: String,
    /// Technical paraphrase.
    pub text: String,
    /// Plain-language explanation.
    pub plain: String,
    /// Provisions it maps to.
    pub provisions: Vec<ProvisionId>,
    /// How it relates to them.
    pub relation: Relation,
    /// Organisations the source cites for it (Table 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisations: Option<Vec<String>>,
    /// Why no provision covers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
    /// For a level of a label scheme: the iotlabel level whose evidence it also needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_level: Option<u8>,
    /// Editorial note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A mapping of another document's rows onto provisions.
#[derive(Debug, Clone, Serialize)]
pub struct Crosswalk {
    /// Crosswalk id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Formal reference.
    pub reference: String,
    /// Where to read the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Kind of source document.
    pub kind: CrosswalkKind,
    /// Publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Technical description.
    pub description: String,
    /// Plain-language description.
    pub plain: String,
    /// Groups.
    pub groups: Vec<CrosswalkGroup>,
    /// Rows.
    pub rows: Vec<CrosswalkRow>,
}

impl Crosswalk {
    /// A row by id.
    pub fn row(&self, id: &str) -> Option<&CrosswalkRow> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// A group by id.
    pub fn group(&self, id: &str) -> Option<&CrosswalkGroup> {
        self.groups.iter().find(|g| g.id == id)
    }
}

/// Kind of regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegimeKind {
    /// Binding law.
    Law,
    /// A label or certification scheme.
    Label,
    /// A standard.
    Standard,
}

/// Legal or publication status of a regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegimeStatus {
    /// In force.
    InForce,
    /// Adopted, not yet applicable in full.
    Adopted,
    /// Voluntary scheme in operation.
    Voluntary,
    /// No longer operated.
    Discontinued,
    /// A published standard.
    Published,
    /// A draft.
    Draft,
}

/// How a regime's outcome is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Met when every crosswalk row is met.
    AllRows,
    /// Reported row by row.
    PerRow,
    /// Rows are ordered levels; the highest fully met counts.
    Levels,
    /// Met when every applicable mandatory provision of a source passes.
    MandatoryProvisions,
}

/// A law, label or standard a product can be judged against.
#[derive(Debug, Clone, Serialize)]
pub struct Regime {
    /// Regime id.
    pub id: String,
    /// Short name.
    pub short: String,
    /// Full name.
    pub name: String,
    /// Where it applies.
    pub jurisdiction: String,
    /// Kind.
    pub kind: RegimeKind,
    /// Status.
    pub status: RegimeStatus,
    /// In force or published since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The crosswalk that decides it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crosswalk: Option<String>,
    /// How it is decided.
    pub decision: Decision,
    /// For `mandatory-provisions`: the source namespace (`source@version`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What compliance means, technically.
    pub compliance: String,
    /// What compliance means, plainly.
    pub plain: String,
}

/// A recommendation a profile makes mandatory, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct Raise {
    /// The provision raised.
    pub provision: ProvisionId,
    /// Why, technically.
    pub technical: String,
    /// Why, plainly.
    pub plain: String,
    /// The profile that raised it (itself or one it extends).
    pub by_profile: String,
}

/// A context profile: which provisions apply in a context, and which become mandatory there.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// Profile id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The context and its risks, technically.
    pub technical: String,
    /// The same, plainly.
    pub plain: String,
    /// The profile it extends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Regimes usually applying in this context.
    pub regimes: Vec<String>,
    /// Selected provisions, in catalogue order.
    pub provisions: Vec<ProvisionId>,
    /// Raised recommendations, inherited ones included.
    pub raises: Vec<Raise>,
}

impl Profile {
    /// Whether the profile selects a provision.
    pub fn selects(&self, id: &ProvisionId) -> bool {
        self.provisions.binary_search(id).is_ok()
    }

    /// The raise for a provision, if this profile (or a parent) raised it.
    pub fn raise(&self, id: &ProvisionId) -> Option<&Raise> {
        self.raises.iter().find(|r| &r.provision == id)
    }

    /// The modality a provision has in this profile.
    pub fn effective_modality(&self, provision: &Provision) -> Modality {
        if self.raise(&provision.id).is_some() {
            Modality::Mandatory
        } else {
            provision.modality
        }
    }
}

/// A real incident that shows why provisions matter.
#[derive(Debug, Clone, Serialize)]
pub struct Story {
    /// Story id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Year it happened.
    pub year: u16,
    /// What happened, plainly.
    pub plain: String,
    /// What failed, technically.
    pub technical: String,
    /// What would have prevented or limited it.
    pub lesson: String,
    /// Public sources.
    pub sources: Vec<String>,
}

/// A theme of the PETRAS international review.
#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    /// Theme id.
    pub id: String,
    /// Position in the review (1-10).
    pub number: u8,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Plain summary.
    pub plain: String,
    /// Key findings.
    pub findings: Vec<String>,
}

/// Kind of organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrganisationKind {
    /// An intergovernmental organisation.
    Intergovernmental,
    /// An EU institution.
    EuInstitution,
    /// An EU agency.
    EuAgency,
    /// An EU advisory body.
    EuAdvisoryBody,
    /// An industry alliance.
    IndustryAlliance,
    /// An industry association.
    IndustryAssociation,
    /// A standards body.
    StandardsBody,
    /// A professional association.
    ProfessionalAssociation,
    /// A forum.
    Forum,
    /// A regional association of states.
    RegionalAssociation,
}

/// A working group of an organisation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingGroup {
    /// Name as the organisation uses it.
    pub name: String,
    /// What it does.
    pub description: String,
}

/// A publication of an organisation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// Year published.
    pub year: u16,
    /// Title as published.
    pub title: String,
}

/// An organisation of the international review.
#[derive(Debug, Clone, Serialize)]
pub struct Organisation {
    /// Organisation id.
    pub id: String,
    /// Abbreviation as the review's tables write it.
    pub abbreviation: String,
    /// Full name.
    pub name: String,
    /// The organisation it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Kind.
    pub kind: OrganisationKind,
    /// Its role in IoT security.
    pub role: String,
    /// Themes it engages with (Table 1).
    pub themes: Vec<String>,
    /// Working groups.
    pub working_groups: Vec<WorkingGroup>,
    /// Publications.
    pub publications: Vec<Publication>,
}

/// Kind of research entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    /// An open question.
    OpenQuestion,
    /// A research need.
    ResearchNeed,
    /// A key message of the workshop.
    KeyMessage,
}

/// A research need, open question or key message.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: QuestionKind,
    /// Where in the reports it comes from.
    pub section: String,
    /// Technical text.
    pub text: String,
    /// Plain text.
    pub plain: String,
    /// Linked themes.
    pub themes: Vec<String>,
}

/// The shared knowledge space between technical and policy people.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Knowledge {
    /// Incidents.
    pub stories: Vec<Story>,
    /// Themes of the international review.
    pub themes: Vec<Theme>,
    /// Organisations of the international review.
    pub organisations: Vec<Organisation>,
    /// Research needs and open questions.
    pub questions: Vec<Question>,
}

/// A declared fact a level or a fact check can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fact {
    /// The support period's end date.
    SupportPeriodEnd,
    /// The URL of the vulnerability disclosure policy.
    VulnerabilityDisclosurePolicy,
    /// The contact for vulnerability reports.
    VulnerabilityDisclosureContact,
    /// How the product ships with respect to default passwords.
    DefaultPassword,
    /// How updates are delivered.
    UpdateDelivery,
    /// The product's sensing capabilities.
    Sensing,
    /// The product's personal-data practices.
    DataPractices,
}

/// A check of declared facts that can make a `yes` claim fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FactCheck {
    /// The product does not ship with a universal default password.
    NoUniversalPassword,
    /// The vulnerability disclosure policy's URL is given.
    VdpPublished,
    /// The support period's end is given and not in the past.
    SupportPeriodPublished,
    /// A product with the `sensing` feature lists its sensing capabilities.
    SensingDocumented,
    /// A product processing personal data lists its data practices.
    DataPracticesDocumented,
}

/// A provision whose verdict the engine derives from the declaration itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Automatic {
    /// Passes when every applicable recommendation answered no / not applicable is justified.
    Justifications,
}

/// The weights of the score.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Weight of a provision mandatory in the profile.
    pub mandatory_weight: u32,
    /// Weight of a recommendation.
    pub recommended_weight: u32,
}

/// What a level rule checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RuleKind {
    /// Each listed provision passes or does not apply.
    ProvisionsPass {
        /// The provisions.
        provisions: Vec<ProvisionId>,
    },
    /// The listed facts are declared.
    Facts {
        /// The facts.
        facts: Vec<Fact>,
    },
    /// Every applicable mandatory provision of the profile passes.
    MandatoryPass,
    /// Every applicable recommendation is answered and every no / not-applicable justified.
    RecommendationsAnswered,
    /// For each kind, evidence produced by an independent assessor.
    AssessorEvidence {
        /// The kinds, each required.
        evidence: Vec<EvidenceKind>,
    },
    /// No unresolved known-exploited vulnerability.
    NoKnownExploited,
    /// Every applicable mandatory provision verified functionally is covered by assessor
    /// evidence of one of these kinds.
    FunctionalCoverage {
        /// Accepted kinds.
        evidence: Vec<EvidenceKind>,
    },
}

/// One requirement of a level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelRule {
    /// What it checks.
    #[serde(flatten)]
    pub kind: RuleKind,
    /// Technical description.
    pub technical: String,
    /// Plain description.
    pub plain: String,
}

/// A label level.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    /// 1, 2, 3, ...
    pub number: u8,
    /// Name, e.g. "Essentials".
    pub name: String,
    /// Technical description.
    pub technical: String,
    /// Plain description.
    pub plain: String,
    /// Its rules (the levels below are implied).
    pub rules: Vec<LevelRule>,
}

/// Levels and scoring.
#[derive(Debug, Clone, Serialize)]
pub struct Levels {
    /// Score weights.
    pub scoring: Scoring,
    /// Levels, lowest first.
    pub levels: Vec<Level>,
}

impl Default for Levels {
    fn default() -> Self {
        Self {
            scoring: Scoring {
                mandatory_weight: 3,
                recommended_weight: 1,
            },
            levels: Vec::new(),
        }
    }
}
