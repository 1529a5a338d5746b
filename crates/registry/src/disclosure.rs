//! Coordinated vulnerability disclosure: a security researcher reports a vulnerability in a
//! labelled product without an account; the report reaches the owning manufacturer's inbox
//! (the registry sends no e-mail: "goes to the manufacturer" means it is listed for the
//! manufacturer's accounts, with the organisation's security contact shown beside it); the
//! manufacturer acknowledges, updates and fixes it; the Cyber Resilience Act's reporting clocks
//! are tracked; and once fixed, the registry can publish a CSAF 2.0 advisory for it.
//!
//! **Reports are confidential.** They describe vulnerabilities that are not public yet, so,
//! as a deliberate exception to "every change goes through the log's sequencer", they are
//! written directly to their own tables (`disclosure_store`) and nothing of them enters the
//! public transparency log. Only the reporter (with the follow-up token the submission
//! returned), the owning manufacturer and the scheme operator can read one. Publishing an
//! advisory makes that advisory public, at a stable URL; it is not logged either, because no
//! log entry kind describes it (adding one means `entry.rs`, the docs and `log verify`).
//!
//! The rules are pure functions over a [`Report`] ([`plan`], [`Report::clocks`],
//! [`csaf_document`], [`parse_cvss`]); the [`Registry`] methods check who asks, apply them
//! and store the outcome.

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use iotlabel_declaration::{Problem, Severity as ProblemSeverity};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::auth::{TOKEN_PREFIX, new_id, new_token, token_hash};
use crate::disclosure_store as db;
use crate::error::RegistryError;
use crate::model::{Account, Role};
use crate::registry::Registry;
use crate::store;

/// Prefix of a reporter's follow-up token, so that it is told apart from account tokens
/// (`iotl_`) by people, secret scanners and the server.
pub const REPORTER_TOKEN_PREFIX: &str = "iotr_";

/// Hours after awareness of an actively exploited vulnerability by which the early warning is
/// due (CRA Art. 14(2)(a)).
pub const EARLY_WARNING_HOURS: i64 = 24;
/// Hours after awareness by which the vulnerability notification is due (CRA Art. 14(2)(b)).
pub const NOTIFICATION_HOURS: i64 = 72;
/// Days after a fix is available by which the final report is due (CRA Art. 14(2)(c)).
pub const FINAL_REPORT_DAYS: i64 = 14;

/// Where published advisories are served, under the registry's public URL.
pub const ADVISORY_PATH: &str = "/api/v1/csaf/";

/// A timeline holds at most this many events, so that a reporter's token cannot fill storage.
pub const MAX_EVENTS: i64 = 500;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest description, summary or message, in characters.
pub const MAX_TEXT: usize = 20_000;
/// Most versions in a list, and the longest version.
pub const MAX_VERSIONS: usize = 50;
const MAX_VERSION_LEN: usize = 64;
/// Longest contact address or name, in characters.
pub const MAX_CONTACT: usize = 254;

/// Defines a string enum with its stored names, `FromStr`, `Display` and serde.
macro_rules! names {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Name as stored and shown.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "`{other}` is not one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

names! {
    /// Where a report stands.
    ///
    /// ```text
    /// received → acknowledged → (triaged) → fixed → published → closed
    ///     └──────────┴──────────────┴→ rejected          └──────→ closed
    /// ```
    ReportState {
        /// Submitted; the manufacturer has not answered yet.
        Received = "received",
        /// The manufacturer confirmed receipt.
        Acknowledged = "acknowledged",
        /// The manufacturer confirmed the vulnerability and is working on it.
        Triaged = "triaged",
        /// A fix is available.
        Fixed = "fixed",
        /// A CSAF advisory has been published.
        Published = "published",
        /// Done.
        Closed = "closed",
        /// Not a vulnerability, or a duplicate.
        Rejected = "rejected",
    }
}

impl ReportState {
    /// Whether the state machine allows `self -> to`. Closed and rejected are final.
    pub fn can_become(self, to: ReportState) -> bool {
        use ReportState::*;
        matches!(
            (self, to),
            (Received, Acknowledged | Rejected)
                | (Acknowledged, Triaged | Fixed | Rejected)
                | (Triaged, Fixed | Rejected)
                | (Fixed, Published | Closed)
                | (Published, Closed)
        )
    }

    /// Whether nothing can change the state any more.
    pub fn is_final(self) -> bool {
        matches!(self, ReportState::Closed | ReportState::Rejected)
    }
}

names! {
    /// What happened on a report's timeline.
    EventKind {
        /// The report arrived.
        Received = "received",
        /// The manufacturer confirmed receipt.
        Acknowledged = "acknowledged",
        /// The manufacturer confirmed the vulnerability.
        Triaged = "triaged",
        /// A message (the manufacturer's update, the reporter's follow-up, the operator's note).
        Message = "message",
        /// Marked as actively exploited: the CRA clocks now apply.
        ActivelyExploited = "actively-exploited",
        /// The early warning was sent (CRA Art. 14(2)(a)).
        EarlyWarningSent = "early-warning-sent",
        /// The vulnerability notification was sent (CRA Art. 14(2)(b)).
        NotificationSent = "notification-sent",
        /// A fix is available.
        Fixed = "fixed",
        /// The final report was sent (CRA Art. 14(2)(c)).
        FinalReportSent = "final-report-sent",
        /// Rejected as not a vulnerability or as a duplicate.
        Rejected = "rejected",
        /// The CSAF advisory was published.
        Published = "published",
        /// Closed.
        Closed = "closed",
    }
}

names! {
    /// Who acted.
    ActorRole {
        /// The researcher, with the follow-up token.
        Reporter = "reporter",
        /// A manufacturer account of the owning organisation.
        Manufacturer = "manufacturer",
        /// The scheme operator.
        Operator = "operator",
    }
}

names! {
    /// Why a report was rejected.
    Resolution {
        /// The behaviour reported is not a vulnerability.
        NotAVulnerability = "not-a-vulnerability",
        /// Another report describes the same vulnerability.
        Duplicate = "duplicate",
    }
}

names! {
    /// Severity, as CVSS names its ranges.
    Severity {
        /// CVSS 0.0.
        None = "none",
        /// 0.1-3.9.
        Low = "low",
        /// 4.0-6.9.
        Medium = "medium",
        /// 7.0-8.9.
        High = "high",
        /// 9.0-10.0.
        Critical = "critical",
    }
}

impl Severity {
    /// The severity of a CVSS score.
    pub fn of_score(score: f64) -> Severity {
        if score <= 0.0 {
            Severity::None
        } else if score < 4.0 {
            Severity::Low
        } else if score < 7.0 {
            Severity::Medium
        } else if score < 9.0 {
            Severity::High
        } else {
            Severity::Critical
        }
    }
}

/// A report as a researcher submits it. Text is trimmed and bounded; see [`Registry::submit_report`].
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    /// The product (its registry id), or
    pub product_id: Option<String>,
    /// the label printed on it.
    pub label_id: Option<String>,
    /// One line.
    pub title: String,
    /// What is vulnerable and how to reproduce it.
    pub description: String,
    /// Software versions the reporter found affected.
    pub affected_versions: Vec<String>,
    /// A CVSS 3.0 or 3.1 base vector.
    pub cvss_vector: Option<String>,
    /// The reporter's estimate when there is no vector (`low` ... `critical`).
    pub severity: Option<String>,
    /// An e-mail address for the manufacturer's questions.
    pub reporter_contact: String,
    /// A name to credit in the published advisory; without it the reporter stays anonymous.
    pub reporter_name: Option<String>,
}

