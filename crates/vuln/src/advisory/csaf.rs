//! CSAF 2.0 advisories, including the VEX profile: the product tree (branches, full product
//! names, relationships, product groups, identification helpers) and per-vulnerability
//! product status, remediations, flags and threats.
//!
//! Read through a tolerant own model rather than `csaf-rs`: its types are generated from the
//! strict schema (real advisories such as Cisco's use a non-standard document category and
//! would be refused), it is marked work in progress, and it brings a heavy dependency tree for
//! the few fields matching needs. Validation against the schema is a separate concern.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::advisory::model::{
    AdvisoryFormat, AdvisorySource, Affected, Package, Reference, Severity, Vulnerability,
};
use crate::error::{Error, Origin, Position, Warning};
use crate::input::{self, Limits};
use crate::purl::Purl;
use crate::value::Walk;
use crate::vex::model::{
    Justification, ProductRef, VersionSpec, VexFormat, VexStatement, VexStatus, parse_timestamp,
};

/// A CSAF document.
#[derive(Debug, Clone, Serialize)]
pub struct CsafDocument {
    /// `document.tracking.id`.
    pub id: String,
    /// `document.title`.
    pub title: Option<String>,
    /// `document.category` (`csaf_vex`, `csaf_security_advisory`, or a vendor's own).
    pub category: String,
    /// `document.csaf_version`.
    pub csaf_version: Option<String>,
    /// Publisher name.
    pub publisher: Option<String>,
    /// `tracking.status` (`final`, `interim`, `draft`).
    pub status: Option<String>,
    /// `tracking.version`.
    pub version: Option<String>,
    /// `tracking.initial_release_date`.
    pub initial_release: Option<Timestamp>,
    /// `tracking.current_release_date`.
    pub current_release: Option<Timestamp>,
    /// Every product the tree defines, by product id.
    pub products: BTreeMap<String, CsafProduct>,
    /// The vulnerabilities.
    pub vulnerabilities: Vec<CsafVulnerability>,
    /// What the tolerant reader skipped.
    pub warnings: Vec<Warning>,
    #[serde(skip)]
    origin: Origin,
}

/// A product of the product tree.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CsafProduct {
    /// Product id.
    pub product_id: String,
    /// Full product name.
    pub name: String,
    /// Vendor (from the `vendor` branch above it).
    pub vendor: Option<String>,
    /// Product name (from the `product_name` branch above it).
    pub product_name: Option<String>,
    /// Version or `vers:` range (from a `product_version` / `product_version_range` branch).
    pub version: Option<VersionSpec>,
    /// purl helper.
    pub purl: Option<Purl>,
    /// CPE helper.
    pub cpe: Option<String>,
    /// Hash helpers (algorithm, value).
    pub hashes: Vec<(String, String)>,
    /// Model numbers (hardware).
    pub model_numbers: Vec<String>,
    /// Serial numbers (hardware).
    pub serial_numbers: Vec<String>,
    /// For products made by a relationship: (category, component product id, product id),
    /// e.g. `("default_component_of", "log4j-2.14", "device-1.0")`.
    pub relationship: Option<(String, String, String)>,
}

/// One vulnerability of a CSAF document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CsafVulnerability {
    /// CVE id.
    pub cve: Option<String>,
    /// Other ids (`ids[].text`).
    pub ids: Vec<String>,
    /// Title.
    pub title: Option<String>,
    /// The `description` (or else `summary`) note.
    pub description: Option<String>,
    /// Product ids per status list (`known_affected`, `fixed`, ...).
    pub product_status: BTreeMap<String, Vec<String>>,
    /// Remediations.
    pub remediations: Vec<Remediation>,
    /// Flags (VEX justifications).
    pub flags: Vec<Flag>,
    /// Threats (`impact` ones are VEX impact statements).
    pub threats: Vec<Threat>,
    /// CVSS vectors with the products they score: (kind, vector, product ids).
    pub scores: Vec<(String, String, Vec<String>)>,
    /// Reference URLs.
    pub references: Vec<String>,
    /// `release_date`.
    pub release_date: Option<Timestamp>,
    /// CWE ids: CSAF 2.0's `cwe.id` (and 2.1's `cwes[].id`).
    pub cwes: Vec<String>,
}

/// A remediation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Remediation {
    /// `vendor_fix`, `workaround`, `mitigation`, `none_available`, `no_fix_planned`.
    pub category: String,
    /// Text.
    pub details: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// The products (groups expanded).
    pub product_ids: Vec<String>,
}

