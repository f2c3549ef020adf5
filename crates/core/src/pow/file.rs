//! The ledger's file format: NDJSON, one prisoner record or one event per line, told
//! apart by `"type": "prisoner"` or `"type": "event"` (docs/pow-ledger.md). A bad line
//! is reported with its number and reason; the rest of the file goes on.

use serde_json::{Map, Value};

use super::event::{Event, EventKind};
use super::prisoner::Prisoner;
use crate::agreement::Timestamp;

/// A line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// What one line holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Prisoner(Prisoner),
    Event(Event),
}

/// A file's records and events, each with its line number, and the lines refused.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LedgerFile {
    pub prisoners: Vec<(usize, Prisoner)>,
    pub events: Vec<(usize, Event)>,
    pub rejected: Vec<LineError>,
}

/// Read a whole file. Blank lines are skipped.
pub fn parse(text: &str) -> LedgerFile {
    let mut file = LedgerFile::default();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(Item::Prisoner(p)) => file.prisoners.push((n + 1, p)),
            Ok(Item::Event(e)) => file.events.push((n + 1, e)),
            Err(message) => file.rejected.push(LineError { line: n + 1, message }),
        }
    }
    file
}

/// Read one line.
pub fn parse_line(line: &str) -> Result<Item, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let Value::Object(mut map) = value else {
        return Err("a line must be one JSON object".to_owned());
    };
    let kind = match map.remove("type") {
        Some(Value::String(kind)) => kind,
        Some(_) => return Err("`type` must be a string: \"prisoner\" or \"event\"".to_owned()),
        None => return Err("missing `type`: \"prisoner\" for a record, \"event\" for an event".to_owned()),
    };
    match kind.as_str() {
        "prisoner" => {
            let prisoner: Prisoner =
                serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| match e.path().to_string() {
                    path if path == "." => e.inner().to_string(),
                    path => format!("field `{path}`: {}", e.inner()),
                })?;
            if prisoner.id.trim().is_empty() {
                return Err("field `id`: a prisoner needs a non-empty id".to_owned());
            }
            Ok(Item::Prisoner(prisoner))
        }
        "event" => parse_event(map).map(Item::Event),
        other => Err(format!("`type` is `{other}`; expected \"prisoner\" or \"event\"")),
    }
}

fn take_string(map: &mut Map<String, Value>, field: &str) -> Result<String, String> {
    match map.remove(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(format!("field `{field}`: must not be empty")),
        Some(_) => Err(format!("field `{field}`: must be a string")),
        None => Err(format!("missing field `{field}`")),
    }
}

fn parse_event(mut map: Map<String, Value>) -> Result<Event, String> {
    let id = take_string(&mut map, "id")?;
    let prisoner = take_string(&mut map, "prisoner")?;
    let at = take_string(&mut map, "at")?;
    let at = Timestamp::parse(&at).map_err(|e| format!("field `at`: {e}"))?;
    let author = take_string(&mut map, "author")?;
    if !map.contains_key("event") {
        return Err("missing field `event`: the event's kind, e.g. \"handed-over\"".to_owned());
    }
    let kind: EventKind = serde_json::from_value(Value::Object(map)).map_err(|e| format!("event {id}: {e}"))?;
    Ok(Event { id, prisoner, at, author, kind })
}

/// One record as a line of the file (without the newline).
pub fn prisoner_line(prisoner: &Prisoner) -> String {
    with_type("prisoner", serde_json::to_value(prisoner))
}

/// One event as a line of the file (without the newline).
pub fn event_line(event: &Event) -> String {
    with_type("event", serde_json::to_value(event))
}

fn with_type(kind: &str, value: Result<Value, serde_json::Error>) -> String {
    let mut map = Map::new();
    map.insert("type".to_owned(), Value::String(kind.to_owned()));
    if let Ok(Value::Object(fields)) = value {
        map.extend(fields);
    }
    Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_and_events_and_names_bad_lines() {
        let text = r#"{"type":"prisoner","id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China"}

{"type":"event","id":"e1","prisoner":"p1","at":"1953-08-05T09:00:00+09:00","author":"unc","event":"handed-over","point":"panmunjom","receiving_officer":"Col. Li"}
{"type":"event","id":"e2","prisoner":"p1","at":"1953-08-05T09:00:00","author":"unc","event":"repatriated"}
{"type":"event","id":"e3","prisoner":"p1","at":"1953-08-05T09:00:00+09:00","author":"unc","event":"teleported"}
{"type":"prisoner","id":"p2","detaining_side":"unc","side":"kpa-cpv","nationality":"China","birth_date":"1931-13"}
{"type":"event","id":"e4","prisoner":"p1","at":"1953-08-05T09:00:00+09:00","author":"unc","event":"repatriated","extra":1}
not json
{"id":"p3"}
"#;
        let file = parse(text);
        assert_eq!(file.prisoners.len(), 1);
        assert_eq!(file.events.len(), 1);
        assert_eq!(file.events[0].0, 3);
        let rejected: Vec<(usize, &str)> = file.rejected.iter().map(|r| (r.line, r.message.as_str())).collect();
        assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [4, 5, 6, 7, 8, 9]);
        assert!(rejected[0].1.contains("field `at`"), "{rejected:?}");
        assert!(rejected[1].1.contains("teleported"), "{rejected:?}");
        assert!(rejected[2].1.contains("birth_date"), "{rejected:?}");
        assert!(rejected[3].1.contains("extra"), "{rejected:?}");
        assert!(rejected[5].1.contains("type"), "{rejected:?}");
    }

    #[test]
    fn lines_written_read_back_the_same() {
        let prisoner: Prisoner = serde_json::from_str(
            r#"{"id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China","health":"sick","choice":"repatriation"}"#,
        )
        .unwrap();
        let event = Event {
            id: "e1".into(),
            prisoner: "p1".into(),
            at: Timestamp::parse("1953-08-05T09:00:00+09:00").unwrap(),
            author: "unc".into(),
            kind: EventKind::Died { cause: Some("wounds".into()), burial_place: None },
        };
        assert_eq!(parse_line(&prisoner_line(&prisoner)), Ok(Item::Prisoner(prisoner)));
        assert_eq!(parse_line(&event_line(&event)), Ok(Item::Event(event)));
    }
}
