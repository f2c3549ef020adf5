//! A report from the ground: who saw what, when and where. One JSON object per line
//! (NDJSON); the format is documented in docs/report-format.md and
//! docs/report.schema.json. A report never asserts a finding: alleged and assessed
//! responsibility are separate, and only the rules decide what a report shows.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::scan::{ENVELOPE_END, FIELDS};
use crate::agreement::{Position, Timestamp};

/// Short text held inline (up to 24 bytes, no allocation): ids, side, party, team and
/// port names, which every report carries and the rules read for every report.
pub type Text = compact_str::CompactString;

/// Why one line is not a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("a report is one JSON object, not {0}")]
    NotAnObject(&'static str),
    #[error("field `{field}`: {message}")]
    Field { field: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// When something was observed: an instant, or a window when the observer can only
/// bound it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Observed {
    At(Timestamp),
    Window { from: Timestamp, to: Timestamp },
}

impl<'de> Deserialize<'de> for Observed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Window {
            from: Timestamp,
            to: Timestamp,
        }
        use serde::de::Error;
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Timestamp::parse(&text).map(Self::At).map_err(D::Error::custom),
            value @ serde_json::Value::Object(_) => serde_json::from_value::<Window>(value)
                .map(|w| Self::Window { from: w.from, to: w.to })
                .map_err(|e| D::Error::custom(format!("a window is {{\"from\": TIME, \"to\": TIME}}: {e}"))),
            other => Err(D::Error::custom(format!(
                "expected a time such as 1953-07-31T06:00:00+09:00 or a window {{\"from\": TIME, \"to\": TIME}}, got {other}"
            ))),
        }
    }
}

impl Observed {
    /// The earliest the event can have happened.
    pub fn start(&self) -> DateTime<FixedOffset> {
        match self {
            Self::At(t) => t.0,
            Self::Window { from, .. } => from.0,
        }
    }

    /// The latest the event can have happened.
    pub fn end(&self) -> DateTime<FixedOffset> {
        match self {
            Self::At(t) => t.0,
            Self::Window { to, .. } => to.0,
        }
    }
}

/// Who reports: a party (side), a team (a joint observer or inspection team), observers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reporter {
    /// A side's id, or a commission's (`mac`, `nnsc`).
    pub party: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Text>,
    /// Observers, each with a nationality where known: the habit of UN missions is two
    /// observers of different nations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observers: Vec<Observer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
}

/// A timed position along a track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackFix {
    pub at: Timestamp,
    pub position: Position,
}

/// A file offered as evidence, by its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What kind of people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Military,
    CivilAdministration,
    Relief,
    CivilPolice,
    Commission,
    Salvage,
    Civilian,
}

/// Into or out of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

/// Low, best and high estimates, as event data sets record casualties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    pub low: u32,
    pub best: u32,
    pub high: u32,
}

/// What was seen, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Event {
    /// Personnel or a unit present or moving.
    Personnel {
        side: Text,
        count: u32,
        category: Category,
        #[serde(default)]
        armed: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
        /// Authorization id given by a commission, if the party cites one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorization: Option<Text>,
    },
    /// Vehicles.
    Vehicle {
        side: Text,
        count: u32,
        #[serde(default)]
        military: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vehicle_type: Option<String>,
    },
    /// Weapons fire or another hostile act.
    HostileAct {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        side: Option<Text>,
        act: String,
        /// Where it came from, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        origin: Option<Position>,
        /// Compass bearing of the fire, degrees.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        direction_deg: Option<f64>,
    },
    /// An aircraft, at a position or along a track.
    Aircraft {
        side: Text,
        #[serde(default = "yes")]
        military: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        aircraft_type: Option<String>,
    },
    /// A vessel, at a position or along a track.
    Vessel {
        side: Text,
        #[serde(default = "yes")]
        naval: bool,
        #[serde(default)]
        blockading: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vessel_type: Option<String>,
    },
    /// People crossing the demarcation line.
    Crossing {
        side: Text,
        count: u32,
        category: Category,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorization: Option<Text>,
    },
    /// People entering or leaving the DMZ.
    ZoneEntry {
        side: Text,
        count: u32,
        category: Category,
        direction: Direction,
        #[serde(default)]
        armed: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorization: Option<Text>,
    },
    /// Mines, wire, fortifications, demolitions.
    Hazard {
        side: Text,
        hazard: String,
        #[serde(default)]
        removed: bool,
    },
    /// Personnel arriving at or leaving through a port of entry.
    Rotation { side: Text, port: Text, direction: Direction, count: u32 },
    /// Combat materiel in or out through a port of entry.
    Materiel { side: Text, port: Text, direction: Direction, category: Text, item_type: Text, quantity: u32 },
    /// Casualties by side.
    Casualties {
        side: Text,
        killed: Estimate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wounded: Option<Estimate>,
    },
}

