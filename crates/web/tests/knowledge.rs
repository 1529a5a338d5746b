//! The knowledge space as a reader meets it: the catalogue in English and German (technical and
//! plain), a provision's page with everything that refers to it, the crosswalk matrix between
//! two regimes, the review's organisations and themes, the stories, the version history, the
//! search, and catalogue text that is escaped wherever it appears.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use iotlabel_catalog::Catalog;
use iotlabel_label::KeyPair;
use iotlabel_registry::{Db, Registry, RegistryConfig};
use iotlabel_server::{AppState, ServerConfig};
use tower::ServiceExt;

fn catalog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

struct Site {
    app: Router,
    _dir: tempfile::TempDir,
}

async fn site_with(catalog: Catalog) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&iotlabel_registry::db::sqlite_url(dir.path()))
        .await
        .unwrap();
    let registry = Registry::open(
        db,
        Arc::new(catalog),
        Arc::new(KeyPair::from_seed(&[7; 32])),
        RegistryConfig::default(),
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    let config = ServerConfig {
        public_per_second: 0,
        ..ServerConfig::default()
    };
    let state = AppState::new(registry, config).unwrap();
    Site {
        app: iotlabel_web::app(state).unwrap(),
        _dir: dir,
    }
}

async fn site() -> Site {
    site_with(iotlabel_catalog::load_dir(&catalog_dir()).unwrap()).await
}

