//! The guided declaration form: every question of the declaration format asked in plain
//! words, the profile's features and provisions taken from the catalogue with their own
//! explanations, and the answers turned into a TOML declaration that is submitted exactly as
//! the API submits one. Problems are shown next to the field they concern and everything the
//! person typed (and every evidence file they uploaded) is kept.
//!
//! `?from=<label>` starts from the declaration behind one of the organisation's labels (a new
//! software version is a new declaration); the process declaration it relied on is folded in,
//! so the form answers every provision itself.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use iotlabel_catalog::model::{EvidenceKind, Modality};
use iotlabel_catalog::{Catalog, ProvisionId};
use iotlabel_declaration::model::{Declaration, DefaultPassword, Delivery, Producer, Support3};
use iotlabel_declaration::{Severity, Syntax};
use iotlabel_registry::{Account, RegistryError, Role, store};
use iotlabel_server::AppState;
use jiff::Timestamp;
use serde::Deserialize;
use toml::{Table, Value};

use super::assessment::{AssessmentShown, AssessmentView, preview};
use super::form::{Field, FormState, Posted, ProblemLine, split_list, to_submitted_label};
use super::labels::{canonical_id, owns};
use super::require;
use crate::page::{PageCtx, WebError};

/// The profile a new declaration starts with.
const DEFAULT_PROFILE: &str = "consumer-baseline";
/// Evidence upload slots on the form.
const UPLOAD_SLOTS: usize = 2;
/// Most personal-data rows.
const MAX_DATA_ROWS: usize = 20;
/// Most evidence rows carried by the form.
const MAX_EVIDENCE_ROWS: usize = 100;
/// Category suggestions (the declaration accepts any).
const CATEGORIES: &[&str] = &[
    "camera",
    "smart-plug",
    "router",
    "toy",
    "wearable",
    "gateway",
    "hub",
    "speaker",
    "tv",
    "thermostat",
    "lock",
    "baby-monitor",
    "appliance",
    "vehicle",
    "health",
];

/// A group of fields under a heading.
pub struct Section {
    /// Anchor.
    pub id: String,
    /// Heading.
    pub title: String,
    /// What it is about, plainly.
    pub intro: String,
    /// Its fields.
    pub fields: Vec<Field>,
}

/// One provision to answer.
pub struct ClaimQuestion {
    /// Short id (`5.1-1`).
    pub id: String,
    /// Title.
    pub title: String,
    /// What it asks, plainly.
    pub plain: String,
    /// Mandatory in this profile.
    pub mandatory: bool,
    /// When it applies, in words ("" = always).
    pub condition: String,
    /// The catalogue text is English on a page in another language.
    pub english: bool,
    /// yes / no / not-applicable.
    pub support: Field,
    /// Why.
    pub justification: Field,
}

impl ClaimQuestion {
    /// The two fields, in order.
    pub fn fields(&self) -> [&Field; 2] {
        [&self.support, &self.justification]
    }
}

/// Provisions of one category.
pub struct ClaimGroup {
    /// Anchor.
    pub id: String,
    /// Category title.
    pub title: String,
    /// What the category is about.
    pub plain: String,
    /// Its provisions.
    pub claims: Vec<ClaimQuestion>,
}

/// An evidence item the form carries (uploaded before, or from the declaration it started
/// from); its data travels in hidden fields.
pub struct EvidenceRow {
    /// Anchor and field prefix (`ev.3`).
    pub name: String,
    /// Title.
    pub title: String,
    /// Kind in words.
    pub kind: String,
    /// File name or URL.
    pub location: String,
    /// Start of the digest.
    pub digest: String,
    /// The provisions it supports ("" = every yes answer that accepts its kind).
    pub supports: String,
    /// "Supports 12 provisions".
    pub supports_title: String,
    /// Hidden fields.
    pub hidden: Vec<(String, String)>,
    /// Problems with it.
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "portal_declare.html")]
struct DeclarePage<'a> {
    ctx: &'a PageCtx,
    action: String,
    profile_title: String,
    profile_plain: String,
    profiles: Vec<super::form::Choice>,
    notice: Option<String>,
    problems: Vec<ProblemLine>,
    preview: Option<AssessmentShown>,
    categories: Vec<&'static str>,
    first: Vec<Section>,
    features: Section,
    facts: Vec<Section>,
    data_rows: Vec<Section>,
    claim_groups: Vec<ClaimGroup>,
    evidence: Vec<EvidenceRow>,
    uploads: Vec<Section>,
    hidden: Vec<(String, String)>,
}

/// `?profile=` and `?from=`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeclareQuery {
    profile: Option<String>,
    from: Option<String>,
}

/// `GET /portal/declare`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    query: Result<Query<DeclareQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let r = page_inner(&state, &ctx, q).await;
    ctx.respond(r)
}

async fn page_inner(
    state: &AppState,
    ctx: &PageCtx,
    q: DeclareQuery,
) -> Result<Response, WebError> {
    let account = require(ctx, Role::Manufacturer)?.clone();
    let catalog = &*state.registry().catalog;
    let mut form = FormState::default();
    form.set("manufacturer.legal_name", account.organisation_name.clone());
    let mut notice = None;
    let mut from_profile = None;
    if let Some(from) = q.from.as_deref().filter(|f| !f.trim().is_empty()) {
        let (decl, profile) = from_label(state, ctx, &account, from).await?;
        prefill(&mut form, &decl, catalog);
        from_profile = profile;
        notice = Some(ctx.t("portal-declare-from-notice"));
        form.set("from", canonical_id(from));
    }
    let profile = q
        .profile
        .filter(|p| catalog.profile(p).is_some())
        .or(from_profile)
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
    form.set("profile", profile);
    let page = build_page(ctx, catalog, &mut form, notice, None);
    Ok(ctx.render(&page))
}

