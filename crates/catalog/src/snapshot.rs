//! Reading the catalogue's files, from a directory or from a git revision, into memory.
//!
//! Loading is split in two: this module does the I/O and yields a [`Snapshot`] of file texts;
//! building the catalogue from a snapshot is pure. That keeps the validation logic testable
//! without a file system and lets `catalog diff` compare any two revisions the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::LoadError;

/// The text of every catalogue file, keyed by path relative to the catalogue directory.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// How to name the catalogue's root in messages (a directory, or `REV:path`).
    pub root: PathBuf,
    /// Relative path (with `/` separators) to file text.
    pub files: BTreeMap<String, String>,
}

impl Snapshot {
    /// Reads every `.toml` and `.md` file under a catalogue directory.
    pub fn from_dir(dir: &Path) -> Result<Self, LoadError> {
        if !dir.join("catalog.toml").is_file() {
            return Err(LoadError::NotACatalog(dir.to_path_buf()));
        }
        let mut files = BTreeMap::new();
        read_dir_into(dir, dir, &mut files)?;
        Ok(Self {
            root: dir.to_path_buf(),
            files,
        })
    }

    /// Reads the catalogue directory `path` (relative to the repository root) as it was at
    /// git revision `rev` of the repository containing `repo`.
    ///
    /// This shells out to the `git` command rather than linking a git library: it is the
    /// only git operation we need, and every machine that has the repository has git.
    pub fn from_git(repo: &Path, rev: &str, path: &str) -> Result<Self, LoadError> {
        let git_err = |message: String| LoadError::Git {
            rev: rev.to_owned(),
            message,
        };
        if rev.starts_with('-') {
            return Err(git_err("a revision cannot start with '-'".into()));
        }
        let prefix = path.trim_end_matches('/');
        let listing =
            run_git(repo, &["ls-tree", "-r", "--name-only", rev, "--", prefix]).map_err(git_err)?;
        let mut files = BTreeMap::new();
        for name in listing.lines() {
            let Some(rel) = name.strip_prefix(prefix).map(|r| r.trim_start_matches('/')) else {
                continue;
            };
            if !is_catalog_file(rel) {
                continue;
            }
            let text = run_git(repo, &["show", &format!("{rev}:{name}")]).map_err(git_err)?;
            files.insert(rel.to_owned(), text);
        }
        if !files.contains_key("catalog.toml") {
            return Err(git_err(format!(
                "no catalog.toml under `{prefix}` at that revision"
            )));
        }
        Ok(Self {
            root: PathBuf::from(format!("{rev}:{prefix}")),
            files,
        })
    }

    /// The display path of a file in this snapshot.
    pub fn display_path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Files directly or indirectly under a sub-directory, sorted by path.
    pub fn files_under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        let prefix = format!("{dir}/");
        self.files
            .iter()
            .filter(move |(k, _)| k.starts_with(&prefix) && k.ends_with(".toml"))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn is_catalog_file(rel: &str) -> bool {
    rel.ends_with(".toml") || rel.ends_with(".md")
}

fn read_dir_into(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, String>,
) -> Result<(), LoadError> {
    let io = |path: &Path, source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| io(&path, e))?;
        if file_type.is_dir() {
            read_dir_into(root, &path, files)?;
        } else if file_type.is_file() {
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if is_catalog_file(&rel) {
                let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
                files.insert(rel, text);
            }
        }
    }
    Ok(())
}

fn run_git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
    }
    String::from_utf8(output.stdout).map_err(|_| "git printed text that is not UTF-8".to_owned())
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_catalog.rs"));
}

impl Snapshot {
    /// The catalogue this build of iotlabel was compiled with.
    pub fn embedded() -> Self {
        Self {
            root: PathBuf::from("<embedded catalog>"),
            files: embedded::FILES
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }
}
