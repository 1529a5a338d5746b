//! The SQL of vulnerability monitoring: the inputs kept verbatim (advisory documents, the KEV
//! catalogue, SBOMs and VEX per product version), the findings derived from them, and the
//! known-exploited rule's state on labels. Written only through the log sequencer, like the
//! rest of the registry ([`crate::store::Write::Monitor`]).

use sqlx::{Any, AnyPool, AssertSqlSafe, Transaction};

use crate::error::RegistryError;
use crate::model::LabelRecord;
use crate::store::{LABEL_COLUMNS, LABEL_FROM, get_i64, get_opt_str, get_str, label_from_row};

/// One finding as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    /// The component's reference in the SBOM.
    pub component_ref: String,
    /// The vulnerability's primary id.
    pub vulnerability: String,
    /// `affected`, `not_affected`, `fixed` or `under_investigation`.
    pub status: String,
    /// Whether it still counts against the product.
    pub open: bool,
    /// The KEV entry's CVE, when listed.
    pub exploited_cve: Option<String>,
    /// The KEV due date (`YYYY-MM-DD`), when listed with one.
    pub kev_due: Option<String>,
    /// When it was first found (kept across updates).
    pub first_seen: i64,
    /// The whole finding as JSON (the matcher's `Finding`).
    pub detail: String,
    /// Its weakness classes (CWE ids), from the advisories and KEV.
    pub cwes: Vec<String>,
}

