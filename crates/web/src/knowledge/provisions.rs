//! The provisions: the browsable catalogue (`/knowledge/provisions`), one page per provision
//! with everything that refers to it, and the search over the whole catalogue.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use iotlabel_catalog::Catalog;
use iotlabel_catalog::model::{Decision, Modality, Provision, RuleKind, VerificationMethod};
use iotlabel_catalog::query::{ProvisionFilter, list_provisions};
use iotlabel_catalog::search::{HitKind, search as catalog_search};
use iotlabel_server::AppState;
use serde::Deserialize;

use super::{
    NavItem, Text, category_title, enc, enum_text, given, nav, profile_title, provision_href,
    provision_plain, provision_title, t_args,
};
use crate::page::{PageCtx, WebError};

/// Which of the catalogue's two languages a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Both,
    Plain,
    Technical,
}

impl View {
    fn parse(value: Option<&str>) -> Self {
        match value {
            Some("plain") => View::Plain,
            Some("technical") => View::Technical,
            _ => View::Both,
        }
    }

    fn key(self) -> &'static str {
        match self {
            View::Both => "both",
            View::Plain => "plain",
            View::Technical => "technical",
        }
    }
}

/// The listing's filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    view: Option<String>,
    category: Option<String>,
    profile: Option<String>,
    regime: Option<String>,
    modality: Option<String>,
}

/// An option of a filter.
pub struct Choice {
    /// Value sent.
    pub value: String,
    /// Text shown.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// One link of the technical / plain switch.
pub struct ViewLink {
    /// Link.
    pub href: String,
    /// Text.
    pub label: String,
    /// Whether it is the view shown.
    pub current: bool,
}

/// A provision in the listing.
pub struct Item {
    /// Its page.
    pub href: String,
    /// Anchor in the listing.
    pub anchor: String,
    /// Id as the source writes it.
    pub local: String,
    /// Title.
    pub title: Text,
    /// EN 303 645 status (`M`, `R C`, ...).
    pub status: String,
    /// Badge class: mandatory or recommended.
    pub badge: &'static str,
    /// Whether the chosen profile made it mandatory.
    pub raised: bool,
    /// Technical statement (English).
    pub statement: Text,
    /// Plain text.
    pub plain: Text,
}

/// A category (clause) of the listing.
pub struct CategoryGroup {
    /// Clause number.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Plain summary.
    pub plain: Text,
    /// Its provisions.
    pub items: Vec<Item>,
}

/// The provisions of one source version.
pub struct SourceGroup {
    /// Heading, e.g. `ETSI EN 303 645 V2.1.1`.
    pub title: String,
    /// Its categories, in catalogue order.
    pub categories: Vec<CategoryGroup>,
}

#[derive(Template)]
#[template(path = "knowledge_provisions.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    views: Vec<ViewLink>,
    view: &'static str,
    show_plain: bool,
    show_technical: bool,
    categories: Vec<Choice>,
    profiles: Vec<Choice>,
    regimes: Vec<Choice>,
    modalities: Vec<Choice>,
    sources: Vec<SourceGroup>,
    count: String,
}

/// `GET /knowledge/provisions`.
pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Response {
    let r = list_page(&state.registry().catalog, &ctx, &q);
    ctx.respond(r)
}

fn source_title(c: &Catalog, p: &Provision) -> String {
    super::source_short(c, &p.id.source, &p.id.version)
}

fn badge(modality: Modality) -> &'static str {
    match modality {
        Modality::Mandatory => "bad",
        Modality::Recommended => "info",
    }
}

