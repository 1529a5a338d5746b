//! The dashboard's charts as data: each a table of categories (rows) by series (columns) in the
//! page's language, built from the registry's aggregates. The same table is drawn as SVG, shown
//! as an HTML table, and served as CSV and JSON, so the three can never disagree.

use std::collections::{BTreeMap, HashMap};

use iotlabel_catalog::{Catalog, ProvisionId};
use iotlabel_registry::stats::{Age, Aggregates, ClockTally, DECLARED_NO, Daily, PROFILE};
use serde_json::{Map, Value, json};

use crate::format::csv_line;
use crate::i18n::{Lang, Tr};

/// How a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Vertical columns, series stacked (or side by side).
    Columns {
        /// Stacked rather than side by side.
        stacked: bool,
    },
    /// Horizontal bars, series stacked: for long category names.
    Bars,
    /// Lines over time.
    Lines,
}

/// One series (a column of the table).
#[derive(Debug, Clone)]
pub struct Series {
    /// Stable key (CSV header, JSON key).
    pub key: String,
    /// Name in the page's language.
    pub name: String,
}

/// One category (a row of the table).
#[derive(Debug, Clone)]
pub struct Row {
    /// Stable key.
    pub key: String,
    /// Name in the page's language.
    pub label: String,
    /// One value per series.
    pub values: Vec<u64>,
    /// Extra text columns (see [`Chart::extra`]).
    pub extra: Vec<String>,
}

/// One chart with its data.
#[derive(Debug, Clone)]
pub struct Chart {
    /// URL slug: `/dashboard/data/<id>.csv`.
    pub id: &'static str,
    /// How it is drawn.
    pub kind: Kind,
    /// Heading.
    pub title: String,
    /// What it shows and how it is counted.
    pub caption: String,
    /// Stable name of the category key (CSV header).
    pub key_name: &'static str,
    /// Header of the category column in the page's language.
    pub category: String,
    /// What the values count (the value axis).
    pub unit: String,
    /// Series.
    pub series: Vec<Series>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Extra text columns: (stable key, header).
    pub extra: Vec<(&'static str, String)>,
}

impl Chart {
    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(|r| r.values.iter().all(|v| *v == 0))
    }

    /// The data as CSV (RFC 4180; stable keys in the header, then the row's name in the page's
    /// language).
    pub fn csv(&self) -> String {
        let mut header = vec![self.key_name.to_owned(), "label".to_owned()];
        header.extend(self.series.iter().map(|s| s.key.clone()));
        header.extend(self.extra.iter().map(|(k, _)| (*k).to_owned()));
        let mut out = csv_line(&header);
        for r in &self.rows {
            let mut line = vec![r.key.clone(), r.label.clone()];
            line.extend(r.values.iter().map(u64::to_string));
            line.extend(r.extra.iter().cloned());
            out.push_str(&csv_line(&line));
        }
        out
    }

    /// The data as JSON.
    pub fn json(&self, as_of: &str) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let values: Map<String, Value> = self
                    .series
                    .iter()
                    .zip(&r.values)
                    .map(|(s, v)| (s.key.clone(), json!(v)))
                    .collect();
                let mut row = json!({ "key": r.key, "label": r.label, "values": values });
                if !self.extra.is_empty() {
                    let extra: Map<String, Value> = self
                        .extra
                        .iter()
                        .zip(&r.extra)
                        .map(|((k, _), v)| ((*k).to_owned(), json!(v)))
                        .collect();
                    row["extra"] = Value::Object(extra);
                }
                row
            })
            .collect();
        json!({
            "chart": self.id,
            "title": self.title,
            "description": self.caption,
            "as_of": as_of,
            "category": self.key_name,
            "unit": self.unit,
            "series": self.series.iter().map(|s| json!({"key": s.key, "name": s.name})).collect::<Vec<_>>(),
            "rows": rows,
        })
    }

    /// A text alternative for the drawn chart: its title and the largest values in words (the
    /// whole data is in the table next to it).
    pub fn alt(&self, t: &Tr) -> String {
        if self.is_empty() {
            return format!("{}: {}", self.title, t.t("dash-empty"));
        }
        const SHOWN: usize = 8;
        let mut parts = Vec::new();
        for r in self.rows.iter().filter(|r| r.values.iter().any(|v| *v > 0)) {
            let values: Vec<String> = if self.series.len() == 1 {
                vec![r.values.first().copied().unwrap_or(0).to_string()]
            } else {
                self.series
                    .iter()
                    .zip(&r.values)
                    .filter(|(_, v)| **v > 0)
                    .map(|(s, v)| format!("{} {v}", s.name))
                    .collect()
            };
            parts.push(format!("{}: {}", r.label, values.join(", ")));
        }
        let more = parts.len().saturating_sub(SHOWN);
        parts.truncate(SHOWN);
        let mut text = format!("{} ({}). {}.", self.title, self.unit, parts.join("; "));
        if more > 0 {
            text.push(' ');
            text.push_str(&t.t1("dash-alt-more", "count", more));
        }
        text
    }
}

