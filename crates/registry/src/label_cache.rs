//! Label records kept in memory for the public reads that dominate traffic (a QR code scanned
//! in a shop asks for one label's status). An entry is used only while the log's
//! [`generation`](crate::log::Log::generation) is the one it was read at: every change to a
//! label is committed by the sequencer, which moves the generation, so a cached record can be
//! stale by no more than the commit that is being answered at that moment.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::model::LabelRecord;

/// Most records held; beyond this the cache starts again (a registry's hot set is far smaller,
/// and a scan of every id must not grow memory without bound).
const MAX_ENTRIES: usize = 100_000;

/// Label records by id, each with the generation it was read at.
#[derive(Default)]
pub struct LabelCache {
    entries: RwLock<HashMap<String, (u64, Arc<LabelRecord>)>>,
}

impl LabelCache {
    /// The record for `id` if it was read at `generation`.
    pub fn get(&self, id: &str, generation: u64) -> Option<Arc<LabelRecord>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        match entries.get(id) {
            Some((g, record)) if *g == generation => Some(record.clone()),
            _ => None,
        }
    }

    /// Remembers a record read at `generation` (the generation taken *before* the read).
    pub fn put(&self, record: Arc<LabelRecord>, generation: u64) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&record.id) {
            entries.clear();
        }
        entries.insert(record.id.clone(), (generation, record));
    }
}
