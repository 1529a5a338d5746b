//! Maven's `ComparableVersion`, written here because no maintained Rust crate implements it
//! (the `maven-version-rs` / `mvn_version` crates are unmaintained 0.1 releases). The rules
//! are those of `org.apache.maven.artifact.versioning.ComparableVersion` as shipped in Maven
//! 3.8.7 (the Maven in Debian 12), and the differential test compares us with that class.
//!
//! The version is split into items at `.` and `-` and at every change between letters and
//! digits; a `-` (and a letter/digit change) opens a nested list. Numbers compare by value;
//! qualifiers by the well-known order `alpha < beta < milestone < rc = cr < snapshot < "" = ga
//! = final = release < sp`, then any other qualifier, alphabetically; a number beats a
//! qualifier and a nested list; trailing "null" items (0, "", empty lists) are dropped, so
//! `1 == 1.0 == 1-0 == 1.0.0-ga`.

use std::cmp::Ordering;
use std::fmt;

use crate::num::Nat;
use crate::{Scheme, VersionError};

/// Index of the release qualifier ("") in the well-known order.
const RELEASE: u8 = 5;

/// A qualifier: one of the well-known ones (by rank) or any other word.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Qualifier {
    /// alpha=0, beta=1, milestone=2, rc=3, snapshot=4, ""=5, sp=6.
    Known(u8),
    /// Sorts after every known qualifier, then by its (lower-case) text.
    Other(Box<str>),
}

impl Qualifier {
    fn new(word: &str, followed_by_digit: bool) -> Qualifier {
        let word = if followed_by_digit && word.len() == 1 {
            match word {
                "a" => "alpha",
                "b" => "beta",
                "m" => "milestone",
                other => other,
            }
        } else {
            word
        };
        let rank = match word {
            "alpha" => 0,
            "beta" => 1,
            "milestone" => 2,
            "rc" | "cr" => 3,
            "snapshot" => 4,
            "" | "ga" | "final" | "release" => RELEASE,
            "sp" => 6,
            other => return Qualifier::Other(other.into()),
        };
        Qualifier::Known(rank)
    }

    fn text(&self) -> &str {
        match self {
            Qualifier::Known(0) => "alpha",
            Qualifier::Known(1) => "beta",
            Qualifier::Known(2) => "milestone",
            Qualifier::Known(3) => "rc",
            Qualifier::Known(4) => "snapshot",
            Qualifier::Known(6) => "sp",
            Qualifier::Known(_) => "",
            Qualifier::Other(s) => s,
        }
    }
}

#[derive(Debug, Clone)]
enum Item {
    Number(Nat),
    Qualifier(Qualifier),
    List(Box<[Item]>),
}

impl Item {
    /// Whether Maven's normalisation drops this item when it trails a list.
    fn is_null(&self) -> bool {
        match self {
            Item::Number(n) => n.is_zero(),
            Item::Qualifier(q) => *q == Qualifier::Known(RELEASE),
            Item::List(items) => items.is_empty(),
        }
    }

    /// `this.compareTo(null)`: how the item compares with a missing item (padding).
    fn cmp_missing(&self) -> Ordering {
        match self {
            Item::Number(n) => {
                if n.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            Item::Qualifier(q) => q.cmp(&Qualifier::Known(RELEASE)),
            Item::List(items) => items
                .iter()
                .map(Item::cmp_missing)
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
        }
    }

    fn cmp_item(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Number(a), Item::Number(b)) => a.cmp(b),
            (Item::Number(_), _) => Ordering::Greater,
            (Item::Qualifier(_), Item::Number(_)) => Ordering::Less,
            (Item::Qualifier(a), Item::Qualifier(b)) => a.cmp(b),
            (Item::Qualifier(_), Item::List(_)) => Ordering::Less,
            (Item::List(_), Item::Number(_)) => Ordering::Less,
            (Item::List(_), Item::Qualifier(_)) => Ordering::Greater,
            (Item::List(a), Item::List(b)) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let result = match (a.get(i), b.get(i)) {
            (Some(l), Some(r)) => l.cmp_item(r),
            (Some(l), None) => l.cmp_missing(),
            (None, Some(r)) => r.cmp_missing().reverse(),
            (None, None) => Ordering::Equal,
        };
        if result.is_ne() {
            return result;
        }
    }
    Ordering::Equal
}

/// Drops trailing null items, looking through non-empty nested lists as Maven does.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// A Maven version ordered like Maven's `ComparableVersion` (see the module documentation).
/// Any non-empty string is a Maven version; letters are compared case-insensitively.
///
/// Maven's order is not transitive in corner cases, and this port keeps Maven's answers: in
/// Maven 3.8.7, `1-x1 < 1-0-SNAPSHOT`, `1-0-SNAPSHOT < 1` and `1 < 1-x1`, because a qualifier
/// always sorts before a nested list while a list compares with "nothing" by its content. For that reason
/// the type does not implement `Ord`; sort Maven versions with [`crate::sort_by_version`], which
/// cannot panic, not with `slice::sort_by`.
#[derive(Debug, Clone)]
pub struct MavenVersion {
    items: Box<[Item]>,
}

