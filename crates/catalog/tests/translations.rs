//! Translations of the catalogue's plain-language texts: the repository's German file is
//! complete and checked, lookups fall back to English, and every broken reference in a
//! translation file is reported with its file and line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iotlabel_catalog::{Diagnostic, LoadError, Snapshot, build, load_dir};
use iotlabel_testkit::catalog_dir;

fn snapshot() -> Snapshot {
    Snapshot::from_dir(&catalog_dir()).unwrap()
}

/// The diagnostics of a snapshot whose German file got `edit` applied.
fn diagnostics_after(edit: impl FnOnce(&mut String)) -> Vec<Diagnostic> {
    let mut s = snapshot();
    let de = s.files.get_mut("translations/de.toml").unwrap();
    edit(de);
    match build(&s) {
        Ok(_) => panic!("the edited catalogue loaded"),
        Err(LoadError::Invalid(d)) => d,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

#[test]
fn the_repository_catalogue_loads_with_a_complete_german_translation() {
    let c = load_dir(&catalog_dir()).unwrap_or_else(|e| panic!("{e}"));
    let de = c.translation("de").expect("a German translation");
    assert_eq!(de.name, "Deutsch");
    assert_eq!(de.provisions_translated(), c.provisions.len());
    for p in &c.provisions {
        let t = de
            .provision(&p.id)
            .unwrap_or_else(|| panic!("{} untranslated", p.id));
        let plain = t.plain.as_deref().unwrap();
        assert_ne!(
            plain, p.plain,
            "{}: the German text is the English one",
            p.id
        );
        assert!(plain.split_whitespace().count() >= 8, "{} too thin", p.id);
        assert!(t.title.is_some(), "{}: no German title", p.id);
        assert_eq!(c.plain_in("de", &p.id), Some(plain));
    }
    for cat in &c.categories {
        let t = de.category(&cat.id).unwrap_or_else(|| panic!("{}", cat.id));
        assert!(t.title.is_some() && t.plain.is_some(), "{}", cat.id);
    }
    for level in &c.levels.levels {
        let t = de.level(level.number).unwrap();
        assert!(t.name.is_some() && t.plain.is_some());
        assert_eq!(t.rules.len(), level.rules.len(), "level {}", level.number);
    }
    for p in &c.profiles {
        assert!(
            de.profile(&p.id).and_then(|t| t.plain.as_ref()).is_some(),
            "{}",
            p.id
        );
    }
    for r in &c.regimes {
        assert!(
            de.regime(&r.id).and_then(|t| t.plain.as_ref()).is_some(),
            "{}",
            r.id
        );
    }
    for f in &c.features {
        let t = de.feature(&f.id).unwrap_or_else(|| panic!("{}", f.id));
        assert!(t.title.is_some() && t.question.is_some() && t.plain.is_some());
    }
}

#[test]
fn lookups_pick_the_language_and_fall_back_to_english() {
    let c = load_dir(&catalog_dir()).unwrap();
    let id = c.resolve("5.1-1").unwrap().id.clone();
    let english = c.resolve("5.1-1").unwrap().plain.clone();
    let german = c.plain_in("de", &id).unwrap();
    assert!(
        german.starts_with("Ihr Gerät darf nicht dasselbe Passwort"),
        "{german}"
    );
    // Region subtags and case do not matter.
    assert_eq!(c.plain_in("de-AT", &id), Some(german));
    assert_eq!(c.plain_in("DE", &id), Some(german));
    // English and languages without a file read the catalogue's own text.
    assert_eq!(c.plain_in("en", &id), Some(english.as_str()));
    assert_eq!(c.plain_in("fr", &id), Some(english.as_str()));
    assert!(c.has_plain_in("en", &id) && c.has_plain_in("de", &id));
    assert!(!c.has_plain_in("fr", &id));
    assert!(c.translation("en").is_none());
    // Unknown entries give nothing rather than another entry's text.
    let missing = "etsi-en-303-645@2.1.1:9.9-9".parse().unwrap();
    assert_eq!(c.plain_in("de", &missing), None);
    assert_eq!(c.title_in("de", &missing), None);

    assert_eq!(
        c.title_in("de", &id),
        Some("Eigene oder selbst gewählte Passwörter")
    );
    assert_eq!(
        c.category_title_in("de", "5.3"),
        Some("Software aktuell halten")
    );
    assert_eq!(
        c.category_title_in("en", "5.3"),
        Some("Keep software updated")
    );
    assert_eq!(c.level_name_in("de", 4), Some("Getestet"));
    assert_eq!(c.level_name_in("en", 4), Some("Tested"));
    assert_eq!(c.level_name_in("de", 9), None);
    assert!(c.level_plain_in("de", 1).unwrap().contains("Werkspasswort"));
    assert!(
        c.level_rule_plain_in("de", 2, 1)
            .unwrap()
            .starts_with("Der Hersteller")
    );
    assert_eq!(c.level_rule_plain_in("de", 4, 7), None);
    assert_eq!(
        c.profile_title_in("de", "children"),
        Some("Produkte für Kinder")
    );
    assert!(
        c.profile_plain_in("de", "children")
            .unwrap()
            .contains("Spielzeug")
    );
    assert!(
        c.regime_plain_in("de", "uk-psti")
            .unwrap()
            .contains("britisches Gesetz")
    );
    // Official names are not translated, so the name falls back to the published one.
    assert_eq!(
        c.regime_name_in("de", "uk-psti"),
        Some(c.regime("uk-psti").unwrap().name.as_str())
    );
    assert_eq!(
        c.feature_title_in("de", "passwords"),
        Some("Verwendet Passwörter")
    );
    assert!(
        c.feature_question_in("de", "sensing")
            .unwrap()
            .starts_with("Hat das Gerät")
    );
    assert!(
        c.feature_plain_in("de", "telemetry")
            .unwrap()
            .contains("Hersteller")
    );
}

#[test]
fn the_embedded_catalogue_carries_the_translations() {
    let c = build(&Snapshot::embedded()).unwrap();
    let repo = load_dir(&catalog_dir()).unwrap();
    let id = repo.resolve("5.3-13").unwrap().id.clone();
    assert_eq!(c.plain_in("de", &id), repo.plain_in("de", &id));
    assert!(
        c.plain_in("de", &id)
            .unwrap()
            .contains("Sicherheitsupdates")
    );
}

#[test]
fn translations_stay_out_of_the_catalogues_json() {
    // A registry records the JSON of each catalogue version and refuses a changed one under
    // the same version; translations must not change it.
    let with = load_dir(&catalog_dir()).unwrap();
    let mut s = snapshot();
    s.files.retain(|k, _| !k.starts_with("translations/"));
    let without = build(&s).unwrap();
    assert!(without.translation("de").is_none());
    assert_eq!(
        serde_json::to_string(&with).unwrap(),
        serde_json::to_string(&without).unwrap()
    );
}

#[test]
fn an_unknown_provision_id_is_reported_with_file_line_and_hint() {
    let mut text = String::new();
    let d = diagnostics_after(|de| {
        de.push_str("\n[[provision]]\nid = \"5.1-99\"\nplain = \"Ein Text für eine Bestimmung, die es nicht gibt.\"\n");
        text = de.clone();
    });
    assert_eq!(d.len(), 1, "{d:?}");
    let d = &d[0];
    assert!(
        d.file.ends_with("translations/de.toml"),
        "{}",
        d.file.display()
    );
    assert_eq!(d.line, Some(line_of(&text, "id = \"5.1-99\"")));
    assert_eq!(d.id.as_deref(), Some("5.1-99"));
    assert!(
        d.message.contains("unknown provision `5.1-99`"),
        "{}",
        d.message
    );
    assert!(
        d.hint
            .as_deref()
            .unwrap_or_default()
            .contains("did you mean"),
        "{d}"
    );
}

#[test]
fn every_other_kind_of_unknown_id_is_reported() {
    let d = diagnostics_after(|de| {
        de.push_str(
            "\n[[category]]\nid = \"5.99\"\ntitle = \"x\"\n\
             \n[[profile]]\nid = \"childern\"\nplain = \"x\"\n\
             \n[[regime]]\nid = \"uk-pst\"\nplain = \"x\"\n\
             \n[[feature]]\nid = \"pasword\"\nplain = \"x\"\n\
             \n[[level]]\nnumber = 7\nname = \"x\"\n",
        );
    });
    let messages: Vec<String> = d.iter().map(ToString::to_string).collect();
    assert_eq!(d.len(), 5, "{messages:#?}");
    for needle in [
        "unknown category `5.99`",
        "unknown profile `childern` (hint: did you mean `children`?)",
        "unknown regime `uk-pst` (hint: did you mean `uk-psti`?)",
        "unknown feature `pasword` (hint: did you mean `passwords`?)",
        "unknown level 7",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(needle)),
            "{needle}: {messages:#?}"
        );
    }
    assert!(d.iter().all(|d| d.line.is_some()));
}