/// A section of the page: a heading, a sentence, its charts.
#[derive(Debug, Clone)]
pub struct Section {
    /// Anchor.
    pub id: &'static str,
    /// Heading.
    pub title: String,
    /// What it is about.
    pub intro: String,
    /// Charts.
    pub charts: Vec<Chart>,
}

/// A headline figure.
#[derive(Debug, Clone)]
pub struct Kpi {
    /// The figure.
    pub value: String,
    /// What it is.
    pub label: String,
}

/// Label statuses in the order they are shown.
const STATUSES: [&str; 5] = ["active", "suspended", "expired", "revoked", "superseded"];
/// Status changes after issuance.
const CHANGES: [&str; 5] = [
    "suspended",
    "reinstated",
    "revoked",
    "expired",
    "superseded",
];
/// Remediation-time buckets: (key, message, last day included).
const BUCKETS: [(&str, &str, i64); 5] = [
    ("0-7", "dash-bucket-week", 7),
    ("8-30", "dash-bucket-month", 30),
    ("31-90", "dash-bucket-quarter", 90),
    ("91-180", "dash-bucket-half", 180),
    ("181-", "dash-bucket-longer", i64::MAX),
];
/// How many provisions or weakness classes a ranking shows.
pub const TOP: usize = 15;

fn series(t: &Tr, keys: &[&str], prefix: &str) -> Vec<Series> {
    keys.iter()
        .map(|k| Series {
            key: (*k).to_owned(),
            name: t.t(&format!("{prefix}{k}")),
        })
        .collect()
}

/// `YYYY-MM` of a day number.
fn month_of(day: i64) -> String {
    jiff::Timestamp::from_second(day.saturating_mul(86_400))
        .map(|t| t.strftime("%Y-%m").to_string())
        .unwrap_or_default()
}

