//! Building a [`Catalog`] from a [`Snapshot`]: parsing, resolving references and checking
//! every rule, collecting all problems before giving up.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::catalog::Catalog;
use crate::condition::Condition;
use crate::error::{Diagnostic, Diagnostics, LoadError, SourceText, did_you_mean};
use crate::files::*;
use crate::id::ProvisionId;
use crate::model::*;
use crate::snapshot::Snapshot;

/// Loads and checks the catalogue in a directory.
pub fn load_dir(dir: &Path) -> Result<Catalog, LoadError> {
    build(&Snapshot::from_dir(dir)?)
}

/// Builds and checks a catalogue from file texts. Pure: no I/O.
pub fn build(snapshot: &Snapshot) -> Result<Catalog, LoadError> {
    let mut b = Builder {
        snapshot,
        diags: Diagnostics::default(),
        parse_failed: false,
    };
    let catalog = b.run();
    // `run` only gives up early after recording why, so `None` always comes with diagnostics.
    match catalog {
        Some(catalog) => b.diags.into_result(catalog),
        None => b.diags.into_result(()).and_then(|()| {
            Err(LoadError::Invalid(vec![Diagnostic {
                file: snapshot.root.clone(),
                line: None,
                column: None,
                id: None,
                message: "the catalogue could not be built".into(),
                hint: None,
            }]))
        }),
    }
}

struct Builder<'a> {
    snapshot: &'a Snapshot,
    diags: Diagnostics,
    parse_failed: bool,
}

/// A parsed file together with its text, for locating later errors.
struct Parsed<T> {
    src: SourceText,
    value: T,
}

