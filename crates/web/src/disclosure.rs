//! Coordinated vulnerability disclosure for people without an account:
//!
//! - `/report`: the report form (the product by its label number, or found by a search), the
//!   description, an e-mail address for the manufacturer's questions and an optional CVSS
//!   vector. It creates the report through the registry exactly as `POST /api/v1/disclosures`
//!   does, and shares that endpoint's per-address quota (`server.reports_per_hour`, counted by
//!   the server's guard for both paths);
//! - the answer shows the report's follow-up token once (only its hash is stored);
//! - `/report/<id>`: with the token, the reporter follows the report's state and timeline and
//!   adds messages. The token travels only in POST bodies, never in a URL, so it cannot end up
//!   in logs or in a browser's history.

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use iotlabel_registry::disclosure::{
    NewReport, REPORTER_TOKEN_PREFIX, Report, TimelineEvent, Viewer,
};
use iotlabel_registry::{LabelQuery, RegistryError};
use iotlabel_server::AppState;
use iotlabel_server::api::disclosure::NewDisclosure;
use iotlabel_server::guard::ReportQuotaExceeded;
use jiff::Timestamp;
use serde::Deserialize;

use crate::page::{PageCtx, WebError};
use crate::portal::{Field, FormState, ProblemLine, Refusal};

/// Largest form body on these routes, as the API allows for reports.
const BODY_LIMIT: usize = 128 * 1024;

/// The routes of this area.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/report", get(form_page).post(submit))
        .route("/report/{id}", get(follow_page).post(follow_view))
        .route("/report/{id}/message", post(follow_message))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// A text as paragraphs (line breaks kept without any markup from the text itself).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split('\n')
        .map(|l| l.trim_end_matches('\r').to_owned())
        .collect()
}

/// One entry of a report's timeline as pages show it.
pub struct TimelineRow {
    /// When.
    pub at: String,
    /// What, in words.
    pub what: String,
    /// Who.
    pub who: String,
    /// In which role, in words.
    pub role: String,
    /// The note or message, by line.
    pub text: Vec<String>,
}

/// A timeline for a page.
pub fn timeline_rows(ctx: &PageCtx, events: &[TimelineEvent]) -> Vec<TimelineRow> {
    events
        .iter()
        .map(|e| TimelineRow {
            at: crate::format::date_time(e.at),
            what: ctx.t(&format!("report-event-{}", e.kind.as_str())),
            who: e.actor.clone(),
            role: ctx.t(&format!("report-role-{}", e.actor_role.as_str())),
            text: e.text.as_deref().map(paragraphs).unwrap_or_default(),
        })
        .collect()
}

/// The report form's fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    csrf: String,
    label: String,
    title: String,
    description: String,
    affected_versions: String,
    cvss_vector: String,
    severity: String,
    reporter_contact: String,
    reporter_name: String,
}

/// `?label=` (from a label page) and `?q=` (a product search).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FormQuery {
    label: Option<String>,
    q: Option<String>,
}

/// A product found by the search.
pub struct Found {
    /// Product name.
    pub product: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Software version.
    pub software: String,
    /// Label id.
    pub label: String,
    /// Link that picks it.
    pub href: String,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    action: String,
    q: String,
    found: Option<Vec<Found>>,
    chosen: Option<String>,
    problems: Vec<ProblemLine>,
    fields: Vec<Field>,
    details: Vec<Field>,
    details_open: bool,
}