impl MavenVersion {
    /// Compares two versions as Maven does.
    #[inline]
    pub fn compare(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Ordering::Equal
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.compare(other))
    }
}

fn parse_item(is_digit: bool, text: &str) -> Item {
    if is_digit {
        Item::Number(Nat::from_digits(text))
    } else {
        Item::Qualifier(Qualifier::new(text, false))
    }
}

impl MavenVersion {
    /// Parses a Maven version. Only an empty string (or one of control characters) is refused.
    pub fn parse(text: &str) -> Result<MavenVersion, VersionError> {
        if text.is_empty() {
            return Err(VersionError::new(
                Scheme::Maven,
                text,
                "the version is empty",
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(VersionError::new(
                Scheme::Maven,
                text,
                "control characters are not allowed",
            ));
        }
        let lower = text.to_lowercase();
        let version = lower.as_str();
        // The innermost list is the last one; each list is the last item of the one before.
        let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
        let mut is_digit = false;
        let mut start = 0;
        for (i, c) in version.char_indices() {
            let Some(list) = stack.last_mut() else {
                break;
            };
            match c {
                '.' | '-' => {
                    if i == start {
                        list.push(Item::Number(Nat::Small(0)));
                    } else {
                        list.push(parse_item(is_digit, &version[start..i]));
                    }
                    start = i + 1;
                    if c == '-' {
                        stack.push(Vec::new());
                    }
                }
                _ if c.is_ascii_digit() => {
                    if !is_digit && i > start {
                        if !list.is_empty() {
                            stack.push(Vec::new());
                        }
                        if let Some(list) = stack.last_mut() {
                            list.push(Item::Qualifier(Qualifier::new(&version[start..i], true)));
                        }
                        start = i;
                        stack.push(Vec::new());
                    }
                    is_digit = true;
                }
                _ => {
                    if is_digit && i > start {
                        list.push(parse_item(true, &version[start..i]));
                        start = i;
                        stack.push(Vec::new());
                    }
                    is_digit = false;
                }
            }
        }
        if version.len() > start {
            if !is_digit && stack.last().is_some_and(|l| !l.is_empty()) {
                stack.push(Vec::new());
            }
            if let Some(list) = stack.last_mut() {
                list.push(parse_item(is_digit, &version[start..]));
            }
        }
        // Normalise from the innermost list outwards, attaching each to its parent.
        let mut inner: Option<Vec<Item>> = None;
        while let Some(mut list) = stack.pop() {
            if let Some(child) = inner.take() {
                list.push(Item::List(child.into_boxed_slice()));
            }
            normalize(&mut list);
            inner = Some(list);
        }
        Ok(MavenVersion {
            items: inner.unwrap_or_default().into_boxed_slice(),
        })
    }
}

fn write_list(items: &[Item], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(if matches!(item, Item::List(_)) {
                "-"
            } else {
                "."
            })?;
        }
        match item {
            Item::Number(n) => write!(f, "{n}")?,
            Item::Qualifier(q) => f.write_str(q.text())?,
            Item::List(inner) => write_list(inner, f)?,
        }
    }
    Ok(())
}

/// Maven's canonical form (`getCanonical()`), e.g. `1-rc-1` for `1.0-RC1`.
impl fmt::Display for MavenVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(&self.items, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> MavenVersion {
        MavenVersion::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn maven_is_not_transitive_and_we_keep_its_answers() {
        // Maven 3.8.7 answers exactly this cycle.
        let (x1, snapshot, one) = (v("1-x1"), v("1-0-SNAPSHOT"), v("1"));
        assert!(x1 < snapshot && snapshot < one && one < x1);
    }

    #[test]
    fn maven_ordering() {
        // The documented qualifier order and padding rules of ComparableVersion.
        let chain = [
            "1-alpha",
            "1-alpha-2",
            "1-beta",
            "1-milestone",
            "1-rc",
            "1-snapshot",
            "1",
            "1-sp",
            "1-abc",
            "1-xyz",
            "1-1",
            "1.0.1",
            "1.1",
            "1.2-SNAPSHOT",
            "1.2",
            "1.10",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        for (a, b) in [
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1", "1-0"),
            ("1", "1.0-ga"),
            ("1", "1-final"),
            ("1-rc1", "1-cr1"),
            ("1.0RC1", "1.0-rc-1"),
            ("1a1", "1-alpha-1"),
            ("1.0.0-SNAPSHOT", "1-snapshot"),
            ("1.0001", "1.1"),
        ] {
            assert_eq!(v(a), v(b), "{a} == {b}");
        }
        assert!(v("1.0.0.20240101") > v("1.0.0"));
        assert_eq!(v("1.0RC1").to_string(), "1-rc-1");
        assert!(MavenVersion::parse("").is_err());
    }
}