/// A flag.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Flag {
    /// The label (a VEX justification).
    pub label: String,
    /// When.
    pub date: Option<Timestamp>,
    /// The products (groups expanded).
    pub product_ids: Vec<String>,
}

/// A threat.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Threat {
    /// `impact`, `exploit_status`, `target_set`.
    pub category: String,
    /// Text.
    pub details: String,
    /// The products (groups expanded); empty means all.
    pub product_ids: Vec<String>,
}

impl CsafDocument {
    /// Reads a CSAF file.
    pub fn load(path: &Path, limits: &Limits) -> Result<CsafDocument, Error> {
        let bytes = input::read_file(path, limits)?;
        CsafDocument::parse(&bytes, &Origin::file(path), limits)
    }

    /// Reads a CSAF document from bytes.
    pub fn parse(bytes: &[u8], origin: &Origin, limits: &Limits) -> Result<CsafDocument, Error> {
        let text = input::text(bytes, origin, limits)?;
        let doc = input::json_value(text, origin, limits)?;
        read(&doc, origin)
    }

    /// The document's VEX statements: one per product and status of every vulnerability
    /// (`known_affected`/`first_affected`/`last_affected` -> affected, `known_not_affected`
    /// -> not affected with the flag's justification and the impact threat's text,
    /// `fixed`/`first_fixed` -> fixed, `under_investigation`). `recommended` is advice, not a
    /// status, and yields no statement.
    pub fn vex_statements(&self) -> Vec<VexStatement> {
        let mut out = Vec::new();
        for (i, v) in self.vulnerabilities.iter().enumerate() {
            let (id, aliases) = self.vulnerability_ids(v, i);
            for (list, products) in &v.product_status {
                let status = match list.as_str() {
                    "known_affected" | "first_affected" | "last_affected" => VexStatus::Affected,
                    "known_not_affected" => VexStatus::NotAffected,
                    "fixed" | "first_fixed" => VexStatus::Fixed,
                    "under_investigation" => VexStatus::UnderInvestigation,
                    _ => continue,
                };
                for product_id in products {
                    out.push(self.statement(v, &id, &aliases, product_id, status));
                }
            }
        }
        out
    }

    fn vulnerability_ids(&self, v: &CsafVulnerability, index: usize) -> (String, Vec<String>) {
        let mut all: Vec<String> = v.cve.iter().chain(v.ids.iter()).cloned().collect();
        if all.is_empty() {
            all.push(format!("{}#vulnerabilities[{index}]", self.id));
        }
        let id = all.remove(0);
        (id, all)
    }

    fn statement(
        &self,
        v: &CsafVulnerability,
        id: &str,
        aliases: &[String],
        product_id: &str,
        status: VexStatus,
    ) -> VexStatement {
        let (product, subcomponent) = match self.products.get(product_id) {
            Some(p) => match &p.relationship {
                Some((_, component, parent)) => (
                    self.product_ref(parent, Some(product_id)),
                    Some(self.product_ref(component, None)),
                ),
                None => (self.product_ref(product_id, None), None),
            },
            None => (
                ProductRef {
                    product_id: Some(product_id.to_string()),
                    ..ProductRef::default()
                },
                None,
            ),
        };
        let mine = |ids: &[String]| ids.iter().any(|p| p == product_id);
        let flag = v.flags.iter().find(|f| mine(&f.product_ids));
        let justification_text = flag.map(|f| f.label.clone());
        let justification = justification_text.as_deref().and_then(Justification::parse);
        let impact_statement = (status == VexStatus::NotAffected)
            .then(|| {
                v.threats
                    .iter()
                    .find(|t| {
                        t.category == "impact" && (t.product_ids.is_empty() || mine(&t.product_ids))
                    })
                    .map(|t| t.details.clone())
            })
            .flatten();
        let remediations: Vec<&Remediation> = v
            .remediations
            .iter()
            .filter(|r| mine(&r.product_ids))
            .collect();
        let action_statement = {
            let texts: Vec<String> = remediations
                .iter()
                .filter_map(|r| r.details.clone().or_else(|| r.url.clone()))
                .collect();
            (!texts.is_empty()).then(|| texts.join("\n"))
        };
        VexStatement {
            vulnerability: id.to_string(),
            aliases: aliases.to_vec(),
            products: vec![product],
            subcomponents: subcomponent.into_iter().collect(),
            status,
            justification,
            justification_text,
            impact_statement,
            action_statement,
            responses: remediations.iter().map(|r| r.category.clone()).collect(),
            timestamp: flag
                .and_then(|f| f.date)
                .or(v.release_date)
                .or(self.initial_release),
            last_updated: self.current_release,
            format: VexFormat::Csaf,
            document: Some(self.id.clone()),
            author: self.publisher.clone(),
        }
    }

