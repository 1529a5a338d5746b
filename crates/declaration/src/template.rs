//! A commented declaration template for a profile, generated from the catalogue: every feature
//! the profile's provisions depend on, with the question to answer, and one claim per provision
//! with what it asks in plain words.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use iotlabel_catalog::Catalog;
use iotlabel_catalog::model::Modality;

use crate::model::FORMAT;

/// Why a template cannot be made.
#[derive(Debug, thiserror::Error)]
#[error("unknown profile `{0}`; `iotlabel catalog list profiles` lists them")]
pub struct UnknownProfile(pub String);

fn comment(out: &mut String, text: &str) {
    for line in textwrap_lines(text, 94) {
        let _ = writeln!(out, "# {line}");
    }
}

/// Greedy word wrap (templates are plain ASCII-ish prose; no need for a wrapping crate here).
fn textwrap_lines(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Escapes a string for a TOML basic string.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The template for a profile.
pub fn template(catalog: &Catalog, profile_id: &str) -> Result<String, UnknownProfile> {
    let profile = catalog
        .profile(profile_id)
        .ok_or_else(|| UnknownProfile(profile_id.to_owned()))?;
    let mut out = String::new();
    comment(
        &mut out,
        &format!(
            "iotlabel product declaration for the profile \"{}\" (catalogue {} {}).",
            profile.title, catalog.meta.id, catalog.meta.version
        ),
    );
    comment(&mut out, &profile.plain);
    out.push_str("#\n");
    comment(
        &mut out,
        "Fill in every value, answer every feature and every claim, list your evidence, then run `iotlabel declaration check` and `iotlabel assess` on this file. Format: docs/declaration.md.",
    );
    let _ = writeln!(out, "\nformat = {}", toml_str(FORMAT));
    out.push_str("scope = \"device\"   # device | system | process\n");
    let _ = writeln!(out, "profiles = [{}]", toml_str(&profile.id));
    let _ = writeln!(
        out,
        "catalog_version = {}",
        toml_str(&catalog.meta.version.to_string())
    );
    out.push_str(
        r#"
[manufacturer]
legal_name = ""          # registered legal name
address = ""             # postal address
security_contact = ""    # e-mail address or URL where security issues go
website = ""

[product]
brand = ""
model = ""
category = ""            # camera, smart-plug, router, toy, wearable, gateway, ...
hardware_version = ""
software_version = ""
identifiers = [{ scheme = "gtin", value = "" }]
intended_use = ""
sensing = []             # e.g. ["camera", "microphone", "location"]

"#,
    );
    let selected: Vec<_> = profile
        .provisions
        .iter()
        .filter_map(|id| catalog.provision(id))
        .collect();
    let needed: BTreeSet<&str> = selected
        .iter()
        .filter_map(|p| p.condition.as_ref())
        .flat_map(|c| c.features())
        .collect();
    out.push_str("[features]\n");
    comment(
        &mut out,
        "Answer each with true or false: these decide which provisions apply.",
    );
    for feature in catalog
        .features
        .iter()
        .filter(|f| needed.contains(f.id.as_str()))
    {
        comment(&mut out, &feature.question);
        let _ = writeln!(out, "{} = false\n", feature.id);
    }
    out.push_str(
        r#"[authentication]
mechanism = ""
default_password = "user-defined"   # none | unique-per-device | user-defined | universal

[updates]
mechanism = ""
delivery = "network"     # network | local | none
automatic = false
signed = false

[support]
period_end = "2030-12"   # last month of security updates: YYYY-MM

[vulnerability_disclosure]
policy_url = ""
contact = ""
acknowledge_within_days = 7
status_update_within_days = 30

# One [[data_practice]] per kind of personal data:
# [[data_practice]]
# data = ""
# purpose = ""
# shared_with = []
# retention = ""
# deletion = ""

"#,
    );
    comment(
        &mut out,
        "Claims: one per provision. support = \"yes\" | \"no\" | \"not-applicable\". Every \"no\", and every \"not-applicable\" recommendation, needs a justification. Each \"yes\" needs evidence below that lists the provision.",
    );
    for p in &selected {
        if p.automatic.is_some() {
            out.push('\n');
            comment(
                &mut out,
                &format!(
                    "{} {}: decided automatically from your other answers; no claim needed.",
                    p.id.local, p.title
                ),
            );
            continue;
        }
        let modality = profile.effective_modality(p);
        let tag = match (modality, profile.raise(&p.id).is_some()) {
            (Modality::Mandatory, true) => "mandatory in this profile (raised)".to_owned(),
            (Modality::Mandatory, false) => "mandatory".to_owned(),
            (Modality::Recommended, _) => "recommended".to_owned(),
        };
        out.push('\n');
        comment(&mut out, &format!("{} {} [{tag}]", p.id.local, p.title));
        comment(&mut out, &p.plain);
        if let Some(cond) = &p.condition {
            comment(&mut out, &format!("Applies when: {cond}"));
        }
        let evidence: Vec<&str> = p.evidence.iter().map(|e| e.as_str()).collect();
        comment(
            &mut out,
            &format!("Evidence accepted: {}", evidence.join(", ")),
        );
        let short = match catalog.resolve(&p.id.local) {
            Ok(r) if r.id == p.id => p.id.local.clone(),
            _ => p.id.to_string(),
        };
        let _ = writeln!(
            out,
            "[[claim]]\nprovision = {}\nsupport = \"no\"\njustification = \"\"",
            toml_str(&short)
        );
    }
    out.push_str(
        r#"
# Evidence: each item lists the provisions it supports.
# [[evidence]]
# id = "vdp"
# kind = "document"      # declaration | document | sbom | firmware-analysis | network-test | lab-report
# title = "Vulnerability disclosure policy"
# path = "evidence/vdp.md"
# sha256 = ""            # sha256sum evidence/vdp.md
# producer = "self"      # self | assessor (then also assessor = "Lab name")
# date = "2026-01-31"
# provisions = ["5.2-1"]
"#,
    );
    Ok(out)
}