#[test]
fn duplicates_empty_texts_and_misspelt_keys_are_reported() {
    let d = diagnostics_after(|de| {
        // The same provision under its full id.
        de.push_str(
            "\n[[provision]]\nid = \"etsi-en-303-645@2.1.1:5.1-1\"\nplain = \"Noch einmal.\"\n",
        );
        de.push_str("\n[[provision]]\nid = \"5.2-1\"\nplain = \"  \"\n");
    });
    let messages: Vec<String> = d.iter().map(ToString::to_string).collect();
    assert!(
        messages.iter().any(|m| m.contains("is translated twice")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("`plain` is empty")),
        "{messages:#?}"
    );

    let d =
        diagnostics_after(|de| *de = de.replacen("plain = \"Ihr Gerät", "plian = \"Ihr Gerät", 1));
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("unknown field `plian`"), "{}", d[0]);
    assert!(d[0].line.is_some());

    let d = diagnostics_after(|de| {
        *de = de.replacen(
            "rules = [\n  \"Das Labor",
            "rules = [\n  \"eins\",\n  \"Das Labor",
            1,
        );
    });
    assert!(
        d[0].message
            .contains("2 rule texts, but level 4 has 1 rules"),
        "{}",
        d[0]
    );
}

#[test]
fn the_file_name_must_match_its_language() {
    let mut s = snapshot();
    let text = s.files.remove("translations/de.toml").unwrap();
    s.files.insert("translations/fr.toml".into(), text.clone());
    let Err(LoadError::Invalid(d)) = build(&s) else {
        panic!("a German file named fr.toml loaded");
    };
    assert!(
        d[0].message.contains("must be named translations/de.toml"),
        "{}",
        d[0]
    );

    let mut s = snapshot();
    s.files.insert(
        "translations/de.toml".into(),
        text.replacen("lang = \"de\"", "lang = \"en\"", 1),
    );
    let Err(LoadError::Invalid(d)) = build(&s) else {
        panic!("a translation into English loaded");
    };
    assert!(d[0].message.contains("written in English"), "{}", d[0]);
}
