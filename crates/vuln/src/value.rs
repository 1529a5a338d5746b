//! Tolerant reading of `serde_json::Value` trees: the formats read this way (SBOMs, CSAF,
//! OpenVEX) are messy in the wild, so a field of an unexpected type is skipped with a warning
//! instead of failing the document.

use serde_json::Value;

use crate::error::Warning;

/// Collects warnings while walking.
pub(crate) struct Walk {
    pub(crate) warnings: Vec<Warning>,
}

/// At most this many warnings are kept per document: a broken generator repeats the same
/// mistake for every component.
const MAX_WARNINGS: usize = 200;

impl Walk {
    pub(crate) fn new() -> Walk {
        Walk {
            warnings: Vec::new(),
        }
    }

    pub(crate) fn warn(&mut self, path: &str, message: impl Into<String>) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(Warning::at(path, message));
        } else if self.warnings.len() == MAX_WARNINGS {
            self.warnings
                .push(Warning::at("", "further warnings were left out"));
        }
    }

    /// A string field: strings as they are, numbers and booleans as text, anything else
    /// skipped with a warning. Empty strings count as absent.
    pub(crate) fn string(&mut self, parent: &Value, path: &str, key: &str) -> Option<String> {
        let v = parent.get(key)?;
        // The path is formatted only for a warning: this runs for every field of every
        // component.
        self.text(v, || format!("{path}.{key}"))
    }

    pub(crate) fn as_string(&mut self, v: &Value, path: &str) -> Option<String> {
        self.text(v, || path.to_string())
    }

    fn text(&mut self, v: &Value, path: impl FnOnce() -> String) -> Option<String> {
        match v {
            Value::String(s) => {
                let s = s.trim();
                (!s.is_empty()).then(|| s.to_string())
            }
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            _ => {
                self.warn(&path(), "expected text, found a structure; skipped");
                None
            }
        }
    }

    /// An array field; a single object where an array belongs is taken as a one-element array
    /// (a common generator mistake), anything else is skipped with a warning.
    pub(crate) fn array<'v>(&mut self, parent: &'v Value, path: &str, key: &str) -> Vec<&'v Value> {
        match parent.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v @ Value::Object(_)) => {
                self.warn(
                    &format!("{path}.{key}"),
                    "expected a list, found one object; read as a list of one",
                );
                vec![v]
            }
            Some(_) => {
                self.warn(&format!("{path}.{key}"), "expected a list; skipped");
                Vec::new()
            }
        }
    }

    /// An object field, or `None` with a warning if it is something else.
    pub(crate) fn object<'v>(
        &mut self,
        parent: &'v Value,
        path: &str,
        key: &str,
    ) -> Option<&'v Value> {
        match parent.get(key) {
            None | Some(Value::Null) => None,
            Some(v @ Value::Object(_)) => Some(v),
            Some(_) => {
                self.warn(&format!("{path}.{key}"), "expected an object; skipped");
                None
            }
        }
    }

    /// A list of strings (a lone string is a list of one).
    pub(crate) fn strings(&mut self, parent: &Value, path: &str, key: &str) -> Vec<String> {
        match parent.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => {
                let s = s.trim();
                if s.is_empty() {
                    Vec::new()
                } else {
                    vec![s.to_string()]
                }
            }
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| self.text(v, || format!("{path}.{key}[{i}]")))
                .collect(),
            Some(_) => {
                self.warn(&format!("{path}.{key}"), "expected a list of text; skipped");
                Vec::new()
            }
        }
    }
}
