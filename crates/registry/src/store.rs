//! Every SQL statement of the registry. Writes are data ([`Write`]) that the log's sequencer
//! applies in the same transaction as the log entries they belong to, so a domain change and
//! its transparency-log entry are durable together or not at all.

use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, AssertSqlSafe, Row, Transaction};

use crate::error::RegistryError;
use crate::model::{Account, LabelRecord, LabelStatus, Role, StatusEvent};

/// A domain change. `entry` fields name the log entry of the same request (by position) whose
/// index the change records.
#[derive(Debug, Clone)]
pub enum Write {
    /// A content-addressed blob (ignored when already stored).
    Blob {
        /// SHA-256, hex.
        sha256: String,
        /// Media type.
        media_type: String,
        /// Bytes.
        data: Vec<u8>,
    },
    /// An organisation.
    Organisation {
        /// Id.
        id: String,
        /// Name.
        name: String,
        /// `manufacturer`, `assessor` or `operator`.
        kind: String,
        /// Security contact.
        contact: Option<String>,
    },
    /// An account with its token hash.
    Account {
        /// Id.
        id: String,
        /// Organisation.
        organisation_id: String,
        /// Name.
        name: String,
        /// Role.
        role: Role,
        /// SHA-256 of the token.
        token_hash: String,
    },
    /// A product (ignored when it exists).
    Product {
        /// Id.
        id: String,
        /// Owner.
        organisation_id: String,
        /// Brand.
        brand: String,
        /// Model.
        model: String,
        /// Category.
        category: String,
    },
    /// A product version (ignored when it exists).
    ProductVersion {
        /// Id.
        id: String,
        /// Product.
        product_id: String,
        /// Hardware version.
        hardware_version: String,
        /// Software version.
        software_version: String,
    },
    /// A declaration (ignored when it exists).
    Declaration {
        /// Its blob's digest.
        sha256: String,
        /// Product version.
        product_version_id: String,
        /// Process declaration blob.
        process_sha256: Option<String>,
        /// Account.
        submitted_by: String,
    },
    /// An assessment.
    Assessment {
        /// Id.
        id: String,
        /// Declaration.
        declaration_sha256: String,
        /// Result blob.
        result_sha256: String,
        /// Catalogue version.
        catalog_version: String,
        /// Level.
        level: u8,
        /// Score in tenths.
        score_tenths: u16,
    },
    /// A new, active label.
    Label {
        /// The record (status and log index are set by the write).
        record: Box<LabelRecord>,
        /// COSE statement.
        statement: Vec<u8>,
        /// DSSE envelope.
        envelope: Vec<u8>,
        /// Entry recording the issuance.
        entry: usize,
    },
    /// A status change, which must find the label in `from`.
    Status {
        /// Label.
        label_id: String,
        /// Expected current status.
        from: LabelStatus,
        /// New status.
        to: LabelStatus,
        /// Who.
        actor: String,
        /// Why.
        reason: String,
        /// The label that replaces it, for `superseded`.
        superseded_by: Option<String>,
        /// Entry recording the change.
        entry: usize,
    },
    /// Start (or clear) a label's catalogue grace period.
    Lapse {
        /// Label.
        label_id: String,
        /// When it lapses.
        lapses_at: Option<i64>,
    },
    /// A key.
    Key {
        /// Key id.
        id: String,
        /// Role.
        role: String,
        /// Organisation.
        organisation_id: Option<String>,
        /// Name.
        name: String,
        /// Public key, base64url.
        public_key: String,
        /// Valid from.
        valid_from: i64,
        /// Entry recording it.
        entry: usize,
    },
    /// Retire a key.
    RetireKey {
        /// Key id.
        id: String,
        /// Valid until.
        valid_until: i64,
    },
    /// An assessor attestation.
    Attestation {
        /// Id (envelope digest).
        id: String,
        /// Signing key.
        key_id: String,
        /// Evidence digest.
        evidence_sha256: String,
        /// Provisions JSON.
        provisions: String,
        /// The envelope.
        envelope: Vec<u8>,
        /// Entry recording it.
        entry: usize,
    },
    /// Vulnerability monitoring state (advisories, SBOMs, VEX, findings, the KEV rule).
    Monitor(crate::monitor_store::MonitorWrite),
    /// What an assessment says that the evidence dashboard counts.
    Facts(crate::stats::FactsWrite),
    /// A catalogue version first used.
    CatalogVersion {
        /// Version.
        version: String,
        /// JSON snapshot.
        snapshot: Vec<u8>,
    },
}

