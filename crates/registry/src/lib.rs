//! The iotlabel registry: organisations, accounts, products, declarations, assessments and
//! labels with their lifecycle, stored in SQLite or PostgreSQL, with every issuance, status
//! change, attestation and key change recorded in a transparency log (RFC 9162 Merkle tree,
//! C2SP checkpoints and tiles).
//!
//! Writes go only through the log's sequencer ([`log::Log::append`]), which commits a domain
//! change and its log entries in one transaction; reads go straight to the database.

pub mod auth;
pub mod backup;
pub mod config;
pub mod db;
pub mod disclosure;
mod disclosure_store;
pub mod entry;
pub mod error;
pub mod ids;
pub mod label_cache;
pub mod log;
pub mod model;
pub mod monitor;
pub mod monitor_store;
pub mod registry;
pub mod stats;
pub mod store;
mod vex_export;

pub use config::RegistryConfig;
pub use db::{Backend, Db};
pub use entry::Entry;
pub use error::RegistryError;
pub use log::{Log, Published};
pub use model::{Account, LabelRecord, LabelStatus, Role, StatusEvent};
pub use registry::{Action, Registry, Submitted};
pub use store::LabelQuery;
