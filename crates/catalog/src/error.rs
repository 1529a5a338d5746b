//! Errors found while loading a catalogue, each pinned to a file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the catalogue sources, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the catalogue directory where possible.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The id of the entry the problem is about (a provision, row, profile, ...), when known.
    pub id: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it, when we can tell.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(id) = &self.id {
            write!(f, "[{id}] ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Why a catalogue could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The directory is not a catalogue (no `catalog.toml`).
    #[error("{0} is not a catalogue directory: it has no catalog.toml")]
    NotACatalog(PathBuf),
    /// A git revision could not be read.
    #[error("cannot read the catalogue at git revision {rev}: {message}")]
    Git {
        /// The revision asked for.
        rev: String,
        /// What git said.
        message: String,
    },
    /// The sources parse but contain errors; every one found is listed.
    #[error("{} error(s) in the catalogue:\n{}", .0.len(), render(.0))]
    Invalid(Vec<Diagnostic>),
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collects diagnostics while a catalogue is loaded, so that one run reports every problem.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub(crate) fn into_result<T>(self, value: T) -> Result<T, LoadError> {
        if self.items.is_empty() {
            Ok(value)
        } else {
            Err(LoadError::Invalid(self.items))
        }
    }
}

/// A file's text kept next to its path so byte spans can be turned into line and column.
#[derive(Debug, Clone)]
pub(crate) struct SourceText {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
}

impl SourceText {
    pub(crate) fn new(path: &Path, text: String) -> Self {
        Self {
            path: path.to_path_buf(),
            text,
        }
    }

    /// 1-based line and column of a byte offset.
    pub(crate) fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(before.chars().count(), |nl| {
            before[nl + 1..].chars().count()
        }) + 1;
        (line, column)
    }

    /// A diagnostic at a byte span of this file.
    pub(crate) fn at(
        &self,
        span: std::ops::Range<usize>,
        id: Option<&str>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Diagnostic {
        let (line, column) = self.line_column(span.start);
        Diagnostic {
            file: self.path.clone(),
            line: Some(line),
            column: Some(column),
            id: id.map(str::to_owned),
            message: message.into(),
            hint,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Suggests the closest known name, for "did you mean" hints.
pub fn did_you_mean<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let s = SourceText::new(Path::new("x.toml"), "a = 1\nbé = 2\n".into());
        assert_eq!(s.line_column(0), (1, 1));
        assert_eq!(s.line_column(6), (2, 1));
        // 'é' is two bytes; the '=' after it is the 4th character of line 2.
        assert_eq!(s.line_column(10), (2, 4));
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("pasword", ["passwords", "telemetry"]),
            Some("did you mean `passwords`?".into())
        );
        assert_eq!(did_you_mean("zzz", ["passwords"]), None);
    }
}
