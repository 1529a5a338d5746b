//! `/dashboard`: the evidence dashboard for policymakers. Across every label, over time: labels
//! by level, status and profile; the provisions that fail most; unresolved and known-exploited
//! vulnerabilities and the time to remediate them; disclosure clocks met or missed; support
//! periods; and the "living checklist", weakness classes found in labelled products that no
//! provision addresses and the provisions most often declared "no".
//!
//! Every chart is drawn on the server by plotters as SVG (see [`chart`]), with a heading, a
//! caption, a text alternative, the numbers as a table, and the same numbers as CSV and JSON at
//! `/dashboard/data/<chart>.csv` and `.json`.
//!
//! The aggregates are SQL `GROUP BY`s over the registry ([`iotlabel_registry::stats`]) and are
//! kept in memory: they are recomputed when the log has committed something since and the hour
//! has turned (expiries change statuses without a commit), but at most once every
//! [`MIN_INTERVAL`], so a registry under heavy writing is not re-aggregated on every view.
//! Charts are drawn once per computation and language.

pub mod chart;
pub mod data;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use iotlabel_registry::stats::{self, Aggregates};
use iotlabel_server::AppState;
use jiff::Timestamp;

use crate::i18n::{Lang, Tr};
use crate::page::{PageCtx, WebError};

use self::data::{Chart, Kpi, Section};

/// Aggregates are recomputed at most this often, however much the registry changes.
pub const MIN_INTERVAL: Duration = Duration::from_secs(60);
/// Statuses depend on the clock too (a label past its expiry reads expired): without any
/// commit, aggregates are recomputed when this period turns.
const TIME_BUCKET_SECS: i64 = 3600;

/// The routes of this area.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(page))
        .route("/dashboard/data/{file}", get(download))
        .layer(Extension(Arc::new(DashboardCache::default())))
}

/// One computation of the aggregates, with the charts drawn from it per language.
pub struct Snapshot {
    /// The aggregates.
    pub aggregates: Arc<Aggregates>,
    key: (u64, i64),
    computed: Instant,
    views: Mutex<HashMap<Lang, Arc<View>>>,
}

/// The page's content in one language.
pub struct View {
    /// Sections with their charts.
    pub sections: Vec<Section>,
    /// Drawn charts by chart id.
    pub figures: HashMap<&'static str, Figure>,
    /// Headline figures.
    pub kpis: Vec<Kpi>,
}

/// A drawn chart as the page embeds it.
pub struct Figure {
    /// `data:image/svg+xml;base64,...`, or `None` when there is nothing to draw.
    pub img: Option<String>,
    /// Text alternative.
    pub alt: String,
    /// Drawing size.
    pub width: u32,
    /// Drawing size.
    pub height: u32,
}

/// The aggregates in memory (see the module documentation).
#[derive(Default)]
pub struct DashboardCache {
    current: tokio::sync::Mutex<Option<Arc<Snapshot>>>,
}

impl DashboardCache {
    /// The aggregates for a registry, recomputed only when needed (one computation at a time;
    /// concurrent requests wait for it rather than start their own).
    pub async fn get(&self, state: &AppState) -> Result<Arc<Snapshot>, WebError> {
        let now = Timestamp::now();
        let registry = state.registry();
        let key = (
            registry.log.generation(),
            now.as_second().div_euclid(TIME_BUCKET_SECS),
        );
        let mut current = self.current.lock().await;
        if let Some(s) = current.as_ref()
            && (s.key == key || s.computed.elapsed() < MIN_INTERVAL)
        {
            return Ok(s.clone());
        }
        let aggregates = stats::aggregates(&registry.db.pool, now).await?;
        let snapshot = Arc::new(Snapshot {
            aggregates: Arc::new(aggregates),
            key,
            computed: Instant::now(),
            views: Mutex::new(HashMap::new()),
        });
        *current = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// Forgets the aggregates (the next view recomputes them).
    pub async fn clear(&self) {
        *self.current.lock().await = None;
    }
}

impl Snapshot {
    /// The page's content in a language (drawn on first use).
    pub fn view(&self, state: &AppState, t: &Tr) -> Result<Arc<View>, WebError> {
        if let Some(v) = self
            .views
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&t.lang)
        {
            return Ok(v.clone());
        }
        let catalog = &state.registry().catalog;
        let sections = data::sections(&self.aggregates, catalog, t, t.lang);
        let mut figures = HashMap::new();
        for c in sections.iter().flat_map(|s| &s.charts) {
            let svg =
                chart::draw(c).map_err(|e| WebError::Internal(format!("chart {}: {e}", c.id)))?;
            figures.insert(
                c.id,
                Figure {
                    alt: c.alt(t),
                    width: svg.as_ref().map_or(chart::WIDTH, |s| s.width),
                    height: svg.as_ref().map_or(0, |s| s.height),
                    img: svg
                        .map(|s| format!("data:image/svg+xml;base64,{}", STANDARD.encode(s.text))),
                },
            );
        }
        let view = Arc::new(View {
            kpis: data::kpis(&self.aggregates, t),
            sections,
            figures,
        });
        self.views
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(t.lang, view.clone());
        Ok(view)
    }

