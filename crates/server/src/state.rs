//! What every handler shares.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use iotlabel_registry::Registry;

use crate::config::ServerConfig;
use crate::metrics::Metrics;

/// Shared state.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

/// The state's contents.
pub struct Inner {
    /// The registry.
    pub registry: Registry,
    /// Settings.
    pub config: ServerConfig,
    /// Metrics.
    pub metrics: Metrics,
    /// Public-read limiter per client address.
    pub public_limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// Write limiter per client address.
    pub write_limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// Vulnerability-report limiter per client address.
    pub report_limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

impl AppState {
    /// State for a registry.
    pub fn new(registry: Registry, config: ServerConfig) -> Result<Self, prometheus::Error> {
        let public_limiter = NonZeroU32::new(config.public_per_second).map(|rate| {
            let burst =
                NonZeroU32::new(config.public_burst.max(config.public_per_second)).unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        let write_limiter = NonZeroU32::new(config.writes_per_minute)
            .map(|rate| RateLimiter::keyed(Quota::per_minute(rate)));
        let report_limiter = NonZeroU32::new(config.reports_per_hour)
            .map(|rate| RateLimiter::keyed(Quota::per_hour(rate)));
        Ok(Self(Arc::new(Inner {
            registry,
            config,
            metrics: Metrics::new()?,
            public_limiter,
            write_limiter,
            report_limiter,
        })))
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.0.registry
    }
}
