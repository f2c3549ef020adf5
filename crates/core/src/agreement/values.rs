//! Small validated values used throughout an agreement file: ids, instants, positions.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An identifier other parts of the agreement refer to: lower-case ASCII letters, digits
/// and hyphens, starting with a letter or digit (`unc`, `dmz-north`, `II-13a` is not one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(String);

impl Id {
    pub fn parse(text: &str) -> Result<Self, String> {
        let ok = !text.is_empty()
            && text.len() <= 64
            && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !text.starts_with('-')
            && !text.ends_with('-');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!(
                "`{text}` is not an id: use 1-64 lower-case letters, digits and inner hyphens, e.g. `dmz-north`"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Id::parse(&text).map_err(de::Error::custom)
    }
}

/// An instant with its UTC offset, as the agreement states it (`1953-07-27T10:00:00+09:00`).
/// In TOML it may be written as a bare offset date-time or as an RFC 3339 string; a time
/// without an offset is refused, because "10:00" means nothing without knowing where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    pub fn parse(text: &str) -> Result<Self, String> {
        DateTime::parse_from_rfc3339(text).map(Self).map_err(|e| {
            format!("`{text}` is not an RFC 3339 time with a UTC offset such as 1953-07-27T10:00:00+09:00 ({e})")
        })
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;
        impl<'de> Visitor<'de> for TimestampVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time with a UTC offset, e.g. 1953-07-27T10:00:00+09:00")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Timestamp::parse(text).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Timestamp, A::Error> {
                // TOML's native date-times arrive as a map; read them as TOML does, then
                // insist on the offset.
                let datetime = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Timestamp::parse(&datetime.to_string()).map_err(de::Error::custom)
            }
        }
        deserializer.deserialize_any(TimestampVisitor)
    }
}

/// A position on the ground as `[longitude, latitude]` in degrees (WGS 84), the order
/// GeoJSON uses. Longitude within ±180, latitude within ±90.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub lon: f64,
    pub lat: f64,
}

impl Position {
    pub fn new(lon: f64, lat: f64) -> Result<Self, String> {
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(format!("longitude {lon} is outside -180..180 (positions are [lon, lat])"));
        }
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(format!("latitude {lat} is outside -90..90 (positions are [lon, lat])"));
        }
        Ok(Self { lon, lat })
    }
}

impl Serialize for Position {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        [self.lon, self.lat].serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pair = <Vec<f64>>::deserialize(deserializer)?;
        match pair.as_slice() {
            [lon, lat] => Position::new(*lon, *lat).map_err(de::Error::custom),
            _ => Err(de::Error::custom(format!(
                "a position is [longitude, latitude], two numbers; got {} number(s)",
                pair.len()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_slugs() {
        for ok in ["unc", "kpa-cpv", "dmz-north", "a", "port-1"] {
            assert!(Id::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "UNC", "dmz_north", "-a", "a-", "dmz north", "é"] {
            assert!(Id::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn positions_are_range_checked() {
        assert!(Position::new(126.67, 37.95).is_ok());
        for (lon, lat) in [(181.0, 0.0), (0.0, 91.0), (f64::NAN, 0.0), (0.0, f64::INFINITY)] {
            assert!(Position::new(lon, lat).is_err(), "{lon} {lat}");
        }
    }

    #[test]
    fn timestamps_need_an_offset() {
        assert!(Timestamp::parse("1953-07-27T10:00:00+09:00").is_ok());
        assert!(Timestamp::parse("1953-07-27T10:00:00").is_err());
    }
}
