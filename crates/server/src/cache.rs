//! Responses for public reads: strong ETags from the body, `304 Not Modified` for a matching
//! `If-None-Match`, and a cache lifetime.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How long clients and caches may keep a response.
#[derive(Debug, Clone, Copy)]
pub enum Lifetime {
    /// Changes at any time (status, search): revalidate with the ETag.
    Revalidate,
    /// May be kept for some seconds.
    Seconds(u32),
    /// Never changes (signed statements, full tiles).
    Immutable,
}

impl Lifetime {
    fn header(self) -> HeaderValue {
        match self {
            Lifetime::Revalidate => HeaderValue::from_static("public, no-cache"),
            Lifetime::Seconds(s) => HeaderValue::from_str(&format!("public, max-age={s}"))
                .unwrap_or(HeaderValue::from_static("no-cache")),
            Lifetime::Immutable => HeaderValue::from_static("public, max-age=31536000, immutable"),
        }
    }
}

/// The ETag of a body.
pub fn etag(body: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

fn matches(request: &HeaderMap, tag: &str) -> bool {
    request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}

/// A cacheable response of bytes with a content type.
pub fn bytes(
    request: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    lifetime: Lifetime,
) -> Response {
    let tag = etag(&body);
    let mut response = if matches(request, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(body));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::CACHE_CONTROL, lifetime.header());
    response
}

/// A cacheable JSON response.
pub fn json<T: Serialize>(request: &HeaderMap, value: &T, lifetime: Lifetime) -> Response {
    bytes(
        request,
        "application/json",
        serde_json::to_vec(value).unwrap_or_default(),
        lifetime,
    )
}
