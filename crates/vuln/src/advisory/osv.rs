//! OSV records in JSON or YAML. The schema is small and stable, so records are read into typed
//! structs (fast, and errors name the JSON path) rather than through the `osv` crate, whose
//! types use strict enums and timestamps that reject records with newer ecosystems.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::advisory::model::{
    AdvisoryFormat, AdvisorySource, Affected, Event, Package, Range, RangeKind, Reference,
    Severity, Vulnerability,
};
use crate::ecosystem::Ecosystem;
use crate::error::{Error, ErrorKind, Origin, Position};
use crate::input::{self, Limits};
use crate::purl::Purl;

/// Text that YAML may have written as a number or boolean (`fixed: 2.0`).
#[derive(Debug, Clone)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_string(V)
    }
}

#[derive(Deserialize)]
struct RawRecord {
    id: Text,
    modified: Option<Text>,
    published: Option<Text>,
    withdrawn: Option<Text>,
    aliases: Option<Vec<Text>>,
    related: Option<Vec<Text>>,
    upstream: Option<Vec<Text>>,
    summary: Option<Text>,
    details: Option<Text>,
    severity: Option<Vec<RawSeverity>>,
    affected: Option<Vec<RawAffected>>,
    references: Option<Vec<RawReference>>,
    database_specific: Option<RawDatabaseSpecific>,
}

/// `database_specific` is free-form; GitHub advisories put their CWE ids there. Any other shape
/// is ignored rather than rejected.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawDatabaseSpecific {
    WithCwes {
        cwe_ids: Vec<Text>,
    },
    #[allow(dead_code)]
    Other(de::IgnoredAny),
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: Text,
    score: Text,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(rename = "type")]
    kind: Option<Text>,
    url: Text,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    severity: Option<Vec<RawSeverity>>,
    ranges: Option<Vec<RawRange>>,
    versions: Option<Vec<Text>>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: Text,
    name: Text,
    purl: Option<Text>,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: Text,
    repo: Option<Text>,
    events: Option<Vec<RawEvent>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawEvent {
    Introduced(Text),
    Fixed(Text),
    LastAffected(Text),
    Limit(Text),
}

/// The OSV API's response shape, `{"vulns": [...]}`.
#[derive(Deserialize)]
struct ApiDocument {
    vulns: Vec<RawRecord>,
}

/// Parses one OSV document (JSON, or YAML when it does not start with `{` or `[`) into its
/// records.
pub fn parse(bytes: &[u8], origin: &Origin, limits: &Limits) -> Result<Vec<Vulnerability>, Error> {
    let text = input::text(bytes, origin, limits)?;
    let trimmed = text.trim_start();
    let json = trimmed.starts_with('{') || trimmed.starts_with('[');
    let format = if json {
        AdvisoryFormat::OsvJson
    } else {
        AdvisoryFormat::OsvYaml
    };
    let records: Vec<(String, RawRecord)> = if !json {
        vec![(String::new(), input::from_yaml(text, origin, limits)?)]
    } else if trimmed.starts_with('[') {
        number(input::from_json::<Vec<RawRecord>>(text, origin, limits)?)
    } else {
        match input::from_json::<RawRecord>(text, origin, limits) {
            Ok(record) => vec![(String::new(), record)],
            // Not one record: perhaps a saved API response; if not, the first error stands.
            Err(e) => match input::from_json::<ApiDocument>(text, origin, limits) {
                Ok(api) => number(api.vulns),
                Err(_) => return Err(e),
            },
        }
    };
    let source = AdvisorySource {
        format,
        origin: origin.clone(),
    };
    records
        .into_iter()
        .map(|(path, raw)| convert(raw, &path, &source, limits))
        .collect()
}

fn number(records: Vec<RawRecord>) -> Vec<(String, RawRecord)> {
    records
        .into_iter()
        .enumerate()
        .map(|(i, r)| (format!("[{i}]"), r))
        .collect()
}

