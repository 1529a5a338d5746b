//! Coordinated vulnerability disclosure over HTTP: researchers report without an account
//! (their own, small rate limit); the report is confidential to its reporter (follow-up token),
//! the owning manufacturer and the operator, and every such response says `no-store`; a fixed
//! report's CSAF advisory is public.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use iotlabel_registry::Account;
use iotlabel_registry::disclosure::{
    self, Clock, Clocks, NewReport, Publication, REPORTER_TOKEN_PREFIX, Report, ReportAction,
    ReportFilter, ReportState, Resolution, TimelineEvent, Viewer,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::time;
use crate::cache::{self, Lifetime};
use crate::guard::{Caller, bearer};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

/// Where reports are submitted; rate-limited by `server.reports_per_hour` in the guard.
pub const SUBMIT_PATH: &str = "/api/v1/disclosures";

/// Largest request body on these routes: the texts are bounded far below it.
const BODY_LIMIT: usize = 128 * 1024;

/// The routes, with their own small body limit.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit, list))
        .routes(routes!(get_report))
        .routes(routes!(add_message))
        .routes(routes!(act))
        .routes(routes!(publish))
        .routes(routes!(get_csaf))
        .routes(routes!(set_security_contact))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// The JSON body, or the rejection with its own status (413 for an oversized body).
fn body<T>(json: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    json.map(|Json(v)| v).map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", e.body_text())
        }
        _ => Problem::bad_request(e.body_text()),
    })
}

/// A confidential JSON response: never stored by caches or browsers.
fn private(status: StatusCode, value: impl Serialize) -> Response {
    let mut response = (status, Json(value)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A vulnerability report.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NewDisclosure {
    /// The product's registry id (on its label's page), or give `label_id`.
    pub product_id: Option<String>,
    /// The id printed on the product's label.
    pub label_id: Option<String>,
    /// One line (1-200 characters).
    pub title: String,
    /// What is vulnerable and how to reproduce it (1-20000 characters).
    pub description: String,
    /// Affected software versions, one per entry (at most 50).
    pub affected_versions: Vec<String>,
    /// CVSS 3.0 or 3.1 base vector, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
    pub cvss_vector: Option<String>,
    /// Without a vector: `low`, `medium`, `high` or `critical`.
    pub severity: Option<String>,
    /// An e-mail address the manufacturer can write to.
    pub reporter_contact: String,
    /// A name to credit in the published advisory; leave it out to stay anonymous.
    pub reporter_name: Option<String>,
}

impl From<NewDisclosure> for NewReport {
    fn from(n: NewDisclosure) -> Self {
        NewReport {
            product_id: n.product_id,
            label_id: n.label_id,
            title: n.title,
            description: n.description,
            affected_versions: n.affected_versions,
            cvss_vector: n.cvss_vector,
            severity: n.severity,
            reporter_contact: n.reporter_contact,
            reporter_name: n.reporter_name,
        }
    }
}

/// A report received.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisclosureReceipt {
    /// The report's id.
    pub id: String,
    /// The follow-up token (`iotr_...`), shown once: send it as `Authorization: Bearer` to read
    /// the report's status and timeline and to add messages.
    pub token: String,
    /// Where to follow the report.
    pub url: String,
}

/// The product a report is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportedProduct {
    /// Product id.
    pub id: String,
    /// Brand.
    pub brand: String,
    /// Model.
    pub model: String,
}

/// Who reported.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reporter {
    /// E-mail address.
    pub contact: String,
    /// Name to credit, if given.
    pub name: Option<String>,
}

/// One CRA obligation's clock.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClockView {
    /// Due (RFC 3339).
    pub due: String,
    /// Done.
    pub done_at: Option<String>,
    /// Due, not done, and the report not rejected.
    pub past_due: bool,
}

impl From<Clock> for ClockView {
    fn from(c: Clock) -> Self {
        Self {
            due: time(c.due),
            done_at: c.done_at.map(time),
            past_due: c.past_due,
        }
    }
}

