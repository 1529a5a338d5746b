//! The findings a change announces are the findings the product versions have afterwards:
//! the incremental path builds them its own way (copied from one per package version), so
//! they are compared with those built when asked for.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iotlabel_match::synthetic::Corpus;
use iotlabel_match::{Finding, Matcher, ProductVersionId};

#[test]
fn announced_findings_are_the_findings_product_versions_then_have() {
    let corpus = Corpus::new(3, 800);
    let advisories = corpus.advisories(0, 3_000);
    let mut matcher = Matcher::new();
    let ids: Vec<ProductVersionId> = (0..60)
        .map(|i| ProductVersionId::new(&format!("device/{i}")).unwrap())
        .collect();
    let sboms: Vec<_> = (0..60).map(|i| corpus.sbom(i, 80)).collect();
    matcher.add_sboms(ids.iter().zip(&sboms));

    let (mut new, mut resolved, mut updated) = (0, 0, 0);
    for (round, batch) in advisories.chunks(250).enumerate() {
        let changes = matcher.add_advisories(batch);
        // Withdraw a few records of earlier batches again (new copies, withdrawn).
        let mut withdrawn: Vec<_> = advisories[..round * 250]
            .iter()
            .step_by(97)
            .cloned()
            .collect();
        for record in &mut withdrawn {
            record.modified = record
                .modified
                .map(|m| m + jiff::SignedDuration::from_secs(1));
            record.withdrawn = record.modified;
        }
        let withdrawals = matcher.add_advisories(&withdrawn);
        for changes in [changes, withdrawals] {
            for (pv, c) in &changes.products {
                let now: Vec<Finding> = matcher.findings(pv);
                for f in &c.new {
                    assert!(now.contains(f), "{pv}: new {f:?} is not among its findings");
                }
                for f in &c.resolved {
                    assert!(
                        !now.iter().any(|g| g.identity() == f.identity()),
                        "{pv}: resolved {:?} is still there",
                        f.identity()
                    );
                }
                for u in &c.updated {
                    assert!(
                        now.contains(&u.after),
                        "{pv}: updated {:?}",
                        u.after.identity()
                    );
                    assert_ne!(u.before, u.after);
                }
                new += c.new.len();
                resolved += c.resolved.len();
                updated += c.updated.len();
            }
        }
    }
    assert!(
        new > 500 && resolved > 10,
        "{new} new, {resolved} resolved, {updated} updated"
    );
    assert!(matcher.rematch_all().is_empty());
}
