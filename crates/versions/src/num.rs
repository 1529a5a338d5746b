//! Unbounded decimal numbers as they appear in version strings. Most fit in a `u64` and are
//! compared as integers without allocation; longer runs (timestamps glued together, hashes made
//! of digits) are kept as digit strings and compared by length then digits, which is numeric
//! order without a big-integer crate.

use std::cmp::Ordering;
use std::fmt;

/// A non-negative decimal number of any length.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Nat {
    /// Fits in 64 bits.
    Small(u64),
    /// Longer than 64 bits: digits without leading zeros (always more than 19 of them).
    Big(Box<str>),
}

impl Nat {
    /// Reads a run of ASCII digits (the caller guarantees there is at least one and no other
    /// character); leading zeros are ignored.
    pub(crate) fn from_digits(digits: &str) -> Nat {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() <= 19 {
            // At most 19 digits always fit in a u64.
            let mut value: u64 = 0;
            for b in trimmed.bytes() {
                value = value * 10 + u64::from(b - b'0');
            }
            return Nat::Small(value);
        }
        match trimmed.parse::<u64>() {
            Ok(value) => Nat::Small(value),
            Err(_) => Nat::Big(trimmed.into()),
        }
    }

    /// Whether the number is zero.
    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Nat::Small(0))
    }
}

impl Ord for Nat {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Nat::Small(a), Nat::Small(b)) => a.cmp(b),
            (Nat::Small(_), Nat::Big(_)) => Ordering::Less,
            (Nat::Big(_), Nat::Small(_)) => Ordering::Greater,
            (Nat::Big(a), Nat::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Nat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Nat::Small(v) => write!(f, "{v}"),
            Nat::Big(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_numerically_at_any_length() {
        let a = Nat::from_digits("0018446744073709551615");
        let b = Nat::from_digits("18446744073709551616");
        let c = Nat::from_digits("99999999999999999999999");
        assert_eq!(a, Nat::Small(u64::MAX));
        assert!(a < b && b < c);
        assert!(Nat::from_digits("000").is_zero());
        assert_eq!(b.to_string(), "18446744073709551616");
    }
}
