//! The JSON API under `/api/v1`, and its OpenAPI description generated from the handlers
//! themselves (so the document cannot drift from the routes).

pub mod disclosure;
pub mod labels;
pub mod log;
pub mod monitor;
pub mod types;
pub mod writes;

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "iotlabel registry API",
        description = "Labels, their status and history, submissions, and the transparency log of the iotlabel registry. Public reads need no account and are rate-limited per address; writes need a bearer token. Errors are RFC 9457 problem details.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "labels", description = "Public reads about labels and products"),
        (name = "log", description = "Transparency log proofs and keys"),
        (name = "tiles", description = "The log as C2SP tlog-tiles (served under /log/, outside /api/v1)"),
        (name = "submissions", description = "Manufacturers and assessors"),
        (name = "operator", description = "The scheme operator"),
        (name = "vulnerabilities", description = "Continuous monitoring: advisories, the KEV catalogue, SBOMs and VEX statements"),
        (name = "accounts", description = "Accounts"),
        (name = "disclosure", description = "Coordinated vulnerability disclosure: reports without an account, the manufacturer's inbox, CRA clocks, CSAF advisories")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = api.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("iotl_...")
                        .build(),
                ),
            );
        }
    }
}

/// The `/api/v1` routes (relative) with their documentation.
fn v1() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(labels::search))
        .routes(routes!(labels::get_label))
        .routes(routes!(labels::get_status))
        .routes(routes!(labels::get_status_token))
        .routes(routes!(labels::get_statement))
        .routes(routes!(labels::get_envelope))
        .routes(routes!(labels::get_events))
        .routes(routes!(labels::get_proof))
        .routes(routes!(labels::get_receipt))
        .routes(routes!(labels::get_transparent_statement))
        .routes(routes!(labels::get_product))
        .routes(routes!(labels::get_declaration))
        .routes(routes!(log::inclusion))
        .routes(routes!(log::consistency))
        .routes(routes!(log::entry))
        .routes(routes!(log::keys))
        .routes(routes!(writes::whoami))
        .routes(routes!(writes::submit))
        .routes(routes!(writes::put_blob, writes::get_blob))
        .routes(routes!(writes::attest))
        .routes(routes!(writes::change_status))
        .routes(routes!(writes::create_organisation))
        .routes(routes!(writes::create_account))
        .routes(routes!(writes::register_key))
        .routes(routes!(writes::retire_key))
        .routes(routes!(writes::sweep))
        .routes(routes!(monitor::import_advisories))
        .routes(routes!(monitor::import_kev))
        .routes(routes!(monitor::put_sbom))
        .routes(routes!(monitor::post_vex))
        .routes(routes!(monitor::get_vulnerabilities))
        .merge(disclosure::routes())
}

/// The tile routes under `/log` (documented with the API). Tile paths span several segments,
/// which axum matches with a wildcard that OpenAPI cannot express, so the tile route's document
/// comes from [`TileDoc`] and the route itself from [`routers`].
fn tiles() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(log::checkpoint))
}

#[derive(OpenApi)]
#[openapi(paths(log::tile))]
struct TileDoc;

/// The API router (`/api/v1/...`), the tile router (`/log/...`) and the OpenAPI document.
pub fn routers() -> (Router<AppState>, Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", v1())
        .split_for_parts();
    let (tile_router, tile_doc) = OpenApiRouter::new().merge(tiles()).split_for_parts();
    let tile_router = tile_router.route("/log/tile/{*path}", axum::routing::get(log::tile));
    doc.merge(tile_doc);
    doc.merge(TileDoc::openapi());
    problems_as_problem_json(&mut doc);
    (api, tile_router, doc)
}

/// The OpenAPI document as pretty JSON (what `/api/v1/openapi.json` serves and
/// `docs/openapi.json` holds).
pub fn openapi_json() -> String {
    let (_, _, doc) = routers();
    doc.to_pretty_json().unwrap_or_default()
}

/// Error responses are `application/problem+json` (RFC 9457), which the handler annotations
/// cannot say once for all: rewrite every response whose body is a `Problem`.
fn problems_as_problem_json(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.head,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            for response in op.responses.responses.values_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                let is_problem = response.content.get("application/json").is_some_and(|c| {
                    matches!(c, RefOr::T(content) if matches!(&content.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")))
                });
                if is_problem
                    && let Some(content) = response.content.shift_remove("application/json")
                {
                    response
                        .content
                        .insert("application/problem+json".to_owned(), content);
                }
            }
        }
    }
}
