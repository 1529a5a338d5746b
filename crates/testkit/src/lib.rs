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
