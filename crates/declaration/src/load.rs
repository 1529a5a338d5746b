//! Loading a declaration file: read, parse, validate, load the process declaration it
//! references, and check its evidence files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iotlabel_catalog::Catalog;
use jiff::civil::Date;

use crate::evidence::{self, Integrity};
use crate::model::{Declaration, Scope};
use crate::parse::{self, Source, Syntax};
use crate::problem::{DeclarationError, Problem, Severity};
use crate::validate::validate;

/// Largest declaration file accepted. Real ones are tens of kilobytes.
pub const MAX_DECLARATION_BYTES: u64 = 4 * 1024 * 1024;

/// A declaration with everything learnt while loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it came from.
    pub source: Source,
    /// The declaration.
    pub declaration: Declaration,
    /// SHA-256 of the file's bytes.
    pub digest: String,
    /// Integrity of each evidence item, by id.
    pub evidence: BTreeMap<String, Integrity>,
    /// The process declaration it references, loaded.
    pub process: Option<Box<Loaded>>,
    /// Warnings (errors make loading fail).
    pub warnings: Vec<Problem>,
}

impl Loaded {
    /// Problems with evidence files: missing or not matching their digest. `declaration check`
    /// reports them as errors; the assessment treats such evidence as unusable.
    pub fn evidence_problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (i, e) in self.declaration.evidence.iter().enumerate() {
            let field = format!("evidence[{i}]");
            let (message, hint) = match self.evidence.get(&e.id) {
                Some(Integrity::Missing) => (
                    format!(
                        "evidence file `{}` does not exist",
                        e.path.as_deref().unwrap_or("")
                    ),
                    Some("paths are relative to the declaration file".to_owned()),
                ),
                Some(Integrity::Mismatch { actual }) => (
                    format!(
                        "the file's SHA-256 is {actual}, not the declared {}",
                        e.sha256
                    ),
                    Some(
                        "the file changed after its digest was recorded; re-run sha256sum"
                            .to_owned(),
                    ),
                ),
                Some(Integrity::Unreadable { reason }) => {
                    (format!("cannot read the evidence file: {reason}"), None)
                }
                _ => continue,
            };
            out.push(self.source.problem(
                Severity::Error,
                &format!("{field}.sha256"),
                message,
                hint,
            ));
        }
        if let Some(p) = &self.process {
            out.extend(p.evidence_problems());
        }
        out
    }
}

fn read_limited(path: &Path) -> Result<String, DeclarationError> {
    let io = |source| DeclarationError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_DECLARATION_BYTES {
        return Err(DeclarationError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: MAX_DECLARATION_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        DeclarationError::Invalid(vec![Problem {
            severity: Severity::Error,
            file: path.to_path_buf(),
            line: None,
            column: None,
            field: String::new(),
            message: format!("the file is not UTF-8 text (invalid byte at offset {at})"),
            hint: Some("save it as UTF-8".into()),
        }])
    })
}

/// Parses and validates declaration text. Pure: no file access (evidence and process
/// references are not followed).
pub fn from_text(
    file: PathBuf,
    text: String,
    syntax: Syntax,
    catalog: &Catalog,
    today: Date,
) -> Result<(Source, Declaration, Vec<Problem>), DeclarationError> {
    let source = Source { file, text, syntax };
    let declaration = parse::parse(&source).map_err(|p| DeclarationError::Invalid(vec![*p]))?;
    let problems = validate(&source, &declaration, catalog, today);
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(DeclarationError::Invalid(problems));
    }
    Ok((source, declaration, problems))
}

/// Loads a declaration file, its process declaration, and the state of its evidence.
pub fn load(path: &Path, catalog: &Catalog, today: Date) -> Result<Loaded, DeclarationError> {
    load_inner(path, catalog, today, true)
}

fn load_inner(
    path: &Path,
    catalog: &Catalog,
    today: Date,
    follow_process: bool,
) -> Result<Loaded, DeclarationError> {
    let text = read_limited(path)?;
    let digest = evidence::sha256_hex(text.as_bytes());
    let (source, declaration, warnings) = from_text(
        path.to_path_buf(),
        text,
        Syntax::from_path(path),
        catalog,
        today,
    )?;
    let base = path.parent().unwrap_or(Path::new("."));
    let evidence = evidence::check(&declaration, base);
    let process = match declaration.process.as_ref().and_then(|p| p.file.as_ref()) {
        Some(file) if follow_process => {
            let process_path = base.join(file);
            if !process_path.is_file() {
                return Err(DeclarationError::Invalid(vec![source.problem(
                    Severity::Error,
                    "process.file",
                    format!("process declaration `{file}` does not exist"),
                    Some("the path is relative to this declaration".into()),
                )]));
            }
            let loaded = load_inner(&process_path, catalog, today, false)?;
            if loaded.declaration.scope != Scope::Process {
                return Err(DeclarationError::Invalid(vec![source.problem(
                    Severity::Error,
                    "process.file",
                    format!("`{file}` is not a process declaration (its scope is not \"process\")"),
                    None,
                )]));
            }
            Some(Box::new(loaded))
        }
        _ => None,
    };
    Ok(Loaded {
        source,
        declaration,
        digest,
        evidence,
        process,
        warnings,
    })
}
