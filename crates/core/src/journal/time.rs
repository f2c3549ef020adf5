//! The journal's timestamps: UTC with milliseconds, written one way only
//! (`1953-07-27T10:00:00.000Z`), so that a time has one canonical encoding.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

/// A point in time, to the millisecond, in UTC. The caller reads the clock; the core
/// only carries the value.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(DateTime<Utc>);

impl Time {
    /// `at`, truncated to whole milliseconds.
    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        let millis = at.timestamp_millis();
        Self(DateTime::from_timestamp_millis(millis).unwrap_or(at))
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        DateTime::from_timestamp_millis(millis).map(Self)
    }

    pub fn unix_millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    pub fn datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// The canonical spelling.
    pub fn to_canonical(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// Parses the canonical spelling and nothing else.
    pub fn parse(text: &str) -> Result<Self, String> {
        let at = DateTime::parse_from_rfc3339(text).map_err(|e| format!("{text:?} is not an RFC 3339 time ({e})"))?;
        let time = Self::from_datetime(at.with_timezone(&Utc));
        if time.to_canonical() != text {
            return Err(format!("{text:?} is not written as {:?}", time.to_canonical()));
        }
        Ok(time)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_canonical())
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Time({})", self.to_canonical())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_canonical())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spelling_per_time() {
        let t = Time::parse("1953-07-27T01:00:00.000Z").unwrap();
        assert_eq!(t.to_canonical(), "1953-07-27T01:00:00.000Z");
        assert_eq!(Time::from_unix_millis(t.unix_millis()), Some(t));
        for other in ["1953-07-27T10:00:00.000+09:00", "1953-07-27T01:00:00Z", "1953-07-27T01:00:00.0000Z", "soon"] {
            assert!(Time::parse(other).is_err(), "{other}");
        }
    }
}
