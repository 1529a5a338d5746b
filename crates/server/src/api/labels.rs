//! Public reads about labels: the label, its status, signed parts, history, proofs.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::{CborSerializable, CoseSign1, TaggedCborSerializable};
use iotlabel_registry::{LabelQuery, LabelRecord, store};
use iotlabel_tlog::TlogProof;
use jiff::Timestamp;

use super::types::{Event, Label, LabelPage, LabelSearch, ProductLabels, Status};
use crate::cache::{self, Lifetime};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

/// Longest id accepted in a path (label ids are 11-13 characters, product ids 24, digests 64).
const MAX_ID: usize = 64;

/// COSE header label of SCITT receipts in a transparent statement (RFC 9942).
const RECEIPTS_LABEL: i64 = 394;

fn check_id(id: &str) -> ApiResult<()> {
    if id.is_empty()
        || id.len() > MAX_ID
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Problem::bad_request(format!(
            "`{}` is not an id: ids are up to {MAX_ID} letters, digits, `-` or `_`",
            id.chars().take(MAX_ID).collect::<String>()
        )));
    }
    Ok(())
}

/// A label by id as people type it (lower case and the usual confusions accepted); a typo
/// the check character catches is reported as such.
pub async fn record(state: &AppState, id: &str) -> ApiResult<LabelRecord> {
    check_id(id)?;
    // Label ids are typed and read aloud: accept lower case and the usual confusions, and
    // say so when the check character shows a typo.
    let parsed: iotlabel_label::LabelId =
        id.parse()
            .map_err(|e: iotlabel_label::label_id::LabelIdError| {
                Problem::not_found(format!("no label {id}: {e}"))
            })?;
    Ok(state.registry().label(parsed.as_str()).await?)
}

/// The API view of a label now.
pub fn view(state: &AppState, r: LabelRecord, now: Timestamp) -> Label {
    let registry = state.registry();
    let status = registry.effective_status(&r, now);
    Label::new(
        r,
        status,
        registry.config.renewal_window_days,
        registry.config.public_url.trim_end_matches('/'),
        now,
    )
}

/// A label.
#[utoipa::path(get, path = "/labels/{id}", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, body = Label), (status = 404, body = Problem)))]
pub async fn get_label(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    Ok(cache::json(
        &headers,
        &view(&state, r, Timestamp::now()),
        Lifetime::Revalidate,
    ))
}

/// A label's status: the cheap, frequent check.
#[utoipa::path(get, path = "/labels/{id}/status", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, body = Status), (status = 304, description = "Unchanged (If-None-Match)"), (status = 404, body = Problem)))]
pub async fn get_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    let status = state.registry().effective_status(&r, Timestamp::now());
    let body = Status {
        label_id: r.id,
        status,
        reason: r.status_reason,
        since: super::types::time(r.status_since),
        level: r.level,
        expires_at: super::types::time(r.expires_at),
    };
    Ok(cache::json(&headers, &body, Lifetime::Revalidate))
}

/// A signed, short-lived status token (COSE_Sign1) an app may cache until it expires.
#[utoipa::path(get, path = "/labels/{id}/status-token", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, content_type = "application/cose", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn get_status_token(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    let token = state
        .registry()
        .status_token(&r.id, Timestamp::now())
        .await?;
    Ok(cache::bytes(
        &headers,
        "application/cose",
        token,
        Lifetime::Seconds(60),
    ))
}

/// The signed label statement (COSE_Sign1, SCITT signed statement).
#[utoipa::path(get, path = "/labels/{id}/statement", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, content_type = "application/cose", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn get_statement(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    let (statement, _) = signed(&state, &r.id).await?;
    Ok(cache::bytes(
        &headers,
        "application/cose",
        statement,
        Lifetime::Immutable,
    ))
}

/// The DSSE envelope with the in-toto statement twin.
#[utoipa::path(get, path = "/labels/{id}/envelope", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, content_type = "application/vnd.dsse.envelope.v1+json", body = Object), (status = 404, body = Problem)))]
pub async fn get_envelope(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    let (_, envelope) = signed(&state, &r.id).await?;
    Ok(cache::bytes(
        &headers,
        "application/vnd.dsse.envelope.v1+json",
        envelope,
        Lifetime::Immutable,
    ))
}

