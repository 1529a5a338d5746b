//! What every page shares: the language, the signed-in account, the CSRF token, the layout's
//! links, and turning a template or an error into a response with the right headers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use askama::Template;
use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use iotlabel_registry::{Account, LabelStatus, RegistryError, Role};

use crate::Web;
use crate::i18n::{Lang, Tr};
use crate::page_cache::PageKey;
use crate::session::CsrfError;

/// The context of one page request.
pub struct PageCtx {
    /// Interface messages in the page's language.
    pub t: Tr,
    /// The page's language.
    pub lang: Lang,
    /// Whether the language was chosen in the URL (then links carry it on).
    lang_in_url: bool,
    /// The signed-in account, if any.
    pub account: Option<Account>,
    /// The request path (for the language switch).
    pub path: String,
    /// The request's cookies.
    pub jar: CookieJar,
    /// Everything the site shares.
    pub web: Arc<Web>,
    csrf_token: String,
    csrf_cookie: Option<Cookie<'static>>,
    csrf_used: AtomicBool,
}

impl FromRequestParts<iotlabel_server::AppState> for PageCtx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &iotlabel_server::AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(web) = parts.extensions.get::<Arc<Web>>().cloned() else {
            return Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                "web pages not configured",
            )
                .into_response());
        };
        let query_lang = parts
            .uri
            .query()
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|kv| kv.strip_prefix("lang="))
            .and_then(Lang::from_tag);
        let lang = query_lang
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::negotiate)
            })
            .unwrap_or(Lang::En);
        let jar = CookieJar::from_headers(&parts.headers);
        let account = web.sessions.account(&jar);
        let (csrf_token, csrf_cookie) = web.sessions.csrf_token(&jar);
        Ok(PageCtx {
            t: Tr::new(lang, web.messages.clone()),
            lang,
            lang_in_url: query_lang.is_some(),
            account,
            path: parts.uri.path().to_owned(),
            jar,
            web,
            csrf_token,
            csrf_cookie,
            csrf_used: AtomicBool::new(false),
        })
    }
}

/// One entry of the language switch.
pub struct LangLink {
    /// Tag.
    pub tag: &'static str,
    /// Name in its own language.
    pub name: &'static str,
    /// Link to this page in that language.
    pub href: String,
    /// Whether it is the page's language.
    pub current: bool,
}

impl PageCtx {
    /// A message (templates: `{{ ctx.t("id") }}`).
    pub fn t(&self, id: &str) -> String {
        self.t.t(id)
    }

    /// A link within the site that keeps a language chosen in the URL.
    pub fn href(&self, path: &str) -> String {
        if !self.lang_in_url {
            return path.to_owned();
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}lang={}", self.lang.tag())
    }

    /// Links to this page in every language.
    pub fn languages(&self) -> Vec<LangLink> {
        Lang::ALL
            .into_iter()
            .map(|l| LangLink {
                tag: l.tag(),
                name: l.endonym(),
                href: format!("{}?lang={}", self.path, l.tag()),
                current: l == self.lang,
            })
            .collect()
    }

    /// The CSRF token for a form on this page (templates put it in a hidden field).
    pub fn csrf(&self) -> &str {
        self.csrf_used.store(true, Ordering::Relaxed);
        &self.csrf_token
    }

    /// Checks a submitted form's CSRF token.
    pub fn verify_csrf(&self, headers: &HeaderMap, submitted: &str) -> Result<(), WebError> {
        self.web
            .sessions
            .verify(&self.jar, headers, submitted)
            .map_err(WebError::Csrf)
    }

    /// A label status in words, and the badge class that colours it (`ok`, `warn`, `bad`): the
    /// same on every page, so a consumer, a manufacturer and an operator read the same word.
    pub fn status_badge(&self, status: LabelStatus) -> (String, &'static str) {
        let class = match status {
            LabelStatus::Active => "ok",
            LabelStatus::Superseded => "warn",
            LabelStatus::Suspended | LabelStatus::Revoked | LabelStatus::Expired => "bad",
        };
        (self.t(&format!("status-{}", status.as_str())), class)
    }

    /// Whether someone is signed in with a role.
    pub fn is(&self, role: Role) -> bool {
        self.account.as_ref().is_some_and(|a| a.role == role)
    }

    /// Renders a page.
    pub fn render(&self, page: &impl Template) -> Response {
        self.render_status(StatusCode::OK, page)
    }

