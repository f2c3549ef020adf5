//! A story: an armistice's record as the ordered list of submissions that make it, each
//! with its submitter, kind, payload and time, ready to be signed and appended to a
//! journal. `armistice demo` tells the built-in one, the 1953 armistice's first months
//! (`data/korea-1953/scenario/`, documented in its README and in docs/demo.md).
//!
//! A story is made of three kinds of file: NDJSON record files (reports and commission
//! payloads, one submission a line), a meetings file (TOML: each commission's daily
//! meetings as a series, with the days missed and the recesses declared), and a prisoner
//! scenario (`pow::scenario`), generated into individuals and grouped into one
//! `prisoner_event` entry per day and author, so 146,000 prisoners make a few hundred
//! entries. Pure: the files arrive as text, and the same files give the same items.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};
use serde::Deserialize;
use serde_json::Value;

use crate::agreement::Timestamp;
use crate::journal::EntryKind;
use crate::pow::Terms;
use crate::pow::file::{event_line, prisoner_line};
use crate::pow::scenario::{self, ScenarioError};

/// One submission of the story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// When it is submitted (the journal receives it then).
    pub at: DateTime<FixedOffset>,
    /// The name it is signed as: a side or a commission (`unc`, `kpa-cpv`, `mac`, ...).
    pub submitter: String,
    pub kind: EntryKind,
    /// The entry's payload: one JSON object, or for `prisoner_event` NDJSON lines.
    pub payload: String,
}

/// The files of a story, as text, each with the name its errors use.
#[derive(Debug, Clone, Copy)]
pub struct StoryFiles<'a> {
    /// NDJSON record files: `{"at", "submitter", "kind", "payload"}` a line.
    pub records: &'a [(&'a str, &'a str)],
    /// The meetings file (TOML).
    pub meetings: (&'a str, &'a str),
    /// The prisoner scenario spec (TOML, `pow::scenario`).
    pub prisoners: &'a str,
    /// A talks record (docs/talks.md): the negotiation before the agreement, if told.
    pub talks: Option<(&'a str, &'a str)>,
}

const KOREA_1953_RECORDS: &[(&str, &str)] = &[
    ("withdrawal.ndjson", include_str!("../../../data/korea-1953/scenario/withdrawal.ndjson")),
    ("incidents.ndjson", include_str!("../../../data/korea-1953/scenario/incidents.ndjson")),
    ("inspections.ndjson", include_str!("../../../data/korea-1953/scenario/inspections.ndjson")),
];

/// The 1953 story, embedded: `data/korea-1953/scenario/` and the prisoner scenario.
pub fn korea_1953() -> StoryFiles<'static> {
    StoryFiles {
        records: KOREA_1953_RECORDS,
        meetings: ("meetings.toml", include_str!("../../../data/korea-1953/scenario/meetings.toml")),
        prisoners: scenario::korea_1953_spec(),
        talks: Some(crate::talks::korea_1953()),
    }
}

/// The name the talks' secretariat signs as (sessions, agenda, agreed provisions).
pub const SECRETARIAT: &str = "talks-secretariat";

/// Why a story cannot be told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoryError {
    #[error("{file}:{line}: {message}")]
    Record { file: String, line: usize, message: String },
    #[error("{file}: {message}")]
    Meetings { file: String, message: String },
    #[error("prisoners: {0}")]
    Prisoners(#[from] ScenarioError),
    #[error("{0}")]
    Talks(#[from] crate::talks::TalksErrors),
}

/// The story's items in time order (ties keep file order: records, then meetings, then
/// prisoners). Prisoner entries dated before `not_before` (the history before the
/// armistice, e.g. Operation Little Switch) are submitted at `not_before`.
pub fn build(files: &StoryFiles, terms: &Terms, not_before: DateTime<FixedOffset>) -> Result<Vec<Item>, StoryError> {
    let mut items = Vec::new();
    if let Some((file, text)) = files.talks {
        let talks = crate::talks::load(file, text)?;
        items.extend(
            crate::talks::story_items(&talks, *not_before.offset(), SECRETARIAT)
                .into_iter()
                .map(|(at, submitter, payload)| Item { at, submitter, kind: EntryKind::Talks, payload }),
        );
    }
    for (file, text) in files.records {
        items.extend(records(file, text)?);
    }
    items.extend(meetings(files.meetings.0, files.meetings.1)?);
    items.extend(prisoners(files.prisoners, terms, not_before)?);
    items.sort_by_key(|item| item.at);
    Ok(items)
}

/// Consecutive items submitted on the same day (in each item's own offset): what the
/// demo appends in one transaction.
pub fn days(items: &[Item]) -> Vec<&[Item]> {
    items.chunk_by(|a, b| a.at.date_naive() == b.at.date_naive()).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordLine {
    at: String,
    submitter: String,
    kind: EntryKind,
    payload: Value,
}

/// Read a record file: every line a submission, in time order.
pub fn records(file: &str, text: &str) -> Result<Vec<Item>, StoryError> {
    let mut items: Vec<Item> = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fail = |message: String| StoryError::Record { file: file.to_owned(), line: n + 1, message };
        let record: RecordLine = serde_json::from_str(line).map_err(|e| fail(e.to_string()))?;
        let at = Timestamp::parse(&record.at).map_err(|e| fail(format!("`at`: {e}")))?.0;
        if !record.payload.is_object() {
            return Err(fail("`payload` must be a JSON object".to_owned()));
        }
        if matches!(record.kind, EntryKind::PrisonerEvent | EntryKind::Correction) {
            return Err(fail(format!("`kind`: a record file holds no {} entries", record.kind)));
        }
        if items.last().is_some_and(|last| last.at > at) {
            return Err(fail(format!("`at` {} is earlier than the line before", record.at)));
        }
        items.push(Item { at, submitter: record.submitter, kind: record.kind, payload: record.payload.to_string() });
    }
    Ok(items)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingsFile {
    series: Vec<Series>,
}

/// One commission's daily meetings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Series {
    commission: String,
    submitter: String,
    first: NaiveDate,
    last: NaiveDate,
    /// Local time of day of every meeting, `HH:MM`.
    time: String,
    offset: String,
    attendees: Vec<Value>,
    /// Days with no meeting and no recess declared.
    #[serde(default)]
    missed: Vec<NaiveDate>,
    #[serde(default)]
    recesses: Vec<Recess>,
}

/// A recess declared at the meeting of `declared`; meetings resume on `until`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Recess {
    declared: NaiveDate,
    until: NaiveDate,
}

