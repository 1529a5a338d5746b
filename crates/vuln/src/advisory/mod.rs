//! Advisory ingest: OSV (JSON, YAML; files, directories, zip dumps), CSAF 2.0, the CISA KEV
//! catalogue, and alias merging.

pub mod aliases;
pub mod csaf;
pub mod kev;
mod load;
pub mod model;
pub mod osv;

pub use load::{OsvLoad, Skipped, load as load_osv, load_zip_bytes as load_osv_zip_bytes};
