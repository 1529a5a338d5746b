//! The international review and the incidents: the organisations and their publications, the
//! themes × organisations matrix (the review's Table 1), the workshop's key messages, open
//! questions and research needs, and the stories.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use iotlabel_catalog::Catalog;
use iotlabel_catalog::model::QuestionKind;
use iotlabel_server::AppState;

use super::provisions::ProvLink;
use super::{NavItem, Text, enc, enum_text, nav, provision_href, provision_title};
use crate::page::PageCtx;

/// A link with its text.
pub struct Link {
    /// Where.
    pub href: String,
    /// Text.
    pub label: String,
}

fn theme_link(c: &Catalog, ctx: &PageCtx, id: &str) -> Link {
    Link {
        href: ctx.href(&format!("/knowledge/themes#{}", enc(id))),
        label: c
            .theme(id)
            .map_or(id.to_owned(), |t| format!("{}. {}", t.number, t.title)),
    }
}

/// An organisation as its section shows it.
pub struct OrgView {
    /// Anchor.
    pub id: String,
    /// Abbreviation.
    pub abbreviation: String,
    /// Full name.
    pub name: String,
    /// Kind, in words.
    pub kind: String,
    /// The organisation it belongs to.
    pub parent: Option<Link>,
    /// Its role (English).
    pub role: Text,
    /// Themes it engages with.
    pub themes: Vec<Link>,
    /// Working groups: name, description.
    pub working_groups: Vec<(String, String)>,
    /// Publications, oldest first: year, title.
    pub publications: Vec<(u16, String)>,
    /// Rows of the review's practices table that cite it.
    pub cited_in: Option<Link>,
}

#[derive(Template)]
#[template(path = "knowledge_organisations.html")]
struct OrganisationsPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    organisations: Vec<OrgView>,
}

/// `GET /knowledge/organisations`.
pub(super) async fn organisations(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let c = &*state.registry().catalog;
    let organisations = c
        .knowledge
        .organisations
        .iter()
        .map(|o| {
            let mut publications: Vec<(u16, String)> = o
                .publications
                .iter()
                .map(|p| (p.year, p.title.clone()))
                .collect();
            publications.sort_by_key(|(year, _)| *year);
            let cited: Vec<(&str, usize)> = c
                .crosswalks
                .iter()
                .map(|cw| {
                    let n = cw
                        .rows
                        .iter()
                        .filter(|r| {
                            r.organisations
                                .as_ref()
                                .is_some_and(|orgs| orgs.contains(&o.id))
                        })
                        .count();
                    (cw.id.as_str(), n)
                })
                .filter(|(_, n)| *n > 0)
                .collect();
            let cited_in = cited.first().map(|(cw, _)| Link {
                href: ctx.href(&format!("/knowledge/crosswalks?a={}", enc(cw))),
                label: ctx
                    .t
                    .n("know-org-cited", cited.iter().map(|(_, n)| *n as u64).sum()),
            });
            OrgView {
                id: o.id.clone(),
                abbreviation: o.abbreviation.clone(),
                name: o.name.clone(),
                kind: enum_text(&ctx, "org-kind", &o.kind),
                parent: o
                    .parent
                    .as_deref()
                    .and_then(|p| c.organisation(p))
                    .map(|p| Link {
                        href: format!("#{}", p.id),
                        label: format!("{} ({})", p.name, p.abbreviation),
                    }),
                role: Text::en(&o.role),
                themes: o.themes.iter().map(|t| theme_link(c, &ctx, t)).collect(),
                working_groups: o
                    .working_groups
                    .iter()
                    .map(|w| (w.name.clone(), w.description.clone()))
                    .collect(),
                publications,
                cited_in,
            }
        })
        .collect();
    ctx.render(&OrganisationsPage {
        ctx: &ctx,
        nav: nav(&ctx, "organisations"),
        organisations,
    })
}

/// A row of the themes × organisations matrix.
pub struct ThemeRow {
    /// Anchor of the theme's section.
    pub href: String,
    /// Number and title.
    pub label: String,
    /// One cell per organisation: engaged?
    pub cells: Vec<bool>,
    /// How many organisations engage with it.
    pub total: usize,
}

/// A column of the matrix.
pub struct OrgColumn {
    /// Abbreviation.
    pub abbreviation: String,
    /// Full name.
    pub name: String,
    /// Its section.
    pub href: String,
    /// How many themes it engages with.
    pub total: usize,
}

/// A theme's own section.
pub struct ThemeView {
    /// Anchor.
    pub id: String,
    /// Number.
    pub number: u8,
    /// Title.
    pub title: String,
    /// Plain summary (English).
    pub plain: Text,
    /// Technical summary (English).
    pub summary: Text,
    /// Key findings (English).
    pub findings: Vec<String>,
    /// Organisations engaging with it.
    pub organisations: Vec<Link>,
    /// Research questions linked to it.
    pub questions: Vec<Link>,
}

#[derive(Template)]
#[template(path = "knowledge_themes.html")]
struct ThemesPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    columns: Vec<OrgColumn>,
    rows: Vec<ThemeRow>,
    themes: Vec<ThemeView>,
}

