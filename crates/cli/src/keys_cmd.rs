//! `iotlabel keys ...`.

use std::path::Path;

use iotlabel_label::keys::{key_id, public_from_pem};
use iotlabel_label::{KeyPair, Role, TrustFile, TrustedKey};
use jiff::Timestamp;
use zeroize::Zeroizing;

use crate::cli::{KeysCommand, RoleArg};
use crate::error::CliError;
use crate::output::Out;

/// The name of the trust file next to the keys.
pub const TRUST_FILE: &str = "trust.toml";

/// Reads a passphrase from the named environment variable.
pub fn passphrase(var: Option<&str>) -> Result<Option<Zeroizing<String>>, CliError> {
    match var {
        None => Ok(None),
        Some(var) => match std::env::var(var) {
            Ok(p) if !p.is_empty() => Ok(Some(Zeroizing::new(p))),
            _ => Err(CliError::Usage(format!(
                "the passphrase environment variable {var} is not set"
            ))),
        },
    }
}

fn role(r: RoleArg) -> Role {
    match r {
        RoleArg::Scheme => Role::Scheme,
        RoleArg::Issuer => Role::Issuer,
        RoleArg::Assessor => Role::Assessor,
    }
}

fn read_trust(path: &Path) -> Result<TrustFile, CliError> {
    if path.exists() {
        Ok(TrustFile::read(path)?)
    } else {
        Ok(TrustFile::default())
    }
}

/// Runs a keys command.
pub fn run(command: KeysCommand) -> Result<(), CliError> {
    let mut out = Out::stdout();
    match command {
        KeysCommand::Generate {
            out: dir,
            name,
            role: r,
            holder,
            passphrase_env,
            valid_from,
        } => {
            let from = match valid_from {
                Some(t) => t
                    .parse::<Timestamp>()
                    .map_err(|e| CliError::Usage(format!("--valid-from: {e}")))?,
                None => Timestamp::now(),
            };
            let pass = passphrase(passphrase_env.as_deref())?;
            let key = KeyPair::generate();
            let (private, public) = key.write(&dir, &name, pass.as_deref().map(String::as_str))?;
            let trust_path = dir.join(TRUST_FILE);
            let mut trust = read_trust(&trust_path)?;
            trust
                .keys
                .push(TrustedKey::new(&key.public(), &holder, role(r), from));
            trust.write(&trust_path)?;
            out.line(&format!("key id   {}", key.id()));
            out.line(&format!(
                "private  {} (mode 0600{})",
                private.display(),
                if pass.is_some() { ", encrypted" } else { "" }
            ));
            out.line(&format!("public   {}", public.display()));
            out.line(&format!("trusted  {}", trust_path.display()));
        }
        KeysCommand::Show {
            file,
            passphrase_env,
        } => {
            let text = std::fs::read_to_string(&file).map_err(|source| CliError::Read {
                path: file.clone(),
                source,
            })?;
            let public = if text.contains("PRIVATE KEY") {
                let pass = passphrase(passphrase_env.as_deref())?;
                KeyPair::read(&file, pass.as_deref().map(String::as_str))?.public()
            } else {
                public_from_pem(&text)
                    .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?
            };
            use base64::Engine as _;
            out.line(&format!("key id      {}", key_id(&public)));
            out.line(&format!(
                "public key  {}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public.as_bytes())
            ));
            out.line("algorithm   Ed25519 (COSE EdDSA -8; DSSE/in-toto keyid = the key id)");
        }
        KeysCommand::Rotate {
            dir,
            name,
            holder,
            passphrase_env,
        } => {
            let current = dir.join(format!("{name}.key"));
            let current_pub = dir.join(format!("{name}.pub"));
            let public =
                public_from_pem(&std::fs::read_to_string(&current_pub).map_err(|source| {
                    CliError::Read {
                        path: current_pub.clone(),
                        source,
                    }
                })?)
                .map_err(|e| CliError::Usage(format!("{}: {e}", current_pub.display())))?;
            let old_id = key_id(&public);
            let stem = format!("{name}.retired-{}", &old_id[..8]);
            for ext in ["key", "pub"] {
                let from = dir.join(format!("{name}.{ext}"));
                let to = dir.join(format!("{stem}.{ext}"));
                std::fs::rename(&from, &to)
                    .map_err(|source| CliError::Write { path: to, source })?;
            }
            let pass = passphrase(passphrase_env.as_deref())?;
            let key = KeyPair::generate();
            key.write(&dir, &name, pass.as_deref().map(String::as_str))?;
            let trust_path = dir.join(TRUST_FILE);
            let mut trust = read_trust(&trust_path)?;
            let now = Timestamp::now();
            let role = trust.get(&old_id).map_or(Role::Issuer, |k| k.role);
            trust.rotate(TrustedKey::new(&key.public(), &holder, role, now), now);
            trust.write(&trust_path)?;
            out.line(&format!(
                "retired  {old_id} (kept in {} and in {}, valid until {now})",
                stem,
                trust_path.display()
            ));
            out.line(&format!("new key  {} ({})", key.id(), current.display()));
        }
    }
    Ok(())
}
