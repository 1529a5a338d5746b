//! The vulnerability reports inbox: a manufacturer's reports about its products (the
//! operator sees all of them), and one report with its CRA clocks, timeline and the
//! manufacturer's handling — acknowledge, triage, fixed, the CRA notifications, reject,
//! close, messages to the reporter, and the CSAF advisory once fixed.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use iotlabel_registry::disclosure::{
    Publication, Report, ReportFilter, ReportState, TimelineEvent, Viewer,
};
use iotlabel_registry::{Account, Role};
use iotlabel_server::AppState;
use iotlabel_server::api::disclosure::{DisclosureAction, report_action};
use jiff::Timestamp;
use serde::Deserialize;

use super::form::{Choice, Refusal, see_other, split_list};
use super::{ReportRow, manufacturer_or_operator, report_row};
use crate::disclosure::{TimelineRow, paragraphs, timeline_rows};
use crate::page::{PageCtx, WebError};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    state: Option<String>,
    overdue: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_inbox.html")]
struct InboxPage<'a> {
    ctx: &'a PageCtx,
    operator: bool,
    reports: Vec<ReportRow>,
    states: Vec<Choice>,
    overdue: bool,
}

/// `GET /portal/reports`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let r = async {
        let account = manufacturer_or_operator(&ctx)?.clone();
        let chosen = q
            .state
            .as_deref()
            .and_then(|s| s.parse::<ReportState>().ok());
        let overdue = q
            .overdue
            .as_deref()
            .is_some_and(|o| o == "1" || o == "true");
        let now = Timestamp::now();
        let reports = state
            .registry()
            .reports(
                &account,
                &ReportFilter {
                    state: chosen,
                    overdue,
                    limit: 500,
                    offset: 0,
                },
                now,
            )
            .await?
            .iter()
            .map(|r| report_row(&ctx, r, now))
            .collect();
        let states = [
            ReportState::Received,
            ReportState::Acknowledged,
            ReportState::Triaged,
            ReportState::Fixed,
            ReportState::Published,
            ReportState::Closed,
            ReportState::Rejected,
        ]
        .into_iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: ctx.t(&format!("portal-report-state-{}", s.as_str())),
            checked: chosen == Some(s),
        })
        .collect();
        Ok::<_, WebError>(ctx.render(&InboxPage {
            ctx: &ctx,
            operator: account.role == Role::Operator,
            reports,
            states,
            overdue,
        }))
    }
    .await;
    ctx.respond(r)
}

/// One CRA clock as a row.
pub struct ClockRow {
    /// Which obligation.
    pub name: String,
    /// Due.
    pub due: String,
    /// Done.
    pub done: Option<String>,
    /// Past due and not done.
    pub past_due: bool,
}

/// What the person typed into the forms of the report page, and what went wrong.
#[derive(Default)]
struct Typed {
    /// Which form failed: `step`, `fixed`, `reject`, `message`, `advisory`.
    form: String,
    errors: Vec<String>,
    action: String,
    note: String,
    fixed_versions: String,
    affected_versions: String,
    resolution: String,
    duplicate_of: String,
    text: String,
    summary: String,
    cve: String,
}

#[derive(Template)]
#[template(path = "portal_report.html")]
struct ReportPage<'a> {
    ctx: &'a PageCtx,
    id: String,
    operator: bool,
    notice: Option<String>,
    title: String,
    product: String,
    manufacturer: String,
    security_contact: String,
    label: Option<String>,
    state_words: String,
    severity: String,
    cvss: String,
    affected: String,
    fixed: String,
    reporter: String,
    reporter_contact: String,
    received: String,
    description: Vec<String>,
    advisory: Option<String>,
    exploited: bool,
    overdue: bool,
    clocks: Vec<ClockRow>,
    v: TimelineHolder,
    steps: Vec<Choice>,
    can_fix: bool,
    can_reject: bool,
    can_publish: bool,
    open: bool,
    action_href: String,
    message_href: String,
    advisory_href: String,
    typed: Typed,
}

/// The timeline, under the name the shared timeline template reads.
struct TimelineHolder {
    timeline: Vec<TimelineRow>,
}

