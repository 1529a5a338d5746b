//! Evaluating one distinct package version (package key, distribution release, version
//! string) against every advisory entry for its package, and folding the verdicts per
//! vulnerability. This is the only place versions are compared; everything else fans the
//! result out.
//!
//! Per vulnerability (alias group) the verdicts of its records are combined: affected if any
//! record says so; otherwise not affected if any record could decide; otherwise not evaluable
//! (a record that cannot be evaluated, e.g. with only `GIT` ranges, is covered by an alias
//! record that can). Where several records decide alike, the smallest record id is named, so
//! the result does not depend on the order records were imported in.

use std::collections::HashMap;
use std::sync::Arc;

use iotlabel_versions::{Scheme, Verdict};
use iotlabel_vuln::{PackageKey, Severity};

use crate::advisories::{AdvisoryIndex, Entry, EntryRef, scheme_of, sort_versions};
use crate::aliases::GroupInfo;

/// What one vulnerability means for one distinct package version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub group: Arc<GroupInfo>,
    pub outcome: Outcome,
}

/// Affected, with the details a finding shows, or not evaluable, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Affected(Arc<AffectedDetail>),
    NotEvaluable { record: Arc<str>, reason: Arc<str> },
}

/// Why and how a package version is affected.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct AffectedDetail {
    pub record: Arc<str>,
    pub explanation: Box<str>,
    pub fixed: Arc<[Box<str>]>,
    pub severity: Arc<[Severity]>,
    pub summary: Option<Arc<str>>,
}

/// Whether an advisory entry speaks about a component's distribution release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applies {
    Yes,
    No,
    /// The advisory is for one release and the component names none.
    Unknown,
}

fn release_applies(entry: &Entry, component_release: Option<&str>) -> Applies {
    if !entry.release_matters {
        return Applies::Yes;
    }
    match (entry.release.as_deref(), component_release) {
        (None, _) => Applies::Yes,
        (Some(_), None) => Applies::Unknown,
        // Streams such as `Ubuntu:Pro:18.04:LTS` name the release as one of their parts.
        (Some(ours), Some(theirs)) if ours == theirs || ours.split(':').any(|p| p == theirs) => {
            Applies::Yes
        }
        (Some(_), Some(_)) => Applies::No,
    }
}

/// A record's decision, ordered by record id then entry position.
struct Decider<'a> {
    record: &'a Arc<str>,
    summary: Option<&'a Arc<str>>,
    at: EntryRef,
    entry: &'a Entry,
}

impl Decider<'_> {
    fn before(&self, other: &Decider<'_>) -> bool {
        (&**self.record, self.at.entry) < (&**other.record, other.at.entry)
    }
}

struct Fold<'a> {
    group: &'a Arc<GroupInfo>,
    affected: Option<Decider<'a>>,
    not_affected: bool,
    not_evaluable: Option<(Decider<'a>, String)>,
    fixed: Vec<&'a Arc<[Box<str>]>>,
}

