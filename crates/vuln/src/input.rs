//! Reading documents safely: size limits, UTF-8, and a pre-scan of JSON that rejects hostile
//! nesting and huge strings with a line number before any parser allocates for them.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, ErrorKind, Origin, Position};

/// Limits every parser enforces. The defaults suit real SBOMs and advisories with a wide margin;
/// raise them only for documents known to be genuine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest document (file or zip entry) in bytes. Default 64 MiB.
    pub max_document_bytes: u64,
    /// Longest single string in bytes. Default 1 MiB.
    pub max_string_bytes: usize,
    /// Deepest nesting of arrays/objects (JSON, YAML) or elements (XML). Default 100.
    pub max_depth: usize,
    /// Most entries a zip file may hold. Default 1,000,000 (OSV's global dump has ~500,000).
    pub max_zip_entries: usize,
    /// Most bytes all entries of one zip file may expand to. Default 8 GiB.
    pub max_zip_total_bytes: u64,
    /// Highest ratio of expanded to compressed size of one zip entry larger than 1 MiB.
    /// Default 200 (JSON advisories compress about 5-30 times; deflate bombs reach 1000).
    pub max_zip_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 64 * 1024 * 1024,
            max_string_bytes: 1024 * 1024,
            max_depth: 100,
            max_zip_entries: 1_000_000,
            max_zip_total_bytes: 8 * 1024 * 1024 * 1024,
            max_zip_ratio: 200,
        }
    }
}

/// Reads a whole file, refusing files larger than the document limit before reading them.
pub(crate) fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, Error> {
    let io = |source| {
        Error::from(ErrorKind::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let too_large = |size| {
        Error::from(ErrorKind::TooLarge {
            origin: Origin::file(path),
            size,
            limit: limits.max_document_bytes,
        })
    };
    if size > limits.max_document_bytes {
        return Err(too_large(size));
    }
    // The file may grow between stat and read: read at most one byte past the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limits.max_document_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limits.max_document_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Checks size and encoding and returns the text without a UTF-8 byte order mark.
pub(crate) fn text<'a>(
    bytes: &'a [u8],
    origin: &Origin,
    limits: &Limits,
) -> Result<&'a str, Error> {
    if bytes.len() as u64 > limits.max_document_bytes {
        return Err(Error::from(ErrorKind::TooLarge {
            origin: origin.clone(),
            size: bytes.len() as u64,
            limit: limits.max_document_bytes,
        }));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::invalid(
            origin,
            Position::line(1, 1),
            "the document is UTF-16 encoded",
            "re-encode it as UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
        // The valid prefix is UTF-8, so counting lines in it is exact.
        let prefix = String::from_utf8_lossy(good);
        Error::from(ErrorKind::InvalidUtf8 {
            origin: origin.clone(),
            at: line_col(&prefix, prefix.len()),
        })
    })
}

/// Line and column (1-based, column in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    Position::line(line, column)
}