/// The declaration behind one of the organisation's labels, with its process declaration's
/// claims and evidence folded in; and its first profile.
async fn from_label(
    state: &AppState,
    ctx: &PageCtx,
    account: &Account,
    id: &str,
) -> Result<(Declaration, Option<String>), WebError> {
    let registry = state.registry();
    let label = registry.label(&canonical_id(id)).await?;
    if !owns(state, account, &label).await? {
        return Err(WebError::Forbidden(ctx.t("portal-not-your-label")));
    }
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let read = |text: Vec<u8>| -> Result<Declaration, WebError> {
        let text = String::from_utf8(text)
            .map_err(|_| WebError::BadRequest(ctx.t("portal-declare-from-unreadable")))?;
        let syntax = if text.trim_start().starts_with('{') {
            Syntax::Json
        } else {
            Syntax::Toml
        };
        iotlabel_declaration::from_text(
            "declaration".into(),
            text,
            syntax,
            &registry.catalog,
            today,
        )
        .map(|(_, d, _)| d)
        .map_err(|_| WebError::BadRequest(ctx.t("portal-declare-from-unreadable")))
    };
    let (_, text) = store::declaration(&registry.db.pool, &label.declaration_sha256)
        .await?
        .ok_or_else(|| WebError::NotFound(ctx.t("portal-declare-from-unreadable")))?;
    let mut decl = read(text)?;
    if decl.scope != iotlabel_declaration::model::Scope::Device {
        return Err(WebError::BadRequest(ctx.t("portal-declare-from-system")));
    }
    let process_sha = registry
        .assessment_result(&label.assessment_id)
        .await?
        .and_then(|(_, json, _)| AssessmentView::from_json(&json))
        .and_then(|a| a.inputs.process_sha256);
    if let Some(sha) = process_sha
        && let Some((_, text)) = store::declaration(&registry.db.pool, &sha).await?
    {
        let process = read(text)?;
        let claimed: BTreeSet<ProvisionId> = decl
            .claims
            .iter()
            .filter_map(|c| {
                registry
                    .catalog
                    .resolve(&c.provision)
                    .ok()
                    .map(|p| p.id.clone())
            })
            .collect();
        for c in process.claims {
            let resolved = registry
                .catalog
                .resolve(&c.provision)
                .ok()
                .map(|p| p.id.clone());
            if resolved.is_some_and(|id| !claimed.contains(&id)) {
                decl.claims.push(c);
            }
        }
        for mut e in process.evidence {
            e.id = format!("process-{}", e.id);
            decl.evidence.push(e);
        }
        if decl.vulnerability_disclosure.is_none() {
            decl.vulnerability_disclosure = process.vulnerability_disclosure;
        }
    }
    decl.process = None;
    let profile = decl.profiles.first().cloned();
    Ok((decl, profile))
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The id a claim is written with: the short one when it names this provision.
fn short_id(catalog: &Catalog, id: &ProvisionId) -> String {
    match catalog.resolve(&id.local) {
        Ok(p) if &p.id == id => id.local.clone(),
        _ => id.to_string(),
    }
}

/// Fills the form from a declaration.
fn prefill(form: &mut FormState, d: &Declaration, catalog: &Catalog) {
    form.set("manufacturer.legal_name", d.manufacturer.legal_name.clone());
    form.set("manufacturer.address", d.manufacturer.address.clone());
    form.set(
        "manufacturer.security_contact",
        d.manufacturer.security_contact.clone(),
    );
    form.set(
        "manufacturer.website",
        d.manufacturer.website.clone().unwrap_or_default(),
    );
    if let Some(p) = &d.product {
        form.set("product.brand", p.brand.clone());
        form.set("product.model", p.model.clone());
        form.set("product.category", p.category.clone());
        form.set("product.hardware_version", p.hardware_version.clone());
        form.set("product.software_version", p.software_version.clone());
        form.set("product.intended_use", p.intended_use.clone());
        form.set("product.sensing", p.sensing.join(", "));
        form.set(
            "product.identifiers",
            p.identifiers
                .iter()
                .map(|i| format!("{}: {}", i.scheme, i.value))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    for (k, v) in &d.features {
        form.set(format!("features.{k}"), yes_no(*v));
    }
    if let Some(a) = &d.authentication {
        form.set("authentication.mechanism", a.mechanism.clone());
        form.set(
            "authentication.default_password",
            match a.default_password {
                DefaultPassword::None => "none",
                DefaultPassword::UniquePerDevice => "unique-per-device",
                DefaultPassword::UserDefined => "user-defined",
                DefaultPassword::Universal => "universal",
            },
        );
        form.set(
            "authentication.brute_force_protection",
            a.brute_force_protection.clone().unwrap_or_default(),
        );
    }
    if let Some(u) = &d.updates {
        form.set("updates.mechanism", u.mechanism.clone());
        form.set(
            "updates.delivery",
            match u.delivery {
                Delivery::Network => "network",
                Delivery::Local => "local",
                Delivery::None => "none",
            },
        );
        form.set("updates.automatic", yes_no(u.automatic));
        form.set("updates.signed", yes_no(u.signed));
    }
    if let Some(s) = &d.support {
        form.set("support.period_end", s.period_end.to_string());
        form.set(
            "support.published_at",
            s.published_at.clone().unwrap_or_default(),
        );
    }
    if let Some(v) = &d.vulnerability_disclosure {
        form.set("vulnerability_disclosure.contact", v.contact.clone());
        form.set(
            "vulnerability_disclosure.policy_url",
            v.policy_url.clone().unwrap_or_default(),
        );
        form.set(
            "vulnerability_disclosure.acknowledge_within_days",
            v.acknowledge_within_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        form.set(
            "vulnerability_disclosure.status_update_within_days",
            v.status_update_within_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
    }
    for (i, dp) in d.data_practices.iter().take(MAX_DATA_ROWS).enumerate() {
        form.set(format!("dp.{i}.data"), dp.data.clone());
        form.set(format!("dp.{i}.purpose"), dp.purpose.clone());
        form.set(format!("dp.{i}.shared_with"), dp.shared_with.join(", "));
        form.set(format!("dp.{i}.retention"), dp.retention.clone());
        form.set(format!("dp.{i}.deletion"), dp.deletion.clone());
        form.set(
            format!("dp.{i}.legal_basis"),
            dp.legal_basis.clone().unwrap_or_default(),
        );
    }
    for c in &d.claims {
        let Ok(p) = catalog.resolve(&c.provision) else {
            continue;
        };
        let short = short_id(catalog, &p.id);
        form.set(
            format!("claim.{short}.support"),
            match c.support {
                Support3::Yes => "yes",
                Support3::No => "no",
                Support3::NotApplicable => "not-applicable",
            },
        );
        form.set(
            format!("claim.{short}.justification"),
            c.justification.clone().unwrap_or_default(),
        );
    }
    for (i, e) in d.evidence.iter().take(MAX_EVIDENCE_ROWS).enumerate() {
        let at = format!("ev.{i}");
        form.set(format!("{at}.keep"), "1");
        form.set(format!("{at}.title"), e.title.clone());
        form.set(format!("{at}.kind"), e.kind.as_str());
        form.set(format!("{at}.sha256"), e.sha256.clone());
        match (&e.url, &e.path) {
            (Some(u), _) => {
                form.set(format!("{at}.location"), u.clone());
                form.set(format!("{at}.url"), "1");
            }
            (None, Some(p)) => form.set(format!("{at}.location"), p.clone()),
            (None, None) => {}
        }
        form.set(
            format!("{at}.producer"),
            if e.producer == Producer::Assessor {
                "assessor"
            } else {
                "self"
            },
        );
        form.set(
            format!("{at}.assessor"),
            e.assessor.clone().unwrap_or_default(),
        );
        form.set(format!("{at}.date"), e.date.to_string());
        form.set(format!("{at}.provisions"), e.provisions.join(" "));
    }
}

/// Text from the catalogue in the page's language, and whether it is (still) English.
fn localised(ctx: &PageCtx, translated: Option<&str>, english: &str) -> (String, bool) {
    let text = translated.unwrap_or(english).to_owned();
    let is_english = ctx.lang != crate::Lang::En && text == english;
    (text, is_english)
}

/// The features the profile's provisions depend on, in catalogue order.
fn needed_features<'c>(
    catalog: &'c Catalog,
    profile: &iotlabel_catalog::model::Profile,
) -> Vec<&'c iotlabel_catalog::model::Feature> {
    let needed: BTreeSet<String> = profile
        .provisions
        .iter()
        .filter_map(|id| catalog.provision(id))
        .filter_map(|p| p.condition.as_ref())
        .flat_map(|c| c.features())
        .map(str::to_owned)
        .collect();
    catalog
        .features
        .iter()
        .filter(|f| needed.contains(&f.id))
        .collect()
}

/// The provisions to answer: the profile's, except those the engine decides itself.
fn claim_provisions<'c>(
    catalog: &'c Catalog,
    profile: &iotlabel_catalog::model::Profile,
) -> Vec<&'c iotlabel_catalog::model::Provision> {
    profile
        .provisions
        .iter()
        .filter_map(|id| catalog.provision(id))
        .filter(|p| p.automatic.is_none())
        .collect()
}

/// Indices of the data-practice rows present in the form.
fn data_rows(form: &FormState) -> Vec<usize> {
    let mut rows: BTreeSet<usize> = form
        .names_with("dp.")
        .iter()
        .filter_map(|n| n.split('.').nth(1)?.parse().ok())
        .filter(|i| *i < MAX_DATA_ROWS)
        .collect();
    // Always one empty row to add another, and at least two.
    let next = rows.iter().next_back().map_or(0, |m| m + 1);
    rows.insert(next);
    if rows.len() < 2 {
        rows.insert(next + 1);
    }
    rows.into_iter().filter(|i| *i < MAX_DATA_ROWS).collect()
}

const DP_FIELDS: [&str; 6] = [
    "data",
    "purpose",
    "shared_with",
    "retention",
    "deletion",
    "legal_basis",
];

/// Indices of the evidence rows the form carries (kept ones).
fn evidence_rows(form: &FormState) -> Vec<usize> {
    form.names_with("ev.")
        .iter()
        .filter(|n| n.ends_with(".keep"))
        .filter(|n| form.value(n) == "1")
        .filter_map(|n| n.split('.').nth(1)?.parse().ok())
        .filter(|i| *i < MAX_EVIDENCE_ROWS)
        .collect::<BTreeSet<usize>>()
        .into_iter()
        .collect()
}

fn build_page<'a>(
    ctx: &'a PageCtx,
    catalog: &Catalog,
    form: &mut FormState,
    notice: Option<String>,
    preview: Option<AssessmentShown>,
) -> DeclarePage<'a> {
    let lang = ctx.lang.tag();
    let profile_id = form.value("profile").to_owned();
    let Some(profile) = catalog
        .profile(&profile_id)
        .or_else(|| catalog.profile(DEFAULT_PROFILE))
        .or(catalog.profiles.first())
    else {
        // A catalogue without profiles cannot be declared against; the page says so.
        return empty_page(ctx, notice);
    };
    let t = |id: &str| ctx.t(id);
    let text = |name: &str, label: &str, hint: &str| {
        Field::new("text", name, t(label))
            .hint(if hint.is_empty() {
                String::new()
            } else {
                t(hint)
            })
            .max(500)
    };
    let area = |name: &str, label: &str, hint: &str| {
        Field::new("textarea", name, t(label))
            .hint(if hint.is_empty() {
                String::new()
            } else {
                t(hint)
            })
            .max(5000)
    };
    let radio = |name: &str, label: &str, hint: &str, choices: &[(&str, &str)]| {
        Field::new("radio", name, t(label))
            .hint(if hint.is_empty() {
                String::new()
            } else {
                t(hint)
            })
            .choices(
                choices
                    .iter()
                    .map(|(v, l)| ((*v).to_owned(), t(l)))
                    .collect(),
            )
    };
    let yes_no_choices: &[(&str, &str)] = &[("yes", "portal-yes"), ("no", "portal-no")];

    let first = vec![
        Section {
            id: "manufacturer".into(),
            title: t("portal-q-manufacturer"),
            intro: t("portal-q-manufacturer-intro"),
            fields: vec![
                Field::new("text", "manufacturer.legal_name", t("portal-q-legal-name"))
                    .hint(ctx.t.t1(
                        "portal-q-legal-name-hint",
                        "name",
                        form.value("manufacturer.legal_name"),
                    ))
                    .required()
                    .max(300),
                area(
                    "manufacturer.address",
                    "portal-q-address",
                    "portal-q-address-hint",
                )
                .required(),
                text(
                    "manufacturer.security_contact",
                    "portal-q-security-contact",
                    "portal-q-security-contact-hint",
                )
                .required(),
                Field::new("url", "manufacturer.website", t("portal-q-website")).max(500),
            ],
        },
        Section {
            id: "product".into(),
            title: t("portal-q-product"),
            intro: t("portal-q-product-intro"),
            fields: vec![
                text("product.brand", "portal-q-brand", "portal-q-brand-hint").required(),
                text("product.model", "portal-q-model", "portal-q-model-hint").required(),
                text(
                    "product.category",
                    "portal-q-category",
                    "portal-q-category-hint",
                )
                .required(),
                text(
                    "product.hardware_version",
                    "portal-q-hardware",
                    "portal-q-hardware-hint",
                )
                .required(),
                text(
                    "product.software_version",
                    "portal-q-software",
                    "portal-q-software-hint",
                )
                .required(),
                area(
                    "product.intended_use",
                    "portal-q-intended-use",
                    "portal-q-intended-use-hint",
                )
                .required(),
                text(
                    "product.sensing",
                    "portal-q-sensing",
                    "portal-q-sensing-hint",
                ),
                area(
                    "product.identifiers",
                    "portal-q-identifiers",
                    "portal-q-identifiers-hint",
                ),
            ],
        },
    ];
    let features = Section {
        id: "features".into(),
        title: t("portal-q-features"),
        intro: t("portal-q-features-intro"),
        fields: needed_features(catalog, profile)
            .into_iter()
            .map(|f| {
                let (question, en_q) =
                    localised(ctx, catalog.feature_question_in(lang, &f.id), &f.question);
                let (plain, en_p) = localised(ctx, catalog.feature_plain_in(lang, &f.id), &f.plain);
                let mut field = Field::new("radio", format!("features.{}", f.id), question)
                    .hint(plain)
                    .required()
                    .choices(
                        yes_no_choices
                            .iter()
                            .map(|(v, l)| ((*v).to_owned(), t(l)))
                            .collect(),
                    );
                field.english = en_q || en_p;
                field
            })
            .collect(),
    };
    let facts = vec![
        Section {
            id: "passwords".into(),
            title: t("portal-q-passwords"),
            intro: t("portal-q-passwords-intro"),
            fields: vec![
                radio(
                    "authentication.default_password",
                    "portal-q-default-password",
                    "portal-q-default-password-hint",
                    &[
                        ("none", "portal-q-pw-none"),
                        ("unique-per-device", "portal-q-pw-unique"),
                        ("user-defined", "portal-q-pw-user"),
                        ("universal", "portal-q-pw-universal"),
                    ],
                )
                .required(),
                area(
                    "authentication.mechanism",
                    "portal-q-auth-mechanism",
                    "portal-q-auth-mechanism-hint",
                )
                .required(),
                text(
                    "authentication.brute_force_protection",
                    "portal-q-brute-force",
                    "portal-q-brute-force-hint",
                ),
            ],
        },
        Section {
            id: "updates".into(),
            title: t("portal-q-updates"),
            intro: t("portal-q-updates-intro"),
            fields: vec![
                radio(
                    "updates.delivery",
                    "portal-q-delivery",
                    "",
                    &[
                        ("network", "portal-q-delivery-network"),
                        ("local", "portal-q-delivery-local"),
                        ("none", "portal-q-delivery-none"),
                    ],
                )
                .required(),
                area(
                    "updates.mechanism",
                    "portal-q-update-mechanism",
                    "portal-q-update-mechanism-hint",
                )
                .required(),
                radio(
                    "updates.automatic",
                    "portal-q-automatic",
                    "portal-q-automatic-hint",
                    yes_no_choices,
                )
                .required(),
                radio(
                    "updates.signed",
                    "portal-q-signed",
                    "portal-q-signed-hint",
                    yes_no_choices,
                )
                .required(),
            ],
        },
        Section {
            id: "support".into(),
            title: t("portal-q-support"),
            intro: t("portal-q-support-intro"),
            fields: vec![
                Field::new("month", "support.period_end", t("portal-q-period-end"))
                    .hint(t("portal-q-period-end-hint"))
                    .required()
                    .max(10),
                Field::new("url", "support.published_at", t("portal-q-published-at"))
                    .hint(t("portal-q-published-at-hint"))
                    .max(500),
            ],
        },
        Section {
            id: "disclosure".into(),
            title: t("portal-q-disclosure"),
            intro: t("portal-q-disclosure-intro"),
            fields: vec![
                Field::new(
                    "url",
                    "vulnerability_disclosure.policy_url",
                    t("portal-q-policy-url"),
                )
                .hint(t("portal-q-policy-url-hint"))
                .max(500),
                text(
                    "vulnerability_disclosure.contact",
                    "portal-q-disclosure-contact",
                    "portal-q-disclosure-contact-hint",
                )
                .required(),
                Field::new(
                    "number",
                    "vulnerability_disclosure.acknowledge_within_days",
                    t("portal-q-ack-days"),
                )
                .hint(t("portal-q-ack-days-hint"))
                .max(4),
                Field::new(
                    "number",
                    "vulnerability_disclosure.status_update_within_days",
                    t("portal-q-update-days"),
                )
                .hint(t("portal-q-update-days-hint"))
                .max(4),
            ],
        },
    ];
    let data_rows: Vec<Section> = data_rows(form)
        .into_iter()
        .enumerate()
        .map(|(n, i)| Section {
            id: format!("dp.{i}"),
            title: ctx.t.t1("portal-q-data-row", "n", n + 1),
            intro: String::new(),
            fields: vec![
                text(
                    &format!("dp.{i}.data"),
                    "portal-q-dp-data",
                    "portal-q-dp-data-hint",
                ),
                area(
                    &format!("dp.{i}.purpose"),
                    "portal-q-dp-purpose",
                    "portal-q-dp-purpose-hint",
                ),
                text(
                    &format!("dp.{i}.shared_with"),
                    "portal-q-dp-shared",
                    "portal-q-dp-shared-hint",
                ),
                text(
                    &format!("dp.{i}.retention"),
                    "portal-q-dp-retention",
                    "portal-q-dp-retention-hint",
                ),
                area(
                    &format!("dp.{i}.deletion"),
                    "portal-q-dp-deletion",
                    "portal-q-dp-deletion-hint",
                ),
                text(
                    &format!("dp.{i}.legal_basis"),
                    "portal-q-dp-legal-basis",
                    "portal-q-dp-legal-basis-hint",
                ),
            ],
        })
        .collect();
    let mut groups: Vec<ClaimGroup> = Vec::new();
    for p in claim_provisions(catalog, profile) {
        let short = short_id(catalog, &p.id);
        let (title, en_t) = localised(ctx, catalog.title_in(lang, &p.id), &p.title);
        let (plain, en_p) = localised(ctx, catalog.plain_in(lang, &p.id), &p.plain);
        let mandatory = profile.effective_modality(p) == Modality::Mandatory;
        let support = Field::new(
            "radio",
            format!("claim.{short}.support"),
            t("portal-q-claim-support"),
        )
        .choices(vec![
            ("yes".into(), t("portal-q-claim-yes")),
            ("no".into(), t("portal-q-claim-no")),
            ("not-applicable".into(), t("portal-q-claim-na")),
        ]);
        let justification = Field::new(
            "textarea",
            format!("claim.{short}.justification"),
            t("portal-q-claim-justification"),
        )
        .hint(t("portal-q-claim-justification-hint"))
        .max(5000);
        let question = ClaimQuestion {
            id: short,
            title,
            plain,
            mandatory,
            condition: p.condition_text.clone().unwrap_or_default(),
            english: en_t || en_p,
            support,
            justification,
        };
        match groups.last_mut() {
            Some(g) if g.id == format!("cat-{}", p.category) => g.claims.push(question),
            _ => {
                let (title, _) = localised(
                    ctx,
                    catalog.category_title_in(lang, &p.category),
                    &p.category,
                );
                let plain = catalog
                    .category_plain_in(lang, &p.category)
                    .unwrap_or_default()
                    .to_owned();
                groups.push(ClaimGroup {
                    id: format!("cat-{}", p.category),
                    title: format!("{} {}", p.category, title),
                    plain,
                    claims: vec![question],
                });
            }
        }
    }
    let uploads = (0..UPLOAD_SLOTS)
        .map(|i| Section {
            id: format!("upload.{i}"),
            title: ctx.t.t1("portal-q-upload-row", "n", i + 1),
            intro: String::new(),
            fields: vec![
                Field::new(
                    "file",
                    format!("upload.{i}.file"),
                    t("portal-q-upload-file"),
                )
                .hint(t("portal-q-upload-file-hint")),
                text(
                    &format!("upload.{i}.title"),
                    "portal-q-upload-title",
                    "portal-q-upload-title-hint",
                ),
                radio(
                    &format!("upload.{i}.kind"),
                    "portal-q-upload-kind",
                    "",
                    &[
                        ("document", "portal-q-kind-document"),
                        ("declaration", "portal-q-kind-declaration"),
                    ],
                ),
            ],
        })
        .collect::<Vec<_>>();

    // Fill values and errors, then give every problem the label of its field.
    let fill = |s: Section, form: &FormState| Section {
        fields: s.fields.into_iter().map(|f| f.fill(form)).collect(),
        ..s
    };
    let first: Vec<Section> = first.into_iter().map(|s| fill(s, form)).collect();
    let features = fill(features, form);
    let facts: Vec<Section> = facts.into_iter().map(|s| fill(s, form)).collect();
    let data_rows: Vec<Section> = data_rows.into_iter().map(|s| fill(s, form)).collect();
    let mut uploads: Vec<Section> = uploads.into_iter().map(|s| fill(s, form)).collect();
    for s in &mut uploads {
        for f in &mut s.fields {
            // A kind left unchosen is a document.
            if f.kind == "radio" && f.value.is_empty() {
                for c in &mut f.choices {
                    c.checked = c.value == "document";
                }
            }
        }
    }
    let claim_groups: Vec<ClaimGroup> = groups
        .into_iter()
        .map(|g| ClaimGroup {
            claims: g
                .claims
                .into_iter()
                .map(|c| ClaimQuestion {
                    support: c.support.fill(form),
                    justification: c.justification.fill(form),
                    ..c
                })
                .collect(),
            ..g
        })
        .collect();
    let evidence = evidence_rows(form)
        .into_iter()
        .map(|i| {
            let at = format!("ev.{i}");
            let v = |k: &str| form.value(&format!("{at}.{k}")).to_owned();
            let provisions = v("provisions");
            EvidenceRow {
                hidden: [
                    "title",
                    "kind",
                    "sha256",
                    "location",
                    "url",
                    "producer",
                    "assessor",
                    "date",
                    "provisions",
                ]
                .iter()
                .map(|k| (format!("{at}.{k}"), v(k)))
                .collect(),
                errors: form.errors_of(&at),
                title: v("title"),
                kind: ctx.t(&format!("portal-q-kind-{}", v("kind"))),
                location: v("location"),
                digest: v("sha256").chars().take(12).collect(),
                supports_title: ctx.t.n(
                    "portal-q-evidence-supports-n",
                    provisions.split_whitespace().count() as u64,
                ),
                supports: provisions.split_whitespace().collect::<Vec<_>>().join(", "),
                name: at,
            }
        })
        .collect();

    let mut labels: HashMap<String, String> = HashMap::new();
    for s in first
        .iter()
        .chain([&features])
        .chain(facts.iter())
        .chain(data_rows.iter())
    {
        for f in &s.fields {
            labels.insert(f.name.clone(), f.label.clone());
        }
    }
    for g in &claim_groups {
        for c in &g.claims {
            labels.insert(c.support.name.clone(), format!("{} {}", c.id, c.title));
            labels.insert(
                c.justification.name.clone(),
                format!("{} {}", c.id, c.title),
            );
        }
    }
    let problems = std::mem::take(&mut form.problems)
        .into_iter()
        .map(|mut p| {
            if let Some(a) = &p.anchor {
                if let Some(l) = labels.get(a) {
                    p.place = l.clone();
                } else if a.starts_with("ev.") {
                    p.place = t("portal-q-evidence");
                }
            }
            p
        })
        .collect();

    let (profile_title, _) = localised(
        ctx,
        catalog.profile_title_in(lang, &profile.id),
        &profile.title,
    );
    let (profile_plain, _) = localised(
        ctx,
        catalog.profile_plain_in(lang, &profile.id),
        &profile.plain,
    );
    let profiles = catalog
        .profiles
        .iter()
        .map(|p| super::form::Choice {
            value: p.id.clone(),
            label: catalog
                .profile_title_in(lang, &p.id)
                .unwrap_or(&p.title)
                .to_owned(),
            checked: p.id == profile.id,
        })
        .collect();
    let mut hidden = vec![("profile".to_owned(), profile.id.clone())];
    if !form.value("from").is_empty() {
        hidden.push(("from".into(), form.value("from").to_owned()));
    }
    DeclarePage {
        ctx,
        action: ctx.href("/portal/declare"),
        profile_title,
        profile_plain,
        profiles,
        notice,
        problems,
        preview,
        categories: CATEGORIES.to_vec(),
        first,
        features,
        facts,
        data_rows,
        claim_groups,
        evidence,
        uploads,
        hidden,
    }
}

