//! What the console shows, derived once from the stored journal (replay plus the
//! reports' and prisoners' own records, each corrected entry read as its correction)
//! and rebuilt when the journal has grown.

use std::collections::BTreeMap;

use armistice_core::agreement::Agreement;
use armistice_core::commission::Case;
use armistice_core::geo::Atlas;
use armistice_core::journal::{EntryKind, Journal, SignedCheckpoint};
use armistice_core::pow::file::{Item, parse_line};
use armistice_core::replay::{AnyFinding, FindingCommon, Replay, replay};
use armistice_core::rules::report::Text;
use armistice_core::talks::Element;
use chrono::NaiveDate;

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

impl FindingRow {
    /// The fields every kind of finding has; the rest empty.
    fn common(source: &'static str, f: FindingCommon<'_>) -> Self {
        FindingRow {
            source,
            id: f.id.to_owned(),
            citation: f.citation.to_string(),
            rule: f.rule.to_owned(),
            responsible: f.responsible.map(str::to_owned),
            at: f.at.to_rfc3339(),
            zone: None,
            position: None,
            reason: f.reason.to_owned(),
            reports: Vec::new(),
            incident: None,
            case: None,
            prisoners: Vec::new(),
        }
    }
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
    pub submitters: BTreeMap<String, u64>,
    /// The talks and the armistice's record after them, in date order.
    pub timeline: Vec<Moment>,
}

/// What a moment on the timeline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MomentKind {
    Agenda,
    Session,
    Proposal,
    Response,
    Suspension,
    Site,
    Agreed,
    Event,
    Signing,
    Finding,
    Case,
}

impl MomentKind {
    pub const ALL: [MomentKind; 11] = [
        MomentKind::Agenda,
        MomentKind::Session,
        MomentKind::Proposal,
        MomentKind::Response,
        MomentKind::Suspension,
        MomentKind::Site,
        MomentKind::Agreed,
        MomentKind::Event,
        MomentKind::Signing,
        MomentKind::Finding,
        MomentKind::Case,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MomentKind::Agenda => "agenda",
            MomentKind::Session => "session",
            MomentKind::Proposal => "proposal",
            MomentKind::Response => "response",
            MomentKind::Suspension => "suspension",
            MomentKind::Site => "site",
            MomentKind::Agreed => "agreed",
            MomentKind::Event => "event",
            MomentKind::Signing => "signing",
            MomentKind::Finding => "finding",
            MomentKind::Case => "case",
        }
    }
}

/// One dated line of the timeline: plain text (escaped when drawn), an optional link
/// into the console, the journal entry it comes from, and for a suspension the day the
/// talks resumed.
#[derive(Debug, Clone)]
pub struct Moment {
    pub day: NaiveDate,
    pub kind: MomentKind,
    pub text: String,
    pub link: Option<String>,
    pub entry: Option<u64>,
    pub until: Option<NaiveDate>,
}

