//! The sentences the engine writes, in technical and plain language. Kept in one place so
//! that reports read consistently.

use iotlabel_catalog::model::{FactCheck, Provision};

use crate::result::Text;

/// Remediation for a provision that does not pass.
pub fn remediation(p: &Provision) -> Text {
    let kinds: Vec<&str> = p.evidence.iter().map(|e| e.as_str()).collect();
    Text::new(
        format!(
            "Implement {} ({}): {} Then claim `yes` and attach evidence of kind {} that lists {}.",
            p.id.local,
            p.title,
            p.statement.trim(),
            kinds.join(" or "),
            p.id.local
        ),
        format!("What the maker needs to do: {}", p.plain.trim()),
    )
}

/// What a failed fact check means.
pub fn fact_check_failure(check: FactCheck, detail: &str) -> Text {
    match check {
        FactCheck::NoUniversalPassword => Text::new(
            "Claimed yes, but authentication.default_password = \"universal\": every unit shares the same default password.",
            "The product ships with the same password on every unit. Attackers know such passwords; this is how the Mirai botnet spread.",
        ),
        FactCheck::VdpPublished => Text::new(
            "Claimed yes, but vulnerability_disclosure.policy_url is not given.",
            "The maker says it has a policy for reports of security problems, but does not say where it is published.",
        ),
        FactCheck::SupportPeriodPublished => Text::new(
            format!("Claimed yes, but {detail}."),
            format!(
                "The maker does not give a date until which the product gets security updates ({detail})."
            ),
        ),
        FactCheck::SensingDocumented => Text::new(
            "Claimed yes, but the product has the `sensing` feature and product.sensing lists no capability.",
            "The product can sense its surroundings, but the declaration does not say what it senses.",
        ),
        FactCheck::DataPracticesDocumented => Text::new(
            "Claimed yes, but the product processes personal data and declares no [[data_practice]].",
            "The product handles personal information, but the declaration does not say what, why, or who receives it.",
        ),
    }
}

/// The name of a claim's declaring place, for reasons.
pub fn place(declared_in: &str) -> String {
    match declared_in {
        "product" => "the declaration".to_owned(),
        "process" => "the process declaration".to_owned(),
        other => format!("component `{other}`"),
    }
}