fn empty_page(ctx: &PageCtx, notice: Option<String>) -> DeclarePage<'_> {
    DeclarePage {
        ctx,
        action: ctx.href("/portal/declare"),
        profile_title: String::new(),
        profile_plain: String::new(),
        profiles: Vec::new(),
        notice,
        problems: Vec::new(),
        preview: None,
        categories: Vec::new(),
        first: Vec::new(),
        features: Section {
            id: String::new(),
            title: String::new(),
            intro: String::new(),
            fields: Vec::new(),
        },
        facts: Vec::new(),
        data_rows: Vec::new(),
        claim_groups: Vec::new(),
        evidence: Vec::new(),
        uploads: Vec::new(),
        hidden: Vec::new(),
    }
}

/// `POST /portal/declare`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let r = submit_inner(&state, &ctx, &headers, multipart).await;
    ctx.respond(r)
}

async fn submit_inner(
    state: &AppState,
    ctx: &PageCtx,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let max = state.registry().config.max_upload_bytes;
    let posted = Posted::read(ctx, multipart, max, max.saturating_mul(2)).await?;
    ctx.verify_csrf(headers, posted.get("csrf"))?;
    let account = require(ctx, Role::Manufacturer)?.clone();
    let registry = state.registry();
    let catalog = &*registry.catalog;
    let mut form = FormState::from_fields(&posted.fields);
    if catalog.profile(form.value("profile")).is_none() {
        form.set("profile", DEFAULT_PROFILE);
    }
    let now = Timestamp::now();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();

    // Keep every uploaded evidence file (by digest) before anything else can fail, so that a
    // form sent back with problems does not lose it.
    let mut next_row = form
        .names_with("ev.")
        .iter()
        .filter_map(|n| n.split('.').nth(1)?.parse::<usize>().ok())
        .max()
        .map_or(0, |m| m + 1);
    for i in 0..UPLOAD_SLOTS {
        let Some(file) = posted.files(&format!("upload.{i}.file")).next() else {
            continue;
        };
        if next_row >= MAX_EVIDENCE_ROWS {
            break;
        }
        let digest = registry
            .put_blob(
                &account,
                file.bytes.clone(),
                "application/octet-stream",
                None,
            )
            .await?;
        let at = format!("ev.{next_row}");
        next_row += 1;
        let title = form.trimmed(&format!("upload.{i}.title")).to_owned();
        let kind = match form.value(&format!("upload.{i}.kind")) {
            "declaration" => "declaration",
            _ => "document",
        };
        form.set(format!("{at}.keep"), "1");
        form.set(
            format!("{at}.title"),
            if title.is_empty() {
                file.file_name.clone()
            } else {
                title
            },
        );
        form.set(format!("{at}.kind"), kind);
        form.set(format!("{at}.sha256"), digest);
        form.set(
            format!("{at}.location"),
            format!("evidence/{}", safe_file_name(&file.file_name, next_row)),
        );
        form.set(format!("{at}.producer"), "self");
        form.set(format!("{at}.date"), today.clone());
        form.set(format!("{at}.provisions"), "");
        form.set(format!("upload.{i}.title"), "");
    }

    check(ctx, catalog, &mut form);
    let mut preview_shown = None;
    if !form.has_errors() {
        let (toml_text, claim_order, data_order, evidence_order) =
            build_toml(catalog, &form, &today);
        match registry
            .submit(&account, &toml_text, Syntax::Toml, None, None, now)
            .await
        {
            Ok(submitted) => return Ok(to_submitted_label(ctx, &submitted)),
            Err(RegistryError::Invalid { message, problems }) => {
                if problems.is_empty() {
                    form.fail_general(
                        &ctx.t("portal-declare-assessment"),
                        message,
                        String::new(),
                        false,
                    );
                    if let Some(a) = preview(registry, &toml_text, Syntax::Toml, None, now).await {
                        preview_shown = Some(AssessmentShown::new(ctx, registry, &a));
                    }
                } else {
                    for p in problems {
                        let target = field_of(&p.field, &claim_order, &data_order, &evidence_order);
                        let hint = p.hint.clone().unwrap_or_default();
                        let warning = p.severity == Severity::Warning;
                        match target {
                            Some(name) if !warning => form.fail(&name, &p.field, p.message, hint),
                            _ => form.fail_general(&p.field, p.message, hint, warning),
                        }
                    }
                }
            }
            Err(e) => {
                let e = WebError::from(e);
                if matches!(e, WebError::Internal(_) | WebError::SignIn) {
                    return Err(e);
                }
                form.fail_general(
                    &ctx.t("portal-declare-registry"),
                    e.to_string(),
                    String::new(),
                    false,
                );
            }
        }
    }
    let page = build_page(ctx, catalog, &mut form, None, preview_shown);
    Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// A file name safe to write into a declaration as a relative path.
fn safe_file_name(name: &str, n: usize) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        format!("evidence-{n}")
    } else {
        cleaned
    }
}

