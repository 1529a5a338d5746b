//! `iotlabel declaration ...` and `iotlabel assess`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iotlabel_assess::result::{AssessmentResult, Outcome, Verdict};
use iotlabel_assess::{DeclarationInput, EvidenceState, Inputs, LabelInfo, Options};
use iotlabel_catalog::Catalog;
use iotlabel_declaration::{Loaded, Severity};
use jiff::civil::Date;
use owo_colors::OwoColorize;
use serde_json::json;

use crate::cli::{AssessArgs, AssessFormat, DeclarationCommand, Format};
use crate::error::CliError;
use crate::output::Out;

/// The date to assess for: `--date`, else today (the only place the clock is read).
pub fn date(arg: Option<&str>) -> Result<Date, CliError> {
    match arg {
        Some(s) => iotlabel_declaration::dates::Day::parse(s)
            .map(|d| d.0)
            .map_err(|e| CliError::Usage(format!("--date: {e}"))),
        None => Ok(jiff::Zoned::now().date()),
    }
}

fn states(loaded: &Loaded, attested: bool) -> BTreeMap<String, EvidenceState> {
    loaded
        .evidence
        .iter()
        .map(|(id, integrity)| {
            (
                id.clone(),
                EvidenceState {
                    integrity: integrity.clone(),
                    attested,
                },
            )
        })
        .collect()
}

/// Runs `iotlabel declaration ...`.
pub fn declaration(catalog: &Catalog, command: DeclarationCommand) -> Result<(), CliError> {
    let mut out = Out::stdout();
    match command {
        DeclarationCommand::Schema => out.json(&iotlabel_declaration::json_schema())?,
        DeclarationCommand::New { profile } => {
            let text = iotlabel_declaration::template(catalog, &profile)
                .map_err(|e| CliError::Usage(e.to_string()))?;
            out.write(&text);
        }
        DeclarationCommand::Check {
            file,
            date: d,
            format,
        } => {
            let today = date(d.as_deref())?;
            let loaded = iotlabel_declaration::load(&file, catalog, today)?;
            let mut problems = loaded.evidence_problems();
            problems.extend(loaded.warnings.iter().cloned());
            if let Some(p) = &loaded.process {
                problems.extend(p.warnings.iter().cloned());
            }
            let errors = problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count();
            match format {
                Format::Json => out.json(&json!({
                    "ok": errors == 0,
                    "file": file,
                    "sha256": loaded.digest,
                    "problems": problems,
                }))?,
                Format::Text => {
                    for p in &problems {
                        eprintln!("{p}");
                    }
                    if errors == 0 {
                        out.line(&format!(
                            "{} is a valid declaration ({} claims, {} evidence items, {} warnings).",
                            file.display(),
                            loaded.declaration.claims.len()
                                + loaded.declaration.components.iter().map(|c| c.claims.len()).sum::<usize>(),
                            loaded.declaration.evidence.len(),
                            problems.len()
                        ));
                    }
                }
            }
            if errors > 0 {
                return Err(if format == Format::Json {
                    CliError::Reported
                } else {
                    CliError::Usage(format!("{errors} error(s) in {}", file.display()))
                });
            }
        }
    }
    Ok(())
}

