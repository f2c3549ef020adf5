//! A prisoner record: who holds the prisoner, whose side and nationality the prisoner
//! belonged to at capture, names as each side wrote them, and the stated choice.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::agreement::{Id, Timestamp};

/// One prisoner as the detaining side recorded them. Only `id`, `detaining_side`,
/// `side` and `nationality` are required; everything else may be unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prisoner {
    /// Unique in the ledger, e.g. the detaining side's internment number.
    pub id: String,
    /// The side holding the prisoner.
    pub detaining_side: Id,
    /// The side the prisoner belonged to at capture: where repatriation sends them.
    pub side: Id,
    /// Nationality at capture, as written (`North Korea`, `China`, `United States`).
    pub nationality: String,
    #[serde(default, skip_serializing_if = "Category::is_default")]
    pub category: Category,
    /// Names as each side wrote them, in any script.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_on: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    #[serde(default, skip_serializing_if = "Health::is_fit")]
    pub health: Health,
    /// The choice the prisoner stated about repatriation, if any, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_stated_at: Option<Timestamp>,
}

/// A name as one side wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Name {
    /// As written: `Kim Chol-su`, `김철수`, `王建国`, `Ivanov`.
    pub text: String,
    /// The side (or body) whose list spelt it this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_by: Option<String>,
    /// The script or system: `latin`, `hangul`, `han`, `cyrillic`, `mccune-reischauer`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
}

/// Prisoner of war or civilian internee: exchanged alike, counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    #[default]
    PrisonerOfWar,
    CivilianInternee,
}

impl Category {
    fn is_default(&self) -> bool {
        *self == Self::PrisonerOfWar
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PrisonerOfWar => "prisoner-of-war",
            Self::CivilianInternee => "civilian-internee",
        }
    }
}

/// Whether the prisoner is sick or injured: those who ask to go home go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    #[default]
    Fit,
    Sick,
    Injured,
}

impl Health {
    fn is_fit(&self) -> bool {
        *self == Self::Fit
    }

    pub fn sick_or_injured(self) -> bool {
        self != Self::Fit
    }
}

/// What the prisoner said about going home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Choice {
    /// Insists on repatriation to the side they belonged to at capture.
    Repatriation,
    /// Refuses repatriation.
    Refuse,
    /// Refuses repatriation and asks to go to a neutral nation.
    NeutralNation,
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Repatriation => "repatriation",
            Self::Refuse => "refuse",
            Self::NeutralNation => "neutral-nation",
        }
    }

    /// Refused repatriation, whether or not they named a neutral nation.
    pub fn refuses(self) -> bool {
        self != Self::Repatriation
    }
}

/// A date known to the year, the month or the day: `1931`, `1931-05`, `1931-05-17`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl PartialDate {
    pub fn parse(text: &str) -> Result<Self, String> {
        let fail = || format!("`{text}` is not a date such as 1931, 1931-05 or 1931-05-17");
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, len: usize| {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) { s.parse::<u32>().ok() } else { None }
        };
        let year = parts.first().and_then(|y| number(y, 4)).ok_or_else(fail)?;
        let month = match parts.get(1) {
            Some(m) => Some(number(m, 2).filter(|m| (1..=12).contains(m)).ok_or_else(fail)?),
            None => None,
        };
        let day = match parts.get(2) {
            Some(d) => Some(number(d, 2).ok_or_else(fail)?),
            None => None,
        };
        if parts.len() > 3 {
            return Err(fail());
        }
        let year = i32::try_from(year).map_err(|_| fail())?;
        if let (Some(m), Some(d)) = (month, day) {
            if chrono::NaiveDate::from_ymd_opt(year, m, d).is_none() {
                return Err(format!("`{text}` is not a day of the calendar"));
            }
        }
        Ok(Self { year, month, day })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PartialDate::parse(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_keep_what_is_known() {
        for (text, year, month, day) in
            [("1931", 1931, None, None), ("1931-05", 1931, Some(5), None), ("1931-05-17", 1931, Some(5), Some(17))]
        {
            let date = PartialDate::parse(text).unwrap();
            assert_eq!((date.year, date.month, date.day), (year, month, day));
            assert_eq!(date.to_string(), text);
        }
        for bad in ["", "31", "1931-5", "1931-13", "1931-02-30", "1931-05-17-01", "abcd"] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_record_needs_only_sides_and_nationality() {
        let p: Prisoner = serde_json::from_str(
            r#"{"id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China","health":"injured",
                "names":[{"text":"王建国","script":"han"},{"text":"Wang Chien-kuo","written_by":"unc"}]}"#,
        )
        .unwrap();
        assert_eq!(p.health, Health::Injured);
        assert_eq!(p.names.len(), 2);
        assert!(p.choice.is_none());
        let unknown = serde_json::from_str::<Prisoner>(
            r#"{"id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China","colour":"red"}"#,
        );
        assert!(unknown.is_err());
    }
}
