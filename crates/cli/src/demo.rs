//! `serve --demo`: an empty registry seeded with the example products, their evidence and
//! assessors' attestations, their labels, and a little lifecycle history, all through the
//! registry's own operations (so everything is in the transparency log, nothing back-dated).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iotlabel_declaration::Syntax;
use iotlabel_declaration::model::{Producer, Scope};
use iotlabel_label::KeyPair;
use iotlabel_label::attestation::{EvidencePredicate, EvidenceStatement};
use iotlabel_registry::{Account, Action, LabelQuery, Registry, Role};
use jiff::Timestamp;

use crate::error::CliError;
use crate::serve_cmd::write_secret;

/// The repository's example declarations (the demo runs from a checkout).
pub fn default_examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/declarations")
}

/// One example declaration, loaded from disk.
struct Example {
    path: PathBuf,
    text: String,
    process: Option<String>,
    manufacturer: String,
    brand: String,
    /// (file, sha256, assessor, kind, provisions, date) of each evidence file.
    evidence: Vec<EvidenceFile>,
    /// A system declaration references other labels: submit it last.
    is_system: bool,
}

struct EvidenceFile {
    path: PathBuf,
    sha256: String,
    assessor: Option<String>,
    kind: String,
    provisions: Vec<String>,
    date: String,
}

fn load_examples(
    dir: &Path,
    catalog: &iotlabel_catalog::Catalog,
) -> Result<Vec<Example>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CliError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("declaration.toml"))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut out = Vec::new();
    for path in paths {
        let loaded = iotlabel_declaration::load(&path, catalog, today)?;
        let d = &loaded.declaration;
        if d.scope == Scope::Process {
            continue;
        }
        let mut evidence = Vec::new();
        let mut collect = |l: &iotlabel_declaration::Loaded| {
            let base = l
                .source
                .file
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            for e in &l.declaration.evidence {
                if let Some(p) = &e.path {
                    evidence.push(EvidenceFile {
                        path: base.join(p),
                        sha256: e.sha256.clone(),
                        assessor: (e.producer == Producer::Assessor)
                            .then(|| e.assessor.clone())
                            .flatten(),
                        kind: serde_json::to_value(e.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        provisions: e.provisions.iter().map(ToString::to_string).collect(),
                        date: e.date.to_string(),
                    });
                }
            }
        };
        collect(&loaded);
        if let Some(p) = &loaded.process {
            collect(p);
        }
        out.push(Example {
            text: loaded.source.text.clone(),
            process: loaded.process.as_ref().map(|p| p.source.text.clone()),
            manufacturer: d.manufacturer.legal_name.clone(),
            brand: d
                .product
                .as_ref()
                .map(|p| p.brand.clone())
                .unwrap_or_default(),
            is_system: !d.components.is_empty(),
            evidence,
            path,
        });
    }
    Ok(out)
}

