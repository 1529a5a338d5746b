//! Interface text in several languages, from Project Fluent message files (`locales/*.ftl`),
//! reviewed like code. The catalogue's own texts come from the catalogue.

use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English (the default).
    En,
    /// German.
    De,
}

impl Lang {
    /// Every language, default first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// BCP 47 tag, as in `<html lang>` and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The language's own name for itself, for the language switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
        }
    }

    /// A language from a tag (`de`, `de-AT`, `EN`); `None` when not supported.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The best supported language of an `Accept-Language` header, by quality.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.split(',').take(16) {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_tag) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en.ftl"),
            Lang::De => include_str!("../locales/de.ftl"),
        }
    }
}

/// A problem in a message file (found by tests, reported at start).
#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    /// The file does not parse.
    #[error("locales/{lang}.ftl: {detail}")]
    Parse {
        /// Language.
        lang: &'static str,
        /// Parser errors.
        detail: String,
    },
}

/// The message bundles of every language.
pub struct Messages {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl Messages {
    /// Loads the embedded message files.
    pub fn load() -> Result<Self, I18nError> {
        let mut bundles = Vec::new();
        for lang in Lang::ALL {
            let resource =
                FluentResource::try_new(lang.source().to_owned()).map_err(|(_, errors)| {
                    I18nError::Parse {
                        lang: lang.tag(),
                        detail: errors
                            .iter()
                            .map(|e| format!("{e:?}"))
                            .collect::<Vec<_>>()
                            .join("; "),
                    }
                })?;
            let id: LanguageIdentifier = lang.tag().parse().map_err(|e| I18nError::Parse {
                lang: lang.tag(),
                detail: format!("{e}"),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks would end up inside HTML attributes and CSV cells.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| I18nError::Parse {
                    lang: lang.tag(),
                    detail: errors
                        .iter()
                        .map(|e| format!("{e:?}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                })?;
            bundles.push((lang, bundle));
        }
        Ok(Self { bundles })
    }

    fn bundle(&self, lang: Lang) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, b)| b)
    }

    /// Message ids defined for a language.
    pub fn ids(&self, lang: Lang) -> Vec<String> {
        let source = lang.source();
        FluentResource::try_new(source.to_owned())
            .map(|r| {
                r.entries()
                    .filter_map(|e| match e {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A message with arguments; the id itself when the message is missing (tests make sure
    /// none is).
    pub fn format(&self, lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let Some(bundle) = self.bundle(lang) else {
            return id.to_owned();
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, lang = lang.tag(), "missing interface message");
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (k, v) in args {
            fluent_args.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(
            pattern,
            (!args.is_empty()).then_some(&fluent_args),
            &mut errors,
        );
        if !errors.is_empty() {
            tracing::warn!(
                id,
                lang = lang.tag(),
                ?errors,
                "interface message did not format"
            );
        }
        text.into_owned()
    }
}

/// The messages of one language, as templates use them: `{{ t.t("home-title") }}`.
#[derive(Clone)]
pub struct Tr {
    /// Language.
    pub lang: Lang,
    messages: Arc<Messages>,
}

impl Tr {
    /// Messages of `lang`.
    pub fn new(lang: Lang, messages: Arc<Messages>) -> Self {
        Self { lang, messages }
    }

    /// A message without arguments.
    pub fn t(&self, id: &str) -> String {
        self.messages.format(self.lang, id, &[])
    }

    /// A message with one argument.
    pub fn t1(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.messages.format(
            self.lang,
            id,
            &[(name, FluentValue::from(value.to_string()))],
        )
    }

    /// A message with a number (plural rules pick the form).
    pub fn n(&self, id: &str, count: u64) -> String {
        self.messages
            .format(self.lang, id, &[("count", FluentValue::from(count))])
    }
}
