//! Deterministic ids: the same product always gets the same id, so concurrent submissions of
//! one product cannot create two records of it.

use sha2::{Digest, Sha256};

fn digest_id(prefix: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.trim().to_lowercase().as_bytes());
        h.update([0u8]);
    }
    format!("{prefix}_{}", &hex::encode(h.finalize())[..20])
}

/// A product's id from its brand and model.
pub fn product_id(brand: &str, model: &str) -> String {
    digest_id("prd", &[brand, model])
}

/// A product version's id.
pub fn version_id(product_id: &str, hardware: &str, software: &str) -> String {
    digest_id("ver", &[product_id, hardware, software])
}
