//! Reading zip files (OSV's `all.zip` dumps) entry by entry, in memory only, with limits that
//! stop zip bombs: entry count, per-entry and total expanded size measured while inflating
//! (headers can lie), and the expansion ratio. Entry names are checked although nothing is
//! ever written to disk, so a hostile archive is refused as a whole rather than half read.

use std::io::{Read, Seek};
use std::path::Path;

use crate::error::{Error, ErrorKind, Origin};
use crate::input::Limits;

/// Entries larger than this are checked against the ratio limit; tiny files legitimately
/// compress well.
const RATIO_FLOOR: u64 = 1024 * 1024;

/// Whether `bytes` start like a zip archive: with a local file header, or, for an archive
/// holding nothing, with the end of its central directory. Uploads carry no file name, so
/// this is how a zip dump is told from a JSON or YAML document.
pub fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Calls `f` with the name and bytes of every file entry, in archive order. Directory entries
/// are skipped; nested archives are reported to `f` like other files (callers skip them).
pub(crate) fn for_each_entry(
    path: &Path,
    limits: &Limits,
    f: impl FnMut(&str, Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    let file = std::fs::File::open(path).map_err(|source| {
        Error::from(ErrorKind::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    for_each_entry_in(std::io::BufReader::new(file), path, limits, f)
}

/// [`for_each_entry`] over an archive already in memory (an upload); `name` stands for its
/// path in messages.
pub(crate) fn for_each_entry_in_bytes(
    bytes: &[u8],
    name: &Path,
    limits: &Limits,
    f: impl FnMut(&str, Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    for_each_entry_in(std::io::Cursor::new(bytes), name, limits, f)
}

fn for_each_entry_in<R: Read + Seek>(
    reader: R,
    path: &Path,
    limits: &Limits,
    mut f: impl FnMut(&str, Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    let zip_origin = Origin::file(path);
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| {
        Error::zip(
            &zip_origin,
            format!("not a readable zip file: {e}"),
            "check that the download is complete",
        )
    })?;
    if archive.len() > limits.max_zip_entries {
        return Err(Error::zip(
            &zip_origin,
            format!(
                "{} entries, more than the limit of {}",
                archive.len(),
                limits.max_zip_entries
            ),
            "raise `Limits::max_zip_entries` if the archive is genuine",
        ));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| {
            Error::zip(
                &zip_origin,
                format!("entry {index} cannot be read: {e}"),
                "the archive is damaged; download it again",
            )
        })?;
        let name = entry
            .name()
            .map_err(|e| {
                Error::zip(
                    &zip_origin,
                    format!("entry {index} has an unreadable name: {e}"),
                    "the archive is damaged or hostile",
                )
            })?
            .to_string();
        let origin = Origin::ZipEntry {
            zip: path.to_path_buf(),
            entry: name.chars().take(200).collect(),
        };
        check_name(&name, &origin)?;
        if entry.enclosed_name().is_none() {
            return Err(Error::zip(
                &origin,
                "the entry name leaves the archive's directory",
                "the archive is hostile; it was refused as a whole",
            ));
        }
        if entry.is_dir() {
            continue;
        }
        if entry.is_symlink() {
            return Err(Error::zip(
                &origin,
                "the entry is a symbolic link",
                "advisory archives hold plain files only; the archive was refused",
            ));
        }
        if entry.encrypted() {
            return Err(Error::zip(
                &origin,
                "the entry is encrypted",
                "give an unencrypted archive",
            ));
        }
        if entry.size() > limits.max_document_bytes {
            return Err(Error::from(ErrorKind::TooLarge {
                origin,
                size: entry.size(),
                limit: limits.max_document_bytes,
            }));
        }
        let compressed = entry.compressed_size().max(1);
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        (&mut entry)
            .take(limits.max_document_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| {
                Error::zip(
                    &origin,
                    format!("the entry cannot be inflated: {e}"),
                    "the archive is damaged or uses an unsupported compression (deflate and \
                     stored are read)",
                )
            })?;
        let size = bytes.len() as u64;
        if size > limits.max_document_bytes {
            return Err(Error::from(ErrorKind::TooLarge {
                origin,
                size,
                limit: limits.max_document_bytes,
            }));
        }
        if size > RATIO_FLOOR && size / compressed > limits.max_zip_ratio {
            return Err(Error::zip(
                &origin,
                format!(
                    "the entry expands {} times ({compressed} to {size} bytes): a zip bomb",
                    size / compressed
                ),
                "the archive was refused as a whole",
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_zip_total_bytes {
            return Err(Error::zip(
                &zip_origin,
                format!(
                    "the entries expand to more than {} bytes",
                    limits.max_zip_total_bytes
                ),
                "a zip bomb, or raise `Limits::max_zip_total_bytes` if the archive is genuine",
            ));
        }
        drop(entry);
        f(&name, bytes)?;
    }
    Ok(())
}

/// Refuses names that would escape a directory if ever extracted: absolute paths, `..`
/// segments, drive letters, backslashes, control characters.
fn check_name(name: &str, origin: &Origin) -> Result<(), Error> {
    let bad = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.chars().any(char::is_control)
        || name.split('/').any(|segment| segment == "..")
        || name.get(1..2) == Some(":");
    if bad {
        return Err(Error::zip(
            origin,
            "unsafe entry name (absolute, with `..`, a drive letter, a backslash or a control \
             character)",
            "the archive is hostile; it was refused as a whole",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zips_are_told_from_documents_by_their_first_bytes() {
        let mut empty = b"PK\x05\x06".to_vec();
        empty.extend([0u8; 18]);
        assert!(looks_like_zip(&empty));
        assert!(looks_like_zip(b"PK\x03\x04 rest of a zip"));
        for document in [&b"{\"id\": \"PYSEC-1\"}"[..], b"id: PYSEC-1\n", b"PK", b""] {
            assert!(!looks_like_zip(document), "{document:?}");
        }
    }

    #[test]
    fn names() {
        let o = Origin::memory("t");
        assert!(check_name("a/b.json", &o).is_ok());
        for bad in [
            "../x.json",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "a\\..\\b",
            "a\0b",
        ] {
            assert!(check_name(bad, &o).is_err(), "{bad}");
        }
    }
}
