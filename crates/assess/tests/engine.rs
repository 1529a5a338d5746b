//! The engine's rules, one by one, on small declarations against the real catalogue.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use iotlabel_assess::result::{AssessmentResult, Outcome, Verdict};
use iotlabel_assess::{
    DeclarationInput, EvidenceState, Inputs, LabelInfo, LabelStatus, Options, VulnerabilityStatus,
    assess,
};
use iotlabel_catalog::{Catalog, load_dir};
use iotlabel_declaration::{Declaration, Integrity, Syntax, from_text};
use iotlabel_testkit::catalog_dir;
use jiff::civil::{Date, date};

fn catalog() -> Catalog {
    load_dir(&catalog_dir()).unwrap()
}

const TODAY: Date = date(2026, 11, 21);

const HEAD: &str = r#"
format = "iotlabel-declaration/1"
scope = "device"
profiles = ["consumer-baseline"]

[manufacturer]
legal_name = "Test Devices Ltd"
address = "1 Test Road"
security_contact = "security@test.example"

[product]
brand = "Test"
model = "Plug"
category = "smart-plug"
hardware_version = "1"
software_version = "1.0"
intended_use = "Switch a lamp"

[authentication]
mechanism = "App account"
default_password = "user-defined"

[updates]
mechanism = "Signed OTA"
delivery = "network"
automatic = true
signed = true

[support]
period_end = "2030-12"

[vulnerability_disclosure]
policy_url = "https://test.example/security"
contact = "security@test.example"
"#;

const FEATURES: &str = r#"
[features]
passwords = true
preinstalled_passwords = false
user_authentication = true
constrained = false
updatable = true
network_updates = true
automatic_updates = true
hardcoded_identity = false
remote_interfaces = false
debug_interfaces = false
associated_services = true
telemetry = false
personal_data = false
sensitive_personal_data = false
consent_basis = false
sensing = false
cryptography = true
"#;

/// A declaration that claims `yes` for every consumer-baseline provision that applies to the
/// features above, with one verified evidence item per provision, and lets a test change it.
fn declaration(c: &Catalog, edit: impl Fn(&mut String)) -> Declaration {
    let mut text = format!("{HEAD}{FEATURES}");
    let profile = c.profile("consumer-baseline").unwrap();
    for id in &profile.provisions {
        let p = c.provision(id).unwrap();
        if p.automatic.is_some() {
            continue;
        }
        text.push_str(&format!(
            "\n[[claim]]\nprovision = \"{}\"\nsupport = \"yes\"\n",
            p.id
        ));
    }
    for id in &profile.provisions {
        let p = c.provision(id).unwrap();
        let kind = p.evidence[0].as_str();
        text.push_str(&format!(
            "\n[[evidence]]\nid = \"ev-{}\"\nkind = \"{kind}\"\ntitle = \"Evidence for {}\"\npath = \"e/{}.md\"\nsha256 = \"{}\"\nproducer = \"self\"\ndate = \"2026-10-01\"\nprovisions = [\"{}\"]\n",
            p.id.local, p.id.local, p.id.local, "0".repeat(64), p.id
        ));
    }
    edit(&mut text);
    from_text("t.toml".into(), text, Syntax::Toml, c, TODAY)
        .unwrap_or_else(|e| panic!("{e}"))
        .1
}

fn verified(d: &Declaration) -> BTreeMap<String, EvidenceState> {
    d.evidence
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                EvidenceState {
                    integrity: Integrity::Verified,
                    attested: false,
                },
            )
        })
        .collect()
}

#[derive(Default)]
struct Run {
    labels: BTreeMap<String, LabelInfo>,
    vulnerabilities: Option<VulnerabilityStatus>,
    options: Options,
}

fn run_with(
    c: &Catalog,
    d: &Declaration,
    evidence: &BTreeMap<String, EvidenceState>,
    run: &Run,
) -> AssessmentResult {
    assess(&Inputs {
        catalog: c,
        product: DeclarationInput {
            declaration: d,
            digest: "abc",
            evidence,
        },
        process: None,
        labels: &run.labels,
        vulnerabilities: run.vulnerabilities.as_ref(),
        profiles: None,
        today: TODAY,
        options: run.options,
    })
}

fn run(c: &Catalog, d: &Declaration) -> AssessmentResult {
    run_with(c, d, &verified(d), &Run::default())
}

fn verdict(r: &AssessmentResult, local: &str) -> Verdict {
    r.provisions
        .iter()
        .find(|p| p.id.local == local)
        .unwrap_or_else(|| panic!("{local} not assessed"))
        .verdict
}

