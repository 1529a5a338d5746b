//! Authenticated writes: submissions, evidence, attestations, and the operator's actions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use iotlabel_declaration::Syntax;
use iotlabel_registry::{Action, Role, store};
use jiff::Timestamp;

use super::labels::view;
use super::types::{
    Attested, Created, Label, NewAccount, NewKey, NewOrganisation, StatusChange, Stored,
    Submission, SubmissionResult, Swept, Token, WhoAmI,
};
use crate::guard::Caller;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

fn body<T>(json: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    json.map(|Json(v)| v)
        .map_err(|e| Problem::bad_request(e.body_text()))
}

/// The caller's account.
#[utoipa::path(get, path = "/whoami", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = WhoAmI), (status = 401, body = Problem)))]
pub async fn whoami(Caller(a): Caller) -> Json<WhoAmI> {
    Json(WhoAmI {
        id: a.id,
        name: a.name,
        organisation: a.organisation_name,
        role: a.role.as_str().to_owned(),
    })
}

/// Submit a declaration (manufacturers): validated, assessed with the catalogue in force, and
/// labelled. `201` with a new label, `200` when the same declaration was labelled before.
#[utoipa::path(post, path = "/declarations", tag = "submissions", security(("bearer" = [])), request_body = Submission,
    responses((status = 201, body = SubmissionResult), (status = 200, body = SubmissionResult), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    Caller(actor): Caller,
    json: Result<Json<Submission>, JsonRejection>,
) -> ApiResult<Response> {
    let s = body(json)?;
    let syntax = match s.format.as_deref() {
        None | Some("toml") => Syntax::Toml,
        Some("json") => Syntax::Json,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "format `{other}`: use toml or json"
            )));
        }
    };
    let now = Timestamp::now();
    let submitted = state
        .registry()
        .submit(
            &actor,
            &s.declaration,
            syntax,
            s.process.as_deref(),
            None,
            now,
        )
        .await?;
    let status = if submitted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = submitted.label.id.clone();
    let result = SubmissionResult {
        created: submitted.created,
        label: view(&state, submitted.label, now),
        superseded: submitted.superseded,
        assessment: submitted.assessment,
    };
    Ok((
        status,
        [(header::LOCATION, format!("/api/v1/labels/{location}"))],
        Json(result),
    )
        .into_response())
}

/// Upload evidence (or an SBOM) by its SHA-256; the registry checks the digest.
#[utoipa::path(put, path = "/blobs/{sha256}", tag = "submissions", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "SHA-256 of the content, hex")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Stored), (status = 401, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn put_blob(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    if actor.role == Role::Operator {
        return Err(Problem::from(iotlabel_registry::RegistryError::Forbidden(
            "evidence comes from manufacturers and assessors".into(),
        )));
    }
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 100)
        .unwrap_or("application/octet-stream")
        .to_owned();
    let digest = state
        .registry()
        .put_blob(
            &actor,
            bytes.to_vec(),
            &media_type,
            Some(&sha256.to_ascii_lowercase()),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(Stored { sha256: digest })).into_response())
}

/// Evidence bytes (the operator only: lab reports are not public).
#[utoipa::path(get, path = "/blobs/{sha256}", tag = "submissions", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "SHA-256, hex")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_blob(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(sha256): Path<String>,
) -> ApiResult<Response> {
    if actor.role != Role::Operator {
        return Err(Problem::from(iotlabel_registry::RegistryError::Forbidden(
            "evidence is readable by the scheme operator only".into(),
        )));
    }
    let (_, bytes) = store::blob(&state.registry().db.pool, &sha256.to_ascii_lowercase())
        .await?
        .ok_or_else(|| Problem::not_found(format!("blob {sha256}")))?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

/// Register an assessor's attestation (a DSSE envelope signed with a registered key).
#[utoipa::path(post, path = "/attestations", tag = "submissions", security(("bearer" = [])),
    request_body(content = Object, content_type = "application/json", description = "DSSE envelope over an in-toto statement with predicate https://iotlabel.org/attestations/evidence/v1"),
    responses((status = 201, body = Attested), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn attest(
    State(state): State<AppState>,
    Caller(actor): Caller,
    bytes: Bytes,
) -> ApiResult<Response> {
    let id = state
        .registry()
        .attest(&actor, &bytes, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(Attested { id })).into_response())
}

/// Suspend, reinstate or revoke a label (the scheme operator), with a public reason.
#[utoipa::path(post, path = "/labels/{id}/status", tag = "operator", security(("bearer" = [])), request_body = StatusChange,
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, body = Label), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change_status(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    json: Result<Json<StatusChange>, JsonRejection>,
) -> ApiResult<Json<Label>> {
    let change = body(json)?;
    let action = match change.action.as_str() {
        "suspend" => Action::Suspend,
        "reinstate" => Action::Reinstate,
        "revoke" => Action::Revoke,
        other => {
            return Err(Problem::bad_request(format!(
                "action `{other}`: use suspend, reinstate or revoke"
            )));
        }
    };
    let now = Timestamp::now();
    let label = state
        .registry()
        .set_status(Some(&actor), &id, action, &change.reason, now)
        .await?;
    Ok(Json(view(&state, label, now)))
}

