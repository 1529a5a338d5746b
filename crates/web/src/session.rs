//! Signed-in browsers and protection of every form against cross-site request forgery.
//!
//! A person signs in with their account's API token once; the browser then holds only a random
//! session id in a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict). The server keeps the
//! SHA-256 of that id, never the id itself and never the API token, so a memory dump does not
//! yield a usable cookie. Sessions live in memory: a restart signs everyone out, which is the
//! safe direction.
//!
//! Forms carry a CSRF token: an HMAC of a random per-browser cookie under a key that lives only
//! in this process (OWASP's signed double-submit pattern). A write is accepted only when the
//! field matches the cookie and, when the browser says where the request came from (`Origin`,
//! `Sec-Fetch-Site`), it came from this site.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use iotlabel_registry::Account;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Cookie holding the session id.
pub const SESSION_COOKIE: &str = "__Host-iotlabel-session";
/// Cookie holding the CSRF seed.
pub const CSRF_COOKIE: &str = "__Host-iotlabel-csrf";
/// Name of the hidden form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// A session ends this long after sign-in, whatever happens.
const ABSOLUTE_LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// ... or after this long without a request.
const IDLE_LIFETIME: Duration = Duration::from_secs(3600);
/// Most sessions held at once; the oldest go first (bounds memory under abuse).
const MAX_SESSIONS: usize = 50_000;

/// Why a write was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsrfError {
    /// No seed cookie: cookies are off, or the form is from another site.
    #[error("this form has expired or cookies are switched off; reload the page and send it again")]
    NoCookie,
    /// The token does not match the cookie.
    #[error(
        "this form has expired (the page was open too long or the server restarted); reload the page and send it again"
    )]
    Mismatch,
    /// The browser says the request came from another site.
    #[error("this request came from another site and was refused")]
    CrossSite,
}

struct Session {
    account: Account,
    created: Instant,
    last_seen: Instant,
}

/// The signed-in sessions and the CSRF key.
pub struct Sessions {
    key: [u8; 32],
    sessions: Mutex<HashMap<[u8; 32], Session>>,
}