/// Applies one write inside a transaction. `indices` are the log indices of the request's
/// entries; `now` is the batch's time.
pub async fn apply(
    tx: &mut Transaction<'_, Any>,
    write: &Write,
    indices: &[u64],
    now: i64,
) -> Result<(), RegistryError> {
    let index = |entry: usize| -> Result<i64, RegistryError> {
        indices
            .get(entry)
            .and_then(|i| i64::try_from(*i).ok())
            .ok_or_else(|| {
                RegistryError::Config(format!("write refers to missing log entry {entry}"))
            })
    };
    match write {
        Write::Blob {
            sha256,
            media_type,
            data,
        } => {
            sqlx::query(
                "INSERT INTO blobs (sha256, media_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(sha256)
            .bind(media_type)
            .bind(i64::try_from(data.len()).unwrap_or(i64::MAX))
            .bind(data.clone())
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        Write::Organisation {
            id,
            name,
            kind,
            contact,
        } => {
            sqlx::query("INSERT INTO organisations (id, name, kind, security_contact, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(name)
                .bind(kind)
                .bind(contact.clone())
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        Write::Account {
            id,
            organisation_id,
            name,
            role,
            token_hash,
        } => {
            sqlx::query("INSERT INTO accounts (id, organisation_id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id)
                .bind(organisation_id)
                .bind(name)
                .bind(role.as_str())
                .bind(token_hash)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        Write::Product {
            id,
            organisation_id,
            brand,
            model,
            category,
        } => {
            sqlx::query("INSERT INTO products (id, organisation_id, brand, model, category, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING")
                .bind(id)
                .bind(organisation_id)
                .bind(brand)
                .bind(model)
                .bind(category)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        Write::ProductVersion {
            id,
            product_id,
            hardware_version,
            software_version,
        } => {
            sqlx::query("INSERT INTO product_versions (id, product_id, hardware_version, software_version, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
                .bind(id)
                .bind(product_id)
                .bind(hardware_version)
                .bind(software_version)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        Write::Declaration {
            sha256,
            product_version_id,
            process_sha256,
            submitted_by,
        } => {
            sqlx::query("INSERT INTO declarations (sha256, product_version_id, process_sha256, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING")
                .bind(sha256)
                .bind(product_version_id)
                .bind(process_sha256.clone())
                .bind(submitted_by)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        Write::Assessment {
            id,
            declaration_sha256,
            result_sha256,
            catalog_version,
            level,
            score_tenths,
        } => {
            sqlx::query("INSERT INTO assessments (id, declaration_sha256, result_sha256, catalog_version, level, score_tenths, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(declaration_sha256)
                .bind(result_sha256)
                .bind(catalog_version)
                .bind(i64::from(*level))
                .bind(i64::from(*score_tenths))
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        Write::Label {
            record,
            statement,
            envelope,
            entry,
        } => {
            let r = record;
            let idx = index(*entry)?;
            sqlx::query(
                "INSERT INTO labels (id, product_version_id, assessment_id, declaration_sha256, catalog_version, level, status, status_reason, status_since, issued_at, not_before, expires_at, support_end, key_id, statement, envelope, log_index) \
                 SELECT $1, pv.id, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM product_versions pv WHERE pv.id = $16",
            )
            .bind(&r.id)
            .bind(&r.assessment_id)
            .bind(&r.declaration_sha256)
            .bind(&r.catalog_version)
            .bind(i64::from(r.level))
            .bind(r.status_reason.clone())
            .bind(r.issued_at)
            .bind(r.issued_at)
            .bind(r.not_before)
            .bind(r.expires_at)
            .bind(&r.support_end)
            .bind(&r.key_id)
            .bind(statement.clone())
            .bind(envelope.clone())
            .bind(idx)
            .bind(version_id_of(r))
            .execute(&mut **tx)
            .await?;
            sqlx::query("INSERT INTO status_events (log_index, label_id, from_status, to_status, actor, reason, at) VALUES ($1, $2, NULL, 'active', 'registry', $3, $4)")
                .bind(idx)
                .bind(&r.id)
                .bind(r.status_reason.clone().unwrap_or_else(|| "issued".into()))
                .bind(r.issued_at)
                .execute(&mut **tx)
                .await?;
        }
        Write::Status {
            label_id,
            from,
            to,
            actor,
            reason,
            superseded_by,
            entry,
        } => {
            let idx = index(*entry)?;
            let done = sqlx::query("UPDATE labels SET status = $1, status_reason = $2, status_since = $3, superseded_by = COALESCE($4, superseded_by) WHERE id = $5 AND status = $6")
                .bind(to.as_str())
                .bind(reason)
                .bind(now)
                .bind(superseded_by.clone())
                .bind(label_id)
                .bind(from.as_str())
                .execute(&mut **tx)
                .await?;
            if done.rows_affected() != 1 {
                return Err(RegistryError::Conflict(format!(
                    "label {label_id} is no longer {from}; retry"
                )));
            }
            sqlx::query("INSERT INTO status_events (log_index, label_id, from_status, to_status, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(idx)
                .bind(label_id)
                .bind(from.as_str())
                .bind(to.as_str())
                .bind(actor)
                .bind(reason)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        Write::Lapse {
            label_id,
            lapses_at,
        } => {
            sqlx::query("UPDATE labels SET lapses_at = $1 WHERE id = $2")
                .bind(*lapses_at)
                .bind(label_id)
                .execute(&mut **tx)
                .await?;
        }
        Write::Key {
            id,
            role,
            organisation_id,
            name,
            public_key,
            valid_from,
            entry,
        } => {
            sqlx::query("INSERT INTO keys (id, role, organisation_id, name, public_key, valid_from, log_index) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(role)
                .bind(organisation_id.clone())
                .bind(name)
                .bind(public_key)
                .bind(*valid_from)
                .bind(index(*entry)?)
                .execute(&mut **tx)
                .await?;
        }
        Write::RetireKey { id, valid_until } => {
            let done = sqlx::query(
                "UPDATE keys SET valid_until = $1 WHERE id = $2 AND valid_until IS NULL",
            )
            .bind(*valid_until)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(RegistryError::Conflict(format!(
                    "key {id} is unknown or already retired"
                )));
            }
        }
        Write::Attestation {
            id,
            key_id,
            evidence_sha256,
            provisions,
            envelope,
            entry,
        } => {
            sqlx::query("INSERT INTO attestations (id, key_id, evidence_sha256, provisions, envelope, registered_at, log_index) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(key_id)
                .bind(evidence_sha256)
                .bind(provisions)
                .bind(envelope.clone())
                .bind(now)
                .bind(index(*entry)?)
                .execute(&mut **tx)
                .await?;
        }
        Write::Monitor(w) => crate::monitor_store::apply(tx, w, now).await?,
        Write::Facts(w) => crate::stats::apply(tx, w).await?,
        Write::CatalogVersion { version, snapshot } => {
            sqlx::query("INSERT INTO catalog_versions (version, snapshot, first_used_at) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING")
                .bind(version)
                .bind(snapshot.clone())
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// The product-version id the label record's fields derive.
fn version_id_of(r: &LabelRecord) -> String {
    crate::ids::version_id(&r.product_id, &r.hardware_version, &r.software_version)
}

/// Inserts one log entry.
pub async fn insert_entry(
    tx: &mut Transaction<'_, Any>,
    idx: u64,
    leaf_hash: &[u8],
    data: &[u8],
    kind: &str,
    subject: &str,
    now: i64,
) -> Result<(), RegistryError> {
    sqlx::query("INSERT INTO log_entries (idx, leaf_hash, data, kind, subject, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(i64::try_from(idx).unwrap_or(i64::MAX))
        .bind(leaf_hash.to_vec())
        .bind(data.to_vec())
        .bind(kind)
        .bind(subject)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) fn get_i64(row: &AnyRow, col: &str) -> Result<i64, RegistryError> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn get_str(row: &AnyRow, col: &str) -> Result<String, RegistryError> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn get_opt_str(row: &AnyRow, col: &str) -> Result<Option<String>, RegistryError> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

/// The account a token belongs to, if it is live.
pub async fn account_by_token_hash(
    pool: &AnyPool,
    hash: &str,
) -> Result<Option<Account>, RegistryError> {
    let row = sqlx::query(
        "SELECT a.id, a.organisation_id, o.name AS org_name, a.name, a.role FROM accounts a JOIN organisations o ON o.id = a.organisation_id WHERE a.token_hash = $1 AND a.revoked_at IS NULL",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(Account {
            id: get_str(&r, "id")?,
            organisation_id: get_str(&r, "organisation_id")?,
            organisation_name: get_str(&r, "org_name")?,
            name: get_str(&r, "name")?,
            role: get_str(&r, "role")?
                .parse()
                .map_err(RegistryError::Config)?,
        })
    })
    .transpose()
}

pub(crate) const LABEL_COLUMNS: &str = "l.id, p.id AS product_id, o.name AS manufacturer, p.brand, p.model, p.category, pv.hardware_version, pv.software_version, l.level, l.status, l.status_reason, l.status_since, l.issued_at, l.not_before, l.expires_at, l.support_end, l.catalog_version, l.lapses_at, l.superseded_by, l.key_id, l.log_index, l.declaration_sha256, l.assessment_id, l.vuln_flagged_at, l.vuln_deadline, l.vuln_suspended";
pub(crate) const LABEL_FROM: &str = "FROM labels l JOIN product_versions pv ON pv.id = l.product_version_id JOIN products p ON p.id = pv.product_id JOIN organisations o ON o.id = p.organisation_id";

pub(crate) fn label_from_row(r: &AnyRow) -> Result<LabelRecord, RegistryError> {
    Ok(LabelRecord {
        id: get_str(r, "id")?,
        product_id: get_str(r, "product_id")?,
        manufacturer: get_str(r, "manufacturer")?,
        brand: get_str(r, "brand")?,
        model: get_str(r, "model")?,
        category: get_str(r, "category")?,
        hardware_version: get_str(r, "hardware_version")?,
        software_version: get_str(r, "software_version")?,
        level: u8::try_from(get_i64(r, "level")?).unwrap_or(0),
        status: get_str(r, "status")?
            .parse()
            .map_err(RegistryError::Config)?,
        status_reason: get_opt_str(r, "status_reason")?,
        status_since: get_i64(r, "status_since")?,
        issued_at: get_i64(r, "issued_at")?,
        not_before: get_i64(r, "not_before")?,
        expires_at: get_i64(r, "expires_at")?,
        support_end: get_str(r, "support_end")?,
        catalog_version: get_str(r, "catalog_version")?,
        lapses_at: r.try_get::<Option<i64>, _>("lapses_at")?,
        superseded_by: get_opt_str(r, "superseded_by")?,
        key_id: get_str(r, "key_id")?,
        log_index: u64::try_from(get_i64(r, "log_index")?).unwrap_or(0),
        declaration_sha256: get_str(r, "declaration_sha256")?,
        assessment_id: get_str(r, "assessment_id")?,
        vuln_flagged_at: r.try_get::<Option<i64>, _>("vuln_flagged_at")?,
        vuln_deadline: r.try_get::<Option<i64>, _>("vuln_deadline")?,
        vuln_suspended: get_i64(r, "vuln_suspended")? != 0,
    })
}

/// A label by id.
pub async fn label(pool: &AnyPool, id: &str) -> Result<Option<LabelRecord>, RegistryError> {
    let sql = format!("SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE l.id = $1");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(label_from_row).transpose()
}

/// The label for a declaration under a catalogue version, if one was issued.
pub async fn label_for_declaration(
    pool: &AnyPool,
    sha256: &str,
    catalog_version: &str,
) -> Result<Option<LabelRecord>, RegistryError> {
    let sql = format!(
        "SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE l.declaration_sha256 = $1 AND l.catalog_version = $2"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(sha256)
        .bind(catalog_version)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(label_from_row).transpose()
}

/// Labels of a product that are active or suspended.
pub async fn live_labels_of_product(
    pool: &AnyPool,
    product_id: &str,
) -> Result<Vec<LabelRecord>, RegistryError> {
    let sql = format!(
        "SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE p.id = $1 AND l.status IN ('active', 'suspended') ORDER BY l.issued_at"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(product_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(label_from_row).collect()
}

/// Labels whose validity or grace period is over while they are still active or suspended.
pub async fn labels_due(pool: &AnyPool, now: i64) -> Result<Vec<LabelRecord>, RegistryError> {
    let sql = format!(
        "SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE l.status IN ('active', 'suspended') AND (l.expires_at <= $1 OR (l.lapses_at IS NOT NULL AND l.lapses_at <= $2)) ORDER BY l.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(now)
        .fetch_all(pool)
        .await?;
    rows.iter().map(label_from_row).collect()
}

/// Labels assessed against a catalogue version other than `version`, still live.
pub async fn live_labels_not_on(
    pool: &AnyPool,
    version: &str,
) -> Result<Vec<LabelRecord>, RegistryError> {
    let sql = format!(
        "SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE l.status IN ('active', 'suspended') AND l.catalog_version <> $1 ORDER BY l.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(version)
        .fetch_all(pool)
        .await?;
    rows.iter().map(label_from_row).collect()
}

/// Search filters for labels.
#[derive(Debug, Clone, Default)]
pub struct LabelQuery {
    /// Words matched against manufacturer, brand and model.
    pub text: Option<String>,
    /// Manufacturer name (exact, case-insensitive).
    pub manufacturer: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Catalogue profile the label was assessed under (a profile id such as
    /// `consumer-baseline`).
    pub profile: Option<String>,
    /// Minimum level.
    pub min_level: Option<u8>,
    /// Status.
    pub status: Option<LabelStatus>,
    /// Support period ending at or after this `YYYY-MM`.
    pub support_end_from: Option<String>,
    /// Page size.
    pub limit: u32,
    /// Offset.
    pub offset: u32,
}

/// Labels matching a query, newest first, with the total count.
pub async fn search_labels(
    pool: &AnyPool,
    q: &LabelQuery,
) -> Result<(Vec<LabelRecord>, u64), RegistryError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    let mut n = 0;
    let mut next = |binds: &mut Vec<String>, v: String| {
        binds.push(v);
        n += 1;
        format!("${n}")
    };
    if let Some(t) = &q.text {
        for word in t.split_whitespace().take(8) {
            let like = format!("%{}%", word.to_lowercase().replace(['%', '_'], ""));
            let a = next(&mut binds, like.clone());
            let b = next(&mut binds, like.clone());
            let c = next(&mut binds, like);
            clauses.push(format!(
                "(LOWER(o.name) LIKE {a} OR LOWER(p.brand) LIKE {b} OR LOWER(p.model) LIKE {c})"
            ));
        }
    }
    if let Some(m) = &q.manufacturer {
        let a = next(&mut binds, m.to_lowercase());
        clauses.push(format!("LOWER(o.name) = {a}"));
    }
    if let Some(c) = &q.category {
        let a = next(&mut binds, c.clone());
        clauses.push(format!("p.category = {a}"));
    }
    if let Some(profile) = &q.profile {
        // The profiles of each assessment are kept as facts (migration 0005), indexed by
        // (kind, subject), so this is a lookup rather than a parse of stored results.
        let a = next(&mut binds, profile.clone());
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM assessment_facts f WHERE f.assessment_id = l.assessment_id AND f.kind = '{}' AND f.subject = {a})",
            crate::stats::PROFILE
        ));
    }
    if let Some(s) = &q.status {
        let a = next(&mut binds, s.as_str().to_owned());
        clauses.push(format!("l.status = {a}"));
    }
    if let Some(s) = &q.support_end_from {
        let a = next(&mut binds, s.clone());
        clauses.push(format!("l.support_end >= {a}"));
    }
    if let Some(l) = q.min_level {
        clauses.push(format!("l.level >= {}", i64::from(l)));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) AS n {LABEL_FROM} {filter}");
    let mut count = sqlx::query(AssertSqlSafe(count_sql));
    for b in &binds {
        count = count.bind(b);
    }
    let total = u64::try_from(count.fetch_one(pool).await?.try_get::<i64, _>("n")?).unwrap_or(0);
    let sql = format!(
        "SELECT {LABEL_COLUMNS} {LABEL_FROM} {filter} ORDER BY l.issued_at DESC, l.id LIMIT {} OFFSET {}",
        q.limit.clamp(1, 500),
        q.offset
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(pool).await?;
    Ok((
        rows.iter().map(label_from_row).collect::<Result<_, _>>()?,
        total,
    ))
}

/// A label's status events, oldest first.
pub async fn events(pool: &AnyPool, label_id: &str) -> Result<Vec<StatusEvent>, RegistryError> {
    let rows = sqlx::query("SELECT log_index, label_id, from_status, to_status, actor, reason, at FROM status_events WHERE label_id = $1 ORDER BY log_index")
        .bind(label_id)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StatusEvent {
                log_index: u64::try_from(get_i64(r, "log_index")?).unwrap_or(0),
                label_id: get_str(r, "label_id")?,
                from: get_opt_str(r, "from_status")?
                    .map(|s| s.parse())
                    .transpose()
                    .map_err(RegistryError::Config)?,
                to: get_str(r, "to_status")?
                    .parse()
                    .map_err(RegistryError::Config)?,
                actor: get_str(r, "actor")?,
                reason: get_str(r, "reason")?,
                at: get_i64(r, "at")?,
            })
        })
        .collect()
}

/// A blob's bytes.
pub async fn blob(
    pool: &AnyPool,
    sha256: &str,
) -> Result<Option<(String, Vec<u8>)>, RegistryError> {
    let row = sqlx::query("SELECT media_type, data FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(pool)
        .await?;
    row.map(|r| Ok((get_str(&r, "media_type")?, r.try_get::<Vec<u8>, _>("data")?)))
        .transpose()
}

/// Whether blobs exist, by digest.
pub async fn has_blob(pool: &AnyPool, sha256: &str) -> Result<bool, RegistryError> {
    Ok(sqlx::query("SELECT 1 AS one FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(pool)
        .await?
        .is_some())
}

/// A label's statement and envelope.
pub async fn label_signed(
    pool: &AnyPool,
    id: &str,
) -> Result<Option<(Vec<u8>, Vec<u8>)>, RegistryError> {
    let row = sqlx::query("SELECT statement, envelope FROM labels WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok((
            r.try_get::<Vec<u8>, _>("statement")?,
            r.try_get::<Vec<u8>, _>("envelope")?,
        ))
    })
    .transpose()
}

/// The owner organisation of a product.
pub async fn product_owner(
    pool: &AnyPool,
    product_id: &str,
) -> Result<Option<String>, RegistryError> {
    let row = sqlx::query("SELECT organisation_id FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| get_str(&r, "organisation_id")).transpose()
}

/// A registered key: (role, organisation id, organisation name, public key, valid from, valid until).
pub type KeyRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    i64,
    Option<i64>,
);

/// A key by id.
pub async fn key(pool: &AnyPool, id: &str) -> Result<Option<KeyRow>, RegistryError> {
    let row = sqlx::query("SELECT k.role, k.organisation_id, o.name AS org_name, k.public_key, k.valid_from, k.valid_until FROM keys k LEFT JOIN organisations o ON o.id = k.organisation_id WHERE k.id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok((
            get_str(&r, "role")?,
            get_opt_str(&r, "organisation_id")?,
            get_opt_str(&r, "org_name")?,
            get_str(&r, "public_key")?,
            get_i64(&r, "valid_from")?,
            r.try_get::<Option<i64>, _>("valid_until")?,
        ))
    })
    .transpose()
}

/// Every key: (id, role, name, public key, valid from, valid until).
pub async fn keys(
    pool: &AnyPool,
) -> Result<Vec<(String, String, String, String, i64, Option<i64>)>, RegistryError> {
    let rows = sqlx::query(
        "SELECT id, role, name, public_key, valid_from, valid_until FROM keys ORDER BY log_index",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                get_str(r, "id")?,
                get_str(r, "role")?,
                get_str(r, "name")?,
                get_str(r, "public_key")?,
                get_i64(r, "valid_from")?,
                r.try_get::<Option<i64>, _>("valid_until")?,
            ))
        })
        .collect()
}

/// Assessor organisations whose attestation over an evidence digest was registered while
/// their key was valid.
pub async fn attesting_assessors(
    pool: &AnyPool,
    evidence_sha256: &str,
) -> Result<Vec<String>, RegistryError> {
    let rows = sqlx::query(
        "SELECT o.name AS name FROM attestations a JOIN keys k ON k.id = a.key_id JOIN organisations o ON o.id = k.organisation_id \
         WHERE a.evidence_sha256 = $1 AND a.registered_at >= k.valid_from AND (k.valid_until IS NULL OR a.registered_at < k.valid_until)",
    )
    .bind(evidence_sha256)
    .fetch_all(pool)
    .await?;
    rows.iter().map(|r| get_str(r, "name")).collect()
}

/// An organisation's (id, kind) by name.
pub async fn organisation_by_name(
    pool: &AnyPool,
    name: &str,
) -> Result<Option<(String, String)>, RegistryError> {
    let row = sqlx::query("SELECT id, kind FROM organisations WHERE LOWER(name) = $1")
        .bind(name.to_lowercase())
        .fetch_optional(pool)
        .await?;
    row.map(|r| Ok((get_str(&r, "id")?, get_str(&r, "kind")?)))
        .transpose()
}

/// Number of accounts.
pub async fn account_count(pool: &AnyPool) -> Result<i64, RegistryError> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(pool)
        .await?
        .try_get::<i64, _>("n")?)
}

/// All log entries' leaf hashes, in order.
pub async fn leaf_hashes(pool: &AnyPool) -> Result<Vec<(i64, Vec<u8>)>, RegistryError> {
    let rows = sqlx::query("SELECT idx, leaf_hash FROM log_entries ORDER BY idx")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| Ok((get_i64(r, "idx")?, r.try_get::<Vec<u8>, _>("leaf_hash")?)))
        .collect()
}

/// Log entries `[start, end)` as (index, data, leaf hash).
pub async fn entries(
    pool: &AnyPool,
    start: u64,
    end: u64,
) -> Result<Vec<(u64, Vec<u8>, Vec<u8>)>, RegistryError> {
    let rows = sqlx::query(
        "SELECT idx, data, leaf_hash FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
    )
    .bind(i64::try_from(start).unwrap_or(i64::MAX))
    .bind(i64::try_from(end).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                u64::try_from(get_i64(r, "idx")?).unwrap_or(0),
                r.try_get::<Vec<u8>, _>("data")?,
                r.try_get::<Vec<u8>, _>("leaf_hash")?,
            ))
        })
        .collect()
}

/// Log indices of the entries about a subject (e.g. a label id).
pub async fn entry_indices_for(pool: &AnyPool, subject: &str) -> Result<Vec<u64>, RegistryError> {
    let rows = sqlx::query("SELECT idx FROM log_entries WHERE subject = $1 ORDER BY idx")
        .bind(subject)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| Ok(u64::try_from(get_i64(r, "idx")?).unwrap_or(0)))
        .collect()
}

/// Stored checkpoints: (size, root, note), ascending.
pub async fn checkpoints(pool: &AnyPool) -> Result<Vec<(u64, Vec<u8>, String)>, RegistryError> {
    let rows = sqlx::query("SELECT size, root, note FROM checkpoints ORDER BY size")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                u64::try_from(get_i64(r, "size")?).unwrap_or(0),
                r.try_get::<Vec<u8>, _>("root")?,
                get_str(r, "note")?,
            ))
        })
        .collect()
}

