//! `iotlabel catalog ...`: browsing, searching, checking and exporting the catalogue.

use std::path::{Path, PathBuf};

use iotlabel_catalog::model::{Modality, Provision};
use iotlabel_catalog::query::{self, ProvisionFilter, Side};
use iotlabel_catalog::{Catalog, LoadError, Snapshot, diff, search};
use serde::Serialize;
use serde_json::json;

use crate::cli::{CatalogCommand, ExportFormat, Format, ListArgs, ListKind, ModalityArg};
use crate::error::CliError;
use crate::export;
use crate::output::Out;

/// Loads the catalogue: from `--catalog DIR`, else the one built into the binary.
pub fn load(dir: Option<&Path>) -> Result<Catalog, CliError> {
    let snapshot = match dir {
        Some(dir) => Snapshot::from_dir(dir)?,
        None => Snapshot::embedded(),
    };
    Ok(iotlabel_catalog::build(&snapshot)?)
}

/// Runs a catalogue command.
pub fn run(dir: Option<&Path>, command: CatalogCommand) -> Result<(), CliError> {
    let mut out = Out::stdout();
    match command {
        CatalogCommand::Check { format } => check(dir, format, &mut out),
        CatalogCommand::Diff { a, b, path, format } => {
            let old = load_version(&a, &path)?;
            let new = load_version(&b, &path)?;
            let d = diff::diff(&old, &new);
            match format {
                Format::Json => out.json(&d)?,
                Format::Text => print_diff(&d, &new, &mut out),
            }
            Ok(())
        }
        other => {
            let catalog = load(dir)?;
            match other {
                CatalogCommand::List(args) => list(&catalog, args, &mut out),
                CatalogCommand::Show { id, format } => show(&catalog, &id, format, &mut out),
                CatalogCommand::Search { text, format } => {
                    let query = text.join(" ");
                    let hits = search::search(&catalog, &query);
                    match format {
                        Format::Json => out.json(&json!({
                            "catalog": catalog_ref(&catalog),
                            "query": query,
                            "hits": hits,
                        }))?,
                        Format::Text => {
                            if hits.is_empty() {
                                out.line(&format!(
                                    "Nothing in the catalogue mentions \"{query}\"."
                                ));
                            }
                            for h in &hits {
                                out.heading(&format!("{}  {}", h.id, h.title));
                                out.para(
                                    "    ",
                                    &format!(
                                        "[{}, matched in {}] {}",
                                        serde_plain(&h.kind),
                                        h.matched_in.join(" and "),
                                        h.excerpt
                                    ),
                                );
                            }
                        }
                    }
                    Ok(())
                }
                CatalogCommand::Crosswalk {
                    from,
                    to,
                    row,
                    format,
                } => {
                    let from_side = Side::resolve(&catalog, &from)?;
                    let to_side = to
                        .as_deref()
                        .map(|t| Side::resolve(&catalog, t))
                        .transpose()?;
                    let pivot = query::crosswalk(&catalog, from_side, to_side, row.as_deref())?;
                    match format {
                        Format::Json => out.json(&json!({
                            "catalog": catalog_ref(&catalog),
                            "from": pivot.from,
                            "to": pivot.to,
                            "rows": pivot.rows,
                        }))?,
                        Format::Text => print_pivot(&catalog, &pivot, &mut out),
                    }
                    Ok(())
                }
                CatalogCommand::Export { format, out: dir } => {
                    let written = match format {
                        ExportFormat::Json => export::json(&catalog, &dir)?,
                        ExportFormat::Oscal => export::oscal(&catalog, &dir)?,
                        ExportFormat::Markdown => export::markdown(&catalog, &dir)?,
                    };
                    for path in written {
                        eprintln!("wrote {}", path.display());
                    }
                    Ok(())
                }
                CatalogCommand::Check { .. } | CatalogCommand::Diff { .. } => Ok(()),
            }
        }
    }
}