    /// The instant the figures are for, as the page shows it.
    pub fn as_of(&self) -> String {
        crate::format::date_time(self.aggregates.at)
    }

    /// The instant as RFC 3339, for the data files.
    fn as_of_rfc3339(&self) -> String {
        Timestamp::from_second(self.aggregates.at)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }
}

/// One chart on the page.
struct FigureItem<'a> {
    chart: &'a Chart,
    figure: Option<&'a Figure>,
    csv: String,
    json: String,
}

struct SectionItem<'a> {
    section: &'a Section,
    figures: Vec<FigureItem<'a>>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    ctx: &'a PageCtx,
    as_of: String,
    kpis: &'a [Kpi],
    sections: Vec<SectionItem<'a>>,
}

async fn page(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<DashboardCache>>,
    ctx: PageCtx,
) -> Response {
    let result = async {
        let snapshot = cache.get(&state).await?;
        let view = snapshot.view(&state, &ctx.t)?;
        let sections = view
            .sections
            .iter()
            .map(|section| SectionItem {
                section,
                figures: section
                    .charts
                    .iter()
                    .map(|chart| FigureItem {
                        chart,
                        figure: view.figures.get(chart.id),
                        csv: ctx.href(&format!("/dashboard/data/{}.csv", chart.id)),
                        json: ctx.href(&format!("/dashboard/data/{}.json", chart.id)),
                    })
                    .collect(),
            })
            .collect();
        Ok(ctx.render(&DashboardPage {
            ctx: &ctx,
            as_of: ctx.t.t1("dash-as-of", "time", snapshot.as_of()),
            kpis: &view.kpis,
            sections,
        }))
    }
    .await;
    ctx.respond(result)
}

async fn download(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<DashboardCache>>,
    ctx: PageCtx,
    Path(file): Path<String>,
) -> Response {
    let result = async {
        let (id, csv) = match (file.strip_suffix(".csv"), file.strip_suffix(".json")) {
            (Some(id), _) => (id, true),
            (_, Some(id)) => (id, false),
            _ => return Err(WebError::NotFound(format!("no data file {file}"))),
        };
        let snapshot = cache.get(&state).await?;
        let view = snapshot.view(&state, &ctx.t)?;
        let chart = view
            .sections
            .iter()
            .flat_map(|s| &s.charts)
            .find(|c| c.id == id)
            .ok_or_else(|| WebError::NotFound(format!("no chart {id}")))?;
        let (body, content_type) = if csv {
            (chart.csv(), "text/csv; charset=utf-8")
        } else {
            (
                chart.json(&snapshot.as_of_rfc3339()).to_string(),
                "application/json",
            )
        };
        let mut response = body.into_response();
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
        h.insert(
            header::HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        );
        if csv
            && let Ok(v) = HeaderValue::from_str(&format!(
                "attachment; filename=\"iotlabel-{}.csv\"",
                chart.id
            ))
        {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(response)
    }
    .await;
    ctx.respond(result)
}
