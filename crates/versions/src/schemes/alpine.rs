//! Alpine's apk versions, written here because the only crate (`apk-version` 0.1.0, one
//! release) binds apk-tools' C code through `unsafe` and compares unparsed strings. The rules are
//! those of apk-tools 3 (`src/version.c`): `digit{.digit}[letter]{_suffix[N]}[~hash][-rN]`.
//!
//! Tokens are compared pairwise while both versions have a token of the same kind: the first
//! number and suffix/revision numbers by value; later dotted numbers by value unless either
//! starts with `0`, then as strings (so `1.02 < 1.1`); letters and hashes as text; suffixes by
//! `alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p`. When the kinds differ, a
//! pre-release suffix (`alpha` ... `rc`) makes its version smaller; otherwise the version with
//! the later kind in the order digit, letter, suffix, suffix number, hash, revision, end is the
//! smaller (so `1.0 > 1.0_alpha`, `1.0 < 1.0-r1 < 1.0~abc < 1.0_p1 < 1.0a < 1.0.1`).

use std::cmp::Ordering;
use std::fmt;

use super::order_from_ord;
use crate::num::Nat;
use crate::{Scheme, VersionError};

/// Suffix ranks as apk-tools numbers them; `NONE` (5) sits between pre- and post-release.
const SUFFIXES: [(&str, u8); 9] = [
    ("alpha", 1),
    ("beta", 2),
    ("pre", 3),
    ("rc", 4),
    ("cvs", 6),
    ("svn", 7),
    ("git", 8),
    ("hg", 9),
    ("p", 10),
];
const SUFFIX_NONE: u8 = 5;

/// A dotted number after the first: compared as a string when it has a leading zero, which
/// always sorts it before numbers without one (their first digit is larger than `0`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Dotted {
    LeadingZero(Box<str>),
    Number(Nat),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Initial(Nat),
    Digit(Dotted),
    Letter(u8),
    Suffix(u8),
    SuffixNumber(Nat),
    Hash(Box<str>),
    Revision(Nat),
}

impl Token {
    /// apk-tools' token kind order; `END` is 7.
    fn kind(&self) -> u8 {
        match self {
            Token::Initial(_) => 0,
            Token::Digit(_) => 1,
            Token::Letter(_) => 2,
            Token::Suffix(_) => 3,
            Token::SuffixNumber(_) => 4,
            Token::Hash(_) => 5,
            Token::Revision(_) => 6,
        }
    }
}

const END: u8 = 7;

fn kind_of(token: Option<&Token>) -> u8 {
    token.map_or(END, Token::kind)
}

/// Compares two tokens of the same kind.
fn cmp_same_kind(a: &Token, b: &Token) -> Ordering {
    match (a, b) {
        (Token::Initial(x), Token::Initial(y))
        | (Token::SuffixNumber(x), Token::SuffixNumber(y))
        | (Token::Revision(x), Token::Revision(y)) => x.cmp(y),
        (Token::Digit(x), Token::Digit(y)) => x.cmp(y),
        (Token::Letter(x), Token::Letter(y)) | (Token::Suffix(x), Token::Suffix(y)) => x.cmp(y),
        (Token::Hash(x), Token::Hash(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => Ordering::Equal,
    }
}

/// An Alpine package version ordered as apk-tools orders it (see the module documentation).
/// Strings that apk-tools considers invalid are rejected (apk itself would fall back to a plain
/// string comparison for them).
#[derive(Debug, Clone)]
pub struct AlpineVersion {
    tokens: Box<[Token]>,
    text: Box<str>,
}

order_from_ord!(AlpineVersion);

impl Ord for AlpineVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let mut i = 0;
        loop {
            let (a, b) = (self.tokens.get(i), other.tokens.get(i));
            let (ka, kb) = (kind_of(a), kind_of(b));
            if ka != kb {
                let pre =
                    |t: Option<&Token>| matches!(t, Some(Token::Suffix(s)) if *s < SUFFIX_NONE);
                if pre(a) {
                    return Ordering::Less;
                }
                if pre(b) {
                    return Ordering::Greater;
                }
                return kb.cmp(&ka);
            }
            match (a, b) {
                (Some(a), Some(b)) => {
                    let order = cmp_same_kind(a, b);
                    if order.is_ne() {
                        return order;
                    }
                }
                _ => return Ordering::Equal,
            }
            i += 1;
        }
    }
}

/// Splits a leading run of bytes matching `pred`.
fn take_while(s: &str, pred: impl Fn(u8) -> bool) -> (&str, &str) {
    let n = s.bytes().take_while(|&b| pred(b)).count();
    s.split_at(n)
}