fn build_form<'a>(
    ctx: &'a PageCtx,
    form: &mut FormState,
    q: String,
    found: Option<Vec<Found>>,
    chosen: Option<String>,
) -> FormPage<'a> {
    let t = |id: &str| ctx.t(id);
    let fields = vec![
        Field::new("text", "label", t("report-q-label"))
            .hint(t("report-q-label-hint"))
            .required()
            .max(64),
        Field::new("text", "title", t("report-q-title"))
            .hint(t("report-q-title-hint"))
            .required()
            .max(200),
        Field::new("textarea", "description", t("report-q-description"))
            .hint(t("report-q-description-hint"))
            .required()
            .max(20_000),
        Field::new("email", "reporter_contact", t("report-q-contact"))
            .hint(t("report-q-contact-hint"))
            .required()
            .max(254),
        Field::new("text", "reporter_name", t("report-q-name"))
            .hint(t("report-q-name-hint"))
            .max(200),
    ];
    let details = vec![
        Field::new("text", "affected_versions", t("report-q-versions"))
            .hint(t("report-q-versions-hint"))
            .max(2000),
        Field::new("text", "cvss_vector", t("report-q-cvss"))
            .hint(t("report-q-cvss-hint"))
            .max(200),
        Field::new("select", "severity", t("report-q-severity"))
            .hint(t("report-q-severity-hint"))
            .choices(
                ["", "low", "medium", "high", "critical"]
                    .iter()
                    .map(|s| {
                        let words = if s.is_empty() {
                            t("report-severity-unknown")
                        } else {
                            t(&format!("portal-severity-{s}"))
                        };
                        ((*s).to_owned(), words)
                    })
                    .collect(),
            ),
    ];
    let fields = fields.into_iter().map(|f| f.fill(form)).collect::<Vec<_>>();
    let details = details
        .into_iter()
        .map(|f| f.fill(form))
        .collect::<Vec<_>>();
    let problems = std::mem::take(&mut form.problems)
        .into_iter()
        .map(|mut p| {
            if let Some(f) = fields
                .iter()
                .chain(details.iter())
                .find(|f| Some(&f.name) == p.anchor.as_ref())
            {
                p.place = f.label.clone();
            }
            p
        })
        .collect();
    let details_open = details
        .iter()
        .any(|f| !f.value.is_empty() || !f.errors.is_empty());
    FormPage {
        ctx,
        action: ctx.href("/report"),
        q,
        found,
        chosen,
        problems,
        fields,
        details,
        details_open,
    }
}

/// The product a label id names, in words, if it is in the registry.
async fn chosen_product(state: &AppState, label: &str) -> Option<String> {
    let id = label.trim().parse::<iotlabel_label::LabelId>().ok()?;
    let r = state.registry().label(id.as_str()).await.ok()?;
    Some(format!(
        "{} · {} {}",
        crate::format::product_name(&r.brand, &r.model),
        r.manufacturer,
        r.software_version
    ))
}

/// `GET /report`.
async fn form_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    query: Result<Query<FormQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let r = async {
        let mut form = FormState::default();
        let label = q
            .label
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .chars()
            .take(64)
            .collect::<String>();
        form.set("label", label.clone());
        let chosen = if label.is_empty() {
            None
        } else {
            chosen_product(&state, &label).await
        };
        let text =
            q.q.as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect::<String>();
        let found = if text.is_empty() {
            None
        } else {
            let (records, _) = state
                .registry()
                .search(&LabelQuery {
                    text: Some(text.clone()),
                    limit: 20,
                    ..LabelQuery::default()
                })
                .await?;
            Some(
                records
                    .into_iter()
                    .map(|r| Found {
                        product: crate::format::product_name(&r.brand, &r.model),
                        manufacturer: r.manufacturer.clone(),
                        software: r.software_version.clone(),
                        href: ctx.href(&format!("/report?label={}", r.id)),
                        label: r.id,
                    })
                    .collect(),
            )
        };
        Ok::<_, WebError>(ctx.render(&build_form(&ctx, &mut form, text, found, chosen)))
    }
    .await;
    ctx.respond(r)
}

#[derive(Template)]
#[template(path = "report_sent.html")]
struct SentPage<'a> {
    ctx: &'a PageCtx,
    id: String,
    token: String,
    follow_href: String,
    follow_url: String,
}

