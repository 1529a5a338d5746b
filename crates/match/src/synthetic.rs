//! A seeded, deterministic corpus of advisories and SBOMs for benchmarks and equivalence
//! tests, shaped like real portfolios:
//!
//! - packages in the ecosystem mix of connected products (npm 30 %, PyPI 15 %, Maven 15 %,
//!   Go 10 %, crates.io 5 %, Debian 12 %, Alpine 8 %, RPM 5 %), with version strings in each
//!   ecosystem's style (`v1.4.3` for Go, `2.17.1.Final` for some Maven artifacts,
//!   `1.2.13-1` for Debian, `3.1.4-r0` for Alpine, `3.0.7-2.el9` for RPM) and distribution
//!   releases for the distribution packages (`Debian:12`, `Alpine:v3.20`, `Rocky Linux:9`);
//! - popularity following a Zipf law, so that a few packages (think openssl, zlib, log4j) are
//!   in most products and carry most advisories, and the long tail is rare;
//! - advisories with one to three affected ranges (`introduced` from `0` or a version,
//!   `fixed`, sometimes `last_affected` or open-ended), some explicit `versions` lists, some
//!   `GIT` ranges beside version ranges, CVE aliases with twin records (a GHSA and a PYSEC
//!   record of one CVE), CVSS vectors, and a few withdrawn records.
//!
//! Everything is a pure function of the seed and an index, so a benchmark can generate any
//! advisory or SBOM alone (in parallel, or "the next advisory" after a corpus).

use std::collections::HashSet;

use iotlabel_vuln::error::Origin;
use iotlabel_vuln::sbom::ComponentKind;
use iotlabel_vuln::{
    AdvisoryFormat, AdvisorySource, Affected, Component, Ecosystem, Event, Package, Purl, Range,
    RangeKind, Sbom, SbomFormat, Severity, Vulnerability,
};
use jiff::Timestamp;

/// A small, fast, seedable generator (SplitMix64): good enough for test data, and not worth
/// a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `(seed, stream, index)`: independent sequences per item.
    pub fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        rng.0 ^= index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        rng.next_u64();
        rng
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }
}

/// Streams of the generator, so advisories, SBOMs and packages draw independent numbers.
const PACKAGES: u64 = 1;
const ADVISORIES: u64 = 2;
const SBOMS: u64 = 3;

/// One synthetic package.
#[derive(Debug, Clone)]
pub struct SyntheticPackage {
    /// Its ecosystem.
    pub ecosystem: Ecosystem,
    /// The distribution release, for Debian, Alpine and RPM packages.
    pub release: Option<String>,
    /// The name as OSV writes it (`@scope/name`, `group:artifact`, `github.com/org/name`).
    pub name: String,
    /// Its versions, in ascending order.
    pub versions: Vec<String>,
    purl_prefix: String,
    purl_suffix: String,
}

impl SyntheticPackage {
    /// The purl of one of its versions.
    pub fn purl(&self, version: &str) -> String {
        format!("{}@{version}{}", self.purl_prefix, self.purl_suffix)
    }

    /// The OSV ecosystem string (`Debian:12`).
    pub fn osv_ecosystem(&self) -> String {
        match &self.release {
            Some(r) => format!("{}:{r}", self.ecosystem.as_str()),
            None => self.ecosystem.as_str().to_owned(),
        }
    }
}

/// Packages people know, given the most popular ranks so that the corpus reads naturally.
const FAMOUS: &[(&str, &str)] = &[
    ("Debian", "openssl"),
    ("Debian", "zlib"),
    ("Maven", "org.apache.logging.log4j:log4j-core"),
    ("npm", "lodash"),
    ("Alpine", "busybox"),
    ("PyPI", "requests"),
    ("Debian", "curl"),
    ("npm", "minimist"),
    ("Go", "golang.org/x/net"),
    ("crates.io", "tokio"),
    ("PyPI", "urllib3"),
    ("Maven", "com.fasterxml.jackson.core:jackson-databind"),
    ("Debian", "glibc"),
    ("npm", "axios"),
    ("Alpine", "musl"),
    ("PyPI", "jinja2"),
];

