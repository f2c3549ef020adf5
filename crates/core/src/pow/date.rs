//! Dates known only in part: the year, the year and month, or the whole day, as prisoner
//! records and lists often give a birth or capture date.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// A date known to the year, the month or the day (`1931`, `1931-04`, `1931-04-15`), as
/// lists often give only part of a birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Why a partial date was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected YYYY, YYYY-MM or YYYY-MM-DD")]
    Shape,
    #[error("month {0} is not 1-12")]
    Month(u8),
    #[error("day {day} does not exist in {year}-{month:02}")]
    Day { year: u16, month: u8, day: u8 },
}

impl PartialDate {
    /// Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the day must exist in its month.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let mut parts = text.split('-');
        let year = parts.next().filter(|y| y.len() == 4).and_then(number).ok_or(DateError::Shape)?;
        let year = u16::try_from(year).map_err(|_| DateError::Shape)?;
        let month = match parts.next() {
            None => None,
            Some(m) if m.len() == 2 => Some(number(m).ok_or(DateError::Shape)?),
            Some(_) => return Err(DateError::Shape),
        };
        let day = match parts.next() {
            None => None,
            Some(d) if d.len() == 2 && month.is_some() => Some(number(d).ok_or(DateError::Shape)?),
            Some(_) => return Err(DateError::Shape),
        };
        if parts.next().is_some() {
            return Err(DateError::Shape);
        }
        let month = month.map(|m| u8::try_from(m).map_err(|_| DateError::Shape)).transpose()?;
        let day = day.map(|d| u8::try_from(d).map_err(|_| DateError::Shape)).transpose()?;
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(DateError::Month(m));
        }
        if let (Some(m), Some(d)) = (month, day)
            && (d == 0 || d > days_in_month(year, m))
        {
            return Err(DateError::Day { year, month: m, day: d });
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

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Written as text (`1931`, `1931-05`, `1931-05-17`), the way it is read.
impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PartialDate::parse(&text).map_err(|e| de::Error::custom(format!("`{text}`: {e}")))
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
            assert_eq!(serde_json::to_string(&date).unwrap(), format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<PartialDate>(&format!("\"{text}\"")).unwrap(), date);
        }
        for bad in ["", "31", "1931-5", "1931-13", "1931-02-30", "1931-05-17-01", "abcd"] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
    }
}