impl AlpineVersion {
    /// Parses an apk version (see the module documentation for the grammar).
    pub fn parse(text: &str) -> Result<AlpineVersion, VersionError> {
        let error = |reason: &str| VersionError::new(Scheme::Alpine, text, reason);
        let (first, mut rest) = take_while(text, |b| b.is_ascii_digit());
        if first.is_empty() {
            return Err(error("it must start with a digit"));
        }
        let mut tokens = vec![Token::Initial(Nat::from_digits(first))];
        let mut kind = 0u8;
        while let Some(&c) = rest.as_bytes().first() {
            let token = match c {
                b'a'..=b'z' if kind <= 1 => {
                    rest = &rest[1..];
                    Token::Letter(c)
                }
                b'.' if kind <= 1 => {
                    let (digits, after) = take_while(&rest[1..], |b| b.is_ascii_digit());
                    if digits.is_empty() {
                        return Err(error("a '.' must be followed by digits"));
                    }
                    rest = after;
                    Token::Digit(if digits.starts_with('0') {
                        Dotted::LeadingZero(digits.into())
                    } else {
                        Dotted::Number(Nat::from_digits(digits))
                    })
                }
                b'0'..=b'9' if kind == 3 => {
                    let (digits, after) = take_while(rest, |b| b.is_ascii_digit());
                    rest = after;
                    Token::SuffixNumber(Nat::from_digits(digits))
                }
                b'_' if kind <= 4 => {
                    let (word, after) = take_while(&rest[1..], |b| b.is_ascii_lowercase());
                    let Some(&(_, rank)) = SUFFIXES.iter().find(|(name, _)| *name == word) else {
                        return Err(error(
                            "a suffix must be one of _alpha _beta _pre _rc _cvs _svn _git _hg _p",
                        ));
                    };
                    rest = after;
                    Token::Suffix(rank)
                }
                b'~' if kind < 5 => {
                    let (hash, after) = take_while(&rest[1..], |b| {
                        b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
                    });
                    if hash.is_empty() {
                        return Err(error(
                            "a '~' must be followed by a lower-case hex commit hash",
                        ));
                    }
                    rest = after;
                    Token::Hash(hash.into())
                }
                b'-' if kind < 6 => {
                    let Some(after_r) = rest.strip_prefix("-r") else {
                        return Err(error("a '-' must start the revision -rN"));
                    };
                    let (digits, after) = take_while(after_r, |b| b.is_ascii_digit());
                    if digits.is_empty() {
                        return Err(error("the revision -r must be followed by digits"));
                    }
                    rest = after;
                    Token::Revision(Nat::from_digits(digits))
                }
                _ => {
                    return Err(error(
                        "unexpected character or part out of order (digit{.digit}[letter]{_suffix[N]}[~hash][-rN])",
                    ));
                }
            };
            kind = token.kind();
            tokens.push(token);
        }
        Ok(AlpineVersion {
            tokens: tokens.into_boxed_slice(),
            text: text.into(),
        })
    }
}

impl fmt::Display for AlpineVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> AlpineVersion {
        AlpineVersion::parse(s).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn apk_ordering() {
        let chain = [
            "0.1.0_alpha_pre2",
            "0.1.0_alpha",
            "0.1.0_alpha2",
            "0.1.0_beta",
            "0.1.0_pre1",
            "0.1.0_rc1",
            "0.1.0",
            "0.1.0-r0",
            "0.1.0-r1",
            "0.1.0-r10",
            "0.1.0~0abc",
            "0.1.0~1234-r0",
            "0.1.0~1234-r1",
            "0.1.0_cvs1",
            "0.1.0_svn",
            "0.1.0_git20240101",
            "0.1.0_hg",
            "0.1.0_p1",
            "0.1.0_p10",
            "0.1.0a",
            "0.1.0b-r1",
            "0.1.01",
            "0.1.02",
            "0.1.1",
            "0.1.2",
            "0.1.10",
            "0.2",
            "1",
            "006.1",
            "20050718-r1",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1.0"), v("1.0"));
        assert_eq!(v("006"), v("6"), "the first number compares by value");
        assert!(
            v("1.010") > v("1.01"),
            "leading-zero parts compare as strings"
        );
        assert!(v("1.0.0_pre20191002222144-r0") < v("1.0.0_pre20210530193627-r0"));
    }

    #[test]
    fn apk_rejects_what_apk_rejects() {
        for bad in [
            "",
            "a",
            ".1",
            "_pre1",
            "-r1",
            "0.1bc",
            "0.1a1",
            "0.1a.1",
            "0.1_pre2~",
            "0.1_pre2~1234xbcd",
            "0.1_pre2~1234abcd_pre1",
            "0.1_foobar",
            "0.1-pre1.1",
            "0.1-r",
            "0.1-r2_pre1",
            "0.1-r2-r3",
            "0.1-r2.1",
            "0.1_",
            "0.1__alpha",
            "0.1_1_alpha",
            "1.0 ",
        ] {
            assert!(
                AlpineVersion::parse(bad).is_err(),
                "{bad:?} must be rejected"
            );
        }
        for good in [
            "1.2",
            "0.1_pre2",
            "0.1_pre2~1234abcd",
            "0.1_p1_pre2",
            "0.1_git20240101_pre1",
        ] {
            assert!(
                AlpineVersion::parse(good).is_ok(),
                "{good:?} must be accepted"
            );
        }
    }
}
