//! Commands that talk to a running registry: submit, attest, the operator's actions, and the
//! auditor's `log verify`.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use iotlabel_catalog::Catalog;
use iotlabel_label::KeyPair;
use iotlabel_label::attestation::{EvidencePredicate, EvidenceStatement};
use iotlabel_tlog::{Checkpoint, Hash, TileReader, VerifierKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::cli::{
    AttestArgs, Format, LogCommand, OperatorCommand, OrganisationKind, RemoteArgs, StatusAction,
    SubmitArgs,
};
use crate::client::RegistryClient;
use crate::error::CliError;
use crate::output::Out;

fn client(remote: &RemoteArgs) -> Result<RegistryClient, CliError> {
    if remote.token.is_none() {
        return Err(CliError::Usage(
            "this needs an API token: set IOTLABEL_TOKEN (or --token)".into(),
        ));
    }
    RegistryClient::new(&remote.registry, remote.token.clone())
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Runs `iotlabel submit`: checks the declaration locally (like `declaration check`), uploads
/// the evidence files it names, and submits it.
pub fn submit(catalog: &Catalog, args: SubmitArgs) -> Result<(), CliError> {
    let registry = client(&args.remote)?;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let loaded = iotlabel_declaration::load(&args.file, catalog, today)?;
    let problems = loaded.evidence_problems();
    if !problems.is_empty() {
        return Err(CliError::Declaration(
            iotlabel_declaration::DeclarationError::Invalid(problems),
        ));
    }
    let process_text = match (&args.process, &loaded.process) {
        (Some(p), _) => Some(String::from_utf8_lossy(&read_bytes(p)?).into_owned()),
        (None, Some(p)) => Some(p.source.text.clone()),
        (None, None) => None,
    };
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for l in std::iter::once(&loaded).chain(loaded.process.as_deref()) {
        let base = l
            .source
            .file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        files.extend(
            l.declaration
                .evidence
                .iter()
                .filter_map(|e| e.path.as_ref().map(|p| (base.join(p), e.sha256.clone()))),
        );
    }
    for (path, sha256) in &files {
        registry.put_bytes(&format!("/api/v1/blobs/{sha256}"), read_bytes(path)?)?;
    }
    let format = if loaded.source.syntax == iotlabel_declaration::Syntax::Json {
        "json"
    } else {
        "toml"
    };
    let result = registry.post_json(
        "/api/v1/declarations",
        &json!({ "declaration": loaded.source.text, "format": format, "process": process_text }),
    )?;
    let mut out = Out::stdout();
    match args.format {
        Format::Json => out.json(&result)?,
        Format::Text => {
            let label = &result["label"];
            let verb = if result["created"] == true {
                "Labelled"
            } else {
                "Already labelled"
            };
            out.heading(&format!(
                "{verb}: {} {} {} at level {} (label {}).",
                label["product"]["brand"].as_str().unwrap_or(""),
                label["product"]["model"].as_str().unwrap_or(""),
                label["product"]["software_version"].as_str().unwrap_or(""),
                label["level"],
                label["id"].as_str().unwrap_or("")
            ));
            out.field("Evidence uploaded", &files.len().to_string());
            out.field("Valid until", label["expires_at"].as_str().unwrap_or(""));
            out.field("Record", label["links"]["page"].as_str().unwrap_or(""));
            for s in result["superseded"].as_array().into_iter().flatten() {
                out.field("Supersedes", s.as_str().unwrap_or(""));
            }
        }
    }
    Ok(())
}

/// Runs `iotlabel attest`.
pub fn attest(args: AttestArgs) -> Result<(), CliError> {
    let registry = client(&args.remote)?;
    let passphrase = match &args.passphrase_env {
        Some(var) => Some(
            std::env::var(var)
                .map_err(|_| CliError::Usage(format!("environment variable {var} is not set")))?,
        ),
        None => None,
    };
    let key = KeyPair::read(&args.key, passphrase.as_deref())?;
    let bytes = read_bytes(&args.evidence)?;
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let date = args.date.clone().unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .to_string()
    });
    let name = args
        .evidence
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let statement = EvidenceStatement::new(
        &name,
        &sha256,
        EvidencePredicate {
            assessor: args.assessor.clone(),
            kind: args.kind.clone(),
            provisions: args.provisions.clone(),
            date,
        },
    );
    let envelope = serde_json::to_vec(&statement.sign(&key))?;
    let result = registry.post_raw("/api/v1/attestations", envelope)?;
    println!(
        "Registered attestation {} over {name} (sha256 {sha256}).",
        result["id"].as_str().unwrap_or("")
    );
    Ok(())
}