fn texts(v: Option<Vec<Text>>) -> Vec<String> {
    v.unwrap_or_default()
        .into_iter()
        .map(|t| t.0.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn severities(v: Option<Vec<RawSeverity>>) -> Vec<Severity> {
    v.unwrap_or_default()
        .into_iter()
        .map(|s| Severity {
            kind: s.kind.0,
            score: s.score.0,
        })
        .collect()
}

fn convert(
    raw: RawRecord,
    base: &str,
    source: &AdvisorySource,
    limits: &Limits,
) -> Result<Vulnerability, Error> {
    let origin = &source.origin;
    let id = raw.id.0.trim().to_string();
    if id.is_empty() {
        return Err(Error::invalid(
            origin,
            Position::path(format!("{base}.id")),
            "the record's `id` is empty",
            "every OSV record needs an id such as GHSA-xxxx-xxxx-xxxx",
        ));
    }
    let time = |field: &str, value: Option<Text>| -> Result<Option<jiff::Timestamp>, Error> {
        let Some(Text(text)) = value else {
            return Ok(None);
        };
        crate::vex::model::parse_timestamp(&text)
            .map(Some)
            .ok_or_else(|| {
                Error::invalid(
                    origin,
                    Position::path(format!("{base}.{field}")),
                    format!("`{text}` is not an RFC 3339 timestamp"),
                    "write it like 2024-01-31T12:00:00Z",
                )
            })
    };
    let modified = time("modified", raw.modified)?;
    if modified.is_none() {
        return Err(Error::invalid(
            origin,
            Position::path(format!("{base}.modified")),
            format!("record {id} has no `modified` time"),
            "OSV requires it; it is what incremental imports compare",
        ));
    }
    let published = time("published", raw.published)?;
    let withdrawn = time("withdrawn", raw.withdrawn)?;
    let long = |field: &str, value: &Option<Text>| -> Result<(), Error> {
        match value {
            Some(Text(t)) if t.len() > limits.max_string_bytes => {
                Err(Error::from(ErrorKind::StringTooLong {
                    origin: origin.clone(),
                    at: Position::path(format!("{base}.{field}")),
                    len: t.len(),
                    limit: limits.max_string_bytes,
                }))
            }
            _ => Ok(()),
        }
    };
    long("summary", &raw.summary)?;
    long("details", &raw.details)?;
    let mut affected = Vec::new();
    for a in raw.affected.unwrap_or_default() {
        let package = a.package.map(|p| {
            let (ecosystem, release) = Ecosystem::parse(&p.ecosystem.0);
            Package {
                ecosystem,
                release,
                name: p.name.0.trim().to_string(),
                purl: p.purl.and_then(|t| Purl::parse(&t.0).ok()),
            }
        });
        let ranges = a
            .ranges
            .unwrap_or_default()
            .into_iter()
            .map(|r| Range {
                kind: RangeKind::parse(&r.kind.0),
                repo: r.repo.map(|t| t.0),
                events: r
                    .events
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| match e {
                        RawEvent::Introduced(v) => Event::Introduced(v.0),
                        RawEvent::Fixed(v) => Event::Fixed(v.0),
                        RawEvent::LastAffected(v) => Event::LastAffected(v.0),
                        RawEvent::Limit(v) => Event::Limit(v.0),
                    })
                    .collect(),
            })
            .collect();
        affected.push(Affected {
            package,
            severity: severities(a.severity),
            ranges,
            versions: texts(a.versions),
        });
    }
    let mut aliases = texts(raw.aliases);
    aliases.retain(|a| *a != id);
    Ok(Vulnerability {
        id,
        aliases,
        related: texts(raw.related),
        upstream: texts(raw.upstream),
        modified,
        published,
        withdrawn,
        summary: raw.summary.map(|t| t.0),
        details: raw.details.map(|t| t.0),
        severity: severities(raw.severity),
        affected,
        references: raw
            .references
            .unwrap_or_default()
            .into_iter()
            .map(|r| Reference {
                kind: r.kind.map(|k| k.0).unwrap_or_default(),
                url: r.url.0,
            })
            .collect(),
        cwes: match raw.database_specific {
            Some(RawDatabaseSpecific::WithCwes { cwe_ids }) => {
                let mut cwes: Vec<String> = cwe_ids
                    .iter()
                    .filter_map(|t| crate::advisory::model::normalise_cwe(&t.0))
                    .collect();
                cwes.sort();
                cwes.dedup();
                cwes
            }
            _ => Vec::new(),
        },
        source: source.clone(),
    })
}
