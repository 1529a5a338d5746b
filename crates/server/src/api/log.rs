//! The transparency log: proofs and entries through the API, and the C2SP tlog-tiles layout
//! under `/log/` for auditors and witnesses.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use iotlabel_registry::store;
use iotlabel_tlog::tiles::{self, TilePath};

use super::types::{
    ConsistencyProof, ConsistencyQuery, InclusionProof, InclusionQuery, Key, Keys, LogEntry, time,
};
use crate::cache::{self, Lifetime};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

fn b64(hashes: &[[u8; 32]]) -> Vec<String> {
    hashes.iter().map(|h| STANDARD.encode(h)).collect()
}

/// The signed checkpoint of a size, if it is the published one (older checkpoints are not
/// re-signed: clients keep the ones they saw).
fn checkpoint_for(state: &AppState, size: u64) -> String {
    let published = state.registry().log.checkpoint();
    if published.size == size {
        published.note.clone()
    } else {
        String::new()
    }
}

/// An inclusion proof.
#[utoipa::path(get, path = "/log/inclusion", tag = "log", params(InclusionQuery),
    responses((status = 200, body = InclusionProof), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn inclusion(
    State(state): State<AppState>,
    query: Result<Query<InclusionQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let Query(q) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let log = &state.registry().log;
    let (size, proof) = log.inclusion_proof(q.index, q.size)?;
    let leaf = log
        .leaf(q.index)
        .ok_or_else(|| Problem::not_found(format!("entry {}", q.index)))?;
    let body = InclusionProof {
        index: q.index,
        tree_size: size,
        leaf_hash: STANDARD.encode(leaf),
        proof: b64(&proof),
        checkpoint: checkpoint_for(&state, size),
    };
    Ok(cache::json(
        &headers,
        &body,
        if q.size.is_some() {
            Lifetime::Immutable
        } else {
            Lifetime::Revalidate
        },
    ))
}

/// A consistency proof between two tree sizes.
#[utoipa::path(get, path = "/log/consistency", tag = "log", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn consistency(
    State(state): State<AppState>,
    query: Result<Query<ConsistencyQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let Query(q) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let (new, proof) = state.registry().log.consistency_proof(q.old, q.new)?;
    let body = ConsistencyProof {
        old_size: q.old,
        new_size: new,
        proof: b64(&proof),
        checkpoint: checkpoint_for(&state, new),
    };
    Ok(cache::json(
        &headers,
        &body,
        if q.new.is_some() {
            Lifetime::Immutable
        } else {
            Lifetime::Revalidate
        },
    ))
}

/// One log entry.
#[utoipa::path(get, path = "/log/entries/{index}", tag = "log",
    params(("index" = u64, Path, description = "Entry index")),
    responses((status = 200, body = LogEntry), (status = 404, body = Problem)))]
pub async fn entry(
    State(state): State<AppState>,
    Path(index): Path<u64>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if index >= state.registry().log.size() {
        return Err(Problem::not_found(format!(
            "entry {index}: the log has {} entries",
            state.registry().log.size()
        )));
    }
    let rows = store::entries(&state.registry().db.pool, index, index + 1).await?;
    let (_, data, hash) = rows
        .into_iter()
        .next()
        .ok_or_else(|| Problem::not_found(format!("entry {index}")))?;
    let body = LogEntry {
        index,
        leaf_hash: STANDARD.encode(hash),
        entry: serde_json::from_slice(&data).unwrap_or(serde_json::Value::Null),
        data: STANDARD.encode(&data),
    };
    Ok(cache::json(&headers, &body, Lifetime::Immutable))
}

/// The registry's public keys and the log's identity.
#[utoipa::path(get, path = "/keys", tag = "log", responses((status = 200, body = Keys)))]
pub async fn keys(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let registry = state.registry();
    let keys = store::keys(&registry.db.pool)
        .await?
        .into_iter()
        .map(|(id, role, name, public_key, from, until)| Key {
            id,
            role,
            name,
            public_key,
            valid_from: time(from),
            valid_until: until.map(time),
        })
        .collect();
    let body = Keys {
        log_origin: registry.log.origin().to_owned(),
        log_verifier_key: registry.log.verifier_key().to_string(),
        keys,
    };
    Ok(cache::json(&headers, &body, Lifetime::Revalidate))
}

/// `GET /log/checkpoint`: the latest signed checkpoint.
#[utoipa::path(get, path = "/log/checkpoint", tag = "tiles",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn checkpoint(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let note = state.registry().log.checkpoint().note.clone();
    cache::bytes(
        &headers,
        "text/plain; charset=utf-8",
        note.into_bytes(),
        Lifetime::Revalidate,
    )
}

/// `GET /log/tile/...`: hash tiles and entry bundles (C2SP tlog-tiles). Every tile that the
/// published tree determines is served, including narrower partial tiles of past sizes; all
/// are immutable.
#[utoipa::path(get, path = "/log/tile/{path}", tag = "tiles",
    params(("path" = String, Path, description = "`<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, N in x001/x234/067 groups")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn tile(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let full_path = format!("tile/{path}");
    let parsed = tiles::parse_path(&full_path).map_err(|e| Problem::not_found(e.to_string()))?;
    let log = &state.registry().log;
    let size = log.size();
    let servable = |id: &iotlabel_tlog::TileId| {
        tiles::tile_width(id.level(), id.index(), size).is_some_and(|w| id.width() <= w)
    };
    match parsed {
        TilePath::Hash(id) => {
            if !servable(&id) {
                return Err(Problem::not_found(format!(
                    "{full_path} is not in the tree of size {size}"
                )));
            }
            let bytes = log
                .with_tree(|tree| tiles::hash_tile(tree, id))
                .map_err(|e| Problem::not_found(e.to_string()))?;
            Ok(cache::bytes(
                &headers,
                "application/octet-stream",
                bytes,
                Lifetime::Immutable,
            ))
        }
        TilePath::Entries(id) => {
            if !servable(&id) {
                return Err(Problem::not_found(format!(
                    "{full_path} is not in the tree of size {size}"
                )));
            }
            let start = id.index() * 256;
            let rows = store::entries(
                &state.registry().db.pool,
                start,
                start + u64::from(id.width()),
            )
            .await?;
            let bundle = tiles::encode_bundle(rows.iter().map(|(_, data, _)| data.as_slice()))
                .map_err(|e| {
                    Problem::from(iotlabel_registry::RegistryError::Config(e.to_string()))
                })?;
            Ok(cache::bytes(
                &headers,
                "application/octet-stream",
                bundle,
                Lifetime::Immutable,
            ))
        }
    }
}
