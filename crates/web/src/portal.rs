//! The manufacturer portal, behind a sign-in with an account's API token:
//!
//! - `/portal`: sign in, then the organisation's labels (manufacturers) or every label and the
//!   overdue disclosure reports (the scheme operator);
//! - `/portal/declare`: the guided declaration form, every question explained in plain words;
//!   `/portal/submit`: upload (or paste) a declaration file with its evidence;
//! - `/portal/labels/<id>`: the assessment and what is missing for the next level, the product's
//!   versions, artwork downloads, SBOM and VEX uploads, and the operator's lifecycle actions;
//! - `/portal/reports`: the vulnerability reports inbox, and each report with its timeline,
//!   CRA clocks and the manufacturer's actions.
//!
//! Every write goes through the registry library exactly as the API does, so roles and
//! ownership are enforced there (a manufacturer cannot touch another organisation's labels)
//! and its errors become pages; every POST is checked against CSRF first.

mod assessment;
mod auth;
mod declare;
mod form;
mod inbox;
mod labels;
mod upload;

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use iotlabel_registry::disclosure::{ReportFilter, ReportState};
use iotlabel_registry::{Account, LabelQuery, LabelStatus, Role};
use iotlabel_server::AppState;
use iotlabel_server::api::labels::percent_encode;
use jiff::Timestamp;
use serde::Deserialize;

use crate::page::{PageCtx, WebError};

pub use auth::{ClientIp, SignInLimiter};
pub use form::{Field, FormState, ProblemLine, Refusal};

/// Labels per page of the portal's lists.
const PAGE_SIZE: u32 = 50;

/// The portal's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(home))
        .route("/signin", post(auth::sign_in))
        .route("/signout", post(auth::sign_out))
        .route("/portal/declare", get(declare::page).post(declare::submit))
        .route("/portal/submit", get(upload::page).post(upload::submit))
        .route("/portal/labels/{id}", get(labels::page))
        .route("/portal/labels/{id}/status", post(labels::change_status))
        .route("/portal/labels/{id}/sbom", post(labels::sbom))
        .route("/portal/labels/{id}/vex", post(labels::vex))
        .route("/portal/labels/{id}/artwork/{file}", get(labels::artwork))
        .route("/portal/reports", get(inbox::list))
        .route("/portal/reports/{id}", get(inbox::page))
        .route("/portal/reports/{id}/action", post(inbox::act))
        .route("/portal/reports/{id}/message", post(inbox::message))
        .route("/portal/reports/{id}/advisory", post(inbox::publish))
        .layer(Extension(Arc::new(SignInLimiter::new())))
}

/// The signed-in account if it has `role`.
fn require(ctx: &PageCtx, role: Role) -> Result<&Account, WebError> {
    let account = ctx.signed_in()?;
    if account.role == role {
        Ok(account)
    } else {
        Err(WebError::Forbidden(ctx.t(match role {
            Role::Operator => "portal-needs-operator",
            _ => "portal-needs-manufacturer",
        })))
    }
}

/// The signed-in manufacturer or operator.
fn manufacturer_or_operator(ctx: &PageCtx) -> Result<&Account, WebError> {
    let account = ctx.signed_in()?;
    match account.role {
        Role::Manufacturer | Role::Operator => Ok(account),
        Role::Assessor => Err(WebError::Forbidden(ctx.t("portal-needs-manufacturer"))),
    }
}

/// A label as a row of the portal's lists.
pub struct LabelRow {
    /// Id.
    pub id: String,
    /// Its portal page.
    pub href: String,
    /// Product name.
    pub product: String,
    /// Hardware version.
    pub hardware: String,
    /// Software version.
    pub software: String,
    /// Status in words.
    pub status: String,
    /// `ok`, `warn` or `bad`.
    pub tone: &'static str,
    /// Level.
    pub level: u8,
    /// `MM/YYYY`.
    pub support_end: String,
    /// Issue date.
    pub issued: String,
    /// The label that replaced it.
    pub superseded_by: Option<String>,
    /// Manufacturer.
    pub manufacturer: String,
}

fn label_row(
    ctx: &PageCtx,
    state: &AppState,
    r: &iotlabel_registry::LabelRecord,
    now: Timestamp,
) -> LabelRow {
    let (status, tone) = ctx.status_badge(state.registry().effective_status(r, now));
    LabelRow {
        href: ctx.href(&format!("/portal/labels/{}", r.id)),
        id: r.id.clone(),
        product: crate::format::product_name(&r.brand, &r.model),
        hardware: r.hardware_version.clone(),
        software: r.software_version.clone(),
        status,
        tone,
        level: r.level,
        support_end: crate::format::month_year(&r.support_end),
        issued: crate::format::date(r.issued_at),
        superseded_by: r.superseded_by.clone(),
        manufacturer: r.manufacturer.clone(),
    }
}

