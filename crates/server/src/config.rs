//! Server settings (the `[server]` table of the configuration file).

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// How the HTTP server runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Public reads allowed per client address and second (0 = no limit).
    pub public_per_second: u32,
    /// Burst of public reads a client may make at once.
    pub public_burst: u32,
    /// Writes allowed per client address and minute (0 = no limit).
    pub writes_per_minute: u32,
    /// Vulnerability reports (which need no account) allowed per client address and hour
    /// (0 = no limit).
    pub reports_per_hour: u32,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a reverse
    /// proxy that sets it; otherwise clients could choose their own rate-limit bucket).
    pub trust_forwarded_for: bool,
    /// Requests taking longer are cut off, seconds.
    pub request_timeout_seconds: u64,
    /// How often expiry and catalogue grace periods are swept, seconds.
    pub sweep_interval_seconds: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_per_second: 50,
            public_burst: 200,
            writes_per_minute: 120,
            reports_per_hour: 10,
            trust_forwarded_for: false,
            request_timeout_seconds: 30,
            sweep_interval_seconds: 3600,
        }
    }
}
