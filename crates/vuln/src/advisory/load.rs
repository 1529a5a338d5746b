//! Loading OSV records from a file, a directory tree or a zip dump. Loading is all or
//! nothing: the first unusable file fails the whole load, so a registry never imports half a
//! dump.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::advisory::model::Vulnerability;
use crate::advisory::osv;
use crate::archive;
use crate::error::{Error, ErrorKind, Origin};
use crate::input::{self, Limits};

/// The records found under a path, and what was left aside.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OsvLoad {
    /// The records, one per id (when two files carry the same id, the one modified later).
    pub records: Vec<Vulnerability>,
    /// Files and entries that were not read, with the reason.
    pub skipped: Vec<Skipped>,
}

/// Something not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file or entry.
    pub origin: Origin,
    /// Why.
    pub reason: String,
}

/// Directory trees deeper than this are refused (a symlink loop cannot occur, as symlinks are
/// not followed, but a generated tree could be absurd).
const MAX_DIR_DEPTH: usize = 32;

/// Loads OSV records from a `.json`/`.yaml`/`.yml` file, a `.zip` dump, or a directory tree of
/// those (hidden files and other extensions are skipped and listed).
pub fn load(path: &Path, limits: &Limits) -> Result<OsvLoad, Error> {
    let mut load = OsvLoad::default();
    let meta = std::fs::metadata(path).map_err(|source| {
        Error::from(ErrorKind::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    if meta.is_dir() {
        let mut files = Vec::new();
        collect(path, 0, &mut files, &mut load.skipped)?;
        files.sort();
        for file in files {
            load_file(&file, limits, &mut load)?;
        }
    } else {
        load_file(path, limits, &mut load)?;
    }
    load.records = dedup(std::mem::take(&mut load.records), &mut load.skipped);
    Ok(load)
}

fn kind(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") || lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some("osv")
    } else if lower.ends_with(".zip") {
        Some("zip")
    } else {
        None
    }
}

fn collect(
    dir: &Path,
    depth: usize,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
) -> Result<(), Error> {
    let io = |source| {
        Error::from(ErrorKind::Io {
            path: dir.to_path_buf(),
            source,
        })
    };
    if depth > MAX_DIR_DEPTH {
        return Err(Error::invalid(
            &Origin::file(dir),
            Default::default(),
            format!("directories nested deeper than {MAX_DIR_DEPTH} levels"),
            "point at the directory that holds the advisories",
        ));
    }
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let file_type = entry.file_type().map_err(io)?;
        if name.starts_with('.') || file_type.is_symlink() {
            skipped.push(Skipped {
                origin: Origin::file(&path),
                reason: if file_type.is_symlink() {
                    "symbolic link (not followed)".into()
                } else {
                    "hidden".into()
                },
            });
        } else if file_type.is_dir() {
            collect(&path, depth + 1, files, skipped)?;
        } else if kind(&name).is_some() {
            files.push(path);
        } else {
            skipped.push(Skipped {
                origin: Origin::file(&path),
                reason: "not .json, .yaml, .yml or .zip".into(),
            });
        }
    }
    Ok(())
}

fn load_file(path: &Path, limits: &Limits, load: &mut OsvLoad) -> Result<(), Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if kind(&name) == Some("zip") {
        return archive::for_each_entry(path, limits, |entry, bytes| {
            zip_entry(path, entry, &bytes, limits, load)
        });
    }
    let bytes = input::read_file(path, limits)?;
    load.records
        .extend(osv::parse(&bytes, &Origin::file(path), limits)?);
    Ok(())
}

/// One record per id: the later `modified` wins, the first read on a tie.
fn dedup(records: Vec<Vulnerability>, skipped: &mut Vec<Skipped>) -> Vec<Vulnerability> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(records.len());
    let mut out: Vec<Vulnerability> = Vec::with_capacity(records.len());
    for record in records {
        match index.get(&record.id) {
            Some(&i) => {
                let Some(kept) = out.get_mut(i) else { continue };
                let (loser, reason) = if record.modified > kept.modified {
                    let old = std::mem::replace(kept, record);
                    (old, "an older copy of a record read elsewhere")
                } else {
                    (record, "a copy of a record read elsewhere, not newer")
                };
                skipped.push(Skipped {
                    origin: loser.source.origin.clone(),
                    reason: format!("{}: {reason}", loser.id),
                });
            }
            None => {
                index.insert(record.id.clone(), out.len());
                out.push(record);
            }
        }
    }
    out
}

/// One entry of a zip dump: OSV records are read, anything else is listed as skipped.
fn zip_entry(
    zip: &Path,
    entry: &str,
    bytes: &[u8],
    limits: &Limits,
    load: &mut OsvLoad,
) -> Result<(), Error> {
    let origin = Origin::ZipEntry {
        zip: zip.to_path_buf(),
        entry: entry.to_string(),
    };
    match kind(entry) {
        Some("osv") => load.records.extend(osv::parse(bytes, &origin, limits)?),
        Some(_) => load.skipped.push(Skipped {
            origin,
            reason: "nested archive (not opened)".into(),
        }),
        None => load.skipped.push(Skipped {
            origin,
            reason: "not .json, .yaml or .yml".into(),
        }),
    }
    Ok(())
}

/// Loads OSV records from a zip dump held in memory (an upload); `name` stands for its path in
/// messages. The same rules and limits as [`load`] on a `.zip` file.
pub fn load_zip_bytes(bytes: &[u8], name: &Path, limits: &Limits) -> Result<OsvLoad, Error> {
    let mut load = OsvLoad::default();
    archive::for_each_entry_in_bytes(bytes, name, limits, |entry, data| {
        zip_entry(name, entry, &data, limits, &mut load)
    })?;
    load.records = dedup(std::mem::take(&mut load.records), &mut load.skipped);
    Ok(load)
}
