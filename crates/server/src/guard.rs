//! Who is asking, and how often: bearer-token authentication and per-address rate limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::DefaultKeyedRateLimiter;
use iotlabel_registry::Account;

use crate::problem::Problem;
use crate::state::AppState;

/// The client's address: the peer, or (when configured behind a proxy) the last
/// `X-Forwarded-For` entry, which is the one the proxy itself added.
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded_for: bool,
) -> IpAddr {
    if trust_forwarded_for
        && let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back()
    {
        return ip;
    }
    peer.map_or(IpAddr::from([0, 0, 0, 0]), |p| p.ip())
}

fn check(limiter: Option<&DefaultKeyedRateLimiter<IpAddr>>, ip: IpAddr) -> Result<(), Problem> {
    let Some(limiter) = limiter else {
        return Ok(());
    };
    limiter.check_key(&ip).map_err(|not_until| {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(
            &governor::clock::DefaultClock::default(),
        ));
        Problem::too_many_requests(wait.as_secs().max(1))
    })
}

/// Where the web pages' vulnerability-report form posts (iotlabel-web); it shares the API's
/// report quota.
pub const WEB_REPORT_PATH: &str = "/report";

/// Marks a web report submission that is over the report quota, with the seconds to wait: the
/// page answers it in HTML (a problem+json body would mean nothing to a person in a browser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportQuotaExceeded(pub u64);

/// Rate-limits by client address: reads against the public quota, writes against the write
/// quota.
pub async fn rate_limit(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let ip = client_ip(request.headers(), peer, state.0.config.trust_forwarded_for);
    let limiter = if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        state.0.public_limiter.as_ref()
    } else {
        state.0.write_limiter.as_ref()
    };
    if let Err(p) = check(limiter, ip) {
        return p.into_response();
    }
    // Vulnerability reports need no account, so they get a much smaller quota of their own.
    if request.method() == Method::POST
        && request.uri().path() == crate::api::disclosure::SUBMIT_PATH
        && let Err(p) = check(state.0.report_limiter.as_ref(), ip)
    {
        return p.into_response();
    }
    if request.method() == Method::POST
        && request.uri().path() == WEB_REPORT_PATH
        && let Err(p) = check(state.0.report_limiter.as_ref(), ip)
    {
        let wait = p.retry_after.unwrap_or(1);
        request.extensions_mut().insert(ReportQuotaExceeded(wait));
    }
    next.run(request).await
}

/// The bearer token of a request (`Authorization: Bearer <token>`), not yet checked.
pub fn bearer(headers: &HeaderMap) -> Result<String, Problem> {
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        Problem::from(iotlabel_registry::RegistryError::Unauthenticated(
            "send `Authorization: Bearer <token>`".into(),
        ))
    })?;
    value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .map(str::to_owned)
        .ok_or_else(|| {
            Problem::from(iotlabel_registry::RegistryError::Unauthenticated(
                "the Authorization header must be `Bearer <token>`".into(),
            ))
        })
}

/// An authenticated caller (`Authorization: Bearer iotl_...`).
pub struct Caller(pub Account);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers)?;
        let account = state.registry().authenticate(&token).await?;
        Ok(Caller(account))
    }
}