/// `GET /knowledge/themes`.
pub(super) async fn themes(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let c = &*state.registry().catalog;
    let orgs = &c.knowledge.organisations;
    let mut themes: Vec<&iotlabel_catalog::model::Theme> = c.knowledge.themes.iter().collect();
    themes.sort_by_key(|t| t.number);
    let columns = orgs
        .iter()
        .map(|o| OrgColumn {
            abbreviation: o.abbreviation.clone(),
            name: o.name.clone(),
            href: ctx.href(&format!("/knowledge/organisations#{}", enc(&o.id))),
            total: o.themes.len(),
        })
        .collect();
    let rows = themes
        .iter()
        .map(|t| {
            let cells: Vec<bool> = orgs.iter().map(|o| o.themes.contains(&t.id)).collect();
            ThemeRow {
                href: format!("#{}", t.id),
                label: format!("{}. {}", t.number, t.title),
                total: cells.iter().filter(|x| **x).count(),
                cells,
            }
        })
        .collect();
    let views = themes
        .iter()
        .map(|t| ThemeView {
            id: t.id.clone(),
            number: t.number,
            title: t.title.clone(),
            plain: Text::en(&t.plain),
            summary: Text::en(&t.summary),
            findings: t.findings.clone(),
            organisations: orgs
                .iter()
                .filter(|o| o.themes.contains(&t.id))
                .map(|o| Link {
                    href: ctx.href(&format!("/knowledge/organisations#{}", enc(&o.id))),
                    label: o.abbreviation.clone(),
                })
                .collect(),
            questions: c
                .knowledge
                .questions
                .iter()
                .filter(|q| q.themes.contains(&t.id))
                .map(|q| Link {
                    href: ctx.href(&format!("/knowledge/research#{}", enc(&q.id))),
                    label: q.plain.clone(),
                })
                .collect(),
        })
        .collect();
    ctx.render(&ThemesPage {
        ctx: &ctx,
        nav: nav(&ctx, "themes"),
        columns,
        rows,
        themes: views,
    })
}

/// A research entry.
pub struct QuestionView {
    /// Anchor.
    pub id: String,
    /// Technical text (English).
    pub text: Text,
    /// Plain text (English).
    pub plain: Text,
    /// Where in the reports.
    pub section: String,
    /// Linked themes.
    pub themes: Vec<Link>,
}

/// The entries of one kind.
pub struct QuestionGroup {
    /// Heading.
    pub title: String,
    /// Entries.
    pub questions: Vec<QuestionView>,
}

#[derive(Template)]
#[template(path = "knowledge_research.html")]
struct ResearchPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    groups: Vec<QuestionGroup>,
}

/// `GET /knowledge/research`.
pub(super) async fn research(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let c = &*state.registry().catalog;
    let groups = [
        QuestionKind::KeyMessage,
        QuestionKind::OpenQuestion,
        QuestionKind::ResearchNeed,
    ]
    .into_iter()
    .map(|kind| QuestionGroup {
        title: enum_text(&ctx, "question-kind", &kind),
        questions: c
            .knowledge
            .questions
            .iter()
            .filter(|q| q.kind == kind)
            .map(|q| QuestionView {
                id: q.id.clone(),
                text: Text::en(&q.text),
                plain: Text::en(&q.plain),
                section: q.section.clone(),
                themes: q.themes.iter().map(|t| theme_link(c, &ctx, t)).collect(),
            })
            .collect(),
    })
    .filter(|g| !g.questions.is_empty())
    .collect();
    ctx.render(&ResearchPage {
        ctx: &ctx,
        nav: nav(&ctx, "research"),
        groups,
    })
}

/// A story.
pub struct StoryView {
    /// Anchor.
    pub id: String,
    /// Title.
    pub title: String,
    /// Year.
    pub year: u16,
    /// What happened (English).
    pub plain: Text,
    /// What failed (English).
    pub technical: Text,
    /// What would have helped (English).
    pub lesson: Text,
    /// Public sources.
    pub sources: Vec<String>,
    /// Provisions it illustrates.
    pub provisions: Vec<ProvLink>,
}

#[derive(Template)]
#[template(path = "knowledge_stories.html")]
struct StoriesPage<'a> {
    ctx: &'a PageCtx,
    nav: Vec<NavItem>,
    stories: Vec<StoryView>,
}

/// `GET /knowledge/stories`.
pub(super) async fn stories(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let c = &*state.registry().catalog;
    let mut stories: Vec<StoryView> = c
        .knowledge
        .stories
        .iter()
        .map(|s| StoryView {
            id: s.id.clone(),
            title: s.title.clone(),
            year: s.year,
            plain: Text::en(&s.plain),
            technical: Text::en(&s.technical),
            lesson: Text::en(&s.lesson),
            sources: s
                .sources
                .iter()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .cloned()
                .collect(),
            provisions: c
                .provisions
                .iter()
                .filter(|p| p.stories.contains(&s.id))
                .map(|p| ProvLink {
                    href: provision_href(&ctx, &p.id),
                    local: p.id.local.clone(),
                    title: provision_title(c, &ctx, &p.id),
                })
                .collect(),
        })
        .collect();
    stories.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.title.cmp(&b.title)));
    ctx.render(&StoriesPage {
        ctx: &ctx,
        nav: nav(&ctx, "stories"),
        stories,
    })
}