const SYLLABLES: &[&str] = &[
    "ac", "bel", "cor", "dat", "en", "fix", "gra", "hub", "io", "jet", "kin", "lum", "mq", "net",
    "ox", "pix", "quo", "ros", "sig", "tls", "uv", "vex", "web", "xml", "yam", "zed", "cap", "dns",
    "fw", "mqtt", "ble", "zig",
];

/// The corpus: packages with their popularity.
#[derive(Debug, Clone)]
pub struct Corpus {
    seed: u64,
    packages: Vec<SyntheticPackage>,
    /// Cumulative popularity of packages in SBOMs (Zipf, exponent 1.0).
    component_cdf: Vec<f64>,
    /// Cumulative share of advisories per package (Zipf, exponent 0.8: popular packages get
    /// more advisories, but not all of them).
    advisory_cdf: Vec<f64>,
}

fn zipf_cdf(n: usize, exponent: f64) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = (0..n)
        .map(|k| {
            acc += 1.0 / ((k + 1) as f64).powf(exponent);
            acc
        })
        .collect();
    let total = acc.max(f64::MIN_POSITIVE);
    for c in &mut cdf {
        *c /= total;
    }
    cdf
}

fn draw(cdf: &[f64], rng: &mut Rng) -> usize {
    let u = rng.unit();
    cdf.partition_point(|&c| c <= u)
        .min(cdf.len().saturating_sub(1))
}

impl Corpus {
    /// A corpus of `packages` packages (at least 16) from `seed`.
    pub fn new(seed: u64, packages: usize) -> Corpus {
        let count = packages.max(FAMOUS.len());
        let mut names = HashSet::new();
        let packages: Vec<SyntheticPackage> = (0..count)
            .map(|rank| {
                let mut rng = Rng::new(seed, PACKAGES, rank as u64);
                let famous = FAMOUS.get(rank).copied();
                let mut attempt = 0u64;
                loop {
                    let package = make_package(&mut rng, famous, attempt);
                    let key = (package.osv_ecosystem(), package.name.clone());
                    if names.insert(key) {
                        break package;
                    }
                    attempt += 1;
                }
            })
            .collect();
        Corpus {
            seed,
            component_cdf: zipf_cdf(count, 1.0),
            advisory_cdf: zipf_cdf(count, 0.8),
            packages,
        }
    }

    /// The packages, most popular first.
    pub fn packages(&self) -> &[SyntheticPackage] {
        &self.packages
    }

    /// Advisories `start..start + count`.
    pub fn advisories(&self, start: u64, count: usize) -> Vec<Vulnerability> {
        (start..start + count as u64)
            .map(|i| self.advisory(i))
            .collect()
    }

    /// Advisory number `index`. About 15 % are twins of the one before (another database's
    /// record of the same CVE and package), so alias groups have several records.
    pub fn advisory(&self, index: u64) -> Vulnerability {
        let mut rng = Rng::new(self.seed, ADVISORIES, index);
        let twin = index > 0 && rng.chance(15);
        let base = if twin { index - 1 } else { index };
        let mut base_rng = Rng::new(self.seed, ADVISORIES, base);
        if base != index {
            // Skip the twin draw so the base's parameters come out as they did for it.
            base_rng.chance(15);
        } else {
            base_rng = rng.clone();
        }
        let package_ix = draw(&self.advisory_cdf, &mut base_rng);
        let Some(package) = self.packages.get(package_ix) else {
            return empty_advisory(index);
        };
        let year = 2015 + (base % 11);
        let cve = format!("CVE-{year}-{}", 10_000 + base);
        let has_cve = base_rng.chance(85);
        let mut affected = vec![affected_entry(package, &mut base_rng)];
        if base_rng.chance(8)
            && let Some(other) = self.packages.get(draw(&self.advisory_cdf, &mut base_rng))
        {
            affected.push(affected_entry(other, &mut base_rng));
        }
        let severity = if base_rng.chance(60) {
            vec![Severity {
                kind: "CVSS_V3".into(),
                score: cvss_vector(&mut base_rng),
            }]
        } else {
            Vec::new()
        };
        let id = advisory_id(&package.ecosystem, index, twin, &mut rng);
        let aliases = if has_cve { vec![cve] } else { Vec::new() };
        let modified = Timestamp::from_second(1_600_000_000 + index as i64).ok();
        Vulnerability {
            id,
            aliases,
            related: Vec::new(),
            upstream: Vec::new(),
            modified,
            published: modified,
            withdrawn: if rng.chance(1) && rng.chance(50) {
                modified
            } else {
                None
            },
            summary: Some(format!("Synthetic flaw {base} in {}", package.name)),
            details: None,
            severity,
            affected,
            references: Vec::new(),
            cwes: Vec::new(),
            source: AdvisorySource {
                format: AdvisoryFormat::OsvJson,
                origin: Origin::memory("synthetic"),
            },
        }
    }

