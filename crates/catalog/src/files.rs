//! The TOML files as written, before references are checked.
//!
//! Fields that refer to other entries keep their byte span so that an error can name the line
//! where the bad reference is. Unknown keys are rejected: a misspelt key must not silently drop
//! data from a catalogue that labels depend on.

use serde::Deserialize;
use toml::Spanned;

use crate::model::{
    Automatic, CrosswalkKind, Decision, EvidenceKind, Fact, FactCheck, Modality, OrganisationKind,
    Publication, QuestionKind, RegimeKind, RegimeStatus, Relation, Scope, VerificationMethod,
    WorkingGroup,
};

pub(crate) type S = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogFile {
    pub id: String,
    pub title: String,
    pub version: S,
    pub published: S,
    pub default_source: S,
    pub default_version: S,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FeaturesFile {
    #[serde(default)]
    pub feature: Vec<RawFeature>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFeature {
    pub id: S,
    pub etsi_v3_letter: Option<String>,
    pub title: String,
    pub question: String,
    pub plain: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourcesFile {
    #[serde(default)]
    pub source: Vec<RawSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub id: S,
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    #[serde(default)]
    pub version: Vec<RawSourceVersion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSourceVersion {
    pub version: S,
    pub date: String,
    pub status: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CategoriesFile {
    #[serde(default)]
    pub category: Vec<RawCategory>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCategory {
    pub id: S,
    pub title: String,
    pub plain: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProvisionFile {
    pub source: S,
    pub version: S,
    #[serde(default)]
    pub provision: Vec<RawProvision>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProvision {
    pub id: S,
    pub category: S,
    pub title: String,
    pub modality: Modality,
    pub condition: Option<S>,
    pub condition_text: Option<String>,
    pub statement: String,
    pub plain: String,
    #[serde(default)]
    pub stories: Vec<S>,
    pub evidence: Vec<EvidenceKind>,
    pub verification: Vec<VerificationMethod>,
    pub scope: Vec<Scope>,
    #[serde(default)]
    pub replaces: Vec<S>,
    #[serde(default)]
    pub fact_checks: Vec<FactCheck>,
    pub automatic: Option<Automatic>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CrosswalkFile {
    pub crosswalk: RawCrosswalkHeader,
    #[serde(default)]
    pub group: Vec<RawGroup>,
    #[serde(default)]
    pub row: Vec<RawRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCrosswalkHeader {
    pub id: S,
    pub title: String,
    pub publisher: String,
    pub reference: String,
    pub url: Option<String>,
    pub kind: CrosswalkKind,
    pub published: Option<String>,
    pub description: String,
    pub plain: String,
    /// How many rows the source document has; when given, `catalog check` insists on exactly
    /// that many so that a dropped row cannot go unnoticed.
    pub expected_rows: Option<Spanned<usize>>,
    /// How many groups the source document has.
    pub expected_groups: Option<Spanned<usize>>,
    /// Whether every row must say which organisations the source cites for it.
    #[serde(default)]
    pub cites_organisations: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGroup {
    pub id: S,
    pub title: String,
    pub plain: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRow {
    pub id: S,
    #[serde(rename = "ref")]
    pub reference: String,
    pub group: Option<S>,
    pub title: String,
    pub text: String,
    pub plain: String,
    #[serde(default)]
    pub provisions: Vec<S>,
    pub relation: Spanned<Relation>,
    pub organisations: Option<Vec<S>>,
    pub gap: Option<String>,
    pub requires_level: Option<Spanned<u8>>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegimesFile {
    #[serde(default)]
    pub regime: Vec<RawRegime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegime {
    pub id: S,
    pub short: String,
    pub name: String,
    pub jurisdiction: String,
    pub kind: RegimeKind,
    pub status: RegimeStatus,
    pub since: Option<String>,
    pub crosswalk: Option<S>,
    pub decision: Decision,
    pub source: Option<S>,
    pub compliance: String,
    pub plain: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileFile {
    pub profile: RawProfileHeader,
    #[serde(default)]
    pub raise: Vec<RawRaise>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProfileHeader {
    pub id: S,
    pub title: String,
    pub technical: String,
    pub plain: String,
    pub extends: Option<S>,
    #[serde(default)]
    pub include: Vec<S>,
    #[serde(default)]
    pub exclude: Vec<S>,
    #[serde(default)]
    pub regimes: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRaise {
    pub provision: S,
    pub technical: String,
    pub plain: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoriesFile {
    #[serde(default)]
    pub story: Vec<RawStory>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStory {
    pub id: S,
    pub title: String,
    pub year: u16,
    pub plain: String,
    pub technical: String,
    pub lesson: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThemesFile {
    #[serde(default)]
    pub theme: Vec<RawTheme>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTheme {
    pub id: S,
    pub number: u8,
    pub title: String,
    pub summary: String,
    pub plain: String,
    #[serde(default)]
    pub findings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganisationsFile {
    #[serde(default)]
    pub organisation: Vec<RawOrganisation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOrganisation {
    pub id: S,
    pub abbreviation: String,
    pub name: String,
    pub parent: Option<S>,
    pub kind: OrganisationKind,
    pub role: String,
    #[serde(default)]
    pub themes: Vec<S>,
    #[serde(default)]
    pub working_groups: Vec<WorkingGroup>,
    #[serde(default)]
    pub publications: Vec<Publication>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResearchFile {
    #[serde(default)]
    pub question: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestion {
    pub id: S,
    pub kind: QuestionKind,
    pub section: String,
    pub text: String,
    pub plain: String,
    #[serde(default)]
    pub themes: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LevelsFile {
    pub scoring: crate::model::Scoring,
    #[serde(default)]
    pub level: Vec<RawLevel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevel {
    pub number: Spanned<u8>,
    pub name: String,
    pub technical: String,
    pub plain: String,
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawRuleKind {
    ProvisionsPass,
    Facts,
    MandatoryPass,
    RecommendationsAnswered,
    AssessorEvidence,
    NoKnownExploited,
    FunctionalCoverage,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub kind: Spanned<RawRuleKind>,
    #[serde(default)]
    pub provisions: Vec<S>,
    #[serde(default)]
    pub facts: Vec<Fact>,
    #[serde(default)]
    pub evidence: Vec<EvidenceKind>,
    pub technical: String,
    pub plain: String,
}
