//! The reverse index: package key -> the product versions and components that contain it,
//! built from the SBOM registered for each product version.
//!
//! Components are grouped by *distinct package version*: (package key, distribution release,
//! version string). A portfolio of 100,000 product versions with 300 components each has 30
//! million component instances but far fewer distinct package versions, because the same
//! openssl, zlib or log4j versions recur; the matcher evaluates each distinct one once and
//! fans the verdict out to its instances. Component descriptions are interned for the same
//! reason: identical components in many SBOMs are stored once.

use std::sync::Arc;

// foldhash with its per-process random seed: these maps are keyed by package names, versions
// and ids from SBOMs, and consulted for every component registered.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use iotlabel_vuln::{Component, PackageKey, Sbom, VexStatement};

use crate::model::{ComponentRef, ProductVersionId, Unmatchable};

/// One component instance: which product version, which of its slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Instance {
    pub product: u32,
    pub slot: u32,
}

/// A distinct package version and where it occurs.
pub(crate) struct PackageVersion {
    pub key: u32,
    pub release: Option<Box<str>>,
    /// The version to evaluate; empty when the SBOM gives none.
    pub version: Box<str>,
    pub instances: Vec<Instance>,
}

/// A matchable component of a product version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Slot {
    pub component: u32,
    pub package_version: u32,
}

/// One registered product version.
pub(crate) struct Product {
    pub id: ProductVersionId,
    pub slots: Vec<Slot>,
    pub unmatchable: Vec<Unmatchable>,
    /// The components the SBOM describes (the product itself).
    pub described: Vec<ComponentRef>,
    /// The SBOM's serial number without `urn:uuid:`, for BOM-Links in VEX.
    pub serial: Option<String>,
    /// VEX statements embedded in the SBOM, then those added for the product version, in the
    /// order received.
    pub vex: Vec<VexStatement>,
    /// How many of `vex` came from the SBOM (replaced with it).
    pub sbom_vex: usize,
}

/// Version text -> package version index, within one release qualifier.
type VersionSlots = HashMap<Box<str>, u32>;

struct KeyUse {
    key: PackageKey,
    /// Per release, version -> package version index.
    releases: Vec<(Option<Box<str>>, VersionSlots)>,
}

/// Product versions and the packages they contain.
#[derive(Default)]
pub struct ProductIndex {
    products: Vec<Option<Product>>,
    by_id: HashMap<ProductVersionId, u32>,
    free: Vec<u32>,
    keys: Vec<KeyUse>,
    key_lookup: HashMap<PackageKey, u32>,
    package_versions: Vec<PackageVersion>,
    components: Vec<Arc<ComponentRef>>,
    component_lookup: HashMap<Arc<ComponentRef>, u32>,
}

impl ProductIndex {
    /// An empty index.
    pub fn new() -> ProductIndex {
        ProductIndex::default()
    }

