//! Checks a parsed declaration against the catalogue: every provision, feature and profile it
//! names must exist, every reference inside it must resolve, and the scope's rules must hold.

use std::collections::{BTreeSet, HashSet};

use iotlabel_catalog::{Catalog, did_you_mean};
use jiff::civil::Date;

use crate::model::{Claim, Declaration, FORMAT, Producer, Scope, Support3};
use crate::parse::Source;
use crate::problem::{Problem, Severity};

/// Largest number of claims, components or evidence items a declaration may hold. Far above any
/// real product (EN 303 645 has under a hundred provisions); it bounds work on hostile input.
pub const MAX_ITEMS: usize = 2_000;

struct Checker<'a> {
    src: &'a Source,
    catalog: &'a Catalog,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn error(&mut self, field: &str, message: impl Into<String>, hint: Option<String>) {
        self.problems
            .push(self.src.problem(Severity::Error, field, message, hint));
    }

    fn warn(&mut self, field: &str, message: impl Into<String>, hint: Option<String>) {
        self.problems
            .push(self.src.problem(Severity::Warning, field, message, hint));
    }

    fn features(&mut self, field: &str, features: &std::collections::BTreeMap<String, bool>) {
        for name in features.keys() {
            if self.catalog.feature(name).is_none() {
                let hint = did_you_mean(name, self.catalog.features.iter().map(|f| f.id.as_str()))
                    .or(Some("`iotlabel catalog list features` lists them".into()));
                self.error(
                    &format!("{field}.{name}"),
                    format!("unknown feature `{name}`"),
                    hint,
                );
            }
        }
    }

    fn provision(&mut self, field: &str, id: &str) -> bool {
        match self.catalog.resolve(id) {
            Ok(_) => true,
            Err(e) => {
                self.error(
                    field,
                    format!("unknown provision: {e}"),
                    Some("`iotlabel catalog list` lists provision ids".into()),
                );
                false
            }
        }
    }

    fn claims(&mut self, field: &str, claims: &[Claim]) {
        let mut seen = HashSet::new();
        for (i, c) in claims.iter().enumerate() {
            let at = format!("{field}[{i}]");
            if !self.provision(&format!("{at}.provision"), &c.provision) {
                continue;
            }
            let Ok(p) = self.catalog.resolve(&c.provision) else {
                continue;
            };
            if !seen.insert(p.id.clone()) {
                self.error(
                    &format!("{at}.provision"),
                    format!("{} is claimed twice", p.id),
                    Some("keep one claim per provision".into()),
                );
            }
            let unjustified = c
                .justification
                .as_deref()
                .is_none_or(|j| j.trim().is_empty());
            if unjustified && matches!(c.support, Support3::No | Support3::NotApplicable) {
                let what = if c.support == Support3::No {
                    "no"
                } else {
                    "not-applicable"
                };
                self.warn(
                    &format!("{at}.support"),
                    format!("`{what}` for {} has no justification", p.id.local),
                    Some("EN 303 645 V3 (5.0-1) asks for a justification; without one the assessment fails it".into()),
                );
            }
        }
    }
}

