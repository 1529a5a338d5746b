//! Manufacturer declarations: the format a manufacturer describes a product in, parsing from
//! TOML or JSON with errors that name file, line, column and field, validation against the
//! catalogue, evidence integrity checks, the JSON Schema and per-profile templates.
//!
//! ```no_run
//! let catalog = iotlabel_catalog::load_dir(std::path::Path::new("catalog"))?;
//! let today = jiff::civil::date(2026, 11, 21);
//! let loaded = iotlabel_declaration::load(std::path::Path::new("product.toml"), &catalog, today)?;
//! for warning in &loaded.warnings {
//!     eprintln!("{warning}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod dates;
pub mod evidence;
mod load;
pub mod locate;
pub mod model;
mod parse;
mod problem;
mod schema;
mod template;
mod validate;

pub use evidence::Integrity;
pub use load::{Loaded, MAX_DECLARATION_BYTES, from_text, load};
pub use model::Declaration;
pub use parse::{Source, Syntax, parse};
pub use problem::{DeclarationError, Problem, Severity};
pub use schema::json_schema;
pub use template::{UnknownProfile, template};
pub use validate::{MAX_ITEMS, validate};
