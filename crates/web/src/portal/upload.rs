//! Submitting a declaration file: uploaded (or pasted) TOML or JSON, an optional process
//! declaration, and the evidence files it names, which are stored by their SHA-256 so that the
//! declaration's `path` + `sha256` entries find them. Submitted exactly as the API does; a
//! refused file comes back in the text box with its problems located by line, column and field.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use iotlabel_declaration::Syntax;
use iotlabel_registry::{RegistryError, Role};
use iotlabel_server::AppState;
use jiff::Timestamp;

use super::assessment::{AssessmentShown, preview};
use super::form::{FormState, Posted, ProblemLine, human_size, to_submitted_label};
use super::require;
use crate::page::{PageCtx, WebError};

/// Longest text put back into the page's text box after a refusal.
const MAX_ECHO: usize = 1024 * 1024;

/// An evidence file stored with this submission.
pub struct Stored {
    /// The name the browser gave.
    pub name: String,
    /// Its SHA-256.
    pub sha256: String,
}

#[derive(Template)]
#[template(path = "portal_upload.html")]
struct UploadPage<'a> {
    ctx: &'a PageCtx,
    action: String,
    max_size: String,
    text: String,
    process_text: String,
    stored: Vec<Stored>,
    problems: Vec<ProblemLine>,
    preview: Option<AssessmentShown>,
}

/// `GET /portal/submit`.
pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let r = require(&ctx, Role::Manufacturer).map(|_| {
        ctx.render(&UploadPage {
            ctx: &ctx,
            action: ctx.href("/portal/submit"),
            max_size: human_size(state.registry().config.max_upload_bytes),
            text: String::new(),
            process_text: String::new(),
            stored: Vec::new(),
            problems: Vec::new(),
            preview: None,
        })
    });
    ctx.respond(r)
}

/// A file's text, or the pasted text.
fn text_of(
    ctx: &PageCtx,
    posted: &Posted,
    file: &str,
    pasted: &str,
) -> Result<(String, Option<String>), WebError> {
    match posted.files(file).next() {
        Some(f) => String::from_utf8(f.bytes.clone())
            .map(|t| (t, Some(f.file_name.clone())))
            .map_err(|_| WebError::BadRequest(ctx.t("portal-upload-not-text"))),
        None => Ok((posted.get(pasted).to_owned(), None)),
    }
}

/// `POST /portal/submit`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let r = submit_inner(&state, &ctx, &headers, multipart).await;
    ctx.respond(r)
}

async fn submit_inner(
    state: &AppState,
    ctx: &PageCtx,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let registry = state.registry();
    let max = registry.config.max_upload_bytes;
    let posted = Posted::read(ctx, multipart, max, max.saturating_mul(2)).await?;
    ctx.verify_csrf(headers, posted.get("csrf"))?;
    let account = require(ctx, Role::Manufacturer)?.clone();
    let now = Timestamp::now();

    let mut stored = Vec::new();
    for f in posted.files("evidence") {
        let sha256 = registry
            .put_blob(&account, f.bytes.clone(), "application/octet-stream", None)
            .await?;
        stored.push(Stored {
            name: f.file_name.clone(),
            sha256,
        });
    }
    let (text, file_name) = text_of(ctx, &posted, "declaration", "text")?;
    let (process_text, _) = text_of(ctx, &posted, "process", "process_text")?;
    let process = Some(process_text.as_str()).filter(|p| !p.trim().is_empty());
    let mut form = FormState::default();
    let mut preview_shown = None;
    if text.trim().is_empty() {
        form.fail(
            "declaration",
            &ctx.t("portal-upload-file"),
            ctx.t("portal-upload-choose-file"),
            String::new(),
        );
    } else {
        let json = file_name
            .as_deref()
            .is_some_and(|n| n.to_ascii_lowercase().ends_with(".json"))
            || text.trim_start().starts_with('{');
        let syntax = if json { Syntax::Json } else { Syntax::Toml };
        match registry
            .submit(&account, &text, syntax, process, None, now)
            .await
        {
            Ok(submitted) => return Ok(to_submitted_label(ctx, &submitted)),
            Err(RegistryError::Invalid { message, problems }) => {
                if problems.is_empty() {
                    form.fail_general(
                        &ctx.t("portal-declare-assessment"),
                        message,
                        String::new(),
                        false,
                    );
                    if let Some(a) = preview(registry, &text, syntax, process, now).await {
                        preview_shown = Some(AssessmentShown::new(ctx, registry, &a));
                    }
                }
                for p in problems {
                    let mut place = p.file.display().to_string();
                    if let Some(line) = p.line {
                        place.push_str(&format!(
                            " · {}",
                            ctx.t.t1("portal-upload-line", "line", line)
                        ));
                        if let Some(col) = p.column {
                            place.push_str(&format!(
                                ", {}",
                                ctx.t.t1("portal-upload-column", "column", col)
                            ));
                        }
                    }
                    if !p.field.is_empty() {
                        place.push_str(&format!(" · {}", p.field));
                    }
                    form.fail_general(
                        &place,
                        p.message,
                        p.hint.unwrap_or_default(),
                        p.severity == iotlabel_declaration::Severity::Warning,
                    );
                }
            }
            Err(e) => {
                let e = WebError::from(e);
                if matches!(e, WebError::Internal(_) | WebError::SignIn) {
                    return Err(e);
                }
                form.fail_general(
                    &ctx.t("portal-declare-registry"),
                    e.to_string(),
                    String::new(),
                    false,
                );
            }
        }
    }
    let echo = |t: String| {
        if t.len() <= MAX_ECHO {
            t
        } else {
            String::new()
        }
    };
    let page = UploadPage {
        ctx,
        action: ctx.href("/portal/submit"),
        max_size: human_size(max),
        text: echo(text),
        process_text: echo(process_text),
        stored,
        problems: std::mem::take(&mut form.problems),
        preview: preview_shown,
    };
    Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