/// The Cyber Resilience Act's reporting clocks (Art. 14): early warning 24 h and notification
/// 72 h after awareness, final report 14 days after the fix. Tracked always; `overdue` (a
/// regulatory lapse) only for actively exploited vulnerabilities.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClocksView {
    /// Whether the report is marked actively exploited.
    pub actively_exploited: bool,
    /// Awareness: receipt, or when it was marked actively exploited.
    pub aware_at: String,
    /// Early warning.
    pub early_warning: ClockView,
    /// Notification.
    pub notification: ClockView,
    /// Final report (once fixed).
    pub final_report: Option<ClockView>,
    /// Actively exploited and some obligation past due.
    pub overdue: bool,
}

impl From<Clocks> for ClocksView {
    fn from(c: Clocks) -> Self {
        Self {
            actively_exploited: c.actively_exploited,
            aware_at: time(c.aware_at),
            early_warning: c.early_warning.into(),
            notification: c.notification.into(),
            final_report: c.final_report.map(Into::into),
            overdue: c.overdue,
        }
    }
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEntry {
    /// 1, 2, ...
    pub seq: i64,
    /// `received`, `acknowledged`, `triaged`, `message`, `actively-exploited`,
    /// `early-warning-sent`, `notification-sent`, `fixed`, `final-report-sent`, `rejected`,
    /// `published`, `closed`.
    pub kind: String,
    /// Who.
    pub actor: String,
    /// `reporter`, `manufacturer` or `operator`.
    pub actor_role: String,
    /// Note or message.
    pub text: Option<String>,
    /// When.
    pub at: String,
}

impl From<TimelineEvent> for TimelineEntry {
    fn from(e: TimelineEvent) -> Self {
        Self {
            seq: e.seq,
            kind: e.kind.as_str().to_owned(),
            actor: e.actor,
            actor_role: e.actor_role.as_str().to_owned(),
            text: e.text,
            at: time(e.at),
        }
    }
}

/// A vulnerability report. Its reporter sees it without the manufacturer's security contact
/// and the CRA clocks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisclosureReport {
    /// Id.
    pub id: String,
    /// `received`, `acknowledged`, `triaged`, `fixed`, `published`, `closed` or `rejected`.
    pub state: String,
    /// The manufacturer it was routed to.
    pub manufacturer: String,
    /// The manufacturer's security contact (manufacturer and operator views).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_contact: Option<String>,
    /// The product.
    pub product: ReportedProduct,
    /// The label the reporter named.
    pub label_id: Option<String>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Affected versions.
    pub affected_versions: Vec<String>,
    /// CVSS 3.x base vector.
    pub cvss_vector: Option<String>,
    /// `none`, `low`, `medium`, `high` or `critical`.
    pub severity: Option<String>,
    /// The reporter.
    pub reporter: Reporter,
    /// Received.
    pub received_at: String,
    /// Acknowledged.
    pub acknowledged_at: Option<String>,
    /// Fix available.
    pub fixed_at: Option<String>,
    /// Versions with the fix.
    pub fixed_versions: Vec<String>,
    /// Why it was rejected: `not-a-vulnerability` or `duplicate`.
    pub resolution: Option<String>,
    /// The report it duplicates.
    pub duplicate_of: Option<String>,
    /// Closed.
    pub closed_at: Option<String>,
    /// Last change.
    pub updated_at: String,
    /// The CRA clocks (manufacturer and operator views).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clocks: Option<ClocksView>,
    /// The published CSAF advisory.
    pub advisory: Option<String>,
    /// The timeline (when reading one report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry>>,
}