/// What a submission returns to the reporter, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportReceipt {
    /// The report's id.
    pub id: String,
    /// The follow-up token: with it the reporter reads the report's status and timeline and
    /// adds messages. Only its hash is stored; it cannot be shown again.
    pub token: String,
}

/// A report as the registry holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Id (`cvd_...`); also the published advisory's tracking id.
    pub id: String,
    /// The owning manufacturer organisation, whose inbox it is in.
    pub organisation_id: String,
    /// Its name.
    pub manufacturer: String,
    /// Its security contact, if it has set one.
    pub security_contact: Option<String>,
    /// Product.
    pub product_id: String,
    /// Brand.
    pub brand: String,
    /// Model.
    pub model: String,
    /// The label the reporter named.
    pub label_id: Option<String>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Affected software versions (the reporter's, or the manufacturer's when it fixed them).
    pub affected_versions: Vec<String>,
    /// CVSS 3.x base vector, canonical order.
    pub cvss_vector: Option<String>,
    /// Severity: from the vector when there is one, else the reporter's estimate.
    pub severity: Option<Severity>,
    /// Reporter's e-mail address.
    pub reporter_contact: String,
    /// Reporter's name, for credit.
    pub reporter_name: Option<String>,
    /// State.
    pub state: ReportState,
    /// Number of timeline events (also the row's version).
    pub events: i64,
    /// Received (seconds).
    pub received_at: i64,
    /// Acknowledged.
    pub acknowledged_at: Option<i64>,
    /// Marked actively exploited.
    pub exploited_since: Option<i64>,
    /// Early warning sent.
    pub early_warning_at: Option<i64>,
    /// Notification sent.
    pub notification_at: Option<i64>,
    /// Fix available.
    pub fixed_at: Option<i64>,
    /// Versions with the fix.
    pub fixed_versions: Vec<String>,
    /// Final report sent.
    pub final_report_at: Option<i64>,
    /// Why it was rejected.
    pub resolution: Option<Resolution>,
    /// The report it duplicates.
    pub duplicate_of: Option<String>,
    /// Advisory published.
    pub published_at: Option<i64>,
    /// Closed.
    pub closed_at: Option<i64>,
    /// Last change.
    pub updated_at: i64,
}

/// One entry of a report's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    /// 1, 2, ... in order.
    pub seq: i64,
    /// What.
    pub kind: EventKind,
    /// Who: the organisation and account, or the reporter's name (or `reporter`).
    pub actor: String,
    /// In which role.
    pub actor_role: ActorRole,
    /// The note or message.
    pub text: Option<String>,
    /// When (seconds).
    pub at: i64,
}

/// Who reads or writes a report.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    /// The reporter, by follow-up token.
    Reporter(&'a str),
    /// An account: the owning manufacturer's or the operator's.
    Account(&'a Account),
}

/// What a manufacturer (some of these: the operator) records on a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportAction {
    /// Confirm receipt.
    Acknowledge,
    /// Confirm the vulnerability.
    Triage,
    /// The vulnerability is actively exploited: the CRA clocks apply from now.
    MarkExploited,
    /// The early warning went to the CSIRT / ENISA single reporting platform.
    EarlyWarningSent,
    /// The vulnerability notification went out.
    NotificationSent,
    /// A fix is available in these versions; `affected_versions` replaces the reporter's list
    /// with the manufacturer's when given.
    Fixed {
        /// Versions with the fix.
        fixed_versions: Vec<String>,
        /// The affected versions as the manufacturer determined them.
        affected_versions: Option<Vec<String>>,
    },
    /// The final report went out.
    FinalReportSent,
    /// Not a vulnerability, or a duplicate of another report of the same manufacturer.
    Reject {
        /// Why.
        resolution: Resolution,
        /// The report it duplicates.
        duplicate_of: Option<String>,
    },
    /// Close a fixed or published report.
    Close,
}

/// Filters for listing reports.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Only reports in this state.
    pub state: Option<ReportState>,
    /// Only reports with an overdue CRA obligation.
    pub overdue: bool,
    /// Page size (1-500).
    pub limit: u32,
    /// Offset.
    pub offset: u32,
}

/// What the public advisory says; the report's own description (which may carry exploit
/// details) is never published as such.
#[derive(Debug, Clone, Default)]
pub struct Publication {
    /// The public description of the vulnerability.
    pub summary: String,
    /// A CVE id, if one was assigned.
    pub cve: Option<String>,
    /// The affected versions, when they differ from the report's.
    pub affected_versions: Option<Vec<String>>,
}

/// A published advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisory {
    /// Its CSAF tracking id (the report's id).
    pub id: String,
    /// Where it is served.
    pub url: String,
    /// SHA-256 of the document, hex.
    pub sha256: String,
    /// The CSAF document.
    pub document: Vec<u8>,
}

/// One CRA reporting obligation's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// When it is due (seconds).
    pub due: i64,
    /// When it was done.
    pub done_at: Option<i64>,
    /// Due, not done, and the report not rejected.
    pub past_due: bool,
}

/// A report's CRA clocks at some instant.
///
/// CRA Art. 14 imposes the 24 h early warning, the 72 h notification and the final report
/// (14 days after a fix) for *actively exploited* vulnerabilities. The clocks are tracked for
/// every report, so that a manufacturer sees them running, but [`Clocks::overdue`] — what the
/// scheme operator is shown as a regulatory lapse — is set only once the report is marked
/// actively exploited. They count from awareness: the report's receipt, or, when active
/// exploitation became known later, from the moment it was marked so (Art. 14 runs from
/// awareness of the *actively exploited* vulnerability; counting from receipt would make a
/// report found to be exploited on day five overdue the instant it is marked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clocks {
    /// Whether the report is marked actively exploited (the clocks then bind).
    pub actively_exploited: bool,
    /// Awareness: the instant the 24 h and 72 h count from.
    pub aware_at: i64,
    /// Early warning, 24 h.
    pub early_warning: Clock,
    /// Notification, 72 h.
    pub notification: Clock,
    /// Final report, 14 days after the fix; absent until fixed.
    pub final_report: Option<Clock>,
    /// Actively exploited and some obligation past due.
    pub overdue: bool,
}

