//! Calendar dates as declarations write them: a day (`2026-10-01`) or a month (`2029-03`).
//!
//! The support period's end is "at least year and month" (EU CRA), so a month is enough; it
//! means the last day of that month.

use std::borrow::Cow;
use std::fmt;

use jiff::civil::Date;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl Day {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() != 10 || s.as_bytes()[4] != b'-' || s.as_bytes()[7] != b'-' {
            return Err(format!(
                "`{s}` is not a date; write YYYY-MM-DD, e.g. 2026-03-31"
            ));
        }
        s.parse::<Date>()
            .map(Day)
            .map_err(|_| format!("`{s}` is not a real calendar date; write YYYY-MM-DD"))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Day::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Day {
    fn schema_name() -> Cow<'static, str> {
        "Day".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD."
        })
    }
}

/// A month (`YYYY-MM`) or a day (`YYYY-MM-DD`); as an end date, a month means its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// The last day the period covers.
    pub last_day: Date,
    /// Whether it was written as a whole month.
    pub month_only: bool,
}

impl YearMonth {
    /// Parses `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("`{s}` is not a month or a date; write YYYY-MM (e.g. 2029-03) or YYYY-MM-DD")
        };
        match s.len() {
            7 if s.as_bytes()[4] == b'-' => {
                let year: i16 = s[..4].parse().map_err(|_| bad())?;
                let month: i8 = s[5..].parse().map_err(|_| bad())?;
                let first = Date::new(year, month, 1).map_err(|_| bad())?;
                Ok(YearMonth {
                    last_day: first.last_of_month(),
                    month_only: true,
                })
            }
            10 => Day::parse(s).map(|d| YearMonth {
                last_day: d.0,
                month_only: false,
            }),
            _ => Err(bad()),
        }
    }

    /// `MM/YYYY`, as a label prints it.
    pub fn month_year(&self) -> String {
        format!("{:02}/{}", self.last_day.month(), self.last_day.year())
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.month_only {
            write!(f, "{}-{:02}", self.last_day.year(), self.last_day.month())
        } else {
            write!(f, "{}", self.last_day)
        }
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        YearMonth::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for YearMonth {
    fn schema_name() -> Cow<'static, str> {
        "YearMonth".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$",
            "description": "A month YYYY-MM (meaning its last day) or a date YYYY-MM-DD."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_end_on_their_last_day() {
        let m = YearMonth::parse("2028-02").unwrap();
        assert_eq!(m.last_day.to_string(), "2028-02-29");
        assert_eq!(m.to_string(), "2028-02");
        assert_eq!(m.month_year(), "02/2028");
        assert_eq!(
            YearMonth::parse("2029-03-15").unwrap().to_string(),
            "2029-03-15"
        );
    }

    #[test]
    fn non_dates_are_refused_with_the_expected_form() {
        assert!(YearMonth::parse("2029-13").unwrap_err().contains("YYYY-MM"));
        assert!(YearMonth::parse("March 2029").is_err());
        assert!(
            Day::parse("2026-02-30")
                .unwrap_err()
                .contains("real calendar date")
        );
        assert!(Day::parse("2026/02/03").is_err());
    }
}
