//! The assessment result: a stable JSON shape (docs/json.md), ordered by the catalogue so that
//! the same inputs serialise to the same bytes.

use iotlabel_catalog::ProvisionId;
use iotlabel_catalog::model::{EvidenceKind, Modality};
use iotlabel_declaration::Integrity;
use iotlabel_declaration::model::{Producer, Scope};
use serde::{Deserialize, Serialize, Serializer};

/// The verdict on one provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Not met.
    Fail,
    /// Claimed, but the evidence it needs is missing or does not match.
    Unverified,
    /// Not answered, or applicability undecidable.
    Inconclusive,
    /// Met.
    Pass,
    /// Does not apply.
    NotApplicable,
}

impl Verdict {
    /// Every verdict, worst first.
    pub const ALL: [Verdict; 5] = [
        Verdict::Fail,
        Verdict::Unverified,
        Verdict::Inconclusive,
        Verdict::Pass,
        Verdict::NotApplicable,
    ];

    /// The name used in JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fail => "fail",
            Verdict::Unverified => "unverified",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Pass => "pass",
            Verdict::NotApplicable => "not-applicable",
        }
    }
}

/// A statement in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// For an engineer or a lab.
    pub technical: String,
    /// For everyone else.
    pub plain: String,
}

impl Text {
    /// Builds a text.
    pub fn new(technical: impl Into<String>, plain: impl Into<String>) -> Self {
        Self {
            technical: technical.into(),
            plain: plain.into(),
        }
    }
}

/// A score from 0 to 100 kept in tenths, so it serialises identically everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(pub u16);

impl Score {
    /// From passed and counted weights; `None` when nothing counts.
    pub fn from_weights(passed: u64, counted: u64) -> Option<Self> {
        // Round half up to one decimal: tenths = round(1000 * passed / counted).
        (counted > 0).then(|| {
            let tenths = (passed * 2000 + counted) / (2 * counted);
            Score(u16::try_from(tenths).unwrap_or(1000))
        })
    }

    /// The score as a number, e.g. 87.5.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.value())
    }
}

/// Stored results are read back (the registry's pages, OSCAL export of a stored assessment).
impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(d)?;
        if !(0.0..=100.0).contains(&value) {
            return Err(serde::de::Error::custom(format!(
                "score {value} is outside 0-100"
            )));
        }
        // In range, so the rounded tenths fit in u16.
        Ok(Score((value * 10.0).round() as u16))
    }
}

/// Counts of verdicts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Passed.
    pub pass: u32,
    /// Failed.
    pub fail: u32,
    /// Unverified.
    pub unverified: u32,
    /// Inconclusive.
    pub inconclusive: u32,
    /// Not applicable.
    pub not_applicable: u32,
}

impl Counts {
    /// Adds one verdict.
    pub fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Pass => self.pass += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::Unverified => self.unverified += 1,
            Verdict::Inconclusive => self.inconclusive += 1,
            Verdict::NotApplicable => self.not_applicable += 1,
        }
    }
}

/// The verdict of one component of a system on a provision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentVerdict {
    /// Component id (`system` for system-wide provisions).
    pub component: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// Why.
    pub reason: Text,
}

/// The claim the verdict rests on, as declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimSummary {
    /// `yes`, `no` or `not-applicable`.
    pub support: String,
    /// The justification given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Where it was declared: `product`, `process` or a component id.
    pub declared_in: String,
}

/// The outcome for one provision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionResult {
    /// Provision id.
    pub id: ProvisionId,
    /// Title.
    pub title: String,
    /// Category.
    pub category: String,
    /// Modality in the assessed profiles.
    pub modality: Modality,
    /// Whether a profile raised it from recommendation to mandatory.
    pub raised: bool,
    /// The verdict.
    pub verdict: Verdict,
    /// Why this verdict.
    pub reason: Text,
    /// What to do, for verdicts other than pass and not-applicable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Text>,
    /// The claim, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<ClaimSummary>,
    /// Evidence items supporting it.
    pub evidence: Vec<String>,
    /// Per component, for systems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentVerdict>,
}

/// One evidence item as the assessment saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    /// Evidence id (process evidence is prefixed `process:`).
    pub id: String,
    /// Kind.
    pub kind: EvidenceKind,
    /// Title.
    pub title: String,
    /// Who produced it.
    pub producer: Producer,
    /// The assessor, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// Declared SHA-256.
    pub sha256: String,
    /// Whether the content matches.
    pub integrity: Integrity,
    /// Whether an assessor's attestation over it was verified.
    pub attested: bool,
    /// Path or URL.
    pub location: String,
}

