//! Applying manufacturer VEX statements to findings.
//!
//! A statement applies to a finding when
//! 1. it names the finding's vulnerability: its id or one of its aliases is in the finding's
//!    alias group; and
//! 2. it names the finding's component: a product or sub-component reference matches the
//!    component by purl (type, namespace, name, and version if the statement's purl has one;
//!    qualifiers are ignored), by bom-ref (a BOM-Link must carry this SBOM's serial number, if
//!    it carries one), or by product id equal to the bom-ref; **or** it names the product as a
//!    whole (a product reference matching a component the SBOM describes, or the product
//!    version id) and has no sub-components, which makes it a statement about every component;
//! 3. and, when the matching reference restricts versions (CycloneDX `affects[].versions`, CSAF
//!    version branches), the matched version is one of them or inside a `vers:` range. A range
//!    that cannot be evaluated (e.g. `vers:generic`) does not match: a not-affected claim is
//!    applied only when it is known to be about this version.
//!
//! Statements about sub-components apply whatever product they name: the VEX was handed in
//! for this product version. When several statements apply, the last one received wins (VEX
//! documents are updated by issuing later statements).

use iotlabel_versions::VersRange;
use iotlabel_vuln::advisory::aliases::normalise_id;
use iotlabel_vuln::vex::{ProductRef, VersionSpec};
use iotlabel_vuln::{Purl, VexStatement, VexStatus};

use crate::aliases::Ids;
use crate::model::{ComponentRef, FindingStatus, VexSource};
use crate::products::Product;

/// The statement deciding a finding's status, if any.
pub(crate) fn deciding_statement<'s>(
    statements: &'s [VexStatement],
    group: &impl Ids,
    component: &ComponentRef,
    product: &Product,
) -> Option<&'s VexStatement> {
    if statements.is_empty() {
        return None;
    }
    let component_purl = component.purl.as_deref().and_then(|p| Purl::parse(p).ok());
    statements.iter().rev().find(|statement| {
        names_vulnerability(statement, group)
            && names_component(statement, component, component_purl.as_ref(), product)
    })
}

fn names_vulnerability(statement: &VexStatement, group: &impl Ids) -> bool {
    std::iter::once(&statement.vulnerability)
        .chain(&statement.aliases)
        .any(|id| group.contains(&normalise_id(id)))
}

fn names_component(
    statement: &VexStatement,
    component: &ComponentRef,
    component_purl: Option<&Purl>,
    product: &Product,
) -> bool {
    let serial = product.serial.as_deref();
    let matches_component = |r: &ProductRef| matches_ref(r, component, component_purl, serial);
    if statement
        .subcomponents
        .iter()
        .chain(&statement.products)
        .any(matches_component)
    {
        return true;
    }
    statement.subcomponents.is_empty()
        && statement.products.iter().any(|r| {
            r.product_id.as_deref() == Some(product.id.as_str())
                || product.described.iter().any(|described| {
                    let purl = described.purl.as_deref().and_then(|p| Purl::parse(p).ok());
                    matches_ref(r, described, purl.as_ref(), serial)
                })
        })
}

/// Whether a statement's reference names a component (identity, then versions).
fn matches_ref(
    r: &ProductRef,
    component: &ComponentRef,
    component_purl: Option<&Purl>,
    serial: Option<&str>,
) -> bool {
    let by_purl = r
        .purl
        .as_ref()
        .is_some_and(|p| purl_names(p, component_purl));
    let by_bom_ref = r.bom_ref.as_ref().is_some_and(|b| {
        let same_bom = match (&b.serial, serial) {
            (Some(theirs), Some(ours)) => theirs
                .trim_start_matches("urn:uuid:")
                .eq_ignore_ascii_case(ours),
            (Some(_), None) | (None, _) => true,
        };
        (same_bom && b.reference == component.reference)
            || Purl::parse(&b.reference).is_ok_and(|p| purl_names(&p, component_purl))
    });
    let by_product_id = r.product_id.as_deref().is_some_and(|id| {
        id == component.reference || Purl::parse(id).is_ok_and(|p| purl_names(&p, component_purl))
    });
    (by_purl || by_bom_ref || by_product_id) && version_allowed(&r.versions, component)
}

/// Same package, and the same version when the statement's purl has one.
fn purl_names(statement: &Purl, component: Option<&Purl>) -> bool {
    let Some(component) = component else {
        return false;
    };
    statement.ty() == component.ty()
        && statement.namespace() == component.namespace()
        && statement.name() == component.name()
        && statement
            .version()
            .is_none_or(|v| component.version() == Some(v))
}

fn version_allowed(specs: &[VersionSpec], component: &ComponentRef) -> bool {
    if specs.is_empty() {
        return true;
    }
    let Some(version) = component.version.as_deref() else {
        return false;
    };
    specs.iter().any(|spec| match spec {
        VersionSpec::Version(v) => v.trim() == version,
        VersionSpec::Range(range) => VersRange::parse_lenient(range)
            .and_then(|r| r.contains_str(version))
            .unwrap_or(false),
    })
}

/// The status a statement gives, and where it came from.
pub(crate) fn status_from(statement: &VexStatement) -> (FindingStatus, VexSource) {
    let status = match statement.status {
        VexStatus::Affected => FindingStatus::Affected,
        VexStatus::NotAffected => FindingStatus::NotAffected {
            justification: statement.justification,
            impact_statement: statement.impact_statement.clone(),
            justified: statement.is_justified(),
        },
        VexStatus::Fixed => FindingStatus::Fixed,
        VexStatus::UnderInvestigation => FindingStatus::UnderInvestigation,
    };
    let source = VexSource {
        format: statement.format,
        document: statement.document.clone(),
        author: statement.author.clone(),
        timestamp: statement.last_updated.or(statement.timestamp),
        vulnerability: statement.vulnerability.clone(),
        justification_text: statement.justification_text.clone(),
        action_statement: statement.action_statement.clone(),
        responses: statement.responses.clone(),
    };
    (status, source)
}