impl Report {
    /// The CRA clocks at `now`.
    pub fn clocks(&self, now: Timestamp) -> Clocks {
        let now = now.as_second();
        let owed = self.state != ReportState::Rejected;
        let clock = |due: i64, done_at: Option<i64>| Clock {
            due,
            done_at,
            past_due: owed && done_at.is_none() && now > due,
        };
        let aware_at = self.exploited_since.unwrap_or(self.received_at);
        let early_warning = clock(aware_at + EARLY_WARNING_HOURS * 3600, self.early_warning_at);
        let notification = clock(aware_at + NOTIFICATION_HOURS * 3600, self.notification_at);
        let final_report = self
            .fixed_at
            .map(|fixed| clock(fixed + FINAL_REPORT_DAYS * 86_400, self.final_report_at));
        let actively_exploited = self.exploited_since.is_some();
        Clocks {
            actively_exploited,
            aware_at,
            early_warning,
            notification,
            final_report,
            overdue: actively_exploited
                && (early_warning.past_due
                    || notification.past_due
                    || final_report.is_some_and(|c| c.past_due)),
        }
    }
}

/// A report's stored columns an action changes; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Change {
    pub state: Option<ReportState>,
    pub acknowledged_at: Option<i64>,
    pub exploited_since: Option<i64>,
    pub early_warning_at: Option<i64>,
    pub notification_at: Option<i64>,
    pub fixed_at: Option<i64>,
    pub fixed_versions: Option<Vec<String>>,
    pub affected_versions: Option<Vec<String>>,
    pub final_report_at: Option<i64>,
    pub resolution: Option<Resolution>,
    pub duplicate_of: Option<String>,
    pub published_at: Option<i64>,
    pub closed_at: Option<i64>,
}

/// A timeline event to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewEvent {
    pub kind: EventKind,
    pub actor: String,
    pub actor_role: ActorRole,
    pub text: Option<String>,
    pub at: i64,
}

/// What an action changes and the event that records it, or why the report's state does not
/// allow it. Versions are checked by the caller.
pub fn plan(
    report: &Report,
    action: &ReportAction,
    now: i64,
) -> Result<(ReportStateChange, EventKind), RegistryError> {
    let state = report.state;
    let to = |to: ReportState| -> Result<Option<ReportState>, RegistryError> {
        if state.can_become(to) {
            Ok(Some(to))
        } else {
            Err(RegistryError::Conflict(format!(
                "report {} is {state}; it cannot become {to}",
                report.id
            )))
        }
    };
    let once = |done: Option<i64>, what: &str| -> Result<(), RegistryError> {
        match done {
            Some(at) => Err(RegistryError::Conflict(format!(
                "{what} was already recorded for report {} (at {})",
                report.id,
                time(at)
            ))),
            None if state == ReportState::Rejected => Err(RegistryError::Conflict(format!(
                "report {} was rejected; there is nothing to report",
                report.id
            ))),
            None => Ok(()),
        }
    };
    let mut change = Change::default();
    let kind = match action {
        ReportAction::Acknowledge => {
            change.state = to(ReportState::Acknowledged)?;
            change.acknowledged_at = Some(now);
            EventKind::Acknowledged
        }
        ReportAction::Triage => {
            change.state = to(ReportState::Triaged)?;
            EventKind::Triaged
        }
        ReportAction::MarkExploited => {
            once(report.exploited_since, "active exploitation")?;
            if state == ReportState::Closed {
                return Err(RegistryError::Conflict(format!(
                    "report {} is closed",
                    report.id
                )));
            }
            change.exploited_since = Some(now);
            EventKind::ActivelyExploited
        }
        ReportAction::EarlyWarningSent => {
            once(report.early_warning_at, "the early warning")?;
            change.early_warning_at = Some(now);
            EventKind::EarlyWarningSent
        }
        ReportAction::NotificationSent => {
            once(report.notification_at, "the notification")?;
            change.notification_at = Some(now);
            EventKind::NotificationSent
        }
        ReportAction::Fixed {
            fixed_versions,
            affected_versions,
        } => {
            change.state = to(ReportState::Fixed)?;
            change.fixed_at = Some(now);
            change.fixed_versions = Some(fixed_versions.clone());
            change.affected_versions = affected_versions.clone();
            EventKind::Fixed
        }
        ReportAction::FinalReportSent => {
            once(report.final_report_at, "the final report")?;
            if report.fixed_at.is_none() {
                return Err(RegistryError::Conflict(format!(
                    "report {} is not fixed yet: the final report follows a fix",
                    report.id
                )));
            }
            change.final_report_at = Some(now);
            EventKind::FinalReportSent
        }
        ReportAction::Reject {
            resolution,
            duplicate_of,
        } => {
            change.state = to(ReportState::Rejected)?;
            change.resolution = Some(*resolution);
            change.duplicate_of = duplicate_of.clone();
            EventKind::Rejected
        }
        ReportAction::Close => {
            change.state = to(ReportState::Closed)?;
            change.closed_at = Some(now);
            EventKind::Closed
        }
    };
    Ok((ReportStateChange(change), kind))
}

/// The column changes [`plan`] decided (opaque: the registry stores them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportStateChange(pub(crate) Change);

impl ReportStateChange {
    /// The state the report moves to, if it moves.
    pub fn state(&self) -> Option<ReportState> {
        self.0.state
    }
}

/// Seconds as RFC 3339.
fn time(seconds: i64) -> String {
    Timestamp::from_second(seconds).map_or_else(|_| seconds.to_string(), |t| t.to_string())
}

/// Collects field problems of one input document.
struct Checks {
    document: &'static str,
    problems: Vec<Problem>,
}

impl Checks {
    fn new(document: &'static str) -> Self {
        Self {
            document,
            problems: Vec::new(),
        }
    }

    fn fail(&mut self, field: &str, message: impl Into<String>, hint: Option<&str>) {
        self.problems.push(Problem {
            severity: ProblemSeverity::Error,
            file: PathBuf::from(self.document),
            line: None,
            column: None,
            field: field.to_owned(),
            message: message.into(),
            hint: hint.map(str::to_owned),
        });
    }

    /// Trimmed text of `min..=max` characters; multi-line text may hold line breaks and tabs,
    /// no other control characters.
    fn text(
        &mut self,
        field: &str,
        value: &str,
        min: usize,
        max: usize,
        multiline: bool,
    ) -> String {
        let value = value.trim();
        let count = value.chars().count();
        if count < min || count > max {
            self.fail(
                field,
                format!("{field} has {count} characters; {min} to {max} are accepted"),
                None,
            );
        } else if value
            .chars()
            .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
        {
            self.fail(field, format!("{field} contains control characters"), None);
        }
        value.to_owned()
    }