    /// Registers the SBOM of a product version, replacing the one it had. Returns the
    /// product's index.
    pub fn register_sbom(&mut self, pv: &ProductVersionId, sbom: &Sbom) -> u32 {
        let kept_vex = self.remove_keeping_vex(pv);
        let mut slots = Vec::with_capacity(sbom.components.len());
        let mut seen = HashSet::with_capacity(sbom.components.len());
        let mut unmatchable = Vec::new();
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.products.push(None);
                (self.products.len() - 1) as u32
            }
        };
        for component in &sbom.components {
            let reference = component_ref(component);
            match component.package_key() {
                Some((key, release)) => {
                    let version = match_version(component);
                    let package_version = self.package_version(key, release, version);
                    let component = self.intern(reference);
                    let slot = Slot {
                        component,
                        package_version,
                    };
                    if seen.insert(slot) {
                        slots.push(slot);
                    }
                }
                None => {
                    let reason = component
                        .unmatchable()
                        .map(|why| why.to_string())
                        .unwrap_or_else(|| "no package identity".to_owned());
                    unmatchable.push(Unmatchable {
                        component: reference,
                        reason,
                        cpes: component.cpes.clone(),
                    });
                }
            }
        }
        for (i, slot) in slots.iter().enumerate() {
            if let Some(pv) = self.package_versions.get_mut(slot.package_version as usize) {
                pv.instances.push(Instance {
                    product: index,
                    slot: i as u32,
                });
            }
        }
        let described = sbom
            .described_components()
            .map(component_ref)
            .collect::<Vec<_>>();
        let sbom_vex: Vec<VexStatement> = sbom
            .vulnerabilities
            .iter()
            .flat_map(|v| v.statements.iter().cloned())
            .collect();
        let sbom_vex_len = sbom_vex.len();
        let mut vex = sbom_vex;
        vex.extend(kept_vex);
        let product = Product {
            id: pv.clone(),
            slots,
            unmatchable,
            described,
            serial: sbom
                .serial_number
                .as_deref()
                .map(|s| s.trim().trim_start_matches("urn:uuid:").to_owned()),
            vex,
            sbom_vex: sbom_vex_len,
        };
        if let Some(place) = self.products.get_mut(index as usize) {
            *place = Some(product);
        }
        self.by_id.insert(pv.clone(), index);
        index
    }

    /// Removes a product version; returns whether it was registered.
    pub fn remove(&mut self, pv: &ProductVersionId) -> bool {
        self.take(pv).is_some()
    }

    /// Removes a product version and returns the VEX statements added for it (not those of
    /// its SBOM), which outlive an SBOM replacement.
    fn remove_keeping_vex(&mut self, pv: &ProductVersionId) -> Vec<VexStatement> {
        match self.take(pv) {
            Some(mut product) => product
                .vex
                .split_off(product.sbom_vex.min(product.vex.len())),
            None => Vec::new(),
        }
    }

    fn take(&mut self, pv: &ProductVersionId) -> Option<Product> {
        let index = self.by_id.remove(pv)?;
        let product = self.products.get_mut(index as usize)?.take()?;
        for slot in &product.slots {
            if let Some(p) = self.package_versions.get_mut(slot.package_version as usize) {
                p.instances.retain(|i| i.product != index);
            }
        }
        self.free.push(index);
        Some(product)
    }

    fn package_version(
        &mut self,
        key: PackageKey,
        release: Option<String>,
        version: String,
    ) -> u32 {
        let k = match self.key_lookup.get(&key) {
            Some(&k) => k,
            None => {
                let k = self.keys.len() as u32;
                self.key_lookup.insert(key.clone(), k);
                self.keys.push(KeyUse {
                    key,
                    releases: Vec::new(),
                });
                k
            }
        };
        let next = self.package_versions.len() as u32;
        let Some(use_) = self.keys.get_mut(k as usize) else {
            return next;
        };
        let release = release.map(String::into_boxed_str);
        let versions = match use_.releases.iter_mut().position(|(r, _)| *r == release) {
            Some(i) => &mut use_.releases[i].1,
            None => {
                use_.releases.push((release.clone(), HashMap::new()));
                let last = use_.releases.len() - 1;
                &mut use_.releases[last].1
            }
        };
        if let Some(&p) = versions.get(version.as_str()) {
            return p;
        }
        let version = version.into_boxed_str();
        versions.insert(version.clone(), next);
        self.package_versions.push(PackageVersion {
            key: k,
            release,
            version,
            instances: Vec::new(),
        });
        next
    }

    fn intern(&mut self, component: ComponentRef) -> u32 {
        if let Some(&c) = self.component_lookup.get(&component) {
            return c;
        }
        let c = self.components.len() as u32;
        let component = Arc::new(component);
        self.component_lookup.insert(component.clone(), c);
        self.components.push(component);
        c
    }

    pub(crate) fn product_index(&self, pv: &ProductVersionId) -> Option<u32> {
        self.by_id.get(pv).copied()
    }

    pub(crate) fn product(&self, index: u32) -> Option<&Product> {
        self.products.get(index as usize).and_then(Option::as_ref)
    }

    pub(crate) fn product_mut(&mut self, index: u32) -> Option<&mut Product> {
        self.products
            .get_mut(index as usize)
            .and_then(Option::as_mut)
    }

    pub(crate) fn component(&self, index: u32) -> Option<&Arc<ComponentRef>> {
        self.components.get(index as usize)
    }

    pub(crate) fn package_version_at(&self, index: u32) -> Option<&PackageVersion> {
        self.package_versions.get(index as usize)
    }

    pub(crate) fn package_version_count(&self) -> usize {
        self.package_versions.len()
    }

    /// The package versions of a package key.
    pub(crate) fn package_versions_of(&self, key: &PackageKey) -> Vec<u32> {
        self.key_lookup
            .get(key)
            .and_then(|&k| self.keys.get(k as usize))
            .map(|use_| {
                use_.releases
                    .iter()
                    .flat_map(|(_, versions)| versions.values().copied())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn key_at(&self, key: u32) -> Option<&PackageKey> {
        self.keys.get(key as usize).map(|k| &k.key)
    }

    /// Number of registered product versions.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether none is registered.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Whether a product version is registered.
    pub fn contains(&self, pv: &ProductVersionId) -> bool {
        self.by_id.contains_key(pv)
    }

    /// The registered product versions, in no particular order.
    pub fn product_versions(&self) -> impl Iterator<Item = &ProductVersionId> {
        self.by_id.keys()
    }

    /// Number of matchable component instances over all product versions.
    pub fn instance_count(&self) -> usize {
        self.package_versions
            .iter()
            .map(|p| p.instances.len())
            .sum()
    }

    /// Number of distinct package versions in use.
    pub fn distinct_package_versions(&self) -> usize {
        self.package_versions
            .iter()
            .filter(|p| !p.instances.is_empty())
            .count()
    }

    /// The product versions and components that contain a package, in no particular order.
    pub fn containing(&self, key: &PackageKey) -> Vec<(&ProductVersionId, &ComponentRef)> {
        let mut out = Vec::new();
        for p in self.package_versions_of(key) {
            let Some(package_version) = self.package_versions.get(p as usize) else {
                continue;
            };
            for instance in &package_version.instances {
                let Some(product) = self.product(instance.product) else {
                    continue;
                };
                let component = product
                    .slots
                    .get(instance.slot as usize)
                    .and_then(|slot| self.component(slot.component));
                if let Some(component) = component.map(|c| &**c) {
                    out.push((&product.id, component));
                }
            }
        }
        out
    }
}

/// The component as findings name it.
pub(crate) fn component_ref(component: &Component) -> ComponentRef {
    ComponentRef {
        reference: component.reference.clone(),
        name: component.name.clone(),
        version: component
            .purl
            .as_ref()
            .and_then(|p| p.version())
            .map(str::to_owned)
            .or_else(|| component.version.clone()),
        purl: component.purl.as_ref().map(|p| p.as_str().to_owned()),
    }
}

/// The version to compare with advisories: the purl's (its identity), else the component's.
/// Debian and RPM purls carry the epoch as a qualifier (`?epoch=1`); advisories write it in the
/// version (`1:2.30-1`), so it is put back.
pub(crate) fn match_version(component: &Component) -> String {
    let Some(purl) = &component.purl else {
        return component.version.clone().unwrap_or_default();
    };
    let version = purl
        .version()
        .map(str::to_owned)
        .or_else(|| component.version.clone())
        .unwrap_or_default();
    match (purl.ty(), purl.qualifier("epoch")) {
        ("deb" | "rpm", Some(epoch)) if !version.is_empty() && !version.contains(':') => {
            format!("{epoch}:{version}")
        }
        _ => version,
    }
}
