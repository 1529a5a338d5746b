//! `iotlabel advisories import`: sends advisory files, directories and zip dumps to a
//! registry, which matches them against every labelled product at once.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli::AdvisoriesCommand;
use crate::client::RegistryClient;
use crate::error::CliError;
use crate::output::Out;

/// A directory is sent as zip dumps of at most this many bytes of records each, well under the
/// registry's default upload limit (16 MiB).
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// Directory trees deeper than this are refused.
const MAX_DEPTH: usize = 32;

/// Runs `iotlabel advisories ...`.
pub fn run(command: AdvisoriesCommand) -> Result<(), CliError> {
    match command {
        AdvisoriesCommand::Import { paths, remote } => {
            let registry = RegistryClient::new(&remote.registry, remote.token.clone())?;
            let mut out = Out::stdout();
            for path in &paths {
                for (name, body, media_type) in uploads(path)? {
                    let answer = registry.post_bytes("/api/v1/advisories", body, media_type)?;
                    out.line(&describe(&name, &answer));
                }
            }
            Ok(())
        }
    }
}

/// One request body: a name for messages, the bytes, their media type.
type Upload = (String, Vec<u8>, &'static str);

/// What to send for a path: a file as it is, a directory as zip batches of its OSV files.
fn uploads(path: &Path) -> Result<Vec<Upload>, CliError> {
    let read = |p: &Path| {
        std::fs::read(p).map_err(|source| CliError::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    let meta = std::fs::metadata(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        let lower = path.to_string_lossy().to_ascii_lowercase();
        let media_type = if lower.ends_with(".zip") {
            "application/zip"
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            "application/yaml"
        } else {
            "application/json"
        };
        return Ok(vec![(path.display().to_string(), read(path)?, media_type)]);
    }
    let mut files = Vec::new();
    collect(path, 0, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(CliError::Usage(format!(
            "{} holds no .json, .yaml or .yml advisory files",
            path.display()
        )));
    }
    let mut batches = Vec::new();
    let mut batch: Vec<(String, Vec<u8>)> = Vec::new();
    let mut size = 0;
    for file in files {
        let bytes = read(&file)?;
        if size + bytes.len() > BATCH_BYTES && !batch.is_empty() {
            batches.push(std::mem::take(&mut batch));
            size = 0;
        }
        size += bytes.len();
        let name = file
            .strip_prefix(path)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        batch.push((name, bytes));
    }
    batches.push(batch);
    let count = batches.len();
    batches
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let label = if count == 1 {
                path.display().to_string()
            } else {
                format!("{} (part {} of {count})", path.display(), i + 1)
            };
            Ok((label, zip_of(&b)?, "application/zip"))
        })
        .collect()
}

fn collect(dir: &Path, depth: usize, files: &mut Vec<PathBuf>) -> Result<(), CliError> {
    if depth > MAX_DEPTH {
        return Err(CliError::Usage(format!(
            "{}: directories nested deeper than {MAX_DEPTH} levels",
            dir.display()
        )));
    }
    let io = |source| CliError::Read {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let kind = entry.file_type().map_err(io)?;
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        if name.starts_with('.') || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            collect(&entry.path(), depth + 1, files)?;
        } else if name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml") {
            files.push(entry.path());
        }
    }
    Ok(())
}

fn zip_of(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, CliError> {
    let fail = |e: String| CliError::Usage(format!("cannot pack advisories: {e}"));
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer
            .start_file(name.as_str(), options)
            .map_err(|e| fail(e.to_string()))?;
        writer.write_all(bytes).map_err(|e| fail(e.to_string()))?;
    }
    let cursor = writer.finish().map_err(|e| fail(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// One line per document: records and what changed.
fn describe(name: &str, a: &Value) -> String {
    let len = |k: &str| a[k].as_array().map_or(0, Vec::len);
    if a["already_imported"].as_bool() == Some(true) {
        return format!("{name}: already imported; nothing changed");
    }
    let o = &a["outcome"];
    let list = |k: &str| {
        o[k].as_array()
            .map(|v| {
                v.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let mut line = format!(
        "{name}: {} records ({} new, {} updated, {} unchanged, {} withdrawn); findings: {} new, {} resolved, {} updated in {} product versions",
        a["records"].as_u64().unwrap_or(0),
        len("new"),
        len("updated"),
        a["unchanged"].as_u64().unwrap_or(0),
        len("withdrawn"),
        o["findings_new"].as_u64().unwrap_or(0),
        o["findings_resolved"].as_u64().unwrap_or(0),
        o["findings_updated"].as_u64().unwrap_or(0),
        o["product_versions"].as_array().map_or(0, Vec::len),
    );
    for (key, what) in [
        ("labels_flagged", "labels flagged (known exploited)"),
        ("labels_cleared", "labels cleared"),
        ("labels_reinstated", "labels reinstated"),
    ] {
        let l = list(key);
        if !l.is_empty() {
            line.push_str(&format!("; {what}: {l}"));
        }
    }
    // Notes are not failures: most say that a GIT commit range was left unevaluated while the
    // record's version ranges beside it were used. The first one shows what they are like.
    let notes = len("problems");
    if let Some(first) = a["problems"].get(0).and_then(Value::as_str) {
        line.push_str(&format!(
            "; {notes} notes on parts of records that cannot be matched (the API answer's `problems` lists them; the first: {first})"
        ));
    }
    line
}