/// Seeds the registry; writes the demo accounts' tokens to DATA/demo-accounts.toml (0600).
pub async fn seed(
    registry: &Registry,
    operator: &Account,
    examples: &Path,
    data: &Path,
) -> Result<(), CliError> {
    let examples_dir = examples;
    let now = Timestamp::now();
    let catalog = registry.catalog.clone();
    let mut examples = load_examples(examples, &catalog)?;
    examples.sort_by_key(|e| e.is_system);
    eprintln!(
        "Seeding the demo registry with {} example products...",
        examples.len()
    );

    // Organisations and accounts: every manufacturer, every assessor the evidence names.
    let mut tokens: BTreeMap<String, String> = BTreeMap::new();
    let mut accounts: BTreeMap<String, Account> = BTreeMap::new();
    let mut keys: BTreeMap<String, KeyPair> = BTreeMap::new();
    let mut names: Vec<(String, Role)> = examples
        .iter()
        .map(|e| (e.manufacturer.clone(), Role::Manufacturer))
        .collect();
    names.extend(
        examples
            .iter()
            .flat_map(|e| e.evidence.iter().filter_map(|f| f.assessor.clone()))
            .map(|a| (a, Role::Assessor)),
    );
    names.sort_by(|a, b| a.0.cmp(&b.0));
    names.dedup_by(|a, b| a.0 == b.0);
    for (name, role) in names {
        let org = registry
            .create_organisation(operator, &name, role, Some("security@example.invalid"))
            .await?;
        let token = registry
            .create_account(operator, &org, &format!("{name} (demo)"), role)
            .await?;
        accounts.insert(name.clone(), registry.authenticate(&token).await?);
        tokens.insert(name.clone(), token);
        if role == Role::Assessor {
            let key = KeyPair::generate();
            let public = base64_url(key.public().as_bytes());
            registry
                .register_key(operator, &org, &format!("{name} demo key"), &public, now)
                .await?;
            key.write(&data.join("demo-keys"), &slug(&name), None)?;
            keys.insert(name, key);
        }
    }

    // Evidence, attestations, then the declarations.
    let mut labelled = Vec::new();
    for e in &examples {
        let Some(maker) = accounts.get(&e.manufacturer) else {
            continue;
        };
        for f in &e.evidence {
            let bytes = std::fs::read(&f.path).map_err(|source| CliError::Read {
                path: f.path.clone(),
                source,
            })?;
            registry
                .put_blob(maker, bytes, "application/octet-stream", Some(&f.sha256))
                .await?;
            if let Some(assessor) = &f.assessor
                && let (Some(account), Some(key)) = (accounts.get(assessor), keys.get(assessor))
            {
                let name = f
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let statement = EvidenceStatement::new(
                    &name,
                    &f.sha256,
                    EvidencePredicate {
                        assessor: assessor.clone(),
                        kind: f.kind.clone(),
                        provisions: f.provisions.clone(),
                        date: f.date.clone(),
                    },
                );
                let envelope = serde_json::to_vec(&statement.sign(key))?;
                registry.attest(account, &envelope, now).await?;
            }
        }
        if e.brand == "Veltra" {
            expired_predecessor(registry, maker, e, now).await;
        }
        match registry
            .submit(
                maker,
                &e.text,
                Syntax::Toml,
                e.process.as_deref(),
                None,
                now,
            )
            .await
        {
            Ok(s) => {
                eprintln!(
                    "  {:<11} level {}  {} {}",
                    s.label.id, s.label.level, s.label.brand, s.label.model
                );
                labelled.push((e.brand.clone(), s.label));
            }
            Err(err) => eprintln!("  (not labelled) {}: {err}", e.path.display()),
        }
    }

    // A little history: a software update, a suspension that was lifted, one still suspended,
    // one revocation.
    let find = |brand: &str, model: &str| {
        labelled
            .iter()
            .find(|(b, l)| b == brand && l.model.contains(model))
            .map(|(_, l)| l.clone())
    };
    if let Some(plug) = find("Acme", "Plug")
        && let Some(e) = examples.iter().find(|e| {
            e.text
                .contains(&format!("software_version = \"{}\"", plug.software_version))
                && e.brand == "Acme"
        })
        && let Some(maker) = accounts.get(&e.manufacturer)
    {
        let updated = e.text.replacen(
            &format!("software_version = \"{}\"", plug.software_version),
            "software_version = \"1.9.0\"",
            1,
        );
        if let Ok(s) = registry
            .submit(
                maker,
                &updated,
                Syntax::Toml,
                e.process.as_deref(),
                None,
                now,
            )
            .await
        {
            eprintln!(
                "  {:<11} level {}  {} {} 1.9.0 (supersedes {})",
                s.label.id, s.label.level, s.label.brand, s.label.model, plug.id
            );
        }
    }
    let act = async |brand: &str, action: Action, reason: &str| {
        if let Some(l) = find(brand, "") {
            let _ = registry
                .set_status(Some(operator), &l.id, action, reason, now)
                .await;
        }
    };
    act(
        "Arvik",
        Action::Suspend,
        "Demo: a reported vulnerability is being investigated",
    )
    .await;
    act(
        "Arvik",
        Action::Reinstate,
        "Demo: the manufacturer shipped a fixed firmware",
    )
    .await;
    act(
        "Ferrovane",
        Action::Suspend,
        "Demo: a known-exploited vulnerability is not yet fixed",
    )
    .await;
    act(
        "Veltra",
        Action::Revoke,
        "Demo: the declaration was found to be inaccurate",
    )
    .await;

    seed_monitoring(registry, operator, &accounts, examples_dir, now).await?;

    let mut file = String::from(
        "# Demo accounts and their API tokens (secret). Use with --token or IOTLABEL_TOKEN.\n",
    );
    for (name, token) in &tokens {
        file.push_str(&format!("{:?} = {:?}\n", name, token));
    }
    let path = data.join("demo-accounts.toml");
    write_secret(&path, &file)?;
    let (all, total) = registry
        .search(&LabelQuery {
            limit: 1,
            ..LabelQuery::default()
        })
        .await?;
    drop(all);
    eprintln!(
        "Demo ready: {total} labels, {} log entries. Account tokens: {} (assessor keys in {}).",
        registry.log.size(),
        path.display(),
        data.join("demo-keys").display()
    );
    Ok(())
}

