//! The matcher: the advisory index, the reverse product index, and the verdicts per distinct
//! package version that join them, kept up to date incrementally.
//!
//! Invariant: every distinct package version ever registered has its verdicts ("hits")
//! computed against the current advisories. A new SBOM evaluates only its package versions
//! not seen before; a new or changed advisory re-evaluates only the package versions of the
//! packages it names (or whose vulnerability's aliases it changed); a full re-match
//! re-evaluates all of them and must change nothing. Findings are never stored: they are the
//! hits fanned out to component instances, with VEX and KEV applied, when asked for.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use iotlabel_vuln::{KevCatalog, Sbom, VexStatement, Vulnerability};
use rayon::prelude::*;

use crate::advisories::AdvisoryIndex;
use crate::aliases::{GroupInfo, Ids};
use crate::error::MatchError;
use crate::evaluate::{Hit, evaluate};
use crate::exploited::KevIndex;
use crate::model::{
    Changes, ComponentRef, Finding, FindingChange, FindingStatus, NotEvaluable, Phase,
    ProductChanges, ProductReport, ProductVersionId, Progress, SeverityScore, SharedText,
    VexSource, detach,
};
use crate::products::{Instance, Product, ProductIndex, Slot};
use crate::vex;

/// Package versions evaluated in parallel between two progress reports.
const CHUNK: usize = 16_384;

/// One vulnerability whose verdict for a package version changed: the old and the new hit,
/// and, for affected ones, the finding for one of the package version's components.
struct Pair<'a> {
    old: Option<&'a Hit>,
    new: Option<&'a Hit>,
    old_finding: Option<Finding>,
    new_finding: Option<Finding>,
}

/// What the findings of one component of a product version share, worked out once.
struct Place<'a> {
    product: &'a Product,
    component: Option<&'a Arc<ComponentRef>>,
    /// The package key as findings show it (`PyPI/jinja2`).
    package: &'a SharedText,
    /// The version matched, which explanations quote.
    version: &'a str,
}

/// Incremental matching of registered SBOMs against advisories, with KEV and VEX.
#[derive(Default)]
pub struct Matcher {
    advisories: AdvisoryIndex,
    products: ProductIndex,
    /// Verdicts per package version (index as in the product index).
    hits: Vec<Option<Arc<[Hit]>>>,
    kev: KevIndex,
}

/// Sizes of a matcher's indexes, for logs and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatcherStats {
    /// Active advisory records.
    pub advisories: usize,
    /// Vulnerabilities (alias groups).
    pub vulnerabilities: usize,
    /// Registered product versions.
    pub product_versions: usize,
    /// Matchable component instances over all product versions.
    pub component_instances: usize,
    /// Distinct package versions those instances have.
    pub distinct_package_versions: usize,
    /// Findings over all product versions (affected component instances).
    pub findings: usize,
}

impl Matcher {
    /// An empty matcher.
    pub fn new() -> Matcher {
        Matcher::default()
    }

    /// The advisory index.
    pub fn advisories(&self) -> &AdvisoryIndex {
        &self.advisories
    }

    /// The reverse product index.
    pub fn products(&self) -> &ProductIndex {
        &self.products
    }

    /// Registers (or replaces) the SBOM of a product version and returns its findings. Only
    /// package versions not seen before are evaluated; VEX statements embedded in the SBOM
    /// apply, and those added with [`Matcher::add_vex`] are kept across a replacement.
    pub fn add_sbom(&mut self, pv: &ProductVersionId, sbom: &Sbom) -> Vec<Finding> {
        let product = self.products.register_sbom(pv, sbom);
        self.evaluate_unseen(&[product]);
        self.report_of(product).findings
    }

