//! The declaration's JSON Schema (draft 2020-12), generated from the Rust types so that it
//! can never drift from what the parser accepts.

use crate::model::Declaration;

/// The JSON Schema of a declaration.
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Declaration);
    schema.insert(
        "$id".into(),
        "https://iotlabel.org/schemas/declaration/v1.json".into(),
    );
    schema.insert("title".into(), "iotlabel product declaration".into());
    schema.to_value()
}