async fn signed(state: &AppState, id: &str) -> ApiResult<(Vec<u8>, Vec<u8>)> {
    store::label_signed(&state.registry().db.pool, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("label {id}")))
}

/// A label's status history, each change with its log index.
#[utoipa::path(get, path = "/labels/{id}/events", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, body = Vec<Event>), (status = 404, body = Problem)))]
pub async fn get_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    let events: Vec<Event> = store::events(&state.registry().db.pool, &r.id)
        .await?
        .into_iter()
        .map(Event::from)
        .collect();
    Ok(cache::json(&headers, &events, Lifetime::Revalidate))
}

/// The issuance entry's inclusion proof as a C2SP tlog-proof, checkable offline.
#[utoipa::path(get, path = "/labels/{id}/proof", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, content_type = "text/plain", body = String), (status = 404, body = Problem)))]
pub async fn get_proof(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    let log = &state.registry().log;
    let checkpoint = log.checkpoint();
    let proof = log
        .with_tree(|tree| {
            TlogProof::build(
                tree,
                r.log_index,
                &checkpoint.note,
                Some(r.id.as_bytes().to_vec()),
            )
        })
        .map_err(|e| Problem::from(iotlabel_registry::RegistryError::Config(e.to_string())))?;
    Ok(cache::bytes(
        &headers,
        "text/plain; charset=utf-8",
        proof.to_text().into_bytes(),
        Lifetime::Revalidate,
    ))
}

/// The issuance entry's COSE receipt (RFC 9942, RFC9162_SHA256), signed by the log key.
#[utoipa::path(get, path = "/labels/{id}/receipt", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, content_type = "application/cose", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn get_receipt(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    let receipt = receipt(&state, r.log_index)?;
    Ok(cache::bytes(
        &headers,
        "application/cose",
        receipt,
        Lifetime::Revalidate,
    ))
}

/// A receipt for a log entry at the published size.
pub fn receipt(state: &AppState, index: u64) -> ApiResult<Vec<u8>> {
    let registry = state.registry();
    let size = registry.log.size();
    let kid = URL_SAFE_NO_PAD
        .decode(registry.issuer.id())
        .unwrap_or_default();
    registry
        .log
        .with_tree(|tree| {
            iotlabel_tlog::receipt::issue(tree, index, size, registry.log.signing_key(), &kid)
        })
        .map_err(|e| Problem::from(iotlabel_registry::RegistryError::Config(e.to_string())))
}