/// The form's own checks: what must be answered before the registry can say anything useful.
fn check(ctx: &PageCtx, catalog: &Catalog, form: &mut FormState) {
    let required = [
        "manufacturer.legal_name",
        "manufacturer.address",
        "manufacturer.security_contact",
        "product.brand",
        "product.model",
        "product.category",
        "product.hardware_version",
        "product.software_version",
        "product.intended_use",
        "authentication.default_password",
        "authentication.mechanism",
        "updates.delivery",
        "updates.mechanism",
        "updates.automatic",
        "updates.signed",
        "support.period_end",
        "vulnerability_disclosure.contact",
    ];
    for name in required {
        if form.trimmed(name).is_empty() {
            form.fail(name, "", ctx.t("portal-err-required"), String::new());
        }
    }
    let profile_id = form.value("profile").to_owned();
    if let Some(profile) = catalog.profile(&profile_id) {
        for f in needed_features(catalog, profile) {
            let name = format!("features.{}", f.id);
            if !matches!(form.value(&name), "yes" | "no") {
                form.fail(&name, "", ctx.t("portal-err-answer"), String::new());
            }
        }
    }
    for name in [
        "vulnerability_disclosure.acknowledge_within_days",
        "vulnerability_disclosure.status_update_within_days",
    ] {
        let v = form.trimmed(name);
        if !v.is_empty() && v.parse::<u32>().is_err() {
            form.fail(name, "", ctx.t("portal-err-number"), String::new());
        }
    }
    for i in data_rows(form) {
        let filled: Vec<&str> = DP_FIELDS
            .iter()
            .copied()
            .filter(|f| !form.trimmed(&format!("dp.{i}.{f}")).is_empty())
            .collect();
        if filled.is_empty() {
            continue;
        }
        for f in ["data", "purpose", "retention", "deletion"] {
            let name = format!("dp.{i}.{f}");
            if form.trimmed(&name).is_empty() {
                form.fail(&name, "", ctx.t("portal-err-dp-incomplete"), String::new());
            }
        }
    }
}