/// Evaluates one distinct package version; hits are sorted by vulnerability.
pub(crate) fn evaluate(
    index: &AdvisoryIndex,
    key: &PackageKey,
    release: Option<&str>,
    version: &str,
) -> Vec<Hit> {
    let Some(k) = index.key_index(key) else {
        return Vec::new();
    };
    let entries = index.entries_of(k);
    if entries.is_empty() {
        return Vec::new();
    }
    let scheme = scheme_of(&key.ecosystem);
    // Parsed once for all entries: this is where distinct-version evaluation saves its time.
    let parsed = match (version.is_empty(), scheme) {
        (false, Some(scheme)) => Some(scheme.parse(version)),
        _ => None,
    };
    let mut folds: Vec<Fold<'_>> = Vec::new();
    let mut fold_of: HashMap<*const GroupInfo, usize> = HashMap::with_capacity(entries.len());
    for &at in entries {
        let Some((slot, entry)) = index.entry(at) else {
            continue;
        };
        let Some(group) = index.group_of_record(at.record) else {
            continue;
        };
        let applies = release_applies(entry, release);
        if applies == Applies::No {
            continue;
        }
        // Popular packages have thousands of advisories: find the group's fold by address
        // rather than by a scan, which would make this quadratic.
        let i = match fold_of.get(&Arc::as_ptr(group)) {
            Some(&i) => i,
            None => {
                folds.push(Fold {
                    group,
                    affected: None,
                    not_affected: false,
                    not_evaluable: None,
                    fixed: Vec::new(),
                });
                fold_of.insert(Arc::as_ptr(group), folds.len() - 1);
                folds.len() - 1
            }
        };
        let Some(fold) = folds.get_mut(i) else {
            continue;
        };
        let decider = Decider {
            record: &slot.id,
            summary: slot.active.as_ref().and_then(|a| a.summary.as_ref()),
            at,
            entry,
        };
        if version.is_empty() {
            note(
                &mut fold.not_evaluable,
                decider,
                "the SBOM gives no version for this component".to_owned(),
            );
            continue;
        }
        let verdict = match &parsed {
            Some(Ok(v)) => entry.affected.evaluate_parsed(version, v).verdict,
            _ => entry.affected.evaluate(version).verdict,
        };
        match (verdict, applies) {
            (Verdict::Affected, Applies::Yes) => {
                fold.fixed.push(&entry.fixed);
                if fold.affected.as_ref().is_none_or(|a| decider.before(a)) {
                    fold.affected = Some(decider);
                }
            }
            (Verdict::NotAffected, Applies::Yes) => {
                fold.fixed.push(&entry.fixed);
                fold.not_affected = true;
            }
            (Verdict::NotEvaluable, Applies::Yes) => {
                fold.fixed.push(&entry.fixed);
                let reason = strip_verdict(&entry.affected.evaluate(version).to_string());
                note(&mut fold.not_evaluable, decider, reason);
            }
            (Verdict::Affected, Applies::Unknown) => {
                let reason = format!(
                    "affected under the {} ranges, but the component's purl names no \
                     distribution release (a `distro` qualifier) to tell which release's \
                     advisories apply",
                    entry.ecosystem
                );
                note(&mut fold.not_evaluable, decider, reason);
            }
            (Verdict::NotEvaluable, Applies::Unknown) => {
                let reason = strip_verdict(&entry.affected.evaluate(version).to_string());
                note(&mut fold.not_evaluable, decider, reason);
            }
            (Verdict::NotAffected, Applies::Unknown) | (_, Applies::No) => {}
        }
    }
    let mut hits: Vec<Hit> = folds
        .into_iter()
        .filter_map(|fold| finish(fold, version, scheme))
        .collect();
    hits.sort_by(|a, b| a.group.primary.cmp(&b.group.primary));
    hits
}

fn note<'a>(slot: &mut Option<(Decider<'a>, String)>, decider: Decider<'a>, reason: String) {
    if slot.as_ref().is_none_or(|(held, _)| decider.before(held)) {
        *slot = Some((decider, reason));
    }
}

fn finish(fold: Fold<'_>, version: &str, scheme: Option<Scheme>) -> Option<Hit> {
    let outcome = if let Some(decider) = fold.affected {
        let explanation = strip_verdict(&decider.entry.affected.evaluate(version).to_string());
        Outcome::Affected(Arc::new(AffectedDetail {
            record: decider.record.clone(),
            explanation: explanation.into_boxed_str(),
            fixed: merge_fixed(&fold.fixed, scheme),
            severity: decider.entry.severity.clone(),
            summary: decider.summary.cloned(),
        }))
    } else if fold.not_affected {
        return None;
    } else {
        let (decider, reason) = fold.not_evaluable?;
        Outcome::NotEvaluable {
            record: decider.record.clone(),
            reason: Arc::from(reason),
        }
    };
    Some(Hit {
        group: fold.group.clone(),
        outcome,
    })
}

/// The union of the fixed versions of a vulnerability's entries, in version order.
fn merge_fixed(lists: &[&Arc<[Box<str>]>], scheme: Option<Scheme>) -> Arc<[Box<str>]> {
    let mut distinct: Vec<&Arc<[Box<str>]>> = Vec::with_capacity(lists.len());
    for list in lists {
        if !list.is_empty() && !distinct.iter().any(|d| Arc::ptr_eq(d, list) || d == list) {
            distinct.push(list);
        }
    }
    match distinct.as_slice() {
        [] => Arc::from(Vec::<Box<str>>::new()),
        [one] => Arc::clone(one),
        many => sort_versions(many.iter().flat_map(|l| l.iter().map(|v| &**v)), scheme),
    }
}

/// `affected: introduced 1 <= 1.2 ...` -> `introduced 1 <= 1.2 ...`: the verdict is stated
/// elsewhere.
fn strip_verdict(text: &str) -> String {
    ["affected: ", "not evaluable: ", "not affected: "]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(text)
        .to_owned()
}
