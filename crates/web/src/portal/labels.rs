//! One label in the portal: its assessment and what is missing for the next level, the
//! product's versions (supersession), artwork downloads, SBOM and VEX uploads for the
//! manufacturer, and suspend / reinstate / revoke for the scheme operator.

use std::sync::OnceLock;

use askama::Template;
use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use iotlabel_artwork::{LabelArt, Renderer, Variant};
use iotlabel_label::LabelId;
use iotlabel_registry::{Account, Action, LabelRecord, LabelStatus, Role, store};
use iotlabel_server::AppState;
use jiff::Timestamp;
use serde::Deserialize;

use super::assessment::{AssessmentShown, AssessmentView};
use super::form::{Choice, Posted, Refusal, see_other};
use super::{LabelRow, label_row, manufacturer_or_operator, require};
use crate::page::{PageCtx, WebError};

/// A label id as typed or linked: canonical form when it parses, else as given (it will not
/// be found).
pub fn canonical_id(id: &str) -> String {
    id.parse::<LabelId>()
        .map(|l| l.as_str().to_owned())
        .unwrap_or_else(|_| id.chars().take(64).collect())
}

/// Whether `account`'s organisation owns the label's product.
pub async fn owns(
    state: &AppState,
    account: &Account,
    label: &LabelRecord,
) -> Result<bool, WebError> {
    Ok(
        store::product_owner(&state.registry().db.pool, &label.product_id)
            .await?
            .is_some_and(|o| o == account.organisation_id),
    )
}

/// The label, if the signed-in account may manage it: the operator any, a manufacturer its own.
async fn managed_label(
    state: &AppState,
    ctx: &PageCtx,
    id: &str,
) -> Result<(Account, LabelRecord), WebError> {
    let account = manufacturer_or_operator(ctx)?.clone();
    let label = state.registry().label(&canonical_id(id)).await?;
    if account.role != Role::Operator && !owns(state, &account, &label).await? {
        return Err(WebError::Forbidden(ctx.t("portal-not-your-label")));
    }
    Ok((account, label))
}

/// One artwork download.
pub struct ArtLink {
    /// What it is.
    pub label: String,
    /// SVG link.
    pub svg: String,
    /// PNG link.
    pub png: String,
}

/// What is left of a failed form on this page.
#[derive(Default)]
struct Extras {
    notice: Option<String>,
    action: String,
    reason: String,
    status_errors: Vec<String>,
    upload_error: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_label.html")]
struct LabelPage<'a> {
    ctx: &'a PageCtx,
    operator: bool,
    owner: bool,
    row: LabelRow,
    status_reason: String,
    expires: String,
    public_href: String,
    api_href: String,
    declaration_href: String,
    new_version_href: String,
    status_action: String,
    sbom_action: String,
    vex_action: String,
    assessment: Option<AssessmentShown>,
    versions: Vec<LabelRow>,
    artwork: Vec<ArtLink>,
    monitored: bool,
    open_findings: u64,
    exploited_findings: u64,
    has_exploited: bool,
    flagged_until: Option<String>,
    actions: Vec<Choice>,
    extras: Extras,
}

