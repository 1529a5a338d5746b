//! `/L/<id>`: the page a label's QR code leads to. A consumer gets one answer first (genuine and
//! current, or not, and why), then the facts that matter in plain words: passwords, updates,
//! how to report a problem, personal data, and unresolved known vulnerabilities.
//!
//! The page needs no script and no second request. What it shows of a declaration is parsed
//! once per declaration digest (declarations never change) and kept; the status and the
//! vulnerabilities are read at every request, so a suspension shows at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use iotlabel_declaration::model::{DefaultPassword, Delivery};
use iotlabel_declaration::{Declaration, Source, Syntax};
use iotlabel_registry::{LabelRecord, LabelStatus, store};
use iotlabel_server::AppState;
use jiff::Timestamp;

use crate::format::{date, month_year, product_name};
use crate::page::{PageCtx, WebError};

/// `/L/{id}`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/L/{id}", get(label_page))
}

/// How the answer box looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Genuine and current.
    Ok,
    /// Genuine, with something to know.
    Warn,
    /// Not (or no longer) a valid label.
    Bad,
}

impl Tone {
    /// CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "ok",
            Tone::Warn => "warn",
            Tone::Bad => "bad",
        }
    }
}

/// The one answer at the top of the page.
pub struct Answer {
    /// Look.
    pub tone: Tone,
    /// Headline.
    pub headline: String,
    /// What it means for the person holding the product.
    pub meaning: String,
    /// The registry's reason, when the status has one worth showing.
    pub reason: Option<String>,
    /// The newer label, when superseded.
    pub newer: Option<String>,
}

/// What a consumer reads of a declaration, in the manufacturer's words where the facts are free
/// text.
#[derive(Debug, Clone, Default)]
pub struct ConsumerFacts {
    /// Password situation.
    pub default_password: Option<DefaultPassword>,
    /// Updates: automatic?
    pub updates_automatic: Option<bool>,
    /// Updates: signed?
    pub updates_signed: Option<bool>,
    /// Updates: how they arrive.
    pub delivery: Option<Delivery>,
    /// Security contact.
    pub contact: String,
    /// Disclosure policy page.
    pub policy_url: Option<String>,
    /// Days to acknowledge a report, as promised.
    pub acknowledge_within_days: Option<u32>,
    /// Personal data practices.
    pub data: Vec<DataLine>,
    /// Whether the product handles personal data at all, as declared.
    pub personal_data: Option<bool>,
    /// What it is for.
    pub intended_use: String,
    /// Where the manufacturer publishes its support periods.
    pub support_published_at: Option<String>,
}

/// One personal-data practice.
#[derive(Debug, Clone)]
pub struct DataLine {
    /// What is collected.
    pub data: String,
    /// Why.
    pub purpose: String,
    /// Who receives it.
    pub shared_with: String,
    /// How long it is kept.
    pub retention: String,
    /// How to have it deleted.
    pub deletion: String,
}

impl ConsumerFacts {
    fn of(d: &Declaration) -> Self {
        ConsumerFacts {
            default_password: d.authentication.as_ref().map(|a| a.default_password),
            updates_automatic: d.updates.as_ref().map(|u| u.automatic),
            updates_signed: d.updates.as_ref().map(|u| u.signed),
            delivery: d.updates.as_ref().map(|u| u.delivery),
            contact: d
                .vulnerability_disclosure
                .as_ref()
                .map(|v| v.contact.clone())
                .unwrap_or_else(|| d.manufacturer.security_contact.clone()),
            policy_url: d
                .vulnerability_disclosure
                .as_ref()
                .and_then(|v| v.policy_url.clone()),
            acknowledge_within_days: d
                .vulnerability_disclosure
                .as_ref()
                .and_then(|v| v.acknowledge_within_days),
            data: d
                .data_practices
                .iter()
                .map(|p| DataLine {
                    data: p.data.clone(),
                    purpose: p.purpose.clone(),
                    shared_with: p.shared_with.join(", "),
                    retention: p.retention.clone(),
                    deletion: p.deletion.clone(),
                })
                .collect(),
            personal_data: d.features.get("personal_data").copied(),
            intended_use: d
                .product
                .as_ref()
                .map(|p| p.intended_use.clone())
                .unwrap_or_default(),
            support_published_at: d.support.as_ref().and_then(|s| s.published_at.clone()),
        }
    }
}

