//! Continuous vulnerability monitoring in the registry: advisories, the KEV catalogue, SBOMs and
//! VEX statements go into an in-memory [`Matcher`]; the findings it returns are stored per
//! product version, and the known-exploited rule acts on labels through the lifecycle.
//!
//! The rule (docs/registry.md, "Vulnerabilities"): a finding counts against a label when its
//! vulnerability is in the CISA KEV catalogue and it is neither fixed nor covered by a justified
//! not-affected VEX statement. A label with such findings is flagged at once (a
//! `vulnerability-flagged` log entry with the deadline) and suspended by the sweep when the
//! deadline passes: the KEV due date when it is still ahead, otherwise `kev_grace_days` after
//! the flag. When no such finding remains, the flag is cleared (`vulnerability-cleared`) and a
//! label the rule suspended is reinstated. Other findings are shown, not acted on.
//!
//! The matcher is rebuilt from the stored inputs at start; a lock serialises the operations so
//! that the stored findings always follow the matcher's order of events.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use iotlabel_match::{Finding, FindingStatus, Matcher, ProductVersionId};
use iotlabel_vuln::{CsafDocument, KevCatalog, Limits, Origin, VexDocument, Vulnerability};
use jiff::Timestamp;
use serde::Serialize;
use tokio::sync::Mutex;

use crate::entry::Entry;
use crate::error::RegistryError;
use crate::log::Append;
use crate::model::{Account, LabelRecord, LabelStatus, Role};
use crate::monitor_store::{self as ms, FindingRow, MonitorWrite};
use crate::registry::{Registry, entry, now_secs, require, sha256_hex};
use crate::store::{self, Write};

/// The matcher and the limits for outside documents.
pub struct Monitor {
    pub(crate) matcher: Mutex<Matcher>,
    pub(crate) limits: Limits,
    /// The weakness classes of vulnerabilities, kept with the matcher (rebuilt with it).
    cwes: std::sync::RwLock<crate::stats::CweIndex>,
}

impl Monitor {
    /// An empty monitor; uploads are bounded by `max_upload_bytes` as well as the parsers' own
    /// limits.
    pub fn new(max_upload_bytes: usize) -> Self {
        let limits = Limits {
            max_document_bytes: max_upload_bytes as u64,
            ..Limits::default()
        };
        Self {
            matcher: Mutex::new(Matcher::new()),
            limits,
            cwes: Default::default(),
        }
    }
}

/// What one monitoring operation did to findings and labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonitorOutcome {
    /// Product versions whose findings changed.
    pub product_versions: Vec<String>,
    /// Findings that appeared.
    pub findings_new: usize,
    /// Findings that disappeared.
    pub findings_resolved: usize,
    /// Findings whose details or status changed.
    pub findings_updated: usize,
    /// Labels the known-exploited rule flagged.
    pub labels_flagged: Vec<String>,
    /// Labels whose flag was cleared.
    pub labels_cleared: Vec<String>,
    /// Labels reinstated because the rule no longer applies.
    pub labels_reinstated: Vec<String>,
}

/// The result of an advisory import.
#[derive(Debug, Clone, Serialize)]
pub struct AdvisoryImport {
    /// SHA-256 of the document.
    pub sha256: String,
    /// `osv` or `csaf`.
    pub format: String,
    /// Whether this exact document was imported before (then nothing was done).
    pub already_imported: bool,
    /// Records the document held.
    pub records: usize,
    /// Ids of records new to the registry.
    pub new: Vec<String>,
    /// Ids of records that replaced an older version.
    pub updated: Vec<String>,
    /// Records already held in this version.
    pub unchanged: usize,
    /// Records withdrawn.
    pub withdrawn: Vec<String>,
    /// Problems that did not stop the import (unusable ranges, ...).
    pub problems: Vec<String>,
    /// What changed.
    pub outcome: MonitorOutcome,
}