/// Stores a checkpoint (no-op if one of that size exists).
pub async fn insert_checkpoint(
    pool: &AnyPool,
    size: u64,
    root: &[u8],
    note: &str,
    now: i64,
) -> Result<(), RegistryError> {
    sqlx::query("INSERT INTO checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING")
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(root.to_vec())
        .bind(note)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// Catalogue versions used so far: (version, snapshot).
pub async fn catalog_versions(pool: &AnyPool) -> Result<Vec<(String, Vec<u8>)>, RegistryError> {
    let rows = sqlx::query("SELECT version, snapshot FROM catalog_versions ORDER BY first_used_at")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| Ok((get_str(r, "version")?, r.try_get::<Vec<u8>, _>("snapshot")?)))
        .collect()
}

/// Catalogue versions used so far, oldest first, without their snapshots: (version, first used
/// at, number of labels that name it). For the knowledge space's version history.
pub async fn catalog_version_history(
    pool: &AnyPool,
) -> Result<Vec<(String, i64, i64)>, RegistryError> {
    let rows = sqlx::query(
        "SELECT v.version, v.first_used_at, \
         (SELECT COUNT(*) FROM labels l WHERE l.catalog_version = v.version) AS labels \
         FROM catalog_versions v ORDER BY v.first_used_at",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                get_str(r, "version")?,
                get_i64(r, "first_used_at")?,
                get_i64(r, "labels")?,
            ))
        })
        .collect()
}

