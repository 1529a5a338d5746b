//! `/knowledge/history`: the catalogue's version history.
//!
//! What a server can honestly show depends on what it has. It always has two things: the
//! catalogue in force and the catalogue files built into the program (with their
//! CHANGELOG.md). A registry also records every catalogue version it has assessed against, but
//! only as JSON to detect changes, not as files a [`Catalog`] can be built from. So the page
//! shows the changelog for people; the versions this registry has used, with when and how many
//! labels name each; and a real comparison ([`iotlabel_catalog::diff::diff`]) between the
//! built-in catalogue and the one in force whenever they differ (a registry started with
//! `--catalog` on newer files). Comparing any two git revisions is `iotlabel catalog diff`.

use std::sync::OnceLock;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use iotlabel_catalog::diff::{CatalogDiff, diff};
use iotlabel_catalog::{Catalog, Snapshot, build};
use iotlabel_registry::store;
use iotlabel_server::AppState;

use super::{NavItem, nav, provision_href, t_args};
use crate::format::date;
use crate::page::{PageCtx, WebError};

/// A piece of a changelog entry.
pub enum Block {
    /// A paragraph.
    Para(String),
    /// A bulleted list.
    List(Vec<String>),
}

/// One `## ` section of CHANGELOG.md.
pub struct Entry {
    /// Its heading (`1.0.0 (2026-11-21)`).
    pub heading: String,
    /// Its paragraphs and lists.
    pub blocks: Vec<Block>,
}

/// The built-in catalogue and its changelog, read once.
struct BuiltIn {
    catalog: Option<Catalog>,
    changelog: Vec<Entry>,
}

fn built_in() -> &'static BuiltIn {
    static BUILT_IN: OnceLock<BuiltIn> = OnceLock::new();
    BUILT_IN.get_or_init(|| {
        let snapshot = Snapshot::embedded();
        let changelog = snapshot
            .files
            .get("CHANGELOG.md")
            .map(|t| parse_changelog(t))
            .unwrap_or_default();
        BuiltIn {
            catalog: build(&snapshot).ok(),
            changelog,
        }
    })
}

/// Reads the changelog's `## ` sections: paragraphs, and `- ` lists whose items may continue
/// on indented lines. The text stays text (the template escapes it); inline Markdown such as
/// backticks reads fine as it is.
fn parse_changelog(text: &str) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let flush = |entries: &mut Vec<Entry>, para: &mut Vec<&str>| {
        if let Some(e) = entries.last_mut()
            && !para.is_empty()
        {
            e.blocks.push(Block::Para(para.join(" ")));
        }
        para.clear();
    };
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            flush(&mut entries, &mut para);
            entries.push(Entry {
                heading: heading.trim().to_owned(),
                blocks: Vec::new(),
            });
            continue;
        }
        let Some(entry) = entries.last_mut() else {
            continue;
        };
        let trimmed = line.trim();
        if let Some(item) = trimmed.strip_prefix("- ") {
            if !para.is_empty() {
                entry.blocks.push(Block::Para(para.join(" ")));
                para.clear();
            }
            match entry.blocks.last_mut() {
                Some(Block::List(items)) => items.push(item.to_owned()),
                _ => entry.blocks.push(Block::List(vec![item.to_owned()])),
            }
        } else if trimmed.is_empty() {
            if !para.is_empty() {
                entry.blocks.push(Block::Para(para.join(" ")));
                para.clear();
            }
        } else if line.starts_with(' ')
            && para.is_empty()
            && let Some(Block::List(items)) = entry.blocks.last_mut()
            && let Some(last) = items.last_mut()
        {
            last.push(' ');
            last.push_str(trimmed);
        } else {
            para.push(trimmed);
        }
    }
    flush(&mut entries, &mut para);
    entries
}

/// A version this registry has used.
pub struct Recorded {
    /// Version.
    pub version: String,
    /// First used (date).
    pub since: String,
    /// How many labels name it, in words.
    pub labels: String,
    /// Whether it is the one in force.
    pub current: bool,
}

/// A provision in the comparison.
pub struct DiffProvision {
    /// Full id.
    pub id: String,
    /// Its page, when it exists in the catalogue in force.
    pub href: Option<String>,
}

/// A changed field.
pub struct DiffField {
    /// Field name.
    pub field: String,
    /// Before (JSON).
    pub before: String,
    /// After (JSON).
    pub after: String,
}

/// A changed provision.
pub struct DiffChange {
    /// The provision.
    pub provision: DiffProvision,
    /// Its title.
    pub title: String,
    /// Its changed fields.
    pub fields: Vec<DiffField>,
}

/// A profile, regime or crosswalk the change reaches.
pub struct DiffImpact {
    /// Id.
    pub id: String,
    /// What, in words.
    pub detail: String,
}

/// The comparison as the page shows it.
pub struct DiffView {
    /// Heading.
    pub title: String,
    /// Added provisions.
    pub added: Vec<DiffProvision>,
    /// Removed provisions.
    pub removed: Vec<DiffProvision>,
    /// Changed provisions.
    pub changed: Vec<DiffChange>,
    /// Profiles, regimes and crosswalks reached.
    pub impacts: Vec<DiffImpact>,
}