impl Builder<'_> {
    fn parse<T: DeserializeOwned>(&mut self, rel: &str, required: bool) -> Option<Parsed<T>> {
        let path = self.snapshot.display_path(rel);
        let Some(text) = self.snapshot.files.get(rel) else {
            if required {
                self.parse_failed = true;
                self.diags.push(Diagnostic {
                    file: path,
                    line: None,
                    column: None,
                    id: None,
                    message: "required file is missing".into(),
                    hint: Some("see catalog/FORMAT.md for the layout".into()),
                });
            }
            return None;
        };
        let src = SourceText::new(&path, text.clone());
        match toml::from_str::<T>(text) {
            Ok(value) => Some(Parsed { src, value }),
            Err(e) => {
                self.parse_failed = true;
                let span = e.span().unwrap_or(0..0);
                let message = e.message().trim().to_owned();
                let hint = if message.contains("unknown field") {
                    Some("check the spelling against catalog/FORMAT.md".into())
                } else {
                    None
                };
                self.diags.push(src.at(span, None, message, hint));
                None
            }
        }
    }

    fn err(&mut self, src: &SourceText, span: Range<usize>, id: Option<&str>, msg: String) {
        self.diags.push(src.at(span, id, msg, None));
    }

    fn err_hint(
        &mut self,
        src: &SourceText,
        span: Range<usize>,
        id: Option<&str>,
        msg: String,
        hint: Option<String>,
    ) {
        self.diags.push(src.at(span, id, msg, hint));
    }

    /// Reports duplicates among `(id, span)` pairs of one kind.
    fn check_unique<'s>(
        &mut self,
        kind: &str,
        items: impl IntoIterator<Item = (&'s SourceText, &'s Spanned<String>)>,
    ) {
        let mut seen: HashMap<String, (std::path::PathBuf, usize)> = HashMap::new();
        for (src, id) in items {
            let (line, _) = src.line_column(id.span().start);
            if let Some((file, first_line)) = seen.get(id.get_ref()) {
                let msg = format!(
                    "duplicate {kind} id `{}` (first defined at {}:{first_line})",
                    id.get_ref(),
                    file.display()
                );
                self.err(src, id.span(), Some(id.get_ref()), msg);
            } else {
                seen.insert(id.get_ref().clone(), (src.path.clone(), line));
            }
        }
    }

    fn require_text(&mut self, src: &SourceText, id: &Spanned<String>, fields: &[(&str, &str)]) {
        for (name, value) in fields {
            if value.trim().is_empty() {
                self.err(
                    src,
                    id.span(),
                    Some(id.get_ref()),
                    format!("`{name}` is empty"),
                );
            }
        }
    }

    fn run(&mut self) -> Option<Catalog> {
        let meta_file = self.parse::<CatalogFile>("catalog.toml", true);
        let features_file = self.parse::<FeaturesFile>("features.toml", true);
        let sources_file = self.parse::<SourcesFile>("sources.toml", true);
        let categories_file = self.parse::<CategoriesFile>("categories.toml", true);
        let regimes_file = self.parse::<RegimesFile>("regimes.toml", false);
        let levels_file = self.parse::<LevelsFile>("levels.toml", false);
        let stories_file = self.parse::<StoriesFile>("knowledge/stories.toml", false);
        let themes_file = self.parse::<ThemesFile>("knowledge/themes.toml", false);
        let orgs_file = self.parse::<OrganisationsFile>("knowledge/organisations.toml", false);
        let research_file = self.parse::<ResearchFile>("knowledge/research.toml", false);

        let provision_rels: Vec<String> = self
            .snapshot
            .files_under("provisions")
            .map(|(k, _)| k.to_owned())
            .collect();
        let provision_files: Vec<Parsed<ProvisionFile>> = provision_rels
            .iter()
            .filter_map(|rel| self.parse(rel, false))
            .collect();
        let crosswalk_rels: Vec<String> = self
            .snapshot
            .files_under("crosswalks")
            .map(|(k, _)| k.to_owned())
            .collect();
        let crosswalk_files: Vec<(String, Parsed<CrosswalkFile>)> = crosswalk_rels
            .iter()
            .filter_map(|rel| self.parse(rel, false).map(|p| (rel.clone(), p)))
            .collect();
        let profile_rels: Vec<String> = self
            .snapshot
            .files_under("profiles")
            .map(|(k, _)| k.to_owned())
            .collect();
        let profile_files: Vec<(String, Parsed<ProfileFile>)> = profile_rels
            .iter()
            .filter_map(|rel| self.parse(rel, false).map(|p| (rel.clone(), p)))
            .collect();

        // References into a file that did not parse would all be reported as broken, burying
        // the one real error; so stop after reporting every syntax error.
        if self.parse_failed {
            return None;
        }
        let meta = self.meta(meta_file.as_ref()?);
        let features = self.features(features_file.as_ref()?);
        let sources = self.sources(sources_file.as_ref()?);
        let categories = self.categories(categories_file.as_ref()?);
        let feature_ids: BTreeSet<String> = features.iter().map(|f| f.id.clone()).collect();

        let knowledge = self.knowledge(
            stories_file.as_ref(),
            themes_file.as_ref(),
            orgs_file.as_ref(),
            research_file.as_ref(),
        );
        let story_ids: BTreeSet<&str> = knowledge.stories.iter().map(|s| s.id.as_str()).collect();

        let mut provisions = self.provisions(
            &provision_files,
            &sources,
            &categories,
            &feature_ids,
            &story_ids,
        );
        provisions.sort_by(|a, b| a.id.cmp(&b.id));
        let provision_index: HashMap<ProvisionId, usize> = provisions
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let full_index: HashMap<String, usize> = provisions
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.to_string(), i))
            .collect();
        let mut local_index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in provisions.iter().enumerate() {
            local_index.entry(p.id.local.clone()).or_default().push(i);
        }
        let mut catalog = Catalog {
            meta,
            features,
            sources,
            categories,
            provisions,
            crosswalks: Vec::new(),
            regimes: Vec::new(),
            profiles: Vec::new(),
            knowledge,
            levels: Levels::default(),
            provision_index,
            local_index,
            full_index,
            translations: Vec::new(),
            weaknesses: Default::default(),
        };
        // `replaces` may point at provisions in other files, so it is checked once all exist.
        self.check_replaces(&provision_files, &catalog);

        catalog.crosswalks = self.crosswalks(&crosswalk_files, &catalog);
        if let Some(file) = regimes_file.as_ref() {
            catalog.regimes = self.regimes(file, &catalog);
        }
        catalog.profiles = self.profiles(&profile_files, &catalog);
        if let Some(file) = levels_file.as_ref() {
            catalog.levels = self.levels(file, &catalog);
        }
        self.check_changelog(&catalog);
        catalog.translations = crate::translations::load(self.snapshot, &catalog, &mut self.diags);
        catalog.weaknesses = crate::weaknesses::load(self.snapshot, &catalog, &mut self.diags);
        Some(catalog)
    }

    fn meta(&mut self, file: &Parsed<CatalogFile>) -> CatalogMeta {
        let v = &file.value;
        let version = match semver::Version::parse(v.version.get_ref()) {
            Ok(version) => version,
            Err(e) => {
                self.err(
                    &file.src,
                    v.version.span(),
                    None,
                    format!("version is not semver: {e}"),
                );
                semver::Version::new(0, 0, 0)
            }
        };
        if !is_date(v.published.get_ref()) {
            self.err(
                &file.src,
                v.published.span(),
                None,
                "published must be a date YYYY-MM-DD".into(),
            );
        }
        CatalogMeta {
            id: v.id.clone(),
            title: v.title.clone(),
            version,
            published: v.published.get_ref().clone(),
            default_source: v.default_source.get_ref().clone(),
            default_version: v.default_version.get_ref().clone(),
        }
    }

    fn features(&mut self, file: &Parsed<FeaturesFile>) -> Vec<Feature> {
        self.check_unique(
            "feature",
            file.value.feature.iter().map(|f| (&file.src, &f.id)),
        );
        for f in &file.value.feature {
            if !is_snake_token(f.id.get_ref()) {
                self.err(
                    &file.src,
                    f.id.span(),
                    Some(f.id.get_ref()),
                    "feature ids are lower-case snake_case".into(),
                );
            }
            self.require_text(
                &file.src,
                &f.id,
                &[
                    ("title", &f.title),
                    ("question", &f.question),
                    ("plain", &f.plain),
                ],
            );
        }
        file.value
            .feature
            .iter()
            .map(|f| Feature {
                id: f.id.get_ref().clone(),
                etsi_v3_letter: f.etsi_v3_letter.clone(),
                title: f.title.clone(),
                question: f.question.clone(),
                plain: f.plain.clone(),
            })
            .collect()
    }

    fn sources(&mut self, file: &Parsed<SourcesFile>) -> Vec<Source> {
        self.check_unique(
            "source",
            file.value.source.iter().map(|s| (&file.src, &s.id)),
        );
        for s in &file.value.source {
            self.check_unique(
                "source version",
                s.version.iter().map(|v| (&file.src, &v.version)),
            );
        }
        file.value
            .source
            .iter()
            .map(|s| Source {
                id: s.id.get_ref().clone(),
                title: s.title.clone(),
                publisher: s.publisher.clone(),
                url: s.url.clone(),
                versions: s
                    .version
                    .iter()
                    .map(|v| SourceVersion {
                        version: v.version.get_ref().clone(),
                        date: v.date.clone(),
                        status: v.status.clone(),
                        note: v.note.clone(),
                    })
                    .collect(),
            })
            .collect()
    }

    fn categories(&mut self, file: &Parsed<CategoriesFile>) -> Vec<Category> {
        self.check_unique(
            "category",
            file.value.category.iter().map(|c| (&file.src, &c.id)),
        );
        file.value
            .category
            .iter()
            .map(|c| Category {
                id: c.id.get_ref().clone(),
                title: c.title.clone(),
                plain: c.plain.clone(),
            })
            .collect()
    }

    fn knowledge(
        &mut self,
        stories: Option<&Parsed<StoriesFile>>,
        themes: Option<&Parsed<ThemesFile>>,
        orgs: Option<&Parsed<OrganisationsFile>>,
        research: Option<&Parsed<ResearchFile>>,
    ) -> Knowledge {
        let mut k = Knowledge::default();
        if let Some(file) = stories {
            self.check_unique("story", file.value.story.iter().map(|s| (&file.src, &s.id)));
            for s in &file.value.story {
                self.require_text(
                    &file.src,
                    &s.id,
                    &[
                        ("title", &s.title),
                        ("plain", &s.plain),
                        ("technical", &s.technical),
                        ("lesson", &s.lesson),
                    ],
                );
                if s.sources.is_empty() {
                    self.err(
                        &file.src,
                        s.id.span(),
                        Some(s.id.get_ref()),
                        "a story needs at least one public source".into(),
                    );
                }
            }
            k.stories = file
                .value
                .story
                .iter()
                .map(|s| Story {
                    id: s.id.get_ref().clone(),
                    title: s.title.clone(),
                    year: s.year,
                    plain: s.plain.clone(),
                    technical: s.technical.clone(),
                    lesson: s.lesson.clone(),
                    sources: s.sources.clone(),
                })
                .collect();
        }
        if let Some(file) = themes {
            self.check_unique("theme", file.value.theme.iter().map(|t| (&file.src, &t.id)));
            let mut numbers = HashSet::new();
            for t in &file.value.theme {
                if !numbers.insert(t.number) {
                    self.err(
                        &file.src,
                        t.id.span(),
                        Some(t.id.get_ref()),
                        format!("theme number {} is used twice", t.number),
                    );
                }
                self.require_text(
                    &file.src,
                    &t.id,
                    &[
                        ("title", &t.title),
                        ("summary", &t.summary),
                        ("plain", &t.plain),
                    ],
                );
            }
            k.themes = file
                .value
                .theme
                .iter()
                .map(|t| Theme {
                    id: t.id.get_ref().clone(),
                    number: t.number,
                    title: t.title.clone(),
                    summary: t.summary.clone(),
                    plain: t.plain.clone(),
                    findings: t.findings.clone(),
                })
                .collect();
            k.themes.sort_by_key(|t| t.number);
        }
        let theme_ids: BTreeSet<String> = k.themes.iter().map(|t| t.id.clone()).collect();
        if let Some(file) = orgs {
            self.check_unique(
                "organisation",
                file.value.organisation.iter().map(|o| (&file.src, &o.id)),
            );
            let org_ids: BTreeSet<&str> = file
                .value
                .organisation
                .iter()
                .map(|o| o.id.get_ref().as_str())
                .collect();
            for o in &file.value.organisation {
                self.require_text(&file.src, &o.id, &[("name", &o.name), ("role", &o.role)]);
                if let Some(parent) = &o.parent
                    && !org_ids.contains(parent.get_ref().as_str())
                {
                    let hint = did_you_mean(parent.get_ref(), org_ids.iter().copied());
                    self.err_hint(
                        &file.src,
                        parent.span(),
                        Some(o.id.get_ref()),
                        format!("unknown parent organisation `{}`", parent.get_ref()),
                        hint,
                    );
                }
                self.check_refs(&file.src, o.id.get_ref(), "theme", &o.themes, &theme_ids);
            }
            k.organisations = file
                .value
                .organisation
                .iter()
                .map(|o| Organisation {
                    id: o.id.get_ref().clone(),
                    abbreviation: o.abbreviation.clone(),
                    name: o.name.clone(),
                    parent: o.parent.as_ref().map(|p| p.get_ref().clone()),
                    kind: o.kind,
                    role: o.role.clone(),
                    themes: o.themes.iter().map(|t| t.get_ref().clone()).collect(),
                    working_groups: o.working_groups.clone(),
                    publications: o.publications.clone(),
                })
                .collect();
        }
        if let Some(file) = research {
            self.check_unique(
                "question",
                file.value.question.iter().map(|q| (&file.src, &q.id)),
            );
            for q in &file.value.question {
                self.require_text(&file.src, &q.id, &[("text", &q.text), ("plain", &q.plain)]);
                self.check_refs(&file.src, q.id.get_ref(), "theme", &q.themes, &theme_ids);
            }
            k.questions = file
                .value
                .question
                .iter()
                .map(|q| Question {
                    id: q.id.get_ref().clone(),
                    kind: q.kind,
                    section: q.section.clone(),
                    text: q.text.clone(),
                    plain: q.plain.clone(),
                    themes: q.themes.iter().map(|t| t.get_ref().clone()).collect(),
                })
                .collect();
        }
        k
    }

    /// Reports references in `refs` that are not in `known`.
    fn check_refs<K: std::borrow::Borrow<str> + Ord>(
        &mut self,
        src: &SourceText,
        owner: &str,
        kind: &str,
        refs: &[Spanned<String>],
        known: &BTreeSet<K>,
    ) {
        for r in refs {
            if !known.contains(r.get_ref().as_str()) {
                let hint = did_you_mean(r.get_ref(), known.iter().map(|k| k.borrow()));
                self.err_hint(
                    src,
                    r.span(),
                    Some(owner),
                    format!("unknown {kind} `{}`", r.get_ref()),
                    hint,
                );
            }
        }
    }

    fn provisions(
        &mut self,
        files: &[Parsed<ProvisionFile>],
        sources: &[Source],
        categories: &[Category],
        feature_ids: &BTreeSet<String>,
        story_ids: &BTreeSet<&str>,
    ) -> Vec<Provision> {
        let category_ids: BTreeSet<&str> = categories.iter().map(|c| c.id.as_str()).collect();
        let mut out = Vec::new();
        let mut seen: HashMap<ProvisionId, (std::path::PathBuf, usize)> = HashMap::new();
        for file in files {
            let v = &file.value;
            let source = sources.iter().find(|s| &s.id == v.source.get_ref());
            match source {
                None => {
                    let hint =
                        did_you_mean(v.source.get_ref(), sources.iter().map(|s| s.id.as_str()));
                    self.err_hint(
                        &file.src,
                        v.source.span(),
                        None,
                        format!("unknown source `{}`", v.source.get_ref()),
                        hint.or(Some("sources are declared in sources.toml".into())),
                    );
                }
                Some(s) if !s.versions.iter().any(|x| &x.version == v.version.get_ref()) => {
                    self.err(
                        &file.src,
                        v.version.span(),
                        None,
                        format!(
                            "source `{}` has no version `{}` in sources.toml",
                            s.id,
                            v.version.get_ref()
                        ),
                    );
                }
                Some(_) => {}
            }
            for p in &v.provision {
                let local = p.id.get_ref();
                let id = ProvisionId::new(v.source.get_ref(), v.version.get_ref(), local);
                let (line, _) = file.src.line_column(p.id.span().start);
                if let Some((first, first_line)) = seen.get(&id) {
                    let msg = format!(
                        "duplicate provision id `{id}` (first defined at {}:{first_line})",
                        first.display()
                    );
                    self.err(&file.src, p.id.span(), Some(local), msg);
                    continue;
                }
                seen.insert(id.clone(), (file.src.path.clone(), line));
                if local.is_empty() || local.contains(char::is_whitespace) {
                    self.err(
                        &file.src,
                        p.id.span(),
                        Some(local),
                        "provision ids cannot be empty or contain spaces".into(),
                    );
                }
                if !category_ids.contains(p.category.get_ref().as_str()) {
                    let hint = did_you_mean(p.category.get_ref(), category_ids.iter().copied());
                    self.err_hint(
                        &file.src,
                        p.category.span(),
                        Some(local),
                        format!("unknown category `{}`", p.category.get_ref()),
                        hint,
                    );
                }
                self.require_text(
                    &file.src,
                    &p.id,
                    &[
                        ("title", &p.title),
                        ("statement", &p.statement),
                        ("plain", &p.plain),
                    ],
                );
                for (name, empty) in [
                    ("evidence", p.evidence.is_empty()),
                    ("verification", p.verification.is_empty()),
                    ("scope", p.scope.is_empty()),
                ] {
                    if empty {
                        self.err(
                            &file.src,
                            p.id.span(),
                            Some(local),
                            format!("`{name}` needs at least one entry"),
                        );
                    }
                }
                let condition = p
                    .condition
                    .as_ref()
                    .and_then(|c| self.condition(&file.src, local, c, feature_ids));
                self.check_refs(&file.src, local, "story", &p.stories, story_ids);
                let mut evidence = p.evidence.clone();
                evidence.sort();
                evidence.dedup();
                let mut verification = p.verification.clone();
                verification.sort();
                verification.dedup();
                let mut scope = p.scope.clone();
                scope.sort();
                scope.dedup();
                let status = match (p.modality, condition.is_some()) {
                    (Modality::Mandatory, false) => "M",
                    (Modality::Mandatory, true) => "M C",
                    (Modality::Recommended, false) => "R",
                    (Modality::Recommended, true) => "R C",
                };
                out.push(Provision {
                    id,
                    category: p.category.get_ref().clone(),
                    title: p.title.clone(),
                    modality: p.modality,
                    status: status.to_owned(),
                    condition,
                    condition_text: p.condition_text.clone(),
                    statement: p.statement.clone(),
                    plain: p.plain.clone(),
                    stories: p.stories.iter().map(|s| s.get_ref().clone()).collect(),
                    evidence,
                    verification,
                    scope,
                    replaces: p
                        .replaces
                        .iter()
                        .filter_map(|r| r.get_ref().parse().ok())
                        .collect(),
                    fact_checks: p.fact_checks.clone(),
                    automatic: p.automatic,
                    note: p.note.clone(),
                });
            }
        }
        out
    }

    fn condition(
        &mut self,
        src: &SourceText,
        owner: &str,
        text: &Spanned<String>,
        feature_ids: &BTreeSet<String>,
    ) -> Option<Condition> {
        // The span covers the quoted string; +1 skips the opening quote.
        let base = text.span().start + 1;
        match Condition::parse(text.get_ref()) {
            Err(e) => {
                let at = base + e.offset;
                self.err_hint(
                    src,
                    at..at,
                    Some(owner),
                    format!("condition `{}`: {}", text.get_ref(), e.message),
                    Some("write feature ids joined by and / or / not, with ( )".into()),
                );
                None
            }
            Ok(c) => {
                let mut ok = true;
                for f in c.features() {
                    if !feature_ids.contains(f) {
                        ok = false;
                        let hint = did_you_mean(f, feature_ids.iter().map(String::as_str))
                            .or(Some("features are declared in features.toml".into()));
                        self.err_hint(
                            src,
                            text.span(),
                            Some(owner),
                            format!("condition names unknown feature `{f}`"),
                            hint,
                        );
                    }
                }
                ok.then_some(c)
            }
        }
    }

    fn check_replaces(&mut self, files: &[Parsed<ProvisionFile>], catalog: &Catalog) {
        for file in files {
            for p in &file.value.provision {
                for r in &p.replaces {
                    match r.get_ref().parse::<ProvisionId>() {
                        Err(e) => {
                            self.err(&file.src, r.span(), Some(p.id.get_ref()), e.to_string())
                        }
                        Ok(id) if catalog.provision(&id).is_none() => self.err(
                            &file.src,
                            r.span(),
                            Some(p.id.get_ref()),
                            format!("`replaces` names unknown provision `{id}`"),
                        ),
                        Ok(_) => {}
                    }
                }
            }
        }
    }

    /// Resolves a provision reference, reporting it when it does not resolve.
    fn provision_ref(
        &mut self,
        src: &SourceText,
        owner: &str,
        r: &Spanned<String>,
        catalog: &Catalog,
    ) -> Option<ProvisionId> {
        match catalog.resolve(r.get_ref()) {
            Ok(p) => Some(p.id.clone()),
            Err(e) => {
                self.err(src, r.span(), Some(owner), e.to_string());
                None
            }
        }
    }

    fn crosswalks(
        &mut self,
        files: &[(String, Parsed<CrosswalkFile>)],
        catalog: &Catalog,
    ) -> Vec<Crosswalk> {
        self.check_unique(
            "crosswalk",
            files.iter().map(|(_, f)| (&f.src, &f.value.crosswalk.id)),
        );
        let org_ids: BTreeSet<&str> = catalog
            .knowledge
            .organisations
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        let mut out = Vec::new();
        for (rel, file) in files {
            let src = &file.src;
            let h = &file.value.crosswalk;
            let cw_id = h.id.get_ref().as_str();
            let stem = rel
                .rsplit('/')
                .next()
                .and_then(|n| n.strip_suffix(".toml"))
                .unwrap_or_default();
            if stem != cw_id {
                self.err(
                    src,
                    h.id.span(),
                    Some(cw_id),
                    format!("crosswalk id `{cw_id}` does not match its file name `{stem}.toml`"),
                );
            }
            self.require_text(
                src,
                &h.id,
                &[("description", &h.description), ("plain", &h.plain)],
            );
            self.check_unique("group", file.value.group.iter().map(|g| (src, &g.id)));
            self.check_unique("row", file.value.row.iter().map(|r| (src, &r.id)));
            let group_ids: BTreeSet<&str> = file
                .value
                .group
                .iter()
                .map(|g| g.id.get_ref().as_str())
                .collect();
            if let Some(expected) = &h.expected_rows
                && *expected.get_ref() != file.value.row.len()
            {
                self.err_hint(
                    src,
                    expected.span(),
                    Some(cw_id),
                    format!(
                        "the source has {} rows but the crosswalk has {}",
                        expected.get_ref(),
                        file.value.row.len()
                    ),
                    Some("a row is missing or duplicated; compare with the source document".into()),
                );
            }
            if let Some(expected) = &h.expected_groups
                && *expected.get_ref() != file.value.group.len()
            {
                self.err(
                    src,
                    expected.span(),
                    Some(cw_id),
                    format!(
                        "the source has {} groups but the crosswalk has {}",
                        expected.get_ref(),
                        file.value.group.len()
                    ),
                );
            }
            let mut rows = Vec::new();
            for r in &file.value.row {
                let row_id = format!("{cw_id}/{}", r.id.get_ref());
                self.require_text(
                    src,
                    &r.id,
                    &[("title", &r.title), ("text", &r.text), ("plain", &r.plain)],
                );
                if let Some(g) = &r.group
                    && !group_ids.contains(g.get_ref().as_str())
                {
                    let hint = did_you_mean(g.get_ref(), group_ids.iter().copied());
                    self.err_hint(
                        src,
                        g.span(),
                        Some(&row_id),
                        format!("unknown group `{}`", g.get_ref()),
                        hint,
                    );
                }
                let provisions: Vec<ProvisionId> = r
                    .provisions
                    .iter()
                    .filter_map(|p| self.provision_ref(src, &row_id, p, catalog))
                    .collect();
                let relation = *r.relation.get_ref();
                if relation == Relation::None && !r.provisions.is_empty() {
                    self.err(
                        src,
                        r.relation.span(),
                        Some(&row_id),
                        "relation `none` means no provision covers the row, but provisions are listed".into(),
                    );
                }
                if relation != Relation::None && r.provisions.is_empty() {
                    self.err_hint(
                        src,
                        r.relation.span(),
                        Some(&row_id),
                        "the row maps to no provision".into(),
                        Some(
                            "list provisions, or set relation = \"none\" and explain the gap"
                                .into(),
                        ),
                    );
                }
                if r.provisions.is_empty() && r.gap.as_deref().is_none_or(|g| g.trim().is_empty()) {
                    self.err_hint(
                        src,
                        r.id.span(),
                        Some(&row_id),
                        "a row that maps to no provision needs a `gap` explaining why".into(),
                        None,
                    );
                }
                if let Some(orgs) = &r.organisations {
                    self.check_refs(src, &row_id, "organisation", orgs, &org_ids);
                } else if h.cites_organisations {
                    self.err_hint(
                        src,
                        r.id.span(),
                        Some(&row_id),
                        "this crosswalk cites organisations for every row, but the row has no `organisations`".into(),
                        Some("write `organisations = []` if the source cites none".into()),
                    );
                }
                rows.push(CrosswalkRow {
                    id: r.id.get_ref().clone(),
                    reference: r.reference.clone(),
                    group: r.group.as_ref().map(|g| g.get_ref().clone()),
                    title: r.title.clone(),
                    text: r.text.clone(),
                    plain: r.plain.clone(),
                    provisions,
                    relation,
                    organisations: r
                        .organisations
                        .as_ref()
                        .map(|o| o.iter().map(|x| x.get_ref().clone()).collect()),
                    gap: r.gap.clone(),
                    requires_level: r.requires_level.as_ref().map(|l| *l.get_ref()),
                    note: r.note.clone(),
                });
            }
            out.push(Crosswalk {
                id: cw_id.to_owned(),
                title: h.title.clone(),
                publisher: h.publisher.clone(),
                reference: h.reference.clone(),
                url: h.url.clone(),
                kind: h.kind,
                published: h.published.clone(),
                description: h.description.clone(),
                plain: h.plain.clone(),
                groups: file
                    .value
                    .group
                    .iter()
                    .map(|g| CrosswalkGroup {
                        id: g.id.get_ref().clone(),
                        title: g.title.clone(),
                        plain: g.plain.clone(),
                    })
                    .collect(),
                rows,
            });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    fn regimes(&mut self, file: &Parsed<RegimesFile>, catalog: &Catalog) -> Vec<Regime> {
        let src = &file.src;
        self.check_unique("regime", file.value.regime.iter().map(|r| (src, &r.id)));
        let crosswalk_ids: BTreeSet<&str> =
            catalog.crosswalks.iter().map(|c| c.id.as_str()).collect();
        let namespaces: BTreeSet<String> = catalog
            .sources
            .iter()
            .flat_map(|s| {
                s.versions
                    .iter()
                    .map(move |v| format!("{}@{}", s.id, v.version))
            })
            .collect();
        let mut out = Vec::new();
        for r in &file.value.regime {
            let id = r.id.get_ref().as_str();
            self.require_text(
                src,
                &r.id,
                &[("compliance", &r.compliance), ("plain", &r.plain)],
            );
            match (r.decision, &r.crosswalk, &r.source) {
                (Decision::MandatoryProvisions, _, None) => self.err(
                    src,
                    r.id.span(),
                    Some(id),
                    "decision `mandatory-provisions` needs `source = \"SOURCE@VERSION\"`".into(),
                ),
                (Decision::MandatoryProvisions, _, Some(s))
                    if !namespaces.contains(s.get_ref()) =>
                {
                    let hint = did_you_mean(s.get_ref(), namespaces.iter().map(String::as_str));
                    self.err_hint(
                        src,
                        s.span(),
                        Some(id),
                        format!("unknown source version `{}`", s.get_ref()),
                        hint,
                    )
                }
                (Decision::MandatoryProvisions, _, Some(_)) => {}
                (_, None, _) => self.err(
                    src,
                    r.id.span(),
                    Some(id),
                    "this decision needs the `crosswalk` whose rows decide it".into(),
                ),
                (_, Some(c), _) if !crosswalk_ids.contains(c.get_ref().as_str()) => {
                    let hint = did_you_mean(c.get_ref(), crosswalk_ids.iter().copied());
                    self.err_hint(
                        src,
                        c.span(),
                        Some(id),
                        format!("unknown crosswalk `{}`", c.get_ref()),
                        hint,
                    )
                }
                _ => {}
            }
            out.push(Regime {
                id: id.to_owned(),
                short: r.short.clone(),
                name: r.name.clone(),
                jurisdiction: r.jurisdiction.clone(),
                kind: r.kind,
                status: r.status,
                since: r.since.clone(),
                crosswalk: r.crosswalk.as_ref().map(|c| c.get_ref().clone()),
                decision: r.decision,
                source: r.source.as_ref().map(|s| s.get_ref().clone()),
                compliance: r.compliance.clone(),
                plain: r.plain.clone(),
            });
        }
        out
    }

    fn profiles(
        &mut self,
        files: &[(String, Parsed<ProfileFile>)],
        catalog: &Catalog,
    ) -> Vec<Profile> {
        self.check_unique(
            "profile",
            files.iter().map(|(_, f)| (&f.src, &f.value.profile.id)),
        );
        let by_id: HashMap<&str, &Parsed<ProfileFile>> = files
            .iter()
            .map(|(_, f)| (f.value.profile.id.get_ref().as_str(), f))
            .collect();
        let regime_ids: BTreeSet<&str> = catalog.regimes.iter().map(|r| r.id.as_str()).collect();
        let mut out = Vec::new();
        for (rel, file) in files {
            let src = &file.src;
            let h = &file.value.profile;
            let pid = h.id.get_ref().as_str();
            let stem = rel
                .rsplit('/')
                .next()
                .and_then(|n| n.strip_suffix(".toml"))
                .unwrap_or_default();
            if stem != pid {
                self.err(
                    src,
                    h.id.span(),
                    Some(pid),
                    format!("profile id `{pid}` does not match its file name `{stem}.toml`"),
                );
            }
            self.require_text(
                src,
                &h.id,
                &[
                    ("title", &h.title),
                    ("technical", &h.technical),
                    ("plain", &h.plain),
                ],
            );
            self.check_refs(src, pid, "regime", &h.regimes, &regime_ids);

            // Walk the `extends` chain, parents first, refusing cycles.
            let mut chain: Vec<&Parsed<ProfileFile>> = vec![file];
            let mut visited: HashSet<&str> = HashSet::from([pid]);
            let mut current = file;
            let mut broken = false;
            while let Some(parent) = &current.value.profile.extends {
                let parent_id = parent.get_ref().as_str();
                match by_id.get(parent_id) {
                    None => {
                        let hint = did_you_mean(parent_id, by_id.keys().copied());
                        self.err_hint(
                            &current.src,
                            parent.span(),
                            Some(current.value.profile.id.get_ref()),
                            format!("extends unknown profile `{parent_id}`"),
                            hint,
                        );
                        broken = true;
                        break;
                    }
                    Some(_) if !visited.insert(parent_id) => {
                        self.err(
                            src,
                            h.id.span(),
                            Some(pid),
                            format!("profile `{pid}` is part of an `extends` cycle (through `{parent_id}`)"),
                        );
                        broken = true;
                        break;
                    }
                    Some(p) => {
                        chain.push(p);
                        current = p;
                    }
                }
            }
            if broken {
                continue;
            }
            chain.reverse();
            let mut selected: BTreeSet<ProvisionId> = BTreeSet::new();
            let mut raises: Vec<Raise> = Vec::new();
            for layer in &chain {
                let lsrc = &layer.src;
                let lid = layer.value.profile.id.get_ref().as_str();
                let report = layer.value.profile.id.get_ref() == pid;
                for pattern in &layer.value.profile.include {
                    let matched = self.pattern(lsrc, lid, pattern, catalog, report);
                    selected.extend(matched);
                }
                for pattern in &layer.value.profile.exclude {
                    for m in self.pattern(lsrc, lid, pattern, catalog, report) {
                        selected.remove(&m);
                    }
                }
                for raise in &layer.value.raise {
                    let resolved = if report {
                        self.provision_ref(lsrc, lid, &raise.provision, catalog)
                    } else {
                        catalog
                            .resolve(raise.provision.get_ref())
                            .ok()
                            .map(|p| p.id.clone())
                    };
                    let Some(id) = resolved else { continue };
                    if report {
                        self.require_text(
                            lsrc,
                            &raise.provision,
                            &[("technical", &raise.technical), ("plain", &raise.plain)],
                        );
                        if catalog
                            .provision(&id)
                            .is_some_and(|p| p.modality == Modality::Mandatory)
                        {
                            self.err(
                                lsrc,
                                raise.provision.span(),
                                Some(lid),
                                format!("`{id}` is already mandatory; only recommendations can be raised"),
                            );
                        }
                        if raises
                            .iter()
                            .any(|r| r.provision == id && r.by_profile == lid)
                        {
                            self.err(
                                lsrc,
                                raise.provision.span(),
                                Some(lid),
                                format!("`{id}` is raised twice"),
                            );
                        }
                    }
                    raises.retain(|r| r.provision != id);
                    raises.push(Raise {
                        provision: id,
                        technical: raise.technical.clone(),
                        plain: raise.plain.clone(),
                        by_profile: lid.to_owned(),
                    });
                }
            }
            for raise in &raises {
                if raise.by_profile == pid
                    && !selected.contains(&raise.provision)
                    && let Some(r) = file.value.raise.iter().find(|r| {
                        catalog
                            .resolve(r.provision.get_ref())
                            .is_ok_and(|p| p.id == raise.provision)
                    })
                {
                    self.err_hint(
                        src,
                        r.provision.span(),
                        Some(pid),
                        format!(
                            "raises `{}`, which the profile does not select",
                            raise.provision
                        ),
                        Some("add it to `include`, or drop the raise".into()),
                    );
                }
            }
            raises.retain(|r| selected.contains(&r.provision));
            raises.sort_by(|a, b| a.provision.cmp(&b.provision));
            out.push(Profile {
                id: pid.to_owned(),
                title: h.title.clone(),
                technical: h.technical.clone(),
                plain: h.plain.clone(),
                extends: h.extends.as_ref().map(|e| e.get_ref().clone()),
                regimes: h.regimes.iter().map(|r| r.get_ref().clone()).collect(),
                provisions: selected.into_iter().collect(),
                raises,
            });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Expands a profile pattern: `source@version:*`, a full id or a short id.
    fn pattern(
        &mut self,
        src: &SourceText,
        owner: &str,
        pattern: &Spanned<String>,
        catalog: &Catalog,
        report: bool,
    ) -> Vec<ProvisionId> {
        let text = pattern.get_ref();
        if let Some(namespace) = text.strip_suffix(":*") {
            let matched: Vec<ProvisionId> = catalog
                .provisions
                .iter()
                .filter(|p| p.id.namespace() == namespace)
                .map(|p| p.id.clone())
                .collect();
            if matched.is_empty() && report {
                self.err(
                    src,
                    pattern.span(),
                    Some(owner),
                    format!("pattern `{text}` selects no provision"),
                );
            }
            return matched;
        }
        match catalog.resolve(text) {
            Ok(p) => vec![p.id.clone()],
            Err(e) => {
                if report {
                    self.err(src, pattern.span(), Some(owner), format!("selects {e}"));
                }
                Vec::new()
            }
        }
    }

    fn levels(&mut self, file: &Parsed<LevelsFile>, catalog: &Catalog) -> Levels {
        let src = &file.src;
        let mut levels = Vec::new();
        for (i, l) in file.value.level.iter().enumerate() {
            let number = *l.number.get_ref();
            let expected = u8::try_from(i + 1).unwrap_or(u8::MAX);
            let id = format!("level {number}");
            if number != expected {
                self.err(
                    src,
                    l.number.span(),
                    Some(&id),
                    format!("levels must be numbered 1, 2, 3, ... in order; expected {expected}"),
                );
            }
            let mut rules = Vec::new();
            for r in &l.rule {
                let span = r.kind.span();
                let need = |b: &mut Self, what: &str, empty: bool| {
                    if empty {
                        b.err(
                            src,
                            span.clone(),
                            Some(&id),
                            format!("this rule kind needs `{what}`"),
                        );
                    }
                };
                let kind = match r.kind.get_ref() {
                    RawRuleKind::ProvisionsPass => {
                        need(self, "provisions", r.provisions.is_empty());
                        let provisions = r
                            .provisions
                            .iter()
                            .filter_map(|p| self.provision_ref(src, &id, p, catalog))
                            .collect();
                        RuleKind::ProvisionsPass { provisions }
                    }
                    RawRuleKind::Facts => {
                        need(self, "facts", r.facts.is_empty());
                        RuleKind::Facts {
                            facts: r.facts.clone(),
                        }
                    }
                    RawRuleKind::MandatoryPass => RuleKind::MandatoryPass,
                    RawRuleKind::RecommendationsAnswered => RuleKind::RecommendationsAnswered,
                    RawRuleKind::AssessorEvidence => {
                        need(self, "evidence", r.evidence.is_empty());
                        RuleKind::AssessorEvidence {
                            evidence: r.evidence.clone(),
                        }
                    }
                    RawRuleKind::NoKnownExploited => RuleKind::NoKnownExploited,
                    RawRuleKind::FunctionalCoverage => {
                        need(self, "evidence", r.evidence.is_empty());
                        RuleKind::FunctionalCoverage {
                            evidence: r.evidence.clone(),
                        }
                    }
                };
                rules.push(LevelRule {
                    kind,
                    technical: r.technical.clone(),
                    plain: r.plain.clone(),
                });
            }
            levels.push(Level {
                number,
                name: l.name.clone(),
                technical: l.technical.clone(),
                plain: l.plain.clone(),
                rules,
            });
        }
        if file.value.scoring.mandatory_weight == 0 || file.value.scoring.recommended_weight == 0 {
            self.diags.push(Diagnostic {
                file: src.path.clone(),
                line: None,
                column: None,
                id: Some("scoring".into()),
                message: "score weights must be positive".into(),
                hint: None,
            });
        }
        Levels {
            scoring: file.value.scoring,
            levels,
        }
    }

    fn check_changelog(&mut self, catalog: &Catalog) {
        let version = catalog.meta.version.to_string();
        let path = self.snapshot.display_path("CHANGELOG.md");
        let has_entry = self.snapshot.files.get("CHANGELOG.md").is_some_and(|text| {
            text.lines().any(|l| {
                l.starts_with("## ")
                    && l[3..]
                        .trim_start_matches('[')
                        .split([']', ' '])
                        .next()
                        .is_some_and(|v| v == version)
            })
        });
        if !has_entry {
            self.diags.push(Diagnostic {
                file: path,
                line: None,
                column: None,
                id: Some(version.clone()),
                message: format!(
                    "CHANGELOG.md has no `## {version}` entry for the catalogue version"
                ),
                hint: Some("describe what changed in this version of the catalogue".into()),
            });
        }
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_snake_token(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
