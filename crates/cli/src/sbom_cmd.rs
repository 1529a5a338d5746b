//! `iotlabel sbom check`: an SBOM against advisories, KEV and VEX, offline.

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use iotlabel_match::render::{self, CycloneDxOptions};
use iotlabel_match::{MatchError, Phase, Progress, check_with_progress, load_advisories};
use iotlabel_vuln::{KevCatalog, Limits, VexDocument, sbom};

use crate::cli::{SbomCheckArgs, SbomCommand, SbomFormat};
use crate::error::CliError;
use crate::output::Out;

/// Runs `iotlabel sbom ...`.
pub fn run(command: SbomCommand) -> Result<(), CliError> {
    match command {
        SbomCommand::Check(args) => check(args),
    }
}

fn check(args: SbomCheckArgs) -> Result<(), CliError> {
    let limits = Limits::default();
    let input = |e: iotlabel_vuln::Error| CliError::Match(MatchError::Input(e));
    // The SBOM first: a mistake there should not wait for a large advisory import.
    let sbom = sbom::load(&args.sbom, &limits).map_err(input)?;
    let kev = args
        .kev
        .as_deref()
        .map(|path| KevCatalog::load(path, &limits))
        .transpose()
        .map_err(input)?;
    let mut vex = Vec::new();
    for path in &args.vex {
        vex.extend(VexDocument::load(path, &limits).map_err(input)?.statements);
    }

    let mut bar = Bar::new();
    let advisories = load_advisories(&args.advisories, &limits, &mut |p| bar.show(p))?;
    if !advisories.skipped.is_empty() {
        bar.suspend(|| {
            eprintln!(
                "note: {} file(s) under the advisory paths are not advisories and were skipped",
                advisories.skipped.len()
            );
        });
    }
    let report = check_with_progress(&sbom, &advisories.records, kev.as_ref(), &vex, &mut |p| {
        bar.show(p)
    });
    bar.finish();

    let text = match args.format {
        SbomFormat::Text => render::text(&report),
        SbomFormat::Json => render::json(&report)?,
        SbomFormat::CyclonedxVex => render::cyclonedx_vex(
            &report,
            &CycloneDxOptions {
                timestamp: Some(jiff::Timestamp::now()),
            },
        )?,
    };
    write(args.out.as_deref(), &text)?;
    let open = report
        .findings
        .iter()
        .filter(|f| f.status.is_open())
        .count();
    if open > 0 {
        return Err(CliError::OpenFindings(open));
    }
    Ok(())
}

fn write(path: Option<&Path>, text: &str) -> Result<(), CliError> {
    match path {
        Some(path) => std::fs::write(path, text).map_err(|source| CliError::Write {
            path: path.to_path_buf(),
            source,
        }),
        None => {
            let mut out = Out::stdout();
            out.write(text);
            if !text.ends_with('\n') {
                out.blank();
            }
            Ok(())
        }
    }
}

/// A progress bar on standard error, drawn only when it is a terminal: one bar per phase.
struct Bar {
    terminal: bool,
    current: Option<(Phase, ProgressBar)>,
}

impl Bar {
    fn new() -> Bar {
        Bar {
            terminal: std::io::stderr().is_terminal(),
            current: None,
        }
    }

    fn show(&mut self, progress: Progress) {
        if !self.terminal {
            return;
        }
        if let Some((phase, bar)) = &self.current
            && *phase == progress.phase
        {
            bar.set_length(progress.total);
            bar.set_position(progress.done);
            return;
        }
        self.finish();
        let message = match progress.phase {
            Phase::LoadingAdvisories => "reading advisories",
            Phase::IndexingAdvisories => "indexing advisories",
            Phase::Matching => "matching",
            _ => "working",
        };
        let mut bar =
            ProgressBar::with_draw_target(Some(progress.total), ProgressDrawTarget::stderr())
                .with_message(message)
                .with_position(progress.done);
        if let Ok(style) =
            ProgressStyle::with_template("{msg:>20} [{bar:30}] {human_pos}/{human_len} ({eta})")
        {
            bar = bar.with_style(style.progress_chars("=> "));
        }
        self.current = Some((progress.phase, bar));
    }

    fn suspend(&self, f: impl FnOnce()) {
        match &self.current {
            Some((_, bar)) => bar.suspend(f),
            None => f(),
        }
    }

    fn finish(&mut self) {
        if let Some((_, bar)) = self.current.take() {
            bar.finish_and_clear();
        }
    }
}