/// Runs `iotlabel operator ...`.
pub fn operator(command: OperatorCommand) -> Result<(), CliError> {
    match command {
        OperatorCommand::Organisation {
            name,
            kind,
            contact,
            remote,
        } => {
            let registry = client(&remote)?;
            let kind = match kind {
                OrganisationKind::Manufacturer => "manufacturer",
                OrganisationKind::Assessor => "assessor",
                OrganisationKind::Operator => "operator",
            };
            let org = registry.post_json(
                "/api/v1/organisations",
                &json!({ "name": name, "kind": kind, "security_contact": contact }),
            )?;
            let id = org["id"].as_str().unwrap_or_default().to_owned();
            let account = registry.post_json(
                &format!("/api/v1/organisations/{id}/accounts"),
                &json!({ "name": format!("{name} account") }),
            )?;
            println!("Organisation {id} ({kind}) created.");
            println!("Its account's API token (shown once; hand it over securely):");
            println!("{}", account["token"].as_str().unwrap_or(""));
            Ok(())
        }
        OperatorCommand::Key {
            organisation,
            file,
            name,
            remote,
        } => {
            let registry = client(&remote)?;
            let text = String::from_utf8_lossy(&read_bytes(&file)?).into_owned();
            let public = if text.contains("PRIVATE KEY") {
                KeyPair::from_pem(&text, None)?.public()
            } else {
                iotlabel_label::keys::public_from_pem(&text)
                    .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?
            };
            let created = registry.post_json(
                &format!("/api/v1/organisations/{organisation}/keys"),
                &json!({ "name": name, "public_key": URL_SAFE_NO_PAD.encode(public.as_bytes()) }),
            )?;
            println!("Registered key {}.", created["id"].as_str().unwrap_or(""));
            Ok(())
        }
        OperatorCommand::RetireKey { key, remote } => {
            client(&remote)?.post_json(&format!("/api/v1/keys/{key}/retire"), &json!({}))?;
            println!("Retired key {key}: attestations signed with it are refused from now on.");
            Ok(())
        }
        OperatorCommand::Status {
            label,
            action,
            reason,
            remote,
        } => {
            let action = match action {
                StatusAction::Suspend => "suspend",
                StatusAction::Reinstate => "reinstate",
                StatusAction::Revoke => "revoke",
            };
            let result = client(&remote)?.post_json(
                &format!("/api/v1/labels/{label}/status"),
                &json!({ "action": action, "reason": reason }),
            )?;
            println!(
                "Label {label} is now {}.",
                result["status"].as_str().unwrap_or("?")
            );
            Ok(())
        }
    }
}

/// What `log verify` remembers between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditState {
    /// The log's origin.
    origin: String,
    /// Its verifier key (pinned on first use).
    key: String,
    /// The last checkpoint that verified, as signed text.
    checkpoint: String,
    /// When it was checked.
    checked_at: String,
}