fn string(s: &str) -> Value {
    Value::String(s.trim().to_owned())
}

fn optional(t: &mut Table, key: &str, v: &str) {
    if !v.trim().is_empty() {
        t.insert(key.into(), string(v));
    }
}

/// The declaration as TOML, and which form row each claim, data practice and evidence item
/// came from (so that the registry's problems, which name array positions, find their field).
fn build_toml(
    catalog: &Catalog,
    form: &FormState,
    today: &str,
) -> (String, Vec<String>, Vec<usize>, Vec<usize>) {
    let v = |name: &str| form.value(name);
    let mut root = Table::new();
    root.insert("format".into(), string(iotlabel_declaration::model::FORMAT));
    root.insert("scope".into(), string("device"));
    root.insert("profiles".into(), Value::Array(vec![string(v("profile"))]));
    root.insert(
        "catalog_version".into(),
        string(&catalog.meta.version.to_string()),
    );

    let mut m = Table::new();
    m.insert("legal_name".into(), string(v("manufacturer.legal_name")));
    m.insert("address".into(), string(v("manufacturer.address")));
    m.insert(
        "security_contact".into(),
        string(v("manufacturer.security_contact")),
    );
    optional(&mut m, "website", v("manufacturer.website"));
    root.insert("manufacturer".into(), Value::Table(m));

    let mut p = Table::new();
    for k in [
        "brand",
        "model",
        "category",
        "hardware_version",
        "software_version",
    ] {
        p.insert(k.into(), string(v(&format!("product.{k}"))));
    }
    let identifiers = v("product.identifiers")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (scheme, value) = l.split_once(':').unwrap_or(("gtin", l));
            let mut t = Table::new();
            t.insert("scheme".into(), string(&scheme.trim().to_ascii_lowercase()));
            t.insert("value".into(), string(value));
            Value::Table(t)
        })
        .collect();
    p.insert("identifiers".into(), Value::Array(identifiers));
    p.insert("intended_use".into(), string(v("product.intended_use")));
    p.insert(
        "sensing".into(),
        Value::Array(
            split_list(v("product.sensing"))
                .iter()
                .map(|s| string(s))
                .collect(),
        ),
    );
    root.insert("product".into(), Value::Table(p));

    let mut features = Table::new();
    for name in form.names_with("features.") {
        let key = name.trim_start_matches("features.");
        if catalog.feature(key).is_some() {
            match v(&name) {
                "yes" => features.insert(key.into(), Value::Boolean(true)),
                "no" => features.insert(key.into(), Value::Boolean(false)),
                _ => None,
            };
        }
    }
    root.insert("features".into(), Value::Table(features));

    let mut a = Table::new();
    a.insert("mechanism".into(), string(v("authentication.mechanism")));
    a.insert(
        "default_password".into(),
        string(v("authentication.default_password")),
    );
    optional(
        &mut a,
        "brute_force_protection",
        v("authentication.brute_force_protection"),
    );
    root.insert("authentication".into(), Value::Table(a));

    let mut u = Table::new();
    u.insert("mechanism".into(), string(v("updates.mechanism")));
    u.insert("delivery".into(), string(v("updates.delivery")));
    u.insert(
        "automatic".into(),
        Value::Boolean(v("updates.automatic") == "yes"),
    );
    u.insert(
        "signed".into(),
        Value::Boolean(v("updates.signed") == "yes"),
    );
    root.insert("updates".into(), Value::Table(u));

    let mut s = Table::new();
    s.insert("period_end".into(), string(v("support.period_end")));
    optional(&mut s, "published_at", v("support.published_at"));
    root.insert("support".into(), Value::Table(s));

    let mut d = Table::new();
    optional(
        &mut d,
        "policy_url",
        v("vulnerability_disclosure.policy_url"),
    );
    d.insert(
        "contact".into(),
        string(v("vulnerability_disclosure.contact")),
    );
    for k in ["acknowledge_within_days", "status_update_within_days"] {
        if let Ok(n) = v(&format!("vulnerability_disclosure.{k}"))
            .trim()
            .parse::<u32>()
        {
            d.insert(k.into(), Value::Integer(i64::from(n)));
        }
    }
    root.insert("vulnerability_disclosure".into(), Value::Table(d));

    let mut data_order = Vec::new();
    let mut practices = Vec::new();
    for i in data_rows(form) {
        let f = |k: &str| v(&format!("dp.{i}.{k}"));
        if DP_FIELDS.iter().all(|k| f(k).trim().is_empty()) {
            continue;
        }
        let mut t = Table::new();
        t.insert("data".into(), string(f("data")));
        t.insert("purpose".into(), string(f("purpose")));
        t.insert(
            "shared_with".into(),
            Value::Array(
                split_list(f("shared_with"))
                    .iter()
                    .map(|s| string(s))
                    .collect(),
            ),
        );
        t.insert("retention".into(), string(f("retention")));
        t.insert("deletion".into(), string(f("deletion")));
        optional(&mut t, "legal_basis", f("legal_basis"));
        practices.push(Value::Table(t));
        data_order.push(i);
    }
    root.insert("data_practice".into(), Value::Array(practices));

    let mut claim_order = Vec::new();
    let mut claims = Vec::new();
    let mut yes: Vec<(String, Vec<EvidenceKind>)> = Vec::new();
    if let Some(profile) = catalog.profile(v("profile")) {
        for prov in claim_provisions(catalog, profile) {
            let short = short_id(catalog, &prov.id);
            let support = v(&format!("claim.{short}.support"));
            if !matches!(support, "yes" | "no" | "not-applicable") {
                continue;
            }
            let mut t = Table::new();
            t.insert("provision".into(), string(&short));
            t.insert("support".into(), string(support));
            optional(
                &mut t,
                "justification",
                v(&format!("claim.{short}.justification")),
            );
            claims.push(Value::Table(t));
            if support == "yes" {
                yes.push((short.clone(), prov.evidence.clone()));
            }
            claim_order.push(short);
        }
    }
    root.insert("claim".into(), Value::Array(claims));

    let mut evidence_order = Vec::new();
    let mut evidence = Vec::new();
    for i in evidence_rows(form) {
        let f = |k: &str| v(&format!("ev.{i}.{k}"));
        let kind = f("kind");
        let listed = f("provisions");
        let provisions: Vec<Value> = if listed.trim().is_empty() {
            // "All my yes answers" that accept this kind of evidence.
            yes.iter()
                .filter(|(_, kinds)| kinds.iter().any(|k| k.as_str() == kind))
                .map(|(id, _)| string(id))
                .collect()
        } else {
            listed.split_whitespace().map(string).collect()
        };
        if provisions.is_empty() {
            continue;
        }
        let mut t = Table::new();
        t.insert("id".into(), string(&format!("ev{i}")));
        t.insert("kind".into(), string(kind));
        t.insert("title".into(), string(f("title")));
        if f("url") == "1" {
            t.insert("url".into(), string(f("location")));
        } else {
            t.insert("path".into(), string(f("location")));
        }
        t.insert("sha256".into(), string(f("sha256")));
        t.insert(
            "producer".into(),
            string(if f("producer") == "assessor" {
                "assessor"
            } else {
                "self"
            }),
        );
        optional(&mut t, "assessor", f("assessor"));
        t.insert(
            "date".into(),
            string(if f("date").trim().is_empty() {
                today
            } else {
                f("date")
            }),
        );
        t.insert("provisions".into(), Value::Array(provisions));
        evidence.push(Value::Table(t));
        evidence_order.push(i);
    }
    root.insert("evidence".into(), Value::Array(evidence));
    let text = toml::to_string(&root).unwrap_or_default();
    (text, claim_order, data_order, evidence_order)
}

