//! `/search`: find labelled products by words, manufacturer, category, level, status and end of
//! security updates ("all cameras at level 3 or above with updates beyond 2030"), page through
//! them, and export the same selection as CSV (`/search.csv`) for retail and procurement
//! systems.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use iotlabel_registry::{LabelQuery, LabelRecord, LabelStatus, store};
use iotlabel_server::AppState;
use iotlabel_server::api::labels::percent_encode;
use jiff::Timestamp;
use serde::Deserialize;

use crate::format::{csv_line, date, month_year, product_name};
use crate::page::{PageCtx, WebError};

/// Results per page.
const PAGE_SIZE: u32 = 25;
/// Most rows one CSV export holds.
const MAX_CSV_ROWS: u32 = 10_000;

/// `/search`, `/search.csv`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(search_page))
        .route("/search.csv", get(search_csv))
}

/// The search form as typed (every field kept as text, so a wrong value is shown back as
/// the person typed it).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct SearchForm {
    /// Words.
    #[serde(default)]
    pub q: String,
    /// Manufacturer.
    #[serde(default)]
    pub manufacturer: String,
    /// Category.
    #[serde(default)]
    pub category: String,
    /// Catalogue profile id.
    #[serde(default)]
    pub profile: String,
    /// Minimum level.
    #[serde(default)]
    pub level: String,
    /// Status.
    #[serde(default)]
    pub status: String,
    /// Security updates at least until (`YYYY-MM` or `YYYY`).
    #[serde(default)]
    pub updates_until: String,
    /// Page, from 1.
    #[serde(default)]
    pub page: String,
}

/// A form problem, by field.
pub struct FieldProblem {
    /// The field's name.
    pub field: &'static str,
    /// What is wrong and what to type.
    pub message: String,
}

impl SearchForm {
    /// The registry query, or what is wrong with the form.
    fn query(&self, ctx: &PageCtx) -> Result<LabelQuery, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let clean = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.chars().take(200).collect::<String>())
        };
        let min_level = match self.level.trim() {
            "" => None,
            l => match l.parse::<u8>() {
                Ok(n @ 1..=4) => Some(n),
                _ => {
                    problems.push(FieldProblem {
                        field: "level",
                        message: ctx.t("search-bad-level"),
                    });
                    None
                }
            },
        };
        let status = match self.status.trim() {
            "" => None,
            s => match s.parse::<LabelStatus>() {
                Ok(s) => Some(s),
                Err(_) => {
                    problems.push(FieldProblem {
                        field: "status",
                        message: ctx.t("search-bad-status"),
                    });
                    None
                }
            },
        };
        let support = self.updates_until.trim();
        let support_end_from = if support.is_empty() {
            None
        } else if support.len() == 4 && support.bytes().all(|b| b.is_ascii_digit()) {
            // A year alone means "until the end of that year".
            Some(format!("{support}-12"))
        } else if support.len() == 7
            && support.as_bytes()[4] == b'-'
            && support[..4].bytes().all(|b| b.is_ascii_digit())
            && matches!(support[5..].parse::<u8>(), Ok(1..=12))
        {
            Some(support.to_owned())
        } else {
            problems.push(FieldProblem {
                field: "updates_until",
                message: ctx.t("search-bad-month"),
            });
            None
        };
        let page = self
            .page
            .trim()
            .parse::<u32>()
            .unwrap_or(1)
            .clamp(1, 10_000);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(LabelQuery {
            text: clean(&self.q),
            manufacturer: clean(&self.manufacturer),
            category: clean(&self.category),
            profile: clean(&self.profile),
            min_level,
            status,
            support_end_from,
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        })
    }

    /// The query string of this search, for links (pages, CSV).
    fn query_string(&self, page: Option<u32>) -> String {
        let mut pairs = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("manufacturer", &self.manufacturer),
            ("category", &self.category),
            ("profile", &self.profile),
            ("level", &self.level),
            ("status", &self.status),
            ("updates_until", &self.updates_until),
        ] {
            if !v.trim().is_empty() {
                pairs.push(format!("{k}={}", percent_encode(v.trim())));
            }
        }
        if let Some(p) = page {
            pairs.push(format!("page={p}"));
        }
        pairs.join("&")
    }
}