    fn product_ref(&self, product_id: &str, full_id: Option<&str>) -> ProductRef {
        let Some(p) = self.products.get(product_id) else {
            return ProductRef {
                product_id: Some(product_id.to_string()),
                ..ProductRef::default()
            };
        };
        ProductRef {
            bom_ref: None,
            purl: p.purl.clone(),
            cpe: p.cpe.clone(),
            name: Some(p.name.clone()),
            product_id: Some(full_id.unwrap_or(product_id).to_string()),
            versions: p.version.iter().cloned().collect(),
            hashes: p.hashes.clone(),
        }
    }

    /// The advisory as records of the common model, one per vulnerability: affected packages
    /// are the affected products that carry a purl (their version, if the purl has one, is
    /// the affected version). Products named only by name or CPE appear in
    /// [`CsafDocument::vex_statements`], not here.
    pub fn to_vulnerabilities(&self) -> Vec<Vulnerability> {
        let source = AdvisorySource {
            format: AdvisoryFormat::Csaf,
            origin: self.origin.clone(),
        };
        let mut out = Vec::new();
        for (i, v) in self.vulnerabilities.iter().enumerate() {
            let (id, aliases) = self.vulnerability_ids(v, i);
            let mut affected = Vec::new();
            for list in ["known_affected", "first_affected", "last_affected"] {
                for product_id in v.product_status.get(list).into_iter().flatten() {
                    let purl = self
                        .products
                        .get(product_id)
                        .and_then(|p| match &p.relationship {
                            Some((_, component, _)) => {
                                self.products.get(component).and_then(|c| c.purl.clone())
                            }
                            None => p.purl.clone(),
                        });
                    let Some(purl) = purl else { continue };
                    let Some((key, release)) = purl.package_key() else {
                        continue;
                    };
                    affected.push(Affected {
                        package: Some(Package {
                            ecosystem: key.ecosystem,
                            release,
                            name: key.name,
                            purl: Some(purl.package()),
                        }),
                        severity: Vec::new(),
                        ranges: Vec::new(),
                        versions: purl.version().map(str::to_string).into_iter().collect(),
                    });
                }
            }
            out.push(Vulnerability {
                id,
                aliases,
                related: Vec::new(),
                upstream: Vec::new(),
                modified: self.current_release,
                published: v.release_date.or(self.initial_release),
                withdrawn: None,
                summary: v.title.clone(),
                details: v.description.clone(),
                severity: v
                    .scores
                    .iter()
                    .map(|(kind, vector, _)| Severity {
                        kind: kind.clone(),
                        score: vector.clone(),
                    })
                    .collect(),
                affected,
                references: v
                    .references
                    .iter()
                    .map(|url| Reference {
                        kind: "WEB".into(),
                        url: url.clone(),
                    })
                    .collect(),
                cwes: v.cwes.clone(),
                source: source.clone(),
            });
        }
        out
    }
}

