//! Rendered public pages kept for the requests that dominate traffic: a label page opened from
//! a QR code in a shop. A page is reused only while the log's generation is the one it was
//! rendered at (every change to a label, its findings or its status is a log commit, which
//! moves the generation, so a status change shows on the next request) and for a few seconds
//! at most, so text that depends on the clock (an expiry passing, "checked on" dates) is never
//! older than that. Only pages for visitors who are not signed in and that carry no form are
//! kept: those are the same for everyone asking in the same language.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;

use crate::i18n::Lang;

/// How long a rendered page may be reused at most.
const MAX_AGE: Duration = Duration::from_secs(10);

/// Most pages held; beyond this the cache starts again, so a scan of every label id cannot
/// grow memory without bound.
const MAX_ENTRIES: usize = 20_000;

/// What a page depends on besides the registry: which page, its language and whether links
/// carry the language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// The page's path.
    pub path: String,
    /// Its language.
    pub lang: Lang,
    /// Whether the language came from the URL (links then carry it).
    pub lang_in_url: bool,
}

struct Rendered {
    generation: u64,
    at: Instant,
    html: Bytes,
}

/// Rendered pages by key, each with the log generation it was rendered at.
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<PageKey, Rendered>>,
}

impl PageCache {
    /// The page for `key` if it was rendered at `generation` less than [`MAX_AGE`] ago.
    pub fn get(&self, key: &PageKey, generation: u64) -> Option<Bytes> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|r| r.generation == generation && r.at.elapsed() < MAX_AGE)
            .map(|r| r.html.clone())
    }

    /// Remembers a page rendered from registry state read at `generation` (taken *before*
    /// the reads, so a commit during rendering makes the entry unusable rather than stale).
    pub fn put(&self, key: PageKey, generation: u64, html: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(
            key,
            Rendered {
                generation,
                at: Instant::now(),
                html,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &str) -> PageKey {
        PageKey {
            path: path.to_owned(),
            lang: Lang::En,
            lang_in_url: false,
        }
    }

    #[test]
    fn a_page_is_reused_only_at_its_generation_and_language() {
        let cache = PageCache::default();
        cache.put(key("/L/A"), 3, Bytes::from_static(b"<p>a</p>"));
        assert_eq!(
            cache.get(&key("/L/A"), 3).as_deref(),
            Some(&b"<p>a</p>"[..])
        );
        assert!(cache.get(&key("/L/A"), 4).is_none(), "a commit invalidates");
        assert!(cache.get(&key("/L/B"), 3).is_none());
        let german = PageKey {
            lang: Lang::De,
            ..key("/L/A")
        };
        assert!(cache.get(&german, 3).is_none());
    }
}
