//! A small client of the registry's API for the commands that talk to a registry.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::CliError;

/// A registry at a base URL, with an optional bearer token.
pub struct RegistryClient {
    base: String,
    token: Option<String>,
    http: reqwest::blocking::Client,
}

/// Installs the TLS crypto provider once (reqwest is built without a default one so that
/// iotlabel carries a single crypto library, ring, rather than two).
fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl RegistryClient {
    /// A client for `base` (e.g. `https://registry.example.eu`).
    pub fn new(base: &str, token: Option<String>) -> Result<Self, CliError> {
        install_crypto();
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(CliError::Usage(format!(
                "--registry `{base}` must be an http:// or https:// URL"
            )));
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("iotlabel/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CliError::Remote(format!("cannot set up HTTP: {e}")))?;
        Ok(Self { base, token, http })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(
        &self,
        request: reqwest::blocking::RequestBuilder,
        what: &str,
    ) -> Result<reqwest::blocking::Response, CliError> {
        let request = match &self.token {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        let response = request
            .send()
            .map_err(|e| CliError::Remote(format!("{what}: cannot reach {}: {e}", self.base)))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let body: Value = response.json().unwrap_or(Value::Null);
        let mut message = format!("{what}: the registry answered {status}");
        if let Some(detail) = body["detail"].as_str() {
            message.push_str(": ");
            message.push_str(detail);
        }
        for e in body["errors"].as_array().into_iter().flatten() {
            let place = match (e["line"].as_u64(), e["field"].as_str()) {
                (Some(l), Some(f)) => format!("{}:{l} {f}", e["document"].as_str().unwrap_or("")),
                (Some(l), None) => format!("{}:{l}", e["document"].as_str().unwrap_or("")),
                (None, Some(f)) => format!("{} {f}", e["document"].as_str().unwrap_or("")),
                (None, None) => e["document"].as_str().unwrap_or("").to_owned(),
            };
            message.push_str(&format!(
                "\n  {place}: {}",
                e["message"].as_str().unwrap_or("")
            ));
            if let Some(h) = e["hint"].as_str() {
                message.push_str(&format!(" ({h})"));
            }
        }
        Err(CliError::Remote(message))
    }

    /// GET a JSON document.
    pub fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, CliError> {
        let r = self.send(self.http.get(self.url(path)), &format!("GET {path}"))?;
        r.json()
            .map_err(|e| CliError::Remote(format!("GET {path}: not the expected JSON: {e}")))
    }

    /// GET bytes, with the status code (404 is not an error here: tiles may be missing).
    pub fn get_bytes(&self, path: &str) -> Result<Vec<u8>, CliError> {
        let r = self.send(self.http.get(self.url(path)), &format!("GET {path}"))?;
        r.bytes()
            .map(|b| b.to_vec())
            .map_err(|e| CliError::Remote(format!("GET {path}: {e}")))
    }

    /// POST JSON, returning JSON.
    pub fn post_json(&self, path: &str, body: &Value) -> Result<Value, CliError> {
        let r = self.send(
            self.http.post(self.url(path)).json(body),
            &format!("POST {path}"),
        )?;
        r.json().or_else(|_| Ok(Value::Null))
    }

    /// POST raw JSON bytes (an envelope), returning JSON.
    pub fn post_raw(&self, path: &str, body: Vec<u8>) -> Result<Value, CliError> {
        let r = self.send(
            self.http
                .post(self.url(path))
                .header("content-type", "application/json")
                .body(body),
            &format!("POST {path}"),
        )?;
        r.json().or_else(|_| Ok(Value::Null))
    }

    /// POST bytes of the given media type, returning JSON.
    pub fn post_bytes(
        &self,
        path: &str,
        body: Vec<u8>,
        media_type: &str,
    ) -> Result<Value, CliError> {
        let r = self.send(
            self.http
                .post(self.url(path))
                .header("content-type", media_type)
                .body(body),
            &format!("POST {path}"),
        )?;
        r.json().or_else(|_| Ok(Value::Null))
    }

    /// PUT bytes.
    pub fn put_bytes(&self, path: &str, body: Vec<u8>) -> Result<Value, CliError> {
        let r = self.send(
            self.http
                .put(self.url(path))
                .header("content-type", "application/octet-stream")
                .body(body),
            &format!("PUT {path}"),
        )?;
        r.json().or_else(|_| Ok(Value::Null))
    }
}
