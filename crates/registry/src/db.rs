//! The database: SQLite in a data directory by default, PostgreSQL for scale, through one
//! sqlx `Any` pool, one set of migrations and one dialect of SQL that both understand.

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::error::RegistryError;

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A connection pool with its backend.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// The backend.
    pub backend: Backend,
    /// The URL it was opened with (may hold a password: show it only through [`redact`]).
    pub url: String,
}

/// The SQLite URL of the database in a data directory.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("registry.db").display()
    )
}

impl Db {
    /// Opens (and creates, for SQLite) the database and applies the migrations.
    pub async fn open(url: &str) -> Result<Self, RegistryError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(RegistryError::Config(format!(
                "unsupported database URL `{}`: use sqlite://FILE or postgres://...",
                redact(url)
            )));
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| RegistryError::Config(format!("database URL {}: {e}", redact(url))))?;
        let pool = AnyPoolOptions::new()
            // SQLite has one writer; more connections only help readers.
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work while the sequencer writes; synchronous=FULL makes
                        // a committed log batch survive power loss, not only a crash.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| {
                RegistryError::Config(format!("cannot open the database {}: {e}", redact(url)))
            })?;
        let db = Self {
            pool,
            backend,
            url: url.to_owned(),
        };
        sqlx::migrate!("./migrations")
            .run(&db.pool)
            .await
            .map_err(|e| RegistryError::Config(format!("cannot migrate the database: {e}")))?;
        Ok(db)
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db/iot"),
            "postgres://app:***@db/iot"
        );
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
