//! Every interface message exists in every language, and every message a template or handler
//! asks for exists: a missing one would show its id to a person.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

use iotlabel_web::{Lang, Messages};

fn ids(messages: &Messages, lang: Lang) -> BTreeSet<String> {
    messages.ids(lang).into_iter().collect()
}

#[test]
fn every_language_has_every_message() {
    let messages = Messages::load().expect("the message files parse");
    let en = ids(&messages, Lang::En);
    assert!(en.len() > 100, "English has {} messages", en.len());
    for lang in Lang::ALL {
        let other = ids(&messages, lang);
        let missing: Vec<_> = en.difference(&other).collect();
        let extra: Vec<_> = other.difference(&en).collect();
        assert!(missing.is_empty(), "{}.ftl lacks {missing:?}", lang.tag());
        assert!(
            extra.is_empty(),
            "{}.ftl has ids English lacks: {extra:?}",
            lang.tag()
        );
    }
}

/// Literal ids in `t("...")`, `t1("...")`, `n("...")` calls of templates and sources.
fn used_ids(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            used_ids(&path, out);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for call in [".t(\"", ".t1(\"", ".n(\""] {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let id: String = rest.chars().take_while(|c| *c != '"').collect();
                if id.contains('-')
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !id.ends_with('-')
                {
                    out.insert(id);
                }
            }
        }
    }
}

#[test]
fn every_message_asked_for_exists() {
    let messages = Messages::load().unwrap();
    let en = ids(&messages, Lang::En);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    used_ids(&root.join("templates"), &mut used);
    used_ids(&root.join("src"), &mut used);
    assert!(used.len() > 50, "found {} message ids in use", used.len());
    let missing: Vec<_> = used.difference(&en).collect();
    assert!(
        missing.is_empty(),
        "messages used but not defined: {missing:?}"
    );
}

#[test]
fn languages_are_negotiated_by_quality() {
    assert_eq!(Lang::negotiate("de-AT,de;q=0.9,en;q=0.8"), Some(Lang::De));
    assert_eq!(Lang::negotiate("fr-FR, en;q=0.5, de;q=0.4"), Some(Lang::En));
    assert_eq!(Lang::negotiate("fr"), None);
    assert_eq!(Lang::negotiate("de;q=0, en;q=0.1"), Some(Lang::En));
}