fn list_page(c: &Catalog, ctx: &PageCtx, q: &ListQuery) -> Result<Response, WebError> {
    let view = View::parse(given(&q.view));
    let modality = match given(&q.modality) {
        None => None,
        Some("M") => Some(Modality::Mandatory),
        Some("R") => Some(Modality::Recommended),
        Some(_) => return Err(WebError::BadRequest(ctx.t("know-filter-unknown"))),
    };
    let filter = ProvisionFilter {
        regime: given(&q.regime).map(str::to_owned),
        profile: given(&q.profile).map(str::to_owned),
        category: given(&q.category).map(str::to_owned),
        modality,
        ..ProvisionFilter::default()
    };
    let listed = list_provisions(c, &filter)
        .map_err(|e| WebError::BadRequest(format!("{} ({e})", ctx.t("know-filter-unknown"))))?;
    let mut sources: Vec<SourceGroup> = Vec::new();
    for l in &listed {
        let p = l.provision;
        let title = source_title(c, p);
        if sources.last().is_none_or(|s| s.title != title) {
            sources.push(SourceGroup {
                title,
                categories: Vec::new(),
            });
        }
        let Some(source) = sources.last_mut() else {
            continue;
        };
        if source.categories.last().is_none_or(|g| g.id != p.category) {
            let plain_de = c
                .translation(ctx.lang.tag())
                .and_then(|t| t.category(&p.category))
                .and_then(|t| t.plain.as_deref());
            source.categories.push(CategoryGroup {
                id: p.category.clone(),
                title: category_title(c, ctx, &p.category),
                plain: Text::local(
                    ctx,
                    plain_de,
                    c.category(&p.category).map_or("", |c| c.plain.as_str()),
                ),
                items: Vec::new(),
            });
        }
        let Some(group) = source.categories.last_mut() else {
            continue;
        };
        let status = if l.raised {
            p.status.replacen('R', "M", 1)
        } else {
            p.status.clone()
        };
        group.items.push(Item {
            href: provision_href(ctx, &p.id),
            anchor: format!("p-{}", p.id.local.replace('.', "-")),
            local: p.id.local.clone(),
            title: provision_title(c, ctx, &p.id),
            status,
            badge: badge(l.effective_modality),
            raised: l.raised,
            statement: Text::en(&p.statement),
            plain: provision_plain(c, ctx, &p.id),
        });
    }
    let query_without_view = |view: View| {
        let mut parts = vec![format!("view={}", view.key())];
        for (k, v) in [
            ("category", &q.category),
            ("profile", &q.profile),
            ("regime", &q.regime),
            ("modality", &q.modality),
        ] {
            if let Some(v) = given(v) {
                parts.push(format!("{k}={}", enc(v)));
            }
        }
        ctx.href(&format!("/knowledge/provisions?{}", parts.join("&")))
    };
    let views = [View::Both, View::Plain, View::Technical]
        .into_iter()
        .map(|v| ViewLink {
            href: query_without_view(v),
            label: ctx.t(&format!("know-view-{}", v.key())),
            current: v == view,
        })
        .collect();
    let chosen = |value: &str, param: &Option<String>| given(param) == Some(value);
    let categories = c
        .categories
        .iter()
        .map(|cat| Choice {
            value: cat.id.clone(),
            label: format!("{} {}", cat.id, category_title(c, ctx, &cat.id).text),
            selected: chosen(&cat.id, &q.category),
        })
        .collect();
    let profiles = c
        .profiles
        .iter()
        .map(|p| Choice {
            value: p.id.clone(),
            label: profile_title(c, ctx, &p.id).text,
            selected: chosen(&p.id, &q.profile),
        })
        .collect();
    let regimes = c
        .regimes
        .iter()
        .map(|r| Choice {
            value: r.id.clone(),
            label: r.short.clone(),
            selected: chosen(&r.id, &q.regime),
        })
        .collect();
    let modalities = [("M", "mandatory"), ("R", "recommended")]
        .into_iter()
        .map(|(value, key)| Choice {
            value: value.to_owned(),
            label: ctx.t(&format!("know-modality-{key}")),
            selected: chosen(value, &q.modality),
        })
        .collect();
    Ok(ctx.render(&ListPage {
        ctx,
        nav: nav(ctx, "provisions"),
        views,
        view: view.key(),
        show_plain: view != View::Technical,
        show_technical: view != View::Plain,
        categories,
        profiles,
        regimes,
        modalities,
        sources,
        count: ctx.t.n("know-count-provisions", listed.len() as u64),
    }))
}

/// A link to a provision.
pub struct ProvLink {
    /// Its page.
    pub href: String,
    /// Its id as the source writes it.
    pub local: String,
    /// Its title.
    pub title: Text,
}

fn prov_link(c: &Catalog, ctx: &PageCtx, id: &iotlabel_catalog::ProvisionId) -> ProvLink {
    ProvLink {
        href: provision_href(ctx, id),
        local: id.local.clone(),
        title: provision_title(c, ctx, id),
    }
}