/// The form field a declaration problem's path (`claim[3].support`, `product.brand`) is
/// about, if it is on the form.
fn field_of(path: &str, claims: &[String], data: &[usize], evidence: &[usize]) -> Option<String> {
    let index = |rest: &str| -> Option<(usize, String)> {
        let (i, after) = rest.strip_prefix('[')?.split_once(']')?;
        Some((i.parse().ok()?, after.trim_start_matches('.').to_owned()))
    };
    if let Some(rest) = path.strip_prefix("claim") {
        let (i, after) = index(rest)?;
        let id = claims.get(i)?;
        let part = if after.starts_with("justification") {
            "justification"
        } else {
            "support"
        };
        return Some(format!("claim.{id}.{part}"));
    }
    if let Some(rest) = path.strip_prefix("data_practice") {
        let (i, after) = index(rest)?;
        let row = data.get(i)?;
        let key = after.split(['.', '[']).next().unwrap_or_default();
        let key = if DP_FIELDS.contains(&key) {
            key
        } else {
            "data"
        };
        return Some(format!("dp.{row}.{key}"));
    }
    if let Some(rest) = path.strip_prefix("evidence") {
        let (i, _) = index(rest)?;
        return Some(format!("ev.{}", evidence.get(i)?));
    }
    let known = [
        "manufacturer.",
        "product.",
        "features.",
        "authentication.",
        "updates.",
        "support.",
        "vulnerability_disclosure.",
    ];
    if known.iter().any(|k| path.starts_with(k)) {
        // `product.identifiers[0].value` is the identifiers field.
        let base = path.split('[').next().unwrap_or(path);
        let parts: Vec<&str> = base.split('.').collect();
        return Some(parts.iter().take(2).copied().collect::<Vec<_>>().join("."));
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn problem_paths_find_their_fields() {
        let claims = vec!["5.1-1".to_owned(), "5.1-3".to_owned()];
        assert_eq!(
            field_of("claim[1].support", &claims, &[], &[]).as_deref(),
            Some("claim.5.1-3.support")
        );
        assert_eq!(
            field_of("claim[0].justification", &claims, &[], &[]).as_deref(),
            Some("claim.5.1-1.justification")
        );
        assert_eq!(
            field_of("data_practice[0].purpose", &claims, &[2], &[]).as_deref(),
            Some("dp.2.purpose")
        );
        assert_eq!(
            field_of("product.identifiers[0].value", &claims, &[], &[]).as_deref(),
            Some("product.identifiers")
        );
        assert_eq!(
            field_of("support.period_end", &claims, &[], &[]).as_deref(),
            Some("support.period_end")
        );
        assert_eq!(
            field_of("evidence[0].sha256", &claims, &[], &[4]).as_deref(),
            Some("ev.4")
        );
        assert_eq!(field_of("profiles", &claims, &[], &[]), None);
        assert_eq!(field_of("claim[9].support", &claims, &[], &[]), None);
    }

    #[test]
    fn uploaded_names_become_safe_relative_paths() {
        assert_eq!(safe_file_name("../../etc/passwd", 1), "passwd");
        assert_eq!(safe_file_name("C:\\docs\\Design v2.pdf", 1), "Designv2.pdf");
        assert_eq!(safe_file_name("...", 3), "evidence-3");
        assert_eq!(safe_file_name("<script>.md", 1), "script.md");
    }
}