impl Derived {
    pub fn build(agreement: &Agreement, atlas: &Atlas, journal: &Journal) -> Self {
        let replayed = replay(agreement, atlas, journal.entries(), None);
        let mut reports = BTreeMap::new();
        let mut prisoners: BTreeMap<String, PrisonerRecord> = BTreeMap::new();
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
        let timeline = timeline(agreement, &replayed, &findings);
        Self {
            size: journal.size(),
            root: journal.root().to_hex(),
            replay: replayed,
            findings,
            reports,
            prisoners,
            submitters,
            timeline,
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
fn case_of(cases: &[Case], reports: &[Text]) -> Option<String> {
    cases.iter().find(|c| c.reports.iter().any(|r| reports.iter().any(|x| x == r))).map(|c| c.id.clone())
}

impl Moment {
    fn new(day: NaiveDate, kind: MomentKind, text: String) -> Self {
        Moment { day, kind, text, link: None, entry: None, until: None }
    }
}

/// What a talks element says on the timeline (sources and delegations: nothing).
fn talks_moment(element: &Element) -> Option<(MomentKind, String)> {
    let (kind, text) = match element {
        Element::Source(_) | Element::Delegation(_) => return None,
        Element::Item(i) => (MomentKind::Agenda, format!("Agenda item {} adopted: {}", i.id, i.title)),
        Element::Session(s) => {
            let items: Vec<String> = s.items.iter().map(ToString::to_string).collect();
            let items = if items.is_empty() { String::new() } else { format!(" on item {}", items.join(", ")) };
            let note = s.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
            (MomentKind::Session, format!("{} session at {}{items}{note}", s.level.as_str(), s.place))
        }
        Element::Proposal(p) => {
            (MomentKind::Proposal, format!("{} proposes on item {} ({}): {}", p.side, p.item, p.id, p.text))
        }
        Element::Response(x) => {
            let text = x.text.as_deref().map(|t| format!(": {t}")).unwrap_or_default();
            (MomentKind::Response, format!("{} answers {}: {}{text}", x.side, x.proposal, x.answer.as_str()))
        }
        Element::Suspension(x) => {
            let until = x.until.map(|u| format!(" until {u}")).unwrap_or_default();
            (MomentKind::Suspension, format!("Talks suspended by {}{until}: {}", x.by, x.reason))
        }
        Element::SiteChange(x) => (MomentKind::Site, format!("The talks move from {} to {}", x.from, x.to)),
        Element::Agreed(a) => (MomentKind::Agreed, format!("Agreed on item {} ({}): {}", a.item, a.id, a.text)),
        Element::Event(e) => (MomentKind::Event, e.text.clone()),
    };
    Some((kind, text))
}

/// The negotiation's elements, the signing and entry into effect, findings and the
/// cases' steps, in date order (ties keep that order).
fn timeline(agreement: &Agreement, r: &Replay, findings: &[FindingRow]) -> Vec<Moment> {
    let mut out = Vec::new();
    for (entry, element) in &r.talks {
        let (Some(day), Some((kind, text))) = (element.date(), talks_moment(element)) else { continue };
        let until = match element {
            Element::Suspension(x) => x.until.map(|u| u.0),
            _ => None,
        };
        out.push(Moment { entry: Some(*entry), until, ..Moment::new(day.0, kind, text) });
    }
    let d = &agreement.document;
    let effective = agreement.effective_at();
    out.push(Moment::new(
        agreement.signed_at().date_naive(),
        MomentKind::Signing,
        format!("{} signed at {}", d.name, d.place),
    ));
    out.push(Moment::new(
        effective.date_naive(),
        MomentKind::Signing,
        format!("The cease-fire and the agreement take effect at {}", effective.format("%H:%M")),
    ));
    for f in findings {
        let Some(day) = f.at.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else { continue };
        let text = format!("Finding {}: {}", f.citation, f.reason);
        out.push(Moment { link: Some(format!("/findings/{}", f.id)), ..Moment::new(day, MomentKind::Finding, text) });
    }
    for case in &r.cases {
        for step in &case.history {
            let (action, to) = (step.action.as_str(), step.to.as_str());
            let text = format!("Case {} ({}): {action} by {}, now {to}", case.id, case.paragraph, step.actor);
            out.push(Moment {
                link: Some(format!("/cases#case-{}", case.id)),
                entry: Some(step.entry),
                ..Moment::new(step.at.date_naive(), MomentKind::Case, text)
            });
        }
    }
    out.sort_by_key(|m| m.day);
    out
}

fn findings(r: &Replay) -> Vec<FindingRow> {
    let mut rows: Vec<FindingRow> = r
        .findings()
        .map(|any| match any {
            AnyFinding::Report(f) => FindingRow {
                zone: f.zone.as_ref().map(ToString::to_string),
                position: f.position.map(|p| (p.lon, p.lat)),
                reports: f.reports.iter().map(ToString::to_string).collect(),
                incident: Some(f.incident.to_string()),
                case: case_of(&r.cases, &f.reports),
                ..FindingRow::common("report", any.common())
            },
            AnyFinding::Commission(f) => {
                FindingRow { case: f.case.clone(), ..FindingRow::common("commission", any.common()) }
            }
            AnyFinding::Prisoner(f) => FindingRow {
                prisoners: f.prisoners.iter().take(50).cloned().collect(),
                ..FindingRow::common("prisoner", any.common())
            },
        })
        .collect();
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
        let first = append(EntryKind::PrisonerEvent, format!("{PRISONER}\n{}", event("repatriated")), None);
        append(
            EntryKind::Correction,
            format!("{PRISONER}\n{}", event("escaped")),
            Some(EntryRef { index: 0, hash: first }),
        );

        let derived = Derived::build(&agreement, &atlas, &journal);
        let events: Vec<(&str, u64)> =
            derived.prisoners["p1"].events.iter().map(|e| (e.kind.as_str(), e.entry)).collect();
        assert_eq!(events, [("escaped", 1)], "the correction's event, from the correction's entry");
        assert_eq!(derived.prisoners["p1"].entry, 1);
        // The chart's counts read the corrected event too.
        let (day, counts) = derived.replay.prisoners_by_day.last().unwrap();
        assert_eq!(day.to_string(), "1953-08-05");
        let held: Vec<(&str, usize)> = counts.iter().filter(|(_, n)| *n > 0).map(|(k, n)| (k.name(), *n)).collect();
        assert_eq!(held, [("escaped", 1)]);
        assert_eq!(derived.submitters["UNC"], 2, "both entries count for their submitter");
    }

    #[test]
    fn the_timeline_puts_the_talks_before_the_signing_and_the_findings_after() {
        let agreement = load(&builtin::korea_1953()).unwrap();
        let atlas = Atlas::build(&agreement).unwrap();
        let server = SecretKey::from_seed(&[1; 32]);
        let secretariat = SecretKey::from_seed(&[3; 32]);
        let mut journal = Journal::new(server.public());
        let (file, text) = armistice_core::talks::korea_1953();
        let talks = armistice_core::talks::load(file, text).unwrap();
        for (_, element) in talks.elements() {
            let payload = serde_json::to_string(&element).unwrap();
            let submission =
                Submission::new(EntryKind::Talks, "talks-secretariat", secretariat.public(), payload, None).unwrap();
            let signature = submission.sign(&secretariat).unwrap();
            let at = Time::from_unix_millis(1_000 * (journal.size() as i64 + 1)).unwrap();
            journal.receive(submission, signature, at, &server).unwrap();
        }
        let derived = Derived::build(&agreement, &atlas, &journal);
        let timeline = &derived.timeline;
        assert!(timeline.windows(2).all(|w| w[0].day <= w[1].day));
        assert_eq!(timeline[0].day.to_string(), "1951-07-10");
        let signing = timeline.iter().position(|m| m.kind == MomentKind::Signing).unwrap();
        assert!(timeline[..signing].iter().any(|m| m.kind == MomentKind::Suspension && m.until.is_some()));
        assert!(timeline[..signing].iter().all(|m| m.entry.is_some()), "every talks moment names its entry");
        let agreed = timeline.iter().filter(|m| m.kind == MomentKind::Agreed).count();
        assert_eq!(agreed, talks.document.agreed.len());
    }
}