/// The result of registering an SBOM, a VEX document or a KEV catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Registered {
    /// SHA-256 of the document.
    pub sha256: String,
    /// Its format.
    pub format: String,
    /// Components (SBOM), statements (VEX) or entries (KEV).
    pub items: usize,
    /// What changed.
    pub outcome: MonitorOutcome,
}

/// A label's vulnerabilities, for the public record.
#[derive(Debug, Clone, Serialize)]
pub struct LabelVulnerabilities {
    /// Whether an SBOM is registered for the label's product version (without one the registry
    /// cannot watch it).
    pub monitored: bool,
    /// Findings that still count against the product (affected or under investigation).
    pub open: usize,
    /// Open findings of known-exploited vulnerabilities.
    pub exploited: usize,
    /// When the known-exploited rule flagged the label.
    pub flagged_at: Option<Timestamp>,
    /// When the label will be suspended unless the flagged vulnerabilities are resolved.
    pub suspend_at: Option<Timestamp>,
    /// In plain words.
    pub summary: String,
    /// The findings (the matcher's `Finding` as stored), open ones first.
    pub findings: Vec<serde_json::Value>,
}

/// A document to keep verbatim, with the monitoring record that names it.
struct StoredDocument {
    sha256: String,
    media_type: &'static str,
    bytes: Vec<u8>,
    record: MonitorWrite,
}

/// A format's name as the API spells it (its serde form).
fn format_name(format: impl Serialize + std::fmt::Debug) -> String {
    serde_json::to_value(&format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{format:?}"))
}

/// A finding the known-exploited rule acts on: listed in KEV, not fixed, not justified as not
/// affecting the product.
fn counts_for_rule(f: &Finding) -> bool {
    f.exploited.is_some()
        && !matches!(f.status, FindingStatus::Fixed)
        && !f.status.is_justified_not_affected()
}

fn status_name(s: &FindingStatus) -> &'static str {
    match s {
        FindingStatus::Affected => "affected",
        FindingStatus::NotAffected { .. } => "not_affected",
        FindingStatus::Fixed => "fixed",
        FindingStatus::UnderInvestigation => "under_investigation",
    }
}

fn invalid_document(what: &str, e: impl std::fmt::Display) -> RegistryError {
    RegistryError::invalid(format!("{what}: {e}"))
}

fn pv_id(id: &str) -> Result<ProductVersionId, RegistryError> {
    ProductVersionId::new(id).map_err(|e| RegistryError::Config(e.to_string()))
}