async fn build<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    account: &Account,
    label: LabelRecord,
    extras: Extras,
) -> Result<LabelPage<'a>, WebError> {
    let registry = state.registry();
    let now = Timestamp::now();
    let operator = account.role == Role::Operator;
    let owner = owns(state, account, &label).await?;
    let assessment = registry
        .assessment_result(&label.assessment_id)
        .await?
        .and_then(|(_, json, _)| AssessmentView::from_json(&json))
        .map(|a| AssessmentShown::new(ctx, registry, &a));
    let versions = store::labels_of_product(&registry.db.pool, &label.product_id)
        .await?
        .iter()
        .map(|r| label_row(ctx, state, r, now))
        .collect();
    let vulns = registry.label_vulnerabilities(&label).await.ok();
    let effective = registry.effective_status(&label, now);
    let actions = if operator {
        let possible: &[(&str, &str)] = match effective {
            LabelStatus::Active => &[
                ("suspend", "portal-action-suspend"),
                ("revoke", "portal-action-revoke"),
            ],
            LabelStatus::Suspended => &[
                ("reinstate", "portal-action-reinstate"),
                ("revoke", "portal-action-revoke"),
            ],
            _ => &[],
        };
        possible
            .iter()
            .map(|(value, id)| Choice {
                value: (*value).to_owned(),
                label: ctx.t(id),
                checked: extras.action == *value,
            })
            .collect()
    } else {
        Vec::new()
    };
    let id = label.id.clone();
    let artwork = if owner || operator {
        [
            ("box", "portal-art-box"),
            ("sticker", "portal-art-sticker"),
            ("badge", "portal-art-badge"),
        ]
        .into_iter()
        .map(|(name, words)| ArtLink {
            label: ctx.t(words),
            svg: format!("/portal/labels/{id}/artwork/{name}.svg"),
            png: format!("/portal/labels/{id}/artwork/{name}.png"),
        })
        .collect()
    } else {
        Vec::new()
    };
    Ok(LabelPage {
        ctx,
        operator,
        owner,
        row: label_row(ctx, state, &label, now),
        status_reason: label.status_reason.clone().unwrap_or_default(),
        expires: crate::format::date(label.expires_at),
        public_href: ctx.href(&format!("/L/{id}")),
        api_href: format!("/api/v1/labels/{id}"),
        declaration_href: format!("/api/v1/declarations/{}", label.declaration_sha256),
        new_version_href: ctx.href(&format!("/portal/declare?from={id}")),
        status_action: ctx.href(&format!("/portal/labels/{id}/status")),
        sbom_action: ctx.href(&format!("/portal/labels/{id}/sbom")),
        vex_action: ctx.href(&format!("/portal/labels/{id}/vex")),
        assessment,
        versions,
        artwork,
        monitored: vulns.as_ref().is_some_and(|v| v.monitored),
        open_findings: vulns.as_ref().map_or(0, |v| v.open as u64),
        exploited_findings: vulns.as_ref().map_or(0, |v| v.exploited as u64),
        has_exploited: vulns.as_ref().is_some_and(|v| v.exploited > 0),
        flagged_until: label
            .vuln_deadline
            .filter(|_| label.vuln_flagged_at.is_some())
            .map(crate::format::date_time),
        actions,
        extras,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    done: Option<String>,
}

/// `GET /portal/labels/<id>`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let done = query.ok().and_then(|Query(q)| q.done);
    let r = async {
        let (account, label) = managed_label(&state, &ctx, &id).await?;
        let notice = done.as_deref().and_then(|d| match d {
            "created" | "existing" | "status" | "sbom" | "vex" => {
                Some(ctx.t(&format!("portal-done-{d}")))
            }
            _ => None,
        });
        let page = build(
            &state,
            &ctx,
            &account,
            label,
            Extras {
                notice,
                ..Extras::default()
            },
        )
        .await?;
        Ok(ctx.render(&page))
    }
    .await;
    ctx.respond(r)
}

/// The operator's lifecycle form.
#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

/// `POST /portal/labels/<id>/status`: suspend, reinstate or revoke (the scheme operator).
pub async fn change_status(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<StatusForm>, FormRejection>,
) -> Response {
    let r = async {
        let Form(form) = form.map_err(|_| WebError::BadRequest(ctx.t("portal-form-unreadable")))?;
        ctx.verify_csrf(&headers, &form.csrf)?;
        let account = require(&ctx, Role::Operator)?.clone();
        let id = canonical_id(&id);
        let action = match form.action.as_str() {
            "suspend" => Some(Action::Suspend),
            "reinstate" => Some(Action::Reinstate),
            "revoke" => Some(Action::Revoke),
            _ => None,
        };
        let mut errors = Vec::new();
        if action.is_none() {
            errors.push(ctx.t("portal-action-choose"));
        }
        let reason = form.reason.trim();
        if reason.is_empty() {
            errors.push(ctx.t("portal-reason-required"));
        } else if reason.chars().count() > 2000 {
            errors.push(ctx.t("portal-reason-too-long"));
        }
        let mut status = StatusCode::UNPROCESSABLE_ENTITY;
        if let (Some(action), true) = (action, errors.is_empty()) {
            match state
                .registry()
                .set_status(Some(&account), &id, action, reason, Timestamp::now())
                .await
            {
                Ok(_) => return Ok(see_other(&ctx, &format!("/portal/labels/{id}?done=status"))),
                Err(e) => match Refusal::from(e) {
                    Refusal::Page(e) => return Err(e),
                    Refusal::Shown(s, lines) => {
                        status = s;
                        errors.extend(lines);
                    }
                },
            }
        }
        let label = state.registry().label(&id).await?;
        let extras = Extras {
            action: form.action.clone(),
            reason: form.reason.clone(),
            status_errors: errors,
            ..Extras::default()
        };
        let page = build(&state, &ctx, &account, label, extras).await?;
        Ok(ctx.render_status(status, &page))
    }
    .await;
    ctx.respond(r)
}

/// Which monitoring document an upload is.
#[derive(Clone, Copy)]
enum Document {
    Sbom,
    Vex,
}

