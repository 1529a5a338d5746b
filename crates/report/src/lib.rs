//! Reports of an assessment for people: one self-contained HTML page (plain-language summary
//! first, then the technical detail) and Markdown.
//!
//! The HTML comes from an askama template, which escapes every value: product names and
//! justifications are manufacturer input and must never become markup.

use std::fmt::Write as _;

use askama::Template;
use iotlabel_assess::result::{AssessmentResult, Outcome, ProvisionResult, Verdict};
use iotlabel_catalog::Catalog;

/// A provision row prepared for the templates.
pub struct Row<'a> {
    /// The result.
    pub r: &'a ProvisionResult,
    /// Short id as people type it.
    pub short: String,
    /// CSS class / label of the verdict.
    pub verdict: &'static str,
}

/// A regime row prepared for the templates.
pub struct RegimeRow {
    /// Short name.
    pub short: String,
    /// Outcome label.
    pub outcome: &'static str,
    /// CSS class.
    pub class: &'static str,
    /// Plain reason.
    pub plain: String,
    /// Technical reason.
    pub technical: String,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct Page<'a> {
    a: &'a AssessmentResult,
    title: String,
    problems: Vec<Row<'a>>,
    rows: Vec<Row<'a>>,
    regimes: Vec<RegimeRow>,
    score: String,
}

fn outcome_label(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Meets => ("meets", "ok"),
        Outcome::DoesNotMeet => ("does not meet", "bad"),
        Outcome::CannotTell => ("cannot tell", "open"),
    }
}

fn short_id(catalog: &Catalog, r: &ProvisionResult) -> String {
    match catalog.resolve(&r.id.local) {
        Ok(p) if p.id == r.id => r.id.local.clone(),
        _ => r.id.to_string(),
    }
}

fn product_name(a: &AssessmentResult) -> String {
    match (&a.product.brand, &a.product.model) {
        (Some(b), Some(m)) => format!("{b} {m}"),
        _ => a.product.manufacturer.clone(),
    }
}

fn regime_rows(a: &AssessmentResult) -> Vec<RegimeRow> {
    a.regimes
        .iter()
        .map(|g| {
            let (outcome, class) = outcome_label(g.outcome);
            let outcome = match g.level {
                Some(n) if n > 0 => leak_level(n),
                Some(_) => "no level",
                None => outcome,
            };
            RegimeRow {
                short: g.short.clone(),
                outcome,
                class,
                plain: g.reason.plain.clone(),
                technical: g.reason.technical.clone(),
            }
        })
        .collect()
}

fn leak_level(n: u8) -> &'static str {
    match n {
        1 => "level 1",
        2 => "level 2",
        3 => "level 3",
        4 => "level 4",
        _ => "level 5+",
    }
}

/// The self-contained HTML report.
pub fn html(a: &AssessmentResult, catalog: &Catalog) -> Result<String, askama::Error> {
    let rows: Vec<Row<'_>> = a
        .provisions
        .iter()
        .map(|r| Row {
            r,
            short: short_id(catalog, r),
            verdict: r.verdict.as_str(),
        })
        .collect();
    let problems = a
        .provisions
        .iter()
        .filter(|r| {
            matches!(
                r.verdict,
                Verdict::Fail | Verdict::Unverified | Verdict::Inconclusive
            )
        })
        .map(|r| Row {
            r,
            short: short_id(catalog, r),
            verdict: r.verdict.as_str(),
        })
        .collect();
    Page {
        a,
        title: product_name(a),
        problems,
        rows,
        regimes: regime_rows(a),
        score: a
            .score
            .map_or("n/a".into(), |s| format!("{:.1}", s.value())),
    }
    .render()
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown report.
pub fn markdown(a: &AssessmentResult, catalog: &Catalog) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Security assessment: {}\n", product_name(a));
    let _ = writeln!(md, "{}\n", a.summary.plain);
    let _ = writeln!(
        md,
        "**Label level {}**{} · score {} · catalogue {} {} · assessed for {}\n",
        a.level,
        a.level_name
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        a.score
            .map_or("n/a".into(), |s| format!("{:.1}", s.value())),
        a.catalog.id,
        a.catalog.version,
        a.inputs.date
    );
    if let Some(next) = &a.next_level {
        let _ = writeln!(
            md,
            "## What is missing for level {} ({})\n",
            next.number, next.name
        );
        for rule in &next.missing {
            let _ = writeln!(md, "- {}", rule.rule.plain);
            for m in &rule.missing {
                let _ = writeln!(md, "  - {m}");
            }
        }
        md.push('\n');
    }
    md.push_str("## Regimes\n\n| Regime | Outcome | Why |\n|---|---|---|\n");
    for g in regime_rows(a) {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            cell(&g.short),
            g.outcome,
            cell(&g.plain)
        );
    }
    md.push_str("\n## What to fix\n\n");
    let mut any = false;
    for r in a.provisions.iter().filter(|r| {
        matches!(
            r.verdict,
            Verdict::Fail | Verdict::Unverified | Verdict::Inconclusive
        )
    }) {
        any = true;
        let _ = writeln!(
            md,
            "### {} {} ({})\n",
            short_id(catalog, r),
            r.title,
            r.verdict.as_str()
        );
        let _ = writeln!(
            md,
            "{}\n\n*Technical:* {}\n",
            r.reason.plain, r.reason.technical
        );
        if let Some(fix) = &r.remediation {
            let _ = writeln!(md, "*Fix:* {}\n", fix.technical);
        }
    }
    if !any {
        md.push_str("Nothing: every applicable provision passes.\n\n");
    }
    md.push_str(
        "## All provisions\n\n| Provision | Modality | Verdict | Reason |\n|---|---|---|---|\n",
    );
    for r in &a.provisions {
        let _ = writeln!(
            md,
            "| {} {} | {}{} | {} | {} |",
            short_id(catalog, r),
            cell(&r.title),
            r.modality.letter(),
            if r.raised { " (raised)" } else { "" },
            r.verdict.as_str(),
            cell(&r.reason.technical)
        );
    }
    md.push_str(
        "\n## Evidence\n\n| Id | Kind | Producer | SHA-256 | State |\n|---|---|---|---|---|\n",
    );
    for e in &a.inputs.evidence {
        let state = e.integrity.label();
        let _ = writeln!(
            md,
            "| {} | {} | {} | `{}` | {} |",
            cell(&e.id),
            e.kind.as_str(),
            e.assessor.as_deref().unwrap_or("manufacturer"),
            e.sha256,
            state
        );
    }
    let _ = writeln!(
        md,
        "\nDeclaration SHA-256 `{}`; engine {}.",
        a.inputs.declaration_sha256, a.engine
    );
    md
}
