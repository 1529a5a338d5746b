//! Translations of the catalogue's person-facing texts (`translations/<lang>.toml`).
//!
//! The catalogue is written in English; a translation file gives, for provisions, categories,
//! levels, profiles, regimes and features, the texts a consumer reads (titles, names and the
//! `plain` explanations) in another language. Technical statements stay in English: they are
//! what labs and lawyers compare against the source standards.
//!
//! Translations are presentation, not policy: they cannot change a verdict, a selection or a
//! regime outcome, so they are left out of the catalogue's JSON form and of `catalog diff`, and
//! a catalogue version names the same assessed content whatever its translations say. Every id
//! in a translation file is checked like any other reference (an unknown one is a load
//! diagnostic with file and line); an entry a translation lacks falls back to English, so a new
//! provision can land before its translation.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{Catalog, ResolveError};
use crate::error::{Diagnostics, SourceText, did_you_mean};
use crate::id::ProvisionId;
use crate::snapshot::Snapshot;

/// The language the catalogue itself is written in.
pub const SOURCE_LANG: &str = "en";

/// Translated title and plain text of an entry; a missing one falls back to English.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    /// Title (a provision's, category's or profile's) or name (a regime's).
    pub title: Option<String>,
    /// Plain-language text.
    pub plain: Option<String>,
}

/// Translated texts of a level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelTexts {
    /// The level's name.
    pub name: Option<String>,
    /// Its plain description.
    pub plain: Option<String>,
    /// The plain descriptions of its rules, in the order of `levels.toml` (may be shorter).
    pub rules: Vec<String>,
}

/// Translated texts of a feature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureTexts {
    /// Short title.
    pub title: Option<String>,
    /// The question a manufacturer answers.
    pub question: Option<String>,
    /// Plain explanation.
    pub plain: Option<String>,
}

/// One language's translation of the catalogue's person-facing texts.
#[derive(Debug, Clone, Default)]
pub struct Translation {
    /// Primary language subtag, e.g. `de` (the file's name).
    pub lang: String,
    /// The language's name in itself, e.g. `Deutsch`.
    pub name: String,
    provisions: HashMap<ProvisionId, Texts>,
    categories: HashMap<String, Texts>,
    levels: HashMap<u8, LevelTexts>,
    profiles: HashMap<String, Texts>,
    regimes: HashMap<String, Texts>,
    features: HashMap<String, FeatureTexts>,
}

impl Translation {
    /// A provision's translated texts.
    pub fn provision(&self, id: &ProvisionId) -> Option<&Texts> {
        self.provisions.get(id)
    }

    /// A category's translated texts.
    pub fn category(&self, id: &str) -> Option<&Texts> {
        self.categories.get(id)
    }

    /// A level's translated texts.
    pub fn level(&self, number: u8) -> Option<&LevelTexts> {
        self.levels.get(&number)
    }

    /// A profile's translated texts.
    pub fn profile(&self, id: &str) -> Option<&Texts> {
        self.profiles.get(id)
    }

    /// A regime's translated texts (`title` is its name).
    pub fn regime(&self, id: &str) -> Option<&Texts> {
        self.regimes.get(id)
    }

    /// A feature's translated texts.
    pub fn feature(&self, id: &str) -> Option<&FeatureTexts> {
        self.features.get(id)
    }

    /// How many provisions have a translated plain text.
    pub fn provisions_translated(&self) -> usize {
        self.provisions
            .values()
            .filter(|t| t.plain.is_some())
            .count()
    }
}

