//! `/knowledge/crosswalks`: pick two regimes, guidelines or the baseline itself, and see which
//! rows of one map to which rows of the other through the provisions they share
//! ([`iotlabel_catalog::query::crosswalk`]).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use iotlabel_catalog::Catalog;
use iotlabel_catalog::model::Decision;
use iotlabel_catalog::query::{Pivot, QueryError, Side, crosswalk};
use iotlabel_server::AppState;
use serde::Deserialize;

use super::provisions::ProvLink;
use super::{NavItem, Text, enc, enum_text, given, nav, provision_href, provision_title};
use crate::page::PageCtx;

/// The grid puts the side with fewer rows across; when both have more than this, it is shown
/// requirement by requirement only: a wider grid is unreadable.
const MAX_COLUMNS: usize = 30;

/// The two sides chosen.
#[derive(Debug, Default, Deserialize)]
pub(super) struct MatrixQuery {
    a: Option<String>,
    b: Option<String>,
}

/// A choice in a side's list.
pub struct Opt {
    /// Value sent.
    pub value: String,
    /// Text.
    pub label: String,
    /// Whether chosen.
    pub selected: bool,
}

/// A group of choices.
pub struct OptGroup {
    /// Group label.
    pub label: String,
    /// Its choices.
    pub options: Vec<Opt>,
}

/// A document that can be compared.
pub struct Document {
    /// Title.
    pub title: String,
    /// Publisher and reference.
    pub source: String,
    /// Kind, in words.
    pub kind: String,
    /// Plain description (English).
    pub plain: Text,
    /// Number of rows.
    pub rows: String,
    /// The document against the baseline.
    pub href: String,
}

/// One side as the result shows it.
pub struct SideView {
    /// Heading.
    pub title: String,
    /// Plain description, when the side is a document.
    pub plain: Option<Text>,
}

/// A row of the target side that shares provisions with a source row.
pub struct MatchView {
    /// The target's citation.
    pub reference: String,
    /// Its title.
    pub title: String,
    /// The shared provisions.
    pub via: Vec<ProvLink>,
}

/// A row of the source side.
pub struct RowView {
    /// Anchor (`row-<id>`).
    pub anchor: String,
    /// Citation (a provision's id when the source is the baseline).
    pub reference: String,
    /// Title.
    pub title: Text,
    /// Link, when the row is a provision.
    pub href: Option<String>,
    /// Relation to its provisions, in words.
    pub relation: Option<String>,
    /// Why nothing covers it.
    pub gap: Option<Text>,
    /// Its provisions.
    pub provisions: Vec<ProvLink>,
    /// Target rows it maps to.
    pub matches: Vec<MatchView>,
}

/// A row of the grid.
pub struct GridRow {
    /// Citation.
    pub reference: String,
    /// Title.
    pub title: Text,
    /// The provisions shared with each column.
    pub cells: Vec<Vec<ProvLink>>,
}

/// A column of the grid.
pub struct Column {
    /// Citation.
    pub reference: String,
    /// Title.
    pub title: Text,
}

#[derive(Template)]
#[template(path = "knowledge_crosswalks.html")]
struct MatrixPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    sides_a: Vec<OptGroup>,
    sides_b: Vec<OptGroup>,
    error: Option<String>,
    documents: Vec<Document>,
    from: Option<SideView>,
    to: Option<SideView>,
    target_is_document: bool,
    swap_href: Option<String>,
    summary: String,
    columns: Vec<Column>,
    grid: Vec<GridRow>,
    rows: Vec<RowView>,
}

/// `GET /knowledge/crosswalks?a=&b=`.
pub(super) async fn matrix(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<MatrixQuery>,
) -> Response {
    let c = &*state.registry().catalog;
    let a = given(&q.a).map(|s| s.chars().take(100).collect::<String>());
    let b = given(&q.b).map(|s| s.chars().take(100).collect::<String>());
    let mut page = MatrixPage {
        ctx: &ctx,
        nav: nav(&ctx, "crosswalks"),
        sides_a: sides(c, &ctx, a.as_deref(), false),
        sides_b: sides(c, &ctx, b.as_deref(), true),
        error: None,
        documents: Vec::new(),
        from: None,
        to: None,
        target_is_document: false,
        swap_href: None,
        summary: String::new(),
        columns: Vec::new(),
        grid: Vec::new(),
        rows: Vec::new(),
    };
    let Some(a) = a else {
        page.documents = documents(c, &ctx);
        return ctx.render(&page);
    };
    match pivot(c, &a, b.as_deref()) {
        Ok((pivot, target)) => {
            fill(c, &ctx, &mut page, &pivot, target, &a, b.as_deref());
            ctx.render(&page)
        }
        Err(e) => {
            page.error = Some(match e {
                QueryError::Unknown { id, .. } => ctx.t.t1("know-matrix-unknown", "id", id),
                QueryError::Invalid(_) => ctx.t("know-matrix-same-side"),
            });
            page.documents = documents(c, &ctx);
            ctx.render_status(StatusCode::BAD_REQUEST, &page)
        }
    }
}

