//! Aggregates across the whole registry for the evidence dashboard: labels by level, status,
//! profile and support period, which provisions fail or are declared "no" most, vulnerabilities
//! and the time to remediate them, their weakness classes (CWE), and how disclosure clocks were
//! met. Every aggregate is a `GROUP BY` over compact tables and covering indexes (migrations 0005, 0006) rather than a
//! parse of stored documents, so a registry of 100,000 labels answers in well under a second.
//!
//! Only counts leave this module: coordinated-disclosure reports are confidential, and the
//! dashboard shows how many clocks were met or missed, never which report.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use iotlabel_assess::Verdict;
use iotlabel_match::Finding;
use iotlabel_vuln::{KevCatalog, Vulnerability, normalise_cwe};
use jiff::Timestamp;
use serde::Deserialize;
use sqlx::{Any, AnyPool, AssertSqlSafe, Transaction};

use crate::error::RegistryError;
use crate::log::Append;
use crate::registry::Registry;
use crate::store::{Write, get_i64, get_str};

/// The `kind` of the one fact every assessment has.
pub const ASSESSED: &str = "assessed";
/// The `kind` of a profile an assessment was made against.
pub const PROFILE: &str = "profile";
/// The `kind` of a provision whose claim was "no".
pub const DECLARED_NO: &str = "declared-no";

/// The facts of one assessment (see migration 0005), written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsWrite {
    /// The assessment.
    pub assessment_id: String,
    /// `(kind, subject)` pairs.
    pub facts: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct ResultView {
    #[serde(default)]
    profiles: Vec<String>,
    #[serde(default)]
    provisions: Vec<ProvisionView>,
}

#[derive(Deserialize)]
struct ProvisionView {
    id: String,
    verdict: Verdict,
    #[serde(default)]
    claim: Option<ClaimView>,
}

#[derive(Deserialize)]
struct ClaimView {
    support: String,
}

/// The facts of an assessment, from its stored result (the JSON of an `AssessmentResult`).
pub fn facts_from_result(assessment_id: &str, result_json: &[u8]) -> Result<FactsWrite, String> {
    let view: ResultView = serde_json::from_slice(result_json).map_err(|e| e.to_string())?;
    let mut facts: BTreeSet<(String, String)> = BTreeSet::new();
    facts.insert((ASSESSED.to_owned(), String::new()));
    for p in view.profiles {
        facts.insert((PROFILE.to_owned(), p));
    }
    for p in view.provisions {
        if matches!(
            p.verdict,
            Verdict::Fail | Verdict::Unverified | Verdict::Inconclusive
        ) {
            facts.insert((p.verdict.as_str().to_owned(), p.id.clone()));
        }
        if p.claim.is_some_and(|c| c.support == "no") {
            facts.insert((DECLARED_NO.to_owned(), p.id));
        }
    }
    Ok(FactsWrite {
        assessment_id: assessment_id.to_owned(),
        facts: facts.into_iter().collect(),
    })
}

/// Applies a facts write inside the sequencer's transaction.
pub(crate) async fn apply(
    tx: &mut Transaction<'_, Any>,
    write: &FactsWrite,
) -> Result<(), RegistryError> {
    // An assessment's facts are written once; counts must not grow on a repeat.
    let known = sqlx::query("SELECT 1 AS one FROM assessment_facts WHERE assessment_id = $1")
        .bind(&write.assessment_id)
        .fetch_optional(&mut **tx)
        .await?;
    if known.is_some() {
        return Ok(());
    }
    // Several rows per statement: a bulk load of many assessments stays fast.
    for chunk in write.facts.chunks(100) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO assessment_facts (assessment_id, kind, subject) VALUES {} ON CONFLICT (assessment_id, kind, subject) DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (kind, subject) in chunk {
            q = q.bind(&write.assessment_id).bind(kind).bind(subject);
        }
        q.execute(&mut **tx).await?;
    }
    for (kind, subject) in &write.facts {
        sqlx::query(
            "INSERT INTO fact_counts (kind, subject, n) VALUES ($1, $2, 1) \
             ON CONFLICT (kind, subject) DO UPDATE SET n = fact_counts.n + 1",
        )
        .bind(kind)
        .bind(subject)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Derives the facts of assessments stored before migration 0005 (or whose facts are missing),
/// through the log's sequencer like every other write. Returns how many were filled in.
pub(crate) async fn backfill_facts(registry: &Registry) -> Result<usize, RegistryError> {
    let mut done = 0;
    loop {
        let rows = sqlx::query(
            "SELECT a.id AS id, b.data AS data FROM assessments a JOIN blobs b ON b.sha256 = a.result_sha256 \
             WHERE NOT EXISTS (SELECT 1 FROM assessment_facts f WHERE f.assessment_id = a.id) ORDER BY a.id LIMIT 500",
        )
        .fetch_all(&registry.db.pool)
        .await?;
        if rows.is_empty() {
            return Ok(done);
        }
        let mut writes = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = get_str(row, "id")?;
            let data: Vec<u8> = sqlx::Row::try_get(row, "data")?;
            let facts = facts_from_result(&id, &data).unwrap_or_else(|e| {
                // Counted as assessed, so that it is not read again at every start.
                tracing::warn!(assessment = %id, error = %e, "stored assessment result unreadable for the dashboard");
                FactsWrite {
                    assessment_id: id.clone(),
                    facts: vec![(ASSESSED.to_owned(), String::new())],
                }
            });
            writes.push(Write::Facts(facts));
        }
        done += writes.len();
        registry
            .log
            .append(Append {
                entries: Vec::new(),
                writes,
            })
            .await?;
    }
}