/// The tables a backup holds, in an order that respects foreign keys.
pub const TABLES: &[&str] = &[
    "organisations",
    "accounts",
    "products",
    "product_versions",
    "blobs",
    "declarations",
    "assessments",
    "assessment_facts",
    "fact_counts",
    "keys",
    "labels",
    "status_events",
    "attestations",
    "log_entries",
    "checkpoints",
    "catalog_versions",
    "settings",
    "advisory_documents",
    "kev_catalogs",
    "sboms",
    "vex_documents",
    "findings",
    "finding_resolutions",
];

/// A setting's value.
pub async fn setting(pool: &AnyPool, key: &str) -> Result<Option<String>, RegistryError> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?;
    row.map(|r| get_str(&r, "value")).transpose()
}

/// Records a setting once (an existing value is kept).
pub async fn init_setting(pool: &AnyPool, key: &str, value: &str) -> Result<(), RegistryError> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(value)
        .execute(pool)
        .await?;
    Ok(())
}

/// Every label of a product, newest first.
pub async fn labels_of_product(
    pool: &AnyPool,
    product_id: &str,
) -> Result<Vec<LabelRecord>, RegistryError> {
    let sql = format!(
        "SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE p.id = $1 ORDER BY l.issued_at DESC, l.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(product_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(label_from_row).collect()
}

/// A submitted declaration (product or process) by digest: (media type, text).
pub async fn declaration(
    pool: &AnyPool,
    sha256: &str,
) -> Result<Option<(String, Vec<u8>)>, RegistryError> {
    let known =
        sqlx::query("SELECT 1 AS one FROM declarations WHERE sha256 = $1 OR process_sha256 = $2")
            .bind(sha256)
            .bind(sha256)
            .fetch_optional(pool)
            .await?
            .is_some();
    if known {
        blob(pool, sha256).await
    } else {
        Ok(None)
    }
}

/// An organisation's kind (`manufacturer`, `assessor`, `operator`) by id.
pub async fn organisation_kind(pool: &AnyPool, id: &str) -> Result<Option<String>, RegistryError> {
    let row = sqlx::query("SELECT kind FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| get_str(&r, "kind")).transpose()
}

/// The product categories labelled products have, for search forms.
pub async fn label_categories(pool: &AnyPool) -> Result<Vec<String>, RegistryError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT p.category FROM products p JOIN product_versions pv ON pv.product_id = p.id JOIN labels l ON l.product_version_id = pv.id ORDER BY p.category LIMIT 500",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}
