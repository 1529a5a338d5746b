//! Label ids: short, case-insensitive, typo-checked, and QR alphanumeric-mode safe.
//!
//! An id is ten characters of Crockford base32 (digits and upper-case letters without I, L, O
//! and U) followed by one check character, e.g. `7K3QX9P2M4H`. Reading it back is
//! case-insensitive and forgives the usual confusions (`O`→`0`, `I`/`L`→`1`). The check
//! character is a Luhn mod 32 digit, so any single mistyped character is caught, and so is
//! any swap of neighbours except `0`/`Z` pairs (the one blind spot of Luhn mod N). The human form also shows the expiry, as Singapore's labels do:
//! `IOTL/310329/7K3QX9P2M4H` (expiry 31 March 2029, written DDMMYY).

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Length of the data part.
pub const DATA_LEN: usize = 10;

/// A label id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LabelId(String);

/// Why a string is not a label id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelIdError {
    /// Wrong length.
    #[error("a label id has 11 characters, `{0}` has {1}")]
    Length(String, usize),
    /// A character outside the alphabet.
    #[error("`{0}` is not a label id character")]
    Character(char),
    /// The check character does not match: a typo.
    #[error("the check character of `{0}` does not match; is a character mistyped?")]
    Check(String),
}

fn value(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| char::from(a) == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Luhn mod N check character over the data values.
fn check_value(values: &[u32]) -> u32 {
    let n = 32;
    let mut factor = 2;
    let mut sum = 0;
    for &v in values.iter().rev() {
        let addend = factor * v;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / n + addend % n;
    }
    (n - sum % n) % n
}

impl LabelId {
    /// Derives an id from bytes (for instance a hash of what the label is about).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let mut bits: u64 = 0;
        for b in &digest[..8] {
            bits = (bits << 8) | u64::from(*b);
        }
        let values: Vec<u32> = (0..DATA_LEN)
            .map(|i| u32::try_from((bits >> (59 - 5 * i)) & 31).unwrap_or(0))
            .collect();
        let mut s: String = values
            .iter()
            .map(|&v| char::from(ALPHABET[v as usize]))
            .collect();
        s.push(char::from(ALPHABET[check_value(&values) as usize]));
        LabelId(s)
    }

    /// The canonical (upper-case) id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The human form with the expiry: `IOTL/DDMMYY/ID`.
    pub fn human(&self, expires: Date) -> String {
        format!(
            "IOTL/{:02}{:02}{:02}/{}",
            expires.day(),
            expires.month(),
            expires.year().rem_euclid(100),
            self.0
        )
    }
}

impl FromStr for LabelId {
    type Err = LabelIdError;

    /// Parses an id case-insensitively, also from its human form.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let s = s.rsplit('/').next().unwrap_or(s);
        let cleaned: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
        let count = cleaned.chars().count();
        if count != DATA_LEN + 1 {
            return Err(LabelIdError::Length(s.to_owned(), count));
        }
        let mut values = Vec::with_capacity(DATA_LEN + 1);
        for c in cleaned.chars() {
            values.push(value(c).ok_or(LabelIdError::Character(c))?);
        }
        let (data, check) = values.split_at(DATA_LEN);
        if check[0] != check_value(data) {
            return Err(LabelIdError::Check(s.to_owned()));
        }
        Ok(LabelId(
            values
                .iter()
                .map(|&v| char::from(ALPHABET[v as usize]))
                .collect(),
        ))
    }
}

impl fmt::Display for LabelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for LabelId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LabelId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_case_insensitively_and_from_the_human_form() {
        let id = LabelId::from_bytes(b"example");
        assert_eq!(id.as_str().len(), 11);
        assert!(id.as_str().bytes().all(|b| ALPHABET.contains(&b)));
        let lower: LabelId = id.as_str().to_lowercase().parse().unwrap();
        assert_eq!(lower, id);
        let human = id.human(jiff::civil::date(2029, 3, 31));
        assert!(human.starts_with("IOTL/310329/"));
        assert_eq!(human.parse::<LabelId>().unwrap(), id);
    }

    #[test]
    fn every_single_typo_is_caught() {
        let id = LabelId::from_bytes(b"typo");
        let chars: Vec<char> = id.as_str().chars().collect();
        for i in 0..chars.len() {
            for &a in ALPHABET {
                let c = char::from(a);
                if c == chars[i] {
                    continue;
                }
                let mut t = chars.clone();
                t[i] = c;
                let s: String = t.into_iter().collect();
                assert!(s.parse::<LabelId>().is_err(), "{s} accepted");
            }
        }
        // Swapping two different neighbours is caught too, but for Luhn's 0/Z blind spot.
        for i in 0..chars.len() - 1 {
            let pair = [chars[i], chars[i + 1]];
            if chars[i] != chars[i + 1] && pair != ['0', 'Z'] && pair != ['Z', '0'] {
                let mut t = chars.clone();
                t.swap(i, i + 1);
                let s: String = t.into_iter().collect();
                assert!(s.parse::<LabelId>().is_err(), "{s} accepted");
            }
        }
    }

    #[test]
    fn look_alike_letters_are_forgiven() {
        let id = LabelId::from_bytes(b"x");
        let fuzzy = id.as_str().replace('0', "O").replace('1', "l");
        assert_eq!(fuzzy.parse::<LabelId>().unwrap(), id);
    }
}