/// Every month from the first to the last of `months` (so that quiet months show as zero).
fn month_range(months: impl Iterator<Item = String>) -> Vec<String> {
    let months: Vec<String> = months.collect();
    let (Some(first), Some(last)) = (months.iter().min(), months.iter().max()) else {
        return Vec::new();
    };
    let parse = |m: &str| -> Option<(i32, i32)> {
        let (y, mo) = m.split_once('-')?;
        Some((y.parse().ok()?, mo.parse().ok()?))
    };
    let (Some((mut y, mut m)), Some(end)) = (parse(first), parse(last)) else {
        return Vec::new();
    };
    // At least half a year, so that a young registry's chart still reads as a time line.
    for _ in 0..5 {
        if (end.0 * 12 + end.1) - (y * 12 + m) >= 5 {
            break;
        }
        m -= 1;
        if m < 1 {
            m = 12;
            y -= 1;
        }
    }
    let mut out = Vec::new();
    // Bounded: a registry's history is decades at most.
    while (y, m) <= end && out.len() < 1200 {
        out.push(format!("{y:04}-{m:02}"));
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    out
}

/// Rows by month for daily counts of several kinds (`what` → series index).
fn monthly(daily: &[&Daily], keys: &[&str]) -> Vec<Row> {
    let mut by_month: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for d in daily {
        let Some(i) = keys.iter().position(|k| *k == d.what) else {
            continue;
        };
        let e = by_month
            .entry(month_of(d.day))
            .or_insert_with(|| vec![0; keys.len()]);
        e[i] += d.n;
    }
    month_range(by_month.keys().cloned())
        .into_iter()
        .map(|m| Row {
            values: by_month
                .get(&m)
                .cloned()
                .unwrap_or_else(|| vec![0; keys.len()]),
            label: m.clone(),
            key: m,
            extra: Vec::new(),
        })
        .collect()
}

fn bucket_of(days: i64) -> usize {
    BUCKETS
        .iter()
        .position(|(_, _, last)| days <= *last)
        .unwrap_or(BUCKETS.len() - 1)
}

/// The median of day counts (whole days), `None` without any.
pub fn median_days(ages: &[Age]) -> Option<i64> {
    let mut sorted: Vec<(i64, u64)> = ages.iter().map(|a| (a.days, a.n)).collect();
    sorted.sort_unstable();
    let total: u64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let middle = total.div_ceil(2);
    let mut seen = 0;
    for (days, n) in sorted {
        seen += n;
        if seen >= middle {
            return Some(days);
        }
    }
    None
}

/// A provision's short name: its id in the standard and its title.
fn provision_label(catalog: &Catalog, lang: Lang, id: &str) -> String {
    match id.parse::<ProvisionId>() {
        Ok(pid) => match catalog.title_in(lang.tag(), &pid) {
            Some(title) => format!("{} {title}", pid.local),
            None => pid.local.clone(),
        },
        Err(_) => id.to_owned(),
    }
}

fn level_label(catalog: &Catalog, t: &Tr, lang: Lang, level: u8) -> String {
    let number = t.t1("dash-level", "level", level);
    match catalog.level_name_in(lang.tag(), level) {
        Some(name) => format!("{number} · {name}"),
        None => number,
    }
}

/// Every section of the page, in the page's language.
pub fn sections(agg: &Aggregates, catalog: &Catalog, t: &Tr, lang: Lang) -> Vec<Section> {
    let labels = t.t("dash-unit-labels");
    let findings_unit = t.t("dash-unit-findings");

    // Labels by level, stacked by status.
    let mut levels: BTreeMap<u8, Vec<u64>> = catalog
        .levels
        .levels
        .iter()
        .map(|l| (l.number, vec![0; STATUSES.len()]))
        .collect();
    let mut by_status = vec![0u64; STATUSES.len()];
    for l in &agg.levels {
        let Some(i) = STATUSES.iter().position(|s| *s == l.status) else {
            continue;
        };
        levels
            .entry(l.level)
            .or_insert_with(|| vec![0; STATUSES.len()])[i] += l.n;
        by_status[i] += l.n;
    }
    let level_chart = Chart {
        id: "levels",
        kind: Kind::Columns { stacked: true },
        title: t.t("dash-levels-title"),
        caption: t.t("dash-levels-caption"),
        key_name: "level",
        category: t.t("dash-col-level"),
        unit: labels.clone(),
        series: series(t, &STATUSES, "dash-status-"),
        rows: levels
            .into_iter()
            .map(|(level, values)| Row {
                key: level.to_string(),
                label: level_label(catalog, t, lang, level),
                values,
                extra: Vec::new(),
            })
            .collect(),
        extra: Vec::new(),
    };
    let status_chart = Chart {
        id: "statuses",
        kind: Kind::Columns { stacked: true },
        title: t.t("dash-statuses-title"),
        caption: t.t("dash-statuses-caption"),
        key_name: "status",
        category: t.t("dash-col-status"),
        unit: labels.clone(),
        series: vec![Series {
            key: "labels".into(),
            name: labels.clone(),
        }],
        rows: STATUSES
            .iter()
            .zip(&by_status)
            .map(|(s, n)| Row {
                key: (*s).to_owned(),
                label: t.t(&format!("dash-status-{s}")),
                values: vec![*n],
                extra: Vec::new(),
            })
            .collect(),
        extra: Vec::new(),
    };

    // Facts over labels that are not superseded.
    let mut facts: HashMap<&str, Vec<(&str, u64)>> = HashMap::new();
    for c in &agg.facts {
        facts
            .entry(c.key.0.as_str())
            .or_default()
            .push((c.key.1.as_str(), c.n));
    }
    let fact = |kind: &str, subject: &str| -> u64 {
        facts
            .get(kind)
            .and_then(|v| v.iter().find(|(s, _)| *s == subject))
            .map_or(0, |(_, n)| *n)
    };
    let mut profile_rows: Vec<Row> = catalog
        .profiles
        .iter()
        .map(|p| Row {
            key: p.id.clone(),
            label: catalog
                .profile_title_in(lang.tag(), &p.id)
                .unwrap_or(&p.title)
                .to_owned(),
            values: vec![fact(PROFILE, &p.id)],
            extra: Vec::new(),
        })
        .collect();
    for (subject, n) in facts.get(PROFILE).into_iter().flatten() {
        if catalog.profile(subject).is_none() {
            profile_rows.push(Row {
                key: (*subject).to_owned(),
                label: (*subject).to_owned(),
                values: vec![*n],
                extra: Vec::new(),
            });
        }
    }
    profile_rows.sort_by(|a, b| b.values.cmp(&a.values).then(a.key.cmp(&b.key)));
    let profile_chart = Chart {
        id: "profiles",
        kind: Kind::Bars,
        title: t.t("dash-profiles-title"),
        caption: t.t("dash-profiles-caption"),
        key_name: "profile",
        category: t.t("dash-col-profile"),
        unit: labels.clone(),
        series: vec![Series {
            key: "labels".into(),
            name: labels.clone(),
        }],
        rows: profile_rows,
        extra: Vec::new(),
    };

    let level_keys: Vec<String> = catalog
        .levels
        .levels
        .iter()
        .map(|l| l.number.to_string())
        .collect();
    let level_refs: Vec<&str> = level_keys.iter().map(String::as_str).collect();
    let issued_chart = Chart {
        id: "issued",
        kind: Kind::Columns { stacked: true },
        title: t.t("dash-issued-title"),
        caption: t.t("dash-issued-caption"),
        key_name: "month",
        category: t.t("dash-col-month"),
        unit: labels.clone(),
        series: catalog
            .levels
            .levels
            .iter()
            .map(|l| Series {
                key: l.number.to_string(),
                name: level_label(catalog, t, lang, l.number),
            })
            .collect(),
        rows: monthly(&agg.issued.iter().collect::<Vec<_>>(), &level_refs),
        extra: Vec::new(),
    };
    let changes_chart = Chart {
        id: "status-changes",
        kind: Kind::Columns { stacked: true },
        title: t.t("dash-changes-title"),
        caption: t.t("dash-changes-caption"),
        key_name: "month",
        category: t.t("dash-col-month"),
        unit: t.t("dash-unit-changes"),
        series: series(t, &CHANGES, "dash-change-"),
        rows: monthly(&agg.status_changes.iter().collect::<Vec<_>>(), &CHANGES),
        extra: Vec::new(),
    };

    // Provisions: most often not met, most often declared "no".
    const VERDICTS: [&str; 3] = ["fail", "unverified", "inconclusive"];
    let mut failing: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for (i, v) in VERDICTS.iter().enumerate() {
        for (subject, n) in facts.get(v).into_iter().flatten() {
            failing
                .entry(subject)
                .or_insert_with(|| vec![0; VERDICTS.len()])[i] += n;
        }
    }
    let mut failing: Vec<(&str, Vec<u64>)> = failing.into_iter().collect();
    failing.sort_by(|a, b| {
        let total = |v: &[u64]| v.iter().sum::<u64>();
        b.1[0]
            .cmp(&a.1[0])
            .then(total(&b.1).cmp(&total(&a.1)))
            .then(a.0.cmp(b.0))
    });
    failing.truncate(TOP);
    let failing_chart = Chart {
        id: "failing",
        kind: Kind::Bars,
        title: t.t1("dash-failing-title", "count", TOP),
        caption: t.t("dash-failing-caption"),
        key_name: "provision",
        category: t.t("dash-col-provision"),
        unit: labels.clone(),
        series: series(t, &VERDICTS, "dash-verdict-"),
        rows: failing
            .into_iter()
            .map(|(id, values)| Row {
                key: id.to_owned(),
                label: provision_label(catalog, lang, id),
                values,
                extra: Vec::new(),
            })
            .collect(),
        extra: Vec::new(),
    };
    let mut declared_no: Vec<(&str, u64)> = facts.get(DECLARED_NO).cloned().unwrap_or_default();
    declared_no.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    declared_no.truncate(TOP);
    let declared_chart = Chart {
        id: "declared-no",
        kind: Kind::Bars,
        title: t.t1("dash-declared-title", "count", TOP),
        caption: t.t("dash-declared-caption"),
        key_name: "provision",
        category: t.t("dash-col-provision"),
        unit: labels.clone(),
        series: vec![Series {
            key: "labels".into(),
            name: labels.clone(),
        }],
        rows: declared_no
            .into_iter()
            .map(|(id, n)| Row {
                key: id.to_owned(),
                label: provision_label(catalog, lang, id),
                values: vec![n],
                extra: Vec::new(),
            })
            .collect(),
        extra: Vec::new(),
    };

    // Vulnerabilities over time and the time to remediate.
    let mut over_time: Vec<Daily> = Vec::new();
    for d in &agg.found {
        over_time.push(Daily {
            day: d.day,
            what: "found".into(),
            n: d.n,
        });
        if d.what == "found-exploited" {
            over_time.push(d.clone());
        }
    }
    for d in &agg.resolved {
        over_time.push(Daily {
            day: d.day,
            what: "resolved".into(),
            n: d.n,
        });
    }
    const FOUND: [&str; 3] = ["found", "found-exploited", "resolved"];
    let vulns_chart = Chart {
        id: "vulnerabilities",
        kind: Kind::Lines,
        title: t.t("dash-vulns-title"),
        caption: t.t("dash-vulns-caption"),
        key_name: "month",
        category: t.t("dash-col-month"),
        unit: findings_unit.clone(),
        series: series(t, &FOUND, "dash-series-"),
        rows: monthly(&over_time.iter().collect::<Vec<_>>(), &FOUND),
        extra: Vec::new(),
    };
    const REMEDIATION: [&str; 3] = ["resolved-exploited", "resolved-other", "open"];
    let mut buckets = vec![vec![0u64; REMEDIATION.len()]; BUCKETS.len()];
    for a in &agg.remediation {
        buckets[bucket_of(a.days)][usize::from(!a.exploited)] += a.n;
    }
    for a in &agg.open_ages {
        buckets[bucket_of(a.days)][2] += a.n;
    }
    let remediation_chart = Chart {
        id: "remediation",
        kind: Kind::Columns { stacked: false },
        title: t.t("dash-remediation-title"),
        caption: t.t("dash-remediation-caption"),
        key_name: "days",
        category: t.t("dash-col-days"),
        unit: findings_unit.clone(),
        series: series(t, &REMEDIATION, "dash-series-"),
        rows: BUCKETS
            .iter()
            .zip(buckets)
            .map(|((key, msg, _), values)| Row {
                key: (*key).to_owned(),
                label: t.t(msg),
                values,
                extra: Vec::new(),
            })
            .collect(),
        extra: Vec::new(),
    };

    // Disclosure clocks.
    const OUTCOMES: [&str; 4] = ["on-time", "late", "overdue", "running"];
    const OBLIGATIONS: [&str; 3] = ["early-warning", "notification", "final-report"];
    let d = &agg.disclosure;
    let mut clock_rows = Vec::new();
    for (scope, tallies) in [("exploited", &d.exploited_clocks), ("all", &d.all_clocks)] {
        for (obligation, c) in OBLIGATIONS.iter().zip(tallies.iter()) {
            let ClockTally {
                on_time,
                late,
                overdue,
                running,
            } = c;
            clock_rows.push(Row {
                key: format!("{obligation}/{scope}"),
                label: format!(
                    "{} ({})",
                    t.t(&format!("dash-clock-{obligation}")),
                    t.t(&format!("dash-scope-{scope}"))
                ),
                values: vec![*on_time, *late, *overdue, *running],
                extra: Vec::new(),
            });
        }
    }
    let disclosure_chart = Chart {
        id: "disclosure",
        kind: Kind::Bars,
        title: t.t("dash-disclosure-title"),
        caption: [
            t.t("dash-disclosure-caption"),
            t.t1("dash-disclosure-received", "count", d.reports),
            t.t1("dash-disclosure-exploited", "count", d.exploited),
            t.t1("dash-disclosure-rejected", "count", d.rejected),
        ]
        .join(" "),
        key_name: "obligation",
        category: t.t("dash-col-obligation"),
        unit: t.t("dash-unit-reports"),
        series: series(t, &OUTCOMES, "dash-outcome-"),
        rows: clock_rows,
        extra: Vec::new(),
    };

    let support_chart = Chart {
        id: "support",
        kind: Kind::Columns { stacked: true },
        title: t.t("dash-support-title"),
        caption: t.t("dash-support-caption"),
        key_name: "year",
        category: t.t("dash-col-year"),
        unit: labels.clone(),
        series: vec![Series {
            key: "labels".into(),
            name: t.t("dash-series-in-force"),
        }],
        rows: agg
            .support_years
            .iter()
            .map(|c| Row {
                key: c.key.clone(),
                label: c.key.clone(),
                values: vec![c.n],
                extra: Vec::new(),
            })
            .collect(),
        extra: Vec::new(),
    };

    // The living checklist: weakness classes and whether a provision addresses them.
    const COVERAGE: [&str; 3] = ["addressed", "gap", "unreviewed"];
    let weaknesses = catalog.weaknesses();
    let cwe_rows: Vec<Row> = agg
        .cwes
        .iter()
        .take(TOP)
        .map(|c| {
            let known = weaknesses.get(&c.cwe);
            let coverage = match known {
                Some(w) if !w.provisions.is_empty() => 0,
                Some(_) => 1,
                None => 2,
            };
            let mut values = vec![0; COVERAGE.len()];
            values[coverage] = c.products;
            let provisions = known
                .map(|w| {
                    w.provisions
                        .iter()
                        .map(|p| p.local.clone())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            Row {
                key: c.cwe.clone(),
                label: match known {
                    Some(w) => format!("{} {}", c.cwe, w.name),
                    None => c.cwe.clone(),
                },
                values,
                extra: vec![c.findings.to_string(), provisions],
            }
        })
        .collect();
    let cwe_chart = Chart {
        id: "weaknesses",
        kind: Kind::Bars,
        title: t.t1("dash-cwe-title", "count", TOP),
        caption: t.t("dash-cwe-caption"),
        key_name: "cwe",
        category: t.t("dash-col-cwe"),
        unit: t.t("dash-unit-products"),
        series: series(t, &COVERAGE, "dash-coverage-"),
        rows: cwe_rows,
        extra: vec![
            ("findings", t.t("dash-col-findings")),
            ("provisions", t.t("dash-col-provisions")),
        ],
    };

    vec![
        Section {
            id: "labels",
            title: t.t("dash-section-labels"),
            intro: t.t("dash-section-labels-intro"),
            charts: vec![
                level_chart,
                status_chart,
                profile_chart,
                issued_chart,
                changes_chart,
            ],
        },
        Section {
            id: "provisions",
            title: t.t("dash-section-provisions"),
            intro: t.t("dash-section-provisions-intro"),
            charts: vec![failing_chart],
        },
        Section {
            id: "vulnerabilities",
            title: t.t("dash-section-vulns"),
            intro: t.t("dash-section-vulns-intro"),
            charts: vec![vulns_chart, remediation_chart],
        },
        Section {
            id: "disclosure",
            title: t.t("dash-section-disclosure"),
            intro: t.t("dash-section-disclosure-intro"),
            charts: vec![disclosure_chart],
        },
        Section {
            id: "support",
            title: t.t("dash-section-support"),
            intro: t.t("dash-section-support-intro"),
            charts: vec![support_chart],
        },
        Section {
            id: "checklist",
            title: t.t("dash-section-checklist"),
            intro: t.t("dash-section-checklist-intro"),
            charts: vec![cwe_chart, declared_chart],
        },
    ]
}

/// The headline figures.
pub fn kpis(agg: &Aggregates, t: &Tr) -> Vec<Kpi> {
    let labels: u64 = agg.levels.iter().map(|l| l.n).sum();
    let active: u64 = agg
        .levels
        .iter()
        .filter(|l| l.status == "active")
        .map(|l| l.n)
        .sum();
    let overdue: u64 = agg
        .disclosure
        .exploited_clocks
        .iter()
        .map(|c| c.overdue)
        .sum();
    let median = median_days(&agg.remediation)
        .map_or_else(|| "–".to_owned(), |d| t.t1("dash-days", "days", d));
    vec![
        Kpi {
            value: labels.to_string(),
            label: t.t("dash-kpi-labels"),
        },
        Kpi {
            value: active.to_string(),
            label: t.t("dash-kpi-active"),
        },
        Kpi {
            value: agg.findings.open.to_string(),
            label: t.t1("dash-kpi-open", "products", agg.findings.products_open),
        },
        Kpi {
            value: agg.findings.open_exploited.to_string(),
            label: t.t1(
                "dash-kpi-exploited",
                "products",
                agg.findings.products_exploited,
            ),
        },
        Kpi {
            value: median,
            label: t.t1("dash-kpi-median", "count", agg.findings.resolved),
        },
        Kpi {
            value: overdue.to_string(),
            label: t.t("dash-kpi-overdue"),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_fill_gaps_and_medians_weigh_counts() {
        assert_eq!(
            month_range(["2026-05".to_owned(), "2027-02".to_owned()].into_iter()).len(),
            10
        );
        assert_eq!(
            month_range(["2027-02".to_owned()].into_iter()),
            [
                "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02"
            ]
        );
        let age = |days, n| Age {
            days,
            exploited: false,
            n,
        };
        assert_eq!(median_days(&[age(3, 1), age(10, 5), age(400, 1)]), Some(10));
        assert_eq!(median_days(&[]), None);
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(8), 1);
        assert_eq!(bucket_of(10_000), 4);
    }
}