/// The weakness classes (CWE ids) of vulnerabilities, by any of their ids (advisory records'
/// ids and aliases) and from the KEV catalogue, kept by the monitor next to its matcher.
#[derive(Debug, Default)]
pub struct CweIndex {
    by_id: HashMap<String, BTreeSet<String>>,
    kev: HashMap<String, Vec<String>>,
}

impl CweIndex {
    /// Adds the CWE ids of advisory records (a later version of a record adds to, never
    /// removes from, what an id is known to be).
    pub fn add_records(&mut self, records: &[Vulnerability]) {
        for r in records.iter().filter(|r| !r.cwes.is_empty()) {
            for id in r.identifiers() {
                self.by_id
                    .entry(id.trim().to_ascii_uppercase())
                    .or_default()
                    .extend(r.cwes.iter().cloned());
            }
        }
    }

    /// Replaces the CWE ids known from the KEV catalogue.
    pub fn set_kev(&mut self, kev: &KevCatalog) {
        self.kev = kev
            .entries
            .iter()
            .filter_map(|e| {
                let cwes: Vec<String> = e.cwes.iter().filter_map(|c| normalise_cwe(c)).collect();
                (!cwes.is_empty()).then(|| (e.cve_id.trim().to_ascii_uppercase(), cwes))
            })
            .collect();
    }

    /// The CWE ids of a finding, sorted.
    pub fn of(&self, finding: &Finding) -> Vec<String> {
        let mut out = BTreeSet::new();
        let ids = std::iter::once(&finding.vulnerability)
            .chain(&finding.aliases)
            .map(|id| id.trim().to_ascii_uppercase());
        for id in ids {
            if let Some(cwes) = self.by_id.get(&id) {
                out.extend(cwes.iter().cloned());
            }
            if let Some(cwes) = self.kev.get(&id) {
                out.extend(cwes.iter().cloned());
            }
        }
        out.into_iter().collect()
    }
}

/// A count by one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count<K> {
    /// The key.
    pub key: K,
    /// How many.
    pub n: u64,
}

/// Labels by level and status (`expired` for a live label past its expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelStatus {
    /// Level.
    pub level: u8,
    /// Effective status.
    pub status: String,
    /// Labels.
    pub n: u64,
}

/// Something that happened on a day (days since the epoch, UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Daily {
    /// Day number (seconds / 86,400).
    pub day: i64,
    /// What: a level, a status, a finding kind.
    pub what: String,
    /// How many.
    pub n: u64,
}

/// A duration in days and whether it is about known-exploited vulnerabilities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Age {
    /// Whole days.
    pub days: i64,
    /// Known exploited (KEV).
    pub exploited: bool,
    /// How many findings.
    pub n: u64,
}

/// Findings in numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingTotals {
    /// Product versions with a registered SBOM (watched).
    pub monitored: u64,
    /// Findings that still count against their product.
    pub open: u64,
    /// Of those, known exploited.
    pub open_exploited: u64,
    /// Product versions with an open finding.
    pub products_open: u64,
    /// Product versions with an open known-exploited finding.
    pub products_exploited: u64,
    /// Findings no longer open (resolutions recorded).
    pub resolved: u64,
}