fn view(
    state: &AppState,
    r: Report,
    for_reporter: bool,
    timeline: Option<Vec<TimelineEvent>>,
    now: Timestamp,
) -> DisclosureReport {
    let clocks = (!for_reporter).then(|| r.clocks(now).into());
    DisclosureReport {
        advisory: r
            .published_at
            .map(|_| disclosure::advisory_url(&state.registry().config.public_url, &r.id)),
        clocks,
        state: r.state.as_str().to_owned(),
        manufacturer: r.manufacturer,
        security_contact: if for_reporter {
            None
        } else {
            r.security_contact
        },
        product: ReportedProduct {
            id: r.product_id,
            brand: r.brand,
            model: r.model,
        },
        label_id: r.label_id,
        title: r.title,
        description: r.description,
        affected_versions: r.affected_versions,
        cvss_vector: r.cvss_vector,
        severity: r.severity.map(|s| s.as_str().to_owned()),
        reporter: Reporter {
            contact: r.reporter_contact,
            name: r.reporter_name,
        },
        received_at: time(r.received_at),
        acknowledged_at: r.acknowledged_at.map(time),
        fixed_at: r.fixed_at.map(time),
        fixed_versions: r.fixed_versions,
        resolution: r.resolution.map(|x| x.as_str().to_owned()),
        duplicate_of: r.duplicate_of,
        closed_at: r.closed_at.map(time),
        updated_at: time(r.updated_at),
        timeline: timeline.map(|t| t.into_iter().map(Into::into).collect()),
        id: r.id,
    }
}

/// Who is asking: a reporter by follow-up token, or an account.
enum Who {
    Reporter(String),
    Account(Account),
}

impl Who {
    async fn of(state: &AppState, headers: &HeaderMap) -> ApiResult<Self> {
        let token = bearer(headers)?;
        if token.starts_with(REPORTER_TOKEN_PREFIX) {
            Ok(Who::Reporter(token))
        } else {
            Ok(Who::Account(state.registry().authenticate(&token).await?))
        }
    }

    fn viewer(&self) -> Viewer<'_> {
        match self {
            Who::Reporter(t) => Viewer::Reporter(t),
            Who::Account(a) => Viewer::Account(a),
        }
    }
}

/// Report a vulnerability in a product of the registry. No account needed; limited to
/// `server.reports_per_hour` per client address. The report goes to the owning manufacturer's
/// inbox (no e-mail is sent). The answer carries a follow-up token, shown once.
#[utoipa::path(post, path = "/disclosures", tag = "disclosure", request_body = NewDisclosure,
    responses((status = 201, body = DisclosureReceipt), (status = 400, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem, description = "Invalid fields, each named in `errors[].field`"), (status = 429, body = Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    json: Result<Json<NewDisclosure>, JsonRejection>,
) -> ApiResult<Response> {
    let n = body(json)?;
    let receipt = state
        .registry()
        .submit_report(&NewReport::from(n), Timestamp::now())
        .await?;
    let path = format!("{SUBMIT_PATH}/{}", receipt.id);
    let mut response = private(
        StatusCode::CREATED,
        DisclosureReceipt {
            url: format!(
                "{}{path}",
                state.registry().config.public_url.trim_end_matches('/')
            ),
            id: receipt.id,
            token: receipt.token,
        },
    );
    if let Ok(v) = HeaderValue::from_str(&path) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// Listing filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DisclosureQuery {
    /// Only reports in this state.
    pub state: Option<String>,
    /// Only reports with an overdue CRA obligation (actively exploited ones).
    pub overdue: Option<bool>,
    /// Page size (1-500, default 100).
    pub limit: Option<u32>,
    /// Offset.
    pub offset: Option<u32>,
}

/// A page of reports.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisclosurePage {
    /// Reports, newest first, without their timelines.
    pub items: Vec<DisclosureReport>,
}

/// Reports: a manufacturer's inbox (its products), or every report for the operator;
/// `overdue=true` lists those with an overdue CRA obligation.
#[utoipa::path(get, path = "/disclosures", tag = "disclosure", security(("bearer" = [])), params(DisclosureQuery),
    responses((status = 200, body = DisclosurePage), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: Result<Query<DisclosureQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let report_state = q
        .state
        .as_deref()
        .map(str::parse::<ReportState>)
        .transpose()
        .map_err(|e| Problem::bad_request(format!("state: {e}")))?;
    let now = Timestamp::now();
    let reports = state
        .registry()
        .reports(
            &actor,
            &ReportFilter {
                state: report_state,
                overdue: q.overdue.unwrap_or(false),
                limit: q.limit.unwrap_or(100),
                offset: q.offset.unwrap_or(0),
            },
            now,
        )
        .await?;
    let items = reports
        .into_iter()
        .map(|r| view(&state, r, false, None, now))
        .collect();
    Ok(private(StatusCode::OK, DisclosurePage { items }))
}

