//! `/knowledge`: the knowledge space, where technical and policy people read the same catalogue
//! side by side. The baseline's provisions in technical and plain language (in every interface
//! language the catalogue is translated into), one page per provision with everything that
//! refers to it, crosswalk matrices between any two regimes, the organisations, themes and
//! research questions of the international review, the incidents, and the catalogue's version
//! history.
//!
//! Everything here is read from the catalogue in force (`state.registry().catalog`) with the
//! catalogue crate's own queries (`query`, `search`, `diff`); nothing is stored. The catalogue's
//! technical texts exist in English only, so on a page in another language they carry
//! `lang="en"`, as does any plain text a translation lacks.

mod crosswalks;
mod history;
mod provisions;
mod review;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use fluent_bundle::FluentValue;
use iotlabel_catalog::Catalog;
use iotlabel_catalog::id::ProvisionId;
use iotlabel_server::AppState;
use serde::Serialize;

use crate::page::PageCtx;

/// `/knowledge` and its pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/knowledge", get(index))
        .route("/knowledge/provisions", get(provisions::list))
        .route("/knowledge/provisions/{id}", get(provisions::show))
        .route("/knowledge/search", get(provisions::search))
        .route("/knowledge/crosswalks", get(crosswalks::matrix))
        .route("/knowledge/organisations", get(review::organisations))
        .route("/knowledge/themes", get(review::themes))
        .route("/knowledge/research", get(review::research))
        .route("/knowledge/stories", get(review::stories))
        .route("/knowledge/history", get(history::history))
}

/// A catalogue text with the language it is actually written in, for the `lang` attribute.
pub struct Text {
    /// The text.
    pub text: String,
    /// Its BCP 47 tag.
    pub lang: &'static str,
}

impl Text {
    /// English catalogue text (technical statements, the knowledge space).
    fn en(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            lang: "en",
        }
    }

    /// The translation into the page's language when there is one, else the English text.
    fn local(ctx: &PageCtx, translated: Option<&str>, english: &str) -> Self {
        match translated {
            Some(t) => Self {
                text: t.to_owned(),
                lang: ctx.lang.tag(),
            },
            None => Self::en(english),
        }
    }
}

/// A provision's title in the page's language.
fn provision_title(c: &Catalog, ctx: &PageCtx, id: &ProvisionId) -> Text {
    let tag = ctx.lang.tag();
    let translated = c
        .translation(tag)
        .and_then(|t| t.provision(id))
        .and_then(|t| t.title.as_deref());
    Text {
        text: c.title_in(tag, id).unwrap_or_default().to_owned(),
        lang: if translated.is_some() { tag } else { "en" },
    }
}

/// A provision's plain text in the page's language ([`Catalog::plain_in`]).
fn provision_plain(c: &Catalog, ctx: &PageCtx, id: &ProvisionId) -> Text {
    let tag = ctx.lang.tag();
    let text = c.plain_in(tag, id).unwrap_or_default();
    Text {
        text: text.to_owned(),
        lang: if c.has_plain_in(tag, id) { tag } else { "en" },
    }
}

/// A category's title in the page's language.
fn category_title(c: &Catalog, ctx: &PageCtx, id: &str) -> Text {
    let translated = c
        .translation(ctx.lang.tag())
        .and_then(|t| t.category(id))
        .and_then(|t| t.title.as_deref());
    Text::local(
        ctx,
        translated,
        c.category(id).map_or(id, |c| c.title.as_str()),
    )
}

/// A profile's title in the page's language.
fn profile_title(c: &Catalog, ctx: &PageCtx, id: &str) -> Text {
    let translated = c
        .translation(ctx.lang.tag())
        .and_then(|t| t.profile(id))
        .and_then(|t| t.title.as_deref());
    Text::local(
        ctx,
        translated,
        c.profile(id).map_or(id, |p| p.title.as_str()),
    )
}

/// A source's short name and version, e.g. `ETSI EN 303 645 V2.1.1` (its title up to the first
/// colon or comma).
fn source_short(c: &Catalog, source: &str, version: &str) -> String {
    let title = c
        .sources
        .iter()
        .find(|s| s.id == source)
        .map_or(source, |s| s.title.as_str());
    let short = title.split([':', ',']).next().unwrap_or(title).trim();
    if version.is_empty() {
        short.to_owned()
    } else {
        format!("{short} V{version}")
    }
}

/// The path of a provision's page.
fn provision_href(ctx: &PageCtx, id: &ProvisionId) -> String {
    ctx.href(&format!("/knowledge/provisions/{}", enc(&id.to_string())))
}

