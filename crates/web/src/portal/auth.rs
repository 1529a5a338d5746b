//! Signing in with an account's API token, and out again.
//!
//! The token is read from the form, checked by the registry (which stores only its hash) and
//! dropped: the browser gets a session cookie instead, and the token is never logged, echoed
//! into the page or kept. A wrong token gets the same answer whatever was wrong with it, and
//! failures are counted per client address so that guessing is slow on top of the write quota.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::{Extension, Form};
use iotlabel_server::AppState;
use serde::Deserialize;

use super::form::see_other;
use crate::page::{PageCtx, WebError};

/// Failed sign-ins allowed per client address and window.
const MAX_FAILURES: u32 = 10;
/// The window failures are counted in.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most addresses tracked at once (bounds memory when many addresses fail).
const MAX_TRACKED: usize = 100_000;

/// The client's address, as the server's rate limits see it.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(ClientIp(iotlabel_server::guard::client_ip(
            &parts.headers,
            peer,
            state.0.config.trust_forwarded_for,
        )))
    }
}

/// Failed sign-ins per client address in fixed windows.
pub struct SignInLimiter {
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl SignInLimiter {
    /// Nobody has failed yet.
    pub fn new() -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, (Instant, u32)>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seconds to wait when the address has failed too often, else `None`.
    fn blocked(&self, ip: IpAddr) -> Option<u64> {
        let now = Instant::now();
        let map = self.map();
        let (start, count) = map.get(&ip)?;
        let elapsed = now.duration_since(*start);
        (elapsed < WINDOW && *count >= MAX_FAILURES).then(|| (WINDOW - elapsed).as_secs().max(1))
    }

    fn failed(&self, ip: IpAddr) {
        let now = Instant::now();
        let mut map = self.map();
        if map.len() >= MAX_TRACKED {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        if map.len() >= MAX_TRACKED {
            // Still full of live windows: forget the oldest rather than grow without bound.
            if let Some(oldest) = map.iter().min_by_key(|(_, (s, _))| *s).map(|(k, _)| *k) {
                map.remove(&oldest);
            }
        }
        let entry = map.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

impl Default for SignInLimiter {
    fn default() -> Self {
        Self::new()
    }
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "portal_signin.html")]
pub struct SignInPage<'a> {
    /// Shared.
    pub ctx: &'a PageCtx,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    csrf: String,
    token: String,
}

/// The sign-out form.
#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// `POST /signin`.
pub async fn sign_in(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Extension(limiter): Extension<Arc<SignInLimiter>>,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let r = sign_in_inner(&state, &ctx, ip, &limiter, &headers, form).await;
    ctx.respond(r)
}

async fn sign_in_inner(
    state: &AppState,
    ctx: &PageCtx,
    ip: IpAddr,
    limiter: &SignInLimiter,
    headers: &HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form.map_err(|_| WebError::BadRequest(ctx.t("portal-form-unreadable")))?;
    ctx.verify_csrf(headers, &form.csrf)?;
    if let Some(wait) = limiter.blocked(ip) {
        return Err(WebError::TooMany(wait));
    }
    let token = form.token.trim();
    let account = if token.is_empty() || token.len() > 256 {
        None
    } else {
        state.registry().authenticate(token).await.ok()
    };
    let Some(account) = account else {
        limiter.failed(ip);
        tracing::info!(target: "iotlabel::web", %ip, "portal sign-in refused");
        let page = SignInPage {
            ctx,
            error: Some(ctx.t("portal-signin-failed")),
        };
        return Ok(ctx.render_status(StatusCode::UNAUTHORIZED, &page));
    };
    // A new session id at every sign-in; any session this browser had ends.
    let _ = ctx.web.sessions.sign_out(&ctx.jar);
    let cookie = ctx.web.sessions.sign_in(account);
    let mut response = see_other(ctx, "/portal");
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// `POST /signout`.
pub async fn sign_out(
    ctx: PageCtx,
    headers: HeaderMap,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Response {
    let r = (|| {
        let Form(form) = form.map_err(|_| WebError::BadRequest(ctx.t("portal-form-unreadable")))?;
        ctx.verify_csrf(&headers, &form.csrf)?;
        let gone = ctx.web.sessions.sign_out(&ctx.jar);
        let mut response = see_other(&ctx, "/portal");
        if let Ok(v) = HeaderValue::from_str(&gone.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        Ok(response)
    })();
    ctx.respond(r)
}