/// How one regime treats the provision.
pub struct RegimeUse {
    /// Short name.
    pub short: String,
    /// The crosswalk matrix of the regime against the baseline.
    pub href: String,
    /// Whether the regime's outcome depends on the provision.
    pub counts: bool,
    /// How: the rows that cite it, or that it is a mandatory provision of the standard.
    pub how: String,
}

/// A crosswalk row that maps onto the provision.
pub struct RowUse {
    /// The source's citation.
    pub reference: String,
    /// Row title.
    pub title: String,
    /// Relation, in words.
    pub relation: String,
    /// The row in the crosswalk matrix.
    pub href: String,
}

/// The rows of one crosswalk that map onto the provision.
pub struct CrosswalkUse {
    /// Crosswalk title.
    pub title: String,
    /// Its rows.
    pub rows: Vec<RowUse>,
}

/// How one profile treats the provision.
pub struct ProfileUse {
    /// Title.
    pub title: Text,
    /// Its provisions, listed.
    pub href: String,
    /// Whether it selects the provision.
    pub selects: bool,
    /// Mandatory or recommended in it.
    pub modality: String,
    /// Why the profile made it mandatory, when it did.
    pub raised_because: Option<Text>,
}

/// A level whose rules involve the provision.
pub struct LevelUse {
    /// Number.
    pub number: u8,
    /// Name.
    pub name: String,
    /// The rules, in plain words.
    pub rules: Vec<String>,
}

/// A story that shows why the provision matters.
pub struct StoryLink {
    /// Where it is told.
    pub href: String,
    /// Title.
    pub title: String,
    /// Year.
    pub year: u16,
}

#[derive(Template)]
#[template(path = "knowledge_provision.html")]
struct ProvisionPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    full_id: String,
    local: String,
    title: Text,
    source: String,
    status: String,
    modality: String,
    badge: &'static str,
    category: Text,
    category_href: String,
    condition: Option<Text>,
    plain: Text,
    statement: Text,
    evidence: Vec<String>,
    verification: Vec<String>,
    scope: Vec<String>,
    replaces: Vec<ProvLink>,
    replaced_by: Vec<ProvLink>,
    note: Option<Text>,
    regimes: Vec<RegimeUse>,
    crosswalks: Vec<CrosswalkUse>,
    profiles: Vec<ProfileUse>,
    levels: Vec<LevelUse>,
    stories: Vec<StoryLink>,
}

/// `GET /knowledge/provisions/{id}`: a full id or a short one.
pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Response {
    let r = provision_page(&state.registry().catalog, &ctx, &id);
    ctx.respond(r)
}