async fn upload(
    state: &AppState,
    ctx: &PageCtx,
    id: &str,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
    kind: Document,
) -> Result<Response, WebError> {
    let max = state.registry().config.max_upload_bytes;
    let posted = Posted::read(ctx, multipart, max, max.saturating_add(64 * 1024)).await?;
    ctx.verify_csrf(headers, posted.get("csrf"))?;
    let (account, label) = managed_label(state, ctx, id).await?;
    if account.role != Role::Manufacturer {
        return Err(WebError::Forbidden(ctx.t("portal-needs-manufacturer")));
    }
    let error = match posted.files("document").next() {
        None => Some(ctx.t("portal-upload-choose-file")),
        Some(file) => {
            let now = Timestamp::now();
            let registry = state.registry();
            let result = match kind {
                Document::Sbom => {
                    registry
                        .register_sbom(&account, &label.id, file.bytes.clone(), now)
                        .await
                }
                Document::Vex => {
                    registry
                        .register_vex(&account, &label.id, file.bytes.clone(), now)
                        .await
                }
            };
            match result {
                Ok(_) => {
                    let done = match kind {
                        Document::Sbom => "sbom",
                        Document::Vex => "vex",
                    };
                    return Ok(see_other(
                        ctx,
                        &format!("/portal/labels/{}?done={done}", label.id),
                    ));
                }
                Err(e) => match Refusal::from(e) {
                    Refusal::Page(e) => return Err(e),
                    Refusal::Shown(_, lines) => Some(lines.join(" ")),
                },
            }
        }
    };
    let page = build(
        state,
        ctx,
        &account,
        label,
        Extras {
            upload_error: error,
            ..Extras::default()
        },
    )
    .await?;
    Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// `POST /portal/labels/<id>/sbom`: the manufacturer registers the product version's SBOM.
pub async fn sbom(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let r = upload(&state, &ctx, &id, &headers, multipart, Document::Sbom).await;
    ctx.respond(r)
}

/// `POST /portal/labels/<id>/vex`: the manufacturer adds a VEX document.
pub async fn vex(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let r = upload(&state, &ctx, &id, &headers, multipart, Document::Vex).await;
    ctx.respond(r)
}

/// Loading the system's fonts takes a moment: one renderer for the process.
fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::new)
}

/// The artwork of a label, as the CLI draws it (`iotlabel label issue`).
fn art(state: &AppState, label: &LabelRecord) -> Result<LabelArt, WebError> {
    let id: LabelId = label
        .id
        .parse()
        .map_err(|e| WebError::Internal(format!("label id {}: {e}", label.id)))?;
    // The last valid day: the label expires at the start of the day after it.
    let last_day = Timestamp::from_second(label.expires_at - 1)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let level_name = state
        .registry()
        .catalog
        .levels
        .levels
        .iter()
        .find(|l| l.number == label.level)
        .map(|l| l.name.clone())
        .unwrap_or_default();
    Ok(LabelArt {
        product_name: format!("{} {}", label.brand, label.model),
        level: label.level,
        level_name,
        updates_until: crate::format::month_year(&label.support_end),
        human_id: id.human(last_day),
        qr_url: iotlabel_label::issue::qr_url(&state.registry().config.public_url, &id),
    })
}

/// `GET /portal/labels/<id>/artwork/<box|sticker|badge>.<svg|png>`: the label's artwork, for
/// its manufacturer (and the operator).
pub async fn artwork(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let r = async {
        let (_, label) = managed_label(&state, &ctx, &id).await?;
        let (stem, ext) = file
            .split_once('.')
            .ok_or_else(|| WebError::NotFound(ctx.t("portal-no-such-artwork")))?;
        let variant = Variant::ALL
            .into_iter()
            .find(|v| v.name() == stem)
            .ok_or_else(|| WebError::NotFound(ctx.t("portal-no-such-artwork")))?;
        if ext != "svg" && ext != "png" {
            return Err(WebError::NotFound(ctx.t("portal-no-such-artwork")));
        }
        let art = art(&state, &label)?;
        let svg = iotlabel_artwork::render(&art, variant)
            .map_err(|e| WebError::Internal(format!("artwork: {e}")))?;
        let (bytes, media) = if ext == "svg" {
            (svg.into_bytes(), "image/svg+xml")
        } else {
            let width = variant.size_mm().0;
            let png = tokio::task::spawn_blocking(move || renderer().png(&svg, width))
                .await
                .map_err(|e| WebError::Internal(format!("artwork: {e}")))?
                .map_err(|e| WebError::Internal(format!("artwork: {e}")))?;
            (png, "image/png")
        };
        let mut response = bytes.into_response();
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"iotlabel-{}-{}.{ext}\"",
            label.id,
            variant.name()
        )) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        Ok(response)
    }
    .await;
    ctx.respond(r)
}
