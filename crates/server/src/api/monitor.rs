//! Vulnerability monitoring: advisories and the KEV catalogue (the scheme operator), SBOMs and
//! VEX statements (manufacturers, for their labelled product versions), and every label's
//! findings (public).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

use super::labels::record;
use crate::cache::{self, Lifetime};
use crate::guard::Caller;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

/// Import an advisory document (the scheme operator): OSV JSON or YAML (one record, an array,
/// or `{"vulns": [...]}`), an OSV zip dump, or a CSAF 2.0 advisory. Affected labelled product
/// versions are found at once; importing the same document again changes nothing.
#[utoipa::path(post, path = "/advisories", tag = "vulnerabilities", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = Object, description = "What the import did: records new, updated, unchanged, withdrawn; findings and labels changed"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_advisories(
    State(state): State<AppState>,
    Caller(actor): Caller,
    bytes: Bytes,
) -> ApiResult<Response> {
    let done = state
        .registry()
        .import_advisories(&actor, bytes.to_vec(), Timestamp::now())
        .await?;
    Ok(Json(done).into_response())
}

/// Replace the CISA Known Exploited Vulnerabilities catalogue (the scheme operator); findings'
/// exploited flags and the known-exploited rule follow.
#[utoipa::path(put, path = "/kev", tag = "vulnerabilities", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/json"),
    responses((status = 200, body = Object, description = "Entries read; findings and labels changed"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_kev(
    State(state): State<AppState>,
    Caller(actor): Caller,
    bytes: Bytes,
) -> ApiResult<Response> {
    let done = state
        .registry()
        .import_kev(&actor, bytes.to_vec(), Timestamp::now())
        .await?;
    Ok(Json(done).into_response())
}

/// Register the SBOM of a labelled product version (its manufacturer): CycloneDX 1.4-1.6 JSON
/// or XML, SPDX 2.3 JSON or SPDX 3.0 JSON-LD. Replaces an earlier one; the answer says what
/// the registry now finds.
#[utoipa::path(put, path = "/labels/{id}/sbom", tag = "vulnerabilities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Label id")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = Object, description = "Components read; findings and labels changed"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn put_sbom(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Response> {
    let label = record(&state, &id).await?;
    let done = state
        .registry()
        .register_sbom(&actor, &label.id, bytes.to_vec(), Timestamp::now())
        .await?;
    Ok(Json(done).into_response())
}

/// Add a VEX document for a labelled product version (its manufacturer): CycloneDX VEX,
/// OpenVEX or CSAF VEX. A justified "not affected" or a "fixed" statement resolves a finding.
#[utoipa::path(post, path = "/labels/{id}/vex", tag = "vulnerabilities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Label id")),
    request_body(content = Vec<u8>, content_type = "application/json"),
    responses((status = 200, body = Object, description = "Statements read; findings and labels changed"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "No SBOM registered yet"), (status = 422, body = Problem)))]
pub async fn post_vex(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Response> {
    let label = record(&state, &id).await?;
    let done = state
        .registry()
        .register_vex(&actor, &label.id, bytes.to_vec(), Timestamp::now())
        .await?;
    Ok(Json(done).into_response())
}

/// A label's known vulnerabilities: a plain-words summary, counts, the known-exploited rule's
/// flag and deadline, and every finding (component, vulnerability, status from VEX, fixed
/// versions, KEV listing, the range event that decided).
#[utoipa::path(get, path = "/labels/{id}/vulnerabilities", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn get_vulnerabilities(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let label = record(&state, &id).await?;
    let found = state
        .registry()
        .label_vulnerabilities(&label)
        .await
        .map_err(Problem::from)?;
    Ok(cache::json(&headers, &found, Lifetime::Revalidate))
}
