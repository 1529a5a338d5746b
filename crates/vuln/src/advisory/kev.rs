//! The CISA Known Exploited Vulnerabilities catalogue. It names products in words only, so it
//! joins to packages through CVE ids (see [`crate::AliasGroups`]).

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::advisory::aliases::normalise_id;
use crate::error::{Error, Origin, Position, Warning};
use crate::input::{self, Limits};

/// The catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct KevCatalog {
    /// Title.
    pub title: Option<String>,
    /// Catalogue version (`2025.08.25`).
    pub catalog_version: Option<String>,
    /// When it was released, as written.
    pub date_released: Option<String>,
    /// The entries.
    pub entries: Vec<KevEntry>,
    /// Inconsistencies found (a `count` that differs from the entries, repeated CVEs).
    pub warnings: Vec<Warning>,
    #[serde(skip)]
    by_cve: HashMap<String, usize>,
}

/// One known exploited vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KevEntry {
    /// The CVE id, normalised upper case.
    pub cve_id: String,
    /// Vendor or project.
    pub vendor_project: String,
    /// Product.
    pub product: String,
    /// Short name of the vulnerability.
    pub vulnerability_name: String,
    /// When CISA added it.
    pub date_added: Date,
    /// Description.
    pub short_description: String,
    /// What agencies must do.
    pub required_action: String,
    /// By when (the label suspension clock).
    pub due_date: Option<Date>,
    /// Whether ransomware campaigns are known to use it.
    pub known_ransomware_campaign_use: RansomwareUse,
    /// Notes (often links).
    pub notes: String,
    /// CWE ids.
    pub cwes: Vec<String>,
}

/// KEV's `knownRansomwareCampaignUse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RansomwareUse {
    /// `Known`.
    Known,
    /// `Unknown`.
    Unknown,
    /// Anything else, as written.
    Other(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCatalog {
    title: Option<String>,
    catalog_version: Option<String>,
    date_released: Option<String>,
    count: Option<u64>,
    vulnerabilities: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(default)]
    vendor_project: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    vulnerability_name: String,
    date_added: String,
    #[serde(default)]
    short_description: String,
    #[serde(default)]
    required_action: String,
    due_date: Option<String>,
    known_ransomware_campaign_use: Option<String>,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    cwes: Vec<String>,
}

impl KevCatalog {
    /// Reads the catalogue file.
    pub fn load(path: &Path, limits: &Limits) -> Result<KevCatalog, Error> {
        let bytes = input::read_file(path, limits)?;
        KevCatalog::parse(&bytes, &Origin::file(path), limits)
    }

    /// Reads the catalogue from bytes.
    pub fn parse(bytes: &[u8], origin: &Origin, limits: &Limits) -> Result<KevCatalog, Error> {
        let text = input::text(bytes, origin, limits)?;
        let raw: RawCatalog = input::from_json(text, origin, limits)?;
        let mut warnings = Vec::new();
        let mut entries = Vec::with_capacity(raw.vulnerabilities.len());
        let mut by_cve = HashMap::with_capacity(raw.vulnerabilities.len());
        for (i, e) in raw.vulnerabilities.into_iter().enumerate() {
            let path = format!("vulnerabilities[{i}]");
            let cve_id = normalise_id(&e.cve_id);
            if !cve_id.starts_with("CVE-") {
                return Err(Error::invalid(
                    origin,
                    Position::path(format!("{path}.cveID")),
                    format!("`{}` is not a CVE id", e.cve_id),
                    "KEV entries are keyed by CVE ids such as CVE-2021-44228",
                ));
            }
            let date = |field: &str, text: &str| -> Result<Date, Error> {
                text.trim().parse::<Date>().map_err(|_| {
                    Error::invalid(
                        origin,
                        Position::path(format!("{path}.{field}")),
                        format!("`{text}` is not a date ({cve_id})"),
                        "KEV dates are written YYYY-MM-DD",
                    )
                })
            };
            let date_added = date("dateAdded", &e.date_added)?;
            let due_date = match e.due_date.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(t) => Some(date("dueDate", t)?),
            };
            let known_ransomware_campaign_use =
                match e.known_ransomware_campaign_use.as_deref().map(str::trim) {
                    Some("Known") => RansomwareUse::Known,
                    Some("Unknown") | None => RansomwareUse::Unknown,
                    Some(other) => RansomwareUse::Other(other.to_string()),
                };
            if by_cve.insert(cve_id.clone(), entries.len()).is_some() {
                warnings.push(Warning::at(
                    &path,
                    format!("{cve_id} is listed twice; the later entry is used"),
                ));
            }
            entries.push(KevEntry {
                cve_id,
                vendor_project: e.vendor_project,
                product: e.product,
                vulnerability_name: e.vulnerability_name,
                date_added,
                short_description: e.short_description,
                required_action: e.required_action,
                due_date,
                known_ransomware_campaign_use,
                notes: e.notes,
                cwes: e.cwes,
            });
        }
        if let Some(count) = raw.count
            && count != entries.len() as u64
        {
            warnings.push(Warning::at(
                "count",
                format!(
                    "`count` says {count}, the catalogue lists {}",
                    entries.len()
                ),
            ));
        }
        Ok(KevCatalog {
            title: raw.title,
            catalog_version: raw.catalog_version,
            date_released: raw.date_released,
            entries,
            warnings,
            by_cve,
        })
    }

    /// The entry for a CVE id (any case).
    pub fn get(&self, cve: &str) -> Option<&KevEntry> {
        self.by_cve
            .get(&normalise_id(cve))
            .and_then(|&i| self.entries.get(i))
    }

    /// Whether a CVE id is known exploited.
    pub fn contains(&self, cve: &str) -> bool {
        self.get(cve).is_some()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