/// A serde error with the path of the field at fault (`reported_by.party`).
fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> ReportError {
    let path = e.path().to_string();
    if path == "." || path.is_empty() {
        ReportError::Invalid(e.into_inner().to_string())
    } else {
        ReportError::Field { field: path, message: e.into_inner().to_string() }
    }
}

fn yes() -> bool {
    true
}

impl Event {
    /// How many kinds there are.
    pub const KINDS: usize = 11;

    /// Each kind's [`Event::index`], by name, for tables indexed by kind.
    pub const PERSONNEL: usize = 0;
    pub const VEHICLE: usize = 1;
    pub const HOSTILE_ACT: usize = 2;
    pub const AIRCRAFT: usize = 3;
    pub const VESSEL: usize = 4;
    pub const CROSSING: usize = 5;
    pub const ZONE_ENTRY: usize = 6;
    pub const HAZARD: usize = 7;
    pub const ROTATION: usize = 8;
    pub const MATERIEL: usize = 9;
    pub const CASUALTIES: usize = 10;

    /// The kind's position in the list of kinds, from 0 (personnel) to `KINDS - 1`.
    pub fn index(&self) -> usize {
        match self {
            Self::Personnel { .. } => Self::PERSONNEL,
            Self::Vehicle { .. } => Self::VEHICLE,
            Self::HostileAct { .. } => Self::HOSTILE_ACT,
            Self::Aircraft { .. } => Self::AIRCRAFT,
            Self::Vessel { .. } => Self::VESSEL,
            Self::Crossing { .. } => Self::CROSSING,
            Self::ZoneEntry { .. } => Self::ZONE_ENTRY,
            Self::Hazard { .. } => Self::HAZARD,
            Self::Rotation { .. } => Self::ROTATION,
            Self::Materiel { .. } => Self::MATERIEL,
            Self::Casualties { .. } => Self::CASUALTIES,
        }
    }

    /// The kind's name, as written in a report.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Personnel { .. } => "personnel",
            Self::Vehicle { .. } => "vehicle",
            Self::HostileAct { .. } => "hostile-act",
            Self::Aircraft { .. } => "aircraft",
            Self::Vessel { .. } => "vessel",
            Self::Crossing { .. } => "crossing",
            Self::ZoneEntry { .. } => "zone-entry",
            Self::Hazard { .. } => "hazard",
            Self::Rotation { .. } => "rotation",
            Self::Materiel { .. } => "materiel",
            Self::Casualties { .. } => "casualties",
        }
    }

    /// The side the event is about, when it says.
    pub fn side(&self) -> Option<&str> {
        match self {
            Self::HostileAct { side, .. } => side.as_deref(),
            Self::Personnel { side, .. }
            | Self::Vehicle { side, .. }
            | Self::Aircraft { side, .. }
            | Self::Vessel { side, .. }
            | Self::Crossing { side, .. }
            | Self::ZoneEntry { side, .. }
            | Self::Hazard { side, .. }
            | Self::Rotation { side, .. }
            | Self::Materiel { side, .. }
            | Self::Casualties { side, .. } => Some(side),
        }
    }
}

/// The fields every report has, whatever its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    id: Text,
    reported_by: Reporter,
    observed_at: Observed,
    /// How precise the time is: `second`, `minute`, `hour`, `day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_precision: Option<String>,
    received_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    position: Option<Position>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    track: Vec<TrackFix>,
    /// Radius within which the position is known, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location_precision_m: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alleged_responsible: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assessed_responsible: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
}

impl Envelope {
    /// The report of this envelope and `event` (not yet validated).
    fn with(self, event: Event) -> Report {
        Report {
            id: self.id,
            reported_by: self.reported_by,
            observed_at: self.observed_at,
            time_precision: self.time_precision,
            received_at: self.received_at,
            position: self.position,
            track: self.track,
            location_precision_m: self.location_precision_m,
            alleged_responsible: self.alleged_responsible,
            assessed_responsible: self.assessed_responsible,
            evidence: self.evidence,
            notes: self.notes,
            event,
        }
    }
}