/// Records that a finding stopped counting against its product (if it did count until now),
/// for the time to remediate. `how`: `fixed`, `not_affected` or `gone`.
async fn record_resolution(
    tx: &mut Transaction<'_, Any>,
    product_version_id: &str,
    component_ref: &str,
    vulnerability: &str,
    how: &str,
    now: i64,
) -> Result<(), RegistryError> {
    sqlx::query("INSERT INTO finding_resolutions (product_version_id, component_ref, vulnerability, exploited, first_seen, resolved_at, how) \
         SELECT product_version_id, component_ref, vulnerability, CASE WHEN exploited_cve IS NULL THEN 0 ELSE 1 END, first_seen, $1, $2 \
         FROM findings WHERE product_version_id = $3 AND component_ref = $4 AND vulnerability = $5 AND open = 1")
        .bind(now)
        .bind(how)
        .bind(product_version_id)
        .bind(component_ref)
        .bind(vulnerability)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A change to monitoring state.
#[derive(Debug, Clone)]
pub enum MonitorWrite {
    /// An advisory document was imported (its bytes go in `blobs` with the same write batch).
    AdvisoryDocument {
        /// SHA-256 of the document.
        sha256: String,
        /// `osv` or `csaf`.
        format: String,
        /// Records it held.
        records: i64,
        /// Who imported it.
        imported_by: String,
    },
    /// A KEV catalogue replaces the one in force.
    Kev {
        /// SHA-256 of the catalogue JSON.
        sha256: String,
        /// Its `catalogVersion`.
        catalog_version: String,
        /// Entries.
        entries: i64,
    },
    /// The SBOM of a product version (replacing any earlier one).
    Sbom {
        /// Product version.
        product_version_id: String,
        /// SHA-256 of the SBOM.
        sha256: String,
        /// Its format.
        format: String,
        /// Components.
        components: i64,
    },
    /// A VEX document for a product version.
    Vex {
        /// Product version.
        product_version_id: String,
        /// SHA-256 of the document.
        sha256: String,
        /// Its format.
        format: String,
        /// Statements.
        statements: i64,
    },
    /// A product version's findings: rows to insert or update, and rows to remove.
    Findings {
        /// Product version.
        product_version_id: String,
        /// New or changed rows (an update keeps the stored `first_seen`).
        upsert: Vec<FindingRow>,
        /// `(component_ref, vulnerability)` of rows that are gone.
        remove: Vec<(String, String)>,
    },
    /// Sets or clears the known-exploited flag of a label.
    Flag {
        /// Label.
        label_id: String,
        /// `Some((flagged_at, deadline))` to flag, `None` to clear.
        flag: Option<(i64, i64)>,
    },
    /// Records whether the known-exploited rule is what suspended a label.
    RuleSuspended {
        /// Label.
        label_id: String,
        /// Whether.
        suspended: bool,
    },
}

/// Applies one write inside the sequencer's transaction.
pub(crate) async fn apply(
    tx: &mut Transaction<'_, Any>,
    write: &MonitorWrite,
    now: i64,
) -> Result<(), RegistryError> {
    match write {
        MonitorWrite::AdvisoryDocument {
            sha256,
            format,
            records,
            imported_by,
        } => {
            sqlx::query("INSERT INTO advisory_documents (sha256, format, records, imported_at, imported_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING")
                .bind(sha256)
                .bind(format)
                .bind(*records)
                .bind(now)
                .bind(imported_by)
                .execute(&mut **tx)
                .await?;
        }
        MonitorWrite::Kev {
            sha256,
            catalog_version,
            entries,
        } => {
            sqlx::query("DELETE FROM kev_catalogs")
                .execute(&mut **tx)
                .await?;
            sqlx::query("INSERT INTO kev_catalogs (sha256, catalog_version, entries, imported_at) VALUES ($1, $2, $3, $4)")
                .bind(sha256)
                .bind(catalog_version)
                .bind(*entries)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        MonitorWrite::Sbom {
            product_version_id,
            sha256,
            format,
            components,
        } => {
            sqlx::query("INSERT INTO sboms (product_version_id, sha256, format, components, registered_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (product_version_id) DO UPDATE SET sha256 = excluded.sha256, format = excluded.format, components = excluded.components, registered_at = excluded.registered_at")
                .bind(product_version_id)
                .bind(sha256)
                .bind(format)
                .bind(*components)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        MonitorWrite::Vex {
            product_version_id,
            sha256,
            format,
            statements,
        } => {
            sqlx::query("INSERT INTO vex_documents (product_version_id, sha256, format, statements, registered_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (product_version_id, sha256) DO NOTHING")
                .bind(product_version_id)
                .bind(sha256)
                .bind(format)
                .bind(*statements)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        MonitorWrite::Findings {
            product_version_id,
            upsert,
            remove,
        } => {
            for (component, vulnerability) in remove {
                record_resolution(
                    tx,
                    product_version_id,
                    component,
                    vulnerability,
                    "gone",
                    now,
                )
                .await?;
                sqlx::query("DELETE FROM findings WHERE product_version_id = $1 AND component_ref = $2 AND vulnerability = $3")
                    .bind(product_version_id)
                    .bind(component)
                    .bind(vulnerability)
                    .execute(&mut **tx)
                    .await?;
            }
            for f in upsert {
                if !f.open {
                    record_resolution(
                        tx,
                        product_version_id,
                        &f.component_ref,
                        &f.vulnerability,
                        &f.status,
                        now,
                    )
                    .await?;
                }
                sqlx::query("INSERT INTO findings (product_version_id, component_ref, vulnerability, status, open, exploited_cve, kev_due, first_seen, updated_at, detail, cwes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (product_version_id, component_ref, vulnerability) DO UPDATE SET status = excluded.status, open = excluded.open, exploited_cve = excluded.exploited_cve, kev_due = excluded.kev_due, updated_at = excluded.updated_at, detail = excluded.detail, cwes = excluded.cwes")
                    .bind(product_version_id)
                    .bind(&f.component_ref)
                    .bind(&f.vulnerability)
                    .bind(&f.status)
                    .bind(i64::from(f.open))
                    .bind(f.exploited_cve.clone())
                    .bind(f.kev_due.clone())
                    .bind(f.first_seen)
                    .bind(now)
                    .bind(&f.detail)
                    .bind(f.cwes.join(" "))
                    .execute(&mut **tx)
                    .await?;
            }
        }
        MonitorWrite::Flag { label_id, flag } => {
            sqlx::query("UPDATE labels SET vuln_flagged_at = $1, vuln_deadline = $2 WHERE id = $3")
                .bind(flag.map(|f| f.0))
                .bind(flag.map(|f| f.1))
                .bind(label_id)
                .execute(&mut **tx)
                .await?;
        }
        MonitorWrite::RuleSuspended {
            label_id,
            suspended,
        } => {
            sqlx::query("UPDATE labels SET vuln_suspended = $1 WHERE id = $2")
                .bind(i64::from(*suspended))
                .bind(label_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Advisory documents in import order: `(sha256, format)`.
pub async fn advisory_documents(pool: &AnyPool) -> Result<Vec<(String, String)>, RegistryError> {
    let rows =
        sqlx::query("SELECT sha256, format FROM advisory_documents ORDER BY imported_at, sha256")
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|r| Ok((get_str(r, "sha256")?, get_str(r, "format")?)))
        .collect()
}

/// Whether an advisory document was imported before.
pub async fn has_advisory_document(pool: &AnyPool, sha256: &str) -> Result<bool, RegistryError> {
    let row = sqlx::query("SELECT 1 AS one FROM advisory_documents WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(pool)
        .await?;
    Ok(row.is_some())
}

/// The KEV catalogue in force: its SHA-256.
pub async fn kev_catalog(pool: &AnyPool) -> Result<Option<String>, RegistryError> {
    let row = sqlx::query("SELECT sha256 FROM kev_catalogs")
        .fetch_optional(pool)
        .await?;
    row.map(|r| get_str(&r, "sha256")).transpose()
}

/// Every registered SBOM: `(product_version_id, sha256)`.
pub async fn sboms(pool: &AnyPool) -> Result<Vec<(String, String)>, RegistryError> {
    let rows =
        sqlx::query("SELECT product_version_id, sha256 FROM sboms ORDER BY product_version_id")
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|r| Ok((get_str(r, "product_version_id")?, get_str(r, "sha256")?)))
        .collect()
}

/// Whether a product version has a registered SBOM.
pub async fn has_sbom(pool: &AnyPool, product_version_id: &str) -> Result<bool, RegistryError> {
    let row = sqlx::query("SELECT 1 AS one FROM sboms WHERE product_version_id = $1")
        .bind(product_version_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.is_some())
}

/// Every VEX document in registration order: `(product_version_id, sha256)`.
pub async fn vex_documents(pool: &AnyPool) -> Result<Vec<(String, String)>, RegistryError> {
    let rows = sqlx::query(
        "SELECT product_version_id, sha256 FROM vex_documents ORDER BY registered_at, product_version_id, sha256",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| Ok((get_str(r, "product_version_id")?, get_str(r, "sha256")?)))
        .collect()
}

/// A product version's stored findings, ordered by component and vulnerability.
pub async fn findings(
    pool: &AnyPool,
    product_version_id: &str,
) -> Result<Vec<FindingRow>, RegistryError> {
    let rows = sqlx::query(
        "SELECT component_ref, vulnerability, status, open, exploited_cve, kev_due, first_seen, detail, cwes FROM findings WHERE product_version_id = $1 ORDER BY component_ref, vulnerability",
    )
    .bind(product_version_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FindingRow {
                component_ref: get_str(r, "component_ref")?,
                vulnerability: get_str(r, "vulnerability")?,
                status: get_str(r, "status")?,
                open: get_i64(r, "open")? != 0,
                exploited_cve: get_opt_str(r, "exploited_cve")?,
                kev_due: get_opt_str(r, "kev_due")?,
                first_seen: get_i64(r, "first_seen")?,
                detail: get_str(r, "detail")?,
                cwes: get_str(r, "cwes")?
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            })
        })
        .collect()
}

/// Product versions that have stored findings.
pub async fn versions_with_findings(pool: &AnyPool) -> Result<Vec<String>, RegistryError> {
    let rows = sqlx::query("SELECT DISTINCT product_version_id FROM findings")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| get_str(r, "product_version_id"))
        .collect()
}

/// The live (active or suspended) labels of a product version.
pub async fn live_labels_of_version(
    pool: &AnyPool,
    product_version_id: &str,
) -> Result<Vec<LabelRecord>, RegistryError> {
    let sql = format!(
        "SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE l.product_version_id = $1 AND l.status IN ('active', 'suspended') ORDER BY l.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(product_version_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(label_from_row).collect()
}

/// The product version a label belongs to.
pub async fn version_of_label(
    pool: &AnyPool,
    label_id: &str,
) -> Result<Option<String>, RegistryError> {
    let row = sqlx::query("SELECT product_version_id FROM labels WHERE id = $1")
        .bind(label_id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| get_str(&r, "product_version_id")).transpose()
}

/// Active labels whose known-exploited deadline has passed.
pub async fn labels_past_vuln_deadline(
    pool: &AnyPool,
    now: i64,
) -> Result<Vec<LabelRecord>, RegistryError> {
    let sql = format!(
        "SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE l.status = 'active' AND l.vuln_deadline IS NOT NULL AND l.vuln_deadline <= $1 ORDER BY l.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .fetch_all(pool)
        .await?;
    rows.iter().map(label_from_row).collect()
}