    fn optional(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
        multiline: bool,
    ) -> Option<String> {
        value
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| self.text(field, v, 1, max, multiline))
    }

    /// A list of single versions, trimmed and without repeats.
    fn versions(&mut self, field: &str, values: &[String]) -> Vec<String> {
        if values.len() > MAX_VERSIONS {
            self.fail(
                field,
                format!(
                    "{field} lists {} versions; at most {MAX_VERSIONS}",
                    values.len()
                ),
                None,
            );
            return Vec::new();
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let v = v.trim();
            if let Err(message) = check_version(v) {
                self.fail(
                    &format!("{field}[{i}]"),
                    message,
                    Some("name one version per entry, e.g. \"1.8.3\"; describe ranges in the text"),
                );
            } else if seen.insert(v.to_owned()) {
                out.push(v.to_owned());
            }
        }
        out
    }

    fn finish(self, what: &str) -> Result<(), RegistryError> {
        if self.problems.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = self
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect();
        Err(RegistryError::Invalid {
            message: format!(
                "the {what} has {} problem(s): {}",
                list.len(),
                list.join("; ")
            ),
            problems: self.problems,
        })
    }
}

/// A single software version: what CSAF's `product_version` requires (no ranges).
fn check_version(v: &str) -> Result<(), String> {
    if v.is_empty() || v.chars().count() > MAX_VERSION_LEN {
        return Err(format!("a version has 1 to {MAX_VERSION_LEN} characters"));
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-+_~:".contains(c))
        || !v.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(format!(
            "`{v}` is not a version: letters, digits and . - + _ ~ : only"
        ));
    }
    // CSAF mandatory test 6.1.31 reads these words as a version range.
    let lower = v.to_ascii_lowercase();
    if let Some(word) = [
        "after", "all", "before", "earlier", "later", "prior", "versions",
    ]
    .iter()
    .find(|w| lower.contains(*w))
    {
        return Err(format!(
            "`{v}` reads as a range (`{word}`), not one version"
        ));
    }
    Ok(())
}

/// A loose e-mail check: one `@`, something before it, a dotted domain after it, no spaces.
fn check_email(v: &str) -> Result<(), &'static str> {
    let (local, domain) = v.split_once('@').ok_or("no `@`")?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !v
            .chars()
            .any(|c| c.is_whitespace() || "<>()[],;\"\\".contains(c));
    if ok {
        Ok(())
    } else {
        Err("not an e-mail address")
    }
}

/// A parsed CVSS 3.x base vector with its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Cvss {
    /// `3.0` or `3.1`.
    pub version: &'static str,
    /// The vector, base metrics in canonical order.
    pub vector: String,
    /// Base score.
    pub base_score: f64,
    /// Its severity.
    pub severity: Severity,
}

/// Parses a CVSS 3.0 or 3.1 base vector and computes its base score (CVSS v3.1 specification,
/// section 7; v3.0 rounds up to one decimal plainly). Metrics may come in any order; each of
/// the eight base metrics exactly once; temporal and environmental metrics are refused, as
/// the advisory states a base score only.
pub fn parse_cvss(vector: &str) -> Result<Cvss, String> {
    let vector = vector.trim();
    let (version, rest) = if let Some(rest) = vector.strip_prefix("CVSS:3.1/") {
        ("3.1", rest)
    } else if let Some(rest) = vector.strip_prefix("CVSS:3.0/") {
        ("3.0", rest)
    } else {
        return Err(
            "a CVSS vector starts with CVSS:3.1/ or CVSS:3.0/ (CSAF 2.0 has no CVSS 4)".into(),
        );
    };
    const ORDER: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
    let mut values: [Option<char>; 8] = [None; 8];
    for part in rest.split('/') {
        let (metric, value) = part
            .split_once(':')
            .ok_or_else(|| format!("`{part}` is not METRIC:VALUE"))?;
        let slot = ORDER
            .iter()
            .position(|m| *m == metric)
            .ok_or_else(|| format!("`{metric}` is not a CVSS base metric"))?;
        let mut chars = value.chars();
        let (Some(v), None) = (chars.next(), chars.next()) else {
            return Err(format!("`{part}` has no single-letter value"));
        };
        if values[slot].replace(v).is_some() {
            return Err(format!("{metric} appears twice"));
        }
    }
    let get = |i: usize| values[i].ok_or_else(|| format!("{} is missing", ORDER[i]));
    let bad = |i: usize, v: char| format!("{}:{v} is not a valid value", ORDER[i]);
    let scope_changed = match get(4)? {
        'U' => false,
        'C' => true,
        v => return Err(bad(4, v)),
    };
    let av = match get(0)? {
        'N' => 0.85,
        'A' => 0.62,
        'L' => 0.55,
        'P' => 0.2,
        v => return Err(bad(0, v)),
    };
    let ac = match get(1)? {
        'L' => 0.77,
        'H' => 0.44,
        v => return Err(bad(1, v)),
    };
    let pr = match (get(2)?, scope_changed) {
        ('N', _) => 0.85,
        ('L', false) => 0.62,
        ('L', true) => 0.68,
        ('H', false) => 0.27,
        ('H', true) => 0.5,
        (v, _) => return Err(bad(2, v)),
    };
    let ui = match get(3)? {
        'N' => 0.85,
        'R' => 0.62,
        v => return Err(bad(3, v)),
    };
    let cia = |i: usize| -> Result<f64, String> {
        match get(i)? {
            'H' => Ok(0.56),
            'L' => Ok(0.22),
            'N' => Ok(0.0),
            v => Err(bad(i, v)),
        }
    };
    let (c, i, a) = (cia(5)?, cia(6)?, cia(7)?);
    let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    let roundup = |x: f64| -> f64 {
        if version == "3.0" {
            (x * 10.0).ceil() / 10.0
        } else {
            // v3.1's Roundup works on integers to avoid floating-point artefacts.
            let n = (x * 100_000.0).round() as i64;
            if n % 10_000 == 0 {
                n as f64 / 100_000.0
            } else {
                ((n / 10_000) + 1) as f64 / 10.0
            }
        }
    };
    let base_score = if impact <= 0.0 {
        0.0
    } else if scope_changed {
        roundup((1.08 * (impact + exploitability)).min(10.0))
    } else {
        roundup((impact + exploitability).min(10.0))
    };
    let canonical: Vec<String> = ORDER
        .iter()
        .zip(values.iter())
        .filter_map(|(m, v)| v.map(|v| format!("{m}:{v}")))
        .collect();
    Ok(Cvss {
        version,
        vector: format!("CVSS:{version}/{}", canonical.join("/")),
        base_score,
        severity: Severity::of_score(base_score),
    })
}

