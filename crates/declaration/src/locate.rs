//! Turning a field path (`claim[3].provision`) into a line and column of the source text, so
//! that problems found after parsing still point at the place to fix.

use toml::de::{DeTable, DeValue};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A table or object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Parses `a.b[2].c` into steps. Keys containing `.` or `[` cannot be expressed, which is fine
/// for the declaration format's own keys; such paths simply locate their parent.
pub fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                out.push(Step::Key(rest[..open].to_owned()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let Some(close) = stripped.find(']') else {
                    break;
                };
                if let Ok(i) = stripped[..close].parse() {
                    out.push(Step::Index(i));
                }
                rest = &stripped[close + 1..];
            }
        } else {
            out.push(Step::Key(rest.to_owned()));
        }
    }
    out
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before, |i| &before[i + 1..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Byte offset of the deepest existing prefix of `path` in a TOML text.
pub fn toml_offset(text: &str, path: &str) -> Option<usize> {
    let root = DeTable::parse(text).ok()?;
    let mut table_at_root = Some(root.get_ref());
    let mut current: Option<&toml::Spanned<DeValue<'_>>> = None;
    let mut best = None;
    for step in steps(path) {
        let value = match (table_at_root.take(), current) {
            (Some(table), _) => {
                // The document itself is a table without a span of its own.
                let Step::Key(k) = step else { break };
                let Some((key, value)) = table.iter().find(|(key, _)| key.get_ref() == &k) else {
                    break;
                };
                best = Some(key.span().start);
                current = Some(value);
                continue;
            }
            (None, Some(v)) => v,
            (None, None) => break,
        };
        match (step, value.get_ref()) {
            (Step::Key(k), DeValue::Table(table)) => {
                let Some((key, value)) = table.iter().find(|(key, _)| key.get_ref() == &k) else {
                    break;
                };
                best = Some(key.span().start);
                current = Some(value);
            }
            (Step::Index(i), DeValue::Array(array)) => {
                let Some(value) = array.get(i) else { break };
                best = Some(value.span().start);
                current = Some(value);
            }
            _ => break,
        }
    }
    best
}

/// Byte offset of the deepest existing prefix of `path` in a JSON text.
///
/// serde_json reports positions only for its own errors, so this walks the text with a small
/// scanner. It never fails: on malformed input it returns what it found so far.
pub fn json_offset(text: &str, path: &str) -> Option<usize> {
    let target = steps(path);
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let mut best = None;
    scanner.value(&target, &mut best);
    best
}

struct JsonScanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

/// Nesting beyond this is not followed; serde_json refuses such input anyway.
const MAX_DEPTH: usize = 128;

impl JsonScanner<'_> {
    fn ws(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips a string starting at `"`, returning its raw content (escapes not decoded).
    fn string(&mut self) -> Option<&str> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.pos += 1;
        let start = self.pos;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => self.pos += 2,
                b'"' => {
                    let s = std::str::from_utf8(&self.bytes[start..self.pos]).ok();
                    self.pos += 1;
                    return s;
                }
                _ => self.pos += 1,
            }
        }
        None
    }

    /// Walks one value. `rest` is the part of the target path still to match below this value.
    fn value(&mut self, rest: &[Step], best: &mut Option<usize>) {
        self.ws();
        if self.depth > MAX_DEPTH {
            return;
        }
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                self.depth += 1;
                loop {
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        break;
                    }
                    let key_at = self.pos;
                    let Some(key) = self.string().map(str::to_owned) else {
                        return;
                    };
                    self.ws();
                    if self.peek() != Some(b':') {
                        return;
                    }
                    self.pos += 1;
                    match rest.first() {
                        Some(Step::Key(k)) if *k == key => {
                            *best = Some(key_at);
                            self.value(&rest[1..], best);
                        }
                        _ => self.value(&[], &mut None),
                    }
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return,
                    }
                }
                self.depth -= 1;
            }
            Some(b'[') => {
                self.pos += 1;
                self.depth += 1;
                let mut i = 0;
                loop {
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        break;
                    }
                    match rest.first() {
                        Some(Step::Index(n)) if *n == i => {
                            *best = Some(self.pos);
                            self.value(&rest[1..], best);
                        }
                        _ => self.value(&[], &mut None),
                    }
                    i += 1;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return,
                    }
                }
                self.depth -= 1;
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']') || c.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_keys_and_indices() {
        assert_eq!(
            steps("component[1].claim[0].support"),
            vec![
                Step::Key("component".into()),
                Step::Index(1),
                Step::Key("claim".into()),
                Step::Index(0),
                Step::Key("support".into())
            ]
        );
        assert_eq!(
            steps("features.x"),
            vec![Step::Key("features".into()), Step::Key("x".into())]
        );
    }

    #[test]
    fn toml_paths_point_at_the_key() {
        let text = "format = \"x\"\n\n[[claim]]\nprovision = \"5.1-1\"\n\n[[claim]]\nprovision = \"9.9\"\n";
        let off = toml_offset(text, "claim[1].provision").unwrap();
        assert_eq!(line_column(text, off), (7, 1));
        // A missing field locates its parent.
        let off = toml_offset(text, "claim[1].justification").unwrap();
        assert_eq!(line_column(text, off).0, 6);
    }

    #[test]
    fn json_paths_point_at_the_key_or_element() {
        let text = "{\n  \"claim\": [\n    {\"provision\": \"5.1-1\"},\n    {\"provision\": \"x\"}\n  ]\n}";
        let off = json_offset(text, "claim[1].provision").unwrap();
        assert_eq!(line_column(text, off), (4, 6));
        assert_eq!(json_offset("{\"a\": 1}", "b"), None);
        // Malformed input does not panic.
        assert_eq!(json_offset("{\"claim\": [", "claim[3]"), Some(1));
        assert!(json_offset(&"[".repeat(10_000), "x").is_none());
    }
}