/// One weakness class in labelled products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CweCount {
    /// CWE id.
    pub cwe: String,
    /// Product versions with a finding of this class (not justified as not affecting them).
    pub products: u64,
    /// Such findings.
    pub findings: u64,
}

/// How one disclosure obligation's clocks went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockTally {
    /// Done by the deadline.
    pub on_time: u64,
    /// Done after it.
    pub late: u64,
    /// Not done and past due.
    pub overdue: u64,
    /// Not done, not yet due.
    pub running: u64,
}

/// The disclosure clocks of reports (rejected ones owe nothing and are left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisclosureTotals {
    /// Reports received.
    pub reports: u64,
    /// Reports rejected (not a vulnerability, duplicate).
    pub rejected: u64,
    /// Reports marked actively exploited (where CRA Art. 14 binds).
    pub exploited: u64,
    /// Early warning (24 h), notification (72 h), final report (14 days after the fix), over
    /// reports marked actively exploited.
    pub exploited_clocks: [ClockTally; 3],
    /// The same over every report that is not rejected.
    pub all_clocks: [ClockTally; 3],
}

/// Everything the dashboard counts, at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregates {
    /// The instant (seconds) the counts are for.
    pub at: i64,
    /// Every label by level and effective status.
    pub levels: Vec<LevelStatus>,
    /// Labels issued, by day and level.
    pub issued: Vec<Daily>,
    /// Status changes after issuance, by day and new status (`reinstated` for a return to
    /// active).
    pub status_changes: Vec<Daily>,
    /// Labels in force (active or suspended, not expired) by the year their support ends.
    pub support_years: Vec<Count<String>>,
    /// Facts over labels that are not superseded: `(kind, subject)` counts.
    pub facts: Vec<Count<(String, String)>>,
    /// Findings.
    pub findings: FindingTotals,
    /// Findings first seen, by day (`found` or `found-exploited`).
    pub found: Vec<Daily>,
    /// Findings resolved, by day (`resolved` or `resolved-exploited`).
    pub resolved: Vec<Daily>,
    /// Days from first seen to resolution.
    pub remediation: Vec<Age>,
    /// Days open so far, of open findings.
    pub open_ages: Vec<Age>,
    /// Weakness classes.
    pub cwes: Vec<CweCount>,
    /// Disclosure clocks.
    pub disclosure: DisclosureTotals,
}

fn count(row: &sqlx::any::AnyRow) -> Result<u64, RegistryError> {
    Ok(u64::try_from(get_i64(row, "n")?).unwrap_or(0))
}

fn daily(rows: &[sqlx::any::AnyRow]) -> Result<Vec<Daily>, RegistryError> {
    rows.iter()
        .map(|r| {
            Ok(Daily {
                day: get_i64(r, "d")?,
                what: get_str(r, "w")?,
                n: count(r)?,
            })
        })
        .collect()
}

fn ages(rows: &[sqlx::any::AnyRow]) -> Result<Vec<Age>, RegistryError> {
    rows.iter()
        .map(|r| {
            Ok(Age {
                days: get_i64(r, "days")?.max(0),
                exploited: get_i64(r, "x")? != 0,
                n: count(r)?,
            })
        })
        .collect()
}