/// Reads advisory records from an uploaded document: an OSV zip dump, a CSAF 2.0 document, or
/// OSV JSON / YAML (one record, an array, or an API response).
fn parse_advisories(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(String, Vec<Vulnerability>), RegistryError> {
    if iotlabel_vuln::looks_like_zip(bytes) {
        let load = iotlabel_vuln::load_osv_zip_bytes(bytes, Path::new("upload.zip"), limits)
            .map_err(|e| invalid_document("the OSV zip dump", e))?;
        if load.records.is_empty() {
            return Err(RegistryError::invalid(format!(
                "the OSV zip dump holds no OSV records ({} of its entries are not .json, .yaml or .yml files); zip the record files themselves",
                load.skipped.len()
            )));
        }
        return Ok(("osv".into(), load.records));
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if String::from_utf8_lossy(head).contains("\"csaf_version\"") {
        let doc = CsafDocument::parse(bytes, &Origin::memory("the CSAF document"), limits)
            .map_err(|e| invalid_document("the CSAF document", e))?;
        return Ok(("csaf".into(), doc.to_vulnerabilities()));
    }
    let records =
        iotlabel_vuln::advisory::osv::parse(bytes, &Origin::memory("the OSV document"), limits)
            .map_err(|e| invalid_document("the OSV document", e))?;
    Ok(("osv".into(), records))
}

impl Registry {
    /// Rebuilds the matcher from the stored inputs and brings the stored findings and label
    /// flags in line with it (normally nothing to change). Called by [`Registry::open`].
    pub(crate) async fn start_monitor(&self, now: Timestamp) -> Result<(), RegistryError> {
        let mut matcher = self.monitor.matcher.lock().await;
        *matcher = self.load_matcher().await?;
        let mut versions: BTreeSet<String> = ms::sboms(&self.db.pool)
            .await?
            .into_iter()
            .map(|(pv, _)| pv)
            .collect();
        versions.extend(ms::versions_with_findings(&self.db.pool).await?);
        let mut append = Append::default();
        let outcome = self.settle(&matcher, versions, &mut append, now).await?;
        if !append.writes.is_empty() {
            tracing::warn!(
                product_versions = outcome.product_versions.len(),
                "stored findings differed from the rebuilt matcher; brought in line"
            );
            self.log.append(append).await?;
        }
        Ok(())
    }

    /// A matcher built from the stored advisory documents, SBOMs, VEX documents and KEV
    /// catalogue: what the registry knows, independent of what is in memory.
    async fn load_matcher(&self) -> Result<Matcher, RegistryError> {
        let pool = &self.db.pool;
        let limits = self.monitor.limits.clone();
        let mut records = Vec::new();
        for (sha, _) in ms::advisory_documents(pool).await? {
            let bytes = self.stored_blob(&sha).await?;
            records.extend(parse_advisories(&bytes, &limits)?.1);
        }
        let mut sboms = Vec::new();
        for (pv, sha) in ms::sboms(pool).await? {
            let bytes = self.stored_blob(&sha).await?;
            let sbom = iotlabel_vuln::sbom::parse(&bytes, &Origin::memory(&sha), &limits)
                .map_err(|e| invalid_document("a stored SBOM", e))?;
            sboms.push((pv_id(&pv)?, sbom));
        }
        let mut cwes = crate::stats::CweIndex::default();
        cwes.add_records(&records);
        let mut matcher = Matcher::new();
        matcher.add_advisories(&records);
        matcher.add_sboms(sboms.iter().map(|(pv, s)| (pv, s)));
        for (pv, sha) in ms::vex_documents(pool).await? {
            let bytes = self.stored_blob(&sha).await?;
            let doc = VexDocument::parse(&bytes, &Origin::memory(&sha), &limits)
                .map_err(|e| invalid_document("a stored VEX document", e))?;
            matcher
                .add_vex(&pv_id(&pv)?, &doc.statements)
                .map_err(|e| RegistryError::Config(e.to_string()))?;
        }
        if let Some(sha) = ms::kev_catalog(pool).await? {
            let bytes = self.stored_blob(&sha).await?;
            let kev = KevCatalog::parse(&bytes, &Origin::memory(&sha), &limits)
                .map_err(|e| invalid_document("the stored KEV catalogue", e))?;
            matcher.set_kev(&kev);
            cwes.set_kev(&kev);
        }
        *self.monitor.cwes.write().unwrap_or_else(|e| e.into_inner()) = cwes;
        Ok(matcher)
    }

    /// Stores a document verbatim with the record that names it, brings the findings of
    /// `versions` in line with the (already updated) matcher, applies the known-exploited rule,
    /// and commits it all as one log append. If that fails, nothing was stored, so the matcher
    /// is rebuilt from storage rather than left ahead of it.
    async fn commit_document(
        &self,
        matcher: &mut Matcher,
        document: StoredDocument,
        versions: BTreeSet<String>,
        now: Timestamp,
    ) -> Result<MonitorOutcome, RegistryError> {
        let mut append = Append::default();
        append.writes.push(Write::Blob {
            sha256: document.sha256,
            media_type: document.media_type.into(),
            data: document.bytes,
        });
        append.writes.push(Write::Monitor(document.record));
        let committed = match self.settle(matcher, versions, &mut append, now).await {
            Ok(outcome) => self.log.append(append).await.map(|_| outcome),
            Err(e) => Err(e),
        };
        if committed.is_err() {
            match self.load_matcher().await {
                Ok(stored) => *matcher = stored,
                Err(e) => {
                    tracing::error!(error = %e, "could not rebuild the matcher after a failed commit; findings may run ahead of storage until restart")
                }
            }
        }
        committed
    }

    async fn stored_blob(&self, sha: &str) -> Result<Vec<u8>, RegistryError> {
        store::blob(&self.db.pool, sha)
            .await?
            .map(|(_, data)| data)
            .ok_or_else(|| RegistryError::Tampered(format!("blob {sha} is referenced but missing")))
    }

    /// The scheme operator imports an advisory document (OSV JSON, YAML or zip dump; CSAF 2.0).
    /// Importing the same bytes again changes nothing; a record already held is replaced only
    /// by a newer `modified`.
    pub async fn import_advisories(
        &self,
        actor: &Account,
        bytes: Vec<u8>,
        now: Timestamp,
    ) -> Result<AdvisoryImport, RegistryError> {
        require(actor, Role::Operator)?;
        self.check_size(&bytes)?;
        let sha = sha256_hex(&bytes);
        let (format, records) = parse_advisories(&bytes, &self.monitor.limits)?;
        let mut matcher = self.monitor.matcher.lock().await;
        if ms::has_advisory_document(&self.db.pool, &sha).await? {
            return Ok(AdvisoryImport {
                sha256: sha,
                format,
                already_imported: true,
                records: records.len(),
                new: Vec::new(),
                updated: Vec::new(),
                unchanged: records.len(),
                withdrawn: Vec::new(),
                problems: Vec::new(),
                outcome: MonitorOutcome::default(),
            });
        }
        let changes = matcher.add_advisories(&records);
        self.monitor
            .cwes
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .add_records(&records);
        let document = StoredDocument {
            sha256: sha.clone(),
            media_type: if format == "csaf" {
                "application/csaf+json"
            } else {
                "application/vnd.osv"
            },
            bytes,
            record: MonitorWrite::AdvisoryDocument {
                sha256: sha.clone(),
                format: format.clone(),
                records: i64::try_from(records.len()).unwrap_or(i64::MAX),
                imported_by: actor.name.clone(),
            },
        };
        let versions = changes
            .products
            .keys()
            .map(|pv| pv.as_str().to_owned())
            .collect();
        let outcome = self
            .commit_document(&mut matcher, document, versions, now)
            .await?;
        let import = changes.import;
        Ok(AdvisoryImport {
            sha256: sha,
            format,
            already_imported: false,
            records: records.len(),
            new: import.new,
            updated: import.updated,
            unchanged: import.unchanged.len() + import.stale.len(),
            withdrawn: import.withdrawn,
            problems: import
                .problems
                .into_iter()
                .map(|p| format!("{}: {}", p.record, p.message))
                .collect(),
            outcome,
        })
    }

    /// The scheme operator replaces the CISA KEV catalogue; findings' exploited flags follow.
    pub async fn import_kev(
        &self,
        actor: &Account,
        bytes: Vec<u8>,
        now: Timestamp,
    ) -> Result<Registered, RegistryError> {
        require(actor, Role::Operator)?;
        self.check_size(&bytes)?;
        let sha = sha256_hex(&bytes);
        let kev = KevCatalog::parse(
            &bytes,
            &Origin::memory("the KEV catalogue"),
            &self.monitor.limits,
        )
        .map_err(|e| invalid_document("the KEV catalogue", e))?;
        let mut matcher = self.monitor.matcher.lock().await;
        if ms::kev_catalog(&self.db.pool).await?.as_deref() == Some(sha.as_str()) {
            return Ok(Registered {
                sha256: sha,
                format: "cisa-kev".into(),
                items: kev.entries.len(),
                outcome: MonitorOutcome::default(),
            });
        }
        let changed = matcher.set_kev(&kev);
        self.monitor
            .cwes
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .set_kev(&kev);
        let document = StoredDocument {
            sha256: sha.clone(),
            media_type: "application/json",
            bytes,
            record: MonitorWrite::Kev {
                sha256: sha.clone(),
                catalog_version: kev.catalog_version.clone().unwrap_or_default(),
                entries: i64::try_from(kev.entries.len()).unwrap_or(i64::MAX),
            },
        };
        let versions = changed
            .iter()
            .map(|c| c.after.product_version.as_str().to_owned())
            .collect();
        let outcome = self
            .commit_document(&mut matcher, document, versions, now)
            .await?;
        Ok(Registered {
            sha256: sha,
            format: "cisa-kev".into(),
            items: kev.entries.len(),
            outcome,
        })
    }

    /// The manufacturer registers the SBOM of a labelled product version (replacing any earlier
    /// one); returns what the registry now finds in it.
    pub async fn register_sbom(
        &self,
        actor: &Account,
        label_id: &str,
        bytes: Vec<u8>,
        now: Timestamp,
    ) -> Result<Registered, RegistryError> {
        let pv = self.own_version(actor, label_id).await?;
        self.check_size(&bytes)?;
        let sha = sha256_hex(&bytes);
        let sbom =
            iotlabel_vuln::sbom::parse(&bytes, &Origin::memory("the SBOM"), &self.monitor.limits)
                .map_err(|e| invalid_document("the SBOM", e))?;
        if sbom.components.is_empty() {
            let skipped: Vec<String> = sbom
                .warnings
                .iter()
                .take(3)
                .map(|w| w.to_string())
                .collect();
            return Err(RegistryError::invalid(format!(
                "the SBOM lists no usable component, so there is nothing to watch{}",
                if skipped.is_empty() {
                    String::new()
                } else {
                    format!(" (the reader skipped: {})", skipped.join("; "))
                }
            )));
        }
        let pvid = pv_id(&pv)?;
        let mut matcher = self.monitor.matcher.lock().await;
        matcher.add_sbom(&pvid, &sbom);
        let format = format_name(sbom.format);
        let document = StoredDocument {
            sha256: sha.clone(),
            media_type: "application/octet-stream",
            bytes,
            record: MonitorWrite::Sbom {
                product_version_id: pv.clone(),
                sha256: sha.clone(),
                format: format.clone(),
                components: i64::try_from(sbom.components.len()).unwrap_or(i64::MAX),
            },
        };
        let outcome = self
            .commit_document(&mut matcher, document, BTreeSet::from([pv]), now)
            .await?;
        Ok(Registered {
            sha256: sha,
            format,
            items: sbom.components.len(),
            outcome,
        })
    }

    /// The manufacturer adds a VEX document (CycloneDX VEX, OpenVEX, CSAF VEX) for a labelled
    /// product version whose SBOM is registered.
    pub async fn register_vex(
        &self,
        actor: &Account,
        label_id: &str,
        bytes: Vec<u8>,
        now: Timestamp,
    ) -> Result<Registered, RegistryError> {
        let pv = self.own_version(actor, label_id).await?;
        self.check_size(&bytes)?;
        let sha = sha256_hex(&bytes);
        let doc = VexDocument::parse(
            &bytes,
            &Origin::memory("the VEX document"),
            &self.monitor.limits,
        )
        .map_err(|e| invalid_document("the VEX document", e))?;
        let pvid = pv_id(&pv)?;
        let mut matcher = self.monitor.matcher.lock().await;
        if matcher.report(&pvid).is_none() {
            return Err(RegistryError::Conflict(format!(
                "label {label_id}'s product version has no SBOM; register one (PUT .../sbom) before VEX statements about it"
            )));
        }
        matcher
            .add_vex(&pvid, &doc.statements)
            .map_err(|e| RegistryError::Conflict(e.to_string()))?;
        let format = format_name(doc.format);
        let document = StoredDocument {
            sha256: sha.clone(),
            media_type: "application/json",
            bytes,
            record: MonitorWrite::Vex {
                product_version_id: pv.clone(),
                sha256: sha.clone(),
                format: format.clone(),
                statements: i64::try_from(doc.statements.len()).unwrap_or(i64::MAX),
            },
        };
        let outcome = self
            .commit_document(&mut matcher, document, BTreeSet::from([pv]), now)
            .await?;
        Ok(Registered {
            sha256: sha,
            format,
            items: doc.statements.len(),
            outcome,
        })
    }

    /// A label's vulnerabilities as the public record shows them.
    pub async fn label_vulnerabilities(
        &self,
        label: &LabelRecord,
    ) -> Result<LabelVulnerabilities, RegistryError> {
        let pv = ms::version_of_label(&self.db.pool, &label.id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("label {}", label.id)))?;
        let monitored = ms::has_sbom(&self.db.pool, &pv).await?;
        let mut rows = ms::findings(&self.db.pool, &pv).await?;
        rows.sort_by_key(|r| (!r.open, r.exploited_cve.is_none()));
        let open = rows.iter().filter(|r| r.open).count();
        let exploited = rows
            .iter()
            .filter(|r| r.open && r.exploited_cve.is_some())
            .count();
        let flagged_at = label
            .vuln_flagged_at
            .and_then(|s| Timestamp::from_second(s).ok());
        let suspend_at = label
            .vuln_deadline
            .and_then(|s| Timestamp::from_second(s).ok());
        let summary = plain_summary(monitored, open, exploited, label, suspend_at);
        let findings = rows
            .iter()
            .filter_map(|r| serde_json::from_str(&r.detail).ok())
            .collect();
        Ok(LabelVulnerabilities {
            monitored,
            open,
            exploited,
            flagged_at,
            suspend_at,
            summary,
            findings,
        })
    }

    /// Suspends active labels whose known-exploited deadline has passed. Returns their ids.
    pub(crate) async fn sweep_vulnerabilities(
        &self,
        now: Timestamp,
    ) -> Result<Vec<String>, RegistryError> {
        let mut changed = Vec::new();
        for label in ms::labels_past_vuln_deadline(&self.db.pool, now_secs(now)).await? {
            let pv = ms::version_of_label(&self.db.pool, &label.id)
                .await?
                .unwrap_or_default();
            let open: Vec<String> = ms::findings(&self.db.pool, &pv)
                .await?
                .into_iter()
                .filter(|r| r.open && r.exploited_cve.is_some())
                .map(|r| r.vulnerability)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let reason = format!(
                "suspended: known exploited {} {} not fixed by the deadline; publish a fixed version or a justified VEX statement to have it reinstated",
                if open.len() == 1 {
                    "vulnerability"
                } else {
                    "vulnerabilities"
                },
                open.join(", ")
            );
            let mut append = Append::default();
            push_status(&mut append, &label, LabelStatus::Suspended, &reason, now);
            append
                .writes
                .push(Write::Monitor(MonitorWrite::RuleSuspended {
                    label_id: label.id.clone(),
                    suspended: true,
                }));
            match self.log.append(append).await {
                Ok(_) => changed.push(label.id),
                Err(RegistryError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(changed)
    }

    fn check_size(&self, bytes: &[u8]) -> Result<(), RegistryError> {
        if bytes.len() > self.config.max_upload_bytes {
            return Err(RegistryError::invalid(format!(
                "{} bytes; at most {} are accepted (registry.max_upload_bytes)",
                bytes.len(),
                self.config.max_upload_bytes
            )));
        }
        Ok(())
    }

    /// The product version of a label the manufacturer `actor` owns.
    async fn own_version(&self, actor: &Account, label_id: &str) -> Result<String, RegistryError> {
        require(actor, Role::Manufacturer)?;
        let label = self.label(label_id).await?;
        let owner = store::product_owner(&self.db.pool, &label.product_id).await?;
        if owner.as_deref() != Some(actor.organisation_id.as_str()) {
            return Err(RegistryError::Forbidden(format!(
                "label {label_id} belongs to another manufacturer"
            )));
        }
        ms::version_of_label(&self.db.pool, label_id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("label {label_id}")))
    }

    /// Brings the stored findings of `versions` in line with the matcher and applies the
    /// known-exploited rule to their live labels, adding the writes and entries to `append`.
    async fn settle(
        &self,
        matcher: &Matcher,
        versions: BTreeSet<String>,
        append: &mut Append,
        now: Timestamp,
    ) -> Result<MonitorOutcome, RegistryError> {
        let mut outcome = MonitorOutcome::default();
        let at = now_secs(now);
        for pv in versions {
            let findings = matcher.findings(&pv_id(&pv)?);
            let stored: BTreeMap<(String, String), FindingRow> = ms::findings(&self.db.pool, &pv)
                .await?
                .into_iter()
                .map(|r| ((r.component_ref.clone(), r.vulnerability.clone()), r))
                .collect();
            let mut upsert = Vec::new();
            let mut seen = BTreeSet::new();
            for f in &findings {
                let key = (f.component.reference.clone(), f.vulnerability.to_string());
                if !seen.insert(key.clone()) {
                    continue;
                }
                let detail = serde_json::to_string(f)
                    .map_err(|e| RegistryError::Config(format!("finding as JSON: {e}")))?;
                let before = stored.get(&key);
                let cwes = self
                    .monitor
                    .cwes
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .of(f);
                if before.is_some_and(|b| b.detail == detail && b.cwes == cwes) {
                    continue;
                }
                match before {
                    Some(_) => outcome.findings_updated += 1,
                    None => outcome.findings_new += 1,
                }
                upsert.push(FindingRow {
                    component_ref: key.0,
                    vulnerability: key.1,
                    status: status_name(&f.status).into(),
                    open: f.status.is_open(),
                    exploited_cve: f.exploited.as_ref().map(|e| e.cve.clone()),
                    kev_due: f
                        .exploited
                        .as_ref()
                        .and_then(|e| e.due_date)
                        .map(|d| d.to_string()),
                    first_seen: before.map_or(at, |b| b.first_seen),
                    detail,
                    cwes,
                });
            }
            let remove: Vec<(String, String)> = stored
                .keys()
                .filter(|k| !seen.contains(*k))
                .cloned()
                .collect();
            outcome.findings_resolved += remove.len();
            // Unchanged findings still go through the rule below: at start, a label's flag may
            // lag behind findings stored before a crash.
            if !(upsert.is_empty() && remove.is_empty()) {
                outcome.product_versions.push(pv.clone());
                append.writes.push(Write::Monitor(MonitorWrite::Findings {
                    product_version_id: pv.clone(),
                    upsert,
                    remove,
                }));
            }
            let rule: Vec<&Finding> = findings.iter().filter(|f| counts_for_rule(f)).collect();
            for label in ms::live_labels_of_version(&self.db.pool, &pv).await? {
                self.apply_rule(&label, &rule, append, &mut outcome, now);
            }
        }
        Ok(outcome)
    }

    fn apply_rule(
        &self,
        label: &LabelRecord,
        rule: &[&Finding],
        append: &mut Append,
        outcome: &mut MonitorOutcome,
        now: Timestamp,
    ) {
        let at = now_secs(now);
        match (rule.is_empty(), label.vuln_flagged_at) {
            (false, None) => {
                let grace = at + self.config.kev_grace_days * 86_400;
                let deadline = rule
                    .iter()
                    .map(|f| {
                        f.exploited
                            .as_ref()
                            .and_then(|e| e.due_date)
                            .and_then(|d| d.tomorrow().ok())
                            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                            .map(|z| z.timestamp().as_second())
                            .filter(|due| *due > at)
                            .unwrap_or(grace)
                    })
                    .min()
                    .unwrap_or(grace);
                let vulnerabilities: Vec<String> = rule
                    .iter()
                    .map(|f| f.vulnerability.to_string())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                append.entries.push(entry(&Entry::VulnerabilityFlagged {
                    label: label.id.clone(),
                    vulnerabilities,
                    suspend_at: deadline,
                    at,
                }));
                append.writes.push(Write::Monitor(MonitorWrite::Flag {
                    label_id: label.id.clone(),
                    flag: Some((at, deadline)),
                }));
                outcome.labels_flagged.push(label.id.clone());
            }
            (true, Some(_)) => {
                let reason = "no known exploited vulnerability remains open: fixed, justified as not affecting the product, or no longer listed".to_owned();
                append.entries.push(entry(&Entry::VulnerabilityCleared {
                    label: label.id.clone(),
                    reason: reason.clone(),
                    at,
                }));
                append.writes.push(Write::Monitor(MonitorWrite::Flag {
                    label_id: label.id.clone(),
                    flag: None,
                }));
                outcome.labels_cleared.push(label.id.clone());
                if label.status == LabelStatus::Suspended
                    && label.vuln_suspended
                    && at < label.expires_at
                {
                    push_status(
                        append,
                        label,
                        LabelStatus::Active,
                        &format!("reinstated: {reason}"),
                        now,
                    );
                    append
                        .writes
                        .push(Write::Monitor(MonitorWrite::RuleSuspended {
                            label_id: label.id.clone(),
                            suspended: false,
                        }));
                    outcome.labels_reinstated.push(label.id.clone());
                }
            }
            _ => {}
        }
    }
}

/// Adds a status change by the registry itself (entry and write) to an append.
fn push_status(
    append: &mut Append,
    label: &LabelRecord,
    to: LabelStatus,
    reason: &str,
    now: Timestamp,
) {
    append.entries.push(entry(&Entry::StatusChanged {
        label: label.id.clone(),
        from: label.status.as_str().into(),
        to: to.as_str().into(),
        actor: "registry".into(),
        reason: reason.to_owned(),
        at: now_secs(now),
    }));
    append.writes.push(Write::Status {
        label_id: label.id.clone(),
        from: label.status,
        to,
        actor: "registry".into(),
        reason: reason.to_owned(),
        superseded_by: None,
        entry: append.entries.len() - 1,
    });
}

fn plain_summary(
    monitored: bool,
    open: usize,
    exploited: usize,
    label: &LabelRecord,
    suspend_at: Option<Timestamp>,
) -> String {
    if !monitored {
        return "The manufacturer has not registered a software bill of materials for this version, so the registry cannot watch it for known vulnerabilities.".into();
    }
    let mut text = match open {
        0 => "No known vulnerability affects this version's software components.".to_owned(),
        1 => "1 known vulnerability affects a software component of this version and is not yet fixed.".to_owned(),
        n => format!("{n} known vulnerabilities affect software components of this version and are not yet fixed."),
    };
    if exploited > 0 {
        text.push_str(&format!(
            " {exploited} of them {} being exploited by attackers (CISA KEV).",
            if exploited == 1 { "is" } else { "are" }
        ));
        match (label.status, label.vuln_suspended, suspend_at) {
            (LabelStatus::Suspended, true, _) => {
                text.push_str(" The label is suspended until the manufacturer fixes it.")
            }
            (_, _, Some(t)) => text.push_str(&format!(
                " Unless the manufacturer fixes {}, the label will be suspended on {}.",
                if exploited == 1 { "it" } else { "them" },
                t.strftime("%Y-%m-%d")
            )),
            _ => {}
        }
    }
    text
}