/// Most declarations' facts kept in memory; past it the cache starts again (declarations are
/// re-read from the database, so this only bounds memory).
const MAX_CACHED: usize = 20_000;

/// Parsed declarations by digest.
#[derive(Default)]
pub struct FactsCache {
    map: Mutex<HashMap<String, Arc<ConsumerFacts>>>,
}

impl FactsCache {
    /// The consumer facts of a stored declaration.
    pub async fn get(
        &self,
        state: &AppState,
        sha256: &str,
    ) -> Result<Arc<ConsumerFacts>, WebError> {
        if let Some(f) = self.lock().get(sha256) {
            return Ok(f.clone());
        }
        let (media_type, bytes) = store::declaration(&state.registry().db.pool, sha256)
            .await?
            .ok_or_else(|| WebError::NotFound(format!("declaration {sha256}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| WebError::Internal(format!("declaration {sha256} is not UTF-8")))?;
        let source = Source {
            file: std::path::PathBuf::from(format!("declaration-{sha256}")),
            text,
            syntax: if media_type == "application/json" {
                Syntax::Json
            } else {
                Syntax::Toml
            },
        };
        // It was validated at submission; parsing alone gives the facts.
        let declaration = iotlabel_declaration::parse(&source).map_err(|p| {
            WebError::Internal(format!("stored declaration {sha256}: {}", p.message))
        })?;
        let facts = Arc::new(ConsumerFacts::of(&declaration));
        let mut map = self.lock();
        if map.len() >= MAX_CACHED {
            map.clear();
        }
        map.insert(sha256.to_owned(), facts.clone());
        Ok(facts)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<ConsumerFacts>>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One unresolved vulnerability, in plain words.
pub struct OpenVulnerability {
    /// CVE (or other) id.
    pub id: String,
    /// The component it is in.
    pub component: String,
    /// Known to be exploited.
    pub exploited: bool,
    /// What it is, as the advisory says.
    pub summary: Option<String>,
    /// Versions of the component that fix it, if any.
    pub fixed_in: Option<String>,
}

/// The vulnerability section.
pub struct VulnerabilitySection {
    /// Whether the registry watches this product version (an SBOM is registered).
    pub monitored: bool,
    /// Open findings.
    pub open: Vec<OpenVulnerability>,
    /// The known-exploited rule's suspension date, when it runs.
    pub suspend_on: Option<String>,
}

#[derive(Template)]
#[template(path = "label.html")]
struct LabelPage<'a> {
    ctx: &'a PageCtx,
    label: &'a LabelRecord,
    name: String,
    answer: Answer,
    level_name: String,
    level_plain: String,
    support_until: String,
    support_over: bool,
    checked_on: String,
    facts: &'a ConsumerFacts,
    password: String,
    updates: Vec<String>,
    vulns: VulnerabilitySection,
    newer_href: Option<String>,
    technical_href: String,
    report_href: String,
    open_count: u64,
}

/// The page comes from the rendered-page cache when the registry has not changed since it was
/// drawn (see [`crate::page_cache`]); a scan in a shop then costs no database read.
async fn label_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Response {
    // Taken before any read, so a commit while rendering leaves the entry unusable.
    let generation = state.registry().log.generation();
    let key = ctx.shared_page_key();
    if let Some(key) = &key
        && let Some(html) = ctx.web.pages.get(key, generation)
    {
        return ctx.html(StatusCode::OK, html);
    }
    match render(&state, &ctx, &id).await {
        Ok(html) => {
            let html = Bytes::from(html);
            if let Some(key) = key
                && !ctx.holds_form()
            {
                ctx.web.pages.put(key, generation, html.clone());
            }
            ctx.html(StatusCode::OK, html)
        }
        Err(e) => ctx.error(e),
    }
}

fn answer(
    ctx: &PageCtx,
    label: &LabelRecord,
    status: LabelStatus,
    suspend_on: Option<&str>,
) -> Answer {
    let t = |id: &str| ctx.t(id);
    let (tone, headline, meaning) = match status {
        LabelStatus::Active if label.vuln_flagged_at.is_some() => (
            Tone::Warn,
            t("label-flagged"),
            ctx.t
                .t1("label-flagged-meaning", "date", suspend_on.unwrap_or("-")),
        ),
        LabelStatus::Active => (Tone::Ok, t("label-active"), t("label-active-meaning")),
        LabelStatus::Suspended => (
            Tone::Bad,
            t("label-suspended"),
            t("label-suspended-meaning"),
        ),
        LabelStatus::Revoked => (Tone::Bad, t("label-revoked"), t("label-revoked-meaning")),
        LabelStatus::Expired => (Tone::Bad, t("label-expired"), t("label-expired-meaning")),
        LabelStatus::Superseded => (
            Tone::Warn,
            t("label-superseded"),
            t("label-superseded-meaning"),
        ),
    };
    Answer {
        tone,
        headline,
        meaning,
        reason: (status != LabelStatus::Active)
            .then(|| label.status_reason.clone())
            .flatten(),
        newer: (status == LabelStatus::Superseded)
            .then(|| label.superseded_by.clone())
            .flatten(),
    }
}

/// The vulnerabilities the label page shows.
pub async fn vulnerability_section(
    state: &AppState,
    label: &LabelRecord,
) -> Result<VulnerabilitySection, WebError> {
    let v = state.registry().label_vulnerabilities(label).await?;
    let open = crate::findings::read(v.findings)
        .into_iter()
        .filter(|f| f.status.is_open())
        .map(|f| OpenVulnerability {
            id: f.vulnerability,
            component: f.component.to_string(),
            exploited: f.exploited.is_some(),
            summary: f.summary,
            fixed_in: (!f.fixed_versions.is_empty()).then(|| f.fixed_versions.join(", ")),
        })
        .collect();
    Ok(VulnerabilitySection {
        monitored: v.monitored,
        open,
        suspend_on: v.suspend_at.map(|t| t.strftime("%Y-%m-%d").to_string()),
    })
}

async fn render(state: &AppState, ctx: &PageCtx, id: &str) -> Result<String, WebError> {
    let label = iotlabel_server::api::labels::record(state, id).await?;
    let now = Timestamp::now();
    let status = state.registry().effective_status(&label, now);
    let facts = ctx
        .web_facts()
        .get(state, &label.declaration_sha256)
        .await?;
    let vulns = vulnerability_section(state, &label).await?;
    let answer = answer(ctx, &label, status, vulns.suspend_on.as_deref());
    let answer_newer = answer.newer.clone();
    let catalog = &state.registry().catalog;
    let lang = ctx.lang.tag();
    let this_month = now.strftime("%Y-%m").to_string();
    let password = match &facts.default_password {
        Some(DefaultPassword::None) => ctx.t("label-password-none"),
        Some(DefaultPassword::UniquePerDevice) => ctx.t("label-password-unique"),
        Some(DefaultPassword::UserDefined) => ctx.t("label-password-user"),
        Some(DefaultPassword::Universal) => ctx.t("label-password-universal"),
        None => ctx.t("label-password-unknown"),
    };
    let mut updates = Vec::new();
    match facts.updates_automatic {
        Some(true) => updates.push(ctx.t("label-updates-automatic")),
        Some(false) => updates.push(ctx.t("label-updates-manual")),
        None => updates.push(ctx.t("label-updates-unknown")),
    }
    match facts.delivery {
        Some(Delivery::Network) => updates.push(ctx.t("label-updates-network")),
        Some(Delivery::Local) => updates.push(ctx.t("label-updates-local")),
        Some(Delivery::None) => updates.push(ctx.t("label-updates-none")),
        None => {}
    }
    if facts.updates_signed == Some(true) {
        updates.push(ctx.t("label-updates-signed"));
    }
    let page = LabelPage {
        ctx,
        name: product_name(&label.brand, &label.model),
        answer,
        level_name: catalog
            .level_name_in(lang, label.level)
            .unwrap_or_default()
            .to_owned(),
        level_plain: catalog
            .level_plain_in(lang, label.level)
            .unwrap_or_default()
            .to_owned(),
        support_until: month_year(&label.support_end),
        support_over: label.support_end.as_str() < this_month.as_str(),
        checked_on: date(now.as_second()),
        facts: &facts,
        password,
        updates,
        open_count: vulns.open.len() as u64,
        vulns,
        newer_href: answer_newer.map(|n| ctx.href(&format!("/L/{n}"))),
        technical_href: ctx.href(&format!("/L/{}/technical", label.id)),
        report_href: ctx.href(&format!("/report?label={}", label.id)),
        label: &label,
    };
    page.render()
        .map_err(|e| WebError::Internal(format!("label page template: {e}")))
}

impl PageCtx {
    fn web_facts(&self) -> &FactsCache {
        &self.web.facts
    }
}
