//! Parsing a declaration from TOML or JSON, with errors that name the line, column and field.

use std::path::Path;

use iotlabel_catalog::did_you_mean;

use crate::locate;
use crate::model::Declaration;
use crate::problem::{Problem, Severity};

/// The syntax of a declaration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// TOML (preferred).
    Toml,
    /// JSON.
    Json,
}

impl Syntax {
    /// Chooses by file extension: `.json` is JSON, anything else TOML.
    pub fn from_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Syntax::Json,
            _ => Syntax::Toml,
        }
    }
}

/// A parsed declaration with what is needed to locate later problems in its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file (for messages).
    pub file: std::path::PathBuf,
    /// Its text.
    pub text: String,
    /// Its syntax.
    pub syntax: Syntax,
}

impl Source {
    /// A problem at a field path of this source.
    pub fn problem(
        &self,
        severity: Severity,
        field: &str,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Problem {
        let offset = match self.syntax {
            Syntax::Toml => locate::toml_offset(&self.text, field),
            Syntax::Json => locate::json_offset(&self.text, field),
        };
        let (line, column) = match offset {
            Some(o) => {
                let (l, c) = locate::line_column(&self.text, o);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        Problem {
            severity,
            file: self.file.clone(),
            line,
            column,
            field: field.to_owned(),
            message: message.into(),
            hint,
        }
    }
}

/// Parses the text. On failure returns the one problem that stopped the parser.
pub fn parse(source: &Source) -> Result<Declaration, Box<Problem>> {
    match source.syntax {
        Syntax::Toml => parse_toml(source),
        Syntax::Json => parse_json(source),
    }
}

fn parse_toml(source: &Source) -> Result<Declaration, Box<Problem>> {
    let deserializer = toml::Deserializer::parse(&source.text).map_err(|e| {
        located(
            source,
            e.span().map(|s| s.start),
            String::new(),
            e.message().to_owned(),
        )
    })?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        Box::new(located(
            source,
            inner.span().map(|s| s.start),
            field,
            inner.message().to_owned(),
        ))
    })
}

fn parse_json(source: &Source) -> Result<Declaration, Box<Problem>> {
    let mut deserializer = serde_json::Deserializer::from_str(&source.text);
    // Deep nesting is refused by serde_json's own recursion limit (128).
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let message = strip_json_position(&inner.to_string());
        let mut p = source.problem(Severity::Error, &field, message.clone(), None);
        if inner.line() > 0 {
            p.line = Some(inner.line());
            p.column = Some(inner.column());
        }
        let (message, hint) = explain(&message);
        p.message = message;
        p.hint = hint;
        Box::new(p)
    })
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn located(source: &Source, offset: Option<usize>, field: String, message: String) -> Problem {
    let (line, column) = match offset {
        Some(o) => {
            let (l, c) = locate::line_column(&source.text, o);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    let (message, hint) = explain(message.trim());
    let field = if field == "." { String::new() } else { field };
    Problem {
        severity: Severity::Error,
        file: source.file.clone(),
        line,
        column,
        field,
        message,
        hint,
    }
}

/// Adds hints to serde's messages: "did you mean" for unknown fields and variants.
fn explain(message: &str) -> (String, Option<String>) {
    for prefix in ["unknown field `", "unknown variant `"] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some(end) = rest.find('`')
        {
            let unknown = &rest[..end];
            let expected: Vec<&str> = rest[end + 1..].split('`').skip(1).step_by(2).collect();
            let hint = did_you_mean(unknown, expected.iter().copied()).or_else(|| {
                (!expected.is_empty()).then(|| format!("expected one of: {}", expected.join(", ")))
            });
            let what = if prefix.contains("field") {
                "field"
            } else {
                "value"
            };
            return (format!("unknown {what} `{unknown}`"), hint);
        }
    }
    if message.starts_with("missing field `") {
        return (
            message.to_owned(),
            Some("see docs/declaration.md or `iotlabel declaration new`".into()),
        );
    }
    (message.to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str, syntax: Syntax) -> Source {
        Source {
            file: "d.toml".into(),
            text: text.into(),
            syntax,
        }
    }

    #[test]
    fn unknown_fields_get_a_suggestion() {
        let (m, h) = explain(
            "unknown field `securty_contact`, expected one of `legal_name`, `address`, `security_contact`, `website`",
        );
        assert_eq!(m, "unknown field `securty_contact`");
        assert_eq!(h.as_deref(), Some("did you mean `security_contact`?"));
    }

    #[test]
    fn toml_type_errors_name_field_line_and_column() {
        let text = "format = \"iotlabel-declaration/1\"\nscope = \"device\"\n[manufacturer]\nlegal_name = 5\n";
        let p = parse(&src(text, Syntax::Toml)).unwrap_err();
        assert_eq!(p.field, "manufacturer.legal_name");
        assert_eq!(p.line, Some(4));
        assert!(p.message.contains("invalid type"), "{}", p.message);
    }

    #[test]
    fn json_errors_name_field_line_and_column() {
        let text = "{\n \"format\": \"iotlabel-declaration/1\",\n \"scope\": \"devise\"\n}";
        let p = parse(&src(text, Syntax::Json)).unwrap_err();
        assert_eq!(p.field, "scope");
        assert_eq!(p.line, Some(3));
        assert_eq!(p.hint.as_deref(), Some("did you mean `device`?"));
    }
}