/// The pivot of `a` onto `b` (onto the provisions when `b` is not given), and the target's
/// crosswalk when it is one.
fn pivot<'c>(
    c: &'c Catalog,
    a: &'c str,
    b: Option<&'c str>,
) -> Result<(Pivot, Option<&'c iotlabel_catalog::model::Crosswalk>), QueryError> {
    let from = Side::resolve(c, a)?;
    let to = b.map(|b| Side::resolve(c, b)).transpose()?;
    let target = match to {
        Some(Side::Crosswalk(cw)) => Some(cw),
        _ => None,
    };
    Ok((crosswalk(c, from, to, None)?, target))
}

/// The title of what a name resolves to.
fn side_view(c: &Catalog, name: &str) -> SideView {
    if let Some(r) = c.regime(name) {
        let cw = c.regime_crosswalk(r);
        return SideView {
            title: match cw {
                Some(cw) if cw.title.contains(&r.short) => cw.title.clone(),
                Some(cw) => format!("{} ({})", r.short, cw.title),
                None => r.name.clone(),
            },
            plain: Some(Text::en(cw.map_or(&r.plain, |cw| &cw.plain))),
        };
    }
    if let Some(cw) = c.crosswalk(name) {
        return SideView {
            title: cw.title.clone(),
            plain: Some(Text::en(&cw.plain)),
        };
    }
    let (source, version) = name.split_once('@').unwrap_or((name, ""));
    SideView {
        title: super::source_short(c, source, version),
        plain: None,
    }
}

