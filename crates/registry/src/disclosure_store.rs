//! The SQL of coordinated disclosure ([`crate::disclosure`]).
//!
//! Deliberately outside the log's sequencer: reports are confidential, so their rows are
//! written here, directly, each change with its timeline event in one transaction, and never
//! as log entries. A change is applied only if the report is still at the version (timeline
//! length) it was read at, so two concurrent actions cannot both pass the state machine.

use sqlx::any::AnyRow;
use sqlx::{AnyPool, AssertSqlSafe, Row};

use crate::disclosure::{Advisory, Change, NewEvent, Report, ReportState, TimelineEvent};
use crate::error::RegistryError;

/// The tables a backup holds, after [`crate::store::TABLES`] (they refer to its tables).
pub(crate) const TABLES: &[&str] = &[
    "disclosure_reports",
    "disclosure_events",
    "disclosure_advisories",
];

const COLUMNS: &str = "r.id, r.organisation_id, o.name AS manufacturer, o.security_contact, r.product_id, p.brand, p.model, r.label_id, r.title, r.description, r.affected_versions, r.cvss_vector, r.severity, r.reporter_contact, r.reporter_name, r.state, r.events, r.received_at, r.acknowledged_at, r.exploited_since, r.early_warning_at, r.notification_at, r.fixed_at, r.fixed_versions, r.final_report_at, r.resolution, r.duplicate_of, r.published_at, r.closed_at, r.updated_at";
const FROM: &str = "FROM disclosure_reports r JOIN organisations o ON o.id = r.organisation_id JOIN products p ON p.id = r.product_id";

fn list(json: &str) -> Result<Vec<String>, RegistryError> {
    serde_json::from_str(json)
        .map_err(|e| RegistryError::Tampered(format!("a stored version list: {e}")))
}

fn to_list(versions: &[String]) -> String {
    serde_json::to_string(versions).unwrap_or_else(|_| "[]".into())
}

fn parsed<T: std::str::FromStr<Err = String>>(
    row: &AnyRow,
    col: &str,
) -> Result<Option<T>, RegistryError> {
    row.try_get::<Option<String>, _>(col)?
        .map(|s| s.parse().map_err(RegistryError::Tampered))
        .transpose()
}