/// An earlier software version of an example, labelled longer ago than a label may be valid,
/// and expired by the registry's sweep (through the log, like every status change): so that the
/// demo shows a label in every state. Best effort: the demo goes on without it.
async fn expired_predecessor(registry: &Registry, maker: &Account, e: &Example, now: Timestamp) {
    let months = i64::from(registry.config.max_validity_months) + 1;
    let Ok(then) = now
        .to_zoned(jiff::tz::TimeZone::UTC)
        .checked_sub(jiff::Span::new().months(months))
        .map(|z| z.timestamp())
    else {
        return;
    };
    let Some(current) = e
        .text
        .lines()
        .find(|l| l.trim_start().starts_with("software_version = "))
    else {
        return;
    };
    let older = e.text.replacen(current, "software_version = \"1.0.0\"", 1);
    let issued = registry
        .submit(
            maker,
            &older,
            Syntax::Toml,
            e.process.as_deref(),
            None,
            then,
        )
        .await;
    match issued {
        Ok(s) => {
            if let Err(err) = registry.sweep(now).await {
                eprintln!("  (the older label was not expired) {err}");
                return;
            }
            eprintln!(
                "  {:<11} level {}  {} {} 1.0.0 (issued {}, expired)",
                s.label.id,
                s.label.level,
                s.label.brand,
                s.label.model,
                then.strftime("%Y-%m")
            );
        }
        Err(err) => eprintln!("  (no expired example) {}: {err}", e.path.display()),
    }
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The demo's monitoring data, next to the example declarations: an SBOM for the current
/// smart-plug label, two advisories (demo copies of public PyPI records) and one KEV entry, so
/// that the plug is flagged by the known-exploited rule; and vulnerability reports in several
/// states, so the inbox, the clocks and the dashboard have something to show.
async fn seed_monitoring(
    registry: &Registry,
    operator: &Account,
    accounts: &BTreeMap<String, Account>,
    examples: &Path,
    now: Timestamp,
) -> Result<(), CliError> {
    let monitoring = examples.join("../monitoring");
    let read =
        |path: PathBuf| std::fs::read(&path).map_err(|source| CliError::Read { path, source });
    let (plugs, _) = registry
        .search(&LabelQuery {
            text: Some("PowerPlug".into()),
            status: Some(iotlabel_registry::LabelStatus::Active),
            limit: 1,
            ..LabelQuery::default()
        })
        .await?;
    let Some(plug) = plugs.into_iter().next() else {
        return Ok(());
    };
    let Some(acme) = accounts.get(&plug.manufacturer) else {
        return Ok(());
    };
    registry
        .register_sbom(
            acme,
            &plug.id,
            read(monitoring.join("smart-plug.cdx.json"))?,
            now,
        )
        .await?;
    let mut advisories: Vec<PathBuf> = std::fs::read_dir(monitoring.join("advisories"))
        .map_err(|source| CliError::Read {
            path: monitoring.join("advisories"),
            source,
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    advisories.sort();
    for path in advisories {
        registry
            .import_advisories(operator, read(path)?, now)
            .await?;
    }
    registry
        .import_kev(operator, read(monitoring.join("kev-demo.json"))?, now)
        .await?;
    eprintln!(
        "  {:<11} monitored: SBOM, 2 advisories, 1 known-exploited entry",
        plug.id
    );

    // Reports: one new, one acknowledged and triaged, one fixed.
    let reports = [
        (
            "Acme",
            "Camera stream reachable without login on the local network",
            "The RTSP stream on port 554 answers without credentials when the camera is reached from the same Wi-Fi network. Steps: connect to the network, open rtsp://<camera>/live in VLC.",
            vec![],
        ),
        (
            "Lullen",
            "Pairing code can be brute-forced",
            "The six-digit pairing code has no attempt limit; I paired a second phone after about 40 minutes of scripted tries.",
            vec![
                iotlabel_registry::disclosure::ReportAction::Acknowledge,
                iotlabel_registry::disclosure::ReportAction::Triage,
            ],
        ),
        (
            "Arvik",
            "Debug UART left enabled on production boards",
            "A 3.3 V UART on the test pads gives a root shell at boot without a password.",
            vec![
                iotlabel_registry::disclosure::ReportAction::Acknowledge,
                iotlabel_registry::disclosure::ReportAction::Triage,
                iotlabel_registry::disclosure::ReportAction::Fixed {
                    fixed_versions: vec!["2.0.1".into()],
                    affected_versions: None,
                },
            ],
        ),
    ];
    for (brand, title, description, actions) in reports {
        let (labels, _) = registry
            .search(&LabelQuery {
                text: Some(brand.into()),
                limit: 1,
                ..LabelQuery::default()
            })
            .await?;
        let Some(label) = labels.into_iter().next() else {
            continue;
        };
        let receipt = registry
            .submit_report(
                &iotlabel_registry::disclosure::NewReport {
                    product_id: None,
                    label_id: Some(label.id.clone()),
                    title: title.into(),
                    description: description.into(),
                    affected_versions: vec![label.software_version.clone()],
                    cvss_vector: None,
                    severity: None,
                    reporter_contact: "researcher@example.org".into(),
                    reporter_name: Some("Demo researcher".into()),
                },
                now,
            )
            .await?;
        if let Some(maker) = accounts.get(&label.manufacturer) {
            for action in &actions {
                registry
                    .act_on_report(maker, &receipt.id, action, None, now)
                    .await?;
            }
        }
    }
    eprintln!("  3 vulnerability reports: new, triaged, fixed");
    Ok(())
}
