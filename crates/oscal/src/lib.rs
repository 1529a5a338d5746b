//! OSCAL 1.1.2 export for iotlabel.
//!
//! The catalogue becomes an OSCAL `catalog` (one control per provision, grouped by source
//! version and clause) and one OSCAL `profile` per context profile. Our own fields travel as
//! `props` in the [`NAMESPACE`] namespace; the plain-language text is a `plain-language` part.
//!
//! UUIDs are name-based (v5), so the same input always gives the same documents: a document's
//! UUID is derived from its content, and objects inside keep their UUID across revisions.

mod assessment;
mod catalog;
pub mod model;

pub use assessment::export_assessment;
pub use catalog::{CATALOG_FILE, export_catalog, export_profile};

/// Namespace URI of iotlabel's OSCAL properties and parts.
pub const NAMESPACE: &str = "https://iotlabel.org/ns/oscal";

/// The UUID namespace all our name-based UUIDs hang from.
fn uuid_namespace() -> uuid::Uuid {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, NAMESPACE.as_bytes())
}

/// A stable UUID for a name.
pub fn stable_uuid(name: &str) -> String {
    uuid::Uuid::new_v5(&uuid_namespace(), name.as_bytes()).to_string()
}

/// A prop in our namespace.
pub(crate) fn our_prop(name: &str, value: impl Into<String>) -> model::Prop {
    model::Prop {
        name: name.to_owned(),
        value: value.into(),
        ns: Some(NAMESPACE.to_owned()),
        class: None,
    }
}

/// Sets a document's UUID from its content: serialise with a nil UUID, then hash.
pub(crate) fn content_uuid<T: serde::Serialize>(kind: &str, doc: &T) -> String {
    let bytes = serde_json::to_vec(doc).unwrap_or_default();
    let mut name = kind.as_bytes().to_vec();
    name.push(b':');
    name.extend_from_slice(&bytes);
    uuid::Uuid::new_v5(&uuid_namespace(), &name).to_string()
}