impl Default for Sessions {
    fn default() -> Self {
        Self::new()
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn digest(id: &str) -> [u8; 32] {
    Sha256::digest(id.as_bytes()).into()
}

/// A cookie with the attributes every cookie of ours has.
fn cookie(name: &'static str, value: String, max_age: Option<Duration>) -> Cookie<'static> {
    let mut c = Cookie::build((name, value))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    if let Some(age) = max_age {
        c.set_max_age(cookie::time::Duration::seconds(
            i64::try_from(age.as_secs()).unwrap_or(i64::MAX),
        ));
    }
    c
}

impl Sessions {
    /// Empty, with a fresh key.
    pub fn new() -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        Self {
            key,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Session>> {
        // A panic while holding the lock cannot leave a half-written session: recover.
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a session for `account`; returns the cookie to set.
    pub fn sign_in(&self, account: Account) -> Cookie<'static> {
        let id = random_token();
        let now = Instant::now();
        let mut map = self.sessions();
        map.retain(|_, s| live(s, now));
        if map.len() >= MAX_SESSIONS
            && let Some(oldest) = map.iter().min_by_key(|(_, s)| s.created).map(|(k, _)| *k)
        {
            map.remove(&oldest);
        }
        map.insert(
            digest(&id),
            Session {
                account,
                created: now,
                last_seen: now,
            },
        );
        cookie(SESSION_COOKIE, id, None)
    }

    /// The account signed in with this browser, if any.
    pub fn account(&self, jar: &CookieJar) -> Option<Account> {
        let id = jar.get(SESSION_COOKIE)?.value();
        if id.len() > 64 {
            return None;
        }
        let now = Instant::now();
        let mut map = self.sessions();
        let key = digest(id);
        let session = map.get_mut(&key)?;
        if !live(session, now) {
            map.remove(&key);
            return None;
        }
        session.last_seen = now;
        Some(session.account.clone())
    }

    /// Ends this browser's session; returns the cookie removal.
    pub fn sign_out(&self, jar: &CookieJar) -> Cookie<'static> {
        if let Some(c) = jar.get(SESSION_COOKIE) {
            self.sessions().remove(&digest(c.value()));
        }
        let mut gone = cookie(SESSION_COOKIE, String::new(), Some(Duration::ZERO));
        gone.make_removal();
        gone
    }

    /// The CSRF token for this browser's forms, and the seed cookie to set when the browser
    /// has none yet.
    pub fn csrf_token(&self, jar: &CookieJar) -> (String, Option<Cookie<'static>>) {
        match jar
            .get(CSRF_COOKIE)
            .map(|c| c.value())
            .filter(|v| v.len() <= 64 && !v.is_empty())
        {
            Some(seed) => (self.sign(seed), None),
            None => {
                let seed = random_token();
                (
                    self.sign(&seed),
                    Some(cookie(CSRF_COOKIE, seed, Some(Duration::from_secs(86_400)))),
                )
            }
        }
    }

    fn sign(&self, seed: &str) -> String {
        // HMAC keys of any length are accepted; this cannot fail.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        mac.update(b"iotlabel-csrf\0");
        mac.update(seed.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Checks a submitted form's token against the browser's cookie and where the request
    /// came from.
    pub fn verify(
        &self,
        jar: &CookieJar,
        headers: &HeaderMap,
        submitted: &str,
    ) -> Result<(), CsrfError> {
        if headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site" || v == "same-site")
        {
            return Err(CsrfError::CrossSite);
        }
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
            && origin != "null"
        {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
            if !origin_host.eq_ignore_ascii_case(host) {
                return Err(CsrfError::CrossSite);
            }
        }
        let seed = jar
            .get(CSRF_COOKIE)
            .map(|c| c.value())
            .filter(|v| !v.is_empty())
            .ok_or(CsrfError::NoCookie)?;
        let expected = self.sign(seed);
        if expected.as_bytes().ct_eq(submitted.as_bytes()).into() {
            Ok(())
        } else {
            Err(CsrfError::Mismatch)
        }
    }
}

fn live(s: &Session, now: Instant) -> bool {
    now.duration_since(s.created) < ABSOLUTE_LIFETIME
        && now.duration_since(s.last_seen) < IDLE_LIFETIME
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use axum::http::HeaderValue;

    fn jar_with(c: &Cookie<'static>) -> CookieJar {
        CookieJar::new().add(c.clone())
    }

    #[test]
    fn a_token_is_accepted_only_with_its_own_cookie() {
        let s = Sessions::new();
        let (token, cookie) = s.csrf_token(&CookieJar::new());
        let cookie = cookie.unwrap();
        let jar = jar_with(&cookie);
        assert_eq!(s.verify(&jar, &HeaderMap::new(), &token), Ok(()));
        let (other, other_cookie) = s.csrf_token(&CookieJar::new());
        assert_eq!(
            s.verify(&jar, &HeaderMap::new(), &other),
            Err(CsrfError::Mismatch)
        );
        assert_eq!(
            s.verify(&CookieJar::new(), &HeaderMap::new(), &token),
            Err(CsrfError::NoCookie)
        );
        // Another server process (another key) does not accept it.
        let restarted = Sessions::new();
        assert_eq!(
            restarted.verify(&jar, &HeaderMap::new(), &token),
            Err(CsrfError::Mismatch)
        );
        assert!(other_cookie.unwrap().secure().unwrap_or(false));
    }

    #[test]
    fn cross_site_requests_are_refused_even_with_a_valid_token() {
        let s = Sessions::new();
        let (token, cookie) = s.csrf_token(&CookieJar::new());
        let jar = jar_with(&cookie.unwrap());
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("registry.example"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert_eq!(s.verify(&jar, &h, &token), Err(CsrfError::CrossSite));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://registry.example"),
        );
        assert_eq!(s.verify(&jar, &h, &token), Ok(()));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert_eq!(s.verify(&jar, &h, &token), Err(CsrfError::CrossSite));
    }

    #[test]
    fn sessions_are_found_by_cookie_and_end_at_sign_out() {
        let s = Sessions::new();
        let account = Account {
            id: "a1".into(),
            organisation_id: "o1".into(),
            organisation_name: "Acme".into(),
            name: "alice".into(),
            role: iotlabel_registry::Role::Manufacturer,
        };
        let c = s.sign_in(account.clone());
        assert!(c.name().starts_with("__Host-") && c.http_only() == Some(true));
        let jar = jar_with(&c);
        assert_eq!(s.account(&jar), Some(account));
        s.sign_out(&jar);
        assert_eq!(s.account(&jar), None);
        let forged = jar_with(&cookie(SESSION_COOKIE, "forged".into(), None));
        assert_eq!(s.account(&forged), None);
    }
}