    /// Registers (or replaces) the SBOMs of many product versions at once, as a registry does
    /// when it starts: as [`Matcher::add_sbom`] does for each, but the package versions none
    /// of them had before are evaluated together, in parallel, and no findings are built (ask
    /// [`Matcher::findings`] or [`Matcher::report`] for those wanted).
    pub fn add_sboms<'a>(
        &mut self,
        sboms: impl IntoIterator<Item = (&'a ProductVersionId, &'a Sbom)>,
    ) {
        let products: Vec<u32> = sboms
            .into_iter()
            .map(|(pv, sbom)| self.products.register_sbom(pv, sbom))
            .collect();
        self.evaluate_unseen(&products);
    }

    /// Evaluates the package versions of products that have no verdicts yet.
    fn evaluate_unseen(&mut self, products: &[u32]) {
        self.hits
            .resize_with(self.products.package_version_count(), || None);
        let mut unseen: Vec<u32> = products
            .iter()
            .filter_map(|&p| self.products.product(p))
            .flat_map(|p| p.slots.iter().map(|s| s.package_version))
            .filter(|&pv| self.hits.get(pv as usize).is_some_and(Option::is_none))
            .collect();
        unseen.sort_unstable();
        unseen.dedup();
        for (p, hits) in self.evaluate_all(&unseen) {
            if let Some(place) = self.hits.get_mut(p as usize) {
                *place = Some(hits);
            }
        }
    }

    /// Removes a product version (its SBOM and VEX); returns whether it was registered. The
    /// verdicts of package versions that no other product version contains are dropped: an
    /// SBOM that brings them back has them evaluated again.
    pub fn remove(&mut self, pv: &ProductVersionId) -> bool {
        let package_versions: Vec<u32> = self
            .products
            .product_index(pv)
            .and_then(|index| self.products.product(index))
            .map(|p| p.slots.iter().map(|s| s.package_version).collect())
            .unwrap_or_default();
        if !self.products.remove(pv) {
            return false;
        }
        for p in package_versions {
            let unused = self
                .products
                .package_version_at(p)
                .is_some_and(|v| v.instances.is_empty());
            if unused && let Some(place) = self.hits.get_mut(p as usize) {
                *place = None;
            }
        }
        true
    }

    /// Imports advisories and returns what changed: the import report and, per product
    /// version, new, resolved and updated findings. Only the product versions containing the
    /// packages the changed records name are re-evaluated.
    pub fn add_advisories(&mut self, records: &[Vulnerability]) -> Changes {
        self.add_advisories_with_progress(records, &mut |_| {})
    }

    /// [`Matcher::add_advisories`], reporting progress.
    pub fn add_advisories_with_progress(
        &mut self,
        records: &[Vulnerability],
        progress: &mut dyn FnMut(Progress),
    ) -> Changes {
        let import = self.advisories.import_with_progress(records, progress);
        let mut targets: Vec<u32> = import
            .packages
            .iter()
            .flat_map(|key| self.products.package_versions_of(key))
            .collect();
        targets.sort_unstable();
        let products = self.refresh(&targets, progress);
        Changes { import, products }
    }

    /// Re-evaluates every package version from scratch and returns the differences from what
    /// the incremental path had, which must be none.
    pub fn rematch_all(&mut self) -> Changes {
        self.rematch_all_with_progress(&mut |_| {})
    }

    /// [`Matcher::rematch_all`], reporting progress.
    pub fn rematch_all_with_progress(&mut self, progress: &mut dyn FnMut(Progress)) -> Changes {
        let targets: Vec<u32> = (0..self.products.package_version_count() as u32).collect();
        let products = self.refresh(&targets, progress);
        Changes {
            import: Default::default(),
            products,
        }
    }

    /// Replaces the KEV catalogue and returns the findings whose exploitation changed.
    /// Only findings of vulnerabilities whose CVEs were added, removed or changed are looked at.
    pub fn set_kev(&mut self, catalog: &KevCatalog) -> Vec<FindingChange> {
        let new = KevIndex::from_catalog(catalog);
        let mut records = BTreeSet::new();
        for cve in self.kev.changed_cves(&new) {
            records.extend(self.advisories.records_of_id(&cve));
        }
        let mut groups: Vec<&Arc<GroupInfo>> = Vec::new();
        let mut keys = BTreeSet::new();
        for &r in &records {
            if let Some(group) = self.advisories.group_of_record(r)
                && !groups.iter().any(|g| Arc::ptr_eq(g, group))
            {
                groups.push(group);
            }
            let entries = self
                .advisories
                .slot(r)
                .and_then(|s| s.active.as_ref())
                .map(|a| a.entries.as_slice())
                .unwrap_or_default();
            keys.extend(
                entries
                    .iter()
                    .filter_map(|e| self.advisories.key_at(e.key).cloned()),
            );
        }
        let mut targets: Vec<(u32, Hit)> = Vec::new();
        for key in &keys {
            for p in self.products.package_versions_of(key) {
                for hit in self.hits_of(p) {
                    // By primary id: hits keep copies of their vulnerability's ids.
                    if groups.iter().any(|g| *g.primary == *hit.primary()) {
                        targets.push((p, hit.clone()));
                    }
                }
            }
        }
        let before = self.materialise_targets(&targets);
        self.kev = new;
        let after = self.materialise_targets(&targets);
        before
            .into_iter()
            .zip(after)
            .filter(|(b, a)| b != a)
            .map(|(before, after)| FindingChange { before, after })
            .collect()
    }

    /// Adds VEX statements for a product version (after those it has: the last statement
    /// that applies to a finding decides its status) and returns the findings whose status
    /// changed.
    pub fn add_vex(
        &mut self,
        pv: &ProductVersionId,
        statements: &[VexStatement],
    ) -> Result<Vec<FindingChange>, MatchError> {
        let index = self
            .products
            .product_index(pv)
            .ok_or_else(|| MatchError::UnknownProductVersion(pv.to_string()))?;
        let before = self.report_of(index).findings;
        if let Some(product) = self.products.product_mut(index) {
            product.vex.extend(statements.iter().cloned());
        }
        let after = self.report_of(index).findings;
        Ok(before
            .into_iter()
            .zip(after)
            .filter(|(b, a)| b != a)
            .map(|(before, after)| FindingChange { before, after })
            .collect())
    }

    /// The findings of a product version (empty if it is not registered).
    pub fn findings(&self, pv: &ProductVersionId) -> Vec<Finding> {
        self.report(pv).map(|r| r.findings).unwrap_or_default()
    }

    /// Findings, not-evaluable advisories and unmatchable components of a product version.
    pub fn report(&self, pv: &ProductVersionId) -> Option<ProductReport> {
        let index = self.products.product_index(pv)?;
        Some(self.report_of(index))
    }

    /// Sizes of the indexes and the number of findings (counted without building them).
    pub fn stats(&self) -> MatcherStats {
        let mut findings = 0;
        for p in 0..self.products.package_version_count() as u32 {
            let affected = self.hits_of(p).iter().filter(|h| h.is_affected()).count();
            let instances = self
                .products
                .package_version_at(p)
                .map_or(0, |pv| pv.instances.len());
            findings += affected * instances;
        }
        MatcherStats {
            advisories: self.advisories.len(),
            vulnerabilities: self.advisories.vulnerability_count(),
            product_versions: self.products.len(),
            component_instances: self.products.instance_count(),
            distinct_package_versions: self.products.distinct_package_versions(),
            findings,
        }
    }

    fn hits_of(&self, package_version: u32) -> &[Hit] {
        self.hits
            .get(package_version as usize)
            .and_then(Option::as_deref)
            .unwrap_or_default()
    }

    fn evaluate_one(&self, package_version: u32) -> Arc<[Hit]> {
        let Some(pv) = self.products.package_version_at(package_version) else {
            return Arc::from(Vec::new());
        };
        let Some(key) = self.products.key_at(pv.key) else {
            return Arc::from(Vec::new());
        };
        evaluate(&self.advisories, key, pv.release.as_deref(), &pv.version)
    }

    fn evaluate_all(&self, targets: &[u32]) -> Vec<(u32, Arc<[Hit]>)> {
        targets
            .par_iter()
            .map(|&p| (p, self.evaluate_one(p)))
            .collect()
    }

    /// Re-evaluates package versions, stores the new hits and returns the finding changes.
    fn refresh(
        &mut self,
        targets: &[u32],
        progress: &mut dyn FnMut(Progress),
    ) -> BTreeMap<ProductVersionId, ProductChanges> {
        self.hits
            .resize_with(self.products.package_version_count(), || None);
        let mut replaced: Vec<(u32, Option<Arc<[Hit]>>)> = Vec::new();
        let total = targets.len() as u64;
        let mut done = 0;
        for chunk in targets.chunks(CHUNK) {
            for (p, new) in self.evaluate_all(chunk) {
                if let Some(place) = self.hits.get_mut(p as usize) {
                    let unchanged = place.as_deref() == Some(&*new);
                    let old = place.replace(new);
                    if !unchanged {
                        replaced.push((p, old));
                    }
                }
            }
            done += chunk.len() as u64;
            progress(Progress {
                phase: Phase::Matching,
                done,
                total,
            });
        }
        let mut collected = Vec::new();
        for (p, old) in replaced {
            self.diff_into(p, old.as_deref().unwrap_or_default(), &mut collected);
        }
        file_changes(collected)
    }

    /// Fans the difference between a package version's old and current hits out to its
    /// instances: appends the changes of each product version containing it (unsorted).
    fn diff_into(
        &self,
        package_version: u32,
        old: &[Hit],
        changes: &mut Vec<(ProductVersionId, ProductChanges)>,
    ) {
        let new = self.hits_of(package_version);
        let Some(pv) = self.products.package_version_at(package_version) else {
            return;
        };
        if pv.instances.is_empty() {
            return;
        }
        let mut pairs: Vec<(Option<&Hit>, Option<&Hit>)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            match (old.get(i), new.get(j)) {
                (Some(o), Some(n)) if o.primary() == n.primary() => {
                    if o != n {
                        pairs.push((Some(o), Some(n)));
                    }
                    i += 1;
                    j += 1;
                }
                (Some(o), Some(n)) if o.primary() < n.primary() => {
                    pairs.push((Some(o), None));
                    i += 1;
                }
                (Some(o), None) => {
                    pairs.push((Some(o), None));
                    i += 1;
                }
                (_, Some(n)) => {
                    pairs.push((None, Some(n)));
                    j += 1;
                }
                (None, None) => break,
            }
        }
        if pairs.is_empty() {
            return;
        }
        let package = self.package_name(package_version);
        // A new advisory for a popular package reaches tens of thousands of product versions:
        // their findings are copied from one built for the first of them, on every core, then
        // filed in order.
        let Some(first) = pv.instances.iter().find_map(|instance| {
            let product = self.products.product(instance.product)?;
            let slot = product.slots.get(instance.slot as usize)?;
            Some(self.place(product, slot, &package))
        }) else {
            return;
        };
        let template = |hit: Option<&Hit>| {
            hit.filter(|h| h.is_affected())
                .map(|h| self.finding(&first, h, &first.product.id))
        };
        let pairs: Vec<Pair<'_>> = pairs
            .into_iter()
            .map(|(o, n)| Pair {
                old: o,
                new: n,
                old_finding: template(o),
                new_finding: template(n),
            })
            .collect();
        // Each batch copies from its own copy of the templates, and of the components (one
        // interned component is in thousands of product versions): their reference counts,
        // bumped by every finding copied, would otherwise bounce between the cores.
        let detached = || {
            let pairs: Vec<Pair<'_>> = pairs
                .iter()
                .map(|p| Pair {
                    old: p.old,
                    new: p.new,
                    old_finding: p.old_finding.as_ref().map(Finding::detached),
                    new_finding: p.new_finding.as_ref().map(Finding::detached),
                })
                .collect();
            let components: HashMap<u32, Arc<ComponentRef>> = HashMap::new();
            (detach(&package), pairs, components)
        };
        // Each batch reads ahead the product versions (their ids and slots) it will visit.
        let touch = |instance: &Instance| {
            self.products
                .product(instance.product)
                .map_or(0, |product| {
                    let slot = product.slots.get(instance.slot as usize);
                    product.id.as_str().as_bytes().first().copied().unwrap_or(0)
                        ^ slot.map_or(0, |s| s.component as u8)
                })
        };
        changes.par_extend(
            pv.instances
                .par_iter()
                .enumerate()
                .with_min_len(64)
                .map_init(
                    || (detached(), 0..0),
                    |((package, pairs, components), warmed), (i, instance)| {
                        read_ahead(&pv.instances, i, warmed, touch);
                        let product = self.products.product(instance.product)?;
                        let slot = product.slots.get(instance.slot as usize)?;
                        let mut place = self.place(product, slot, package);
                        if let Some(shared) = place.component {
                            let own = components
                                .entry(slot.component)
                                .or_insert_with(|| Arc::new(ComponentRef::clone(shared)));
                            place.component = Some(own);
                        }
                        let mut entry = ProductChanges::default();
                        for pair in pairs.iter() {
                            self.diff_one(&place, slot, pair, &mut entry);
                        }
                        (!entry.is_empty()).then(|| (product.id.clone(), entry))
                    },
                )
                .flatten(),
        );
    }

    /// What one vulnerability's change of verdict changes for one component.
    fn diff_one(
        &self,
        place: &Place<'_>,
        slot: &Slot,
        pair: &Pair<'_>,
        entry: &mut ProductChanges,
    ) {
        let product = place.product;
        if let (Some(o), Some(n), Some(old_finding), Some(new_finding)) =
            (pair.old, pair.new, &pair.old_finding, &pair.new_finding)
        {
            let before = self.finding_like(old_finding, place, o);
            let after = self.finding_like(new_finding, place, n);
            if before != after {
                push(&mut entry.updated, FindingChange { before, after });
            }
            return;
        }
        if let Some(o) = pair.old {
            if let Some(template) = &pair.old_finding {
                push(&mut entry.resolved, self.finding_like(template, place, o));
            } else {
                push(
                    &mut entry.not_evaluable_removed,
                    self.not_evaluable(product, slot, o),
                );
            }
        }
        if let Some(n) = pair.new {
            if let Some(template) = &pair.new_finding {
                push(&mut entry.new, self.finding_like(template, place, n));
            } else {
                push(
                    &mut entry.not_evaluable_added,
                    self.not_evaluable(product, slot, n),
                );
            }
        }
    }

    fn report_of(&self, index: u32) -> ProductReport {
        let Some(product) = self.products.product(index) else {
            return ProductReport::default();
        };
        let mut report = ProductReport {
            unmatchable: product.unmatchable.clone(),
            ..ProductReport::default()
        };
        let packages: Vec<SharedText> = product
            .slots
            .iter()
            .map(|slot| self.package_name(slot.package_version))
            .collect();
        let places: Vec<Place<'_>> = product
            .slots
            .iter()
            .zip(&packages)
            .map(|(slot, package)| self.place(product, slot, package))
            .collect();
        let mut affected: Vec<(&Place<'_>, &Hit)> = Vec::new();
        for (place, slot) in places.iter().zip(&product.slots) {
            for hit in self.hits_of(slot.package_version) {
                if hit.is_affected() {
                    affected.push((place, hit));
                } else {
                    report
                        .not_evaluable
                        .push(self.not_evaluable(product, slot, hit));
                }
            }
        }
        // A product version can have tens of thousands of findings: built on every core,
        // straight into their places in the vector. Each batch gets its own copy of the
        // product version id, whose reference count every finding of the batch bumps: one
        // count shared by all cores bounced between them and cost more than the copying.
        // Each batch also reads ahead what the next findings will read (`Hit::warm`).
        report.findings = affected
            .par_iter()
            .enumerate()
            .with_min_len(256)
            .map_init(
                || (product.id.detached(), 0..0),
                |(id, warmed), (i, (place, hit))| {
                    read_ahead(&affected, i, warmed, |(_, hit)| hit.warm());
                    self.finding(place, hit, id)
                },
            )
            .collect();
        report
    }

    /// Findings of (package version, hit) targets for all their instances, in a stable order.
    fn materialise_targets(&self, targets: &[(u32, Hit)]) -> Vec<Finding> {
        let mut out = Vec::new();
        for (p, hit) in targets {
            if !hit.is_affected() {
                continue;
            }
            let Some(pv) = self.products.package_version_at(*p) else {
                continue;
            };
            let package = self.package_name(*p);
            for instance in &pv.instances {
                let Some(product) = self.products.product(instance.product) else {
                    continue;
                };
                let Some(slot) = product.slots.get(instance.slot as usize) else {
                    continue;
                };
                let place = self.place(product, slot, &package);
                out.push(self.finding(&place, hit, &product.id));
            }
        }
        out
    }

    /// What the findings of one component of a product version share.
    fn place<'a>(
        &'a self,
        product: &'a Product,
        slot: &Slot,
        package: &'a SharedText,
    ) -> Place<'a> {
        let package_version = self.products.package_version_at(slot.package_version);
        Place {
            product,
            component: self.products.component(slot.component),
            package,
            version: package_version.map_or("", |pv| &pv.version),
        }
    }

    /// The package key of a package version as findings show it (`PyPI/jinja2`).
    fn package_name(&self, package_version: u32) -> SharedText {
        self.products
            .package_version_at(package_version)
            .and_then(|pv| self.products.key_at(pv.key))
            .map(|k| SharedText::from(k.to_string()))
            .unwrap_or_default()
    }

    /// The status a product version's VEX statements give a finding, and the deciding one.
    fn status(
        &self,
        product: &Product,
        group: &impl Ids,
        component: &ComponentRef,
    ) -> (FindingStatus, Option<Box<VexSource>>) {
        match vex::deciding_statement(&product.vex, group, component, product) {
            Some(statement) => {
                let (status, source) = vex::status_from(statement);
                (status, Some(Box::new(source)))
            }
            None => (FindingStatus::Affected, None),
        }
    }

    /// The finding of `hit` for another component of the same package version, given that
    /// finding for any one of them (`template`): only the product version, the component and
    /// the status differ. Copying is cheaper than building when a new advisory gives the same
    /// finding to thousands of product versions.
    fn finding_like(&self, template: &Finding, place: &Place<'_>, hit: &Hit) -> Finding {
        let component = place.component.cloned().unwrap_or_default();
        let ids = hit.ids();
        let (status, vex) = self.status(place.product, &ids, &component);
        Finding {
            product_version: place.product.id.clone(),
            vulnerability: template.vulnerability.clone(),
            aliases: template.aliases.clone(),
            package: template.package.clone(),
            component,
            status,
            vex,
            fixed_versions: template.fixed_versions.clone(),
            exploited: template.exploited.clone(),
            explanation: template.explanation.clone(),
            decided_by: template.decided_by.clone(),
            severity: template.severity.clone(),
            summary: template.summary.clone(),
        }
    }

    /// The finding of an affected hit for one component of a product version, whose id
    /// (`product_version`, equal to `place.product.id`) the caller gives.
    fn finding(&self, place: &Place<'_>, hit: &Hit, product_version: &ProductVersionId) -> Finding {
        let component = place.component.cloned().unwrap_or_default();
        let ids = hit.ids();
        let (status, vex) = self.status(place.product, &ids, &component);
        Finding {
            product_version: product_version.clone(),
            vulnerability: hit.share(hit.primary()),
            aliases: hit.aliases().map(|id| hit.share(id)).collect(),
            package: place.package.clone(),
            component,
            status,
            vex,
            fixed_versions: hit.fixed_shared(),
            exploited: self.kev.exploited(&ids),
            explanation: hit.explanation(place.version),
            decided_by: hit.share(hit.record_id()),
            severity: hit
                .severity()
                .map(|(kind, score)| SeverityScore {
                    kind: hit.share(kind),
                    score: hit.share(score),
                })
                .collect(),
            summary: hit.summary().map(|s| hit.share(s)),
        }
    }

    fn not_evaluable(&self, product: &Product, slot: &Slot, hit: &Hit) -> NotEvaluable {
        NotEvaluable {
            product_version: product.id.clone(),
            component: self
                .products
                .component(slot.component)
                .map(|c| ComponentRef::clone(c))
                .unwrap_or_default(),
            vulnerability: hit.primary().to_owned(),
            advisory: hit.record_id().to_owned(),
            reason: hit.reason().unwrap_or_default().to_owned(),
        }
    }
}

