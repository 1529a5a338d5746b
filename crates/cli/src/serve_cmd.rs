//! `iotlabel serve` and `iotlabel registry backup|restore`: the registry on this machine.

use std::path::Path;
use std::sync::Arc;

use figment::Figment;
use figment::providers::{Env, Format as _, Serialized, Toml};
use iotlabel_catalog::Catalog;
use iotlabel_label::KeyPair;
use iotlabel_label::trust::{Role as TrustRole, TrustFile, TrustedKey};
use iotlabel_registry::{Db, Registry, RegistryConfig};
use iotlabel_server::{AppState, ServerConfig};
use serde::{Deserialize, Serialize};

use crate::cli::{LogFormat, RegistryCommand, ServeArgs, StorageArgs};
use crate::error::CliError;

/// The configuration file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct FileConfig {
    registry: RegistryConfig,
    server: ServerConfig,
}

/// Defaults, then the file, then `IOTLABEL_REGISTRY__*` / `IOTLABEL_SERVER__*` variables.
fn load_config(path: Option<&Path>) -> Result<FileConfig, CliError> {
    let mut figment = Figment::from(Serialized::defaults(FileConfig::default()));
    if let Some(p) = path {
        if !p.is_file() {
            return Err(CliError::Usage(format!(
                "configuration file {} does not exist",
                p.display()
            )));
        }
        figment = figment.merge(Toml::file(p));
    }
    figment = figment.merge(Env::prefixed("IOTLABEL_").split("__").filter(|k| {
        // Here keys are split (`__` became `.`) but keep their case until figment
        // lowercases them at the end.
        let k = k.as_str().to_ascii_lowercase();
        k.starts_with("registry.") || k.starts_with("server.")
    }));
    figment
        .extract()
        .map_err(|e| CliError::Usage(format!("configuration: {e}")))
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the async runtime: {e}")))
}

/// The database URL for the storage arguments (creating the data directory for SQLite).
fn database_url(storage: &StorageArgs) -> Result<String, CliError> {
    match &storage.database {
        Some(url) => Ok(url.clone()),
        None => {
            std::fs::create_dir_all(&storage.data).map_err(|source| CliError::Write {
                path: storage.data.clone(),
                source,
            })?;
            Ok(iotlabel_registry::db::sqlite_url(&storage.data))
        }
    }
}

/// Writes a secret file readable by its owner only.
pub fn write_secret(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write as _;
    let fail = |source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)
}

/// The issuer key in DATA/keys (made on first start, mode 0600, with a trust file beside it
/// that verifiers can be given).
fn issuer_key(data: &Path) -> Result<Arc<KeyPair>, CliError> {
    let dir = data.join("keys");
    let path = dir.join("issuer.key");
    let passphrase = std::env::var("IOTLABEL_KEY_PASSPHRASE").ok();
    if path.exists() {
        return Ok(Arc::new(KeyPair::read(&path, passphrase.as_deref())?));
    }
    let key = KeyPair::generate();
    key.write(&dir, "issuer", passphrase.as_deref())?;
    let trust = TrustFile {
        keys: vec![TrustedKey::new(
            &key.public(),
            "iotlabel registry issuer",
            TrustRole::Issuer,
            jiff::Timestamp::now(),
        )],
    };
    trust.write(&dir.join("trust.toml"))?;
    tracing::info!(key = key.id(), path = %path.display(), "generated the issuer key");
    Ok(Arc::new(key))
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("IOTLABEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests and flushing the log");
}

