//! The home page: what iotlabel is, in two sentences for each audience, and the way in.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use iotlabel_registry::LabelQuery;
use iotlabel_server::AppState;

use crate::page::PageCtx;

/// One audience's way in.
pub struct Audience {
    /// Heading.
    pub title: String,
    /// Two sentences.
    pub text: String,
    /// Where to go.
    pub href: String,
    /// Link text.
    pub link: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    ctx: &'a PageCtx,
    audiences: Vec<Audience>,
    stats: String,
}

/// `/`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let audience = |key: &str, href: &str| Audience {
        title: ctx.t(&format!("home-{key}-title")),
        text: ctx.t(&format!("home-{key}-text")),
        href: ctx.href(href),
        link: ctx.t(&format!("home-{key}-link")),
    };
    let audiences = vec![
        audience("consumers", "/search"),
        audience("retailers", "/search"),
        audience("manufacturers", "/portal"),
        audience("labs", "/knowledge"),
        audience("policymakers", "/dashboard"),
        audience("researchers", "/report"),
        audience("auditors", "/log/checkpoint"),
    ];
    let labels = state
        .registry()
        .search(&LabelQuery {
            limit: 1,
            ..LabelQuery::default()
        })
        .await
        .map(|(_, total)| total)
        .unwrap_or(0);
    let stats = ctx.t.t1("home-stats", "labels", labels);
    let stats = format!(
        "{stats} {}",
        ctx.t
            .t1("home-log-size", "size", state.registry().log.size())
    );
    ctx.render(&Home {
        ctx: &ctx,
        audiences,
        stats,
    })
}