/// Every aggregate at `now`.
pub async fn aggregates(pool: &AnyPool, now: Timestamp) -> Result<Aggregates, RegistryError> {
    let at = now.as_second();
    let effective = "CASE WHEN status IN ('active', 'suspended') AND expires_at <= $1 THEN 'expired' ELSE status END";

    let sql = format!(
        "SELECT level, {effective} AS s, COUNT(*) AS n FROM labels GROUP BY level, s ORDER BY level, s"
    );
    let levels = sqlx::query(AssertSqlSafe(sql))
        .bind(at)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(LevelStatus {
                level: u8::try_from(get_i64(r, "level")?).unwrap_or(0),
                status: get_str(r, "s")?,
                n: count(r)?,
            })
        })
        .collect::<Result<_, RegistryError>>()?;

    let issued = daily(
        &sqlx::query(
            "SELECT issued_at / 86400 AS d, CAST(level AS TEXT) AS w, COUNT(*) AS n FROM labels GROUP BY d, w ORDER BY d, w",
        )
        .fetch_all(pool)
        .await?,
    )?;
    let status_changes = daily(
        &sqlx::query(
            "SELECT at / 86400 AS d, CASE WHEN to_status = 'active' THEN 'reinstated' ELSE to_status END AS w, COUNT(*) AS n \
             FROM status_events WHERE from_status IS NOT NULL GROUP BY d, w ORDER BY d, w",
        )
        .fetch_all(pool)
        .await?,
    )?;
    // The condition is counted rather than filtered on, so that the covering index is read
    // instead of the wide label rows (migration 0006).
    let support_years = sqlx::query(
        "SELECT SUBSTR(support_end, 1, 4) AS y, \
         COUNT(CASE WHEN status IN ('active', 'suspended') AND expires_at > $1 THEN 1 END) AS n \
         FROM labels GROUP BY y ORDER BY y",
    )
    .bind(at)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Count {
            key: get_str(r, "y")?,
            n: count(r)?,
        })
    })
    .filter(|c| !matches!(c, Ok(c) if c.n == 0))
    .collect::<Result<_, RegistryError>>()?;
    // Every assessment belongs to one label. The counts over all assessments are kept as
    // facts are written; the few superseded labels' facts are then taken off, which is far
    // cheaper than joining every fact to its label.
    let mut facts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in sqlx::query("SELECT kind, subject, n FROM fact_counts")
        .fetch_all(pool)
        .await?
    {
        facts.insert((get_str(&r, "kind")?, get_str(&r, "subject")?), count(&r)?);
    }
    for r in sqlx::query(
        "SELECT f.kind AS kind, f.subject AS subject, COUNT(*) AS n FROM labels l \
         JOIN assessment_facts f ON f.assessment_id = l.assessment_id \
         WHERE l.status = 'superseded' GROUP BY f.kind, f.subject",
    )
    .fetch_all(pool)
    .await?
    {
        if let Some(n) = facts.get_mut(&(get_str(&r, "kind")?, get_str(&r, "subject")?)) {
            *n = n.saturating_sub(count(&r)?);
        }
    }
    let facts = facts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(key, n)| Count { key, n })
        .collect();

    let totals = sqlx::query(
        "SELECT COUNT(CASE WHEN open = 1 THEN 1 END) AS open, \
         COUNT(CASE WHEN open = 1 AND exploited_cve IS NOT NULL THEN 1 END) AS open_exploited, \
         COUNT(DISTINCT CASE WHEN open = 1 THEN product_version_id END) AS products_open, \
         COUNT(DISTINCT CASE WHEN open = 1 AND exploited_cve IS NOT NULL THEN product_version_id END) AS products_exploited \
         FROM findings",
    )
    .fetch_one(pool)
    .await?;
    let n = |col: &str| -> Result<u64, RegistryError> {
        Ok(u64::try_from(get_i64(&totals, col)?).unwrap_or(0))
    };
    let monitored = sqlx::query("SELECT COUNT(*) AS n FROM sboms")
        .fetch_one(pool)
        .await?;
    let resolved_total = sqlx::query("SELECT COUNT(*) AS n FROM finding_resolutions")
        .fetch_one(pool)
        .await?;
    let findings = FindingTotals {
        monitored: count(&monitored)?,
        open: n("open")?,
        open_exploited: n("open_exploited")?,
        products_open: n("products_open")?,
        products_exploited: n("products_exploited")?,
        resolved: count(&resolved_total)?,
    };
    // Found: every finding stored, plus those that are gone (kept only as resolutions).
    let mut found = daily(
        &sqlx::query(
            "SELECT first_seen / 86400 AS d, CASE WHEN exploited_cve IS NULL THEN 'found' ELSE 'found-exploited' END AS w, COUNT(*) AS n \
             FROM findings GROUP BY d, w",
        )
        .fetch_all(pool)
        .await?,
    )?;
    found.extend(daily(
        &sqlx::query(
            "SELECT first_seen / 86400 AS d, CASE WHEN exploited = 0 THEN 'found' ELSE 'found-exploited' END AS w, COUNT(*) AS n \
             FROM finding_resolutions WHERE how = 'gone' GROUP BY d, w",
        )
        .fetch_all(pool)
        .await?,
    )?);
    let resolved = daily(
        &sqlx::query(
            "SELECT resolved_at / 86400 AS d, CASE WHEN exploited = 0 THEN 'resolved' ELSE 'resolved-exploited' END AS w, COUNT(*) AS n \
             FROM finding_resolutions GROUP BY d, w ORDER BY d, w",
        )
        .fetch_all(pool)
        .await?,
    )?;
    let remediation = ages(
        &sqlx::query(
            "SELECT (resolved_at - first_seen) / 86400 AS days, exploited AS x, COUNT(*) AS n \
             FROM finding_resolutions GROUP BY days, x",
        )
        .fetch_all(pool)
        .await?,
    )?;
    let open_ages = ages(
        &sqlx::query(
            "SELECT ($1 - first_seen) / 86400 AS days, CASE WHEN exploited_cve IS NULL THEN 0 ELSE 1 END AS x, COUNT(*) AS n \
             FROM findings WHERE open = 1 GROUP BY days, x",
        )
        .bind(at)
        .fetch_all(pool)
        .await?,
    )?;

    let mut by_cwe: HashMap<String, (u64, HashSet<String>)> = HashMap::new();
    for r in sqlx::query(
        "SELECT cwes, product_version_id AS pv, COUNT(*) AS n FROM findings \
         WHERE cwes <> '' AND status <> 'not_affected' GROUP BY cwes, product_version_id",
    )
    .fetch_all(pool)
    .await?
    {
        let pv = get_str(&r, "pv")?;
        let n = count(&r)?;
        for cwe in get_str(&r, "cwes")?.split_whitespace() {
            let e = by_cwe.entry(cwe.to_owned()).or_default();
            e.0 += n;
            e.1.insert(pv.clone());
        }
    }
    let mut cwes: Vec<CweCount> = by_cwe
        .into_iter()
        .map(|(cwe, (findings, products))| CweCount {
            cwe,
            products: products.len() as u64,
            findings,
        })
        .collect();
    cwes.sort_by(|a, b| {
        b.products
            .cmp(&a.products)
            .then(b.findings.cmp(&a.findings))
            .then(a.cwe.cmp(&b.cwe))
    });

    Ok(Aggregates {
        at,
        levels,
        issued,
        status_changes,
        support_years,
        facts,
        findings,
        found,
        resolved,
        remediation,
        open_ages,
        cwes,
        disclosure: disclosure(pool, now).await?,
    })
}