/// The checks a report's fields must pass beyond their types, shared by the careful
/// reader and the fast one ([`super::scan`]).
#[allow(clippy::too_many_arguments)] // the fields checked, from either reader's struct
pub(crate) fn validate_parts<'e, T: PartialOrd + Copy>(
    id: &str,
    (start, end, received): (T, T, T),
    has_place: bool,
    track_times: impl Iterator<Item = T>,
    location_precision_m: Option<f64>,
    mut evidence: impl Iterator<Item = &'e str>,
    needs_place: bool,
    estimates: [Option<&Estimate>; 2],
    bearing: Option<f64>,
) -> Result<(), ReportError> {
    let field = |field: &str, message: &str| ReportError::Field { field: field.into(), message: message.into() };
    if id.trim().is_empty() {
        return Err(field("id", "must not be empty"));
    }
    if end < start {
        return Err(field("observed_at", "the window ends before it starts"));
    }
    if !has_place && needs_place {
        return Err(field("position", "give a position [lon, lat] or a track"));
    }
    let mut last = None;
    for at in track_times {
        if last.is_some_and(|last| at < last) {
            return Err(field("track", "fixes must be in time order"));
        }
        last = Some(at);
    }
    if let Some(p) = location_precision_m {
        if !(p.is_finite() && p >= 0.0) {
            return Err(field("location_precision_m", "must be a distance in metres, 0 or more"));
        }
    }
    if evidence.any(|sha256| sha256.len() != 64 || !sha256.bytes().all(|c| c.is_ascii_hexdigit())) {
        return Err(field("evidence", "sha256 must be 64 hexadecimal characters"));
    }
    for (name, e) in ["killed", "wounded"].into_iter().zip(estimates) {
        if let Some(e) = e {
            if !(e.low <= e.best && e.best <= e.high) {
                return Err(field(name, "estimates must satisfy low <= best <= high"));
            }
        }
    }
    if received < start {
        return Err(field("received_at", "a report cannot be received before what it reports was observed"));
    }
    if let Some(d) = bearing {
        if !(d.is_finite() && (0.0..360.0).contains(&d)) {
            return Err(field("direction_deg", "a bearing is 0 to 360 degrees"));
        }
    }
    Ok(())
}

/// One report, checked field by field.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: Text,
    pub reported_by: Reporter,
    pub observed_at: Observed,
    pub time_precision: Option<String>,
    pub received_at: Timestamp,
    pub position: Option<Position>,
    pub track: Vec<TrackFix>,
    pub location_precision_m: Option<f64>,
    pub alleged_responsible: Option<String>,
    pub assessed_responsible: Option<String>,
    pub evidence: Vec<Evidence>,
    pub notes: Option<String>,
    pub event: Event,
}

impl Report {
    /// Parse one NDJSON line.
    pub fn parse(line: &str) -> Result<Self, ReportError> {
        // The common case, a valid report, is read straight into typed fields; anything
        // else takes the careful path below, which says exactly what is wrong.
        if let Some(scanned) = super::scan::scan(line) {
            return Ok(scanned.to_report());
        }
        Self::parse_careful(line)
    }

