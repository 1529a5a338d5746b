//! The plain-text report: a summary, then findings grouped by component with the known
//! exploited ones first, each with its explanation; then what could not be evaluated or
//! matched (coverage is not the same as a clean result).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::check::Report;
use crate::model::{ComponentRef, Finding};
use crate::render::printable;

/// Renders the report as text.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    summary(report, &mut out);
    findings(report, &mut out);
    not_evaluable(report, &mut out);
    unmatchable(report, &mut out);
    out
}

fn summary(report: &Report, out: &mut String) {
    let sbom = &report.sbom;
    let name = sbom
        .described
        .first()
        .map(|d| d.component.to_string())
        .or_else(|| sbom.name.clone())
        .or_else(|| sbom.serial_number.clone())
        .unwrap_or_else(|| "(unnamed)".to_owned());
    let _ = writeln!(
        out,
        "SBOM: {} ({}{}), {} components, {} matchable",
        printable(&name),
        sbom.format,
        sbom.spec_version
            .as_deref()
            .map(|v| format!(" {}", printable(v)))
            .unwrap_or_default(),
        sbom.components,
        sbom.matchable
    );
    let a = &report.advisories;
    let _ = writeln!(
        out,
        "Advisories: {} records ({} withdrawn ignored), {} vulnerabilities, {} packages",
        a.records, a.withdrawn, a.vulnerabilities, a.packages
    );
    match &report.kev {
        Some(kev) => {
            let _ = writeln!(
                out,
                "KEV: catalogue {}, {} entries",
                printable(kev.catalog_version.as_deref().unwrap_or("(no version)")),
                kev.entries
            );
        }
        None => out.push_str("KEV: not given\n"),
    }
    let _ = writeln!(out, "VEX: {} statements", report.vex_statements);
    let exploited = report
        .findings
        .iter()
        .filter(|f| f.exploited.is_some())
        .count();
    let open = report
        .findings
        .iter()
        .filter(|f| f.status.is_open())
        .count();
    let components = report
        .findings
        .iter()
        .map(|f| &f.component)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let _ = writeln!(
        out,
        "\n{} findings in {} components: {} open, {} known exploited; {} not evaluable; {} components unmatchable",
        report.findings.len(),
        components,
        open,
        exploited,
        report.not_evaluable.len(),
        report.unmatchable.len()
    );
}

/// Sort key of a finding within its component: exploited, then open, then by id.
fn finding_rank(f: &Finding) -> (bool, bool, &str) {
    (f.exploited.is_none(), !f.status.is_open(), &f.vulnerability)
}

fn findings(report: &Report, out: &mut String) {
    let mut by_component: BTreeMap<&ComponentRef, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_component.entry(&f.component).or_default().push(f);
    }
    let mut groups: Vec<(&ComponentRef, Vec<&Finding>)> = by_component.into_iter().collect();
    for (_, list) in &mut groups {
        list.sort_by(|a, b| finding_rank(a).cmp(&finding_rank(b)));
    }
    groups.sort_by_key(|(component, list)| {
        let exploited = list.iter().any(|f| f.exploited.is_some());
        let open = list.iter().any(|f| f.status.is_open());
        (
            !exploited,
            !open,
            component.name.clone(),
            component.reference.clone(),
        )
    });
    for (component, list) in groups {
        let _ = writeln!(out, "\n{}", printable(&component.to_string()));
        for f in list {
            finding(f, out);
        }
    }
}

fn finding(f: &Finding, out: &mut String) {
    let _ = write!(out, "  {}", printable(&f.vulnerability));
    if let Some(e) = &f.exploited {
        let _ = write!(
            out,
            "  KNOWN EXPLOITED ({} in KEV since {}{}{})",
            printable(&e.cve),
            e.date_added,
            e.due_date.map(|d| format!(", due {d}")).unwrap_or_default(),
            if e.known_ransomware {
                ", used by ransomware"
            } else {
                ""
            }
        );
    }
    out.push('\n');
    let _ = writeln!(out, "    status:   {}", printable(&f.status.to_string()));
    if let Some(vex) = &f.vex {
        let _ = writeln!(
            out,
            "    vex:      {}{}",
            vex.document
                .as_deref()
                .map(printable)
                .unwrap_or_else(|| "(unnamed document)".to_owned()),
            vex.author
                .as_deref()
                .map(|a| format!(" by {}", printable(a)))
                .unwrap_or_default()
        );
    }
    let fixed = if f.fixed_versions.is_empty() {
        "no fixed version known".to_owned()
    } else {
        printable(&f.fixed_versions.join(", "))
    };
    let _ = writeln!(out, "    fixed in: {fixed}");
    let _ = writeln!(
        out,
        "    why:      {} [{}]",
        printable(&f.explanation),
        printable(&f.decided_by)
    );
    if !f.aliases.is_empty() {
        let _ = writeln!(out, "    aliases:  {}", printable(&f.aliases.join(", ")));
    }
    for s in &f.severity {
        let _ = writeln!(
            out,
            "    severity: {} {}",
            printable(&s.kind),
            printable(&s.score)
        );
    }
    if let Some(summary) = &f.summary {
        let _ = writeln!(out, "    summary:  {}", printable(summary));
    }
}

fn not_evaluable(report: &Report, out: &mut String) {
    if report.not_evaluable.is_empty() {
        return;
    }
    out.push_str("\nNot evaluable (never read as \"not affected\"):\n");
    for n in &report.not_evaluable {
        let _ = writeln!(
            out,
            "  {}: {} ({}): {}",
            printable(&n.component.to_string()),
            printable(&n.vulnerability),
            printable(&n.advisory),
            printable(&n.reason)
        );
    }
}

fn unmatchable(report: &Report, out: &mut String) {
    if report.unmatchable.is_empty() {
        return;
    }
    out.push_str("\nUnmatchable components (not checked):\n");
    for u in &report.unmatchable {
        let _ = write!(
            out,
            "  {}: {}",
            printable(&u.component.to_string()),
            printable(&u.reason)
        );
        if !u.cpes.is_empty() {
            let _ = write!(out, " [CPE {}]", printable(&u.cpes.join(", ")));
        }
        out.push('\n');
    }
}
