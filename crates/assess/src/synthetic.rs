//! Generated declarations for benchmarks: a whole registry's worth of varied products, made
//! deterministically from a seed so that runs are comparable.

use std::collections::BTreeMap;

use iotlabel_catalog::Catalog;
use iotlabel_declaration::Integrity;
use iotlabel_declaration::dates::{Day, YearMonth};
use iotlabel_declaration::model::{
    Authentication, Claim, Declaration, DefaultPassword, Delivery, Evidence, FORMAT, Manufacturer,
    Producer, Product, Scope, Support, Support3, Updates, VulnerabilityDisclosure,
};

use crate::input::EvidenceState;

/// A small, fast, deterministic generator (xorshift64*); statistical quality is irrelevant here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A generated declaration with the state of its evidence.
pub struct Generated {
    /// The declaration.
    pub declaration: Declaration,
    /// Evidence states by id.
    pub evidence: BTreeMap<String, EvidenceState>,
    /// A stand-in digest.
    pub digest: String,
}

/// Generates `count` declarations against the catalogue's profiles.
pub fn generate(catalog: &Catalog, count: usize, seed: u64) -> Vec<Generated> {
    (0..count).map(|i| generate_one(catalog, i, seed)).collect()
}

/// Generates the `i`-th declaration of a run; independent of the others, so callers can
/// generate in parallel and still get the same set.
pub fn generate_one(catalog: &Catalog, i: usize, seed: u64) -> Generated {
    let mut rng = Rng((seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)).max(1));
    rng.next();
    let profiles: Vec<&str> = catalog.profiles.iter().map(|p| p.id.as_str()).collect();
    let features: Vec<&str> = catalog.features.iter().map(|f| f.id.as_str()).collect();
    let date = Day(jiff::civil::date(2026, 10, 1));
    {
        {
            let profile =
                profiles[usize::try_from(rng.next() % profiles.len().max(1) as u64).unwrap_or(0)];
            let mut feature_map = BTreeMap::new();
            for f in &features {
                feature_map.insert((*f).to_owned(), rng.chance(50));
            }
            let selected = catalog
                .profile(profile)
                .map(|p| p.provisions.clone())
                .unwrap_or_default();
            let mut claims = Vec::new();
            let mut evidence = Vec::new();
            let mut states = BTreeMap::new();
            for (j, id) in selected.iter().enumerate() {
                let Some(p) = catalog.provision(id) else {
                    continue;
                };
                if p.automatic.is_some() || rng.chance(1) {
                    continue;
                }
                // Manufacturers mostly meet requirements and skip some recommendations.
                let mandatory = p.modality == iotlabel_catalog::model::Modality::Mandatory;
                let (yes, no) = if mandatory { (97, 2) } else { (75, 20) };
                let roll = rng.next() % 100;
                let support = if roll < yes {
                    Support3::Yes
                } else if roll < yes + no {
                    Support3::No
                } else {
                    Support3::NotApplicable
                };
                claims.push(Claim {
                    provision: id.to_string(),
                    support,
                    justification: rng.chance(80).then(|| "Generated justification".to_owned()),
                });
                if support == Support3::Yes {
                    let ev_id = format!("e{j}");
                    let assessor = rng.chance(20);
                    evidence.push(Evidence {
                        id: ev_id.clone(),
                        kind: p.evidence[usize::try_from(
                            rng.next() % p.evidence.len().max(1) as u64,
                        )
                        .unwrap_or(0)],
                        title: format!("Evidence {j}"),
                        path: Some(format!("evidence/{j}.md")),
                        url: None,
                        sha256: "0".repeat(64),
                        producer: if assessor {
                            Producer::Assessor
                        } else {
                            Producer::Manufacturer
                        },
                        assessor: assessor.then(|| "Generated Lab".to_owned()),
                        date,
                        provisions: vec![id.to_string()],
                        component: None,
                    });
                    let integrity = if rng.chance(99) {
                        Integrity::Verified
                    } else {
                        Integrity::Mismatch {
                            actual: "f".repeat(64),
                        }
                    };
                    states.insert(
                        ev_id,
                        EvidenceState {
                            integrity,
                            attested: assessor,
                        },
                    );
                }
            }
            let declaration = Declaration {
                format: FORMAT.to_owned(),
                scope: Scope::Device,
                profiles: vec![profile.to_owned()],
                catalog_version: None,
                manufacturer: Manufacturer {
                    legal_name: format!("Maker {} Ltd", i % 997),
                    address: "1 Generated Street".into(),
                    security_contact: "security@maker.example".into(),
                    website: None,
                },
                product: Some(Product {
                    brand: format!("Brand{}", i % 101),
                    model: format!("Model {i}"),
                    category: "generated".into(),
                    hardware_version: "1".into(),
                    software_version: format!("1.{}", i % 50),
                    identifiers: Vec::new(),
                    intended_use: "Benchmark".into(),
                    sensing: Vec::new(),
                    firmware: Vec::new(),
                }),
                features: feature_map,
                authentication: Some(Authentication {
                    mechanism: "Generated".into(),
                    default_password: if rng.chance(2) {
                        DefaultPassword::Universal
                    } else {
                        DefaultPassword::UserDefined
                    },
                    brute_force_protection: None,
                }),
                updates: Some(Updates {
                    mechanism: "Generated".into(),
                    delivery: Delivery::Network,
                    automatic: true,
                    signed: true,
                }),
                support: rng.chance(95).then(|| Support {
                    period_end: YearMonth {
                        last_day: jiff::civil::date(2030, 12, 31),
                        month_only: true,
                    },
                    published_at: None,
                }),
                vulnerability_disclosure: Some(VulnerabilityDisclosure {
                    policy_url: Some("https://maker.example/security".into()),
                    contact: "security@maker.example".into(),
                    acknowledge_within_days: Some(7),
                    status_update_within_days: Some(30),
                }),
                data_practices: Vec::new(),
                process: None,
                claims,
                components: Vec::new(),
                evidence,
            };
            Generated {
                declaration,
                evidence: states,
                digest: format!("{i:064x}"),
            }
        }
    }
}