fn build<'a>(
    ctx: &'a PageCtx,
    state: &AppState,
    account: &Account,
    report: &Report,
    events: &[TimelineEvent],
    notice: Option<String>,
    typed: Typed,
) -> ReportPage<'a> {
    let now = Timestamp::now();
    let clocks = report.clocks(now);
    let operator = account.role == Role::Operator;
    let s = report.state;
    let open = !s.is_final();
    let clock = |name: &str, c: iotlabel_registry::disclosure::Clock| ClockRow {
        name: ctx.t(name),
        due: crate::format::date_time(c.due),
        done: c.done_at.map(crate::format::date_time),
        past_due: c.past_due,
    };
    let mut clock_rows = vec![
        clock("portal-clock-early-warning", clocks.early_warning),
        clock("portal-clock-notification", clocks.notification),
    ];
    if let Some(f) = clocks.final_report {
        clock_rows.push(clock("portal-clock-final-report", f));
    }
    // The steps the state machine allows now (the registry decides; this only spares the
    // manufacturer buttons that would be refused).
    let mut steps: Vec<&str> = Vec::new();
    if operator {
        if report.exploited_since.is_none() && open {
            steps.push("mark-exploited");
        }
    } else {
        if s.can_become(ReportState::Acknowledged) {
            steps.push("acknowledge");
        }
        if s.can_become(ReportState::Triaged) {
            steps.push("triage");
        }
        if report.exploited_since.is_none() && open {
            steps.push("mark-exploited");
        }
        if s != ReportState::Rejected && open {
            if report.early_warning_at.is_none() {
                steps.push("early-warning-sent");
            }
            if report.notification_at.is_none() {
                steps.push("notification-sent");
            }
        }
        if report.fixed_at.is_some()
            && report.final_report_at.is_none()
            && s != ReportState::Rejected
        {
            steps.push("final-report-sent");
        }
        if s.can_become(ReportState::Closed) {
            steps.push("close");
        }
    }
    let steps = steps
        .into_iter()
        .map(|a| Choice {
            value: a.to_owned(),
            label: ctx.t(&format!("portal-step-{a}")),
            checked: typed.action == a,
        })
        .collect();
    let id = report.id.clone();
    ReportPage {
        ctx,
        operator,
        notice,
        title: report.title.clone(),
        product: crate::format::product_name(&report.brand, &report.model),
        manufacturer: report.manufacturer.clone(),
        security_contact: report.security_contact.clone().unwrap_or_default(),
        label: report.label_id.clone(),
        state_words: ctx.t(&format!("portal-report-state-{}", s.as_str())),
        severity: report
            .severity
            .map(|x| ctx.t(&format!("portal-severity-{}", x.as_str())))
            .unwrap_or_default(),
        cvss: report.cvss_vector.clone().unwrap_or_default(),
        affected: report.affected_versions.join(", "),
        fixed: report.fixed_versions.join(", "),
        reporter: report.reporter_name.clone().unwrap_or_default(),
        reporter_contact: report.reporter_contact.clone(),
        received: crate::format::date_time(report.received_at),
        description: paragraphs(&report.description),
        advisory: report.published_at.map(|_| {
            iotlabel_registry::disclosure::advisory_url(
                &state.registry().config.public_url,
                &report.id,
            )
        }),
        exploited: clocks.actively_exploited,
        overdue: clocks.overdue,
        clocks: clock_rows,
        v: TimelineHolder {
            timeline: timeline_rows(ctx, events),
        },
        steps,
        can_fix: !operator && s.can_become(ReportState::Fixed),
        can_reject: !operator && s.can_become(ReportState::Rejected),
        can_publish: s == ReportState::Fixed,
        open,
        action_href: ctx.href(&format!("/portal/reports/{id}/action")),
        message_href: ctx.href(&format!("/portal/reports/{id}/message")),
        advisory_href: ctx.href(&format!("/portal/reports/{id}/advisory")),
        id,
        typed,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    done: Option<String>,
}

/// The report, if the signed-in account may read it (the registry answers "not found" for
/// anyone else's).
async fn load(
    state: &AppState,
    ctx: &PageCtx,
    id: &str,
) -> Result<(Account, Report, Vec<TimelineEvent>), WebError> {
    let account = manufacturer_or_operator(ctx)?.clone();
    let (report, events) = state
        .registry()
        .report(Viewer::Account(&account), id)
        .await?;
    Ok((account, report, events))
}

/// `GET /portal/reports/<id>`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let done = query.ok().and_then(|Query(q)| q.done);
    let r = async {
        let (account, report, events) = load(&state, &ctx, &id).await?;
        let notice = done.as_deref().and_then(|d| match d {
            "action" | "message" | "advisory" => Some(ctx.t(&format!("portal-report-done-{d}"))),
            _ => None,
        });
        let page = build(
            &ctx,
            &state,
            &account,
            &report,
            &events,
            notice,
            Typed::default(),
        );
        Ok::<_, WebError>(private(ctx.render(&page)))
    }
    .await;
    ctx.respond(r)
}

fn private(mut r: Response) -> Response {
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

/// Any of the report page's forms.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    csrf: String,
    form: String,
    action: String,
    note: String,
    fixed_versions: String,
    affected_versions: String,
    resolution: String,
    duplicate_of: String,
    text: String,
    summary: String,
    cve: String,
}

