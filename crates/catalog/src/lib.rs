//! The iotlabel catalogue: a versioned, machine-readable baseline of IoT security provisions,
//! with crosswalks to the regimes a manufacturer faces, context profiles, and the knowledge
//! space that technical and policy people share.
//!
//! The catalogue lives as TOML files under `catalog/` (format: `catalog/FORMAT.md`). This crate
//! loads and checks them and answers questions about them. It knows nothing about products,
//! declarations or labels: those crates depend on this one, never the other way round.
//!
//! ```no_run
//! let catalog = iotlabel_catalog::load_dir(std::path::Path::new("catalog"))?;
//! let p = catalog.resolve("5.1-1")?;
//! println!("{} ({}): {}", p.id, p.status, p.plain);
//! for (crosswalk, row) in catalog.rows_for(&p.id) {
//!     println!("  {} {}", crosswalk.id, row.reference);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod catalog;
pub mod condition;
pub mod diff;
mod error;
mod files;
pub mod id;
mod load;
pub mod model;
pub mod query;
pub mod search;
mod snapshot;
pub mod translations;
pub mod weaknesses;

pub use catalog::{Catalog, ResolveError};
pub use condition::Condition;
pub use error::{Diagnostic, LoadError, did_you_mean};
pub use id::ProvisionId;
pub use load::{build, load_dir};
pub use snapshot::Snapshot;
