//! What the console shows, derived once from the stored journal (replay plus the
//! reports' and prisoners' own records, each corrected entry read as its correction)
//! and rebuilt when the journal has grown.

use std::collections::BTreeMap;

use armistice_core::agreement::Agreement;
use armistice_core::commission::Case;
use armistice_core::geo::Atlas;
use armistice_core::journal::{EntryKind, Journal, SignedCheckpoint};
use armistice_core::pow::file::{Item, parse_line};
use armistice_core::replay::{Replay, replay};

/// One report as submitted: where it is in the journal and what it said.
#[derive(Debug, Clone)]
pub struct ReportRecord {
    pub entry: u64,
    pub submitter: String,
    pub received: String,
    /// The payload, pretty-printed.
    pub payload: String,
}

/// One prisoner event as recorded.
#[derive(Debug, Clone)]
pub struct PrisonerEvent {
    pub entry: u64,
    pub at: String,
    pub kind: String,
    pub author: String,
}

/// One prisoner: the record's main fields and every event, in journal order.
#[derive(Debug, Clone, Default)]
pub struct PrisonerRecord {
    pub entry: u64,
    pub nationality: String,
    pub detaining_side: String,
    pub side: String,
    pub events: Vec<PrisonerEvent>,
}

/// A finding of any source, flattened for lists and filters.
#[derive(Debug, Clone)]
pub struct FindingRow {
    /// `report`, `commission` or `prisoner`.
    pub source: &'static str,
    pub id: String,
    pub citation: String,
    pub rule: String,
    pub responsible: Option<String>,
    /// RFC 3339.
    pub at: String,
    pub zone: Option<String>,
    /// Longitude and latitude, for report findings placed on the ground.
    pub position: Option<(f64, f64)>,
    pub reason: String,
    pub reports: Vec<String>,
    pub incident: Option<String>,
    pub case: Option<String>,
    pub prisoners: Vec<String>,
}

/// The checkpoints as stored: how many, and the latest. Not part of [`Derived`]:
/// checkpoints and co-signatures are added without the journal growing, so they are
/// read for each request that shows them.
#[derive(Debug, Clone)]
pub struct Checkpoints {
    pub count: usize,
    pub latest: Option<CheckpointSummary>,
}

impl Checkpoints {
    pub fn of(checkpoints: &[SignedCheckpoint]) -> Self {
        let latest = checkpoints.last().map(|c| CheckpointSummary {
            number: checkpoints.len(),
            size: c.checkpoint.size,
            time: c.checkpoint.time.to_string(),
            root: c.checkpoint.root.to_hex(),
            cosigners: c.cosignatures.iter().map(|s| s.name.clone()).collect(),
        });
        Self { count: checkpoints.len(), latest }
    }
}

/// The latest checkpoint and who co-signed it.
#[derive(Debug, Clone)]
pub struct CheckpointSummary {
    pub number: usize,
    pub size: u64,
    pub time: String,
    pub root: String,
    pub cosigners: Vec<String>,
}

/// Everything the pages read.
#[derive(Debug)]
pub struct Derived {
    /// The journal's size when this was built.
    pub size: u64,
    pub root: String,
    pub replay: Replay,
    pub findings: Vec<FindingRow>,
    pub reports: BTreeMap<String, ReportRecord>,
    pub prisoners: BTreeMap<String, PrisonerRecord>,
    /// Events by day (YYYY-MM-DD) and kind, for the chart.
    pub events_by_day: BTreeMap<String, BTreeMap<String, usize>>,
    pub submitters: BTreeMap<String, u64>,
}

