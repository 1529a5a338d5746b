//! The registry's web pages, rendered on the server from askama templates (every value
//! escaped) with no JavaScript at all:
//!
//! - `/L/<id>`: the label page a QR code leads to, one plain answer first ([`label`]);
//! - `/L/<id>/technical`: every verdict, proof and download ([`technical`]);
//! - `/search`: search and browse for retailers and procurement, with CSV ([`search`]);
//! - `/portal`: the manufacturer portal ([`portal`]) and `/report`, coordinated disclosure
//!   for researchers ([`disclosure`]);
//! - `/knowledge`: the catalogue, crosswalks, organisations and stories ([`knowledge`]);
//! - `/dashboard`: the evidence dashboard for policymakers ([`dashboard`]).
//!
//! Pages are served by the same server as the API (see [`app`]) with their own
//! Content-Security-Policy: no scripts, the one stylesheet allowed by its hash, forms posting
//! only to this site.

pub mod dashboard;
pub mod disclosure;
pub mod findings;
pub mod format;
pub mod home;
pub mod i18n;
pub mod knowledge;
pub mod label;
pub mod page;
pub mod page_cache;
pub mod portal;
pub mod search;
pub mod session;
pub mod technical;

use std::sync::Arc;

use axum::http::HeaderValue;
use axum::{Extension, Router};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use iotlabel_server::AppState;
use sha2::{Digest, Sha256};

pub use i18n::{Lang, Messages, Tr};
pub use page::{PageCtx, WebError};

/// The site's one stylesheet, inlined in every page so that a page is one request.
pub const CSS: &str = include_str!("../assets/site.css");

/// What every page shares.
pub struct Web {
    /// Interface messages.
    pub messages: Arc<Messages>,
    /// Signed-in sessions and the CSRF key.
    pub sessions: session::Sessions,
    /// The stylesheet.
    pub css: &'static str,
    /// The pages' Content-Security-Policy.
    pub csp: HeaderValue,
    /// Consumer facts of declarations (see [`label`]).
    pub facts: label::FactsCache,
    /// Rendered public pages (see [`page_cache`]).
    pub pages: page_cache::PageCache,
}

impl Web {
    /// Loads the message files and prepares the policy.
    pub fn new() -> Result<Self, i18n::I18nError> {
        let hash = STANDARD.encode(Sha256::digest(CSS.as_bytes()));
        let csp = format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        );
        Ok(Self {
            messages: Arc::new(Messages::load()?),
            sessions: session::Sessions::new(),
            css: CSS,
            csp: HeaderValue::from_str(&csp)
                .unwrap_or(HeaderValue::from_static("default-src 'none'")),
            facts: label::FactsCache::default(),
            pages: page_cache::PageCache::default(),
        })
    }
}

/// The page routes (their handlers take [`PageCtx`], which needs the [`Web`] extension that
/// [`app`] adds).
pub fn pages() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(label::routes())
        .merge(technical::routes())
        .merge(search::routes())
        .merge(portal::routes())
        .merge(disclosure::routes())
        .merge(knowledge::routes())
        .merge(dashboard::routes())
}

/// The whole site: the API, the log and the pages.
pub fn app(state: AppState) -> Result<Router, i18n::I18nError> {
    let web = Arc::new(Web::new()?);
    Ok(iotlabel_server::app_with_pages(
        state,
        pages().layer(Extension(web)),
    ))
}