fn provision_page(c: &Catalog, ctx: &PageCtx, id: &str) -> Result<Response, WebError> {
    let id: String = id.chars().take(120).collect();
    let p = c
        .resolve(&id)
        .map_err(|_| WebError::NotFound(ctx.t.t1("know-provision-unknown", "id", &id)))?;
    let tag = ctx.lang.tag();
    let regimes = c
        .regimes
        .iter()
        .map(|r| {
            let counts = c.regimes_for(&p.id).iter().any(|x| x.id == r.id);
            let how = match (r.decision, c.regime_crosswalk(r)) {
                (Decision::MandatoryProvisions, _) if counts => ctx.t("know-regime-mandatory"),
                (_, Some(cw)) if counts => cw
                    .rows
                    .iter()
                    .filter(|row| row.provisions.contains(&p.id))
                    .map(|row| row.reference.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => String::new(),
            };
            // A standard decided by its own mandatory provisions is a listing; any other
            // regime is a crosswalk, shown with the provisions its rows map to.
            let href = if r.decision == Decision::MandatoryProvisions {
                format!("/knowledge/provisions?regime={}", enc(&r.id))
            } else {
                format!("/knowledge/crosswalks?a={}", enc(&r.id))
            };
            RegimeUse {
                short: r.short.clone(),
                href: ctx.href(&href),
                counts,
                how,
            }
        })
        .collect();
    let mut crosswalks: Vec<CrosswalkUse> = Vec::new();
    for (cw, row) in c.rows_for(&p.id) {
        if crosswalks.last().is_none_or(|u| u.title != cw.title) {
            crosswalks.push(CrosswalkUse {
                title: cw.title.clone(),
                rows: Vec::new(),
            });
        }
        if let Some(u) = crosswalks.last_mut() {
            u.rows.push(RowUse {
                reference: row.reference.clone(),
                title: row.title.clone(),
                relation: enum_text(ctx, "relation", &row.relation),
                href: ctx.href(&format!(
                    "/knowledge/crosswalks?a={}#row-{}",
                    enc(&cw.id),
                    enc(&row.id)
                )),
            });
        }
    }
    let profiles = c
        .profiles
        .iter()
        .map(|pr| {
            let selects = pr.selects(&p.id);
            let raise = pr.raise(&p.id);
            let modality = match pr.effective_modality(p) {
                Modality::Mandatory => ctx.t("know-modality-mandatory"),
                Modality::Recommended => ctx.t("know-modality-recommended"),
            };
            ProfileUse {
                title: profile_title(c, ctx, &pr.id),
                href: ctx.href(&format!(
                    "/knowledge/provisions?profile={}#p-{}",
                    enc(&pr.id),
                    p.id.local.replace('.', "-")
                )),
                selects,
                modality,
                raised_because: raise.map(|r| Text::en(&r.plain)),
            }
        })
        .collect();
    let mandatory_somewhere =
        p.modality == Modality::Mandatory || c.profiles.iter().any(|pr| pr.raise(&p.id).is_some());
    let levels = c
        .levels
        .levels
        .iter()
        .filter_map(|level| {
            let rules: Vec<String> = level
                .rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| match &rule.kind {
                    RuleKind::ProvisionsPass { provisions } => provisions.contains(&p.id),
                    RuleKind::MandatoryPass => mandatory_somewhere,
                    RuleKind::RecommendationsAnswered => p.modality == Modality::Recommended,
                    RuleKind::FunctionalCoverage { .. } => {
                        mandatory_somewhere
                            && p.verification.contains(&VerificationMethod::Functional)
                    }
                    _ => false,
                })
                .filter_map(|(i, _)| c.level_rule_plain_in(tag, level.number, i))
                .map(str::to_owned)
                .collect();
            (!rules.is_empty()).then(|| LevelUse {
                number: level.number,
                name: c
                    .level_name_in(tag, level.number)
                    .unwrap_or(&level.name)
                    .to_owned(),
                rules,
            })
        })
        .collect();
    let stories = p
        .stories
        .iter()
        .filter_map(|s| c.story(s))
        .map(|s| StoryLink {
            href: ctx.href(&format!("/knowledge/stories#{}", s.id)),
            title: s.title.clone(),
            year: s.year,
        })
        .collect();
    let replaced_by = c
        .provisions
        .iter()
        .filter(|q| q.replaces.contains(&p.id))
        .map(|q| prov_link(c, ctx, &q.id))
        .collect();
    let modality = match p.modality {
        Modality::Mandatory => ctx.t("know-modality-mandatory"),
        Modality::Recommended => ctx.t("know-modality-recommended"),
    };
    Ok(ctx.render(&ProvisionPage {
        ctx,
        nav: nav(ctx, "provisions"),
        full_id: p.id.to_string(),
        local: p.id.local.clone(),
        title: provision_title(c, ctx, &p.id),
        source: source_title(c, p),
        status: p.status.clone(),
        modality,
        badge: badge(p.modality),
        category: category_title(c, ctx, &p.category),
        category_href: ctx.href(&format!(
            "/knowledge/provisions?category={}",
            enc(&p.category)
        )),
        condition: p.condition_text.as_deref().map(Text::en),
        plain: provision_plain(c, ctx, &p.id),
        statement: Text::en(&p.statement),
        evidence: p
            .evidence
            .iter()
            .map(|e| enum_text(ctx, "evidence", e))
            .collect(),
        verification: p
            .verification
            .iter()
            .map(|v| enum_text(ctx, "verification", v))
            .collect(),
        scope: p.scope.iter().map(|s| enum_text(ctx, "scope", s)).collect(),
        replaces: p.replaces.iter().map(|r| prov_link(c, ctx, r)).collect(),
        replaced_by,
        note: p.note.as_deref().map(Text::en),
        regimes,
        crosswalks,
        profiles,
        levels,
        stories,
    }))
}

/// The search form's query.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SearchQuery {
    q: Option<String>,
}

/// One search result.
pub struct HitView {
    /// What kind of entry.
    pub kind: String,
    /// Where it is.
    pub href: Option<String>,
    /// Its title.
    pub title: Text,
    /// Where the words matched.
    pub excerpt: Text,
}