/// The label statement with the issuance receipt in its unprotected header (label 394): a
/// SCITT transparent statement. The signature is unchanged; verifiers that do not know
/// receipts see the plain statement.
#[utoipa::path(get, path = "/labels/{id}/transparent-statement", tag = "labels",
    params(("id" = String, Path, description = "Label id")),
    responses((status = 200, content_type = "application/cose", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn get_transparent_statement(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = record(&state, &id).await?;
    let (statement, _) = signed(&state, &r.id).await?;
    let receipt = receipt(&state, r.log_index)?;
    let internal = |e: String| Problem::from(iotlabel_registry::RegistryError::Config(e));
    let mut sign1 = CoseSign1::from_tagged_slice(&statement)
        .or_else(|_| CoseSign1::from_slice(&statement))
        .map_err(|e| internal(e.to_string()))?;
    sign1
        .unprotected
        .rest
        .retain(|(label, _)| *label != coset::Label::Int(RECEIPTS_LABEL));
    sign1.unprotected.rest.push((
        coset::Label::Int(RECEIPTS_LABEL),
        ciborium::Value::Array(vec![ciborium::Value::Bytes(receipt)]),
    ));
    let bytes = sign1.to_tagged_vec().map_err(|e| internal(e.to_string()))?;
    Ok(cache::bytes(
        &headers,
        "application/cose",
        bytes,
        Lifetime::Revalidate,
    ))
}

/// Search labels.
#[utoipa::path(get, path = "/labels", tag = "labels", params(LabelSearch),
    responses((status = 200, body = LabelPage), (status = 400, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    query: Result<Query<LabelSearch>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let Query(q) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let status = q
        .status
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e: String| {
            Problem::bad_request(format!(
                "status: {e}; use active, suspended, revoked, expired or superseded"
            ))
        })?;
    if let Some(s) = &q.support_until
        && iotlabel_declaration::dates::YearMonth::parse(s).is_err()
    {
        return Err(Problem::bad_request(format!(
            "support_until `{s}` is not a YYYY-MM month"
        )));
    }
    for (name, value) in [("q", &q.q), ("profile", &q.profile)] {
        if value.as_ref().is_some_and(|t| t.len() > 200) {
            return Err(Problem::bad_request(format!(
                "{name} is at most 200 characters"
            )));
        }
    }
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(Problem::bad_request("limit must be between 1 and 100"));
    }
    let offset = q.offset.unwrap_or(0);
    if offset > 100_000 {
        return Err(Problem::bad_request(
            "offset is at most 100000; narrow the search instead",
        ));
    }
    let query = LabelQuery {
        text: q.q.clone().filter(|t| !t.trim().is_empty()),
        manufacturer: q.manufacturer.clone(),
        category: q.category.clone(),
        profile: q.profile.clone(),
        min_level: q.min_level,
        status,
        support_end_from: q.support_until.clone(),
        limit,
        offset,
    };
    let (records, total) = state.registry().search(&query).await?;
    let now = Timestamp::now();
    let items: Vec<Label> = records.into_iter().map(|r| view(&state, r, now)).collect();
    let next = (u64::from(offset) + u64::from(limit) < total)
        .then(|| next_page(&state, &q, limit, offset + limit));
    let page = LabelPage {
        items,
        total,
        limit,
        offset,
        next,
    };
    Ok(cache::json(&headers, &page, Lifetime::Revalidate))
}

fn next_page(state: &AppState, q: &LabelSearch, limit: u32, offset: u32) -> String {
    let mut params: Vec<(&str, String)> = Vec::new();
    let mut add = |k: &'static str, v: &Option<String>| {
        if let Some(v) = v {
            params.push((k, v.clone()));
        }
    };
    add("q", &q.q);
    add("manufacturer", &q.manufacturer);
    add("category", &q.category);
    add("profile", &q.profile);
    add("status", &q.status);
    add("support_until", &q.support_until);
    if let Some(l) = q.min_level {
        params.push(("min_level", l.to_string()));
    }
    params.push(("limit", limit.to_string()));
    params.push(("offset", offset.to_string()));
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!(
        "{}/api/v1/labels?{}",
        state.registry().config.public_url.trim_end_matches('/'),
        query.join("&")
    )
}

/// Everything but RFC 3986's unreserved characters: what a query value must have encoded.
pub const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a query value: everything but unreserved characters (RFC 3986), so the
/// value survives any query parser.
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}

/// A product and the labels of all its versions.
#[utoipa::path(get, path = "/products/{id}", tag = "labels",
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, body = ProductLabels), (status = 404, body = Problem)))]
pub async fn get_product(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_id(&id)?;
    let records = store::labels_of_product(&state.registry().db.pool, &id).await?;
    if records.is_empty() {
        return Err(Problem::not_found(format!("product {id}")));
    }
    let now = Timestamp::now();
    let body = ProductLabels {
        id,
        labels: records.into_iter().map(|r| view(&state, r, now)).collect(),
    };
    Ok(cache::json(&headers, &body, Lifetime::Revalidate))
}

/// A submitted declaration, verbatim (declarations are public; evidence is not).
#[utoipa::path(get, path = "/declarations/{sha256}", tag = "labels",
    params(("sha256" = String, Path, description = "SHA-256 of the declaration, hex")),
    responses((status = 200, content_type = "application/toml", body = String), (status = 404, body = Problem)))]
pub async fn get_declaration(
    State(state): State<AppState>,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_id(&sha256)?;
    let (media_type, bytes) =
        store::declaration(&state.registry().db.pool, &sha256.to_ascii_lowercase())
            .await?
            .ok_or_else(|| Problem::not_found(format!("declaration {sha256}")))?;
    let content_type = if media_type == "application/json" {
        "application/json"
    } else {
        "application/toml"
    };
    Ok(cache::bytes(
        &headers,
        content_type,
        bytes,
        Lifetime::Immutable,
    ))
}