/// A report with its timeline: for its reporter (`Bearer iotr_...`), the owning manufacturer
/// or the operator; `404` for anyone else.
#[utoipa::path(get, path = "/disclosures/{id}", tag = "disclosure", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, body = DisclosureReport), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let who = Who::of(&state, &headers).await?;
    let (report, timeline) = state.registry().report(who.viewer(), &id).await?;
    let for_reporter = matches!(who, Who::Reporter(_));
    Ok(private(
        StatusCode::OK,
        view(
            &state,
            report,
            for_reporter,
            Some(timeline),
            Timestamp::now(),
        ),
    ))
}

/// A message.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Text (1-20000 characters).
    pub text: String,
}

/// Add a message to a report's timeline: the reporter's follow-up, the manufacturer's update
/// to the reporter, the operator's note.
#[utoipa::path(post, path = "/disclosures/{id}/messages", tag = "disclosure", security(("bearer" = [])), request_body = Message,
    params(("id" = String, Path, description = "Report id")),
    responses((status = 201, body = TimelineEntry), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    json: Result<Json<Message>, JsonRejection>,
) -> ApiResult<Response> {
    let who = Who::of(&state, &headers).await?;
    let m = body(json)?;
    let event = state
        .registry()
        .add_report_message(who.viewer(), &id, &m.text, Timestamp::now())
        .await?;
    Ok(private(StatusCode::CREATED, TimelineEntry::from(event)))
}

/// A manufacturer's action on a report.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisclosureAction {
    /// `acknowledge`, `triage`, `mark-exploited`, `early-warning-sent`, `notification-sent`,
    /// `fixed`, `final-report-sent`, `reject` or `close`.
    pub action: String,
    /// A note for the timeline (required to reject).
    pub note: Option<String>,
    /// `fixed`: the versions with the fix.
    pub fixed_versions: Option<Vec<String>>,
    /// `fixed`: the affected versions as the manufacturer determined them.
    pub affected_versions: Option<Vec<String>>,
    /// `reject`: `not-a-vulnerability` or `duplicate`.
    pub resolution: Option<String>,
    /// `reject` as `duplicate`: the original report.
    pub duplicate_of: Option<String>,
}

/// Record the manufacturer's handling of a report (its own products only): acknowledge,
/// triage, fixed, the CRA early warning / notification / final report sent, reject, close.
/// The operator may only `mark-exploited`. Only the state machine's transitions are allowed
/// (`409` otherwise).
#[utoipa::path(post, path = "/disclosures/{id}/actions", tag = "disclosure", security(("bearer" = [])), request_body = DisclosureAction,
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, body = DisclosureReport), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn act(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    json: Result<Json<DisclosureAction>, JsonRejection>,
) -> ApiResult<Response> {
    let a = body(json)?;
    let action = report_action(&a)?;
    let now = Timestamp::now();
    let report = state
        .registry()
        .act_on_report(&actor, &id, &action, a.note.as_deref(), now)
        .await?;
    Ok(private(
        StatusCode::OK,
        view(&state, report, false, None, now),
    ))
}