    /// SBOM number `index` with `components` package components (drawn by popularity, each
    /// package once, versions skewed towards recent ones), about 1 % of them without purl (as
    /// firmware blobs often are), and a described product.
    pub fn sbom(&self, index: u64, components: usize) -> Sbom {
        let mut rng = Rng::new(self.seed, SBOMS, index);
        let wanted = components.min(self.packages.len());
        let mut chosen = HashSet::with_capacity(wanted);
        let mut list = Vec::with_capacity(wanted + 1);
        let mut attempts = 0;
        while chosen.len() < wanted && attempts < wanted * 50 {
            attempts += 1;
            let p = draw(&self.component_cdf, &mut rng);
            if chosen.insert(p) {
                list.push(p);
            }
        }
        let mut out = Vec::with_capacity(list.len() + 1);
        out.push(Component {
            reference: "product".into(),
            kind: ComponentKind::Firmware,
            group: None,
            name: format!("device-{index}"),
            version: Some(format!("{}.{}.{}", index % 7, index % 13, index % 5)),
            purl: None,
            invalid_purl: None,
            cpes: Vec::new(),
            hashes: Vec::new(),
            supplier: Some("Synthetic Devices Ltd".into()),
            parent: None,
        });
        for p in list {
            let Some(package) = self.packages.get(p) else {
                continue;
            };
            if rng.chance(1) {
                out.push(Component {
                    reference: format!("blob-{p}"),
                    kind: ComponentKind::Firmware,
                    group: None,
                    name: format!("{}-blob", package.name),
                    version: Some("1.0".into()),
                    purl: None,
                    invalid_purl: None,
                    cpes: vec![format!(
                        "cpe:2.3:a:synthetic:{}:1.0:*:*:*:*:*:*:*",
                        package.name.replace([':', '/', '@'], "_")
                    )],
                    hashes: Vec::new(),
                    supplier: None,
                    parent: None,
                });
                continue;
            }
            let n = package.versions.len();
            // Most products ship recent versions, some lag far behind.
            let back = (rng.unit().powi(3) * n as f64) as usize;
            let version_ix = n.saturating_sub(1 + back);
            if let Some(component) = self.component(p, version_ix) {
                out.push(component);
            }
        }
        Sbom {
            format: SbomFormat::CycloneDxJson,
            spec_version: Some("1.6".into()),
            serial_number: Some(format!(
                "urn:uuid:{:08x}-0000-4000-8000-{:012x}",
                self.seed as u32, index
            )),
            version: Some(1),
            name: Some(format!("device-{index}")),
            created: None,
            described: vec!["product".into()],
            components: out,
            dependencies: Vec::new(),
            vulnerabilities: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The component for version `version` (index into the package's versions) of package
    /// `package`, with its purl as bom-ref (as the CycloneDX Maven and npm tools write).
    pub fn component(&self, package: usize, version: usize) -> Option<Component> {
        let p = self.packages.get(package)?;
        let v = p.versions.get(version)?;
        let purl_text = p.purl(v);
        let purl = Purl::parse(&purl_text).ok();
        Some(Component {
            reference: purl
                .as_ref()
                .map_or(purl_text.clone(), |p| p.as_str().to_owned()),
            kind: ComponentKind::Library,
            group: None,
            name: p.name.clone(),
            version: Some(v.clone()),
            purl,
            invalid_purl: None,
            cpes: Vec::new(),
            hashes: Vec::new(),
            supplier: None,
            parent: None,
        })
    }
}

fn empty_advisory(index: u64) -> Vulnerability {
    Vulnerability {
        id: format!("SYN-{index}"),
        aliases: Vec::new(),
        related: Vec::new(),
        upstream: Vec::new(),
        modified: Timestamp::from_second(1_600_000_000).ok(),
        published: None,
        withdrawn: None,
        summary: None,
        details: None,
        severity: Vec::new(),
        affected: Vec::new(),
        references: Vec::new(),
        cwes: Vec::new(),
        source: AdvisorySource {
            format: AdvisoryFormat::OsvJson,
            origin: Origin::memory("synthetic"),
        },
    }
}

fn advisory_id(ecosystem: &Ecosystem, index: u64, twin: bool, rng: &mut Rng) -> String {
    const GHSA: &[u8] = b"23456789cfghjmpqrvwx";
    let year = 2015 + (index % 11);
    let ghsa = |rng: &mut Rng| {
        let mut s = String::from("GHSA");
        for _ in 0..3 {
            s.push('-');
            for _ in 0..4 {
                s.push(char::from(
                    GHSA.get(rng.below(GHSA.len())).copied().unwrap_or(b'2'),
                ));
            }
        }
        // The index keeps ids unique whatever the random draw.
        format!("{s}-{index:x}")
    };
    match (ecosystem, twin) {
        (Ecosystem::PyPi, true) => format!("PYSEC-{year}-{index}"),
        (Ecosystem::CratesIo, true) => format!("RUSTSEC-{year}-{index:04}"),
        (Ecosystem::Go, true) => format!("GO-{year}-{index:04}"),
        (Ecosystem::Debian, _) => format!("DSA-{index}-1"),
        (Ecosystem::Alpine, _) => format!("ALPINE-{year}-{index}"),
        (Ecosystem::RockyLinux, _) => format!("RLSA-{year}:{index}"),
        _ => ghsa(rng),
    }
}

fn cvss_vector(rng: &mut Rng) -> String {
    let pick = |rng: &mut Rng, options: &[&'static str]| -> &'static str {
        options
            .get(rng.below(options.len()))
            .copied()
            .unwrap_or("N")
    };
    format!(
        "CVSS:3.1/AV:{}/AC:{}/PR:{}/UI:{}/S:{}/C:{}/I:{}/A:{}",
        pick(rng, &["N", "A", "L", "P"]),
        pick(rng, &["L", "H"]),
        pick(rng, &["N", "L", "H"]),
        pick(rng, &["N", "R"]),
        pick(rng, &["U", "C"]),
        pick(rng, &["N", "L", "H"]),
        pick(rng, &["N", "L", "H"]),
        pick(rng, &["N", "L", "H"]),
    )
}

/// One `affected[]` entry: 1-3 disjoint ranges over the package's versions.
fn affected_entry(package: &SyntheticPackage, rng: &mut Rng) -> Affected {
    let n = package.versions.len();
    let range_count = match rng.below(10) {
        0..=6 => 1,
        7..=8 => 2,
        _ => 3,
    };
    // Cut points in ascending order; range k spans cuts[2k]..cuts[2k+1].
    let mut cuts: Vec<usize> = (0..range_count * 2).map(|_| rng.below(n)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let semver_style = matches!(
        package.ecosystem,
        Ecosystem::Npm | Ecosystem::CratesIo | Ecosystem::Go
    );
    let strip_v = |v: &str| {
        if package.ecosystem == Ecosystem::Go {
            v.trim_start_matches('v').to_owned()
        } else {
            v.to_owned()
        }
    };
    let mut events = Vec::new();
    let mut listed = Vec::new();
    for (k, pair) in cuts.chunks(2).enumerate() {
        let (lo, hi) = match pair {
            [lo, hi] => (*lo, *hi),
            [lo] => (*lo, n),
            _ => continue,
        };
        let from_zero = k == 0 && rng.chance(20);
        let introduced = if from_zero {
            "0".to_owned()
        } else {
            package
                .versions
                .get(lo)
                .map(|v| strip_v(v))
                .unwrap_or_default()
        };
        events.push(Event::Introduced(introduced));
        let first = if from_zero { 0 } else { lo };
        let roll = rng.below(100);
        let last = match package.versions.get(hi) {
            Some(v) if roll < 80 && hi > first => {
                events.push(Event::Fixed(strip_v(v)));
                hi
            }
            Some(_) if roll < 95 && hi > first => {
                let last = hi - 1;
                if let Some(v) = package.versions.get(last) {
                    events.push(Event::LastAffected(strip_v(v)));
                }
                last + 1
            }
            _ => n,
        };
        listed.extend(
            package
                .versions
                .get(first..last)
                .into_iter()
                .flatten()
                .cloned(),
        );
    }
    let mut ranges = vec![Range {
        kind: if semver_style {
            RangeKind::Semver
        } else {
            RangeKind::Ecosystem
        },
        repo: None,
        events,
    }];
    if rng.chance(3) {
        ranges.push(Range {
            kind: RangeKind::Git,
            repo: Some(format!("https://git.example.org/{}", package.name)),
            events: vec![
                Event::Introduced("0".into()),
                Event::Fixed(format!("{:040x}", rng.next_u64())),
            ],
        });
    }
    let versions = if rng.chance(25) { listed } else { Vec::new() };
    Affected {
        package: Some(Package {
            ecosystem: package.ecosystem.clone(),
            release: package.release.clone(),
            name: package.name.clone(),
            purl: None,
        }),
        severity: Vec::new(),
        ranges,
        versions,
    }
}

fn word(rng: &mut Rng, parts: usize) -> String {
    (0..parts)
        .map(|_| {
            SYLLABLES
                .get(rng.below(SYLLABLES.len()))
                .copied()
                .unwrap_or("x")
        })
        .collect()
}

fn make_package(rng: &mut Rng, famous: Option<(&str, &str)>, attempt: u64) -> SyntheticPackage {
    let roll = rng.below(100);
    let ecosystem = match famous.map(|(e, _)| e) {
        Some("Debian") => Ecosystem::Debian,
        Some("Maven") => Ecosystem::Maven,
        Some("npm") => Ecosystem::Npm,
        Some("Alpine") => Ecosystem::Alpine,
        Some("PyPI") => Ecosystem::PyPi,
        Some("Go") => Ecosystem::Go,
        Some(_) => Ecosystem::CratesIo,
        None => match roll {
            0..=29 => Ecosystem::Npm,
            30..=44 => Ecosystem::PyPi,
            45..=59 => Ecosystem::Maven,
            60..=69 => Ecosystem::Go,
            70..=74 => Ecosystem::CratesIo,
            75..=86 => Ecosystem::Debian,
            87..=94 => Ecosystem::Alpine,
            _ => Ecosystem::RockyLinux,
        },
    };
    let suffix = if attempt > 0 {
        format!("{attempt}")
    } else {
        String::new()
    };
    let parts = 2 + rng.below(2);
    let base = format!("{}{suffix}", word(rng, parts));
    let name = match (famous, &ecosystem) {
        (Some((_, name)), _) if attempt == 0 => name.to_owned(),
        (_, Ecosystem::Npm) if rng.chance(30) => format!("@{}/{base}", word(rng, 2)),
        (_, Ecosystem::Maven) => format!("org.{}.{}:{base}", word(rng, 2), word(rng, 1)),
        (_, Ecosystem::Go) => format!("github.com/{}/{base}", word(rng, 2)),
        (_, Ecosystem::Debian | Ecosystem::Alpine | Ecosystem::RockyLinux) if rng.chance(40) => {
            format!("lib{base}")
        }
        _ => base,
    };
    let release = match ecosystem {
        Ecosystem::Debian => Some(if rng.chance(70) { "12" } else { "11" }.to_owned()),
        Ecosystem::Alpine => Some(if rng.chance(60) { "v3.20" } else { "v3.19" }.to_owned()),
        Ecosystem::RockyLinux => Some(if rng.chance(70) { "9" } else { "8" }.to_owned()),
        _ => None,
    };
    let versions = version_list(rng, &ecosystem, release.as_deref());
    let (purl_prefix, purl_suffix) = purl_parts(&ecosystem, &name, release.as_deref());
    SyntheticPackage {
        ecosystem,
        release,
        name,
        versions,
        purl_prefix,
        purl_suffix,
    }
}

fn purl_parts(ecosystem: &Ecosystem, name: &str, release: Option<&str>) -> (String, String) {
    match ecosystem {
        Ecosystem::Npm => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, rest)) => (format!("pkg:npm/%40{scope}/{rest}"), String::new()),
            None => (format!("pkg:npm/{name}"), String::new()),
        },
        Ecosystem::Maven => {
            let (group, artifact) = name.split_once(':').unwrap_or(("org.example", name));
            (format!("pkg:maven/{group}/{artifact}"), "?type=jar".into())
        }
        Ecosystem::Go => (format!("pkg:golang/{name}"), String::new()),
        Ecosystem::CratesIo => (format!("pkg:cargo/{name}"), String::new()),
        Ecosystem::PyPi => (format!("pkg:pypi/{name}"), String::new()),
        Ecosystem::Debian => (
            format!("pkg:deb/debian/{name}"),
            format!("?arch=amd64&distro=debian-{}", release.unwrap_or("12")),
        ),
        Ecosystem::Alpine => (
            format!("pkg:apk/alpine/{name}"),
            format!(
                "?arch=x86_64&distro=alpine-{}",
                release.unwrap_or("v3.20").trim_start_matches('v')
            ),
        ),
        _ => (
            format!("pkg:rpm/rocky/{name}"),
            format!("?arch=x86_64&distro=rocky-{}", release.unwrap_or("9")),
        ),
    }
}

/// Ascending versions in the ecosystem's style.
fn version_list(rng: &mut Rng, ecosystem: &Ecosystem, release: Option<&str>) -> Vec<String> {
    let count = 8 + rng.below(45);
    let (mut major, mut minor, mut patch) = (rng.below(4) as u32, rng.below(10) as u32, 0u32);
    let final_suffix = *ecosystem == Ecosystem::Maven && rng.chance(15);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let v = match ecosystem {
            Ecosystem::Go => format!("v{major}.{minor}.{patch}"),
            Ecosystem::Maven if final_suffix => format!("{major}.{minor}.{patch}.Final"),
            Ecosystem::Debian => {
                let deb = if release == Some("12") {
                    "+deb12u1"
                } else {
                    ""
                };
                format!("{major}.{minor}.{patch}-1{deb}")
            }
            Ecosystem::Alpine => format!("{major}.{minor}.{patch}-r{}", patch % 3),
            Ecosystem::RockyLinux => {
                format!(
                    "{major}.{minor}.{patch}-{}.el{}",
                    1 + patch % 4,
                    release.unwrap_or("9")
                )
            }
            _ => format!("{major}.{minor}.{patch}"),
        };
        out.push(v);
        match rng.below(100) {
            0..=69 => patch += 1,
            70..=94 => {
                minor += 1;
                patch = 0;
            }
            _ => {
                major += 1;
                minor = 0;
                patch = 0;
            }
        }
    }
    out
}
