//! The registry as its users run it: `serve`, `submit`, `verify --online`, `log verify`,
//! backups, a storage rewrite the auditor must catch, and SIGKILL under load.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use iotlabel_testkit::workspace_root;
use serde_json::{Value, json};

mod common;
use common::{Served, bin};

fn iotlabel(args: &[&str], token: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env_remove("IOTLABEL_CATALOG")
        .env_remove("IOTLABEL_TOKEN")
        .env_remove("IOTLABEL_DATA")
        .env("NO_COLOR", "1");
    if let Some(t) = token {
        cmd.env("IOTLABEL_TOKEN", t);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn examples() -> PathBuf {
    workspace_root().join("examples/declarations")
}

fn organisation(base: &str, operator: &str, name: &str, kind: &str) -> String {
    let (code, out, err) = iotlabel(
        &[
            "operator",
            "organisation",
            name,
            "--kind",
            kind,
            "--registry",
            base,
        ],
        Some(operator),
    );
    assert_eq!(code, 0, "{err}");
    out.lines().last().unwrap().trim().to_owned()
}

#[test]
fn submit_verify_online_audit_backup_and_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let served = Served::start(&data);
    let base = served.base.clone();
    let operator = served.operator();
    let meta = std::fs::metadata(data.join("operator.token")).unwrap();
    let key_meta = std::fs::metadata(data.join("keys/issuer.key")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            meta.permissions().mode() & 0o777,
            0o600,
            "the operator token is private"
        );
        assert_eq!(
            key_meta.permissions().mode() & 0o777,
            0o600,
            "the issuer key is private"
        );
    }
    let acme = organisation(&base, &operator, "Acme Devices Ltd", "manufacturer");
    assert!(acme.starts_with("iotl_"));

    // A manufacturer submits from its checkout, like running a linter.
    let plug = examples().join("smart-plug/declaration.toml");
    let (code, out, err) = iotlabel(
        &[
            "submit",
            plug.to_str().unwrap(),
            "--registry",
            &base,
            "--format",
            "json",
        ],
        Some(&acme),
    );
    assert_eq!(code, 0, "{err}");
    let result: Value = serde_json::from_str(&out).unwrap();
    let id = result["label"]["id"].as_str().unwrap().to_owned();
    assert_eq!(result["label"]["level"], 2);
    // Without a token nothing is sent.
    let (code, _, err) = iotlabel(
        &["submit", plug.to_str().unwrap(), "--registry", &base],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("IOTLABEL_TOKEN"));

    // A retailer verifies the statement offline and its status online.
    let statement = tmp.path().join("label.cose");
    let bytes = reqwest::blocking::get(format!("{base}/api/v1/labels/{id}/statement"))
        .unwrap()
        .bytes()
        .unwrap();
    std::fs::write(&statement, &bytes).unwrap();
    let trust = data.join("keys/trust.toml");
    let verify = |online: bool| {
        let mut args = vec![
            "verify",
            statement.to_str().unwrap(),
            "--trust",
            trust.to_str().unwrap(),
        ];
        if online {
            args.extend(["--online", base.as_str()]);
        }
        iotlabel(&args, None)
    };
    let (code, out, err) = verify(true);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("active"), "{out}");
    let (code, _, err) = iotlabel(
        &[
            "operator",
            "status",
            &id,
            "suspend",
            "--reason",
            "CVE under investigation",
            "--registry",
            &base,
        ],
        Some(&operator),
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = verify(true);
    assert_eq!(
        code, 19,
        "a suspended label is genuine but not active: {out}{err}"
    );
    assert!(
        out.contains("SUSPENDED") && err.contains("CVE under investigation"),
        "{out}{err}"
    );
    assert_eq!(
        verify(false).0,
        0,
        "offline, the signature alone still verifies"
    );
    // Manufacturers cannot suspend.
    let (code, _, err) = iotlabel(
        &[
            "operator",
            "status",
            &id,
            "reinstate",
            "--reason",
            "mine",
            "--registry",
            &base,
        ],
        Some(&acme),
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("403"), "{err}");

    // The auditor checks the log and remembers the checkpoint.
    let state = tmp.path().join("audit.toml");
    let (code, out, err) = iotlabel(
        &[
            "log",
            "verify",
            "--registry",
            &base,
            "--state",
            state.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("label-issued") && out.contains("status-changed"),
        "{out}"
    );

    // A backup while serving, restored into a fresh directory, serves the same log.
    let backup = tmp.path().join("registry.jsonl");
    let (code, _, err) = iotlabel(
        &[
            "registry",
            "backup",
            "--data",
            data.to_str().unwrap(),
            "--out",
            backup.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    served.stop();
    let restored = tmp.path().join("restored");
    let (code, _, err) = iotlabel(
        &[
            "registry",
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = iotlabel(
        &[
            "registry",
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ],
        None,
    );
    assert_ne!(code, 0, "restoring over data must be refused");
    assert!(err.contains("not empty"), "{err}");
    std::fs::create_dir_all(restored.join("keys")).unwrap();
    std::fs::copy(
        data.join("keys/issuer.key"),
        restored.join("keys/issuer.key"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            restored.join("keys/issuer.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    let again = Served::start(&restored);
    // Same log, same origin (fixed at the first start, whatever the new address): the auditor's
    // remembered checkpoint is a prefix of the restored log.
    let (code, out, err) = iotlabel(
        &[
            "log",
            "verify",
            "--registry",
            &again.base,
            "--state",
            state.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Consistent") && out.contains("checkpoint you verified"),
        "{out}"
    );
    again.stop();
}

fn sqlite(data: &Path, sql: &str, binds: Vec<Vec<u8>>) {
    let url = format!("sqlite://{}", data.join("registry.db").display());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
        for b in binds {
            q = q.bind(b);
        }
        q.execute(&mut conn).await.unwrap();
    });
}

#[test]
fn log_verify_catches_a_rewritten_store() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let served = Served::start(&data);
    let (base, operator) = (served.base.clone(), served.operator());
    let acme = organisation(&base, &operator, "Acme Devices Ltd", "manufacturer");
    let plug = examples().join("smart-plug/declaration.toml");
    let (code, out, err) = iotlabel(
        &[
            "submit",
            plug.to_str().unwrap(),
            "--registry",
            &base,
            "--format",
            "json",
        ],
        Some(&acme),
    );
    assert_eq!(code, 0, "{err}");
    let label: Value = serde_json::from_str(&out).unwrap();
    let index = label["label"]["log_index"].as_u64().unwrap();
    let state = tmp.path().join("audit.toml");
    let key = reqwest::blocking::get(format!("{base}/api/v1/keys"))
        .unwrap()
        .json::<Value>()
        .unwrap()["log_verifier_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (code, out, err) = iotlabel(
        &[
            "log",
            "verify",
            "--registry",
            &base,
            "--state",
            state.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    served.stop();

    // Someone with database access rewrites the issuance: the registry refuses to start.
    let forged = json!({ "type": "label-issued", "label": "FORGED00000", "level": 4 })
        .to_string()
        .into_bytes();
    let forged_hash = iotlabel_tlog::leaf_hash(&forged).to_vec();
    sqlite(
        &data,
        &format!("UPDATE log_entries SET data = $1, leaf_hash = $2 WHERE idx = {index}"),
        vec![forged.clone(), forged_hash],
    );
    let (code, _, err) = {
        let out = Command::new(bin())
            .args(["serve", "--data"])
            .arg(&data)
            .args(["--listen", "127.0.0.1:0"])
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::new(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(
        code, 21,
        "a store that contradicts its own checkpoints must not serve: {err}"
    );
    assert!(err.contains("checkpoint"), "{err}");

    // They also delete the stored checkpoints, so the registry starts and signs the forged
    // history. The auditor's remembered checkpoint exposes it.
    sqlite(&data, "DELETE FROM checkpoints", vec![]);
    let forged_registry = Served::start(&data);
    let (code, out, err) = iotlabel(
        &[
            "log",
            "verify",
            "--registry",
            &forged_registry.base,
            "--state",
            state.to_str().unwrap(),
            "--key",
            &key,
        ],
        None,
    );
    assert_eq!(
        code, 20,
        "the rewrite must be reported as a fork: {out}{err}"
    );
    assert!(err.contains("FORK"), "{err}");
    // And the state still holds the honest checkpoint.
    let (code, _, _) = iotlabel(
        &[
            "log",
            "verify",
            "--registry",
            &forged_registry.base,
            "--state",
            state.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 20);
    forged_registry.stop();
}

/// Writers register assessor keys (one log entry each) as fast as they can while the server
/// is killed with SIGKILL at a random moment; after each restart every acknowledged entry must
/// be there, and every checkpoint seen before the kill must be a prefix of the new tree.
#[test]
fn sigkill_under_load_loses_nothing_acknowledged_and_never_forks() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let first = Served::start(&data);
    let operator = first.operator();
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let created: Value = http
        .post(format!("{}/api/v1/organisations", first.base))
        .bearer_auth(&operator)
        .json(&json!({ "name": "Load Lab", "kind": "assessor" }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let org = created["id"].as_str().unwrap().to_owned();
    let mut served = first;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut seen_checkpoints: Vec<(u64, [u8; 32])> = Vec::new();
    let mut seed = 0x5eed_u64;
    for round in 0..6 {
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..4 {
            let (base, operator, org, stop, acknowledged, http) = (
                served.base.clone(),
                operator.clone(),
                org.clone(),
                stop.clone(),
                acknowledged.clone(),
                http.clone(),
            );
            writers.push(std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let key = iotlabel_label::KeyPair::generate();
                    let body = json!({ "name": format!("r{round} w{w} k{n}"), "public_key": URL_SAFE_NO_PAD.encode(key.public().as_bytes()) });
                    n += 1;
                    match http.post(format!("{base}/api/v1/organisations/{org}/keys")).bearer_auth(&operator).json(&body).send() {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let id = r.json::<Value>().unwrap()["id"].as_str().unwrap().to_owned();
                            acknowledged.lock().unwrap().push(id);
                        }
                        Ok(r) => panic!("unexpected answer {}", r.status()),
                        Err(_) => break, // the server died mid-request: not acknowledged
                    }
                }
            }));
        }
        // Watch checkpoints while the writers run; kill at a pseudo-random moment.
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let kill_after = Duration::from_millis(300 + (seed >> 33) % 700);
        let start = Instant::now();
        while start.elapsed() < kill_after {
            if let Ok(r) = http.get(format!("{}/log/checkpoint", served.base)).send()
                && let Ok(text) = r.text()
                && let Ok((c, _)) = iotlabel_tlog::Checkpoint::parse_unverified(text.as_bytes())
            {
                seen_checkpoints.push((c.size, c.root));
            }
            std::thread::sleep(Duration::from_millis(15));
        }
        served.kill();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().unwrap();
        }
        served = Served::start(&data);
        let keys: Value = http
            .get(format!("{}/api/v1/keys", served.base))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let present: std::collections::HashSet<&str> = keys["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["id"].as_str().unwrap())
            .collect();
        let acked = acknowledged.lock().unwrap();
        let lost: Vec<&String> = acked
            .iter()
            .filter(|k| !present.contains(k.as_str()))
            .collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} acknowledged keys lost after SIGKILL: {lost:?}",
            lost.len()
        );
        // One tree: every checkpoint seen so far is consistent with the restarted log.
        let now: Value = http
            .get(format!("{}/api/v1/log/consistency?old=1", served.base))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let new_size = now["new_size"].as_u64().unwrap();
        let (latest, _) = iotlabel_tlog::Checkpoint::parse_unverified(
            now["checkpoint"].as_str().unwrap().as_bytes(),
        )
        .unwrap();
        for (size, root) in &seen_checkpoints {
            assert!(
                *size <= new_size,
                "round {round}: a published size {size} vanished (now {new_size})"
            );
            if *size == 0 || *size == new_size {
                if *size == new_size {
                    assert_eq!(
                        *root, latest.root,
                        "round {round}: two trees of size {size}"
                    );
                }
                continue;
            }
            let proof: Value = http
                .get(format!(
                    "{}/api/v1/log/consistency?old={size}&new={new_size}",
                    served.base
                ))
                .send()
                .unwrap()
                .json()
                .unwrap();
            let hashes: Vec<[u8; 32]> = proof["proof"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    STANDARD
                        .decode(h.as_str().unwrap())
                        .unwrap()
                        .try_into()
                        .unwrap()
                })
                .collect();
            iotlabel_tlog::verify_consistency(*size, new_size, root, &latest.root, &hashes)
                .unwrap_or_else(|e| panic!("round {round}: the checkpoint of size {size} seen before the kill is not a prefix of the new tree: {e}"));
        }
        assert!(
            !acked.is_empty(),
            "round {round}: the writers got nothing acknowledged; the test would prove nothing"
        );
    }
    served.stop();
}

#[test]
fn advisories_import_finds_labelled_products_and_kev_flags_them() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let served = Served::start(&data);
    let base = served.base.clone();
    let operator = served.operator();
    let acme = organisation(&base, &operator, "Acme Devices Ltd", "manufacturer");
    let plug = examples().join("smart-plug/declaration.toml");
    let (code, out, err) = iotlabel(
        &[
            "submit",
            plug.to_str().unwrap(),
            "--registry",
            &base,
            "--format",
            "json",
        ],
        Some(&acme),
    );
    assert_eq!(code, 0, "{err}");
    let id = serde_json::from_str::<Value>(&out).unwrap()["label"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let http = reqwest::blocking::Client::new();

    // The manufacturer registers the product version's SBOM; a broken one is refused with a
    // problem document and changes nothing.
    let broken = http
        .put(format!("{base}/api/v1/labels/{id}/sbom"))
        .bearer_auth(&acme)
        .body("{\"bomFormat\": \"CycloneDX\", \"components\": 7}")
        .send()
        .unwrap();
    assert_eq!(broken.status(), 422);
    assert_eq!(broken.headers()["content-type"], "application/problem+json");
    let sbom =
        std::fs::read(workspace_root().join("examples/monitoring/smart-plug.cdx.json")).unwrap();
    let put = http
        .put(format!("{base}/api/v1/labels/{id}/sbom"))
        .bearer_auth(&acme)
        .body(sbom)
        .send()
        .unwrap();
    assert_eq!(put.status(), 200, "{}", put.text().unwrap());

    // The operator imports a directory of real OSV records (sent as a zip dump).
    let salt = iotlabel_testkit::shared_file("data/osv-pypi/vulns/salt");
    let (code, out, err) = iotlabel(
        &[
            "advisories",
            "import",
            salt.to_str().unwrap(),
            "--registry",
            &base,
        ],
        Some(&operator),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("findings: "), "{out}");
    assert!(!out.contains("findings: 0 new"), "{out}");
    // Six of salt's records carry GIT commit ranges, which are noted, not failed, with an example.
    assert!(
        out.contains("notes on parts of records that cannot be matched")
            && out.contains("GIT range"),
        "{out}"
    );
    let (code, again, err) = iotlabel(
        &[
            "advisories",
            "import",
            salt.to_str().unwrap(),
            "--registry",
            &base,
        ],
        Some(&operator),
    );
    assert_eq!(code, 0, "{err}");
    assert!(again.contains("already imported"), "{again}");
    // A manufacturer cannot import advisories.
    let (code, _, err) = iotlabel(
        &[
            "advisories",
            "import",
            salt.to_str().unwrap(),
            "--registry",
            &base,
        ],
        Some(&acme),
    );
    assert_eq!(code, 3, "{err}");

    let v: Value = http
        .get(format!("{base}/api/v1/labels/{id}/vulnerabilities"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(v["open"].as_u64().unwrap() >= 1, "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["vulnerability"] == "CVE-2020-11651"),
        "{v}"
    );

    // The KEV catalogue lists CVE-2020-11651: the public label record shows the flag.
    let kev = std::fs::read(iotlabel_testkit::shared_file(
        "data/kev/known_exploited_vulnerabilities.json",
    ))
    .unwrap();
    let put = http
        .put(format!("{base}/api/v1/kev"))
        .bearer_auth(&operator)
        .body(kev)
        .send()
        .unwrap();
    assert_eq!(put.status(), 200, "{}", put.text().unwrap());
    let label: Value = http
        .get(format!("{base}/api/v1/labels/{id}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(label["status"], "active");
    assert!(
        label["exploited_vulnerability_flag"]["suspend_at"].is_string(),
        "{label}"
    );
    let v: Value = http
        .get(format!("{base}/api/v1/labels/{id}/vulnerabilities"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        v["summary"].as_str().unwrap().contains("being exploited"),
        "{v}"
    );
    served.stop();
}