/// The URL a published advisory is served at.
pub fn advisory_url(public_url: &str, id: &str) -> String {
    format!(
        "{}{ADVISORY_PATH}{}",
        public_url.trim_end_matches('/'),
        advisory_file(id)
    )
}

/// The advisory's file name per CSAF 2.0 section 5.1: the tracking id in lower case, every
/// character other than `+`, `-`, a-z and 0-9 replaced by `_`, and `.json`.
pub fn advisory_file(id: &str) -> String {
    let name: String = id
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}.json")
}

/// The CSAF 2.0 security advisory for a fixed report (`csaf_security_advisory`): the product
/// with its affected and fixed versions, the vulnerability with its public summary, the
/// vendor fix, the CVSS score and active exploitation when known, and the reporter's credit
/// when a name was given. Pure: the same report, publication and time give the same document.
pub fn csaf_document(
    report: &Report,
    publication: &Publication,
    public_url: &str,
    published_at: i64,
) -> Result<Value, RegistryError> {
    let mut checks = Checks::new("publication");
    let summary = checks.text("summary", &publication.summary, 1, MAX_TEXT, true);
    let cve = publication
        .cve
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(c) = cve {
        let digits = c.strip_prefix("CVE-").unwrap_or("");
        let (year, number) = digits.split_once('-').unwrap_or(("", ""));
        if year.len() != 4
            || number.len() < 4
            || !year
                .chars()
                .chain(number.chars())
                .all(|d| d.is_ascii_digit())
        {
            checks.fail(
                "cve",
                format!("`{c}` is not a CVE id"),
                Some("CVE-2026-12345"),
            );
        }
    }
    let fixed: Vec<String> = report.fixed_versions.clone();
    let affected: Vec<String> = match &publication.affected_versions {
        Some(list) => checks.versions("affected_versions", list),
        None => report.affected_versions.clone(),
    }
    .into_iter()
    .filter(|v| !fixed.contains(v))
    .collect();
    if affected.is_empty() && checks.problems.is_empty() {
        checks.fail(
            "affected_versions",
            "no affected version is known (besides the fixed ones)",
            Some("name them here, or with the `fixed` action"),
        );
    }
    checks.finish("publication")?;

    let url = advisory_url(public_url, &report.id);
    let base = public_url.trim_end_matches('/');
    let product_name = format!("{} {}", report.brand, report.model);
    let pid = |v: &str| format!("{}:{v}", report.product_id);
    let branch = |v: &String| {
        json!({
            "category": "product_version",
            "name": v,
            "product": {
                "name": format!("{product_name} {v}"),
                "product_id": pid(v),
                "product_identification_helper": {
                    "x_generic_uris": [{
                        "namespace": "https://iotlabel.org/ns/product",
                        "uri": format!("{base}/api/v1/products/{}", report.product_id),
                    }]
                }
            }
        })
    };
    let affected_ids: Vec<String> = affected.iter().map(|v| pid(v)).collect();
    let fixed_ids: Vec<String> = fixed.iter().map(|v| pid(v)).collect();
    let released = time(published_at);
    let cvss = report
        .cvss_vector
        .as_deref()
        .map(parse_cvss)
        .transpose()
        .map_err(|e| {
            RegistryError::Tampered(format!("report {}'s stored CVSS vector: {e}", report.id))
        })?;
    let severity = cvss.as_ref().map(|c| c.severity).or(report.severity);

    let mut vulnerability = json!({
        "title": report.title,
        "ids": [{ "system_name": "iotlabel coordinated disclosure", "text": report.id }],
        "notes": [{ "category": "description", "title": "Description", "text": summary }],
        "product_status": { "known_affected": affected_ids, "fixed": fixed_ids },
        "remediations": [{
            "category": "vendor_fix",
            "details": format!("Update to {} {}.", product_name, fixed.join(" or ")),
            "product_ids": affected_ids,
        }],
    });
    if let Some(c) = cve {
        vulnerability["cve"] = json!(c);
    }
    if let Some(c) = &cvss {
        vulnerability["scores"] = json!([{
            "cvss_v3": {
                "version": c.version,
                "vectorString": c.vector,
                "baseScore": c.base_score,
                "baseSeverity": c.severity.as_str().to_uppercase(),
            },
            "products": affected_ids,
        }]);
    }
    if let Some(since) = report.exploited_since {
        vulnerability["threats"] = json!([{
            "category": "exploit_status",
            "details": format!("Actively exploited (known since {}).", time(since)),
            "product_ids": affected_ids,
        }]);
    }
    if let Some(name) = &report.reporter_name {
        vulnerability["acknowledgments"] = json!([{
            "names": [name],
            "summary": "reporting this vulnerability through coordinated disclosure",
        }]);
    }
    let mut document = json!({
        "category": "csaf_security_advisory",
        "csaf_version": "2.0",
        "lang": "en",
        "title": format!("{}: {}", product_name, report.title),
        "distribution": { "tlp": { "label": "WHITE", "url": "https://www.first.org/tlp/" } },
        "publisher": {
            "category": "coordinator",
            "name": format!("iotlabel registry {base}"),
            "namespace": base,
            "contact_details": format!("Manufacturer: {}", report.manufacturer),
        },
        "notes": [{ "category": "summary", "title": "Summary", "text": summary }],
        "references": [{ "category": "self", "summary": "This advisory", "url": url }],
        "tracking": {
            "id": report.id,
            "status": "final",
            "version": "1",
            "initial_release_date": released,
            "current_release_date": released,
            "revision_history": [{ "number": "1", "date": released, "summary": "Initial release." }],
            "generator": {
                "engine": { "name": "iotlabel", "version": env!("CARGO_PKG_VERSION") },
                "date": released,
            },
        },
    });
    if let Some(s) = severity {
        document["aggregate_severity"] = json!({ "text": s.as_str().to_uppercase() });
    }
    let mut versions: Vec<&String> = affected.iter().chain(fixed.iter()).collect();
    versions.dedup();
    Ok(sorted(json!({
        "document": document,
        "product_tree": {
            "branches": [{
                "category": "vendor",
                "name": report.manufacturer,
                "branches": [{
                    "category": "product_name",
                    "name": product_name,
                    "branches": versions.into_iter().map(branch).collect::<Vec<_>>(),
                }],
            }],
        },
        "vulnerabilities": [vulnerability],
    })))
}

/// The same JSON with every object's keys in alphabetical order, as CSAF's recommended test
/// 6.2.13 expects (whether or not serde_json keeps insertion order in this build).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn report_role(account: &Account) -> Result<ActorRole, RegistryError> {
    match account.role {
        Role::Manufacturer => Ok(ActorRole::Manufacturer),
        Role::Operator => Ok(ActorRole::Operator),
        Role::Assessor => Err(RegistryError::Forbidden(
            "assessors have no access to vulnerability reports".into(),
        )),
    }
}