fn read(doc: &Value, origin: &Origin) -> Result<CsafDocument, Error> {
    let mut walk = Walk::new();
    let Some(document) = doc.get("document").filter(|d| d.is_object()) else {
        return Err(Error::invalid(
            origin,
            Position::path(".document"),
            "not a CSAF document: no `document` object",
            "give a CSAF 2.0 JSON document",
        ));
    };
    let tracking = document.get("tracking").cloned().unwrap_or(Value::Null);
    let Some(id) = walk.string(&tracking, ".document.tracking", "id") else {
        return Err(Error::invalid(
            origin,
            Position::path(".document.tracking.id"),
            "the CSAF document has no tracking id",
            "CSAF requires `document.tracking.id`; statements could not be traced back without it",
        ));
    };
    let time = |walk: &mut Walk, v: &Value, path: &str, key: &str| {
        walk.string(v, path, key).and_then(|t| parse_timestamp(&t))
    };
    let mut products = BTreeMap::new();
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    if let Some(tree) = walk.object(doc, "", "product_tree") {
        let mut context = BranchContext::default();
        for (i, b) in walk
            .array(tree, ".product_tree", "branches")
            .into_iter()
            .enumerate()
        {
            branch(
                &mut walk,
                b,
                &format!(".product_tree.branches[{i}]"),
                &mut context,
                &mut products,
            );
        }
        for (i, p) in walk
            .array(tree, ".product_tree", "full_product_names")
            .into_iter()
            .enumerate()
        {
            let path = format!(".product_tree.full_product_names[{i}]");
            if let Some(product) = full_product(&mut walk, p, &path, &BranchContext::default()) {
                products.insert(product.product_id.clone(), product);
            }
        }
        for (i, r) in walk
            .array(tree, ".product_tree", "relationships")
            .into_iter()
            .enumerate()
        {
            let path = format!(".product_tree.relationships[{i}]");
            let (Some(category), Some(component), Some(parent)) = (
                walk.string(r, &path, "category"),
                walk.string(r, &path, "product_reference"),
                walk.string(r, &path, "relates_to_product_reference"),
            ) else {
                walk.warn(&path, "incomplete relationship; skipped");
                continue;
            };
            let Some(fpn) = r.get("full_product_name") else {
                continue;
            };
            if let Some(mut product) = full_product(
                &mut walk,
                fpn,
                &format!("{path}.full_product_name"),
                &BranchContext::default(),
            ) {
                product.relationship = Some((category, component, parent));
                products.insert(product.product_id.clone(), product);
            }
        }
        for (i, g) in walk
            .array(tree, ".product_tree", "product_groups")
            .into_iter()
            .enumerate()
        {
            let path = format!(".product_tree.product_groups[{i}]");
            if let Some(group_id) = walk.string(g, &path, "group_id") {
                groups.insert(group_id, walk.strings(g, &path, "product_ids"));
            }
        }
    }
    let expand = |walk: &mut Walk, v: &Value, path: &str| -> Vec<String> {
        let mut ids = walk.strings(v, path, "product_ids");
        for g in walk.strings(v, path, "group_ids") {
            ids.extend(groups.get(&g).into_iter().flatten().cloned());
        }
        ids
    };
    let mut vulnerabilities = Vec::new();
    for (i, v) in walk
        .array(doc, "", "vulnerabilities")
        .into_iter()
        .enumerate()
    {
        let path = format!(".vulnerabilities[{i}]");
        let mut out = CsafVulnerability {
            cve: walk.string(v, &path, "cve").map(|c| c.to_ascii_uppercase()),
            title: walk.string(v, &path, "title"),
            release_date: time(&mut walk, v, &path, "release_date"),
            ..CsafVulnerability::default()
        };
        for (j, x) in walk.array(v, &path, "ids").into_iter().enumerate() {
            if let Some(t) = walk.string(x, &format!("{path}.ids[{j}]"), "text") {
                out.ids.push(t);
            }
        }
        let notes = walk.array(v, &path, "notes");
        for wanted in ["description", "summary"] {
            if out.description.is_none() {
                out.description = notes
                    .iter()
                    .find(|n| n.get("category").and_then(Value::as_str) == Some(wanted))
                    .and_then(|n| n.get("text"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
        }
        if let Some(status) = walk.object(v, &path, "product_status")
            && let Some(map) = status.as_object()
        {
            for key in map.keys() {
                let ids = walk.strings(status, &format!("{path}.product_status"), key);
                out.product_status.insert(key.clone(), ids);
            }
        }
        for (j, r) in walk.array(v, &path, "remediations").into_iter().enumerate() {
            let rp = format!("{path}.remediations[{j}]");
            out.remediations.push(Remediation {
                category: walk.string(r, &rp, "category").unwrap_or_default(),
                details: walk.string(r, &rp, "details"),
                url: walk.string(r, &rp, "url"),
                product_ids: expand(&mut walk, r, &rp),
            });
        }
        for (j, f) in walk.array(v, &path, "flags").into_iter().enumerate() {
            let fp = format!("{path}.flags[{j}]");
            let Some(label) = walk.string(f, &fp, "label") else {
                continue;
            };
            if Justification::parse(&label).is_none() {
                walk.warn(&fp, format!("unknown flag label `{label}`"));
            }
            out.flags.push(Flag {
                label,
                date: time(&mut walk, f, &fp, "date"),
                product_ids: expand(&mut walk, f, &fp),
            });
        }
        for (j, t) in walk.array(v, &path, "threats").into_iter().enumerate() {
            let tp = format!("{path}.threats[{j}]");
            out.threats.push(Threat {
                category: walk.string(t, &tp, "category").unwrap_or_default(),
                details: walk.string(t, &tp, "details").unwrap_or_default(),
                product_ids: expand(&mut walk, t, &tp),
            });
        }
        for (j, s) in walk.array(v, &path, "scores").into_iter().enumerate() {
            let sp = format!("{path}.scores[{j}]");
            let products = walk.strings(s, &sp, "products");
            for (key, kind) in [
                ("cvss_v3", "CVSS_V3"),
                ("cvss_v2", "CVSS_V2"),
                ("cvss_v4", "CVSS_V4"),
            ] {
                if let Some(vector) = s
                    .get(key)
                    .and_then(|c| c.get("vectorString"))
                    .and_then(Value::as_str)
                {
                    out.scores
                        .push((kind.to_string(), vector.to_string(), products.clone()));
                }
            }
        }
        let cwe_ids = v
            .get("cwe")
            .into_iter()
            .chain(
                v.get("cwes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .filter_map(|c| c.get("id").and_then(Value::as_str));
        out.cwes = cwe_ids
            .filter_map(crate::advisory::model::normalise_cwe)
            .collect();
        out.cwes.sort();
        out.cwes.dedup();
        for r in walk.array(v, &path, "references") {
            if let Some(url) = r.get("url").and_then(Value::as_str) {
                out.references.push(url.to_string());
            }
        }
        vulnerabilities.push(out);
    }
    let category = walk
        .string(document, ".document", "category")
        .unwrap_or_default();
    let publisher = document
        .get("publisher")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let initial_release = time(
        &mut walk,
        &tracking,
        ".document.tracking",
        "initial_release_date",
    );
    let current_release = time(
        &mut walk,
        &tracking,
        ".document.tracking",
        "current_release_date",
    );
    Ok(CsafDocument {
        id,
        title: walk.string(document, ".document", "title"),
        category,
        csaf_version: walk.string(document, ".document", "csaf_version"),
        publisher,
        status: walk.string(&tracking, ".document.tracking", "status"),
        version: walk.string(&tracking, ".document.tracking", "version"),
        initial_release,
        current_release,
        products,
        vulnerabilities,
        warnings: walk.warnings,
        origin: origin.clone(),
    })
}

/// What the branches above a product say about it.
#[derive(Clone, Default)]
struct BranchContext {
    vendor: Option<String>,
    product_name: Option<String>,
    version: Option<VersionSpec>,
}

fn branch(
    walk: &mut Walk,
    b: &Value,
    path: &str,
    context: &mut BranchContext,
    products: &mut BTreeMap<String, CsafProduct>,
) {
    let mut inner = context.clone();
    let category = walk.string(b, path, "category").unwrap_or_default();
    let name = walk.string(b, path, "name");
    match category.as_str() {
        "vendor" => inner.vendor = name,
        "product_name" => inner.product_name = name,
        "product_version" => inner.version = name.map(VersionSpec::Version),
        "product_version_range" => inner.version = name.map(VersionSpec::Range),
        _ => {}
    }
    if let Some(p) = b.get("product")
        && let Some(product) = full_product(walk, p, &format!("{path}.product"), &inner)
    {
        products.insert(product.product_id.clone(), product);
    }
    for (i, child) in walk.array(b, path, "branches").into_iter().enumerate() {
        branch(
            walk,
            child,
            &format!("{path}.branches[{i}]"),
            &mut inner,
            products,
        );
    }
}

fn full_product(
    walk: &mut Walk,
    p: &Value,
    path: &str,
    context: &BranchContext,
) -> Option<CsafProduct> {
    let Some(product_id) = walk.string(p, path, "product_id") else {
        walk.warn(path, "product without `product_id`; skipped");
        return None;
    };
    let mut product = CsafProduct {
        name: walk
            .string(p, path, "name")
            .unwrap_or_else(|| product_id.clone()),
        product_id,
        vendor: context.vendor.clone(),
        product_name: context.product_name.clone(),
        version: context.version.clone(),
        ..CsafProduct::default()
    };
    if let Some(helper) = walk.object(p, path, "product_identification_helper") {
        let hp = format!("{path}.product_identification_helper");
        if let Some(text) = walk.string(helper, &hp, "purl") {
            match Purl::parse(&text) {
                Ok(purl) => product.purl = Some(purl),
                Err(e) => walk.warn(&format!("{hp}.purl"), e.to_string()),
            }
        }
        product.cpe = walk.string(helper, &hp, "cpe");
        product.model_numbers = walk.strings(helper, &hp, "model_numbers");
        product.serial_numbers = walk.strings(helper, &hp, "serial_numbers");
        for h in walk.array(helper, &hp, "hashes") {
            for fh in h
                .get("file_hashes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let (Some(a), Some(v)) = (
                    fh.get("algorithm").and_then(Value::as_str),
                    fh.get("value").and_then(Value::as_str),
                ) {
                    product.hashes.push((a.to_string(), v.to_ascii_lowercase()));
                }
            }
        }
    }
    Some(product)
}