fn read_labels(path: &Path) -> Result<BTreeMap<String, LabelInfo>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{}:{}:{}: {e} (expected {{\"LABEL-ID\": {{\"status\": \"active\", \"level\": 2, \"valid_until\": \"2028-12-31\", \"passed\": [\"etsi-en-303-645@2.1.1:5.1-1\"]}}}})",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

/// Loads and assesses a declaration as `iotlabel assess` does.
pub fn run_assessment(
    catalog: &Catalog,
    file: &Path,
    profiles: &[String],
    today: Date,
    labels: &BTreeMap<String, LabelInfo>,
    require_attestation: bool,
) -> Result<AssessmentResult, CliError> {
    for p in profiles {
        if catalog.profile(p).is_none() {
            let hint =
                iotlabel_catalog::did_you_mean(p, catalog.profiles.iter().map(|x| x.id.as_str()))
                    .unwrap_or_else(|| "`iotlabel catalog list profiles` lists them".into());
            return Err(CliError::Usage(format!(
                "--profile: unknown profile `{p}` ({hint})"
            )));
        }
    }
    let loaded = iotlabel_declaration::load(file, catalog, today)?;
    for w in &loaded.warnings {
        eprintln!("{w}");
    }
    for p in loaded.evidence_problems() {
        let mut p = p;
        p.severity = Severity::Warning;
        eprintln!("{p}");
    }
    // Locally, nobody has verified assessor attestations; `--require-attestation` shows what
    // the registry would grant without them.
    let evidence = states(&loaded, false);
    let process_evidence = loaded.process.as_ref().map(|p| states(p, false));
    let inputs = Inputs {
        catalog,
        product: DeclarationInput {
            declaration: &loaded.declaration,
            digest: &loaded.digest,
            evidence: &evidence,
        },
        process: loaded
            .process
            .as_ref()
            .zip(process_evidence.as_ref())
            .map(|(p, e)| DeclarationInput {
                declaration: &p.declaration,
                digest: &p.digest,
                evidence: e,
            }),
        labels,
        vulnerabilities: None,
        profiles: (!profiles.is_empty()).then_some(profiles),
        today,
        options: Options {
            accept_unattested_assessor_evidence: !require_attestation,
        },
    };
    Ok(iotlabel_assess::assess(&inputs))
}

/// Runs `iotlabel assess`.
pub fn assess(catalog: &Catalog, args: AssessArgs) -> Result<(), CliError> {
    let today = date(args.date.as_deref())?;
    let labels = match &args.labels {
        Some(path) => read_labels(path)?,
        None => BTreeMap::new(),
    };
    let result = run_assessment(
        catalog,
        &args.file,
        &args.profile,
        today,
        &labels,
        args.require_attestation,
    )?;
    let rendered = match args.format {
        AssessFormat::Json => format!("{}\n", serde_json::to_string_pretty(&result)?),
        AssessFormat::Oscal => format!(
            "{}\n",
            serde_json::to_string_pretty(&iotlabel_oscal::export_assessment(&result))?
        ),
        AssessFormat::Html => iotlabel_report::html(&result, catalog)
            .map_err(|e| CliError::Usage(format!("cannot render the report: {e}")))?,
        AssessFormat::Markdown => iotlabel_report::markdown(&result, catalog),
        AssessFormat::Text => String::new(),
    };
    match (&args.out, args.format) {
        (Some(path), AssessFormat::Text) => {
            return Err(CliError::Usage(format!(
                "--out {} needs --format json, oscal, html or markdown",
                path.display()
            )));
        }
        (Some(path), _) => write_out(path, &rendered)?,
        (None, AssessFormat::Text) => print_text(&result, &mut Out::stdout()),
        (None, _) => Out::stdout().write(&rendered),
    }
    if result.level < args.min_level {
        return Err(CliError::BelowMinLevel {
            level: result.level,
            min: args.min_level,
        });
    }
    Ok(())
}

fn write_out(path: &PathBuf, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text).map_err(|source| CliError::Write {
        path: path.clone(),
        source,
    })
}

fn print_text(a: &AssessmentResult, out: &mut Out) {
    out.heading(&a.summary.plain);
    out.line(&format!("  {}", a.summary.technical));
    if let Some(next) = &a.next_level {
        out.blank();
        out.subheading(&format!(
            "Missing for level {} ({})",
            next.number, next.name
        ));
        for rule in &next.missing {
            out.para("  - ", &rule.rule.plain);
            for m in &rule.missing {
                out.para("      ", m);
            }
        }
    }
    out.blank();
    out.subheading("Regimes");
    let rows = a
        .regimes
        .iter()
        .map(|g| {
            let outcome = match (g.level, g.outcome) {
                (Some(n), _) => format!("level {n}"),
                (None, Outcome::Meets) => "meets".into(),
                (None, Outcome::DoesNotMeet) => "does not meet".into(),
                (None, Outcome::CannotTell) => "cannot tell".into(),
            };
            vec![g.short.clone(), outcome, g.reason.technical.clone()]
        })
        .collect();
    out.table(&["REGIME", "OUTCOME", "WHY"], rows);
    let problems: Vec<_> = a
        .provisions
        .iter()
        .filter(|r| {
            matches!(
                r.verdict,
                Verdict::Fail | Verdict::Unverified | Verdict::Inconclusive
            )
        })
        .collect();
    if !problems.is_empty() {
        out.blank();
        out.subheading(&format!("To fix ({})", problems.len()));
        for r in problems {
            let verdict = match r.verdict {
                Verdict::Fail => format!("{}", r.verdict.as_str().red()),
                _ => format!("{}", r.verdict.as_str().yellow()),
            };
            out.line(&format!(
                "  {} {} [{}{}] {verdict}",
                r.id.local,
                r.title,
                r.modality.letter(),
                if r.raised { ", raised" } else { "" }
            ));
            out.para("      ", &r.reason.technical);
            if let Some(fix) = &r.remediation {
                out.para("      ", &format!("fix: {}", fix.plain));
            }
        }
    }
    out.blank();
    out.line(&format!(
        "Catalogue {} {}; declaration sha256 {}. `--format html --out report.html` writes a report to share.",
        a.catalog.id, a.catalog.version, a.inputs.declaration_sha256
    ));
}
