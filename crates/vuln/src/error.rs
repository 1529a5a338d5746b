//! Errors of every parser in this crate, each naming where (file or zip entry, JSON path, line)
//! and what to do about it.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// Where a document came from: a file, an entry inside a zip file, or bytes handed over in
/// memory (an upload, a fuzzer), named by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// A file on disk.
    File {
        /// Its path.
        path: PathBuf,
    },
    /// An entry of a zip file.
    ZipEntry {
        /// The zip file.
        zip: PathBuf,
        /// The entry name as stored in the archive.
        entry: String,
    },
    /// Bytes without a file, with a label chosen by the caller.
    Memory {
        /// What the bytes are, e.g. `upload`.
        label: String,
    },
}

impl Origin {
    /// A document held in memory, named `label` in messages.
    pub fn memory(label: impl Into<String>) -> Self {
        Origin::Memory {
            label: label.into(),
        }
    }

    /// A file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Origin::File { path: path.into() }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path } => write!(f, "{}", path.display()),
            Origin::ZipEntry { zip, entry } => write!(f, "{}!{entry}", zip.display()),
            Origin::Memory { label } => write!(f, "<{label}>"),
        }
    }
}

/// A position inside a document: JSON path and/or line and column (1-based).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    /// JSON path such as `components[3].purl`, empty for the whole document.
    pub path: String,
    /// Line, when known.
    pub line: Option<usize>,
    /// Column, when known.
    pub column: Option<usize>,
}

impl Position {
    /// A position known by its path only.
    pub fn path(path: impl Into<String>) -> Self {
        Position {
            path: path.into(),
            line: None,
            column: None,
        }
    }

    /// A position known by line and column only.
    pub fn line(line: usize, column: usize) -> Self {
        Position {
            path: String::new(),
            line: Some(line),
            column: Some(column),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if let Some(column) = self.column {
                write!(f, ", column {column}")?;
            }
            sep = ", ";
        }
        if !self.path.is_empty() {
            write!(f, "{sep}at `{}`", self.path)?;
        } else if self.line.is_none() {
            // Messages read "FILE: PLACE: problem"; an empty place would leave "FILE: : ...".
            f.write_str("whole document")?;
        }
        Ok(())
    }
}

/// An unusable document: what, where, and what to do. The details are boxed so that
/// `Result`s stay small on the (hot) success path; [`Error::kind`] gives them.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

/// Everything that can make a document unusable. Each variant says where and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}; check that the path exists and is readable")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The document is larger than the configured limit.
    #[error(
        "{origin}: the document has {size} bytes, more than the limit of {limit}; \
         split it, or raise `Limits::max_document_bytes` if it is genuine"
    )]
    TooLarge {
        /// The document.
        origin: Origin,
        /// Its size in bytes (at least this many).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A single string in the document is longer than the configured limit.
    #[error(
        "{origin}: {at}: a string of {len} bytes is longer than the limit of {limit}; \
         no field of these formats needs that much, so the document is rejected"
    )]
    StringTooLong {
        /// The document.
        origin: Origin,
        /// Where the string starts.
        at: Position,
        /// Its length in bytes (at least this many).
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The document nests arrays or objects (or elements) deeper than the limit.
    #[error(
        "{origin}: {at}: nesting deeper than {limit} levels; these formats need far fewer, \
         so the document is rejected"
    )]
    TooDeep {
        /// The document.
        origin: Origin,
        /// Where the limit was passed.
        at: Position,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not UTF-8.
    #[error(
        "{origin}: {at}: the text is not valid UTF-8; re-encode the file as UTF-8 \
         (JSON, YAML and our XML input must be UTF-8)"
    )]
    InvalidUtf8 {
        /// The document.
        origin: Origin,
        /// Where the first bad byte is.
        at: Position,
    },
    /// A JSON, YAML or XML syntax error, or a value of the wrong type where one is required.
    #[error(
        "{origin}: {at}: {message}; correct the document at that place (a file cut short \
         fails at its end; check that it was copied whole)"
    )]
    Syntax {
        /// The document.
        origin: Origin,
        /// Where.
        at: Position,
        /// The parser's message.
        message: String,
    },
    /// The document parses but is not what the caller asked for, or lacks something that it
    /// cannot be used without.
    #[error("{origin}: {at}: {message}; {hint}")]
    Invalid {
        /// The document.
        origin: Origin,
        /// Where.
        at: Position,
        /// What is wrong.
        message: String,
        /// What to do.
        hint: String,
    },
    /// A zip file is damaged, hostile or too large.
    #[error("{origin}: {message}; {hint}")]
    Zip {
        /// The zip file, or the entry.
        origin: Origin,
        /// What is wrong.
        message: String,
        /// What to do.
        hint: String,
    },
}

impl Error {
    /// What went wrong, with its details.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Where the problem is.
    pub fn origin(&self) -> Option<&Origin> {
        match self.kind() {
            ErrorKind::Io { .. } => None,
            ErrorKind::TooLarge { origin, .. }
            | ErrorKind::StringTooLong { origin, .. }
            | ErrorKind::TooDeep { origin, .. }
            | ErrorKind::InvalidUtf8 { origin, .. }
            | ErrorKind::Syntax { origin, .. }
            | ErrorKind::Invalid { origin, .. }
            | ErrorKind::Zip { origin, .. } => Some(origin),
        }
    }

    pub(crate) fn invalid(
        origin: &Origin,
        at: Position,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Error::from(ErrorKind::Invalid {
            origin: origin.clone(),
            at,
            message: message.into(),
            hint: hint.into(),
        })
    }

    pub(crate) fn zip(
        origin: &Origin,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Error::from(ErrorKind::Zip {
            origin: origin.clone(),
            message: message.into(),
            hint: hint.into(),
        })
    }
}

/// Something a tolerant parser accepted but that the reader should know about: a value it
/// could not use and skipped, a field in an unexpected form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Where.
    pub at: Position,
    /// What was skipped or assumed.
    pub message: String,
}

impl Warning {
    pub(crate) fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            at: Position::path(path),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}