impl Derived {
    pub fn build(agreement: &Agreement, atlas: &Atlas, journal: &Journal) -> Self {
        let replayed = replay(agreement, atlas, journal.entries(), None);
        let mut reports = BTreeMap::new();
        let mut prisoners: BTreeMap<String, PrisonerRecord> = BTreeMap::new();
        let mut events_by_day: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut submitters: BTreeMap<String, u64> = BTreeMap::new();
        for entry in journal.entries() {
            *submitters.entry(entry.submission.submitter.clone()).or_default() += 1;
            let kind = entry.submission.kind;
            // A corrected entry reads as its latest correction (of kind `correction`,
            // so the kind is the corrected entry's), as replay reads it.
            let entry = replayed
                .superseded
                .get(&entry.index)
                .and_then(|&correction| journal.entries().get(usize::try_from(correction).ok()?))
                .unwrap_or(entry);
            let submission = &entry.submission;
            match kind {
                EntryKind::Report => {
                    let Ok(value) = serde_json::from_str::<serde_json::Value>(&submission.payload) else { continue };
                    let Some(id) = value.get("id").and_then(|v| v.as_str()) else { continue };
                    reports.insert(
                        id.to_owned(),
                        ReportRecord {
                            entry: entry.index,
                            submitter: submission.submitter.clone(),
                            received: entry.received_at.to_string(),
                            payload: serde_json::to_string_pretty(&value).unwrap_or_default(),
                        },
                    );
                }
                EntryKind::PrisonerEvent => {
                    for line in submission.payload.lines().filter(|l| !l.trim().is_empty()) {
                        match parse_line(line) {
                            Ok(Item::Prisoner(p)) => {
                                let record = prisoners.entry(p.id.clone()).or_default();
                                record.entry = entry.index;
                                record.nationality = p.nationality.clone();
                                record.detaining_side = p.detaining_side.to_string();
                                record.side = p.side.to_string();
                            }
                            Ok(Item::Event(e)) => {
                                let kind = serde_json::to_value(&e.kind)
                                    .ok()
                                    .and_then(|v| v.get("event").and_then(|k| k.as_str()).map(str::to_owned))
                                    .unwrap_or_else(|| "event".to_owned());
                                let at = e.at.0.to_rfc3339();
                                let day = at.get(..10).unwrap_or_default().to_owned();
                                *events_by_day.entry(day).or_default().entry(kind.clone()).or_default() += 1;
                                prisoners.entry(e.prisoner.clone()).or_default().events.push(PrisonerEvent {
                                    entry: entry.index,
                                    at,
                                    kind,
                                    author: e.author.clone(),
                                });
                            }
                            Err(_) => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let findings = findings(&replayed);
        Self {
            size: journal.size(),
            root: journal.root().to_hex(),
            replay: replayed,
            findings,
            reports,
            prisoners,
            events_by_day,
            submitters,
        }
    }

    pub fn finding(&self, id: &str) -> Option<&FindingRow> {
        self.findings.iter().find(|f| f.id == id)
    }

    pub fn case(&self, id: &str) -> Option<&Case> {
        self.replay.cases.iter().find(|c| c.id == id)
    }
}

/// The case that took up any of `reports`, if one did.
fn case_of(cases: &[Case], reports: &[String]) -> Option<String> {
    cases.iter().find(|c| c.reports.iter().any(|r| reports.contains(r))).map(|c| c.id.clone())
}

fn findings(r: &Replay) -> Vec<FindingRow> {
    let mut rows = Vec::new();
    for f in &r.report_findings {
        rows.push(FindingRow {
            source: "report",
            id: f.id.clone(),
            citation: f.citation.to_string(),
            rule: f.rule.to_owned(),
            responsible: f.responsible.clone(),
            at: f.at.to_rfc3339(),
            zone: f.zone.clone(),
            position: f.position.map(|p| (p.lon, p.lat)),
            reason: f.reason.clone(),
            reports: f.reports.clone(),
            incident: Some(f.incident.clone()),
            case: case_of(&r.cases, &f.reports),
            prisoners: Vec::new(),
        });
    }
    for f in &r.commission_findings {
        rows.push(FindingRow {
            source: "commission",
            id: f.id.clone(),
            citation: f.citation.to_string(),
            rule: f.rule.to_owned(),
            responsible: f.responsible.clone(),
            at: f.at.to_rfc3339(),
            zone: None,
            position: None,
            reason: f.reason.clone(),
            reports: Vec::new(),
            incident: None,
            case: f.case.clone(),
            prisoners: Vec::new(),
        });
    }
    for f in &r.prisoner_findings {
        rows.push(FindingRow {
            source: "prisoner",
            id: f.id.clone(),
            citation: f.citation.to_string(),
            rule: f.rule.to_owned(),
            responsible: f.responsible.clone(),
            at: f.at.to_rfc3339(),
            zone: None,
            position: None,
            reason: f.reason.clone(),
            reports: Vec::new(),
            incident: None,
            case: None,
            prisoners: f.prisoners.iter().take(50).cloned().collect(),
        });
    }
    rows.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    rows
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use armistice_core::agreement::{builtin, load};
    use armistice_core::journal::{EntryRef, SecretKey, Submission, Time};

    use super::*;

    const PRISONER: &str =
        r#"{"type":"prisoner","id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China"}"#;

    fn event(kind: &str) -> String {
        format!(
            r#"{{"type":"event","id":"e1","prisoner":"p1","at":"1953-08-05T09:00:00+09:00","author":"UNC","event":"{kind}"}}"#
        )
    }

    #[test]
    fn a_corrected_entry_is_shown_as_its_correction_says() {
        let agreement = load(&builtin::korea_1953()).unwrap();
        let atlas = Atlas::build(&agreement).unwrap();
        let server = SecretKey::from_seed(&[1; 32]);
        let unc = SecretKey::from_seed(&[2; 32]);
        let mut journal = Journal::new(server.public());
        let mut append = |kind, payload: String, corrects| {
            let submission = Submission::new(kind, "UNC", unc.public(), payload, corrects).unwrap();
            let signature = submission.sign(&unc).unwrap();
            let at = Time::from_unix_millis(1_000 * (journal.size() as i64 + 1)).unwrap();
            journal.receive(submission, signature, at, &server).unwrap()
        };
        let first = append(EntryKind::PrisonerEvent, format!("{PRISONER}\n{}", event("escaped")), None);
        append(
            EntryKind::Correction,
            format!("{PRISONER}\n{}", event("repatriated")),
            Some(EntryRef { index: 0, hash: first }),
        );

        let derived = Derived::build(&agreement, &atlas, &journal);
        let events: Vec<(&str, u64)> =
            derived.prisoners["p1"].events.iter().map(|e| (e.kind.as_str(), e.entry)).collect();
        assert_eq!(events, [("repatriated", 1)], "the correction's event, from the correction's entry");
        assert_eq!(derived.prisoners["p1"].entry, 1);
        assert_eq!(derived.events_by_day["1953-08-05"].keys().collect::<Vec<_>>(), ["repatriated"]);
        assert_eq!(derived.submitters["UNC"], 2, "both entries count for their submitter");
    }
}
