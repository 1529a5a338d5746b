//! Backups: every table as JSON lines, read in one snapshot so that a backup taken while the
//! registry serves is consistent, and restorable into SQLite or PostgreSQL alike (which is
//! also how a scheme moves from one to the other).
//!
//! ```text
//! {"format":"iotlabel-registry-backup","version":1,"created":"2026-11-21T10:00:00Z","log_size":42,"checkpoint":"..."}
//! {"table":"organisations","row":{"id":"org_...","name":"Acme","kind":"manufacturer",...}}
//! {"table":"blobs","row":{"sha256":"...","data":{"base64":"..."},...}}
//! ...
//! {"end":true,"rows":1234}
//! ```

use std::collections::BTreeMap;
use std::io::BufRead;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Executor, Row, Transaction};

use crate::db::{Backend, Db};
use crate::error::RegistryError;
use crate::store::TABLES;

/// Every table a backup holds, in an order that respects foreign keys: the registry's, then
/// coordinated disclosure's (which refer to organisations and products).
fn tables() -> impl Iterator<Item = &'static str> {
    TABLES
        .iter()
        .chain(crate::disclosure_store::TABLES)
        .copied()
}

/// The backup format's name, on its first line.
pub const FORMAT: &str = "iotlabel-registry-backup";

/// How a column's values are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Bytes,
    Bool,
}

/// The columns of a table in the open database, with their kinds.
async fn columns(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    table: &str,
) -> Result<Vec<(String, Kind)>, RegistryError> {
    let rows: Vec<(String, String)> = match backend {
        Backend::Sqlite => {
            // Table names come from the fixed TABLES list, never from input.
            let sql = format!("SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid");
            sqlx::query_as(AssertSqlSafe(sql)).fetch_all(&mut **tx).await?
        }
        Backend::Postgres => {
            sqlx::query_as("SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position")
                .bind(table)
                .fetch_all(&mut **tx)
                .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|(name, ty)| {
            let ty = ty.to_uppercase();
            let kind = if ty.contains("INT") {
                Kind::Int
            } else if ty.contains("BYTEA") || ty.contains("BLOB") {
                Kind::Bytes
            } else if ty.contains("BOOL") {
                Kind::Bool
            } else {
                Kind::Text
            };
            (name, kind)
        })
        .collect())
}

fn cell(row: &AnyRow, name: &str, kind: Kind) -> Result<Value, RegistryError> {
    Ok(match kind {
        Kind::Int => row
            .try_get::<Option<i64>, _>(name)?
            .map_or(Value::Null, Value::from),
        Kind::Text => row
            .try_get::<Option<String>, _>(name)?
            .map_or(Value::Null, Value::from),
        Kind::Bool => row
            .try_get::<Option<bool>, _>(name)?
            .map_or(Value::Null, Value::from),
        Kind::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(name)?
            .map_or(Value::Null, |b| json!({ "base64": STANDARD.encode(b) })),
    })
}

/// What a backup held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Rows per table.
    pub rows: BTreeMap<String, u64>,
    /// Log size at the snapshot.
    pub log_size: u64,
}

/// Writes a consistent backup of the whole registry.
pub async fn backup(db: &Db, out: &mut dyn std::io::Write) -> Result<Summary, RegistryError> {
    let io = |e: std::io::Error| RegistryError::Config(format!("cannot write the backup: {e}"));
    let mut tx = db.pool.begin().await?;
    if db.backend == Backend::Postgres {
        (&mut *tx)
            .execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?;
    }
    // The first read fixes the snapshot (SQLite WAL and PostgreSQL REPEATABLE READ alike).
    let (log_size,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM log_entries")
        .fetch_one(&mut *tx)
        .await?;
    let checkpoint: Option<(String,)> =
        sqlx::query_as("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    let header = json!({
        "format": FORMAT,
        "version": 1,
        "created": jiff::Timestamp::now().to_string(),
        "log_size": log_size,
        "checkpoint": checkpoint.map(|c| c.0),
    });
    writeln!(out, "{header}").map_err(io)?;
    let mut summary = Summary {
        rows: BTreeMap::new(),
        log_size: u64::try_from(log_size).unwrap_or(0),
    };
    let mut total = 0u64;
    for table in tables() {
        let cols = columns(&mut tx, db.backend, table).await?;
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY 1", names.join(", "));
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
        for row in &rows {
            let mut object = Map::new();
            for (name, kind) in &cols {
                object.insert(name.clone(), cell(row, name, *kind)?);
            }
            writeln!(out, "{}", json!({ "table": table, "row": object })).map_err(io)?;
        }
        summary.rows.insert(table.to_owned(), rows.len() as u64);
        total += rows.len() as u64;
    }
    tx.commit().await?;
    writeln!(out, "{}", json!({ "end": true, "rows": total })).map_err(io)?;
    out.flush().map_err(io)?;
    Ok(summary)
}