/// Digests and context of everything the result depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    /// SHA-256 of the declaration.
    pub declaration_sha256: String,
    /// SHA-256 of the process declaration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_sha256: Option<String>,
    /// The date the assessment was made for.
    pub date: String,
    /// Evidence items.
    pub evidence: Vec<EvidenceRecord>,
    /// Labels referenced by components: id and status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<(String, String)>,
    /// Known-exploited vulnerabilities given, when vulnerability status was known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_exploited: Option<Vec<String>>,
}

/// What the product is, as declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRecord {
    /// What is certified.
    pub scope: Scope,
    /// Manufacturer's legal name.
    pub manufacturer: String,
    /// Brand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Hardware version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hardware_version: Option<String>,
    /// Software version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    /// End of the support period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_period_end: Option<String>,
}

/// The outcome of one level rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// Rule kind.
    pub kind: String,
    /// Whether it is met.
    pub met: bool,
    /// What the rule asks.
    pub rule: Text,
    /// What is missing (provision ids, facts, evidence kinds), empty when met.
    pub missing: Vec<String>,
    /// A caveat on a met rule (e.g. vulnerability status taken from assessor evidence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caveat: Option<String>,
}

/// The outcome of one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelOutcome {
    /// Level number.
    pub number: u8,
    /// Level name.
    pub name: String,
    /// Whether all its rules (and the lower levels') are met.
    pub reached: bool,
    /// Its rules.
    pub rules: Vec<RuleOutcome>,
}

/// Score and verdict counts for a category or a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollup {
    /// Category or profile id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Score, when anything counts.
    pub score: Option<Score>,
    /// Verdict counts.
    pub counts: Counts,
    /// For profiles: whether every applicable mandatory provision passes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mandatory_met: Option<bool>,
}

/// A regime outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Meets it.
    Meets,
    /// Does not meet it.
    DoesNotMeet,
    /// Cannot tell from this declaration.
    CannotTell,
}

impl Outcome {
    /// The name used in JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Meets => "meets",
            Outcome::DoesNotMeet => "does-not-meet",
            Outcome::CannotTell => "cannot-tell",
        }
    }
}

/// The outcome for one crosswalk row of a regime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    /// Row id.
    pub id: String,
    /// How the regime cites it.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Title.
    pub title: String,
    /// Outcome.
    pub outcome: Outcome,
    /// Why.
    pub reason: Text,
}

/// The outcome for a regime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeOutcome {
    /// Regime id.
    pub id: String,
    /// Short name.
    pub short: String,
    /// Outcome.
    pub outcome: Outcome,
    /// For level-based schemes (Singapore CLS): the level reached (0 = none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// Why.
    pub reason: Text,
    /// Row by row.
    pub rows: Vec<RowOutcome>,
}

/// What is needed to reach the next level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextLevel {
    /// Its number.
    pub number: u8,
    /// Its name.
    pub name: String,
    /// The unmet rules, with what is missing.
    pub missing: Vec<RuleOutcome>,
}

/// The catalogue an assessment used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRecord {
    /// Catalogue id.
    pub id: String,
    /// Its version.
    pub version: String,
}

/// The whole result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentResult {
    /// Result format identifier.
    pub format: String,
    /// Engine that produced it.
    pub engine: String,
    /// Catalogue used.
    pub catalog: CatalogRecord,
    /// Inputs and their digests.
    pub inputs: InputRecord,
    /// What was assessed.
    pub product: ProductRecord,
    /// Profiles assessed against.
    pub profiles: Vec<String>,
    /// Highest label level reached (0 = none).
    pub level: u8,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_name: Option<String>,
    /// What is missing for the next level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_level: Option<NextLevel>,
    /// Overall score.
    pub score: Option<Score>,
    /// Overall counts.
    pub counts: Counts,
    /// In plain words, for the first line of any report.
    pub summary: Text,
    /// Every selected provision.
    pub provisions: Vec<ProvisionResult>,
    /// Per category.
    pub categories: Vec<Rollup>,
    /// Per profile.
    pub profile_results: Vec<Rollup>,
    /// Per regime.
    pub regimes: Vec<RegimeOutcome>,
    /// Per level.
    pub levels: Vec<LevelOutcome>,
}

impl AssessmentResult {
    /// The result for one provision.
    pub fn provision(&self, id: &ProvisionId) -> Option<&ProvisionResult> {
        self.provisions.iter().find(|p| &p.id == id)
    }

    /// The outcome for one regime.
    pub fn regime(&self, id: &str) -> Option<&RegimeOutcome> {
        self.regimes.iter().find(|r| r.id == id)
    }
}