/// How the CRA clocks of disclosure reports went, in counts only.
async fn disclosure(pool: &AnyPool, now: Timestamp) -> Result<DisclosureTotals, RegistryError> {
    use crate::disclosure::{Clock, ReportState};
    let reports = crate::disclosure_store::reports(pool, None, None, false, 1_000_000, 0).await?;
    let at = now.as_second();
    let mut t = DisclosureTotals {
        reports: reports.len() as u64,
        ..DisclosureTotals::default()
    };
    let tally = |tally: &mut ClockTally, c: &Clock| match c.done_at {
        Some(done) if done <= c.due => tally.on_time += 1,
        Some(_) => tally.late += 1,
        None if at > c.due => tally.overdue += 1,
        None => tally.running += 1,
    };
    for r in &reports {
        if r.state == ReportState::Rejected {
            t.rejected += 1;
            continue;
        }
        let clocks = r.clocks(now);
        let each = [
            Some(clocks.early_warning),
            Some(clocks.notification),
            clocks.final_report,
        ];
        for (i, c) in each.iter().enumerate() {
            let Some(c) = c else { continue };
            tally(&mut t.all_clocks[i], c);
            if clocks.actively_exploited {
                tally(&mut t.exploited_clocks[i], c);
            }
        }
        if clocks.actively_exploited {
            t.exploited += 1;
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_come_from_the_stored_result() {
        let json = br#"{"profiles":["consumer-baseline"],"provisions":[
            {"id":"etsi-en-303-645@2.1.1:5.1-1","verdict":"pass","claim":{"support":"yes","declared_in":"product"}},
            {"id":"etsi-en-303-645@2.1.1:5.2-1","verdict":"fail","claim":{"support":"no","declared_in":"product"}},
            {"id":"etsi-en-303-645@2.1.1:5.3-3","verdict":"inconclusive"}]}"#;
        let f = facts_from_result("asm_1", json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            f.facts,
            vec![
                ("assessed".to_owned(), String::new()),
                (
                    "declared-no".to_owned(),
                    "etsi-en-303-645@2.1.1:5.2-1".to_owned()
                ),
                ("fail".to_owned(), "etsi-en-303-645@2.1.1:5.2-1".to_owned()),
                (
                    "inconclusive".to_owned(),
                    "etsi-en-303-645@2.1.1:5.3-3".to_owned()
                ),
                ("profile".to_owned(), "consumer-baseline".to_owned()),
            ]
        );
        assert!(facts_from_result("asm_2", b"not json").is_err());
    }
}