impl ReportForm {
    fn typed(&self, form: &str) -> Typed {
        Typed {
            form: form.to_owned(),
            errors: Vec::new(),
            action: self.action.clone(),
            note: self.note.clone(),
            fixed_versions: self.fixed_versions.clone(),
            affected_versions: self.affected_versions.clone(),
            resolution: self.resolution.clone(),
            duplicate_of: self.duplicate_of.clone(),
            text: self.text.clone(),
            summary: self.summary.clone(),
            cve: self.cve.clone(),
        }
    }
}

/// Runs one of the page's writes; on a refusal, the page again with what was typed.
async fn write<F, Fut>(
    state: &AppState,
    ctx: &PageCtx,
    id: &str,
    headers: &HeaderMap,
    form: Result<Form<ReportForm>, FormRejection>,
    which: &str,
    op: F,
) -> Result<Response, WebError>
where
    F: FnOnce(Account, ReportForm) -> Fut,
    Fut: std::future::Future<Output = Result<(), Refusal>>,
{
    let Form(f) = form.map_err(|_| WebError::BadRequest(ctx.t("portal-form-unreadable")))?;
    ctx.verify_csrf(headers, &f.csrf)?;
    let (account, report, _) = load(state, ctx, id).await?;
    let done = which;
    let which = if which == "action" {
        match f.form.as_str() {
            "fixed" | "reject" => f.form.clone(),
            _ => "step".to_owned(),
        }
    } else {
        which.to_owned()
    };
    let mut typed = f.typed(&which);
    match op(account.clone(), f).await {
        Ok(()) => Ok(see_other(
            ctx,
            &format!("/portal/reports/{}?done={done}", report.id),
        )),
        Err(Refusal::Page(e)) => Err(e),
        Err(Refusal::Shown(status, lines)) => {
            typed.errors.extend(lines);
            let (report, events) = state
                .registry()
                .report(Viewer::Account(&account), &report.id)
                .await?;
            let page = build(ctx, state, &account, &report, &events, None, typed);
            Ok(private(ctx.render_status(status, &page)))
        }
    }
}

/// `POST /portal/reports/<id>/action`: a step, `fixed` or `reject`.
pub async fn act(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ReportForm>, FormRejection>,
) -> Response {
    let r = write(&state, &ctx, &id, &headers, form, "action", |account, f| {
        let state = state.clone();
        let id = id.clone();
        let choose = ctx.t("portal-action-choose");
        async move {
            if f.action.is_empty() {
                return Err(WebError::BadRequest(choose).into());
            }
            let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
            let a = DisclosureAction {
                action: f.action.clone(),
                note: opt(&f.note),
                fixed_versions: Some(split_list(&f.fixed_versions.replace(' ', ","))),
                affected_versions: opt(&f.affected_versions)
                    .map(|a| split_list(&a.replace(' ', ","))),
                resolution: opt(&f.resolution),
                duplicate_of: opt(&f.duplicate_of),
            };
            let action = report_action(&a).map_err(WebError::from)?;
            state
                .registry()
                .act_on_report(&account, &id, &action, a.note.as_deref(), Timestamp::now())
                .await?;
            Ok(())
        }
    })
    .await;
    ctx.respond(r)
}

/// `POST /portal/reports/<id>/message`: an update to the reporter (or the operator's note).
pub async fn message(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ReportForm>, FormRejection>,
) -> Response {
    let r = write(
        &state,
        &ctx,
        &id,
        &headers,
        form,
        "message",
        |account, f| {
            let state = state.clone();
            let id = id.clone();
            let empty = ctx.t("report-message-empty");
            async move {
                if f.text.trim().is_empty() {
                    return Err(WebError::BadRequest(empty).into());
                }
                state
                    .registry()
                    .add_report_message(Viewer::Account(&account), &id, &f.text, Timestamp::now())
                    .await?;
                Ok(())
            }
        },
    )
    .await;
    ctx.respond(r)
}

/// `POST /portal/reports/<id>/advisory`: publish the CSAF advisory of a fixed report.
pub async fn publish(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ReportForm>, FormRejection>,
) -> Response {
    let r = write(
        &state,
        &ctx,
        &id,
        &headers,
        form,
        "advisory",
        |account, f| {
            let state = state.clone();
            let id = id.clone();
            let empty = ctx.t("portal-advisory-summary-required");
            async move {
                if f.summary.trim().is_empty() {
                    return Err(WebError::BadRequest(empty).into());
                }
                let cve = Some(f.cve.trim().to_owned()).filter(|c| !c.is_empty());
                state
                    .registry()
                    .publish_advisory(
                        &account,
                        &id,
                        &Publication {
                            summary: f.summary.clone(),
                            cve,
                            affected_versions: None,
                        },
                        Timestamp::now(),
                    )
                    .await?;
                Ok(())
            }
        },
    )
    .await;
    ctx.respond(r)
}