/// A result row.
pub struct ResultRow {
    /// Link to the label page.
    pub href: String,
    /// Product name.
    pub name: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Category.
    pub category: String,
    /// Level.
    pub level: u8,
    /// Status now.
    pub status: String,
    /// Badge class.
    pub class: &'static str,
    /// Security updates until.
    pub support: String,
    /// Software version.
    pub software: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    ctx: &'a PageCtx,
    form: SearchForm,
    problems: Vec<FieldProblem>,
    rows: Vec<ResultRow>,
    total: u64,
    categories: Vec<String>,
    /// Catalogue profiles: id and title in the page's language.
    profiles: Vec<(String, String)>,
    statuses: Vec<&'static str>,
    csv_href: String,
    previous: Option<String>,
    next: Option<String>,
}

impl SearchPage<'_> {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

async fn search_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(form): Query<SearchForm>,
) -> Response {
    let result = render(&state, &ctx, form).await;
    ctx.respond(result)
}

async fn render(state: &AppState, ctx: &PageCtx, form: SearchForm) -> Result<Response, WebError> {
    let registry = state.registry();
    let categories = store::label_categories(&registry.db.pool).await?;
    let (rows, total, problems, page) = match form.query(ctx) {
        Ok(q) => {
            let page = q.offset / PAGE_SIZE + 1;
            let (labels, total) = registry.search(&q).await?;
            let now = Timestamp::now();
            let rows = labels
                .into_iter()
                .map(|l| {
                    let (status, class) = ctx.status_badge(registry.effective_status(&l, now));
                    ResultRow {
                        href: ctx.href(&format!("/L/{}", l.id)),
                        name: product_name(&l.brand, &l.model),
                        manufacturer: l.manufacturer,
                        category: l.category,
                        level: l.level,
                        status,
                        class,
                        support: month_year(&l.support_end),
                        software: l.software_version,
                    }
                })
                .collect();
            (rows, total, Vec::new(), page)
        }
        Err(problems) => (Vec::new(), 0, problems, 1),
    };
    let status = if problems.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::BAD_REQUEST
    };
    let link = |p: u32| ctx.href(&format!("/search?{}", form.query_string(Some(p))));
    let page_view = SearchPage {
        ctx,
        csv_href: format!("/search.csv?{}", form.query_string(None)),
        previous: (page > 1).then(|| link(page - 1)),
        next: (u64::from(page) * u64::from(PAGE_SIZE) < total).then(|| link(page + 1)),
        form,
        problems,
        rows,
        total,
        categories,
        profiles: registry
            .catalog
            .profiles
            .iter()
            .map(|p| {
                let title = registry
                    .catalog
                    .profile_title_in(ctx.lang.tag(), &p.id)
                    .unwrap_or(&p.title);
                (p.id.clone(), title.to_owned())
            })
            .collect(),
        statuses: ["active", "suspended", "revoked", "expired", "superseded"].to_vec(),
    };
    Ok(ctx.render_status(status, &page_view))
}

async fn search_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(form): Query<SearchForm>,
) -> Response {
    let result = csv(&state, &ctx, form).await;
    ctx.respond(result)
}

/// The CSV columns.
const CSV_HEADER: [&str; 14] = [
    "label_id",
    "status",
    "level",
    "manufacturer",
    "brand",
    "model",
    "category",
    "hardware_version",
    "software_version",
    "security_updates_until",
    "issued",
    "expires",
    "catalog_version",
    "label_url",
];

fn csv_row(state: &AppState, l: &LabelRecord, now: Timestamp) -> String {
    let registry = state.registry();
    let base = registry.config.public_url.trim_end_matches('/');
    csv_line(&[
        l.id.as_str(),
        registry.effective_status(l, now).as_str(),
        &l.level.to_string(),
        &l.manufacturer,
        &l.brand,
        &l.model,
        &l.category,
        &l.hardware_version,
        &l.software_version,
        &l.support_end,
        &date(l.issued_at),
        &date(l.expires_at),
        &l.catalog_version,
        &format!("{base}/L/{}", l.id),
    ])
}

async fn csv(state: &AppState, ctx: &PageCtx, form: SearchForm) -> Result<Response, WebError> {
    let mut q = form.query(ctx).map_err(|p| {
        WebError::BadRequest(
            p.into_iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    q.offset = 0;
    q.limit = MAX_CSV_ROWS;
    let (labels, _) = state.registry().search(&q).await?;
    let now = Timestamp::now();
    let mut body = csv_line(&CSV_HEADER);
    for l in &labels {
        body.push_str(&csv_row(state, l, now));
    }
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"iotlabel-labels.csv\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
