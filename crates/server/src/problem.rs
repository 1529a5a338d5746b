//! Errors as RFC 9457 problem details (`application/problem+json`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use iotlabel_registry::RegistryError;
use serde::Serialize;
use utoipa::ToSchema;

/// Where the problem types are documented; each type is this base plus a slug.
pub const TYPE_BASE: &str = "https://iotlabel.org/problems/";

/// A problem detail object.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong this time, and what to do.
    pub detail: String,
    /// Located problems in submitted documents (file, line, field).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InputProblem>,
    /// Seconds to wait before retrying (rate limits).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

/// One located problem in a submitted document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InputProblem {
    /// Which document (`declaration`, `process`).
    pub document: String,
    /// `error` or `warning`.
    pub severity: String,
    /// Line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Field path, e.g. `product.software_version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Problem {
    /// A problem of a kind with a detail.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("{TYPE_BASE}{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 429 with the seconds to wait.
    pub fn too_many_requests(retry_after: u64) -> Self {
        let mut p = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many requests from your address; retry after {retry_after} s"),
        );
        p.retry_after = Some(retry_after);
        p
    }
}

impl From<RegistryError> for Problem {
    fn from(e: RegistryError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let slug = match &e {
            RegistryError::Unauthenticated(_) => "unauthenticated",
            RegistryError::Forbidden(_) => "forbidden",
            RegistryError::NotFound(_) => "not-found",
            RegistryError::Conflict(_) => "conflict",
            RegistryError::Invalid { .. } => "invalid-input",
            _ => "internal",
        };
        let detail = if status.is_server_error() {
            // Database messages can name tables and hosts; the log has them, the client does not.
            tracing::error!(error = %e, "request failed");
            "the registry could not complete the request; it has been logged".to_owned()
        } else {
            e.to_string()
        };
        let mut p = Problem::new(status, slug, detail);
        if let RegistryError::Invalid { problems, .. } = e {
            p.errors = problems
                .into_iter()
                .map(|d| InputProblem {
                    document: d.file.display().to_string(),
                    severity: match d.severity {
                        iotlabel_declaration::Severity::Error => "error",
                        iotlabel_declaration::Severity::Warning => "warning",
                    }
                    .to_owned(),
                    line: d.line,
                    column: d.column,
                    field: (!d.field.is_empty()).then_some(d.field),
                    message: d.message,
                    hint: d.hint,
                })
                .collect();
        }
        p
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"iotlabel\""),
            );
        }
        if let Some(s) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}

/// Handler result.
pub type ApiResult<T> = Result<T, Problem>;