#[derive(Template)]
#[template(path = "knowledge_search.html")]
struct SearchPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    query: String,
    summary: String,
    hits: Vec<HitView>,
}

/// `GET /knowledge/search?q=`.
pub(super) async fn search(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<SearchQuery>,
) -> Response {
    let c = &*state.registry().catalog;
    let query: String =
        q.q.as_deref()
            .unwrap_or_default()
            .trim()
            .chars()
            .take(200)
            .collect();
    let mut hits: Vec<HitView> = catalog_search(c, &query)
        .into_iter()
        .take(100)
        .map(|h| hit_view(c, &ctx, h.kind, &h.id, &h.title, &h.excerpt))
        .collect();
    // The catalogue's search reads its English texts; a reader of a translation also finds the
    // provisions whose translated title or plain text holds every word typed.
    if let Some(t) = c.translation(ctx.lang.tag()) {
        let words: Vec<String> = query
            .split(|ch: char| !ch.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if !words.is_empty() {
            for p in &c.provisions {
                let href = super::provision_href(&ctx, &p.id);
                if hits
                    .iter()
                    .any(|h| h.href.as_deref() == Some(href.as_str()))
                {
                    continue;
                }
                let Some(texts) = t.provision(&p.id) else {
                    continue;
                };
                let text = format!(
                    "{} {}",
                    texts.title.as_deref().unwrap_or_default(),
                    texts.plain.as_deref().unwrap_or_default()
                )
                .to_lowercase();
                let text_words: Vec<&str> = text
                    .split(|ch: char| !ch.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                if words
                    .iter()
                    .all(|w| text_words.iter().any(|tw| tw.starts_with(w.as_str())))
                {
                    hits.push(HitView {
                        kind: ctx.t("know-hit-provision"),
                        href: Some(href),
                        title: Text {
                            text: format!(
                                "{} {}",
                                p.id.local,
                                provision_title(c, &ctx, &p.id).text
                            ),
                            lang: ctx.lang.tag(),
                        },
                        excerpt: provision_plain(c, &ctx, &p.id),
                    });
                }
            }
        }
    }
    let summary = if query.is_empty() {
        String::new()
    } else {
        t_args(
            &ctx,
            "know-search-summary",
            &[("count", hits.len().to_string()), ("query", query.clone())],
        )
    };
    ctx.render(&SearchPage {
        ctx: &ctx,
        nav: nav(&ctx, ""),
        query,
        summary,
        hits,
    })
}

fn hit_view(
    c: &Catalog,
    ctx: &PageCtx,
    kind: HitKind,
    id: &str,
    title: &str,
    excerpt: &str,
) -> HitView {
    let href = match kind {
        HitKind::Provision => Some(ctx.href(&format!("/knowledge/provisions/{}", enc(id)))),
        HitKind::CrosswalkRow => id.split_once('/').map(|(cw, row)| {
            ctx.href(&format!(
                "/knowledge/crosswalks?a={}#row-{}",
                enc(cw),
                enc(row)
            ))
        }),
        HitKind::Regime => Some(ctx.href(&format!("/knowledge/crosswalks?a={}", enc(id)))),
        HitKind::Profile => Some(ctx.href(&format!("/knowledge/provisions?profile={}", enc(id)))),
        HitKind::Feature => None,
        HitKind::Story => Some(ctx.href(&format!("/knowledge/stories#{}", enc(id)))),
        HitKind::Theme => Some(ctx.href(&format!("/knowledge/themes#{}", enc(id)))),
        HitKind::Organisation => Some(ctx.href(&format!("/knowledge/organisations#{}", enc(id)))),
        HitKind::Question => Some(ctx.href(&format!("/knowledge/research#{}", enc(id)))),
    };
    let title = match kind {
        HitKind::Provision => match id.parse::<iotlabel_catalog::ProvisionId>() {
            Ok(pid) => {
                let t = provision_title(c, ctx, &pid);
                Text {
                    text: format!("{} {}", pid.local, t.text),
                    lang: t.lang,
                }
            }
            Err(_) => Text::en(title),
        },
        HitKind::Profile => profile_title(c, ctx, id),
        _ => Text::en(title),
    };
    HitView {
        kind: enum_text(ctx, "hit", &kind),
        href,
        title,
        excerpt: Text::en(excerpt),
    }
}