fn replace(text: &mut String, from: &str, to: &str) {
    assert!(text.contains(from), "no `{from}` in the declaration");
    *text = text.replacen(from, to, 1);
}

fn claim(local: &str) -> String {
    format!("provision = \"etsi-en-303-645@2.1.1:{local}\"\nsupport = \"yes\"\n")
}

#[test]
fn a_complete_declaration_reaches_level_2_and_meets_psti() {
    let c = catalog();
    let d = declaration(&c, |_| {});
    let r = run(&c, &d);
    assert_eq!(r.level, 2, "{:#?}", r.next_level);
    assert_eq!(
        r.counts.fail + r.counts.unverified + r.counts.inconclusive,
        0
    );
    assert_eq!(r.regime("uk-psti").unwrap().outcome, Outcome::Meets);
    assert_eq!(r.regime("etsi-en-303-645").unwrap().outcome, Outcome::Meets);
    assert_eq!(r.score.unwrap().value(), 100.0);
    // Not applicable by features: no telemetry, no debug interfaces.
    assert_eq!(verdict(&r, "5.10-1"), Verdict::NotApplicable);
    assert_eq!(verdict(&r, "5.6-4"), Verdict::NotApplicable);
    assert_eq!(verdict(&r, "5.0-1"), Verdict::Pass, "decided automatically");
    // Level 3 needs assessor evidence, and says so.
    let next = r.next_level.unwrap();
    assert_eq!(next.number, 3);
    assert!(next.missing[0].missing.iter().any(|m| m.contains("sbom")));
}