/// The kebab-case name serde gives an enum value (`Relation::Partial` → `partial`), for
/// message ids such as `know-relation-partial`.
fn kebab<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The interface text for an enum value: `ctx.t("know-<prefix>-<kebab value>")`.
fn enum_text<T: Serialize>(ctx: &PageCtx, prefix: &str, value: &T) -> String {
    ctx.t(&format!("know-{prefix}-{}", kebab(value)))
}

/// Percent-encodes a query or path value (RFC 3986 unreserved characters stay, and the `@`
/// and `:` of provision ids, which paths allow).
fn enc(value: &str) -> String {
    const PATH_VALUE: &percent_encoding::AsciiSet = &iotlabel_server::api::labels::RESERVED
        .remove(b'@')
        .remove(b':');
    percent_encoding::utf8_percent_encode(value, PATH_VALUE).to_string()
}

/// A message with several (text) arguments.
fn t_args(ctx: &PageCtx, id: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, FluentValue<'_>)> = args
        .iter()
        .map(|(k, v)| (*k, FluentValue::from(v.as_str())))
        .collect();
    ctx.web.messages.format(ctx.lang, id, &args)
}

/// A query parameter that is present and not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// One link of the knowledge space's own navigation.
pub struct NavItem {
    /// Link.
    pub href: String,
    /// Text.
    pub label: String,
    /// Whether it is the page shown.
    pub current: bool,
}

/// The knowledge space's navigation with `current` marked.
fn nav(ctx: &PageCtx, current: &str) -> Vec<NavItem> {
    [
        ("index", "/knowledge"),
        ("provisions", "/knowledge/provisions"),
        ("crosswalks", "/knowledge/crosswalks"),
        ("organisations", "/knowledge/organisations"),
        ("themes", "/knowledge/themes"),
        ("research", "/knowledge/research"),
        ("stories", "/knowledge/stories"),
        ("history", "/knowledge/history"),
    ]
    .into_iter()
    .map(|(key, path)| NavItem {
        href: ctx.href(path),
        label: ctx.t(&format!("know-nav-{key}")),
        current: key == current,
    })
    .collect()
}

/// A section of the knowledge space, as the index presents it.
pub struct Section {
    /// Heading.
    pub title: String,
    /// What it holds.
    pub text: String,
    /// Where.
    pub href: String,
}

#[derive(Template)]
#[template(path = "knowledge.html")]
struct Index<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    sections: Vec<Section>,
    version: String,
    counts: String,
    languages: Vec<String>,
}

async fn index(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let c = &*state.registry().catalog;
    let sections = [
        ("provisions", "/knowledge/provisions"),
        ("crosswalks", "/knowledge/crosswalks"),
        ("organisations", "/knowledge/organisations"),
        ("themes", "/knowledge/themes"),
        ("research", "/knowledge/research"),
        ("stories", "/knowledge/stories"),
        ("history", "/knowledge/history"),
    ]
    .into_iter()
    .map(|(key, path)| Section {
        title: ctx.t(&format!("know-nav-{key}")),
        text: ctx.t(&format!("know-index-{key}")),
        href: ctx.href(path),
    })
    .collect();
    let version = t_args(
        &ctx,
        "know-index-version",
        &[
            ("version", c.meta.version.to_string()),
            ("published", c.meta.published.clone()),
        ],
    );
    let counts = format!(
        "{} {} {} {}",
        ctx.t.n("know-count-provisions", c.provisions.len() as u64),
        ctx.t.n("know-count-crosswalks", c.crosswalks.len() as u64),
        ctx.t.n("know-count-regimes", c.regimes.len() as u64),
        ctx.t
            .n("know-count-stories", c.knowledge.stories.len() as u64),
    );
    let mut languages = vec![ctx.t("know-index-lang-source")];
    for t in c.translations() {
        languages.push(t_args(
            &ctx,
            "know-index-lang-translation",
            &[
                ("language", t.name.clone()),
                ("done", t.provisions_translated().to_string()),
                ("all", c.provisions.len().to_string()),
            ],
        ));
    }
    ctx.render(&Index {
        ctx: &ctx,
        nav: nav(&ctx, "index"),
        sections,
        version,
        counts,
        languages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_for_urls() {
        assert_eq!(
            enc("etsi-en-303-645@2.1.1:5.1-1"),
            "etsi-en-303-645@2.1.1:5.1-1"
        );
        assert_eq!(enc("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn enum_values_read_as_in_the_files() {
        assert_eq!(
            kebab(&iotlabel_catalog::model::Relation::Partial),
            "partial"
        );
        assert_eq!(
            kebab(&iotlabel_catalog::model::EvidenceKind::LabReport),
            "lab-report"
        );
    }
}
