//! The registry's HTTP server: the JSON API under `/api/v1` (described by OpenAPI at
//! `/api/v1/openapi.json`), the transparency log as C2SP tlog-tiles under `/log/`, `/healthz`
//! and Prometheus `/metrics`.
//!
//! Every response that is an error is RFC 9457 problem+json, whoever produced it (a handler,
//! axum's extractors, the body limit or the timeout). Public reads are rate-limited per client
//! address; writes need a bearer token and have their own, smaller quota.

pub mod api;
pub mod cache;
pub mod config;
pub mod guard;
pub mod metrics;
pub mod problem;
pub mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use http_body_util::BodyExt;
use tower_http::cors::{Any, CorsLayer};
use tower_http::timeout::TimeoutLayer;

pub use config::ServerConfig;
pub use state::AppState;

use crate::problem::Problem;

/// The API and the log alone (no web pages).
pub fn app(state: AppState) -> Router {
    app_with_pages(state, Router::new())
}

/// The API and the log with `pages` (the web crate's routes) beside them, all behind the same
/// limits, timeouts and metrics.
pub fn app_with_pages(state: AppState, pages: Router<AppState>) -> Router {
    let (api, tiles, _) = api::routers();
    let upload = state.registry().config.max_upload_bytes;
    let openapi = api::openapi_json();
    let timeout = Duration::from_secs(state.0.config.request_timeout_seconds.max(1));
    Router::new()
        .merge(api)
        .merge(tiles)
        .route(
            "/api/v1/openapi.json",
            get(move |headers: axum::http::HeaderMap| async move {
                cache::bytes(
                    &headers,
                    "application/json",
                    openapi.clone().into_bytes(),
                    cache::Lifetime::Revalidate,
                )
            }),
        )
        .merge(pages)
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::metrics))
        // A declaration in JSON is escaped text: allow twice the upload size for the envelope.
        .layer(DefaultBodyLimit::max(upload.saturating_mul(2)))
        .layer(middleware::from_fn_with_state(
            upload.saturating_mul(2),
            refuse_declared_oversize,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::rate_limit,
        ))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::HEAD])
                .expose_headers([header::ETAG]),
        )
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(problems_everywhere))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .fallback(|| async {
            Problem::not_found(
                "no such resource; the API is under /api/v1 (see /api/v1/openapi.json)",
            )
        })
        .with_state(state)
}

/// `GET /healthz`: the database answers and the log has a checkpoint.
async fn healthz(State(state): State<AppState>) -> Response {
    let db_ok = sqlx_ping(&state).await;
    let size = state.registry().log.size();
    let body = serde_json::json!({ "status": if db_ok { "ok" } else { "database unreachable" }, "log_size": size });
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

async fn sqlx_ping(state: &AppState) -> bool {
    iotlabel_registry::store::account_count(&state.registry().db.pool)
        .await
        .is_ok()
}

/// Answers 413 before reading a body whose declared `Content-Length` is over `limit`, so a
/// client is not made to send megabytes only to be refused (and sees the answer rather than a
/// connection closed under its upload). Bodies without a length meet `DefaultBodyLimit` as
/// they stream.
async fn refuse_declared_oversize(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!(
                "the request body is {length} bytes; this registry accepts at most {limit} bytes \
                 in one request"
            ),
        )
        .into_response(),
        _ => next.run(request).await,
    }
}

/// Headers every response carries: no MIME sniffing, no framing, no referrers, nothing to run.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // Web pages set their own policy (a stylesheet by hash, forms to this site); everything
    // else gets the strictest one.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    response
}

/// Turns error responses that are not problem details (axum's rejections, the body limit,
/// the timeout, 405s) into problem+json, keeping their message.
async fn problems_everywhere(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    // Web pages answer errors with a page of their own.
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/problem+json")
                || v.as_bytes().starts_with(b"text/html")
        });
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let text = match response.into_body().collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes())
            .chars()
            .take(500)
            .collect::<String>(),
        Err(_) => String::new(),
    };
    let slug = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        _ => "bad-request",
    };
    let detail = if text.trim().is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    let mut out = Problem::new(status, slug, detail).into_response();
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// Runs the expiry/grace sweep on a timer until the returned handle is aborted.
pub fn spawn_sweeper(state: AppState) -> tokio::task::JoinHandle<()> {
    let every = Duration::from_secs(state.0.config.sweep_interval_seconds.max(1));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match state.registry().sweep(jiff::Timestamp::now()).await {
                Ok(changed) if !changed.is_empty() => {
                    tracing::info!(count = changed.len(), "sweep expired labels")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "sweep failed"),
            }
        }
    })
}

/// Serves the API alone until `shutdown` resolves, then lets in-flight requests finish and
/// flushes the log.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_app(listener, state.clone(), app(state), shutdown).await
}

/// Serves `router` (built on `state`, e.g. with web pages) like [`serve`].
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    state: AppState,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper = spawn_sweeper(state.clone());
    let result = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    sweeper.abort();
    state.registry().log.shutdown().await;
    result
}