/// The changes of product versions, filed by product version (one entry each, lists sorted).
/// Sorted then built in one go: inserting tens of thousands of string keys into a map one by
/// one costs more.
fn file_changes(
    collected: Vec<(ProductVersionId, ProductChanges)>,
) -> BTreeMap<ProductVersionId, ProductChanges> {
    // Sorted as positions, each with the first bytes of its id: comparing the ids themselves
    // read two strings scattered over the heap per step, which was a third of the time a
    // new advisory for a popular package took. The ids are compared in full only when those
    // bytes tie.
    let id = |i: u32| collected.get(i as usize).map(|(id, _)| id);
    let mut order: Vec<(IdPrefix, u32)> = collected
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (IdPrefix::of(id.as_str()), i as u32))
        .collect();
    order.par_sort_unstable_by(|(a, i), (b, j)| a.cmp(b).then_with(|| id(*i).cmp(&id(*j))));
    let mut slots: Vec<Option<(ProductVersionId, ProductChanges)>> =
        collected.into_iter().map(Some).collect();
    let mut filed: Vec<(ProductVersionId, ProductChanges)> = Vec::with_capacity(slots.len());
    for (id, c) in order
        .into_iter()
        .filter_map(|(_, i)| slots.get_mut(i as usize).and_then(Option::take))
    {
        match filed.last_mut() {
            Some((last, entry)) if *last == id => {
                entry.new.extend(c.new);
                entry.resolved.extend(c.resolved);
                entry.updated.extend(c.updated);
                entry.not_evaluable_added.extend(c.not_evaluable_added);
                entry.not_evaluable_removed.extend(c.not_evaluable_removed);
            }
            _ => filed.push((id, c)),
        }
    }
    filed.par_iter_mut().for_each(|(_, c)| sort_changes(c));
    filed.retain(|(_, c)| !c.is_empty());
    filed.into_iter().collect()
}