fn check(dir: Option<&Path>, format: Format, out: &mut Out) -> Result<(), CliError> {
    match load(dir) {
        Ok(c) => {
            match format {
                Format::Json => out.json(&json!({
                    "ok": true,
                    "catalog": catalog_ref(&c),
                    "counts": counts(&c),
                }))?,
                Format::Text => {
                    out.line(&format!(
                        "catalogue {} {} is valid: {} provisions, {} crosswalks ({} rows), {} regimes, {} profiles, {} organisations, {} themes, {} stories.",
                        c.meta.id,
                        c.meta.version,
                        c.provisions.len(),
                        c.crosswalks.len(),
                        c.crosswalks.iter().map(|x| x.rows.len()).sum::<usize>(),
                        c.regimes.len(),
                        c.profiles.len(),
                        c.knowledge.organisations.len(),
                        c.knowledge.themes.len(),
                        c.knowledge.stories.len(),
                    ));
                }
            }
            Ok(())
        }
        Err(CliError::Catalog(LoadError::Invalid(diags))) if format == Format::Json => {
            out.json(&json!({
                "ok": false,
                "errors": diags.iter().map(|d| json!({
                    "file": d.file,
                    "line": d.line,
                    "column": d.column,
                    "id": d.id,
                    "message": d.message,
                    "hint": d.hint,
                })).collect::<Vec<_>>(),
            }))?;
            Err(CliError::Reported)
        }
        Err(e) => Err(e),
    }
}

fn counts(c: &Catalog) -> serde_json::Value {
    json!({
        "provisions": c.provisions.len(),
        "crosswalks": c.crosswalks.len(),
        "crosswalk_rows": c.crosswalks.iter().map(|x| x.rows.len()).sum::<usize>(),
        "regimes": c.regimes.len(),
        "profiles": c.profiles.len(),
        "features": c.features.len(),
        "stories": c.knowledge.stories.len(),
        "themes": c.knowledge.themes.len(),
        "organisations": c.knowledge.organisations.len(),
        "questions": c.knowledge.questions.len(),
    })
}

/// Loads a catalogue version for `diff`: a directory if one exists by that name, else a git
/// revision of the repository in the current directory.
fn load_version(spec: &str, path: &str) -> Result<Catalog, CliError> {
    let dir = PathBuf::from(spec);
    let snapshot = if dir.is_dir() {
        Snapshot::from_dir(&dir)?
    } else {
        Snapshot::from_git(Path::new("."), spec, path)?
    };
    Ok(iotlabel_catalog::build(&snapshot)?)
}

/// `{"id": ..., "version": ...}`: which catalogue an answer comes from.
pub fn catalog_ref(c: &Catalog) -> serde_json::Value {
    json!({ "id": c.meta.id, "version": c.meta.version.to_string() })
}