fn report_from_row(r: &AnyRow) -> Result<Report, RegistryError> {
    Ok(Report {
        id: r.try_get("id")?,
        organisation_id: r.try_get("organisation_id")?,
        manufacturer: r.try_get("manufacturer")?,
        security_contact: r.try_get("security_contact")?,
        product_id: r.try_get("product_id")?,
        brand: r.try_get("brand")?,
        model: r.try_get("model")?,
        label_id: r.try_get("label_id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        affected_versions: list(&r.try_get::<String, _>("affected_versions")?)?,
        cvss_vector: r.try_get("cvss_vector")?,
        severity: parsed(r, "severity")?,
        reporter_contact: r.try_get("reporter_contact")?,
        reporter_name: r.try_get("reporter_name")?,
        state: parsed(r, "state")?
            .ok_or_else(|| RegistryError::Tampered("a report without a state".into()))?,
        events: r.try_get("events")?,
        received_at: r.try_get("received_at")?,
        acknowledged_at: r.try_get("acknowledged_at")?,
        exploited_since: r.try_get("exploited_since")?,
        early_warning_at: r.try_get("early_warning_at")?,
        notification_at: r.try_get("notification_at")?,
        fixed_at: r.try_get("fixed_at")?,
        fixed_versions: list(&r.try_get::<String, _>("fixed_versions")?)?,
        final_report_at: r.try_get("final_report_at")?,
        resolution: parsed(r, "resolution")?,
        duplicate_of: r.try_get("duplicate_of")?,
        published_at: r.try_get("published_at")?,
        closed_at: r.try_get("closed_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    report_id: &str,
    seq: i64,
    e: &NewEvent,
) -> Result<(), RegistryError> {
    sqlx::query("INSERT INTO disclosure_events (report_id, seq, kind, actor, actor_role, text, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(report_id)
        .bind(seq)
        .bind(e.kind.as_str())
        .bind(&e.actor)
        .bind(e.actor_role.as_str())
        .bind(e.text.clone())
        .bind(e.at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores a new report with its first event.
pub(crate) async fn insert_report(
    pool: &AnyPool,
    r: &Report,
    token_hash: &str,
    event: &NewEvent,
) -> Result<(), RegistryError> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO disclosure_reports (id, organisation_id, product_id, label_id, title, description, affected_versions, cvss_vector, severity, reporter_contact, reporter_name, reporter_token_hash, state, events, received_at, fixed_versions, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, '[]', $15)",
    )
    .bind(&r.id)
    .bind(&r.organisation_id)
    .bind(&r.product_id)
    .bind(r.label_id.clone())
    .bind(&r.title)
    .bind(&r.description)
    .bind(to_list(&r.affected_versions))
    .bind(r.cvss_vector.clone())
    .bind(r.severity.map(|s| s.as_str().to_owned()))
    .bind(&r.reporter_contact)
    .bind(r.reporter_name.clone())
    .bind(token_hash)
    .bind(r.state.as_str())
    .bind(r.received_at)
    .bind(r.updated_at)
    .execute(&mut *tx)
    .await?;
    insert_event(&mut tx, &r.id, 1, event).await?;
    tx.commit().await?;
    Ok(())
}

/// A report by id.
pub(crate) async fn report(pool: &AnyPool, id: &str) -> Result<Option<Report>, RegistryError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE r.id = $1");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(report_from_row).transpose()
}

/// A report by id, if `token_hash` is its reporter's.
pub(crate) async fn report_by_token(
    pool: &AnyPool,
    id: &str,
    token_hash: &str,
) -> Result<Option<Report>, RegistryError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE r.id = $1 AND r.reporter_token_hash = $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(token_hash)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(report_from_row).transpose()
}

/// Reports, newest first: of one organisation or all, in one state or any. With
/// `exploited_open`, only those that can be overdue (actively exploited, not rejected, some
/// obligation not yet done); the caller applies the exact rule.
pub(crate) async fn reports(
    pool: &AnyPool,
    organisation: Option<&str>,
    state: Option<ReportState>,
    exploited_open: bool,
    limit: u32,
    offset: u32,
) -> Result<Vec<Report>, RegistryError> {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    if let Some(o) = organisation {
        binds.push(o.to_owned());
        clauses.push(format!("r.organisation_id = ${}", binds.len()));
    }
    if let Some(s) = state {
        binds.push(s.as_str().to_owned());
        clauses.push(format!("r.state = ${}", binds.len()));
    }
    if exploited_open {
        clauses.push("r.exploited_since IS NOT NULL AND r.state <> 'rejected' AND (r.early_warning_at IS NULL OR r.notification_at IS NULL OR (r.fixed_at IS NOT NULL AND r.final_report_at IS NULL))".to_owned());
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT {COLUMNS} {FROM} {filter} ORDER BY r.received_at DESC, r.id LIMIT {limit} OFFSET {offset}"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for b in &binds {
        query = query.bind(b);
    }
    query
        .fetch_all(pool)
        .await?
        .iter()
        .map(report_from_row)
        .collect()
}

/// A report's timeline, in order.
pub(crate) async fn timeline(
    pool: &AnyPool,
    id: &str,
) -> Result<Vec<TimelineEvent>, RegistryError> {
    let rows = sqlx::query("SELECT seq, kind, actor, actor_role, text, at FROM disclosure_events WHERE report_id = $1 ORDER BY seq")
        .bind(id)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TimelineEvent {
                seq: r.try_get("seq")?,
                kind: parsed(r, "kind")?
                    .ok_or_else(|| RegistryError::Tampered("an event without a kind".into()))?,
                actor: r.try_get("actor")?,
                actor_role: parsed(r, "actor_role")?
                    .ok_or_else(|| RegistryError::Tampered("an event without a role".into()))?,
                text: r.try_get("text")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// Applies a change and records its event (and a published advisory) in one transaction,
/// provided the report is still as it was read.
pub(crate) async fn apply(
    pool: &AnyPool,
    read: &Report,
    c: &Change,
    event: &NewEvent,
    advisory: Option<&Advisory>,
) -> Result<(), RegistryError> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query(
        "UPDATE disclosure_reports SET state = COALESCE($1, state), acknowledged_at = COALESCE($2, acknowledged_at), \
         exploited_since = COALESCE($3, exploited_since), early_warning_at = COALESCE($4, early_warning_at), \
         notification_at = COALESCE($5, notification_at), fixed_at = COALESCE($6, fixed_at), \
         fixed_versions = COALESCE($7, fixed_versions), affected_versions = COALESCE($8, affected_versions), \
         final_report_at = COALESCE($9, final_report_at), resolution = COALESCE($10, resolution), \
         duplicate_of = COALESCE($11, duplicate_of), published_at = COALESCE($12, published_at), \
         closed_at = COALESCE($13, closed_at), events = events + 1, updated_at = $14 \
         WHERE id = $15 AND events = $16",
    )
    .bind(c.state.map(|s| s.as_str().to_owned()))
    .bind(c.acknowledged_at)
    .bind(c.exploited_since)
    .bind(c.early_warning_at)
    .bind(c.notification_at)
    .bind(c.fixed_at)
    .bind(c.fixed_versions.as_deref().map(to_list))
    .bind(c.affected_versions.as_deref().map(to_list))
    .bind(c.final_report_at)
    .bind(c.resolution.map(|r| r.as_str().to_owned()))
    .bind(c.duplicate_of.clone())
    .bind(c.published_at)
    .bind(c.closed_at)
    .bind(event.at)
    .bind(&read.id)
    .bind(read.events)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(RegistryError::Conflict(format!(
            "report {} changed meanwhile; read it again and retry",
            read.id
        )));
    }
    insert_event(&mut tx, &read.id, read.events + 1, event).await?;
    if let Some(a) = advisory {
        sqlx::query("INSERT INTO disclosure_advisories (id, report_id, sha256, document, published_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&a.id)
            .bind(&read.id)
            .bind(&a.sha256)
            .bind(a.document.clone())
            .bind(event.at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A published advisory's document.
pub(crate) async fn advisory(pool: &AnyPool, id: &str) -> Result<Option<Vec<u8>>, RegistryError> {
    let row = sqlx::query("SELECT document FROM disclosure_advisories WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row
        .map(|r| r.try_get::<Vec<u8>, _>("document"))
        .transpose()?)
}

/// Sets an organisation's security contact; false when there is no such organisation.
///
/// Written directly, like the reports: the contact is routing data for disclosure, not an
/// event the transparency log records (creating organisations is not logged either).
pub(crate) async fn set_security_contact(
    pool: &AnyPool,
    organisation_id: &str,
    contact: Option<&str>,
) -> Result<bool, RegistryError> {
    let done = sqlx::query("UPDATE organisations SET security_contact = $1 WHERE id = $2")
        .bind(contact.map(str::to_owned))
        .bind(organisation_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}
