//! A length of time in the agreement's own terms: ISO 8601 durations such as `PT72H`,
//! `P45D` or `P3M`, added to instants the way a calendar does (months are months).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, Months};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A period written as an ISO 8601 duration: years, months, weeks, days, hours,
/// minutes and seconds, each a whole number. `P3M` is three calendar months; `P90D` is
/// ninety days; `PT72H` is seventy-two hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Period {
    pub months: u32,
    pub days: u32,
    pub seconds: u64,
}

/// Why a period could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an ISO 8601 duration such as PT72H, P45D or P3M: {reason}")]
pub struct PeriodError {
    pub text: String,
    pub reason: &'static str,
}

impl Period {
    pub const fn hours(hours: u64) -> Self {
        Self { months: 0, days: 0, seconds: hours * 3600 }
    }

    pub const fn days(days: u32) -> Self {
        Self { months: 0, days, seconds: 0 }
    }

    /// The instant this period after `start`. `None` only past the year 262,000.
    pub fn after(&self, start: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
        let seconds = i64::try_from(self.seconds).ok()?;
        start
            .checked_add_months(Months::new(self.months))?
            .checked_add_signed(Duration::days(i64::from(self.days)))?
            .checked_add_signed(Duration::seconds(seconds))
    }

    /// The period in hours when it has no calendar part (months or days), else `None`.
    pub fn as_exact_hours(&self) -> Option<f64> {
        (self.months == 0 && self.days == 0).then(|| self.seconds as f64 / 3600.0)
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason| PeriodError { text: text.to_owned(), reason };
        let rest = text.strip_prefix('P').ok_or_else(|| fail("it must start with P"))?;
        if rest.is_empty() {
            return Err(fail("it has no parts"));
        }
        let mut period = Period::default();
        let mut in_time = false;
        let mut number = String::new();
        let mut seen_part = false;
        for c in rest.chars() {
            match c {
                '0'..='9' => number.push(c),
                'T' if !in_time && number.is_empty() => in_time = true,
                unit => {
                    if number.is_empty() {
                        return Err(fail("every unit needs a whole number before it"));
                    }
                    let n: u64 = number.parse().map_err(|_| fail("a number is too large"))?;
                    number.clear();
                    let small = |n: u64| u32::try_from(n).map_err(|_| fail("a number is too large"));
                    let add_seconds = |p: &mut Period, s: u64| -> Result<(), PeriodError> {
                        p.seconds = n
                            .checked_mul(s)
                            .and_then(|v| v.checked_add(p.seconds))
                            .ok_or_else(|| fail("a number is too large"))?;
                        Ok(())
                    };
                    match (in_time, unit) {
                        (false, 'Y') => {
                            period.months += small(n)?.checked_mul(12).ok_or_else(|| fail("a number is too large"))?
                        }
                        (false, 'M') => period.months += small(n)?,
                        (false, 'W') => {
                            period.days += small(n)?.checked_mul(7).ok_or_else(|| fail("a number is too large"))?
                        }
                        (false, 'D') => period.days += small(n)?,
                        (true, 'H') => add_seconds(&mut period, 3600)?,
                        (true, 'M') => add_seconds(&mut period, 60)?,
                        (true, 'S') => add_seconds(&mut period, 1)?,
                        _ => return Err(fail("units are Y, M, W, D before T and H, M, S after it")),
                    }
                    seen_part = true;
                }
            }
        }
        if !number.is_empty() {
            return Err(fail("a number has no unit after it"));
        }
        if !seen_part {
            return Err(fail("it has no parts"));
        }
        Ok(period)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P")?;
        if self.months > 0 {
            write!(f, "{}M", self.months)?;
        }
        if self.days > 0 {
            write!(f, "{}D", self.days)?;
        }
        if self.seconds > 0 || (self.months == 0 && self.days == 0) {
            write!(f, "T")?;
            let (h, rem) = (self.seconds / 3600, self.seconds % 3600);
            let (m, s) = (rem / 60, rem % 60);
            if h > 0 {
                write!(f, "{h}H")?;
            }
            if m > 0 {
                write!(f, "{m}M")?;
            }
            if s > 0 || self.seconds == 0 {
                write!(f, "{s}S")?;
            }
        }
        Ok(())
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_the_agreements_periods() {
        let cases = [
            ("PT72H", Period::hours(72), "PT72H"),
            ("PT12H", Period::hours(12), "PT12H"),
            ("P45D", Period::days(45), "P45D"),
            ("P3M", Period { months: 3, ..Period::default() }, "P3M"),
            ("P1Y", Period { months: 12, ..Period::default() }, "P12M"),
            ("P2W", Period::days(14), "P14D"),
            ("P1DT1H30M", Period { months: 0, days: 1, seconds: 5400 }, "P1DT1H30M"),
            ("PT0S", Period::default(), "PT0S"),
        ];
        for (text, period, shown) in cases {
            assert_eq!(text.parse::<Period>(), Ok(period), "{text}");
            assert_eq!(period.to_string(), shown);
            assert_eq!(shown.parse::<Period>(), Ok(period), "{shown} round trip");
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for text in ["", "72h", "P", "PT", "P72", "PT72X", "P1H", "PT1D", "P-1D", "P99999999999999999999D", "PTT1H"] {
            assert!(text.parse::<Period>().is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn months_are_calendar_months() {
        let signed = DateTime::parse_from_rfc3339("1953-07-27T22:00:00+09:00").unwrap();
        let cases = [
            ("PT72H", "1953-07-30T22:00:00+09:00"),
            ("P10D", "1953-08-06T22:00:00+09:00"),
            ("P60D", "1953-09-25T22:00:00+09:00"),
            ("P3M", "1953-10-27T22:00:00+09:00"),
        ];
        for (text, expected) in cases {
            let after = text.parse::<Period>().unwrap().after(signed).unwrap();
            assert_eq!(after.to_rfc3339(), expected, "{text}");
        }
    }
}