#[derive(Template)]
#[template(path = "knowledge_history.html")]
struct HistoryPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    current: String,
    built_in_note: Option<String>,
    recorded: Vec<Recorded>,
    changelog: &'a [Entry],
    comparison: Option<DiffView>,
    same: bool,
}

/// `GET /knowledge/history`.
pub(super) async fn history(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let r = history_page(&state, &ctx).await;
    ctx.respond(r)
}

async fn history_page(state: &AppState, ctx: &PageCtx) -> Result<Response, WebError> {
    let registry = state.registry();
    let c = &*registry.catalog;
    let current_version = c.meta.version.to_string();
    let recorded = store::catalog_version_history(&registry.db.pool)
        .await?
        .into_iter()
        .map(|(version, since, labels)| Recorded {
            current: version == current_version,
            version,
            since: date(since),
            labels: ctx
                .t
                .n("know-history-labels", u64::try_from(labels).unwrap_or(0)),
        })
        .collect();
    let built_in = built_in();
    let (comparison, same, built_in_note) = match &built_in.catalog {
        Some(b) => {
            let d = diff(b, c);
            let note = (b.meta.version != c.meta.version).then(|| {
                t_args(
                    ctx,
                    "know-history-other-files",
                    &[
                        ("current", current_version.clone()),
                        ("builtin", b.meta.version.to_string()),
                    ],
                )
            });
            if d.is_empty() {
                (None, true, note)
            } else {
                (Some(diff_view(c, ctx, &d)), false, note)
            }
        }
        None => (None, false, Some(ctx.t("know-history-no-builtin"))),
    };
    let current = t_args(
        ctx,
        "know-history-current",
        &[
            ("title", c.meta.title.clone()),
            ("version", current_version),
            ("published", c.meta.published.clone()),
        ],
    );
    Ok(ctx.render(&HistoryPage {
        ctx,
        nav: nav(ctx, "history"),
        current,
        built_in_note,
        recorded,
        changelog: &built_in.changelog,
        comparison,
        same,
    }))
}

fn diff_view(c: &Catalog, ctx: &PageCtx, d: &CatalogDiff) -> DiffView {
    let prov = |id: &iotlabel_catalog::ProvisionId| DiffProvision {
        id: id.to_string(),
        href: c.provision(id).map(|_| provision_href(ctx, id)),
    };
    let json = |v: &serde_json::Value| serde_json::to_string(v).unwrap_or_default();
    let mut impacts = Vec::new();
    for (kind, list) in [("profile", &d.profiles), ("regime", &d.regimes)] {
        for i in list {
            let ids: Vec<&str> = i.provisions.iter().map(|p| p.local.as_str()).collect();
            let mut detail = if ids.is_empty() {
                String::new()
            } else {
                ctx.t
                    .t1("know-history-through", "provisions", ids.join(", "))
            };
            if i.definition_changed {
                if !detail.is_empty() {
                    detail.push(' ');
                }
                detail.push_str(&ctx.t("know-history-definition"));
            }
            impacts.push(DiffImpact {
                id: format!("{} {}", ctx.t(&format!("know-history-kind-{kind}")), i.id),
                detail,
            });
        }
    }
    for cw in &d.crosswalks {
        impacts.push(DiffImpact {
            id: format!("{} {}", ctx.t("know-history-kind-crosswalk"), cw.id),
            detail: t_args(
                ctx,
                "know-history-rows",
                &[
                    ("added", cw.rows_added.join(", ")),
                    ("removed", cw.rows_removed.join(", ")),
                    ("changed", cw.rows_changed.join(", ")),
                ],
            ),
        });
    }
    DiffView {
        title: t_args(
            ctx,
            "know-history-diff-title",
            &[
                ("from", d.from_version.clone()),
                ("to", d.to_version.clone()),
            ],
        ),
        added: d.added.iter().map(prov).collect(),
        removed: d.removed.iter().map(prov).collect(),
        changed: d
            .changed
            .iter()
            .map(|ch| DiffChange {
                provision: prov(&ch.id),
                title: ch.title.clone(),
                fields: ch
                    .fields
                    .iter()
                    .map(|f| DiffField {
                        field: f.field.clone(),
                        before: json(&f.before),
                        after: json(&f.after),
                    })
                    .collect(),
            })
            .collect(),
        impacts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changelog_sections_keep_paragraphs_and_wrapped_list_items() {
        let text = "# Changes\n\nIntro.\n\n## 2.0.0\n\nSome text\ncontinued.\n\n- one\n  more\n- two\n\n## 1.0.0 (2026-11-21)\n\nFirst.\n";
        let entries = parse_changelog(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].heading, "2.0.0");
        match &entries[0].blocks[..] {
            [Block::Para(p), Block::List(items)] => {
                assert_eq!(p, "Some text continued.");
                assert_eq!(items, &["one more".to_owned(), "two".to_owned()]);
            }
            _ => panic!("unexpected blocks"),
        }
        assert!(matches!(&entries[1].blocks[..], [Block::Para(p)] if p == "First."));
    }
}