#[test]
fn results_are_byte_identical_across_runs() {
    let c = catalog();
    let d = declaration(&c, |_| {});
    let a = serde_json::to_string(&run(&c, &d)).unwrap();
    let b = serde_json::to_string(&run(&c, &d)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_no_fails_with_a_remediation_and_costs_the_level() {
    let c = catalog();
    let d = declaration(&c, |t| {
        replace(
            t,
            &claim("5.5-1"),
            "provision = \"etsi-en-303-645@2.1.1:5.5-1\"\nsupport = \"no\"\njustification = \"Legacy protocol\"\n",
        )
    });
    let r = run(&c, &d);
    let p = r.provisions.iter().find(|p| p.id.local == "5.5-1").unwrap();
    assert_eq!(p.verdict, Verdict::Fail);
    assert!(p.reason.technical.contains("Legacy protocol"));
    assert!(
        p.remediation
            .as_ref()
            .unwrap()
            .plain
            .starts_with("What the maker needs to do")
    );
    assert_eq!(r.level, 1, "5.5-1 is mandatory but not a level-1 essential");
    assert_eq!(
        r.regime("etsi-en-303-645").unwrap().outcome,
        Outcome::DoesNotMeet
    );
    assert!(r.score.unwrap().value() < 100.0);
}

#[test]
fn a_universal_default_password_fails_5_1_1_whatever_the_claim() {
    let c = catalog();
    let d = declaration(&c, |t| {
        replace(
            t,
            "default_password = \"user-defined\"",
            "default_password = \"universal\"",
        )
    });
    let r = run(&c, &d);
    assert_eq!(verdict(&r, "5.1-1"), Verdict::Fail);
    assert_eq!(r.level, 0);
    assert_eq!(r.regime("uk-psti").unwrap().outcome, Outcome::DoesNotMeet);
    let row = &r.regime("uk-psti").unwrap().rows[0];
    assert_eq!(row.outcome, Outcome::DoesNotMeet);
}

#[test]
fn a_missing_support_period_fails_5_3_13_and_level_1() {
    let c = catalog();
    let d = declaration(&c, |t| {
        replace(t, "[support]\nperiod_end = \"2030-12\"\n", "")
    });
    let r = run(&c, &d);
    assert_eq!(verdict(&r, "5.3-13"), Verdict::Fail);
    assert_eq!(r.level, 0);
    let missing = &r.next_level.unwrap().missing;
    assert!(
        missing
            .iter()
            .any(|m| m.missing.iter().any(|x| x.contains("support.period_end")))
    );
}

#[test]
fn an_ended_support_period_fails_5_3_13() {
    let c = catalog();
    let d = declaration(&c, |t| {
        replace(t, "period_end = \"2030-12\"", "period_end = \"2025-06\"")
    });
    let r = run(&c, &d);
    assert_eq!(verdict(&r, "5.3-13"), Verdict::Fail);
}

#[test]
fn claims_without_evidence_are_unverified() {
    let c = catalog();
    let d = declaration(&c, |_| {});
    let mut evidence = verified(&d);
    evidence.insert(
        "ev-5.4-1".into(),
        EvidenceState {
            integrity: Integrity::Mismatch {
                actual: "f".repeat(64),
            },
            attested: false,
        },
    );
    evidence.insert(
        "ev-5.4-3".into(),
        EvidenceState {
            integrity: Integrity::Missing,
            attested: false,
        },
    );
    let r = run_with(&c, &d, &evidence, &Run::default());
    let p = r.provisions.iter().find(|p| p.id.local == "5.4-1").unwrap();
    assert_eq!(p.verdict, Verdict::Unverified);
    assert!(
        p.reason.technical.contains("digest mismatch"),
        "{}",
        p.reason.technical
    );
    assert_eq!(verdict(&r, "5.4-3"), Verdict::Unverified);
    assert_eq!(r.level, 1);
}

#[test]
fn unanswered_and_undecidable_provisions_are_inconclusive() {
    let c = catalog();
    let d = declaration(&c, |t| {
        replace(t, &format!("\n[[claim]]\n{}", claim("5.5-2")), "\n");
        replace(t, "telemetry = false\n", "");
    });
    let r = run(&c, &d);
    let p = r.provisions.iter().find(|p| p.id.local == "5.5-2").unwrap();
    assert_eq!(p.verdict, Verdict::Inconclusive);
    assert!(p.reason.technical.contains("Not answered"));
    let t = r
        .provisions
        .iter()
        .find(|p| p.id.local == "5.10-1")
        .unwrap();
    assert_eq!(t.verdict, Verdict::Inconclusive);
    assert!(
        t.reason.technical.contains("telemetry"),
        "{}",
        t.reason.technical
    );
    // An unanswered recommendation blocks level 2.
    assert_eq!(r.level, 1);
    let missing = &r.next_level.unwrap().missing;
    assert!(missing.iter().any(|m| m.kind == "recommendations-answered"));
}

#[test]
fn not_applicable_claims_are_judged_against_the_features() {
    let c = catalog();
    // Conditional provision whose condition holds: claiming N/A fails.
    let d = declaration(&c, |t| {
        replace(
            t,
            &claim("5.1-1"),
            "provision = \"etsi-en-303-645@2.1.1:5.1-1\"\nsupport = \"not-applicable\"\njustification = \"We think so\"\n",
        )
    });
    assert_eq!(verdict(&run(&c, &d), "5.1-1"), Verdict::Fail);
    // Unconditional mandatory: N/A fails.
    let d = declaration(&c, |t| {
        replace(
            t,
            &claim("5.4-3"),
            "provision = \"etsi-en-303-645@2.1.1:5.4-3\"\nsupport = \"not-applicable\"\njustification = \"n/a\"\n",
        )
    });
    assert_eq!(verdict(&run(&c, &d), "5.4-3"), Verdict::Fail);
    // Unconditional recommendation, justified: accepted.
    let d = declaration(&c, |t| {
        replace(
            t,
            &claim("5.6-8"),
            "provision = \"etsi-en-303-645@2.1.1:5.6-8\"\nsupport = \"not-applicable\"\njustification = \"The MCU has no MPU\"\n",
        )
    });
    let r = run(&c, &d);
    assert_eq!(verdict(&r, "5.6-8"), Verdict::NotApplicable);
    assert_eq!(r.level, 2);
    // Unjustified: fails, and 5.0-1 fails with it.
    let d = declaration(&c, |t| {
        replace(
            t,
            &claim("5.6-8"),
            "provision = \"etsi-en-303-645@2.1.1:5.6-8\"\nsupport = \"no\"\n",
        )
    });
    let r = run(&c, &d);
    assert_eq!(verdict(&r, "5.6-8"), Verdict::Fail);
    assert_eq!(verdict(&r, "5.0-1"), Verdict::Fail);
    assert_eq!(r.level, 1);
}

#[test]
fn evidence_of_the_wrong_kind_does_not_count() {
    let c = catalog();
    // 5.2-1 accepts documents, not SBOMs.
    let d = declaration(&c, |t| {
        let at = t.find("id = \"ev-5.2-1\"").unwrap();
        let kind = t[at..].find("kind = ").unwrap() + at;
        let end = t[kind..].find('\n').unwrap() + kind;
        t.replace_range(kind..end, "kind = \"sbom\"");
    });
    let r = run(&c, &d);
    let p = r.provisions.iter().find(|p| p.id.local == "5.2-1").unwrap();
    assert_eq!(p.verdict, Verdict::Unverified);
    assert!(p.reason.technical.contains("not of a kind"));
}

fn with_assessor_evidence(t: &mut String, kinds: &[(&str, &str)]) {
    for (id, kind) in kinds {
        t.push_str(&format!(
            "\n[[evidence]]\nid = \"{id}\"\nkind = \"{kind}\"\ntitle = \"Lab {kind}\"\npath = \"lab/{id}\"\nsha256 = \"{}\"\nproducer = \"assessor\"\nassessor = \"Test Lab\"\ndate = \"2026-10-02\"\nprovisions = [\"5.3-2\"]\n",
            "1".repeat(64)
        ));
    }
}

#[test]
fn level_3_needs_assessor_evidence_and_no_known_exploited_vulnerability() {
    let c = catalog();
    let d = declaration(&c, |t| {
        with_assessor_evidence(t, &[("sbom", "sbom"), ("fw", "firmware-analysis")])
    });
    let r = run(&c, &d);
    assert_eq!(r.level, 3);
    assert!(
        r.levels[2].rules.iter().any(|x| x.caveat.is_some()),
        "vulnerability status not given: caveat"
    );
    // The registry's view: attestation required and not verified.
    let strict = Run {
        options: Options {
            accept_unattested_assessor_evidence: false,
        },
        ..Run::default()
    };
    assert_eq!(run_with(&c, &d, &verified(&d), &strict).level, 2);
    // A known-exploited vulnerability blocks level 3.
    let kev = Run {
        vulnerabilities: Some(VulnerabilityStatus {
            unresolved_known_exploited: vec!["CVE-2024-3094".into()],
        }),
        ..Run::default()
    };
    let r = run_with(&c, &d, &verified(&d), &kev);
    assert_eq!(r.level, 2);
    assert!(r.next_level.unwrap().missing[0].missing[0].contains("CVE-2024-3094"));
}

#[test]
fn level_4_needs_functional_tests_of_every_functional_mandatory_provision() {
    let c = catalog();
    let functional: Vec<String> = c
        .profile("consumer-baseline")
        .unwrap()
        .provisions
        .iter()
        .filter_map(|id| c.provision(id))
        .filter(|p| p.modality == iotlabel_catalog::model::Modality::Mandatory)
        .filter(|p| {
            p.verification
                .contains(&iotlabel_catalog::model::VerificationMethod::Functional)
        })
        .map(|p| format!("\"{}\"", p.id))
        .collect();
    let lab = |list: &[String]| {
        format!(
            "\n[[evidence]]\nid = \"lab\"\nkind = \"lab-report\"\ntitle = \"TS 103 701 tests\"\npath = \"lab.pdf\"\nsha256 = \"{}\"\nproducer = \"assessor\"\nassessor = \"Test Lab\"\ndate = \"2026-10-03\"\nprovisions = [{}]\n",
            "2".repeat(64),
            list.join(", ")
        )
    };
    let all = lab(&functional);
    let d = declaration(&c, |t| {
        with_assessor_evidence(t, &[("sbom", "sbom"), ("fw", "firmware-analysis")]);
        t.push_str(&all);
    });
    assert_eq!(run(&c, &d).level, 4);
    let partial = lab(&functional[1..]);
    let d = declaration(&c, |t| {
        with_assessor_evidence(t, &[("sbom", "sbom"), ("fw", "firmware-analysis")]);
        t.push_str(&partial);
    });
    let r = run(&c, &d);
    assert_eq!(r.level, 3);
    assert_eq!(r.next_level.unwrap().missing[0].missing.len(), 1);
}

#[test]
fn a_profile_that_raises_a_recommendation_makes_its_no_block_level_2() {
    let c = catalog();
    let d = declaration(&c, |t| {
        replace(
            t,
            "profiles = [\"consumer-baseline\"]",
            "profiles = [\"children\"]",
        );
        replace(
            t,
            &claim("5.5-4"),
            "provision = \"etsi-en-303-645@2.1.1:5.5-4\"\nsupport = \"no\"\njustification = \"Local control without login\"\n",
        );
    });
    let r = run(&c, &d);
    let p = r.provisions.iter().find(|p| p.id.local == "5.5-4").unwrap();
    assert!(p.raised);
    assert_eq!(p.verdict, Verdict::Fail);
    assert_eq!(r.level, 1);
    assert_eq!(r.profile_results[0].mandatory_met, Some(false));
}

#[test]
fn scores_weigh_mandatory_three_times_a_recommendation() {
    let c = catalog();
    let d = declaration(&c, |t| {
        replace(
            t,
            &claim("5.6-8"),
            "provision = \"etsi-en-303-645@2.1.1:5.6-8\"\nsupport = \"no\"\njustification = \"No MPU\"\n",
        )
    });
    let r = run(&c, &d);
    let counted: u32 = r
        .provisions
        .iter()
        .filter(|p| p.verdict != Verdict::NotApplicable)
        .map(|p| {
            if p.modality == iotlabel_catalog::model::Modality::Mandatory {
                3
            } else {
                1
            }
        })
        .sum();
    let expected = ((f64::from(counted - 1) * 1000.0 / f64::from(counted)).round()) / 10.0;
    assert_eq!(r.score.unwrap().value(), expected);
}

const SYSTEM: &str = r#"
format = "iotlabel-declaration/1"
scope = "system"
profiles = ["smart-home-security"]

[manufacturer]
legal_name = "Test Devices Ltd"
address = "1 Test Road"
security_contact = "security@test.example"

[product]
brand = "Test"
model = "Cam system"
category = "camera"
hardware_version = "1"
software_version = "1.0"
intended_use = "Home camera with app and cloud"

[support]
period_end = "2030-12"

[vulnerability_disclosure]
policy_url = "https://test.example/security"
contact = "security@test.example"

[[component]]
id = "camera"
kind = "device"
name = "Camera"
[component.features]
passwords = true

[[component.claim]]
provision = "5.1-1"
support = "yes"

[[component]]
id = "cloud"
kind = "cloud-service"
name = "Cloud"
label = "IOTL-CLOUD"

[[evidence]]
id = "pw"
kind = "network-test"
title = "Password test"
path = "pw.txt"
sha256 = "3333333333333333333333333333333333333333333333333333333333333333"
producer = "self"
date = "2026-10-01"
provisions = ["5.1-1"]
component = "camera"
"#;

#[test]
fn a_system_is_bounded_by_its_weakest_component() {
    let c = catalog();
    let d = from_text("s.toml".into(), SYSTEM.into(), Syntax::Toml, &c, TODAY)
        .unwrap()
        .1;
    let camera_only = |r: &AssessmentResult| verdict(r, "5.1-1");
    // The cloud's label is unknown: device-scope 5.1-1 still passes on the camera.
    let r = run(&c, &d);
    assert_eq!(camera_only(&r), Verdict::Pass);
    let comps = &r
        .provisions
        .iter()
        .find(|p| p.id.local == "5.1-1")
        .unwrap()
        .components;
    assert_eq!(
        comps.len(),
        1,
        "5.1-1 applies to the device only: {comps:?}"
    );
    // A provision for associated services is judged on the cloud, through its label.
    let active = LabelInfo {
        status: LabelStatus::Active,
        level: 2,
        valid_until: date(2028, 12, 31),
        passed: vec!["etsi-en-303-645@2.1.1:5.8-2".parse().unwrap()],
    };
    let mut labels = BTreeMap::new();
    labels.insert("IOTL-CLOUD".to_owned(), active.clone());
    let with = |labels: BTreeMap<String, LabelInfo>| {
        run_with(
            &c,
            &d,
            &verified(&d),
            &Run {
                labels,
                ..Run::default()
            },
        )
    };
    let r = with(labels.clone());
    let p = r.provisions.iter().find(|p| p.id.local == "5.8-2").unwrap();
    let cloud = p
        .components
        .iter()
        .find(|x| x.component == "cloud")
        .unwrap();
    assert_eq!(cloud.verdict, Verdict::Pass, "{}", cloud.reason.technical);
    // The camera did not answer 5.8-2, so the system verdict is the camera's: inconclusive.
    assert_eq!(p.verdict, Verdict::Inconclusive);
    // An expired or suspended referenced label counts as missing evidence.
    for status in [LabelStatus::Suspended, LabelStatus::Revoked] {
        labels.insert(
            "IOTL-CLOUD".into(),
            LabelInfo {
                status,
                ..active.clone()
            },
        );
        let r = with(labels.clone());
        let p = r.provisions.iter().find(|p| p.id.local == "5.8-2").unwrap();
        let cloud = p
            .components
            .iter()
            .find(|x| x.component == "cloud")
            .unwrap();
        assert_eq!(cloud.verdict, Verdict::Unverified);
    }
    labels.insert(
        "IOTL-CLOUD".into(),
        LabelInfo {
            valid_until: date(2026, 1, 1),
            ..active
        },
    );
    let r = with(labels);
    let p = r.provisions.iter().find(|p| p.id.local == "5.8-2").unwrap();
    assert!(p.components.iter().any(|x| x.component == "cloud"
        && x.verdict == Verdict::Unverified
        && x.reason.technical.contains("expired")));
}