/// Restores a backup into an empty database, in one transaction: on any error nothing is
/// written. Errors name the backup's line.
pub async fn restore(db: &Db, input: &mut dyn BufRead) -> Result<Summary, RegistryError> {
    let bad =
        |line: usize, what: String| RegistryError::invalid(format!("backup line {line}: {what}"));
    let mut tx = db.pool.begin().await?;
    for table in tables() {
        let (n,): (i64,) = sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&mut *tx)
            .await?;
        if n > 0 {
            return Err(RegistryError::Conflict(format!(
                "the target database is not empty ({table} has {n} rows); restore into a fresh data directory or database"
            )));
        }
    }
    let mut kinds: BTreeMap<String, Vec<(String, Kind)>> = BTreeMap::new();
    for table in tables() {
        kinds.insert(table.to_owned(), columns(&mut tx, db.backend, table).await?);
    }
    let mut summary = Summary {
        rows: BTreeMap::new(),
        log_size: 0,
    };
    let mut ended = false;
    let mut total = 0u64;
    for (i, line) in input.lines().enumerate() {
        let number = i + 1;
        let line = line.map_err(|e| bad(number, e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        if ended {
            return Err(bad(number, "content after the end marker".into()));
        }
        let value: Value =
            serde_json::from_str(&line).map_err(|e| bad(number, format!("not JSON: {e}")))?;
        if number == 1 {
            if value["format"] != FORMAT || value["version"] != 1 {
                return Err(bad(number, format!("not an {FORMAT} version 1 file")));
            }
            summary.log_size = value["log_size"].as_u64().unwrap_or(0);
            continue;
        }
        if value["end"] == true {
            if value["rows"].as_u64() != Some(total) {
                return Err(bad(
                    number,
                    format!(
                        "the end marker counts {} rows, the file has {total}: it is truncated or edited",
                        value["rows"]
                    ),
                ));
            }
            ended = true;
            continue;
        }
        let table = value["table"]
            .as_str()
            .ok_or_else(|| bad(number, "no `table`".into()))?;
        let cols = kinds
            .get(table)
            .ok_or_else(|| bad(number, format!("unknown table `{table}`")))?;
        let row = value["row"]
            .as_object()
            .ok_or_else(|| bad(number, "no `row` object".into()))?;
        if let Some(extra) = row.keys().find(|k| !cols.iter().any(|(c, _)| c == *k)) {
            return Err(bad(number, format!("{table} has no column `{extra}`")));
        }
        let placeholders: Vec<String> = (1..=cols.len()).map(|n| format!("${n}")).collect();
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            placeholders.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (name, kind) in cols {
            let v = row.get(name).unwrap_or(&Value::Null);
            let wrong = || bad(number, format!("{table}.{name} has the wrong type"));
            query = match kind {
                Kind::Int => query.bind(if v.is_null() {
                    None
                } else {
                    Some(v.as_i64().ok_or_else(wrong)?)
                }),
                Kind::Text => query.bind(if v.is_null() {
                    None
                } else {
                    Some(v.as_str().ok_or_else(wrong)?.to_owned())
                }),
                Kind::Bool => query.bind(if v.is_null() {
                    None
                } else {
                    Some(v.as_bool().ok_or_else(wrong)?)
                }),
                Kind::Bytes => query.bind(if v.is_null() {
                    None
                } else {
                    let text = v["base64"].as_str().ok_or_else(wrong)?;
                    Some(
                        STANDARD
                            .decode(text)
                            .map_err(|e| bad(number, format!("{table}.{name}: {e}")))?,
                    )
                }),
            };
        }
        query
            .execute(&mut *tx)
            .await
            .map_err(|e| bad(number, format!("{table}: {e}")))?;
        *summary.rows.entry(table.to_owned()).or_default() += 1;
        total += 1;
    }
    if !ended {
        return Err(RegistryError::invalid(
            "the backup has no end marker: it is truncated",
        ));
    }
    tx.commit().await?;
    Ok(summary)
}