/// Read a meetings file into `meeting_minutes` items, one per meeting held, numbered.
pub fn meetings(file: &str, text: &str) -> Result<Vec<Item>, StoryError> {
    let fail = |message: String| StoryError::Meetings { file: file.to_owned(), message };
    let parsed: MeetingsFile = toml::from_str(text).map_err(|e| fail(e.message().to_owned()))?;
    let mut items = Vec::new();
    for series in &parsed.series {
        let offset: FixedOffset =
            series.offset.parse().map_err(|_| fail(format!("offset `{}` is not like +09:00", series.offset)))?;
        let time = NaiveTime::parse_from_str(&series.time, "%H:%M")
            .map_err(|_| fail(format!("time `{}` is not HH:MM", series.time)))?;
        let missed: BTreeSet<NaiveDate> = series.missed.iter().copied().collect();
        let recesses: BTreeMap<NaiveDate, NaiveDate> = series.recesses.iter().map(|r| (r.declared, r.until)).collect();
        let mut number = 0u32;
        let mut day = series.first;
        while day <= series.last {
            let Some(held_at) = day.and_time(time).and_local_timezone(offset).single() else {
                return Err(fail(format!("{day} {time} does not exist in {offset}")));
            };
            let resume = recesses.get(&day).copied();
            if missed.contains(&day) {
                day += Duration::days(1);
                continue;
            }
            number += 1;
            let mut minutes = serde_json::json!({
                "commission": series.commission,
                "held_at": held_at.to_rfc3339(),
                "number": number,
                "attendees": series.attendees,
            });
            if let (Some(until), Some(object)) = (resume, minutes.as_object_mut()) {
                object.insert("recess".to_owned(), serde_json::json!({ "until": until.to_string() }));
            }
            items.push(Item {
                at: held_at,
                submitter: series.submitter.clone(),
                kind: EntryKind::MeetingMinutes,
                payload: minutes.to_string(),
            });
            // After a recess meetings resume on its last day, whatever the file says.
            day = match resume {
                Some(until) if until > day => until,
                _ => day + Duration::days(1),
            };
        }
    }
    Ok(items)
}

/// One day's lines from one author.
#[derive(Default)]
struct Batch {
    last: Option<DateTime<FixedOffset>>,
    records: String,
    events: String,
}