/// The string a serde enum serialises to, for text output.
fn serde_plain<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn list(c: &Catalog, args: ListArgs, out: &mut Out) -> Result<(), CliError> {
    let provision_filters = args.regime.is_some()
        || args.profile.is_some()
        || args.category.is_some()
        || args.modality.is_some()
        || args.source.is_some();
    if args.kind != ListKind::Provisions && provision_filters {
        return Err(CliError::Usage(
            "--regime, --profile, --category, --modality and --source filter provisions only"
                .into(),
        ));
    }
    let json_out = args.format == Format::Json;
    match args.kind {
        ListKind::Provisions => {
            let (modality, conditional) = match args.modality {
                None => (None, None),
                Some(ModalityArg::M) => (Some(Modality::Mandatory), None),
                Some(ModalityArg::R) => (Some(Modality::Recommended), None),
                Some(ModalityArg::Mc) => (Some(Modality::Mandatory), Some(true)),
                Some(ModalityArg::Rc) => (Some(Modality::Recommended), Some(true)),
            };
            let filter = ProvisionFilter {
                regime: args.regime.clone(),
                profile: args.profile.clone(),
                category: args.category.clone(),
                modality,
                conditional,
                namespace: args.source.clone(),
            };
            let listed = query::list_provisions(c, &filter)?;
            if json_out {
                out.json(&json!({
                    "catalog": catalog_ref(c),
                    "filter": {
                        "regime": args.regime,
                        "profile": args.profile,
                        "category": args.category,
                        "modality": args.modality.map(|m| format!("{m:?}").to_uppercase()),
                        "source": args.source,
                    },
                    "provisions": listed,
                }))?;
            } else {
                let rows = listed
                    .iter()
                    .map(|l| {
                        let p = l.provision;
                        let status = if l.raised {
                            format!("{}→M", p.status)
                        } else {
                            p.status.clone()
                        };
                        vec![short_id(c, p), status, p.title.clone(), version_tag(c, p)]
                    })
                    .collect();
                out.table(&["ID", "STATUS", "TITLE", "VERSION"], rows);
                out.line(&format!(
                    "{} provisions. `iotlabel catalog show ID` shows one in full.",
                    listed.len()
                ));
            }
        }
        ListKind::Crosswalks => list_simple(
            out,
            json_out,
            c,
            "crosswalks",
            &c.crosswalks,
            &["ID", "KIND", "ROWS", "TITLE"],
            |x| {
                vec![
                    x.id.clone(),
                    serde_plain(&x.kind),
                    x.rows.len().to_string(),
                    x.title.clone(),
                ]
            },
        )?,
        ListKind::Regimes => list_simple(
            out,
            json_out,
            c,
            "regimes",
            &c.regimes,
            &["ID", "NAME", "WHERE", "STATUS", "DECIDED BY"],
            |r| {
                vec![
                    r.id.clone(),
                    r.short.clone(),
                    r.jurisdiction.clone(),
                    serde_plain(&r.status),
                    r.crosswalk
                        .clone()
                        .or_else(|| r.source.clone())
                        .unwrap_or_default(),
                ]
            },
        )?,
        ListKind::Profiles => list_simple(
            out,
            json_out,
            c,
            "profiles",
            &c.profiles,
            &["ID", "PROVISIONS", "RAISED", "TITLE"],
            |p| {
                vec![
                    p.id.clone(),
                    p.provisions.len().to_string(),
                    p.raises.len().to_string(),
                    p.title.clone(),
                ]
            },
        )?,
        ListKind::Features => list_simple(
            out,
            json_out,
            c,
            "features",
            &c.features,
            &["ID", "V3", "TITLE"],
            |f| {
                vec![
                    f.id.clone(),
                    f.etsi_v3_letter.clone().unwrap_or_default(),
                    f.title.clone(),
                ]
            },
        )?,
        ListKind::Categories => list_simple(
            out,
            json_out,
            c,
            "categories",
            &c.categories,
            &["ID", "TITLE", "IN PLAIN WORDS"],
            |x| vec![x.id.clone(), x.title.clone(), x.plain.clone()],
        )?,
        ListKind::Stories => list_simple(
            out,
            json_out,
            c,
            "stories",
            &c.knowledge.stories,
            &["ID", "YEAR", "TITLE"],
            |s| vec![s.id.clone(), s.year.to_string(), s.title.clone()],
        )?,
        ListKind::Themes => list_simple(
            out,
            json_out,
            c,
            "themes",
            &c.knowledge.themes,
            &["#", "ID", "TITLE"],
            |t| vec![t.number.to_string(), t.id.clone(), t.title.clone()],
        )?,
        ListKind::Organisations => list_simple(
            out,
            json_out,
            c,
            "organisations",
            &c.knowledge.organisations,
            &["ID", "ABBR.", "NAME", "THEMES (Table 1)"],
            |o| {
                let numbers: Vec<String> = o
                    .themes
                    .iter()
                    .filter_map(|t| c.theme(t).map(|t| t.number.to_string()))
                    .collect();
                vec![
                    o.id.clone(),
                    o.abbreviation.clone(),
                    o.name.clone(),
                    numbers.join(","),
                ]
            },
        )?,
        ListKind::Questions => list_simple(
            out,
            json_out,
            c,
            "questions",
            &c.knowledge.questions,
            &["ID", "KIND", "QUESTION"],
            |q| vec![q.id.clone(), serde_plain(&q.kind), q.text.clone()],
        )?,
    }
    Ok(())
}