fn fill<'c>(
    c: &'c Catalog,
    ctx: &PageCtx,
    page: &mut MatrixPage<'_>,
    pivot: &Pivot,
    target: Option<&'c iotlabel_catalog::model::Crosswalk>,
    a: &str,
    b: Option<&str>,
) {
    let link = |id: &iotlabel_catalog::ProvisionId| ProvLink {
        href: provision_href(ctx, id),
        local: id.local.clone(),
        title: provision_title(c, ctx, id),
    };
    let from_is_baseline = !(c.crosswalk(a).is_some()
        || c.regime(a)
            .is_some_and(|r| r.decision != Decision::MandatoryProvisions));
    let mut mapped = 0usize;
    page.rows = pivot
        .rows
        .iter()
        .map(|r| {
            if !r.matches.is_empty() {
                mapped += 1;
            }
            let provision = from_is_baseline.then(|| r.provisions.first()).flatten();
            RowView {
                anchor: format!("row-{}", r.id),
                reference: r.reference.clone(),
                title: match provision {
                    Some(id) => provision_title(c, ctx, id),
                    None => Text::en(&r.title),
                },
                href: provision.map(|id| provision_href(ctx, id)),
                relation: r.relation.map(|rel| enum_text(ctx, "relation", &rel)),
                gap: r.gap.as_deref().map(Text::en),
                provisions: if from_is_baseline {
                    Vec::new()
                } else {
                    r.provisions.iter().map(link).collect()
                },
                matches: r
                    .matches
                    .iter()
                    .map(|m| MatchView {
                        reference: m.reference.clone(),
                        title: m.title.clone(),
                        via: m.via.iter().map(link).collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    if let Some(target) = target {
        grid(page, pivot, target, &link);
    }
    page.from = Some(side_view(c, a));
    page.target_is_document = target.is_some();
    page.to = b.map(|b| side_view(c, b));
    if let Some(b) = b {
        page.swap_href =
            Some(ctx.href(&format!("/knowledge/crosswalks?a={}&b={}", enc(b), enc(a))));
        page.summary = super::t_args(
            ctx,
            "know-matrix-summary",
            &[
                ("mapped", mapped.to_string()),
                ("rows", pivot.rows.len().to_string()),
            ],
        );
    }
}

/// The grid of the pivot: source rows down and target rows across, or the other way round
/// when the source has more rows than the target (a phone scrolls down more easily than
/// across).
fn grid(
    page: &mut MatrixPage<'_>,
    pivot: &Pivot,
    target: &iotlabel_catalog::model::Crosswalk,
    link: &dyn Fn(&iotlabel_catalog::ProvisionId) -> ProvLink,
) {
    let via = |source: usize, target_row: &str| -> Vec<ProvLink> {
        pivot.rows[source]
            .matches
            .iter()
            .find(|m| m.id == target_row)
            .map(|m| m.via.iter().map(link).collect())
            .unwrap_or_default()
    };
    let across_target = target.rows.len() <= pivot.rows.len();
    if target.rows.len().min(pivot.rows.len()) > MAX_COLUMNS {
        return;
    }
    if across_target {
        page.columns = target
            .rows
            .iter()
            .map(|t| Column {
                reference: t.reference.clone(),
                title: Text::en(&t.title),
            })
            .collect();
        page.grid = page
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| GridRow {
                reference: r.reference.clone(),
                title: Text {
                    text: r.title.text.clone(),
                    lang: r.title.lang,
                },
                cells: target.rows.iter().map(|t| via(i, &t.id)).collect(),
            })
            .collect();
    } else {
        page.columns = page
            .rows
            .iter()
            .map(|r| Column {
                reference: r.reference.clone(),
                title: Text {
                    text: r.title.text.clone(),
                    lang: r.title.lang,
                },
            })
            .collect();
        page.grid = target
            .rows
            .iter()
            .map(|t| GridRow {
                reference: t.reference.clone(),
                title: Text::en(&t.title),
                cells: (0..pivot.rows.len()).map(|i| via(i, &t.id)).collect(),
            })
            .collect();
    }
}

/// The choices for one side: regimes, other documents, the baseline's versions.
fn sides(c: &Catalog, ctx: &PageCtx, chosen: Option<&str>, optional: bool) -> Vec<OptGroup> {
    let opt = |value: &str, label: String| Opt {
        value: value.to_owned(),
        label,
        selected: chosen == Some(value),
    };
    let mut regimes = Vec::new();
    for r in &c.regimes {
        // EN 303 645 as a regime is decided by its own provisions: it is the baseline group.
        if r.decision != Decision::MandatoryProvisions {
            regimes.push(opt(&r.id, format!("{} ({})", r.short, r.jurisdiction)));
        }
    }
    let used: Vec<&str> = c
        .regimes
        .iter()
        .filter_map(|r| r.crosswalk.as_deref())
        .collect();
    let others = c
        .crosswalks
        .iter()
        .filter(|cw| !used.contains(&cw.id.as_str()))
        .map(|cw| opt(&cw.id, cw.title.clone()))
        .collect();
    let mut namespaces: Vec<String> = Vec::new();
    for p in &c.provisions {
        let ns = p.id.namespace();
        if !namespaces.contains(&ns) {
            namespaces.push(ns);
        }
    }
    let baseline = namespaces
        .iter()
        .map(|ns| opt(ns, side_view(c, ns).title))
        .collect();
    let mut groups = vec![
        OptGroup {
            label: ctx.t("know-matrix-group-regimes"),
            options: regimes,
        },
        OptGroup {
            label: ctx.t("know-matrix-group-documents"),
            options: others,
        },
        OptGroup {
            label: ctx.t("know-matrix-group-baseline"),
            options: baseline,
        },
    ];
    if optional {
        groups.retain(|g| !g.options.is_empty());
    }
    groups
}

fn documents(c: &Catalog, ctx: &PageCtx) -> Vec<Document> {
    c.crosswalks
        .iter()
        .map(|cw| Document {
            title: cw.title.clone(),
            source: format!("{}: {}", cw.publisher, cw.reference),
            kind: enum_text(ctx, "cwkind", &cw.kind),
            plain: Text::en(&cw.plain),
            rows: ctx.t.n("know-count-rows", cw.rows.len() as u64),
            href: ctx.href(&format!("/knowledge/crosswalks?a={}", enc(&cw.id))),
        })
        .collect()
}