/// The prisoner scenario as `prisoner_event` items: one per day (of the event's own
/// offset) and author, holding the records of the prisoners whose first event it has,
/// then its events in time order. Received at its last event, or at `not_before`.
pub fn prisoners(spec: &str, terms: &Terms, not_before: DateTime<FixedOffset>) -> Result<Vec<Item>, StoryError> {
    let mut generated = scenario::generate(spec, terms)?;
    generated.events.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    let mut batches: BTreeMap<(NaiveDate, String), Batch> = BTreeMap::new();
    let mut first: HashMap<&str, (NaiveDate, String)> = HashMap::new();
    for event in &generated.events {
        let key = (event.at.0.date_naive(), event.author.clone());
        first.entry(event.prisoner.as_str()).or_insert_with(|| key.clone());
        let batch = batches.entry(key).or_default();
        // Events are in time order, so the latest so far is this one.
        batch.last = Some(event.at.0);
        batch.events.push_str(&event_line(event));
        batch.events.push('\n');
    }
    for prisoner in &generated.prisoners {
        // A prisoner with no event goes in on the first day, by the detaining side.
        let key = first
            .get(prisoner.id.as_str())
            .cloned()
            .unwrap_or_else(|| (not_before.date_naive(), prisoner.detaining_side.to_string()));
        let batch = batches.entry(key).or_default();
        batch.records.push_str(&prisoner_line(prisoner));
        batch.records.push('\n');
    }
    let mut items: Vec<Item> = batches
        .into_iter()
        .map(|((_, author), batch)| Item {
            at: batch.last.map_or(not_before, |t| t.max(not_before)),
            submitter: author,
            kind: EntryKind::PrisonerEvent,
            payload: batch.records + &batch.events,
        })
        .collect();
    items.sort_by_key(|item| item.at);
    Ok(items)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::agreement::{builtin, load};

    fn at(text: &str) -> DateTime<FixedOffset> {
        Timestamp::parse(text).unwrap().0
    }

    #[test]
    fn a_record_line_names_its_file_line_and_field() {
        let text = "{\"at\":\"1953-07-28T09:00:00+09:00\",\"submitter\":\"unc\",\"kind\":\"report\",\"payload\":{}}\n\n\
                    {\"at\":\"1953-07-28T09:00:00\",\"submitter\":\"unc\",\"kind\":\"report\",\"payload\":{}}\n";
        let error = records("f.ndjson", text).unwrap_err();
        assert!(
            matches!(&error, StoryError::Record { line: 3, message, .. } if message.starts_with("`at`")),
            "{error}"
        );
        let back = "{\"at\":\"1953-07-28T09:00:00+09:00\",\"submitter\":\"unc\",\"kind\":\"report\",\"payload\":{}}\n\
                    {\"at\":\"1953-07-27T09:00:00+09:00\",\"submitter\":\"unc\",\"kind\":\"report\",\"payload\":{}}";
        assert!(records("f.ndjson", back).unwrap_err().to_string().contains("earlier than the line before"));
    }

    #[test]
    fn meetings_skip_missed_days_and_resume_after_a_recess() {
        let text = r#"
            [[series]]
            commission = "mac"
            submitter = "mac"
            first = "1953-08-01"
            last = "1953-08-12"
            time = "11:00"
            offset = "+09:00"
            attendees = [{ name = "A", side = "unc" }]
            missed = ["1953-08-03"]
            recesses = [{ declared = "1953-08-05", until = "1953-08-09" }]
        "#;
        let items = meetings("m.toml", text).unwrap();
        let days: Vec<String> = items.iter().map(|i| i.at.format("%d").to_string()).collect();
        assert_eq!(days, ["01", "02", "04", "05", "09", "10", "11", "12"]);
        assert!(items[3].payload.contains(r#""recess":{"until":"1953-08-09"}"#), "{}", items[3].payload);
        assert!(items[7].payload.contains(r#""number":8"#));
    }

    #[test]
    fn the_1953_story_is_in_time_order_and_carries_every_prisoner() {
        let agreement = load(&builtin::korea_1953()).unwrap();
        let terms = Terms::from_agreement(&agreement);
        let items = build(&korea_1953(), &terms, agreement.signed_at()).unwrap();
        assert!(items.windows(2).all(|w| w[0].at <= w[1].at));
        // The talks come first, from July 1951; the armistice's record from the signing.
        let (talks, record): (Vec<&Item>, Vec<&Item>) = items.iter().partition(|i| i.kind == EntryKind::Talks);
        assert!(record.first().unwrap().at >= agreement.signed_at());
        assert_eq!(talks.first().unwrap().at.date_naive().to_string(), "1951-07-10");
        let (file, text) = crate::talks::korea_1953();
        assert_eq!(talks.len(), crate::talks::load(file, text).unwrap().elements().len());
        let prisoner_items: Vec<&Item> = items.iter().filter(|i| i.kind == EntryKind::PrisonerEvent).collect();
        let records: usize = prisoner_items
            .iter()
            .map(|i| i.payload.lines().filter(|l| l.contains(r#""type":"prisoner""#)).count())
            .sum();
        let generated = scenario::generate(scenario::korea_1953_spec(), &terms).unwrap();
        assert_eq!(records, generated.prisoners.len());
        let events: usize = prisoner_items.iter().map(|i| i.payload.lines().count()).sum::<usize>() - records;
        assert_eq!(events, generated.events.len());
        // A few hundred entries, not hundreds of thousands.
        assert!(prisoner_items.len() < 1000, "{}", prisoner_items.len());
        assert!(!days(&items).is_empty());
        assert_eq!(at("1953-07-27T10:00:00+09:00"), agreement.signed_at());
    }
}