/// A disclosure report as a row of a list.
pub struct ReportRow {
    /// Id.
    pub id: String,
    /// Its portal page.
    pub href: String,
    /// Product.
    pub product: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Title.
    pub title: String,
    /// State in words.
    pub state: String,
    /// Severity in words ("" when unknown).
    pub severity: String,
    /// Received.
    pub received: String,
    /// An obligation is overdue.
    pub overdue: bool,
    /// Marked actively exploited.
    pub exploited: bool,
}

fn report_row(
    ctx: &PageCtx,
    r: &iotlabel_registry::disclosure::Report,
    now: Timestamp,
) -> ReportRow {
    let clocks = r.clocks(now);
    ReportRow {
        href: ctx.href(&format!("/portal/reports/{}", r.id)),
        id: r.id.clone(),
        product: crate::format::product_name(&r.brand, &r.model),
        manufacturer: r.manufacturer.clone(),
        title: r.title.clone(),
        state: ctx.t(&format!("portal-report-state-{}", r.state.as_str())),
        severity: r
            .severity
            .map(|s| ctx.t(&format!("portal-severity-{}", s.as_str())))
            .unwrap_or_default(),
        received: crate::format::date_time(r.received_at),
        overdue: clocks.overdue,
        exploited: clocks.actively_exploited,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HomeQuery {
    q: Option<String>,
    status: Option<String>,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct Home<'a> {
    ctx: &'a PageCtx,
    account: Account,
    role: String,
    operator: bool,
    assessor: bool,
    labels: Vec<LabelRow>,
    total: u64,
    page: u32,
    prev_href: Option<String>,
    next_href: Option<String>,
    q: String,
    statuses: Vec<form::Choice>,
    new_reports: u64,
    overdue: Vec<ReportRow>,
}

/// `GET /portal`: the sign-in form, or the signed-in person's start page.
async fn home(
    State(state): State<AppState>,
    ctx: PageCtx,
    query: Result<Query<HomeQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let r = home_inner(&state, &ctx, q).await;
    ctx.respond(r)
}

async fn home_inner(state: &AppState, ctx: &PageCtx, q: HomeQuery) -> Result<Response, WebError> {
    let Some(account) = ctx.account.clone() else {
        return Ok(ctx.render(&auth::SignInPage { ctx, error: None }));
    };
    let now = Timestamp::now();
    let operator = account.role == Role::Operator;
    if account.role == Role::Assessor {
        return Ok(ctx.render(&Home {
            ctx,
            role: ctx.t("portal-role-assessor"),
            account,
            operator,
            assessor: true,
            labels: Vec::new(),
            total: 0,
            page: 1,
            prev_href: None,
            next_href: None,
            q: String::new(),
            statuses: Vec::new(),
            new_reports: 0,
            overdue: Vec::new(),
        }));
    }
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(200).collect::<String>());
    let status = q
        .status
        .as_deref()
        .and_then(|s| s.parse::<LabelStatus>().ok());
    let query = LabelQuery {
        text: text.clone(),
        // A manufacturer sees its own organisation's labels (organisation names are unique).
        manufacturer: (!operator).then(|| account.organisation_name.clone()),
        status,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        ..LabelQuery::default()
    };
    let (records, total) = state.registry().search(&query).await?;
    let labels = records
        .iter()
        .map(|r| label_row(ctx, state, r, now))
        .collect();
    let link = |p: u32| {
        let mut s = format!("/portal?page={p}");
        if let Some(t) = &text {
            s.push_str(&format!("&q={}", percent_encode(t)));
        }
        if let Some(st) = status {
            s.push_str(&format!("&status={}", st.as_str()));
        }
        ctx.href(&s)
    };
    let prev_href = (page > 1).then(|| link(page - 1));
    let next_href = (u64::from(page) * u64::from(PAGE_SIZE) < total).then(|| link(page + 1));
    let new_reports = state
        .registry()
        .reports(
            &account,
            &ReportFilter {
                state: Some(ReportState::Received),
                overdue: false,
                limit: 500,
                offset: 0,
            },
            now,
        )
        .await?
        .len() as u64;
    let overdue = if operator {
        state
            .registry()
            .reports(
                &account,
                &ReportFilter {
                    state: None,
                    overdue: true,
                    limit: 100,
                    offset: 0,
                },
                now,
            )
            .await?
            .iter()
            .map(|r| report_row(ctx, r, now))
            .collect()
    } else {
        Vec::new()
    };
    let statuses = [
        LabelStatus::Active,
        LabelStatus::Suspended,
        LabelStatus::Revoked,
        LabelStatus::Expired,
        LabelStatus::Superseded,
    ]
    .into_iter()
    .map(|s| form::Choice {
        value: s.as_str().to_owned(),
        label: ctx.status_badge(s).0,
        checked: status == Some(s),
    })
    .collect();
    Ok(ctx.render(&Home {
        ctx,
        role: ctx.t(&format!("portal-role-{}", account.role.as_str())),
        account,
        operator,
        assessor: false,
        labels,
        total,
        page,
        prev_href,
        next_href,
        q: text.unwrap_or_default(),
        statuses,
        new_reports,
        overdue,
    }))
}