/// How many items a parallel batch reads ahead at a time: enough for many reads from memory
/// to be under way at once, few enough that what they bring is still in cache when used.
const READ_AHEAD: usize = 64;

/// Reads ahead for a batch that works through `items` in order and is now at `i`: when `i`
/// is past what was read (`warmed`), runs `touch` over the next [`READ_AHEAD`] items. Building
/// findings follows references into memory that nothing else touched lately; taken one item
/// at a time each is a wait, while `touch`'s rounds do not wait for each other, so their
/// reads overlap and the building finds what it needs in cache.
fn read_ahead<T>(items: &[T], i: usize, warmed: &mut Range<usize>, touch: impl Fn(&T) -> u8) {
    if warmed.contains(&i) {
        return;
    }
    *warmed = i..i.saturating_add(READ_AHEAD).min(items.len());
    let ahead = items.get(warmed.clone()).unwrap_or_default();
    std::hint::black_box(ahead.iter().fold(0, |acc, item| acc ^ touch(item)));
}

/// The first bytes of a product version id, zero-padded. Two ids whose prefixes differ
/// compare as their prefixes do (a shorter id's padding sorts before any byte but NUL); ids
/// whose prefixes tie must be compared in full.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct IdPrefix([u8; 24]);

impl IdPrefix {
    fn of(id: &str) -> IdPrefix {
        let mut bytes = [0; 24];
        for (to, from) in bytes.iter_mut().zip(id.as_bytes()) {
            *to = *from;
        }
        IdPrefix(bytes)
    }
}