fn list_simple<T: Serialize>(
    out: &mut Out,
    json_out: bool,
    c: &Catalog,
    key: &str,
    items: &[T],
    header: &[&str],
    row: impl Fn(&T) -> Vec<String>,
) -> Result<(), CliError> {
    if json_out {
        let mut map = serde_json::Map::new();
        map.insert("catalog".into(), catalog_ref(c));
        map.insert(key.into(), serde_json::to_value(items)?);
        out.json(&map)?;
    } else {
        out.table(header, items.iter().map(row).collect());
        out.line(&format!("{} {key}.", items.len()));
    }
    Ok(())
}

/// The id a person would type: short when it resolves back to the same provision.
fn short_id(c: &Catalog, p: &Provision) -> String {
    match c.resolve(&p.id.local) {
        Ok(r) if r.id == p.id => p.id.local.clone(),
        _ => p.id.to_string(),
    }
}

fn version_tag(c: &Catalog, p: &Provision) -> String {
    if p.id.source == c.meta.default_source {
        format!("V{}", p.id.version)
    } else {
        p.id.namespace()
    }
}

/// An entry found by `show`: its kind, its JSON, a title and labelled text fields.
type Shown = (
    &'static str,
    serde_json::Value,
    String,
    Vec<(&'static str, String)>,
);

fn show(c: &Catalog, id: &str, format: Format, out: &mut Out) -> Result<(), CliError> {
    if let Ok(p) = c.resolve(id) {
        return show_provision(c, p, format, out);
    }
    if let Some((cw_id, row_id)) = id.split_once('/')
        && let Some(cw) = c.crosswalk(cw_id)
        && let Some(row) = cw
            .row(row_id)
            .or_else(|| cw.rows.iter().find(|r| r.reference == row_id))
    {
        return match format {
            Format::Json => Ok(out.json(&json!({
                "catalog": catalog_ref(c),
                "kind": "crosswalk-row",
                "crosswalk": cw.id,
                "row": row,
            }))?),
            Format::Text => {
                out.heading(&format!("{} {}: {}", cw.title, row.reference, row.title));
                if let Some(group) = row.group.as_deref().and_then(|g| cw.group(g)) {
                    out.field("Part", &group.title);
                }
                out.field("What it asks (technical)", &row.text);
                out.field("In plain words", &row.plain);
                if let Some(orgs) = &row.organisations {
                    let names: Vec<String> = orgs
                        .iter()
                        .map(|o| {
                            c.organisation(o)
                                .map_or(o.clone(), |o| o.abbreviation.clone())
                        })
                        .collect();
                    out.field(
                        "Cited by",
                        &if names.is_empty() {
                            "no organisation is cited for this row".to_owned()
                        } else {
                            names.join(", ")
                        },
                    );
                }
                out.field("Relation", &serde_plain(&row.relation));
                let provs: Vec<String> = row
                    .provisions
                    .iter()
                    .map(|p| {
                        let title = c.provision(p).map(|x| x.title.as_str()).unwrap_or("");
                        format!("{}  {title}", p.local)
                    })
                    .collect();
                if !provs.is_empty() {
                    out.field("Provisions", &provs.join("\n"));
                }
                if let Some(gap) = &row.gap {
                    out.field("Gap", gap);
                }
                if let Some(note) = &row.note {
                    out.field("Note", note);
                }
                Ok(())
            }
        };
    }
    let found: Option<Shown> = if let Some(x) = c.crosswalk(id) {
        Some((
            "crosswalk",
            serde_json::to_value(x)?,
            x.title.clone(),
            vec![
                ("Reference", x.reference.clone()),
                ("Published by", x.publisher.clone()),
                ("Description", x.description.clone()),
                ("In plain words", x.plain.clone()),
                (
                    "Rows",
                    format!(
                        "{} (`iotlabel catalog crosswalk --from {}` lists them)",
                        x.rows.len(),
                        x.id
                    ),
                ),
            ],
        ))
    } else if let Some(x) = c.regime(id) {
        Some((
            "regime",
            serde_json::to_value(x)?,
            x.name.clone(),
            vec![
                ("Where", x.jurisdiction.clone()),
                ("Status", serde_plain(&x.status)),
                ("Since", x.since.clone().unwrap_or_default()),
                ("What compliance means", x.compliance.clone()),
                ("In plain words", x.plain.clone()),
                (
                    "Decided by",
                    format!(
                        "{} ({} provisions)",
                        x.crosswalk
                            .clone()
                            .or_else(|| x.source.clone())
                            .unwrap_or_default(),
                        c.regime_provisions(x).len()
                    ),
                ),
            ],
        ))
    } else if let Some(x) = c.profile(id) {
        let raises = x
            .raises
            .iter()
            .map(|r| format!("{} → M: {}", r.provision.local, r.plain))
            .collect::<Vec<_>>()
            .join("\n");
        Some((
            "profile",
            serde_json::to_value(x)?,
            x.title.clone(),
            vec![
                ("Context (technical)", x.technical.clone()),
                ("In plain words", x.plain.clone()),
                ("Extends", x.extends.clone().unwrap_or_default()),
                ("Provisions selected", x.provisions.len().to_string()),
                ("Made mandatory here", raises),
                ("Regimes that usually apply", x.regimes.join(", ")),
            ],
        ))
    } else if let Some(x) = c.feature(id) {
        Some((
            "feature",
            serde_json::to_value(x)?,
            x.title.clone(),
            vec![
                ("Question", x.question.clone()),
                ("In plain words", x.plain.clone()),
            ],
        ))
    } else if let Some(x) = c.story(id) {
        Some((
            "story",
            serde_json::to_value(x)?,
            format!("{} ({})", x.title, x.year),
            vec![
                ("What happened", x.plain.clone()),
                ("What failed (technical)", x.technical.clone()),
                ("Lesson", x.lesson.clone()),
                ("Sources", x.sources.join("\n")),
            ],
        ))
    } else if let Some(x) = c.theme(id) {
        let engaged: Vec<&str> = c
            .knowledge
            .organisations
            .iter()
            .filter(|o| o.themes.contains(&x.id))
            .map(|o| o.abbreviation.as_str())
            .collect();
        Some((
            "theme",
            serde_json::to_value(x)?,
            format!("{}. {}", x.number, x.title),
            vec![
                ("Summary", x.summary.clone()),
                ("In plain words", x.plain.clone()),
                (
                    "Key findings",
                    x.findings
                        .iter()
                        .map(|f| format!("- {f}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                ("Organisations engaged (Table 1)", engaged.join(", ")),
            ],
        ))
    } else if let Some(x) = c.organisation(id) {
        let themes: Vec<String> = x
            .themes
            .iter()
            .filter_map(|t| c.theme(t).map(|t| format!("{}. {}", t.number, t.title)))
            .collect();
        Some((
            "organisation",
            serde_json::to_value(x)?,
            format!("{} ({})", x.name, x.abbreviation),
            vec![
                ("Part of", x.parent.clone().unwrap_or_default()),
                ("Role", x.role.clone()),
                ("Themes (Table 1)", themes.join("\n")),
                (
                    "Working groups",
                    x.working_groups
                        .iter()
                        .map(|w| format!("- {}: {}", w.name, w.description))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                (
                    "Publications",
                    x.publications
                        .iter()
                        .map(|p| format!("- {} {}", p.year, p.title))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
            ],
        ))
    } else {
        c.question(id).map(|x| {
            (
                "question",
                serde_json::to_value(x).unwrap_or_default(),
                x.text.clone(),
                vec![
                    ("Kind", serde_plain(&x.kind)),
                    ("Where", x.section.clone()),
                    ("In plain words", x.plain.clone()),
                    ("Themes", x.themes.join(", ")),
                ],
            )
        })
    };
    let Some((kind, value, title, fields)) = found else {
        return Err(c.resolve(id).err().map_or_else(
            || CliError::Usage(format!("nothing in the catalogue has the id `{id}`")),
            |e| {
                CliError::Usage(format!(
                    "nothing in the catalogue has the id `{id}` ({e}); try `iotlabel catalog search {id}`"
                ))
            },
        ));
    };
    match format {
        Format::Json => {
            out.json(&json!({ "catalog": catalog_ref(c), "kind": kind, kind: value }))?
        }
        Format::Text => {
            out.heading(&title);
            for (label, text) in fields {
                out.field(label, &text);
            }
        }
    }
    Ok(())
}

fn show_provision(
    c: &Catalog,
    p: &Provision,
    format: Format,
    out: &mut Out,
) -> Result<(), CliError> {
    let rows = c.rows_for(&p.id);
    let regimes = c.regimes_for(&p.id);
    let profiles = c.profiles_for(&p.id);
    match format {
        Format::Json => out.json(&json!({
            "catalog": catalog_ref(c),
            "kind": "provision",
            "provision": p,
            "crosswalks": rows.iter().map(|(cw, r)| json!({
                "crosswalk": cw.id,
                "row": r.id,
                "ref": r.reference,
                "title": r.title,
                "relation": r.relation,
            })).collect::<Vec<_>>(),
            "regimes": regimes.iter().map(|r| &r.id).collect::<Vec<_>>(),
            "profiles": profiles.iter().map(|pr| json!({
                "profile": pr.id,
                "modality": pr.effective_modality(p),
                "raised": pr.raise(&p.id).is_some(),
            })).collect::<Vec<_>>(),
            "stories": p.stories.iter().filter_map(|s| c.story(s)).collect::<Vec<_>>(),
        }))?,
        Format::Text => {
            out.heading(&format!("{}  {}", p.id, p.title));
            let category = c.category(&p.category).map_or("", |x| x.title.as_str());
            out.field(
                "Status",
                &format!(
                    "{} ({}), category {} {category}",
                    p.status,
                    match p.modality {
                        Modality::Mandatory => "mandatory",
                        Modality::Recommended => "recommended",
                    },
                    p.category
                ),
            );
            if let Some(cond) = &p.condition {
                let text = p
                    .condition_text
                    .as_ref()
                    .map_or(String::new(), |t| format!(": {t}"));
                out.field("Applies when", &format!("{cond}{text}"));
            }
            out.field("Technical statement", &p.statement);
            out.field("In plain words", &p.plain);
            let evidence: Vec<&str> = p.evidence.iter().map(|e| e.as_str()).collect();
            out.field("Evidence that can support it", &evidence.join(", "));
            let verification: Vec<&str> = p.verification.iter().map(|v| v.as_str()).collect();
            out.field("Verified by (TS 103 701)", &verification.join(" and "));
            let scope: Vec<&str> = p.scope.iter().map(|s| s.as_str()).collect();
            out.field("Who must satisfy it", &scope.join(", "));
            if !p.replaces.is_empty() {
                let r: Vec<String> = p.replaces.iter().map(ToString::to_string).collect();
                out.field("Refines", &r.join(", "));
            }
            for s in p.stories.iter().filter_map(|s| c.story(s)) {
                out.field(
                    &format!("Why it matters: {} ({})", s.title, s.year),
                    &s.plain,
                );
            }
            if let Some(note) = &p.note {
                out.field("Note", note);
            }
            out.blank();
            out.subheading("Crosswalks (regimes and guidance that map to this provision)");
            if rows.is_empty() {
                out.line("  none");
            } else {
                out.table(
                    &["CROSSWALK", "ROW", "RELATION", "TITLE"],
                    rows.iter()
                        .map(|(cw, r)| {
                            vec![
                                cw.id.clone(),
                                r.reference.clone(),
                                serde_plain(&r.relation),
                                r.title.clone(),
                            ]
                        })
                        .collect(),
                );
            }
            if !regimes.is_empty() {
                let names: Vec<&str> = regimes.iter().map(|r| r.short.as_str()).collect();
                out.field("Regimes that depend on it", &names.join(", "));
            }
            let prof: Vec<String> = profiles
                .iter()
                .map(|pr| {
                    if pr.raise(&p.id).is_some() {
                        format!("{} (raised to M)", pr.id)
                    } else {
                        pr.id.clone()
                    }
                })
                .collect();
            out.field("Profiles that select it", &prof.join(", "));
        }
    }
    Ok(())
}

fn print_pivot(c: &Catalog, pivot: &query::Pivot, out: &mut Out) {
    let title = |side: &str| match c.crosswalk(side) {
        Some(x) => x.title.clone(),
        None if side == "provisions" => "provisions".to_owned(),
        None => format!("{side} provisions"),
    };
    out.heading(&format!("{}  →  {}", title(&pivot.from), title(&pivot.to)));
    for r in &pivot.rows {
        out.blank();
        let orgs = r.organisations.as_ref().map(|o| {
            let names: Vec<String> = o
                .iter()
                .map(|id| {
                    c.organisation(id)
                        .map_or(id.clone(), |x| x.abbreviation.clone())
                })
                .collect();
            if names.is_empty() {
                " [cited by: none]".to_owned()
            } else {
                format!(" [cited by: {}]", names.join(", "))
            }
        });
        out.line(&format!(
            "{}  {}{}",
            r.reference,
            r.title,
            orgs.unwrap_or_default()
        ));
        if let Some(gap) = &r.gap {
            out.para("    ", &format!("no provision covers it: {gap}"));
        }
        if r.matches.is_empty() {
            if pivot.to == "provisions" || c.crosswalk(&pivot.to).is_none() {
                let provs: Vec<String> = r
                    .provisions
                    .iter()
                    .map(|p| {
                        let t = c.provision(p).map(|x| x.title.as_str()).unwrap_or("");
                        format!("{} {t}", p.local)
                    })
                    .collect();
                for p in provs {
                    out.line(&format!("    {p}"));
                }
            } else {
                out.line("    (no row shares a provision)");
            }
        } else {
            for m in &r.matches {
                let via: Vec<&str> = m.via.iter().map(|v| v.local.as_str()).collect();
                out.line(&format!(
                    "    {}  {}  (via {})",
                    m.reference,
                    m.title,
                    via.join(", ")
                ));
            }
        }
    }
}

fn print_diff(d: &diff::CatalogDiff, new: &Catalog, out: &mut Out) {
    out.heading(&format!("Catalogue {} → {}", d.from_version, d.to_version));
    if d.is_empty() {
        out.line("No provision, crosswalk, profile or regime changed.");
        return;
    }
    let section = |out: &mut Out, label: &str, ids: &[iotlabel_catalog::ProvisionId]| {
        if !ids.is_empty() {
            out.subheading(&format!("{label} ({})", ids.len()));
            for id in ids {
                let title = new.provision(id).map(|p| p.title.as_str()).unwrap_or("");
                out.line(&format!("  {id}  {title}"));
            }
        }
    };
    section(out, "Added", &d.added);
    section(out, "Removed", &d.removed);
    if !d.changed.is_empty() {
        out.subheading(&format!("Changed ({})", d.changed.len()));
        for ch in &d.changed {
            let fields: Vec<&str> = ch.fields.iter().map(|f| f.field.as_str()).collect();
            out.line(&format!("  {}  {}: {}", ch.id, ch.title, fields.join(", ")));
        }
    }
    for (label, impacts) in [
        ("Profiles touched", &d.profiles),
        ("Regimes touched", &d.regimes),
    ] {
        if !impacts.is_empty() {
            out.subheading(label);
            for i in impacts {
                let ids: Vec<&str> = i.provisions.iter().map(|p| p.local.as_str()).collect();
                let def = if i.definition_changed {
                    " (its definition changed)"
                } else {
                    ""
                };
                out.line(&format!("  {}: {}{def}", i.id, ids.join(", ")));
            }
        }
    }
    if !d.crosswalks.is_empty() {
        out.subheading("Crosswalks changed");
        for cw in &d.crosswalks {
            out.line(&format!(
                "  {}: {} added, {} removed, {} changed",
                cw.id,
                cw.rows_added.len(),
                cw.rows_removed.len(),
                cw.rows_changed.len()
            ));
        }
    }
}