impl Site {
    async fn get_with(&self, path: &str, accept_language: Option<&str>) -> (StatusCode, String) {
        let mut request = Request::get(path);
        if let Some(lang) = accept_language {
            request = request.header(header::ACCEPT_LANGUAGE, lang);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    /// A page that must answer 200.
    async fn page(&self, path: &str) -> String {
        let (status, body) = self.get_with(path, None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}:\n{body}");
        body
    }
}

/// The HTML of the element that starts at `start` (an opening tag's text) up to `end`.
fn slice<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in the page"));
    let rest = &html[at..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// A copy of the repository's catalogue with edits, loaded.
fn edited_catalog(edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, Catalog) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    copy(&catalog_dir(), tmp.path());
    for (file, from, to) in edits {
        let path = tmp.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let catalog = iotlabel_catalog::load_dir(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
    (tmp, catalog)
}

const PLAIN_5_1_1_EN: &str = "Your device must not have the same password as every other device";
const PLAIN_5_1_1_DE: &str = "Ihr Gerät darf nicht dasselbe Passwort haben wie alle anderen";
const STATEMENT_5_1_1: &str = "Once the device has left its factory default state";

#[tokio::test]
async fn the_overview_introduces_every_section_in_both_languages() {
    let s = site().await;
    let en = s.page("/knowledge").await;
    assert!(en.contains("<h1>Knowledge space</h1>"), "{en}");
    for path in [
        "/knowledge/provisions",
        "/knowledge/crosswalks",
        "/knowledge/organisations",
        "/knowledge/themes",
        "/knowledge/research",
        "/knowledge/stories",
        "/knowledge/history",
    ] {
        assert!(en.contains(&format!("href=\"{path}\"")), "{path}");
    }
    assert!(en.contains("Catalogue version 1.0.0"));
    assert!(
        en.contains("Deutsch: 84 of 84 provisions translated"),
        "{en}"
    );
    let de = s.page("/knowledge?lang=de").await;
    assert!(de.contains("<html lang=\"de\">"));
    assert!(de.contains("<h1>Wissensraum</h1>"));
    // Links keep the language chosen in the URL.
    assert!(
        de.contains("href=\"/knowledge/provisions?lang=de\""),
        "{de}"
    );
}

#[tokio::test]
async fn the_catalogue_reads_in_english_and_in_german() {
    let s = site().await;
    let en = s.page("/knowledge/provisions").await;
    let p = slice(&en, "id=\"p-5-1-1\"", "</article>");
    assert!(p.contains("Unique or user-defined passwords"), "{p}");
    assert!(p.contains(PLAIN_5_1_1_EN));
    assert!(p.contains(STATEMENT_5_1_1));
    assert!(
        p.contains(">M C<"),
        "the status as EN 303 645 writes it: {p}"
    );
    assert!(en.contains("ETSI EN 303 645 V2.1.1"));
    assert!(en.contains("ETSI EN 303 645 V3.1.3"));
    assert!(en.contains("5.3 Keep software updated"));

    // German by URL and by the browser's language alike.
    for (path, accept) in [
        ("/knowledge/provisions?lang=de", None),
        ("/knowledge/provisions", Some("de-DE,de;q=0.9,en;q=0.5")),
    ] {
        let (status, de) = s.get_with(path, accept).await;
        assert_eq!(status, StatusCode::OK);
        let p = slice(&de, "id=\"p-5-1-1\"", "</article>");
        assert!(
            p.contains("<span lang=\"de\">Eigene oder selbst gewählte Passwörter</span>"),
            "{p}"
        );
        assert!(
            p.contains(&format!(
                "lang=\"de\"><strong>In einfachen Worten:</strong> {PLAIN_5_1_1_DE}"
            )),
            "{p}"
        );
        // The technical statement exists in English only, and says so.
        assert!(p.contains("class=\"technical-text\" lang=\"en\""), "{p}");
        assert!(p.contains(STATEMENT_5_1_1));
        assert!(de.contains("5.3 Software aktuell halten"));
        assert!(!de.contains(PLAIN_5_1_1_EN));
    }
}

#[tokio::test]
async fn the_reader_chooses_technical_or_plain_language() {
    let s = site().await;
    let plain = s.page("/knowledge/provisions?view=plain").await;
    assert!(plain.contains(PLAIN_5_1_1_EN));
    assert!(!plain.contains(STATEMENT_5_1_1));
    assert!(plain.contains("aria-current=\"true\">Plain language</a>"));
    let technical = s.page("/knowledge/provisions?view=technical&lang=de").await;
    assert!(technical.contains(STATEMENT_5_1_1));
    assert!(!technical.contains(PLAIN_5_1_1_DE));
    // The switch keeps the filters.
    let filtered = s
        .page("/knowledge/provisions?category=5.1&view=plain")
        .await;
    assert!(
        filtered.contains("href=\"/knowledge/provisions?view=technical&#38;category=5.1\""),
        "{filtered}"
    );
}

#[tokio::test]
async fn filters_use_the_catalogues_own_selections() {
    let s = site().await;
    let clause = s.page("/knowledge/provisions?category=5.1").await;
    assert!(clause.contains("id=\"p-5-1-1\""));
    assert!(!clause.contains("id=\"p-5-2-1\""));
    assert!(clause.contains("<option value=\"5.1\" selected>"));
    // The children's profile makes recommendations mandatory, and the listing says so.
    let children = s
        .page("/knowledge/provisions?profile=children&modality=M")
        .await;
    assert!(children.contains("mandatory in this profile"), "{children}");
    assert!(!children.contains(">R<") && !children.contains(">R C<"));
    let psti = s.page("/knowledge/provisions?regime=uk-psti").await;
    assert!(psti.contains("One provision.") || psti.contains("provisions."));
    assert!(psti.contains("id=\"p-5-3-13\"") && !psti.contains("id=\"p-5-6-1\""));
    let (status, body) = s.get_with("/knowledge/provisions?profile=nope", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("That filter is not in the catalogue."));
}

#[tokio::test]
async fn a_provision_page_shows_everything_that_refers_to_it() {
    let s = site().await;
    let page = s
        .page("/knowledge/provisions/etsi-en-303-645@2.1.1:5.1-1")
        .await;
    assert!(
        page.contains("<h1>5.1-1 <span lang=\"en\">Unique or user-defined passwords</span></h1>"),
        "{page}"
    );
    assert!(page.contains(PLAIN_5_1_1_EN) && page.contains(STATEMENT_5_1_1));
    // Regimes: UK PSTI counts it through Schedule 1 paragraph 1.
    let psti = slice(&page, ">UK PSTI</a>", "</tr>");
    assert!(
        psti.contains(">yes<") && psti.contains("Schedule 1, paragraph 1"),
        "{psti}"
    );
    // Crosswalk rows of every document that maps to it.
    assert!(page.contains("Annex I, Part I, (2)(b)"));
    assert!(page.contains("href=\"/knowledge/crosswalks?a=uk-psti#row-para-1\""));
    // Profiles, levels and stories.
    assert!(page.contains("Children&#39;s products"), "{page}");
    assert!(page.contains("Level 1: Essentials"));
    assert!(page.contains("href=\"/knowledge/stories#mirai-2016\""));
    // A short id resolves like on the command line.
    let short = s.page("/knowledge/provisions/5.1-1").await;
    assert!(short.contains("etsi-en-303-645@2.1.1:5.1-1"));

    let de = s.page("/knowledge/provisions/5.1-1?lang=de").await;
    assert!(de.contains("<span lang=\"de\">Eigene oder selbst gewählte Passwörter</span>"));
    assert!(de.contains(PLAIN_5_1_1_DE));
    assert!(de.contains("Stufe 1: Grundlagen"), "{de}");
    assert!(de.contains("Pflicht (muss)"));

    let (status, body) = s.get_with("/knowledge/provisions/5.99-1", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("There is no provision “5.99-1” in the catalogue."));
}

#[tokio::test]
async fn the_crosswalk_matrix_maps_two_regimes_through_the_baseline() {
    let s = site().await;
    let page = s
        .page("/knowledge/crosswalks?a=etsi-en-303-645@2.1.1&b=uk-psti")
        .await;
    // EN 303 645 5.1-1 corresponds to UK PSTI Schedule 1, paragraph 1.
    let row = slice(
        &page,
        "<tr id=\"row-etsi-en-303-645@2.1.1:5.1-1\">",
        "</tr>",
    );
    assert!(row.contains("Schedule 1, paragraph 1"), "{row}");
    assert!(row.contains("href=\"/knowledge/provisions/etsi-en-303-645@2.1.1:5.1-1\">5.1-1</a>"));
    let unrelated = slice(
        &page,
        "<tr id=\"row-etsi-en-303-645@2.1.1:5.6-1\">",
        "</tr>",
    );
    assert!(unrelated.contains("No match"), "{unrelated}");
    // The grid has a column per PSTI paragraph.
    assert!(page.contains("<figure class=\"matrix\">"));
    let grid = slice(&page, "<figure class=\"matrix\">", "</figure>");
    assert_eq!(
        grid.matches("<th scope=\"col\"><span class=\"ref\">")
            .count(),
        3
    );

    // Two laws: PSTI paragraph 1 and the CRA's requirements on passwords share 5.1-1.
    let laws = s.page("/knowledge/crosswalks?a=uk-psti&b=eu-cra").await;
    let para1 = slice(&laws, "<tr id=\"row-para-1\">", "</tr>");
    assert!(para1.contains("Annex I, Part I, (2)(b)"), "{para1}");
    assert!(para1.contains("Annex I, Part I, (2)(d)"), "{para1}");
    assert!(para1.contains(">5.1-1</a>"));
    // The grid puts the side with fewer rows (PSTI's three paragraphs) across.
    let grid = slice(&laws, "<figure class=\"matrix\">", "</figure>");
    assert_eq!(
        grid.matches("<th scope=\"col\"><span class=\"ref\">")
            .count(),
        3
    );
    let cra_2b = slice(grid, "Annex I, Part I, (2)(b)</span>", "</tr>");
    assert!(cra_2b.contains(">5.1-1</a>"), "{cra_2b}");
    // The support period (paragraph 3, 5.3-13) is not in the CRA's Annex I.
    assert!(laws.contains("2 of 3 requirements match"), "{laws}");
    let para3 = slice(&laws, "<tr id=\"row-para-3\">", "</tr>");
    assert!(para3.contains("No match"), "{para3}");
    assert!(laws.contains("href=\"/knowledge/crosswalks?a=eu-cra&#38;b=uk-psti\""));

    // One document alone lists its rows with their provisions.
    let alone = s.page("/knowledge/crosswalks?a=uk-psti&lang=de").await;
    let para1 = slice(&alone, "<tr id=\"row-para-1\">", "</tr>");
    assert!(
        para1.contains("Eigene oder selbst gewählte Passwörter"),
        "{para1}"
    );

    let (status, body) = s.get_with("/knowledge/crosswalks?a=uk-pst", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("“uk-pst” is not a regime"), "{body}");
    let (status, body) = s
        .get_with(
            "/knowledge/crosswalks?a=etsi-en-303-645&b=etsi-en-303-645@3.1.3",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Both sides are the baseline"));
    let chooser = s.page("/knowledge/crosswalks").await;
    assert!(
        chooser.contains("<option value=\"uk-psti\">UK PSTI (United Kingdom)</option>"),
        "{chooser}"
    );
    assert!(chooser.contains("EU Cyber Resilience Act"));
}

#[tokio::test]
async fn the_review_pages_show_organisations_themes_questions_and_stories() {
    let s = site().await;
    let orgs = s.page("/knowledge/organisations").await;
    let enisa = slice(&orgs, "<section class=\"org\" id=\"enisa\"", "</section>");
    assert!(enisa.contains("European Union Agency for Network and Information Security"));
    assert!(enisa.contains("<th scope=\"col\" class=\"num\">Year</th>"));
    assert!(enisa.contains("part of"));
    let themes = s.page("/knowledge/themes").await;
    let matrix = slice(&themes, "<figure class=\"matrix themes\">", "</figure>");
    assert_eq!(
        matrix.matches("<abbr title=").count(),
        11,
        "one column per organisation"
    );
    assert_eq!(
        matrix.matches("<th scope=\"row\"><a href=\"#").count(),
        10,
        "one row per theme"
    );
    // The European Commission engages with all ten themes (Table 1).
    let totals = slice(matrix, "<tfoot>", "</tfoot>");
    assert!(totals.contains("<td class=\"cell\">10</td>"), "{totals}");
    assert!(themes.contains("id=\"security-by-default\""));
    let research = s.page("/knowledge/research").await;
    assert!(research.contains("Key messages") && research.contains("Research needs"));
    let stories = s.page("/knowledge/stories?lang=de").await;
    let mirai = slice(&stories, "id=\"mirai-2016\"", "</section>");
    assert!(mirai.contains("<span lang=\"en\">Mirai botnet and the attack on Dyn</span>"));
    assert!(
        mirai.contains("<span lang=\"de\">Eigene oder selbst gewählte Passwörter</span>"),
        "{mirai}"
    );
}

#[tokio::test]
async fn the_history_shows_the_changelog_and_the_versions_in_use() {
    let s = site().await;
    let page = s.page("/knowledge/history").await;
    assert!(page.contains("<h3>1.0.0 (2026-11-21)</h3>"), "{page}");
    assert!(page.contains("all 67 provisions of ETSI EN 303 645 V2.1.1"));
    let recorded = slice(
        &page,
        "<section aria-labelledby=\"h-recorded\">",
        "</section>",
    );
    assert!(
        recorded.contains("1.0.0 <span class=\"badge ok\">in force</span>"),
        "{recorded}"
    );
    assert!(page.contains("there is nothing to compare here"));
}

#[tokio::test]
async fn a_registry_on_newer_catalogue_files_shows_what_changed() {
    let (_tmp, catalog) = edited_catalog(&[
        ("catalog.toml", "version = \"1.0.0\"", "version = \"1.1.0\""),
        (
            "CHANGELOG.md",
            "## 1.0.0",
            "## 1.1.0\n\nA test.\n\n## 1.0.0",
        ),
        (
            "provisions/etsi-en-303-645/2.1.1/5.1.toml",
            "title = \"Unique or user-defined passwords\"",
            "title = \"Unique passwords\"",
        ),
    ]);
    let s = site_with(catalog).await;
    let page = s.page("/knowledge/history").await;
    assert!(
        page.contains("runs catalogue version 1.1.0 from its own files"),
        "{page}"
    );
    assert!(page.contains("From version 1.0.0 to version 1.1.0"));
    let changed = slice(&page, "<details>", "</details>");
    assert!(changed.contains("etsi-en-303-645@2.1.1:5.1-1"), "{changed}");
    assert!(
        changed.contains("&#34;Unique or user-defined passwords&#34;"),
        "{changed}"
    );
    assert!(page.contains("Regime uk-psti"), "{page}");
}

#[tokio::test]
async fn the_search_finds_catalogue_entries_in_both_languages() {
    let s = site().await;
    let en = s.page("/knowledge/search?q=default+password").await;
    assert!(
        en.contains("href=\"/knowledge/provisions/etsi-en-303-645@2.1.1:5.1-1\""),
        "{en}"
    );
    assert!(en.contains("Results for “default password”"));
    let de = s
        .page("/knowledge/search?q=Werkspassw%C3%B6rter&lang=de")
        .await;
    assert!(
        de.contains("href=\"/knowledge/provisions/etsi-en-303-645@2.1.1:5.1-1?lang=de\""),
        "{de}"
    );
    let stories = s.page("/knowledge/search?q=mirai").await;
    assert!(stories.contains("href=\"/knowledge/stories#mirai-2016\""));
    let empty = s.page("/knowledge/search?q=").await;
    assert!(!empty.contains("Results for"));
}

#[tokio::test]
async fn catalogue_text_and_queries_are_escaped() {
    let hostile = "<script>alert(1)</script>";
    let (_tmp, catalog) = edited_catalog(&[
        (
            "provisions/etsi-en-303-645/2.1.1/5.1.toml",
            "title = \"Unique or user-defined passwords\"",
            "title = \"<script>alert(1)</script> passwords\"",
        ),
        (
            "translations/de.toml",
            "title = \"Eigene oder selbst gewählte Passwörter\"",
            "title = \"<script>alert(1)</script> Passwörter\"",
        ),
        (
            "knowledge/stories.toml",
            "title = \"Mirai botnet and the attack on Dyn\"",
            "title = \"<img src=x onerror=alert(1)> Mirai\"",
        ),
    ]);
    let s = site_with(catalog).await;
    for path in [
        "/knowledge/provisions",
        "/knowledge/provisions?lang=de",
        "/knowledge/provisions/5.1-1",
        "/knowledge/provisions/5.1-1?lang=de",
        "/knowledge/crosswalks?a=uk-psti",
        "/knowledge/crosswalks?a=etsi-en-303-645@2.1.1&b=uk-psti",
        "/knowledge/stories",
        "/knowledge/search?q=passwords",
        "/knowledge/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/knowledge/crosswalks?a=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let (_, body) = s.get_with(path, None).await;
        assert!(!body.contains(hostile), "{path} lets markup through");
        assert!(!body.contains("<img src=x"), "{path} lets markup through");
        assert!(
            body.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || body.contains("&#60;img src=x"),
            "{path}: {body}"
        );
    }
}