/// The registry's action for a requested one (the API's body, or the web portal's form).
pub fn report_action(a: &DisclosureAction) -> ApiResult<ReportAction> {
    let a = a.clone();
    Ok(match a.action.as_str() {
        "acknowledge" => ReportAction::Acknowledge,
        "triage" => ReportAction::Triage,
        "mark-exploited" => ReportAction::MarkExploited,
        "early-warning-sent" => ReportAction::EarlyWarningSent,
        "notification-sent" => ReportAction::NotificationSent,
        "fixed" => ReportAction::Fixed {
            fixed_versions: a.fixed_versions.unwrap_or_default(),
            affected_versions: a.affected_versions,
        },
        "final-report-sent" => ReportAction::FinalReportSent,
        "reject" => ReportAction::Reject {
            resolution: a
                .resolution
                .as_deref()
                .unwrap_or("")
                .parse::<Resolution>()
                .map_err(|e| Problem::bad_request(format!("resolution: {e}")))?,
            duplicate_of: a.duplicate_of,
        },
        "close" => ReportAction::Close,
        other => {
            return Err(Problem::bad_request(format!(
                "action: `{other}` is not one of acknowledge, triage, mark-exploited, early-warning-sent, notification-sent, fixed, final-report-sent, reject, close"
            )));
        }
    })
}

/// What to publish.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAdvisory {
    /// The public description of the vulnerability (the report's own text is not published).
    pub summary: String,
    /// A CVE id, if assigned.
    pub cve: Option<String>,
    /// The affected versions, if they differ from the report's.
    pub affected_versions: Option<Vec<String>>,
}

/// A published advisory.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedAdvisory {
    /// CSAF tracking id.
    pub id: String,
    /// Its public URL.
    pub url: String,
    /// SHA-256 of the document, hex.
    pub sha256: String,
}

/// Publish the CSAF 2.0 advisory of a fixed report (the manufacturer or the operator). The
/// advisory is public from then on, at a stable URL.
#[utoipa::path(post, path = "/disclosures/{id}/advisory", tag = "disclosure", security(("bearer" = [])), request_body = NewAdvisory,
    params(("id" = String, Path, description = "Report id")),
    responses((status = 201, body = PublishedAdvisory), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn publish(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    json: Result<Json<NewAdvisory>, JsonRejection>,
) -> ApiResult<Response> {
    let n = body(json)?;
    let advisory = state
        .registry()
        .publish_advisory(
            &actor,
            &id,
            &Publication {
                summary: n.summary,
                cve: n.cve,
                affected_versions: n.affected_versions,
            },
            Timestamp::now(),
        )
        .await?;
    let mut response = (
        StatusCode::CREATED,
        Json(PublishedAdvisory {
            id: advisory.id,
            url: advisory.url.clone(),
            sha256: advisory.sha256,
        }),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&advisory.url) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// A published CSAF 2.0 advisory (public). The file name is the tracking id in lower case
/// with `.json`, as CSAF 2.0 section 5.1 names advisory files.
#[utoipa::path(get, path = "/csaf/{file}", tag = "disclosure",
    params(("file" = String, Path, description = "`<tracking id>.json`")),
    responses((status = 200, content_type = "application/json", body = Object, description = "CSAF 2.0 document"),
        (status = 304, description = "Unchanged (If-None-Match)"), (status = 404, body = Problem)))]
pub async fn get_csaf(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = file
        .strip_suffix(".json")
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-_".contains(&b))
        })
        .ok_or_else(|| {
            Problem::not_found(format!("no advisory `{file}`: advisories are `<id>.json`"))
        })?;
    let document = state.registry().advisory(id).await?;
    Ok(cache::bytes(
        &headers,
        "application/json",
        document,
        Lifetime::Revalidate,
    ))
}

/// An organisation's security contact.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityContact {
    /// A mailbox or URL for vulnerability reports (`null` clears it).
    pub security_contact: Option<String>,
}

/// Set an organisation's security contact (the organisation's own manufacturer accounts, or
/// the operator). It is shown with every report about the organisation's products.
#[utoipa::path(put, path = "/organisations/{id}/security-contact", tag = "disclosure", security(("bearer" = [])), request_body = SecurityContact,
    params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = SecurityContact), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_security_contact(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    json: Result<Json<SecurityContact>, JsonRejection>,
) -> ApiResult<Json<SecurityContact>> {
    let c = body(json)?;
    let security_contact = state
        .registry()
        .set_security_contact(&actor, &id, c.security_contact.as_deref())
        .await?;
    Ok(Json(SecurityContact { security_contact }))
}
