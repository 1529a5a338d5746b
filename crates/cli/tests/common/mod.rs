//! What the command-line tests share: the binary and a running `iotlabel serve`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::cargo::cargo_bin;

/// The `iotlabel` binary under test.
pub fn bin() -> PathBuf {
    cargo_bin!("iotlabel").to_path_buf()
}

/// A running `iotlabel serve`.
pub struct Served {
    pub child: Child,
    pub base: String,
    pub data: PathBuf,
}

impl Served {
    pub fn start(data: &Path) -> Self {
        Self::start_with(data, &[])
    }

    /// Starts with more arguments (e.g. `--demo`).
    pub fn start_with(data: &Path, extra: &[&str]) -> Self {
        iotlabel_testkit::install_tls();
        let mut child = Command::new(bin())
            .args(["serve", "--data"])
            .arg(data)
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .env_remove("IOTLABEL_CATALOG")
            .env("IOTLABEL_SERVER__PUBLIC_PER_SECOND", "0")
            .env("IOTLABEL_SERVER__WRITES_PER_MINUTE", "0")
            .env("IOTLABEL_LOG", "warn")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stderr).lines();
            let mut sent = false;
            let mut seen = String::new();
            while let Some(Ok(line)) = lines.next() {
                if !sent && let Some(rest) = line.strip_prefix("iotlabel registry listening on ") {
                    let _ = tx.send(Ok(rest.split_whitespace().next().unwrap().to_owned()));
                    sent = true;
                } else if !sent {
                    seen.push_str(&line);
                    seen.push('\n');
                }
            }
            if !sent {
                let _ = tx.send(Err(seen));
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(base)) => base,
            Ok(Err(output)) => panic!("serve exited before listening:\n{output}"),
            Err(_) => panic!("serve did not start within 60 s"),
        };
        Self {
            child,
            base,
            data: data.to_path_buf(),
        }
    }

    pub fn operator(&self) -> String {
        std::fs::read_to_string(self.data.join("operator.token"))
            .unwrap()
            .trim()
            .to_owned()
    }

    /// Graceful stop (SIGTERM), as an operator or systemd does.
    pub fn stop(mut self) {
        Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        assert!(
            status.success(),
            "serve did not stop cleanly on SIGTERM: {status}"
        );
    }

    /// SIGKILL: no chance to flush anything.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        let _ = self.child.wait();
    }
}