fn actor_name(account: &Account) -> String {
    format!("{} ({})", account.organisation_name, account.name)
}

impl Registry {
    /// Anyone: submits a vulnerability report about a product in the registry (named by its
    /// product id or a label id). Every field problem is reported at once, by field name, and
    /// nothing is stored then. Returns the report's id and the reporter's follow-up token.
    pub async fn submit_report(
        &self,
        new: &NewReport,
        now: Timestamp,
    ) -> Result<ReportReceipt, RegistryError> {
        let mut checks = Checks::new("report");
        let title = checks.text("title", &new.title, 1, MAX_TITLE, false);
        let description = checks.text("description", &new.description, 1, MAX_TEXT, true);
        let affected_versions = checks.versions("affected_versions", &new.affected_versions);
        let contact = checks.text(
            "reporter_contact",
            &new.reporter_contact,
            3,
            MAX_CONTACT,
            false,
        );
        if let Err(e) = check_email(&contact) {
            checks.fail(
                "reporter_contact",
                format!("reporter_contact: {e}"),
                Some("an address the manufacturer can write to, e.g. researcher@example.org"),
            );
        }
        let reporter_name =
            checks.optional("reporter_name", new.reporter_name.as_deref(), 200, false);
        let cvss = match new
            .cvss_vector
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(v) => match parse_cvss(v) {
                Ok(c) => Some(c),
                Err(e) => {
                    checks.fail(
                        "cvss_vector",
                        e,
                        Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
                    );
                    None
                }
            },
            None => None,
        };
        let stated = match new
            .severity
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => match s.to_ascii_lowercase().parse::<Severity>() {
                Ok(s) => Some(s),
                Err(e) => {
                    checks.fail("severity", format!("severity: {e}"), None);
                    None
                }
            },
            None => None,
        };
        let (product_id, label_id) = self.reported_product(new, &mut checks).await?;
        checks.finish("report")?;
        let Some(product_id) = product_id else {
            return Err(RegistryError::invalid("the report names no product"));
        };
        let organisation_id = store::product_owner(&self.db.pool, &product_id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("product {product_id}")))?;
        let id = new_id("cvd");
        let token = new_token().replacen(TOKEN_PREFIX, REPORTER_TOKEN_PREFIX, 1);
        let at = now.as_second();
        let report = Report {
            id: id.clone(),
            organisation_id,
            manufacturer: String::new(),
            security_contact: None,
            product_id,
            brand: String::new(),
            model: String::new(),
            label_id,
            title,
            description,
            affected_versions,
            severity: cvss.as_ref().map(|c| c.severity).or(stated),
            cvss_vector: cvss.map(|c| c.vector),
            reporter_contact: contact,
            reporter_name: reporter_name.clone(),
            state: ReportState::Received,
            events: 0,
            received_at: at,
            acknowledged_at: None,
            exploited_since: None,
            early_warning_at: None,
            notification_at: None,
            fixed_at: None,
            fixed_versions: Vec::new(),
            final_report_at: None,
            resolution: None,
            duplicate_of: None,
            published_at: None,
            closed_at: None,
            updated_at: at,
        };
        let event = NewEvent {
            kind: EventKind::Received,
            actor: reporter_name.unwrap_or_else(|| "reporter".into()),
            actor_role: ActorRole::Reporter,
            text: None,
            at,
        };
        db::insert_report(&self.db.pool, &report, &token_hash(&token), &event).await?;
        Ok(ReportReceipt { id, token })
    }

    /// The product a report is about: from its label, its product id, or both when they agree.
    async fn reported_product(
        &self,
        new: &NewReport,
        checks: &mut Checks,
    ) -> Result<(Option<String>, Option<String>), RegistryError> {
        let field = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let (product, label) = (field(&new.product_id), field(&new.label_id));
        let mut from_label = None;
        let mut label_id = None;
        if let Some(l) = &label {
            // Label ids are typed from a sticker: accept lower case and the usual confusions.
            match l.parse::<iotlabel_label::LabelId>() {
                Ok(parsed) => match store::label(&self.db.pool, parsed.as_str()).await? {
                    Some(record) => {
                        from_label = Some(record.product_id);
                        label_id = Some(record.id);
                    }
                    None => checks.fail("label_id", format!("no label {l} in the registry"), None),
                },
                Err(e) => checks.fail("label_id", format!("`{l}` is not a label id: {e}"), None),
            }
        }
        let product_id = match (product, from_label) {
            (Some(p), Some(from)) if p != from => {
                checks.fail(
                    "product_id",
                    format!(
                        "label {} is for product {from}, not {p}",
                        label_id.as_deref().unwrap_or("")
                    ),
                    None,
                );
                None
            }
            (Some(p), _) => {
                if p.len() > 64 || store::product_owner(&self.db.pool, &p).await?.is_none() {
                    checks.fail(
                        "product_id",
                        format!(
                            "no product `{}` in the registry",
                            p.chars().take(64).collect::<String>()
                        ),
                        Some("the product id is on the label's registry page; or give label_id"),
                    );
                    None
                } else {
                    Some(p)
                }
            }
            (None, Some(from)) => Some(from),
            (None, None) => {
                if label.is_none() {
                    checks.fail(
                        "product_id",
                        "name the product (product_id) or its label (label_id)",
                        None,
                    );
                }
                None
            }
        };
        Ok((product_id, label_id))
    }

    /// A report and its timeline, for its reporter (by token), the owning manufacturer or the
    /// operator. Anyone else is told it does not exist, so that report ids reveal nothing.
    pub async fn report(
        &self,
        viewer: Viewer<'_>,
        id: &str,
    ) -> Result<(Report, Vec<TimelineEvent>), RegistryError> {
        let report = self.readable_report(viewer, id).await?;
        let timeline = db::timeline(&self.db.pool, &report.id).await?;
        Ok((report, timeline))
    }

    async fn readable_report(&self, viewer: Viewer<'_>, id: &str) -> Result<Report, RegistryError> {
        let missing = || RegistryError::NotFound(format!("report {id}"));
        let report = match viewer {
            Viewer::Reporter(token) => {
                db::report_by_token(&self.db.pool, id, &token_hash(token)).await?
            }
            Viewer::Account(account) => {
                let role = report_role(account)?;
                db::report(&self.db.pool, id).await?.filter(|r| {
                    role == ActorRole::Operator || r.organisation_id == account.organisation_id
                })
            }
        };
        report.ok_or_else(missing)
    }

    /// Manufacturer: the reports about its organisation's products (its inbox); operator: every
    /// report. Newest first. With `overdue`, only reports whose CRA obligations are overdue.
    pub async fn reports(
        &self,
        actor: &Account,
        filter: &ReportFilter,
        now: Timestamp,
    ) -> Result<Vec<Report>, RegistryError> {
        let role = report_role(actor)?;
        let organisation =
            (role == ActorRole::Manufacturer).then_some(actor.organisation_id.as_str());
        let limit = filter.limit.clamp(1, 500);
        if !filter.overdue {
            return db::reports(
                &self.db.pool,
                organisation,
                filter.state,
                false,
                limit,
                filter.offset,
            )
            .await;
        }
        // The overdue rule lives in `Report::clocks`; SQL only narrows to exploited, open items.
        let candidates =
            db::reports(&self.db.pool, organisation, filter.state, true, u32::MAX, 0).await?;
        Ok(candidates
            .into_iter()
            .filter(|r| r.clocks(now).overdue)
            .skip(filter.offset as usize)
            .take(limit as usize)
            .collect())
    }

    /// Manufacturer (its own reports): records an action. The operator may only mark a
    /// report actively exploited. `note` is kept on the timeline; rejecting needs one.
    pub async fn act_on_report(
        &self,
        actor: &Account,
        id: &str,
        action: &ReportAction,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<Report, RegistryError> {
        let role = report_role(actor)?;
        if role == ActorRole::Operator && *action != ReportAction::MarkExploited {
            return Err(RegistryError::Forbidden(
                "the manufacturer records its own handling of a report; the operator may mark it actively exploited".into(),
            ));
        }
        let report = self.readable_report(Viewer::Account(actor), id).await?;
        let mut checks = Checks::new("action");
        let note = checks.optional("note", note, MAX_TEXT, true);
        let action = match action {
            ReportAction::Fixed {
                fixed_versions,
                affected_versions,
            } => {
                let fixed = checks.versions("fixed_versions", fixed_versions);
                if fixed.is_empty() && checks.problems.is_empty() {
                    checks.fail("fixed_versions", "name the version(s) with the fix", None);
                }
                ReportAction::Fixed {
                    fixed_versions: fixed,
                    affected_versions: affected_versions
                        .as_ref()
                        .map(|a| checks.versions("affected_versions", a)),
                }
            }
            ReportAction::Reject {
                resolution,
                duplicate_of,
            } => {
                if note.is_none() {
                    checks.fail("note", "say why the report is rejected", None);
                }
                let duplicate_of = duplicate_of
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty());
                match (resolution, duplicate_of) {
                    (Resolution::Duplicate, None) => {
                        checks.fail("duplicate_of", "name the report this one duplicates", None)
                    }
                    (Resolution::Duplicate, Some(d)) => {
                        let original = db::report(&self.db.pool, d).await?;
                        if d == report.id
                            || original.is_none_or(|o| o.organisation_id != report.organisation_id)
                        {
                            checks.fail(
                                "duplicate_of",
                                format!("no other report {d} about this manufacturer's products"),
                                None,
                            );
                        }
                    }
                    (Resolution::NotAVulnerability, Some(_)) => checks.fail(
                        "duplicate_of",
                        "only a duplicate names another report",
                        None,
                    ),
                    (Resolution::NotAVulnerability, None) => {}
                }
                ReportAction::Reject {
                    resolution: *resolution,
                    duplicate_of: duplicate_of.map(str::to_owned),
                }
            }
            other => other.clone(),
        };
        checks.finish("action")?;
        let (change, kind) = plan(&report, &action, now.as_second())?;
        let event = NewEvent {
            kind,
            actor: actor_name(actor),
            actor_role: role,
            text: note,
            at: now.as_second(),
        };
        db::apply(&self.db.pool, &report, &change.0, &event, None).await?;
        self.readable_report(Viewer::Account(actor), id).await
    }

    /// The reporter, the owning manufacturer or the operator adds a message to a report's
    /// timeline (the manufacturer's updates to the reporter, the reporter's follow-ups).
    pub async fn add_report_message(
        &self,
        viewer: Viewer<'_>,
        id: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<TimelineEvent, RegistryError> {
        let report = self.readable_report(viewer, id).await?;
        let mut checks = Checks::new("message");
        let text = checks.text("text", text, 1, MAX_TEXT, true);
        checks.finish("message")?;
        if report.events >= MAX_EVENTS {
            return Err(RegistryError::Conflict(format!(
                "report {id} has {MAX_EVENTS} timeline entries, the most it can hold"
            )));
        }
        let (actor, actor_role) = match viewer {
            Viewer::Reporter(_) => (
                report
                    .reporter_name
                    .clone()
                    .unwrap_or_else(|| "reporter".into()),
                ActorRole::Reporter,
            ),
            Viewer::Account(a) => (actor_name(a), report_role(a)?),
        };
        let event = NewEvent {
            kind: EventKind::Message,
            actor,
            actor_role,
            text: Some(text),
            at: now.as_second(),
        };
        db::apply(&self.db.pool, &report, &Change::default(), &event, None).await?;
        Ok(TimelineEvent {
            seq: report.events + 1,
            kind: event.kind,
            actor: event.actor,
            actor_role: event.actor_role,
            text: event.text,
            at: event.at,
        })
    }

    /// Manufacturer (its own) or operator: publishes the CSAF advisory of a fixed report. The
    /// document is generated once, stored as served, and public from then on.
    pub async fn publish_advisory(
        &self,
        actor: &Account,
        id: &str,
        publication: &Publication,
        now: Timestamp,
    ) -> Result<Advisory, RegistryError> {
        let role = report_role(actor)?;
        let report = self.readable_report(Viewer::Account(actor), id).await?;
        if report.state != ReportState::Fixed {
            return Err(RegistryError::Conflict(format!(
                "report {id} is {}; an advisory is published for a fixed report, once",
                report.state
            )));
        }
        let at = now.as_second();
        let document = csaf_document(&report, publication, &self.config.public_url, at)?;
        let bytes = serde_json::to_vec_pretty(&document)
            .map_err(|e| RegistryError::Config(e.to_string()))?;
        let advisory = Advisory {
            id: report.id.clone(),
            url: advisory_url(&self.config.public_url, &report.id),
            sha256: hex::encode(Sha256::digest(&bytes)),
            document: bytes,
        };
        let change = Change {
            state: Some(ReportState::Published),
            published_at: Some(at),
            ..Change::default()
        };
        let event = NewEvent {
            kind: EventKind::Published,
            actor: actor_name(actor),
            actor_role: role,
            text: Some(advisory.url.clone()),
            at,
        };
        db::apply(&self.db.pool, &report, &change, &event, Some(&advisory)).await?;
        Ok(advisory)
    }

    /// Anyone: a published advisory's CSAF document by its tracking id.
    pub async fn advisory(&self, id: &str) -> Result<Vec<u8>, RegistryError> {
        db::advisory(&self.db.pool, id)
            .await?
            .ok_or_else(|| RegistryError::NotFound(format!("advisory {id}")))
    }

    /// Manufacturer (its own organisation) or operator: sets (or, with `None`, clears) an
    /// organisation's security contact, shown with every report about its products.
    pub async fn set_security_contact(
        &self,
        actor: &Account,
        organisation_id: &str,
        contact: Option<&str>,
    ) -> Result<Option<String>, RegistryError> {
        match actor.role {
            Role::Operator => {}
            Role::Manufacturer if actor.organisation_id == organisation_id => {}
            _ => {
                return Err(RegistryError::Forbidden(
                    "an organisation's security contact is set by the organisation or the operator"
                        .into(),
                ));
            }
        }
        let mut checks = Checks::new("organisation");
        let contact = checks.optional("security_contact", contact, MAX_CONTACT, false);
        checks.finish("security contact")?;
        if !db::set_security_contact(&self.db.pool, organisation_id, contact.as_deref()).await? {
            return Err(RegistryError::NotFound(format!(
                "organisation {organisation_id}"
            )));
        }
        Ok(contact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            id: "cvd_0123456789abcdef01234567".into(),
            organisation_id: "org_1".into(),
            manufacturer: "Acme Devices Ltd".into(),
            security_contact: Some("security@acme.example".into()),
            product_id: "prd_1".into(),
            brand: "Acme".into(),
            model: "PowerPlug".into(),
            label_id: None,
            title: "Unauthenticated relay control".into(),
            description: "POST /relay switches without a session.".into(),
            affected_versions: vec!["1.8.3".into()],
            cvss_vector: None,
            severity: None,
            reporter_contact: "r@example.org".into(),
            reporter_name: None,
            state: ReportState::Received,
            events: 1,
            received_at: 1_000_000,
            acknowledged_at: None,
            exploited_since: None,
            early_warning_at: None,
            notification_at: None,
            fixed_at: None,
            fixed_versions: Vec::new(),
            final_report_at: None,
            resolution: None,
            duplicate_of: None,
            published_at: None,
            closed_at: None,
            updated_at: 1_000_000,
        }
    }

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn cvss_base_scores_match_the_specification_examples() {
        for (vector, score, severity) in [
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                9.8,
                Severity::Critical,
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
                6.1,
                Severity::Medium,
            ),
            (
                "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
                7.8,
                Severity::High,
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
                9.9,
                Severity::Critical,
            ),
            (
                "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
                5.9,
                Severity::Medium,
            ),
            (
                "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N",
                0.0,
                Severity::None,
            ),
            (
                "CVSS:3.1/AV:A/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
                1.8,
                Severity::Low,
            ),
        ] {
            let c = parse_cvss(vector).unwrap_or_else(|e| unreachable!("{vector}: {e}"));
            assert_eq!((c.base_score, c.severity), (score, severity), "{vector}");
            assert_eq!(c.vector, vector);
        }
        let reordered = parse_cvss("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H");
        assert_eq!(
            reordered.map(|c| c.vector).ok().as_deref(),
            Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        );
        for bad in [
            "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P",
        ] {
            assert!(parse_cvss(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_state_machine_allows_only_its_transitions() {
        use ReportState::*;
        let all = [
            Received,
            Acknowledged,
            Triaged,
            Fixed,
            Published,
            Closed,
            Rejected,
        ];
        let allowed: Vec<(ReportState, ReportState)> = all
            .iter()
            .flat_map(|a| all.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| a.can_become(*b))
            .collect();
        assert_eq!(
            allowed,
            [
                (Received, Acknowledged),
                (Received, Rejected),
                (Acknowledged, Triaged),
                (Acknowledged, Fixed),
                (Acknowledged, Rejected),
                (Triaged, Fixed),
                (Triaged, Rejected),
                (Fixed, Published),
                (Fixed, Closed),
                (Published, Closed),
            ]
        );
        let r = report();
        assert_eq!(
            plan(&r, &ReportAction::Close, 0)
                .map_err(|e| e.status())
                .err(),
            Some(409)
        );
        assert!(
            plan(&r, &ReportAction::FinalReportSent, 0).is_err(),
            "no fix yet"
        );
        let (change, kind) =
            plan(&r, &ReportAction::Acknowledge, 5).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            (change.state(), kind),
            (Some(Acknowledged), EventKind::Acknowledged)
        );
    }

    #[test]
    fn clocks_bind_only_once_actively_exploited_and_count_from_awareness() {
        let mut r = report();
        let day = 86_400;
        let late = r.clocks(at(r.received_at + 4 * day));
        assert!(late.early_warning.past_due && late.notification.past_due);
        assert!(
            !late.overdue,
            "not actively exploited: tracked, not a lapse"
        );
        // Marked exploited on day five: 24 h from then.
        r.exploited_since = Some(r.received_at + 5 * day);
        let c = r.clocks(at(r.received_at + 5 * day + 3600));
        assert_eq!(c.early_warning.due, r.received_at + 6 * day);
        assert!(!c.overdue);
        let c = r.clocks(at(r.received_at + 6 * day + 1));
        assert!(c.overdue && c.early_warning.past_due && !c.notification.past_due);
        r.early_warning_at = Some(r.received_at + 5 * day + 7200);
        let c = r.clocks(at(r.received_at + 8 * day + 1));
        assert!(c.overdue && c.notification.past_due && !c.early_warning.past_due);
        r.notification_at = Some(r.received_at + 7 * day);
        r.fixed_at = Some(r.received_at + 10 * day);
        let c = r.clocks(at(r.received_at + 24 * day));
        assert!(!c.overdue, "the final report is due 14 days after the fix");
        let c = r.clocks(at(r.received_at + 24 * day + 1));
        assert!(c.overdue && c.final_report.is_some_and(|f| f.past_due));
        r.state = ReportState::Rejected;
        assert!(
            !r.clocks(at(r.received_at + 30 * day)).overdue,
            "nothing is owed for a rejected report"
        );
    }

    #[test]
    fn versions_are_single_versions_and_contacts_addresses() {
        assert!(check_version("1.8.3").is_ok());
        assert!(check_version("2.0.0-rc.1+build.5").is_ok());
        for bad in ["", "<= 1.8.3", "all", "prior to 2", "1.0 beta", "-1"] {
            assert!(check_version(bad).is_err(), "{bad}");
        }
        assert!(check_email("researcher@example.org").is_ok());
        for bad in [
            "nobody",
            "@example.org",
            "a@b",
            "a b@example.org",
            "a@example.",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert_eq!(advisory_file("cvd_AB.c"), "cvd_ab_c.json");
    }
}
