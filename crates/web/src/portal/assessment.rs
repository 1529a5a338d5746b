//! An assessment as the portal shows it: the level reached, what blocks the next one, and the
//! provisions that do not pass, read back from the stored result (or from a preview the portal
//! runs when a declaration reaches no level, so the person still sees what is missing).

use std::collections::BTreeMap;

use iotlabel_assess::{DeclarationInput, Inputs, Options};
use iotlabel_catalog::ProvisionId;
use iotlabel_declaration::Syntax;
use iotlabel_registry::Registry;
use jiff::Timestamp;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::page::PageCtx;

/// A statement in technical and plain words.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TextView {
    /// Technical.
    #[serde(default)]
    pub technical: String,
    /// Plain.
    #[serde(default)]
    pub plain: String,
}

/// One unmet rule of the next level.
#[derive(Debug, Clone, Deserialize)]
pub struct RuleView {
    /// What the rule asks.
    #[serde(default)]
    pub rule: TextView,
    /// What is missing.
    #[serde(default)]
    pub missing: Vec<String>,
}

/// The next level and its unmet rules.
#[derive(Debug, Clone, Deserialize)]
pub struct NextLevelView {
    /// Its number.
    pub number: u8,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Unmet rules.
    #[serde(default)]
    pub missing: Vec<RuleView>,
}

/// One provision's outcome.
#[derive(Debug, Clone, Deserialize)]
pub struct ProvisionView {
    /// Full id.
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// `M` or `R`.
    #[serde(default)]
    pub modality: String,
    /// Verdict.
    #[serde(default)]
    pub verdict: String,
    /// Why.
    #[serde(default)]
    pub reason: TextView,
    /// What to do.
    #[serde(default)]
    pub remediation: Option<TextView>,
}

/// Inputs of the stored result that the portal reads back.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InputsView {
    /// The process declaration's digest, when one was used.
    #[serde(default)]
    pub process_sha256: Option<String>,
}

/// The parts of an assessment result the portal shows.
#[derive(Debug, Clone, Deserialize)]
pub struct AssessmentView {
    /// Level reached.
    #[serde(default)]
    pub level: u8,
    /// What is missing for the next level.
    #[serde(default)]
    pub next_level: Option<NextLevelView>,
    /// Score 0-100.
    #[serde(default)]
    pub score: Option<f64>,
    /// Summary.
    #[serde(default)]
    pub summary: TextView,
    /// Every provision.
    #[serde(default)]
    pub provisions: Vec<ProvisionView>,
    /// Inputs.
    #[serde(default)]
    pub inputs: InputsView,
}

impl AssessmentView {
    /// From a stored (or freshly computed) result's JSON.
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        serde_json::from_value(value.clone()).ok()
    }
}

/// A provision that does not pass, as a row of the portal's table.
pub struct GapRow {
    /// Local id (`5.1-1`).
    pub id: String,
    /// Title in the page's language when the catalogue has it.
    pub title: String,
    /// Whether it is mandatory.
    pub mandatory: bool,
    /// The verdict in words.
    pub verdict: String,
    /// `bad` or `warn`.
    pub tone: &'static str,
    /// Why, plainly.
    pub reason: String,
    /// What to do, plainly.
    pub remediation: String,
}

/// A rule blocking the next level.
pub struct BlockingRule {
    /// What the rule asks, plainly.
    pub rule: String,
    /// What is missing: the first few items ...
    pub missing: Vec<String>,
    /// ... and the rest, folded away.
    pub more: Vec<String>,
    /// The fold's heading.
    pub more_title: String,
}

/// Items of a rule shown before the rest is folded away.
const SHOWN_ITEMS: usize = 8;

/// What the portal shows of an assessment.
pub struct AssessmentShown {
    /// Level reached (0 = none).
    pub level: u8,
    /// Its name.
    pub level_name: String,
    /// Score, formatted.
    pub score: String,
    /// In plain words.
    pub summary: String,
    /// The next level's number (0 when the highest is reached).
    pub next_number: u8,
    /// Its name.
    pub next_name: String,
    /// Its unmet rules.
    pub blocking: Vec<BlockingRule>,
    /// Provisions that fail, are unverified or inconclusive; worst first.
    pub gaps: Vec<GapRow>,
    /// Their heading, with how many there are.
    pub gaps_title: String,
}