/// Checks a declaration; returns errors and warnings (errors first).
pub fn validate(src: &Source, d: &Declaration, catalog: &Catalog, today: Date) -> Vec<Problem> {
    let mut c = Checker {
        src,
        catalog,
        problems: Vec::new(),
    };
    if d.format != FORMAT {
        c.error(
            "format",
            format!("unsupported format `{}`", d.format),
            Some(format!("write format = \"{FORMAT}\"")),
        );
    }
    for (name, len) in [
        ("claim", d.claims.len()),
        ("component", d.components.len()),
        ("evidence", d.evidence.len()),
        ("data_practice", d.data_practices.len()),
    ] {
        if len > MAX_ITEMS {
            c.error(
                name,
                format!("{len} entries; at most {MAX_ITEMS} are accepted"),
                None,
            );
            return c.problems;
        }
    }
    if d.profiles.is_empty() && d.scope != Scope::Process {
        c.error(
            "profiles",
            "no profile given",
            Some(
                "e.g. profiles = [\"consumer-baseline\"]; `iotlabel catalog list profiles`".into(),
            ),
        );
    }
    for (i, p) in d.profiles.iter().enumerate() {
        if catalog.profile(p).is_none() {
            let hint = did_you_mean(p, catalog.profiles.iter().map(|x| x.id.as_str()))
                .or(Some("`iotlabel catalog list profiles` lists them".into()));
            c.error(
                &format!("profiles[{i}]"),
                format!("unknown profile `{p}`"),
                hint,
            );
        }
    }
    if let Some(v) = &d.catalog_version
        && *v != catalog.meta.version.to_string()
    {
        c.warn(
            "catalog_version",
            format!(
                "written for catalogue {v}, assessed against {}",
                catalog.meta.version
            ),
            Some("`iotlabel catalog diff` shows what changed".into()),
        );
    }
    match d.scope {
        Scope::Device | Scope::System if d.product.is_none() => c.error(
            "product",
            "a device or system declaration needs [product]",
            None,
        ),
        _ => {}
    }
    match d.scope {
        Scope::System => {
            if d.components.is_empty() {
                c.error(
                    "scope",
                    "a system declaration needs at least one [[component]]",
                    None,
                );
            }
            if !d.features.is_empty() {
                c.warn(
                    "features",
                    "a system's features belong to its components; top-level features are ignored",
                    Some("move them into [component.features]".into()),
                );
            }
        }
        Scope::Device | Scope::Process => {
            if !d.components.is_empty() {
                c.error(
                    "component",
                    "only a system declaration has components",
                    Some("set scope = \"system\"".into()),
                );
            }
        }
    }
    if d.scope == Scope::Process && d.process.is_some() {
        c.error(
            "process",
            "a process declaration cannot reference another one",
            None,
        );
    }
    if let Some(p) = &d.process
        && p.file.is_some() == p.label.is_some()
    {
        c.error("process", "give either `file` or `label`", None);
    }
    c.features("features", &d.features);
    c.claims("claim", &d.claims);

    let mut component_ids = BTreeSet::new();
    for (i, comp) in d.components.iter().enumerate() {
        let at = format!("component[{i}]");
        if !component_ids.insert(comp.id.as_str()) {
            c.error(
                &format!("{at}.id"),
                format!("component id `{}` is used twice", comp.id),
                None,
            );
        }
        if comp.label.is_some() && !comp.claims.is_empty() {
            c.error(
                &at,
                "a component covered by a label has no claims of its own",
                Some("remove `label` or the claims".into()),
            );
        }
        c.features(&format!("{at}.features"), &comp.features);
        c.claims(&format!("{at}.claim"), &comp.claims);
    }

    let mut evidence_ids = HashSet::new();
    for (i, e) in d.evidence.iter().enumerate() {
        let at = format!("evidence[{i}]");
        if !evidence_ids.insert(e.id.as_str()) {
            c.error(
                &format!("{at}.id"),
                format!("evidence id `{}` is used twice", e.id),
                None,
            );
        }
        match (&e.path, &e.url) {
            (None, None) | (Some(_), Some(_)) => {
                c.error(&at, "give exactly one of `path` and `url`", None)
            }
            (Some(p), None) if std::path::Path::new(p).is_absolute() => c.error(
                &format!("{at}.path"),
                "evidence paths are relative to the declaration",
                None,
            ),
            (None, Some(u)) if !(u.starts_with("https://") || u.starts_with("http://")) => {
                c.error(&format!("{at}.url"), "not an http(s) URL", None)
            }
            _ => {}
        }
        if e.sha256.len() != 64
            || !e
                .sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            c.error(
                &format!("{at}.sha256"),
                "not a SHA-256 digest",
                Some("64 lower-case hex characters, e.g. from `sha256sum FILE`".into()),
            );
        }
        if e.producer == Producer::Assessor
            && e.assessor.as_deref().is_none_or(|a| a.trim().is_empty())
        {
            c.error(
                &format!("{at}.assessor"),
                "evidence produced by an assessor must name the assessor",
                Some("add assessor = \"Lab name\"".into()),
            );
        }
        if e.date.0 > today {
            c.warn(
                &format!("{at}.date"),
                format!("dated {} , in the future", e.date),
                None,
            );
        }
        if e.provisions.is_empty() {
            c.error(
                &format!("{at}.provisions"),
                "names no provision it supports",
                None,
            );
        }
        for (j, p) in e.provisions.iter().enumerate() {
            c.provision(&format!("{at}.provisions[{j}]"), p);
        }
        if let Some(comp) = &e.component
            && !component_ids.contains(comp.as_str())
        {
            c.error(
                &format!("{at}.component"),
                format!("no component `{comp}`"),
                None,
            );
        }
    }
    for (i, f) in d.product.iter().flat_map(|p| p.firmware.iter()).enumerate() {
        if f.sha256.len() != 64
            || !f
                .sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            c.error(
                &format!("product.firmware[{i}].sha256"),
                "not a SHA-256 digest",
                Some("64 lower-case hex characters".into()),
            );
        }
    }
    if let Some(s) = &d.support
        && s.period_end.last_day < today
    {
        c.warn(
            "support.period_end",
            format!("the support period ended on {}", s.period_end.last_day),
            None,
        );
    }
    c.problems.sort_by_key(|p| p.severity);
    c.problems
}