/// The primary subtag of a language tag, lower-cased: `de-AT` and `DE` both give `de`.
fn primary(lang: &str) -> String {
    lang.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Picks the translated text, or the English one when there is none.
fn pick<'a>(translated: Option<&'a Option<String>>, english: &'a str) -> &'a str {
    translated.and_then(Option::as_deref).unwrap_or(english)
}

impl Catalog {
    /// Every translation, in file-name order.
    pub fn translations(&self) -> &[Translation] {
        &self.translations
    }

    /// The translation for a language tag (`de`, `de-AT`); `None` for English (the catalogue's
    /// own language) and for languages without a translation file.
    pub fn translation(&self, lang: &str) -> Option<&Translation> {
        let lang = primary(lang);
        self.translations.iter().find(|t| t.lang == lang)
    }

    /// Whether a provision's plain text exists in a language (English always does).
    pub fn has_plain_in(&self, lang: &str, id: &ProvisionId) -> bool {
        primary(lang) == SOURCE_LANG
            || self
                .translation(lang)
                .and_then(|t| t.provision(id))
                .is_some_and(|t| t.plain.is_some())
    }

    /// A provision's plain-language text in a language, falling back to English; `None` when
    /// the catalogue has no such provision.
    pub fn plain_in(&self, lang: &str, id: &ProvisionId) -> Option<&str> {
        let p = self.provision(id)?;
        let t = self.translation(lang).and_then(|t| t.provision(id));
        Some(pick(t.map(|t| &t.plain), &p.plain))
    }

    /// A provision's title in a language, falling back to English.
    pub fn title_in(&self, lang: &str, id: &ProvisionId) -> Option<&str> {
        let p = self.provision(id)?;
        let t = self.translation(lang).and_then(|t| t.provision(id));
        Some(pick(t.map(|t| &t.title), &p.title))
    }

    /// A category's title in a language, falling back to English.
    pub fn category_title_in(&self, lang: &str, id: &str) -> Option<&str> {
        let c = self.category(id)?;
        let t = self.translation(lang).and_then(|t| t.category(id));
        Some(pick(t.map(|t| &t.title), &c.title))
    }

    /// A category's plain text in a language, falling back to English.
    pub fn category_plain_in(&self, lang: &str, id: &str) -> Option<&str> {
        let c = self.category(id)?;
        let t = self.translation(lang).and_then(|t| t.category(id));
        Some(pick(t.map(|t| &t.plain), &c.plain))
    }

    /// A level's name in a language, falling back to English.
    pub fn level_name_in(&self, lang: &str, number: u8) -> Option<&str> {
        let l = self.levels.levels.iter().find(|l| l.number == number)?;
        let t = self.translation(lang).and_then(|t| t.level(number));
        Some(pick(t.map(|t| &t.name), &l.name))
    }

    /// A level's plain description in a language, falling back to English.
    pub fn level_plain_in(&self, lang: &str, number: u8) -> Option<&str> {
        let l = self.levels.levels.iter().find(|l| l.number == number)?;
        let t = self.translation(lang).and_then(|t| t.level(number));
        Some(pick(t.map(|t| &t.plain), &l.plain))
    }

    /// The plain description of a level's rule (by position) in a language, falling back to
    /// English.
    pub fn level_rule_plain_in(&self, lang: &str, number: u8, rule: usize) -> Option<&str> {
        let l = self.levels.levels.iter().find(|l| l.number == number)?;
        let english = &l.rules.get(rule)?.plain;
        let t = self
            .translation(lang)
            .and_then(|t| t.level(number))
            .and_then(|t| t.rules.get(rule));
        Some(t.map_or(english.as_str(), String::as_str))
    }

    /// A profile's title in a language, falling back to English.
    pub fn profile_title_in(&self, lang: &str, id: &str) -> Option<&str> {
        let p = self.profile(id)?;
        let t = self.translation(lang).and_then(|t| t.profile(id));
        Some(pick(t.map(|t| &t.title), &p.title))
    }

    /// A profile's plain text in a language, falling back to English.
    pub fn profile_plain_in(&self, lang: &str, id: &str) -> Option<&str> {
        let p = self.profile(id)?;
        let t = self.translation(lang).and_then(|t| t.profile(id));
        Some(pick(t.map(|t| &t.plain), &p.plain))
    }

    /// A regime's full name in a language, falling back to English.
    pub fn regime_name_in(&self, lang: &str, id: &str) -> Option<&str> {
        let r = self.regime(id)?;
        let t = self.translation(lang).and_then(|t| t.regime(id));
        Some(pick(t.map(|t| &t.title), &r.name))
    }

    /// A regime's plain text in a language, falling back to English.
    pub fn regime_plain_in(&self, lang: &str, id: &str) -> Option<&str> {
        let r = self.regime(id)?;
        let t = self.translation(lang).and_then(|t| t.regime(id));
        Some(pick(t.map(|t| &t.plain), &r.plain))
    }

    /// A feature's title in a language, falling back to English.
    pub fn feature_title_in(&self, lang: &str, id: &str) -> Option<&str> {
        let f = self.feature(id)?;
        let t = self.translation(lang).and_then(|t| t.feature(id));
        Some(pick(t.map(|t| &t.title), &f.title))
    }

    /// A feature's question in a language, falling back to English.
    pub fn feature_question_in(&self, lang: &str, id: &str) -> Option<&str> {
        let f = self.feature(id)?;
        let t = self.translation(lang).and_then(|t| t.feature(id));
        Some(pick(t.map(|t| &t.question), &f.question))
    }

    /// A feature's plain text in a language, falling back to English.
    pub fn feature_plain_in(&self, lang: &str, id: &str) -> Option<&str> {
        let f = self.feature(id)?;
        let t = self.translation(lang).and_then(|t| t.feature(id));
        Some(pick(t.map(|t| &t.plain), &f.plain))
    }
}

// ---- the files as written ----

type S = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationFile {
    lang: S,
    name: String,
    #[serde(default)]
    category: Vec<RawTexts>,
    #[serde(default)]
    provision: Vec<RawTexts>,
    #[serde(default)]
    level: Vec<RawLevel>,
    #[serde(default)]
    profile: Vec<RawTexts>,
    #[serde(default)]
    regime: Vec<RawRegime>,
    #[serde(default)]
    feature: Vec<RawFeature>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTexts {
    id: S,
    title: Option<String>,
    plain: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegime {
    id: S,
    name: Option<String>,
    plain: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    number: Spanned<u8>,
    name: Option<String>,
    plain: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeature {
    id: S,
    title: Option<String>,
    question: Option<String>,
    plain: Option<String>,
}

// ---- loading ----

/// Loads and checks every `translations/*.toml` of a snapshot against a built catalogue.
/// Problems go to `diags`; what checks out is kept.
pub(crate) fn load(
    snapshot: &Snapshot,
    catalog: &Catalog,
    diags: &mut Diagnostics,
) -> Vec<Translation> {
    let mut out: Vec<Translation> = Vec::new();
    for (rel, text) in snapshot.files_under("translations") {
        let src = SourceText::new(&snapshot.display_path(rel), text.to_owned());
        let file = match toml::from_str::<TranslationFile>(text) {
            Ok(file) => file,
            Err(e) => {
                let message = e.message().trim().to_owned();
                let hint = message
                    .contains("unknown field")
                    .then(|| "check the spelling against catalog/FORMAT.md".to_owned());
                diags.push(src.at(e.span().unwrap_or(0..0), None, message, hint));
                continue;
            }
        };
        let stem = rel
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".toml"))
            .unwrap_or_default();
        let mut check = Check {
            src: &src,
            catalog,
            diags,
        };
        if let Some(t) = check.file(file, stem) {
            if let Some(first) = out.iter().find(|o| o.lang == t.lang) {
                let message = format!("a second translation into `{}`", first.lang);
                diags.push(src.at(0..0, None, message, None));
            } else {
                out.push(t);
            }
        }
    }
    out
}

struct Check<'a> {
    src: &'a SourceText,
    catalog: &'a Catalog,
    diags: &'a mut Diagnostics,
}

impl Check<'_> {
    fn err(
        &mut self,
        span: std::ops::Range<usize>,
        id: &str,
        message: String,
        hint: Option<String>,
    ) {
        self.diags.push(self.src.at(span, Some(id), message, hint));
    }

    /// Reports empty texts; keeps the non-empty ones.
    fn text(&mut self, id: &S, field: &str, value: Option<String>) -> Option<String> {
        let value = value?;
        if value.trim().is_empty() {
            let message = format!("`{field}` is empty");
            let hint = Some("leave the key out to fall back to English".to_owned());
            self.err(id.span(), id.get_ref(), message, hint);
            return None;
        }
        Some(value)
    }

    /// Reports an entry that translates nothing (probably a misplaced key).
    fn not_empty(&mut self, id: &S, any: bool) {
        if !any {
            let message = "the entry translates no text".to_owned();
            self.err(id.span(), id.get_ref(), message, None);
        }
    }

    fn unknown<'k>(&mut self, id: &S, kind: &str, known: impl IntoIterator<Item = &'k str>) {
        let message = format!("unknown {kind} `{}`", id.get_ref());
        let hint = did_you_mean(id.get_ref(), known);
        self.err(id.span(), id.get_ref(), message, hint);
    }

    fn duplicate(&mut self, seen: &mut HashSet<String>, key: String, id: &S, kind: &str) -> bool {
        if seen.insert(key) {
            return false;
        }
        let message = format!("{kind} `{}` is translated twice", id.get_ref());
        self.err(id.span(), id.get_ref(), message, None);
        true
    }

    fn file(&mut self, file: TranslationFile, stem: &str) -> Option<Translation> {
        let lang = file.lang.get_ref().clone();
        let valid_tag =
            (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
        if !valid_tag {
            let message = format!("`lang = \"{lang}\"` is not a primary language subtag");
            let hint = Some("write the two-letter ISO 639-1 code, e.g. \"de\"".to_owned());
            self.err(file.lang.span(), &lang, message, hint);
            return None;
        }
        if lang == SOURCE_LANG {
            let message =
                "the catalogue is written in English; there is nothing to translate into it"
                    .to_owned();
            self.err(file.lang.span(), &lang, message, None);
            return None;
        }
        if lang != stem {
            let message =
                format!("a translation into `{lang}` must be named translations/{lang}.toml");
            self.err(file.lang.span(), &lang, message, None);
            return None;
        }
        if file.name.trim().is_empty() {
            self.err(file.lang.span(), &lang, "`name` is empty".to_owned(), None);
        }
        let mut t = Translation {
            lang,
            name: file.name,
            ..Translation::default()
        };
        self.categories(file.category, &mut t);
        self.provisions(file.provision, &mut t);
        self.levels(file.level, &mut t);
        self.profiles(file.profile, &mut t);
        self.regimes(file.regime, &mut t);
        self.features(file.feature, &mut t);
        Some(t)
    }

    fn texts(&mut self, raw: RawTexts) -> (S, Texts) {
        let title = self.text(&raw.id, "title", raw.title);
        let plain = self.text(&raw.id, "plain", raw.plain);
        self.not_empty(&raw.id, title.is_some() || plain.is_some());
        (raw.id, Texts { title, plain })
    }

    fn categories(&mut self, raw: Vec<RawTexts>, t: &mut Translation) {
        let mut seen = HashSet::new();
        for entry in raw {
            let (id, texts) = self.texts(entry);
            if self.catalog.category(id.get_ref()).is_none() {
                let known = self.catalog.categories.iter().map(|c| c.id.as_str());
                self.unknown(&id, "category", known.collect::<Vec<_>>());
            } else if !self.duplicate(&mut seen, id.get_ref().clone(), &id, "category") {
                t.categories.insert(id.into_inner(), texts);
            }
        }
    }

    fn provisions(&mut self, raw: Vec<RawTexts>, t: &mut Translation) {
        let mut seen = HashSet::new();
        for entry in raw {
            let (id, texts) = self.texts(entry);
            match self.catalog.resolve(id.get_ref()) {
                Ok(p) => {
                    let full = p.id.clone();
                    if !self.duplicate(&mut seen, full.to_string(), &id, "provision") {
                        t.provisions.insert(full, texts);
                    }
                }
                Err(ResolveError::Unknown { hint, .. }) => {
                    let message = format!("unknown provision `{}`", id.get_ref());
                    self.err(id.span(), id.get_ref(), message, hint);
                }
                Err(e @ ResolveError::Ambiguous { .. }) => {
                    self.err(id.span(), id.get_ref(), e.to_string(), None);
                }
            }
        }
    }

    fn levels(&mut self, raw: Vec<RawLevel>, t: &mut Translation) {
        let mut seen = HashSet::new();
        for entry in raw {
            let number = *entry.number.get_ref();
            let id = Spanned::new(entry.number.span(), number.to_string());
            let name = self.text(&id, "name", entry.name);
            let plain = self.text(&id, "plain", entry.plain);
            let mut rules = Vec::new();
            for rule in entry.rules {
                if let Some(rule) = self.text(&id, "rules", Some(rule)) {
                    rules.push(rule);
                }
            }
            self.not_empty(&id, name.is_some() || plain.is_some() || !rules.is_empty());
            let Some(level) = self
                .catalog
                .levels
                .levels
                .iter()
                .find(|l| l.number == number)
            else {
                let message = format!("unknown level {number}");
                let hint = Some(format!(
                    "levels.toml numbers its levels {}",
                    self.catalog
                        .levels
                        .levels
                        .iter()
                        .map(|l| l.number.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                self.err(id.span(), id.get_ref(), message, hint);
                continue;
            };
            if rules.len() > level.rules.len() {
                let message = format!(
                    "{} rule texts, but level {number} has {} rules",
                    rules.len(),
                    level.rules.len()
                );
                self.err(id.span(), id.get_ref(), message, None);
                continue;
            }
            if !self.duplicate(&mut seen, id.get_ref().clone(), &id, "level") {
                t.levels.insert(number, LevelTexts { name, plain, rules });
            }
        }
    }

    fn profiles(&mut self, raw: Vec<RawTexts>, t: &mut Translation) {
        let mut seen = HashSet::new();
        for entry in raw {
            let (id, texts) = self.texts(entry);
            if self.catalog.profile(id.get_ref()).is_none() {
                let known = self.catalog.profiles.iter().map(|p| p.id.as_str());
                self.unknown(&id, "profile", known.collect::<Vec<_>>());
            } else if !self.duplicate(&mut seen, id.get_ref().clone(), &id, "profile") {
                t.profiles.insert(id.into_inner(), texts);
            }
        }
    }

    fn regimes(&mut self, raw: Vec<RawRegime>, t: &mut Translation) {
        let mut seen = HashSet::new();
        for entry in raw {
            let (id, texts) = self.texts(RawTexts {
                id: entry.id,
                title: entry.name,
                plain: entry.plain,
            });
            if self.catalog.regime(id.get_ref()).is_none() {
                let known = self.catalog.regimes.iter().map(|r| r.id.as_str());
                self.unknown(&id, "regime", known.collect::<Vec<_>>());
            } else if !self.duplicate(&mut seen, id.get_ref().clone(), &id, "regime") {
                t.regimes.insert(id.into_inner(), texts);
            }
        }
    }

    fn features(&mut self, raw: Vec<RawFeature>, t: &mut Translation) {
        let mut seen = HashSet::new();
        for entry in raw {
            let id = entry.id;
            let title = self.text(&id, "title", entry.title);
            let question = self.text(&id, "question", entry.question);
            let plain = self.text(&id, "plain", entry.plain);
            self.not_empty(
                &id,
                title.is_some() || question.is_some() || plain.is_some(),
            );
            if self.catalog.feature(id.get_ref()).is_none() {
                let known = self.catalog.features.iter().map(|f| f.id.as_str());
                self.unknown(&id, "feature", known.collect::<Vec<_>>());
            } else if !self.duplicate(&mut seen, id.get_ref().clone(), &id, "feature") {
                let texts = FeatureTexts {
                    title,
                    question,
                    plain,
                };
                t.features.insert(id.into_inner(), texts);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_reduce_to_their_primary_subtag() {
        assert_eq!(primary("de-AT"), "de");
        assert_eq!(primary("DE"), "de");
        assert_eq!(primary(" en_GB "), "en");
    }
}