/// One pass over JSON text that rejects nesting deeper than the limit and strings longer
/// than the limit, naming the line. Written by hand because no JSON crate enforces a string
/// length limit, and serde_json's recursion limit reports no configurable depth; the scan is
/// a plain state machine over bytes and cannot fail on any input.
pub(crate) fn scan_json(text: &str, origin: &Origin, limits: &Limits) -> Result<(), Error> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut string_start = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            if in_string && i - string_start > limits.max_string_bytes {
                return Err(Error::from(ErrorKind::StringTooLong {
                    origin: origin.clone(),
                    at: line_col(text, string_start),
                    len: i - string_start,
                    limit: limits.max_string_bytes,
                }));
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                string_start = i;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(Error::from(ErrorKind::TooDeep {
                        origin: origin.clone(),
                        at: line_col(text, i),
                        limit: limits.max_depth,
                    }));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Rejects any line longer than the string limit: a cheap bound for YAML and XML, whose
/// single-line scalars and text nodes cannot then exceed it either.
pub(crate) fn scan_lines(text: &str, origin: &Origin, limits: &Limits) -> Result<(), Error> {
    for (number, line) in text.split('\n').enumerate() {
        if line.len() > limits.max_string_bytes {
            return Err(Error::from(ErrorKind::StringTooLong {
                origin: origin.clone(),
                at: Position::line(number + 1, 1),
                len: line.len(),
                limit: limits.max_string_bytes,
            }));
        }
    }
    Ok(())
}

/// Parses JSON into any serde type, with the JSON path and line of the first error.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &Origin,
    limits: &Limits,
) -> Result<T, Error> {
    scan_json(text, origin, limits)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Error::from(ErrorKind::Syntax {
            origin: origin.clone(),
            at: Position {
                path: if path == "." { String::new() } else { path },
                line: Some(inner.line()),
                column: Some(inner.column()),
            },
            message: json_message(&inner),
        })
    })?;
    de.end().map_err(|e| {
        Error::from(ErrorKind::Syntax {
            origin: origin.clone(),
            at: Position::line(e.line(), e.column()),
            message: json_message(&e),
        })
    })?;
    Ok(value)
}

/// Parses JSON into a value tree (for the tolerant readers). No path tracking: a value tree
/// accepts any JSON, so the only errors are syntax errors, located by line and column.
pub(crate) fn json_value(
    text: &str,
    origin: &Origin,
    limits: &Limits,
) -> Result<serde_json::Value, Error> {
    scan_json(text, origin, limits)?;
    serde_json::from_str(text).map_err(|e| {
        Error::from(ErrorKind::Syntax {
            origin: origin.clone(),
            at: Position::line(e.line(), e.column()),
            message: json_message(&e),
        })
    })
}

/// serde_json's message without its own " at line L column C" suffix, which `Position`
/// already carries.
fn json_message(e: &serde_json::Error) -> String {
    strip_position(&e.to_string())
}

/// A parser message without a trailing " at line L[,] column C", which `Position` carries.
fn strip_position(text: &str) -> String {
    match text.rfind(" at line ") {
        Some(i) if text.get(i..).is_some_and(|tail| tail.contains("column")) => {
            text.get(..i).unwrap_or(text).to_string()
        }
        _ => text.to_string(),
    }
}

/// Parses YAML into any serde type with the depth limit, reporting line and column.
pub(crate) fn from_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &Origin,
    limits: &Limits,
) -> Result<T, Error> {
    scan_lines(text, origin, limits)?;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.max_depth;
    budget.flow_nesting_limit = limits.max_depth;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let at = e
            .location()
            .map(|l| Position::line(l.line() as usize, l.column() as usize))
            .unwrap_or_default();
        let message = strip_position(&e.without_snippet().to_string());
        let lower = message.to_ascii_lowercase();
        if lower.contains("recursion limit") || lower.contains("depth") || lower.contains("nesting")
        {
            return Error::from(ErrorKind::TooDeep {
                origin: origin.clone(),
                at,
                limit: limits.max_depth,
            });
        }
        Error::from(ErrorKind::Syntax {
            origin: origin.clone(),
            at,
            message,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), Position::line(1, 1));
        assert_eq!(line_col(text, 4), Position::line(2, 2));
        assert_eq!(line_col(text, 8), Position::line(3, 1));
        assert_eq!(line_col(text, 1000), Position::line(3, 2));
    }

    #[test]
    fn scan_json_ignores_brackets_in_strings() {
        let limits = Limits {
            max_depth: 2,
            ..Limits::default()
        };
        let origin = Origin::memory("t");
        assert!(scan_json(r#"{"a": "[[[[{{{{\"]]"}"#, &origin, &limits).is_ok());
        let err = scan_json("[[[1]]]", &origin, &limits).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::TooDeep { .. }), "{err}");
    }
}
