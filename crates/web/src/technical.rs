//! `/L/<id>/technical`: everything an engineer or a lab checks: every provision's verdict with
//! its reason and evidence digests, the regimes, the level rules still missing, the SBOM
//! findings with their VEX status, the status history with the log entries and proofs that
//! record it, and the signed downloads.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use iotlabel_registry::{LabelRecord, StatusEvent, store};
use iotlabel_server::AppState;
use jiff::Timestamp;
use serde::Deserialize;

use crate::findings::StoredFinding;
use crate::format::{date_time, month_year, product_name};
use crate::page::{PageCtx, WebError};

/// `/L/{id}/technical`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/L/{id}/technical", get(technical_page))
        .route("/L/{id}/oscal-assessment-results.json", get(oscal_results))
        .route("/L/{id}/vex.cdx.json", get(vex))
}

fn json_download(body: String, content_type: &'static str, file: String) -> Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The label's stored assessment as an OSCAL 1.1.2 assessment-results document.
async fn oscal_results(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let label = iotlabel_server::api::labels::record(&state, &id).await?;
        let (_, json, _) = state
            .registry()
            .assessment_result(&label.assessment_id)
            .await?
            .ok_or_else(|| WebError::NotFound(format!("assessment of label {}", label.id)))?;
        let result: iotlabel_assess::AssessmentResult = serde_json::from_value(json)
            .map_err(|e| WebError::Internal(format!("stored assessment of {}: {e}", label.id)))?;
        let document = iotlabel_oscal::export_assessment(&result);
        let body = serde_json::to_string_pretty(&document)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        Ok(json_download(
            body,
            "application/oscal+json",
            format!("{}-assessment-results.json", label.id),
        ))
    }
    .await;
    ctx.respond(result)
}

/// The label's findings as CycloneDX 1.6 VEX.
async fn vex(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    let result = async {
        let label = iotlabel_server::api::labels::record(&state, &id).await?;
        let body = state
            .registry()
            .label_vex(&label, Timestamp::now())
            .await?
            .ok_or_else(|| {
                WebError::NotFound(format!(
                    "label {} has no registered SBOM, so there is no VEX to give",
                    label.id
                ))
            })?;
        Ok(json_download(
            body,
            "application/vnd.cyclonedx+json; version=1.6",
            format!("{}.vex.cdx.json", label.id),
        ))
    }
    .await;
    ctx.respond(result)
}

/// The stored assessment, as much of it as the page shows (its JSON shape is documented in
/// docs/json.md and stable).
#[derive(Debug, Deserialize)]
pub struct AssessmentView {
    /// Profiles.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Level name.
    #[serde(default)]
    pub level_name: Option<String>,
    /// Score.
    #[serde(default)]
    pub score: Option<f64>,
    /// What the next level still needs.
    #[serde(default)]
    pub next_level: Option<NextLevel>,
    /// Every provision.
    #[serde(default)]
    pub provisions: Vec<ProvisionView>,
    /// Every regime.
    #[serde(default)]
    pub regimes: Vec<RegimeView>,
    /// The inputs: digests and evidence.
    pub inputs: InputsView,
}

impl AssessmentView {
    /// The level names in the page's language (the stored result has them in English).
    fn in_language(mut self, catalog: &iotlabel_catalog::Catalog, lang: &str, level: u8) -> Self {
        if let Some(name) = catalog.level_name_in(lang, level) {
            self.level_name = Some(name.to_owned());
        }
        if let Some(next) = &mut self.next_level
            && let Some(name) = catalog.level_name_in(lang, next.number)
        {
            next.name = name.to_owned();
        }
        self
    }
}

/// A reason in both languages of the catalogue.
#[derive(Debug, Deserialize, Default)]
pub struct TextView {
    /// For engineers.
    #[serde(default)]
    pub technical: String,
    /// For everyone.
    #[serde(default)]
    pub plain: String,
}

/// One provision's verdict.
#[derive(Debug, Deserialize)]
pub struct ProvisionView {
    /// Provision id.
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// `M`, `R`, ...
    #[serde(default)]
    pub modality: String,
    /// Verdict.
    pub verdict: String,
    /// Why.
    #[serde(default)]
    pub reason: TextView,
    /// Evidence ids it rests on.
    #[serde(default)]
    pub evidence: Vec<String>,
}

impl ProvisionView {
    /// Badge class of the verdict.
    pub fn class(&self) -> &'static str {
        match self.verdict.as_str() {
            "pass" => "ok",
            "fail" => "bad",
            "not-applicable" | "not_applicable" => "info",
            _ => "warn",
        }
    }
}

/// One regime's outcome.
#[derive(Debug, Deserialize)]
pub struct RegimeView {
    /// Short name.
    pub short: String,
    /// `meets`, `does-not-meet`, `cannot-tell`.
    pub outcome: String,
    /// The level it reaches, for graded regimes.
    #[serde(default)]
    pub level: Option<u8>,
    /// Why.
    #[serde(default)]
    pub reason: TextView,
}

impl RegimeView {
    /// Badge class of the outcome.
    pub fn class(&self) -> &'static str {
        match self.outcome.as_str() {
            "meets" => "ok",
            "does-not-meet" | "does_not_meet" => "bad",
            _ => "warn",
        }
    }
}

/// What the next level needs.
#[derive(Debug, Deserialize)]
pub struct NextLevel {
    /// Number.
    pub number: u8,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Rules not met.
    #[serde(default)]
    pub missing: Vec<MissingRule>,
}