/// A response that no cache or browser history may keep (it holds a secret or a report).
fn private(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /report`.
async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    quota: Option<Extension<ReportQuotaExceeded>>,
    headers: HeaderMap,
    form: Result<Form<ReportForm>, FormRejection>,
) -> Response {
    let r = async {
        // The guard counted this submission against the address's report quota.
        if let Some(Extension(ReportQuotaExceeded(wait))) = quota {
            return Err(WebError::TooMany(wait));
        }
        let Form(f) = form.map_err(|e| {
            WebError::BadRequest(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ctx.t("report-too-long")
            } else {
                ctx.t("portal-form-unreadable")
            })
        })?;
        ctx.verify_csrf(&headers, &f.csrf)?;
        let mut form = FormState::default();
        for (k, v) in [
            ("label", &f.label),
            ("title", &f.title),
            ("description", &f.description),
            ("affected_versions", &f.affected_versions),
            ("cvss_vector", &f.cvss_vector),
            ("severity", &f.severity),
            ("reporter_contact", &f.reporter_contact),
            ("reporter_name", &f.reporter_name),
        ] {
            form.set(k, v.clone());
        }
        for k in ["label", "title", "description", "reporter_contact"] {
            if form.trimmed(k).is_empty() {
                form.fail(k, "", ctx.t("portal-err-required"), String::new());
            }
        }
        if !form.has_errors() {
            let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
            let new = NewDisclosure {
                product_id: None,
                label_id: opt(&f.label),
                title: f.title.clone(),
                description: f.description.clone(),
                affected_versions: f
                    .affected_versions
                    .split([',', ';', '\n', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                cvss_vector: opt(&f.cvss_vector),
                severity: opt(&f.severity),
                reporter_contact: f.reporter_contact.clone(),
                reporter_name: opt(&f.reporter_name),
            };
            match state
                .registry()
                .submit_report(&NewReport::from(new), Timestamp::now())
                .await
            {
                Ok(receipt) => {
                    let path = format!("/report/{}", receipt.id);
                    let page = SentPage {
                        ctx: &ctx,
                        follow_url: format!(
                            "{}{path}",
                            state.registry().config.public_url.trim_end_matches('/')
                        ),
                        follow_href: ctx.href(&path),
                        id: receipt.id,
                        token: receipt.token,
                    };
                    return Ok(private(ctx.render_status(StatusCode::CREATED, &page)));
                }
                Err(RegistryError::Invalid { message, problems }) => {
                    if problems.is_empty() {
                        form.fail_general("", message, String::new(), false);
                    }
                    for p in problems {
                        let field = match p.field.as_str() {
                            "label_id" | "product_id" => "label",
                            other => other,
                        };
                        let hint = p.hint.unwrap_or_default();
                        if [
                            "label",
                            "title",
                            "description",
                            "affected_versions",
                            "cvss_vector",
                            "severity",
                            "reporter_contact",
                            "reporter_name",
                        ]
                        .contains(&field)
                        {
                            form.fail(field, "", p.message, hint);
                        } else {
                            form.fail_general(&p.field, p.message, hint, false);
                        }
                    }
                }
                Err(e) => {
                    let e = WebError::from(e);
                    if matches!(e, WebError::Internal(_)) {
                        return Err(e);
                    }
                    form.fail_general("", e.to_string(), String::new(), false);
                }
            }
        }
        let chosen = chosen_product(&state, &f.label).await;
        let page = build_form(&ctx, &mut form, String::new(), None, chosen);
        Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
    }
    .await;
    ctx.respond(r)
}

#[derive(Template)]
#[template(path = "report_follow.html")]
struct FollowPage<'a> {
    ctx: &'a PageCtx,
    id: String,
    action: String,
    message_action: String,
    error: Option<String>,
    notice: Option<String>,
    view: Option<ReporterView>,
    token: String,
    message: String,
}

/// A report as its reporter sees it (no security contact, no CRA clocks).
pub struct ReporterView {
    /// Title.
    pub title: String,
    /// Product.
    pub product: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// The label named.
    pub label: Option<String>,
    /// State in words.
    pub state: String,
    /// Received.
    pub received: String,
    /// Versions with the fix.
    pub fixed_versions: String,
    /// The published advisory.
    pub advisory: Option<String>,
    /// The description, by line.
    pub description: Vec<String>,
    /// The timeline.
    pub timeline: Vec<TimelineRow>,
}

fn reporter_view(
    ctx: &PageCtx,
    state: &AppState,
    r: &Report,
    events: &[TimelineEvent],
) -> ReporterView {
    ReporterView {
        title: r.title.clone(),
        product: crate::format::product_name(&r.brand, &r.model),
        manufacturer: r.manufacturer.clone(),
        label: r.label_id.clone(),
        state: ctx.t(&format!("portal-report-state-{}", r.state.as_str())),
        received: crate::format::date_time(r.received_at),
        fixed_versions: r.fixed_versions.join(", "),
        advisory: r.published_at.map(|_| {
            iotlabel_registry::disclosure::advisory_url(&state.registry().config.public_url, &r.id)
        }),
        description: paragraphs(&r.description),
        timeline: timeline_rows(ctx, events),
    }
}

/// Only what a report id can look like (ids go into links and headings).
fn clean_id(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

fn follow<'a>(ctx: &'a PageCtx, id: &str) -> FollowPage<'a> {
    let id = clean_id(id);
    FollowPage {
        ctx,
        action: ctx.href(&format!("/report/{id}")),
        message_action: ctx.href(&format!("/report/{id}/message")),
        id,
        error: None,
        notice: None,
        view: None,
        token: String::new(),
        message: String::new(),
    }
}

/// `GET /report/<id>`: asks for the follow-up token.
async fn follow_page(ctx: PageCtx, Path(id): Path<String>) -> Response {
    let page = follow(&ctx, &id);
    private(ctx.render(&page))
}

/// The follow-up forms.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowForm {
    csrf: String,
    token: String,
    text: String,
}

/// Reads the report with the token; the page with the report, or with the refusal.
async fn with_report<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    id: &str,
    token: &str,
    mut page: FollowPage<'a>,
) -> Result<Response, WebError> {
    let token = token.trim();
    let found = if token.starts_with(REPORTER_TOKEN_PREFIX) && token.len() <= 256 {
        match state.registry().report(Viewer::Reporter(token), id).await {
            Ok(found) => Some(found),
            Err(RegistryError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let Some((report, events)) = found else {
        page.error = Some(ctx.t("report-follow-refused"));
        page.notice = None;
        return Ok(private(ctx.render_status(StatusCode::NOT_FOUND, &page)));
    };
    page.view = Some(reporter_view(ctx, state, &report, &events));
    page.token = token.to_owned();
    Ok(private(ctx.render(&page)))
}

/// `POST /report/<id>`: the report, for the holder of its follow-up token.
async fn follow_view(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<FollowForm>, FormRejection>,
) -> Response {
    let r = async {
        let Form(f) = form.map_err(|_| WebError::BadRequest(ctx.t("portal-form-unreadable")))?;
        ctx.verify_csrf(&headers, &f.csrf)?;
        let page = follow(&ctx, &id);
        with_report(&state, &ctx, &clean_id(&id), &f.token, page).await
    }
    .await;
    ctx.respond(r)
}

/// `POST /report/<id>/message`: the reporter adds a message.
async fn follow_message(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<FollowForm>, FormRejection>,
) -> Response {
    let r = async {
        let Form(f) = form.map_err(|_| WebError::BadRequest(ctx.t("portal-form-unreadable")))?;
        ctx.verify_csrf(&headers, &f.csrf)?;
        let id = clean_id(&id);
        let token = f.token.trim();
        let mut page = follow(&ctx, &id);
        if f.text.trim().is_empty() {
            page.error = Some(ctx.t("report-message-empty"));
        } else if token.starts_with(REPORTER_TOKEN_PREFIX) && token.len() <= 256 {
            match state
                .registry()
                .add_report_message(Viewer::Reporter(token), &id, &f.text, Timestamp::now())
                .await
            {
                Ok(_) => page.notice = Some(ctx.t("report-message-sent")),
                Err(RegistryError::NotFound(_)) => {}
                Err(e) => match Refusal::from(e) {
                    Refusal::Page(e) => return Err(e),
                    Refusal::Shown(_, lines) => {
                        page.error = Some(lines.join(" "));
                        page.message = f.text.clone();
                    }
                },
            }
        }
        let error = page.error.clone();
        let mut response = with_report(&state, &ctx, &id, token, page).await?;
        if error.is_some() && response.status() == StatusCode::OK {
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        }
        Ok(response)
    }
    .await;
    ctx.respond(r)
}