impl AssessmentShown {
    /// Prepares a result for the page.
    pub fn new(ctx: &PageCtx, registry: &Registry, a: &AssessmentView) -> Self {
        let catalog = &registry.catalog;
        let lang = ctx.lang.tag();
        let level_name = |n: u8, fallback: &str| {
            catalog
                .level_name_in(lang, n)
                .map_or_else(|| fallback.to_owned(), str::to_owned)
        };
        let blocking = a
            .next_level
            .iter()
            .flat_map(|n| {
                n.missing.iter().map(move |r| {
                    // The plain wording in the page's language, found by the rule's position.
                    let translated = catalog
                        .levels
                        .levels
                        .iter()
                        .find(|l| l.number == n.number)
                        .and_then(|l| l.rules.iter().position(|x| x.technical == r.rule.technical))
                        .and_then(|i| catalog.level_rule_plain_in(lang, n.number, i));
                    let mut missing = r.missing.clone();
                    let more = if missing.len() > SHOWN_ITEMS + 2 {
                        missing.split_off(SHOWN_ITEMS)
                    } else {
                        Vec::new()
                    };
                    BlockingRule {
                        rule: translated.map_or_else(|| r.rule.plain.clone(), str::to_owned),
                        more_title: ctx.t.n("portal-assess-more", more.len() as u64),
                        missing,
                        more,
                    }
                })
            })
            .collect();
        let mut gaps: Vec<GapRow> = a
            .provisions
            .iter()
            .filter(|p| matches!(p.verdict.as_str(), "fail" | "unverified" | "inconclusive"))
            .map(|p| {
                let parsed = p.id.parse::<ProvisionId>().ok();
                let title = parsed
                    .as_ref()
                    .and_then(|id| catalog.title_in(lang, id))
                    .map_or_else(|| p.title.clone(), str::to_owned);
                GapRow {
                    id: parsed.map_or_else(|| p.id.clone(), |id| id.local),
                    title,
                    mandatory: p.modality == "M",
                    verdict: ctx.t(&format!("portal-verdict-{}", p.verdict)),
                    tone: if p.verdict == "fail" { "bad" } else { "warn" },
                    reason: p.reason.plain.clone(),
                    remediation: p
                        .remediation
                        .as_ref()
                        .map(|r| r.plain.clone())
                        .unwrap_or_default(),
                }
            })
            .collect();
        gaps.sort_by_key(|g| (g.tone != "bad", !g.mandatory));
        Self {
            level: a.level,
            level_name: if a.level == 0 {
                String::new()
            } else {
                level_name(a.level, "")
            },
            score: a.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            summary: a.summary.plain.clone(),
            next_number: a.next_level.as_ref().map_or(0, |n| n.number),
            next_name: a
                .next_level
                .as_ref()
                .map(|n| level_name(n.number, &n.name))
                .unwrap_or_default(),
            blocking,
            gaps_title: ctx.t.n("portal-assess-gaps", gaps.len() as u64),
            gaps,
        }
    }
}

fn syntax_of(text: &str) -> Syntax {
    if text.trim_start().starts_with('{') {
        Syntax::Json
    } else {
        Syntax::Toml
    }
}

/// Assesses a declaration the registry refused for reaching no level, the way the registry
/// would (no label is issued, nothing is stored), so the page can say what is missing.
pub async fn preview(
    registry: &Registry,
    declaration: &str,
    syntax: Syntax,
    process: Option<&str>,
    now: Timestamp,
) -> Option<AssessmentView> {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let catalog = &*registry.catalog;
    let (_, decl, _) = iotlabel_declaration::from_text(
        "declaration".into(),
        declaration.to_owned(),
        syntax,
        catalog,
        today,
    )
    .ok()?;
    let process_decl = match process {
        Some(text) => Some(
            iotlabel_declaration::from_text(
                "process".into(),
                text.to_owned(),
                syntax_of(text),
                catalog,
                today,
            )
            .ok()?
            .1,
        ),
        None => None,
    };
    let evidence = registry.evidence_states(&decl).await.ok()?;
    let process_evidence = match &process_decl {
        Some(p) => Some(registry.evidence_states(p).await.ok()?),
        None => None,
    };
    let digest = hex::encode(Sha256::digest(declaration.as_bytes()));
    let process_digest = process.map(|p| hex::encode(Sha256::digest(p.as_bytes())));
    let labels = BTreeMap::new();
    let inputs = Inputs {
        catalog,
        product: DeclarationInput {
            declaration: &decl,
            digest: &digest,
            evidence: &evidence,
        },
        process: process_decl
            .as_ref()
            .zip(process_evidence.as_ref())
            .zip(process_digest.as_deref())
            .map(|((d, e), digest)| DeclarationInput {
                declaration: d,
                digest,
                evidence: e,
            }),
        labels: &labels,
        vulnerabilities: None,
        profiles: None,
        today,
        options: Options {
            accept_unattested_assessor_evidence: false,
        },
    };
    let result = iotlabel_assess::assess(&inputs);
    let json = serde_json::to_value(&result).ok()?;
    AssessmentView::from_json(&json)
}
