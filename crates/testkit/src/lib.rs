//! Helpers for iotlabel's tests: locating the shared public test data, the repository's own
//! files, and the reference implementations (Python tools) that outputs are checked against.
//!
//! Every helper fails loudly with instructions when something is missing: a test that quietly
//! skips would pass without testing anything.

#![allow(clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| {
            panic!(
                "cannot find the workspace root above {}",
                env!("CARGO_MANIFEST_DIR")
            )
        })
}

/// The repository's catalogue directory.
pub fn catalog_dir() -> PathBuf {
    workspace_root().join("catalog")
}

/// The shared directory with public test data and the seed reports: `$IOTLABEL_SHARED`, or
/// `shared` next to the workspace (`../shared`).
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("IOTLABEL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared"));
    if !dir.is_dir() {
        panic!(
            "the shared test data directory {} is missing; set IOTLABEL_SHARED to the directory \
             that holds seeds/ and data/ (see README, Testing)",
            dir.display()
        );
    }
    dir
}

/// A file under the shared directory, which must exist.
pub fn shared_file(rel: &str) -> PathBuf {
    let path = shared_dir().join(rel);
    if !path.exists() {
        panic!(
            "shared test data {} is missing; set IOTLABEL_SHARED to the directory that holds it",
            path.display()
        );
    }
    path
}

/// The Python interpreter with the reference tools installed (`scripts/test` creates it):
/// `$IOTLABEL_PYTHON`, or `.venv/bin/python` in the workspace.
pub fn python() -> PathBuf {
    let python = std::env::var_os("IOTLABEL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    if !python.exists() {
        panic!(
            "the reference-tool Python {} is missing; run scripts/test (it installs \
             tests/python/requirements.txt into .venv), or set IOTLABEL_PYTHON",
            python.display()
        );
    }
    python
}

/// Runs one of the repository's Python checkers (`tests/python/<script>`) with arguments.
pub fn run_python_check(script: &str, args: &[&str]) -> Output {
    let script = workspace_root().join("tests/python").join(script);
    Command::new(python())
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()))
}

/// Runs a Python checker and panics with its output unless it succeeds.
pub fn assert_python_check(script: &str, args: &[&str]) -> String {
    let out = run_python_check(script, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        panic!(
            "{script} {args:?} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    stdout
}

/// Copies a directory tree (e.g. the catalogue, to edit a copy in a test).
pub fn copy_dir(from: &Path, to: &Path) {
    let fail = |what: &str, p: &Path, e: std::io::Error| -> ! {
        panic!("cannot {what} {}: {e}", p.display())
    };
    std::fs::create_dir_all(to).unwrap_or_else(|e| fail("create", to, e));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| fail("read", from, e));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| fail("read", from, e));
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| fail("copy", &entry.path(), e));
        }
    }
}

/// The PostgreSQL server the tests use: `$IOTLABEL_TEST_POSTGRES`, or the local server at
/// 127.0.0.1:5432 (`scripts/test` starts one where the machine has none).
pub fn postgres_url() -> String {
    std::env::var("IOTLABEL_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh, empty PostgreSQL database for one test; dropped by [`PostgresDatabase::drop_now`]
/// (`scripts/test` also removes leftovers of failed runs).
pub struct PostgresDatabase {
    /// Its URL.
    pub url: String,
    name: String,
    admin: String,
}

/// Prefix of the test databases, so leftovers can be found.
pub const TEST_DATABASE_PREFIX: &str = "iotlabel_test_";

impl PostgresDatabase {
    /// Creates a database with a unique name on the test server.
    pub async fn create() -> Self {
        use sqlx::{AssertSqlSafe, Connection};
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let admin = postgres_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "{TEST_DATABASE_PREFIX}{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is not reachable at {admin}: {e}. Run scripts/test (it starts a \
                 server where the machine has none) or set IOTLABEL_TEST_POSTGRES"
                )
            });
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("cannot create database {name} on {admin}: {e}"));
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Self {
            url: format!("{base}/{name}"),
            name,
            admin,
        }
    }

    /// Drops the database (connections to it are terminated first).
    pub async fn drop_now(self) {
        use sqlx::{AssertSqlSafe, Connection};
        if let Ok(mut conn) = sqlx::PgConnection::connect(&self.admin).await {
            let _ = sqlx::query(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .execute(&mut conn)
            .await;
        }
    }
}

/// Installs the TLS crypto provider HTTP clients need (the workspace builds reqwest without a
/// default one; the `iotlabel` binary installs ring the same way). Call before making clients.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