/// Create an organisation (the scheme operator).
#[utoipa::path(post, path = "/organisations", tag = "operator", security(("bearer" = [])), request_body = NewOrganisation,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    Caller(actor): Caller,
    json: Result<Json<NewOrganisation>, JsonRejection>,
) -> ApiResult<Response> {
    let org = body(json)?;
    let kind: Role = org
        .kind
        .parse()
        .map_err(|e: String| Problem::bad_request(format!("kind: {e}")))?;
    let id = state
        .registry()
        .create_organisation(&actor, &org.name, kind, org.security_contact.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Create an account in an organisation (the scheme operator); the token is shown once.
#[utoipa::path(post, path = "/organisations/{id}/accounts", tag = "operator", security(("bearer" = [])), request_body = NewAccount,
    params(("id" = String, Path, description = "Organisation id")),
    responses((status = 201, body = Token), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn create_account(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    json: Result<Json<NewAccount>, JsonRejection>,
) -> ApiResult<Response> {
    let account = body(json)?;
    let Some(kind) = store::organisation_kind(&state.registry().db.pool, &id).await? else {
        return Err(Problem::not_found(format!("organisation {id}")));
    };
    let role: Role = kind
        .parse()
        .map_err(|e: String| Problem::from(iotlabel_registry::RegistryError::Config(e)))?;
    let token = state
        .registry()
        .create_account(&actor, &id, &account.name, role)
        .await?;
    let mut response = (StatusCode::CREATED, Json(Token { token })).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// Register an assessor key for an assessor organisation (the scheme operator; logged).
#[utoipa::path(post, path = "/organisations/{id}/keys", tag = "operator", security(("bearer" = [])), request_body = NewKey,
    params(("id" = String, Path, description = "Organisation id")),
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register_key(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    json: Result<Json<NewKey>, JsonRejection>,
) -> ApiResult<Response> {
    let key = body(json)?;
    if store::organisation_kind(&state.registry().db.pool, &id)
        .await?
        .as_deref()
        != Some("assessor")
    {
        return Err(Problem::from(iotlabel_registry::RegistryError::invalid(
            "keys are registered for assessor organisations",
        )));
    }
    let key_id = state
        .registry()
        .register_key(&actor, &id, &key.name, &key.public_key, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: key_id })).into_response())
}

/// Retire a key (the scheme operator), e.g. when it was stolen; attestations signed with it
/// are refused from now on.
#[utoipa::path(post, path = "/keys/{id}/retire", tag = "operator", security(("bearer" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses((status = 204, description = "Retired"), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn retire_key(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    if id == state.registry().issuer.id() {
        return Err(Problem::from(iotlabel_registry::RegistryError::Conflict("the issuer key in use cannot be retired here; rotate it with `iotlabel keys rotate` and restart".into())));
    }
    state
        .registry()
        .retire_key(&actor, &id, Timestamp::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Expire labels past their validity or catalogue grace period now (the scheme operator; the
/// server also does this on a timer).
#[utoipa::path(post, path = "/sweep", tag = "operator", security(("bearer" = [])),
    responses((status = 200, body = Swept), (status = 403, body = Problem)))]
pub async fn sweep(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Swept>> {
    if actor.role != Role::Operator {
        return Err(Problem::from(iotlabel_registry::RegistryError::Forbidden(
            "only the scheme operator sweeps".into(),
        )));
    }
    let changed = state.registry().sweep(Timestamp::now()).await?;
    Ok(Json(Swept { changed }))
}