    /// Renders a page with a status.
    pub fn render_status(&self, status: StatusCode, page: &impl Template) -> Response {
        match page.render() {
            Ok(html) => self.html(status, html),
            Err(e) => {
                tracing::error!(error = %e, "page template failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the page could not be rendered",
                )
                    .into_response()
            }
        }
    }

    /// The key under which this page may be kept for everyone ([`crate::page_cache`]), or
    /// `None` when it is a signed-in person's own.
    pub fn shared_page_key(&self) -> Option<PageKey> {
        self.account.is_none().then(|| PageKey {
            path: self.path.clone(),
            lang: self.lang,
            lang_in_url: self.lang_in_url,
        })
    }

    /// Whether the page rendered so far holds a form (its CSRF token is this browser's).
    pub fn holds_form(&self) -> bool {
        self.csrf_used.load(Ordering::Relaxed)
    }

    /// An HTML response with the pages' headers (policy, caching, the CSRF cookie when a form
    /// asked for its token).
    pub fn html(&self, status: StatusCode, html: impl Into<Body>) -> Response {
        let mut response = (status, html.into()).into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        h.insert(header::CONTENT_SECURITY_POLICY, self.web.csp.clone());
        h.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
        // Pages of a signed-in person or with a form are theirs alone; the rest are public but
        // always revalidated, so a status change shows at once.
        let private = self.account.is_some() || self.csrf_used.load(Ordering::Relaxed);
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if private { "no-store" } else { "no-cache" }),
        );
        if self.csrf_used.load(Ordering::Relaxed)
            && let Some(c) = &self.csrf_cookie
            && let Ok(v) = HeaderValue::from_str(&c.to_string())
        {
            h.append(header::SET_COOKIE, v);
        }
        response
    }

    /// The error page for a failure.
    pub fn error(&self, error: WebError) -> Response {
        let status = error.status();
        if status.is_server_error() {
            tracing::error!(error = %error, "page failed");
        }
        let title = match &error {
            WebError::NotFound(_) => self.t("error-not-found"),
            WebError::Forbidden(_) | WebError::SignIn => self.t("error-forbidden"),
            WebError::TooMany(_) => self.t("error-too-many"),
            WebError::Csrf(_) | WebError::BadRequest(_) => self.t("error-bad-request"),
            WebError::Internal(_) => self.t("error-internal"),
        };
        let detail = match &error {
            WebError::Internal(_) => self.t("error-internal-detail"),
            WebError::SignIn => self.t("error-sign-in"),
            WebError::TooMany(secs) => self.t.t1("error-too-many-detail", "seconds", secs),
            other => other.to_string(),
        };
        let mut response = self.render_status(
            status,
            &ErrorPage {
                ctx: self,
                title,
                detail,
            },
        );
        if let WebError::TooMany(secs) = error
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }

    /// A handler's result as a response.
    pub fn respond(&self, result: Result<Response, WebError>) -> Response {
        result.unwrap_or_else(|e| self.error(e))
    }

    /// The signed-in account, or the sign-in error.
    pub fn signed_in(&self) -> Result<&Account, WebError> {
        self.account.as_ref().ok_or(WebError::SignIn)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageCtx,
    title: String,
    detail: String,
}

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Nothing there.
    #[error("{0}")]
    NotFound(String),
    /// The request does not make sense.
    #[error("{0}")]
    BadRequest(String),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Needs a signed-in account.
    #[error("sign in first")]
    SignIn,
    /// A form failed its CSRF check.
    #[error("{0}")]
    Csrf(CsrfError),
    /// Rate-limited; seconds to wait.
    #[error("too many requests; wait {0} s")]
    TooMany(u64),
    /// Our fault (details go to the log, not to the page).
    #[error("{0}")]
    Internal(String),
}

impl WebError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) | WebError::Csrf(_) => StatusCode::BAD_REQUEST,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::SignIn => StatusCode::UNAUTHORIZED,
            WebError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<RegistryError> for WebError {
    fn from(e: RegistryError) -> Self {
        let problem = iotlabel_server::problem::Problem::from(e);
        WebError::from(problem)
    }
}

impl From<iotlabel_server::problem::Problem> for WebError {
    fn from(p: iotlabel_server::problem::Problem) -> Self {
        match p.status {
            404 => WebError::NotFound(p.detail),
            401 => WebError::SignIn,
            403 => WebError::Forbidden(p.detail),
            429 => WebError::TooMany(p.retry_after.unwrap_or(1)),
            400..=499 => WebError::BadRequest(p.detail),
            _ => WebError::Internal(p.detail),
        }
    }
}