/// Runs `iotlabel log ...`.
pub fn log(command: LogCommand) -> Result<(), CliError> {
    let LogCommand::Verify {
        registry,
        state,
        key,
        format,
    } = command;
    let client = RegistryClient::new(&registry, None)?;
    let previous: Option<AuditState> = match &state {
        Some(p) if p.exists() => {
            let text = String::from_utf8_lossy(&read_bytes(p)?).into_owned();
            Some(
                toml::from_str(&text)
                    .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?,
            )
        }
        _ => None,
    };
    // The key: pinned on the command line, else remembered, else trusted on first use.
    let (origin, vkey_text) = match (&key, &previous) {
        (Some(k), _) => {
            let parsed =
                VerifierKey::parse(k).map_err(|e| CliError::Usage(format!("--key: {e}")))?;
            (parsed.name().to_owned(), k.clone())
        }
        (None, Some(p)) => (p.origin.clone(), p.key.clone()),
        (None, None) => {
            let keys: Value = client.get_json("/api/v1/keys")?;
            (
                keys["log_origin"].as_str().unwrap_or_default().to_owned(),
                keys["log_verifier_key"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };
    let vkey = VerifierKey::parse(&vkey_text)
        .map_err(|e| CliError::LogInvalid(format!("the log key `{vkey_text}` is unusable: {e}")))?;
    let note = client.get_bytes("/log/checkpoint")?;
    let signed = Checkpoint::open(&note, &origin, std::slice::from_ref(&vkey)).map_err(|e| {
        CliError::LogInvalid(format!(
            "the checkpoint does not verify with the log key {}: {e}",
            vkey.name()
        ))
    })?;
    let checkpoint = signed.checkpoint;

    // Recompute the tree from the tiles, and check every entry against its leaf hash.
    let mut reader = TileReader::new(|path: &str| {
        client
            .get_bytes(&format!("/log/{path}"))
            .map_err(|e| e.to_string())
    });
    let mut kinds: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    reader
        .audit_entries(checkpoint.size, &checkpoint.root, |_, data| {
            let kind = serde_json::from_slice::<Value>(data)
                .ok()
                .and_then(|v| v["type"].as_str().map(str::to_owned))
                .unwrap_or_else(|| "unreadable".to_owned());
            *kinds.entry(kind).or_default() += 1;
        })
        .map_err(|e| {
            CliError::LogInvalid(format!(
                "the log's tiles do not give the signed root of size {}: {e}",
                checkpoint.size
            ))
        })?;

    // Consistency with what this auditor saw before: the old tree must be a prefix of the new.
    let mut consistent_with = None;
    if let Some(p) = &previous {
        let (old, _) = Checkpoint::parse_unverified(p.checkpoint.as_bytes())
            .map_err(|e| CliError::Usage(format!("the saved checkpoint is unreadable: {e}")))?;
        if old.size > checkpoint.size {
            return Err(CliError::LogFork(format!(
                "the log shrank: you saw {} entries on {}, it now signs {} (a rollback or a fork)",
                old.size, p.checked_at, checkpoint.size
            )));
        }
        let root: Hash = reader.root(old.size).map_err(|e| {
            CliError::LogInvalid(format!(
                "cannot recompute the root of size {}: {e}",
                old.size
            ))
        })?;
        if root != old.root {
            return Err(CliError::LogFork(format!(
                "FORK: the log now gives a different tree of size {} than the one signed on {} (root {} then, {} now): history was rewritten",
                old.size,
                p.checked_at,
                hex::encode(old.root),
                hex::encode(root)
            )));
        }
        consistent_with = Some((old.size, p.checked_at.clone()));
    }
    let now = jiff::Timestamp::now().to_string();
    if let Some(path) = &state {
        let saved = AuditState {
            origin: origin.clone(),
            key: vkey_text.clone(),
            checkpoint: String::from_utf8_lossy(&note).into_owned(),
            checked_at: now.clone(),
        };
        let text = toml::to_string(&saved).map_err(|e| CliError::Usage(e.to_string()))?;
        std::fs::write(path, text).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?;
    }
    let mut out = Out::stdout();
    match format {
        Format::Json => out.json(&json!({
            "ok": true,
            "origin": origin,
            "size": checkpoint.size,
            "root": hex::encode(checkpoint.root),
            "entries": kinds,
            "consistent_with": consistent_with.as_ref().map(|(s, t)| json!({ "size": s, "checked_at": t })),
        }))?,
        Format::Text => {
            out.heading(&format!("The log {origin} verifies: {} entries, every tile and entry checked.", checkpoint.size));
            out.field("Root", &hex::encode(checkpoint.root));
            out.field("Key", &vkey_text);
            for (k, n) in &kinds {
                out.field(k, &n.to_string());
            }
            match consistent_with {
                Some((size, at)) => out.field("Consistent", &format!("with the {size}-entry checkpoint you verified on {at}")),
                None => out.field(
                    "Consistent",
                    &match &state {
                        Some(p) => format!("first check; the checkpoint is remembered in {} for the next one", p.display()),
                        None => "first check; pass --state FILE to remember this checkpoint".to_owned(),
                    },
                ),
            }
        }
    }
    Ok(())
}