/// Runs `iotlabel serve`.
pub fn serve(catalog: Catalog, args: ServeArgs) -> Result<(), CliError> {
    init_logging(args.log_format);
    let mut config = load_config(args.config.as_deref())?;
    if let Some(listen) = args.listen {
        config.server.listen = listen;
    }
    let demo_dir;
    let mut storage = args.storage.clone();
    if args.demo
        && std::env::var_os("IOTLABEL_DATA").is_none()
        && storage.data == Path::new("iotlabel-data")
    {
        demo_dir = std::env::temp_dir().join(format!("iotlabel-demo-{}", std::process::id()));
        storage.data = demo_dir;
    }
    let explicit_public_url = args.public_url.is_some()
        || config.registry.public_url != RegistryConfig::default().public_url;
    if let Some(url) = &args.public_url {
        config.registry.public_url = url.trim_end_matches('/').to_owned();
    }
    let rt = runtime()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.server.listen)
            .await
            .map_err(|e| {
                CliError::Usage(format!("cannot listen on {}: {e}", config.server.listen))
            })?;
        let local = listener
            .local_addr()
            .map_err(|e| CliError::Usage(e.to_string()))?;
        if !explicit_public_url {
            // Links and QR codes must lead somewhere that answers.
            config.registry.public_url = format!("http://{local}");
        }
        let url = database_url(&storage)?;
        let db = Db::open(&url).await?;
        let issuer = issuer_key(&storage.data)?;
        let registry = Registry::open(
            db,
            Arc::new(catalog),
            issuer,
            config.registry.clone(),
            jiff::Timestamp::now(),
        )
        .await?;
        if let Some(token) = registry.bootstrap("Scheme operator").await? {
            let path = storage.data.join("operator.token");
            write_secret(&path, &format!("{token}\n"))?;
            eprintln!(
                "Created the scheme operator's account; its API token is in {} (mode 0600).",
                path.display()
            );
            if args.demo {
                let examples = args
                    .examples
                    .clone()
                    .unwrap_or_else(crate::demo::default_examples);
                let operator = registry.authenticate(&token).await?;
                crate::demo::seed(&registry, &operator, &examples, &storage.data).await?;
            }
        } else if args.demo {
            eprintln!("The registry already has accounts; not seeding the demo again.");
        }
        let public = config.registry.public_url.clone();
        let size = registry.log.size();
        let state = AppState::new(registry, config.server.clone())
            .map_err(|e| CliError::Usage(format!("metrics: {e}")))?;
        eprintln!(
            "iotlabel registry listening on http://{local}  (data: {}, log: {size} entries)",
            storage.data.display()
        );
        eprintln!(
            "  Open {public}/ in a browser; the API is described at {public}/api/v1/openapi.json"
        );
        let site = iotlabel_web::app(state.clone())
            .map_err(|e| CliError::Usage(format!("web pages: {e}")))?;
        iotlabel_server::serve_app(listener, state, site, shutdown_signal())
            .await
            .map_err(|e| CliError::Usage(format!("server: {e}")))?;
        eprintln!("Stopped; every acknowledged change is on disk.");
        Ok(())
    })
}

/// Runs `iotlabel registry backup|restore`.
pub fn registry(command: RegistryCommand) -> Result<(), CliError> {
    let rt = runtime()?;
    match command {
        RegistryCommand::Backup { storage, out } => rt.block_on(async move {
            let db = Db::open(&database_url(&storage)?).await?;
            let tmp = out.with_extension("partial");
            let file = std::fs::File::create(&tmp).map_err(|source| CliError::Write { path: tmp.clone(), source })?;
            let mut writer = std::io::BufWriter::new(file);
            let summary = iotlabel_registry::backup::backup(&db, &mut writer).await?;
            drop(writer);
            // Only a complete backup gets the requested name.
            std::fs::rename(&tmp, &out).map_err(|source| CliError::Write { path: out.clone(), source })?;
            let rows: u64 = summary.rows.values().sum();
            eprintln!("Backed up {rows} rows (log size {}) to {}.", summary.log_size, out.display());
            Ok(())
        }),
        RegistryCommand::Restore { file, storage } => rt.block_on(async move {
            let input = std::fs::File::open(&file).map_err(|source| CliError::Read { path: file.clone(), source })?;
            let db = Db::open(&database_url(&storage)?).await?;
            let summary = iotlabel_registry::backup::restore(&db, &mut std::io::BufReader::new(input)).await?;
            let rows: u64 = summary.rows.values().sum();
            eprintln!(
                "Restored {rows} rows (log size {}). Copy the issuer key (keys/issuer.key) into {} before serving.",
                summary.log_size,
                storage.data.display()
            );
            Ok(())
        }),
    }
}
