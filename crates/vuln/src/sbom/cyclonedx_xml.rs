//! CycloneDX XML: turned into the same value tree as CycloneDX JSON (lists where JSON has
//! arrays, attributes as keys), then read by the shared CycloneDX reader. roxmltree parses
//! without recursion and refuses DTDs, so entity expansion and external entities cannot occur.

use roxmltree::{Document, Node, ParsingOptions};
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Origin, Position};
use crate::input::Limits;

/// Elements whose children form a list (JSON arrays in CycloneDX JSON).
const LISTS: &[&str] = &[
    "components",
    "hashes",
    "dependencies",
    "vulnerabilities",
    "affects",
    "versions",
    "responses",
    "references",
    "externalReferences",
    "ratings",
    "cwes",
    "advisories",
    "licenses",
    "properties",
    "tools",
    "authors",
    "services",
    "individuals",
    "organizations",
];

/// Parses CycloneDX XML into the JSON-shaped value tree.
pub(crate) fn to_value(text: &str, origin: &Origin, limits: &Limits) -> Result<Value, Error> {
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        Error::from(ErrorKind::Syntax {
            origin: origin.clone(),
            at: Position::line(pos.row as usize, pos.col as usize),
            message: format!("XML: {e}"),
        })
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "bom" {
        return Err(Error::invalid(
            origin,
            Position::line(1, 1),
            format!(
                "the XML root element is <{}>, not a CycloneDX <bom>",
                root.tag_name().name()
            ),
            "only CycloneDX XML is read; convert SPDX RDF/XML to SPDX JSON first",
        ));
    }
    let converter = Converter {
        doc: &doc,
        origin,
        limits,
    };
    let mut value = converter.element(root, 0)?;
    if let Value::Object(map) = &mut value {
        map.insert("bomFormat".into(), Value::String("CycloneDX".into()));
        let namespace = root.tag_name().namespace().unwrap_or_default();
        if let Some(version) = namespace.strip_prefix("http://cyclonedx.org/schema/bom/") {
            map.insert("specVersion".into(), Value::String(version.to_string()));
        }
        // The BOM's `version` attribute is a number in JSON.
        if let Some(Value::String(v)) = map.get("version")
            && let Ok(n) = v.parse::<u64>()
        {
            map.insert("version".into(), Value::from(n));
        }
    }
    Ok(value)
}

struct Converter<'a, 'input> {
    doc: &'a Document<'input>,
    origin: &'a Origin,
    limits: &'a Limits,
}

impl Converter<'_, '_> {
    fn position(&self, node: Node<'_, '_>) -> Position {
        let pos = self.doc.text_pos_at(node.range().start);
        Position::line(pos.row as usize, pos.col as usize)
    }

    fn element(&self, node: Node<'_, '_>, depth: usize) -> Result<Value, Error> {
        if depth > self.limits.max_depth {
            return Err(Error::from(ErrorKind::TooDeep {
                origin: self.origin.clone(),
                at: self.position(node),
                limit: self.limits.max_depth,
            }));
        }
        let name = node.tag_name().name();
        let mut map = Map::new();
        for attribute in node.attributes() {
            self.check_len(node, attribute.value())?;
            map.insert(
                attribute.name().to_string(),
                Value::String(attribute.value().to_string()),
            );
        }
        let mut text = String::new();
        let mut has_children = false;
        for child in node.children() {
            if child.is_text() {
                let t = child.text().unwrap_or_default();
                self.check_len(child, t)?;
                text.push_str(t);
                continue;
            }
            if !child.is_element() {
                continue;
            }
            has_children = true;
            let child_name = child.tag_name().name();
            // <dependency ref="a"><dependency ref="b"/></dependency> is JSON's dependsOn.
            if name == "dependency" && matches!(child_name, "dependency" | "provides") {
                let key = if child_name == "dependency" {
                    "dependsOn"
                } else {
                    "provides"
                };
                if let Some(r) = child.attribute("ref") {
                    push(&mut map, key, Value::String(r.to_string()), true);
                }
                continue;
            }
            let value = if LISTS.contains(&child_name) {
                let mut items = Vec::new();
                for item in child.children().filter(Node::is_element) {
                    items.push(self.element(item, depth + 2)?);
                }
                Value::Array(items)
            } else {
                self.element(child, depth + 1)?
            };
            push(&mut map, child_name, value, false);
        }
        let text = text.trim();
        if map.is_empty() && !has_children {
            return Ok(Value::String(text.to_string()));
        }
        if !text.is_empty() {
            map.insert("content".into(), Value::String(text.to_string()));
        }
        Ok(Value::Object(map))
    }

    fn check_len(&self, node: Node<'_, '_>, text: &str) -> Result<(), Error> {
        if text.len() > self.limits.max_string_bytes {
            return Err(Error::from(ErrorKind::StringTooLong {
                origin: self.origin.clone(),
                at: self.position(node),
                len: text.len(),
                limit: self.limits.max_string_bytes,
            }));
        }
        Ok(())
    }
}

/// Inserts a child; a repeated key becomes an array (or `always_list` makes it one at once).
fn push(map: &mut Map<String, Value>, key: &str, value: Value, always_list: bool) {
    match map.get_mut(key) {
        Some(Value::Array(items)) if always_list => items.push(value),
        Some(existing) => {
            let first = std::mem::take(existing);
            *existing = match first {
                Value::Array(mut items) if !always_list => {
                    items.push(value);
                    Value::Array(items)
                }
                other => Value::Array(vec![other, value]),
            };
        }
        None if always_list => {
            map.insert(key.to_string(), Value::Array(vec![value]));
        }
        None => {
            map.insert(key.to_string(), value);
        }
    }
}