/// A level rule not met.
#[derive(Debug, Deserialize)]
pub struct MissingRule {
    /// The rule.
    #[serde(default)]
    pub rule: TextView,
    /// What is missing.
    #[serde(default)]
    pub missing: Vec<String>,
}

/// Inputs of the assessment.
#[derive(Debug, Deserialize)]
pub struct InputsView {
    /// Declaration digest.
    pub declaration_sha256: String,
    /// Process declaration digest.
    #[serde(default)]
    pub process_sha256: Option<String>,
    /// Assessment date.
    #[serde(default)]
    pub date: String,
    /// Evidence.
    #[serde(default)]
    pub evidence: Vec<EvidenceView>,
}

/// One piece of evidence.
#[derive(Debug, Deserialize)]
pub struct EvidenceView {
    /// Id.
    pub id: String,
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Who produced it.
    #[serde(default)]
    pub producer: serde_json::Value,
    /// Digest.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Signed by an assessor.
    #[serde(default)]
    pub attested: bool,
}

impl EvidenceView {
    /// Who produced it, as text.
    pub fn producer_text(&self) -> String {
        match &self.producer {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(o) => o
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        }
    }
}

/// A download.
pub struct Download {
    /// What it is.
    pub name: String,
    /// Standard / format.
    pub format: &'static str,
    /// Where.
    pub href: String,
}

/// A status change with its log entry.
pub struct HistoryRow {
    /// When.
    pub at: String,
    /// From → to.
    pub change: String,
    /// Who.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// Log index.
    pub index: u64,
}

#[derive(Template)]
#[template(path = "technical.html")]
struct TechnicalPage<'a> {
    ctx: &'a PageCtx,
    label: &'a LabelRecord,
    name: String,
    status: String,
    status_class: &'static str,
    support_until: String,
    assessment: Option<AssessmentView>,
    assessment_sha256: String,
    findings: Vec<StoredFinding>,
    monitored: bool,
    history: Vec<HistoryRow>,
    downloads: Vec<Download>,
    checkpoint_size: u64,
    plain_href: String,
    valid_from: String,
    valid_until: String,
}

async fn technical_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Response {
    let result = render(&state, &ctx, &id).await;
    ctx.respond(result)
}

fn history(ctx: &PageCtx, events: Vec<StatusEvent>) -> Vec<HistoryRow> {
    let name = |s| ctx.status_badge(s).0;
    events
        .into_iter()
        .map(|e| HistoryRow {
            at: date_time(e.at),
            change: match e.from {
                Some(from) => format!("{} → {}", name(from), name(e.to)),
                None => name(e.to),
            },
            actor: e.actor,
            reason: e.reason,
            index: e.log_index,
        })
        .collect()
}

async fn render(state: &AppState, ctx: &PageCtx, id: &str) -> Result<Response, WebError> {
    let label = iotlabel_server::api::labels::record(state, id).await?;
    let registry = state.registry();
    let status = registry.effective_status(&label, Timestamp::now());
    let (assessment_sha256, assessment) =
        match registry.assessment_result(&label.assessment_id).await? {
            Some((digest, json, _)) => (
                digest,
                serde_json::from_value::<AssessmentView>(json)
                    .map_err(|e| tracing::warn!(error = %e, "stored assessment not readable"))
                    .ok()
                    .map(|a| a.in_language(&registry.catalog, ctx.lang.tag(), label.level)),
            ),
            None => (String::new(), None),
        };
    let vulns = registry.label_vulnerabilities(&label).await?;
    let events = store::events(&registry.db.pool, &label.id).await?;
    let api = format!("/api/v1/labels/{}", label.id);
    let download = |key: &str, format: &'static str, href: String| Download {
        name: ctx.t(key),
        format,
        href,
    };
    let downloads = vec![
        download(
            "tech-dl-statement",
            "COSE_Sign1 (SCITT signed statement)",
            format!("{api}/statement"),
        ),
        download(
            "tech-dl-envelope",
            "DSSE / in-toto Statement v1",
            format!("{api}/envelope"),
        ),
        download(
            "tech-dl-transparent",
            "SCITT transparent statement",
            format!("{api}/transparent-statement"),
        ),
        download(
            "tech-dl-receipt",
            "COSE receipt (RFC 9942)",
            format!("{api}/receipt"),
        ),
        download("tech-dl-proof", "C2SP tlog-proof", format!("{api}/proof")),
        download(
            "tech-dl-status-token",
            "COSE status token",
            format!("{api}/status-token"),
        ),
        download(
            "tech-dl-oscal",
            "OSCAL 1.1.2 assessment-results",
            format!("/L/{}/oscal-assessment-results.json", label.id),
        ),
        download(
            "tech-dl-vex",
            "CycloneDX 1.6 VEX",
            format!("/L/{}/vex.cdx.json", label.id),
        ),
        download(
            "tech-dl-declaration",
            "iotlabel declaration",
            format!("/api/v1/declarations/{}", label.declaration_sha256),
        ),
        download("tech-dl-label-json", "JSON", api.clone()),
    ];
    let (status_word, status_class) = ctx.status_badge(status);
    let page = TechnicalPage {
        ctx,
        name: product_name(&label.brand, &label.model),
        status: status_word,
        status_class,
        support_until: month_year(&label.support_end),
        assessment,
        assessment_sha256,
        findings: crate::findings::read(vulns.findings),
        monitored: vulns.monitored,
        history: history(ctx, events),
        downloads,
        checkpoint_size: registry.log.size(),
        plain_href: ctx.href(&format!("/L/{}", label.id)),
        valid_from: crate::format::date(label.not_before),
        valid_until: crate::format::date(label.expires_at),
        label: &label,
    };
    Ok(ctx.render(&page))
}