    /// Parse one NDJSON line the careful way only, through a JSON tree, naming the field
    /// at fault. [`Report::parse`] takes this path for any line the fast reader is not
    /// sure of; tests and the fuzzer hold the fast reader to agree with it.
    pub fn parse_careful(line: &str) -> Result<Self, ReportError> {
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| ReportError::Json(e.to_string()))?;
        let serde_json::Value::Object(object) = value else {
            return Err(ReportError::NotAnObject(match value {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Bool(_) => "a boolean",
                _ => "null",
            }));
        };
        Self::from_object(object)
    }

    fn from_object(object: serde_json::Map<String, serde_json::Value>) -> Result<Self, ReportError> {
        let mut envelope = serde_json::Map::new();
        let mut event = serde_json::Map::new();
        for (key, value) in object {
            if key == "$schema" {
                continue;
            }
            if FIELDS[..ENVELOPE_END].contains(&key.as_str()) {
                envelope.insert(key, value);
            } else {
                event.insert(key, value);
            }
        }
        if !event.contains_key("kind") {
            return Err(ReportError::Field { field: "kind".into(), message: "missing: say what was seen (personnel, vehicle, hostile-act, aircraft, vessel, crossing, zone-entry, hazard, rotation, materiel, casualties)".into() });
        }
        let envelope: Envelope =
            serde_path_to_error::deserialize(serde_json::Value::Object(envelope)).map_err(path_error)?;
        let event: Event = serde_path_to_error::deserialize(serde_json::Value::Object(event)).map_err(path_error)?;
        let report = envelope.with(event);
        report.validate()?;
        Ok(report)
    }

    fn validate(&self) -> Result<(), ReportError> {
        let needs_place =
            !matches!(self.event, Event::Rotation { .. } | Event::Materiel { .. } | Event::Casualties { .. });
        let (estimates, bearing) = match &self.event {
            Event::Casualties { killed, wounded, .. } => ([Some(killed), wounded.as_ref()], None),
            Event::HostileAct { direction_deg, .. } => ([None, None], *direction_deg),
            _ => ([None, None], None),
        };
        validate_parts(
            &self.id,
            (self.observed_at.start(), self.observed_at.end(), self.received_at.0),
            self.position.is_some() || !self.track.is_empty(),
            self.track.iter().map(|f| f.at.0),
            self.location_precision_m,
            self.evidence.iter().map(|e| e.sha256.as_str()),
            needs_place,
            estimates,
            bearing,
        )
    }

    /// The places the report puts the event: its position and every fix of its track.
    pub fn places(&self) -> Vec<(DateTime<FixedOffset>, Position)> {
        let mut places: Vec<(DateTime<FixedOffset>, Position)> =
            self.position.iter().map(|p| (self.observed_at.start(), *p)).collect();
        places.extend(self.track.iter().map(|f| (f.at.0, f.position)));
        places
    }

    /// The report as one JSON object again (the canonical form the journal stores).
    pub fn to_json(&self) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        let envelope = Envelope {
            id: self.id.clone(),
            reported_by: self.reported_by.clone(),
            observed_at: self.observed_at,
            time_precision: self.time_precision.clone(),
            received_at: self.received_at,
            position: self.position,
            track: self.track.clone(),
            location_precision_m: self.location_precision_m,
            alleged_responsible: self.alleged_responsible.clone(),
            assessed_responsible: self.assessed_responsible.clone(),
            evidence: self.evidence.clone(),
            notes: self.notes.clone(),
        };
        for value in [serde_json::to_value(envelope), serde_json::to_value(&self.event)].into_iter().flatten() {
            if let serde_json::Value::Object(map) = value {
                object.extend(map);
            }
        }
        serde_json::Value::Object(object.into_iter().collect::<BTreeMap<_, _>>().into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(line: &str) -> Option<Report> {
        super::super::scan::scan(line).map(|s| s.to_report())
    }

    /// The fast path and the careful path read every sample report the same way.
    #[test]
    fn both_paths_agree_on_the_sample() {
        let sample = include_str!("../../../../data/korea-1953/reports-sample.ndjson");
        for line in sample.lines().filter(|l| !l.trim().is_empty()) {
            let fast = fast(line).unwrap_or_else(|| panic!("the fast path refused {line}"));
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let serde_json::Value::Object(object) = value else { panic!("{line}") };
            let careful = Report::from_object(object).unwrap();
            assert_eq!(fast, careful, "{line}");
        }
    }

    #[test]
    fn every_category_reads_the_same_on_both_paths() {
        let names = ["military", "civil-administration", "relief", "civil-police", "commission", "salvage", "civilian"];
        for name in names.into_iter().chain(["civil_police"]) {
            let line = format!(
                r#"{{"id":"x","reported_by":{{"party":"unc"}},"observed_at":"1953-08-01T10:00:00+09:00","received_at":"1953-08-01T11:00:00+09:00","position":[127.0,38.0],"kind":"personnel","side":"unc","count":3,"category":"{name}"}}"#
            );
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            let serde_json::Value::Object(object) = value else { panic!("{line}") };
            assert_eq!(fast(&line), Report::from_object(object).ok(), "{name}");
        }
    }

    #[test]
    fn null_where_a_flag_belongs_is_refused_on_both_paths() {
        let line = r#"{"id":"x","reported_by":{"party":"unc"},"observed_at":"1953-08-01T10:00:00+09:00","received_at":"1953-08-01T11:00:00+09:00","position":[127.0,38.0],"kind":"hazard","side":"unc","hazard":"wire","removed":null}"#;
        assert!(fast(line).is_none());
        assert!(Report::parse(line).is_err());
    }

    #[test]
    fn a_field_of_another_kind_takes_the_careful_path_and_is_named() {
        let line = r#"{"id":"x","reported_by":{"party":"unc"},"observed_at":"1953-08-01T10:00:00+09:00","received_at":"1953-08-01T11:00:00+09:00","position":[127.0,38.0],"kind":"hazard","side":"unc","hazard":"wire","count":3}"#;
        assert!(fast(line).is_none());
        let error = Report::parse(line).unwrap_err().to_string();
        assert!(error.contains("unknown field `count`"), "{error}");
    }
}
