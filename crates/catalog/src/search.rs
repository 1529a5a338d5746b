//! Full-text search over the catalogue, in both its languages.
//!
//! The catalogue holds a few hundred entries, so a scan with word-prefix matching answers in
//! well under a millisecond; an inverted index (or a search engine crate) would add weight
//! without making any query noticeably faster.

use serde::Serialize;

use crate::catalog::Catalog;

/// What kind of entry a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HitKind {
    /// A provision.
    Provision,
    /// A crosswalk row.
    CrosswalkRow,
    /// A regime.
    Regime,
    /// A profile.
    Profile,
    /// A feature.
    Feature,
    /// A story.
    Story,
    /// A theme.
    Theme,
    /// An organisation.
    Organisation,
    /// A research question.
    Question,
}

/// One search result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Kind of entry.
    pub kind: HitKind,
    /// Its id (`crosswalk/row` for rows); `catalog show` accepts it.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Relevance; higher is better.
    pub score: u32,
    /// Which language matched: `technical`, `plain` or both.
    pub matched_in: Vec<&'static str>,
    /// A short extract around the first match.
    pub excerpt: String,
}

struct Doc<'a> {
    kind: HitKind,
    id: String,
    title: &'a str,
    technical: Vec<&'a str>,
    plain: Vec<&'a str>,
}

/// Searches every entry for all words of `query` (word prefixes match, case-insensitively).
/// An empty query matches nothing.
pub fn search(catalog: &Catalog, query: &str) -> Vec<Hit> {
    let terms = words(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<Hit> = documents(catalog)
        .iter()
        .filter_map(|doc| score(doc, &terms))
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| crate::id::natural_cmp(&a.id, &b.id))
    });
    hits
}

fn documents(c: &Catalog) -> Vec<Doc<'_>> {
    let mut docs = Vec::new();
    for p in &c.provisions {
        let mut technical = vec![p.statement.as_str()];
        technical.extend(p.condition_text.as_deref());
        docs.push(Doc {
            kind: HitKind::Provision,
            id: p.id.to_string(),
            title: &p.title,
            technical,
            plain: vec![&p.plain],
        });
    }
    for cw in &c.crosswalks {
        for r in &cw.rows {
            let mut technical = vec![r.text.as_str(), r.reference.as_str()];
            technical.extend(r.gap.as_deref());
            docs.push(Doc {
                kind: HitKind::CrosswalkRow,
                id: format!("{}/{}", cw.id, r.id),
                title: &r.title,
                technical,
                plain: vec![&r.plain],
            });
        }
    }
    for r in &c.regimes {
        docs.push(Doc {
            kind: HitKind::Regime,
            id: r.id.clone(),
            title: &r.name,
            technical: vec![&r.compliance, &r.short],
            plain: vec![&r.plain],
        });
    }
    for p in &c.profiles {
        docs.push(Doc {
            kind: HitKind::Profile,
            id: p.id.clone(),
            title: &p.title,
            technical: vec![&p.technical],
            plain: vec![&p.plain],
        });
    }
    for f in &c.features {
        docs.push(Doc {
            kind: HitKind::Feature,
            id: f.id.clone(),
            title: &f.title,
            technical: vec![&f.question],
            plain: vec![&f.plain],
        });
    }
    for s in &c.knowledge.stories {
        docs.push(Doc {
            kind: HitKind::Story,
            id: s.id.clone(),
            title: &s.title,
            technical: vec![&s.technical, &s.lesson],
            plain: vec![&s.plain],
        });
    }
    for t in &c.knowledge.themes {
        let mut technical = vec![t.summary.as_str()];
        technical.extend(t.findings.iter().map(String::as_str));
        docs.push(Doc {
            kind: HitKind::Theme,
            id: t.id.clone(),
            title: &t.title,
            technical,
            plain: vec![&t.plain],
        });
    }
    for o in &c.knowledge.organisations {
        let mut technical = vec![o.role.as_str(), o.abbreviation.as_str()];
        technical.extend(o.working_groups.iter().map(|w| w.name.as_str()));
        technical.extend(o.working_groups.iter().map(|w| w.description.as_str()));
        technical.extend(o.publications.iter().map(|p| p.title.as_str()));
        docs.push(Doc {
            kind: HitKind::Organisation,
            id: o.id.clone(),
            title: &o.name,
            technical,
            plain: vec![],
        });
    }
    for q in &c.knowledge.questions {
        docs.push(Doc {
            kind: HitKind::Question,
            id: q.id.clone(),
            title: &q.text,
            technical: vec![&q.section],
            plain: vec![&q.plain],
        });
    }
    docs
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn count_prefix_matches(text: &str, term: &str) -> u32 {
    let n = words(text).iter().filter(|w| w.starts_with(term)).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn score(doc: &Doc<'_>, terms: &[String]) -> Option<Hit> {
    let mut total = 0u32;
    let mut in_technical = false;
    let mut in_plain = false;
    for term in terms {
        let title = count_prefix_matches(doc.title, term);
        let technical: u32 = doc
            .technical
            .iter()
            .map(|t| count_prefix_matches(t, term))
            .sum();
        let plain: u32 = doc
            .plain
            .iter()
            .map(|t| count_prefix_matches(t, term))
            .sum();
        if title + technical + plain == 0 {
            return None;
        }
        in_technical |= technical > 0 || title > 0;
        in_plain |= plain > 0;
        total = total.saturating_add(title * 5 + technical + plain);
    }
    let mut matched_in = Vec::new();
    if in_technical {
        matched_in.push("technical");
    }
    if in_plain {
        matched_in.push("plain");
    }
    let first = &terms[0];
    let excerpt = doc
        .plain
        .iter()
        .chain(doc.technical.iter())
        .find_map(|t| excerpt(t, first))
        .unwrap_or_else(|| shorten(doc.title, 160));
    Some(Hit {
        kind: doc.kind,
        id: doc.id.clone(),
        title: doc.title.to_owned(),
        score: total,
        matched_in,
        excerpt,
    })
}

/// The sentence of `text` in which `term` first starts a word, shortened.
fn excerpt(text: &str, term: &str) -> Option<String> {
    text.split_inclusive(['.', '!', '?'])
        .find(|sentence| count_prefix_matches(sentence, term) > 0)
        .map(|s| shorten(s.trim(), 200))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_case_and_split_on_punctuation() {
        assert_eq!(
            words("Default-Passwords, Mirai!"),
            vec!["default", "passwords", "mirai"]
        );
    }

    #[test]
    fn prefixes_match_whole_words_only_at_their_start() {
        assert_eq!(
            count_prefix_matches("passwords and a password", "password"),
            2
        );
        assert_eq!(count_prefix_matches("no default", "fault"), 0);
    }

    #[test]
    fn long_text_is_shortened_at_a_word() {
        let s = shorten("aaa bbb ccc", 6);
        assert_eq!(s, "aaa…");
    }
}