/// Pushes without over-allocating the first element: most product versions get one finding
/// from a change, and a vector's first growth makes room for four (findings are large, and a
/// new advisory can give tens of thousands of product versions one each). Later pushes grow
/// as usual.
fn push<T>(list: &mut Vec<T>, item: T) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(item);
}

fn sort_changes(c: &mut ProductChanges) {
    let by_identity = |a: &Finding, b: &Finding| a.identity().cmp(&b.identity());
    c.new.sort_by(by_identity);
    c.resolved.sort_by(by_identity);
    c.updated
        .sort_by(|a, b| a.after.identity().cmp(&b.after.identity()));
    let ne = |a: &NotEvaluable, b: &NotEvaluable| {
        (&a.component.reference, &a.vulnerability).cmp(&(&b.component.reference, &b.vulnerability))
    };
    c.not_evaluable_added.sort_by(ne);
    c.not_evaluable_removed.sort_by(ne);
}

#[cfg(test)]
mod tests {
    use super::IdPrefix;

    /// Sorting by prefix, then by the whole id on a tie, must give the ids' own order:
    /// ids longer than the prefix that share it, ids that are prefixes of others, NUL and
    /// multi-byte characters at and across the prefix's end.
    #[test]
    fn id_prefixes_sort_as_the_ids_do() {
        let stems = [
            "",
            "a",
            "ab",
            "ab\0",
            "ab\0c",
            "product/1",
            "product/10",
            "product/9",
            "manufacturer-with-a-long-name/",
            "manufacturer-with-a-long-nam\u{e9}/",
            "\u{1F600}",
        ];
        let mut ids: Vec<String> = Vec::new();
        for a in stems {
            for b in stems {
                ids.push(format!("{a}{b}"));
            }
        }
        let mut expected = ids.clone();
        expected.sort();
        ids.reverse();
        ids.sort_by(|a, b| IdPrefix::of(a).cmp(&IdPrefix::of(b)).then_with(|| a.cmp(b)));
        assert_eq!(ids, expected);
    }
}
