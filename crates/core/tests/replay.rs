//! Replay of a small story of journal entries: an allegation through to a finding, the
//! dispatch limit and a team's make-up, meetings, an inspection at a port feeding the
//! rotation rule, a special inspection never answered, prisoners, bad payloads listed
//! by index, a correction superseding the entry it corrects, and determinism.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use armistice_core::commission::{CaseState, RequestStatus};
use armistice_core::journal::{Entry, EntryKind, EntryRef, SecretKey, Submission, Time};
use armistice_core::pow::StateKind;
use armistice_core::replay::{Problem, replay};

/// Signs and receives entries in order, one minute apart from 14 August 1953.
struct Story {
    server: SecretKey,
    entries: Vec<Entry>,
}

impl Story {
    fn new() -> Self {
        Self { server: SecretKey::from_seed(&[9; 32]), entries: Vec::new() }
    }

    fn add(&mut self, kind: EntryKind, who: &str, payload: &str, corrects: Option<u64>) -> u64 {
        let seed = who.bytes().fold(1u8, |a, b| a.wrapping_add(b));
        let key = SecretKey::from_seed(&[seed; 32]);
        let corrects = corrects.map(|i| EntryRef { hash: self.entries[i as usize].leaf_hash(), index: i });
        let submission = Submission::new(kind, who, key.public(), payload.to_owned(), corrects).unwrap();
        let signature = submission.sign(&key).unwrap();
        let index = self.entries.len() as u64;
        let at = Time::from_unix_millis(-516_340_800_000 + index as i64 * 60_000).unwrap();
        self.entries.push(Entry::receive(submission, signature, index, at, &self.server).unwrap());
        index
    }
}

const REPORT: &str = r#"{"id":"r-0032","reported_by":{"party":"unc","team":"unc-ix-corps-op-21"},"observed_at":"1953-08-14T02:10:00+09:00","time_precision":"minute","received_at":"1953-08-14T06:00:00+09:00","position":[127.487,38.2894],"location_precision_m":300,"kind":"hostile-act","act":"machine-gun fire","origin":[127.4796,38.3371],"direction_deg":190,"alleged_responsible":"kpa-cpv"}"#;

fn story() -> Story {
    use EntryKind::*;
    let mut s = Story::new();
    s.add(Report, "UNC", REPORT, None); // 0
    s.add(Allegation, "UNC", r#"{"case":"mac-1","by":{"side":"unc"},"against":"kpa-cpv","commission":"mac","paragraph":"I.6","reports":["r-0032"],"at":"1953-08-14T09:00:00+09:00"}"#, None); // 1
    s.add(
        Response,
        "KPA/CPV",
        r#"{"case":"mac-1","by":{"side":"kpa-cpv"},"at":"1953-08-15T09:00:00+09:00","stance":"denies"}"#,
        None,
    ); // 2
    s.add(
        TeamDispatch,
        "UNC",
        r#"{"id":"d-1","case":"mac-1","by":{"side":"unc"},"team":"jot","teams":6,"at":"1953-08-15T10:00:00+09:00"}"#,
        None,
    ); // 3
    s.add(InvestigationReport, "JOT", r#"{"case":"mac-1","by":{"team":"jot"},"at":"1953-08-16T10:00:00+09:00","members":[{"name":"Col. A","nationality":"United States","side":"unc"},{"name":"Lt Col. B","nationality":"United Kingdom","side":"unc"},{"name":"Col. C","nationality":"Korea (DPRK)","side":"kpa-cpv"}],"facts":["Spent cartridges at the hill north of the zone."]}"#, None); // 4
    s.add(
        CommissionFinding,
        "MAC",
        r#"{"case":"mac-1","by":{"commission":"mac"},"at":"1953-08-17T10:00:00+09:00","outcome":"violation"}"#,
        None,
    ); // 5
    s.add(
        MeetingMinutes,
        "MAC",
        r#"{"commission":"mac","held_at":"1953-08-14T11:00:00+09:00","attendees":[{"name":"Harrison","side":"unc"}]}"#,
        None,
    ); // 6
    s.add(
        MeetingMinutes,
        "MAC",
        r#"{"commission":"mac","held_at":"1953-08-16T11:00:00+09:00","attendees":[{"name":"Harrison","side":"unc"}]}"#,
        None,
    ); // 7
    s.add(InspectionReport, "NNIT", r#"{"id":"insp-1","by":{"team":"nnit"},"at":"1953-08-15T09:00:00+09:00","port":"inchon","rotations":[{"direction":"in","count":1200},{"direction":"out","count":900}]}"#, None); // 8
    s.add(TeamDispatch, "MAC", r#"{"id":"si-1","by":{"commission":"mac"},"team":"nnit","teams":1,"at":"1953-08-14T12:00:00+09:00","due":"1953-08-14T18:00:00+09:00"}"#, None); // 9
    s.add(Allegation, "UNC", r#"{"case":"mac-2","by":{"side":"unc"}"#, None); // 10: not JSON
    s.add(
        Response,
        "UNC",
        r#"{"case":"mac-9","by":{"side":"unc"},"at":"1953-08-15T09:00:00+09:00","stance":"admits"}"#,
        None,
    ); // 11: no such case
    s.add(
        PrisonerEvent,
        "UNC",
        r#"{"type":"prisoner","id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China"}"#,
        None,
    ); // 12
    s.add(PrisonerEvent, "UNC", r#"{"type":"event","id":"e1","prisoner":"p1","at":"1953-08-15T10:00:00+09:00","author":"unc","event":"handed-over","point":"panmunjom","receiving_officer":"Col. Li"}"#, None); // 13
    s.add(
        Correction,
        "MAC",
        r#"{"commission":"mac","held_at":"1953-08-15T11:00:00+09:00","attendees":[{"name":"Harrison","side":"unc"}]}"#,
        Some(7),
    ); // 14
    s
}

#[test]
fn a_story_replays_to_cases_findings_and_counts() {
    let (agreement, atlas) = common::korea_1953();
    let story = story();
    let r = replay(agreement, atlas, &story.entries, None);
    assert_eq!(r.entries, 15);
    assert_eq!(r.kinds[&EntryKind::MeetingMinutes], 2);
    assert_eq!(r.superseded.get(&7), Some(&14));

    assert_eq!(r.cases.len(), 1);
    let case = &r.cases[0];
    assert_eq!(
        (case.id.as_str(), case.state, case.responsible.as_deref()),
        ("mac-1", CaseState::Found, Some("kpa-cpv"))
    );
    assert_eq!(case.history.iter().map(|s| s.entry).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);

    let citations: Vec<String> =
        r.commission_findings.iter().map(|f| format!("{} {:?}", f.citation, f.entries)).collect();
    // Six JOTs sent by one side (II.27); a team of three, two from one side (II.23). The
    // missed day between the 14th and the 16th is gone: the correction moved the second
    // meeting to the 15th.
    assert_eq!(citations, ["II.27 [3]", "II.23 [4]"], "{:?}", r.commission_findings);

    // The hostile act in the DMZ; the rotation through Inchon admits more than departed.
    let report_citations: Vec<String> = r.report_findings.iter().map(|f| f.citation.to_string()).collect();
    assert!(report_citations.contains(&"I.6".to_owned()), "{report_citations:?}");
    assert!(report_citations.contains(&"II.13(c)".to_owned()), "{report_citations:?}");
    assert_eq!(r.reports, 3);

    assert_eq!(r.requests.len(), 1);
    assert_eq!(r.requests[0].1, RequestStatus::Overdue);

    let faults: Vec<(u64, String)> = r.faults.iter().map(|f| (f.index, f.problem.to_string())).collect();
    assert_eq!(faults.len(), 2, "{faults:?}");
    assert_eq!(faults[0].0, 10);
    assert!(matches!(r.faults[0].problem, Problem::Payload(_)));
    assert_eq!(faults[1].0, 11);
    assert!(faults[1].1.contains("no such case"), "{}", faults[1].1);

    let count = |kind: StateKind| r.prisoners.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n);
    assert_eq!(count(StateKind::HandedOver), 1);
}

#[test]
fn without_the_correction_the_missed_meeting_is_a_finding() {
    let (agreement, atlas) = common::korea_1953();
    let story = story();
    let r = replay(agreement, atlas, &story.entries[..14], None);
    let meetings: Vec<&str> =
        r.commission_findings.iter().filter(|f| f.rule == "meetings").map(|f| f.reason.as_str()).collect();
    assert_eq!(meetings.len(), 1);
    assert!(meetings[0].contains("did not meet from 1953-08-15 to 1953-08-15"), "{}", meetings[0]);
    assert!(r.superseded.is_empty());
}

#[test]
fn a_correction_with_a_wrong_hash_is_listed_and_supersedes_nothing() {
    let (agreement, atlas) = common::korea_1953();
    let mut story = story();
    story.entries.truncate(14);
    let index = story.add(EntryKind::Correction, "MAC", "{}", Some(7));
    let mut bad = story.entries.clone();
    // Aim the correction at entry 6 with entry 7's hash: replay must refuse it (a
    // journal would refuse it too; replay does not trust that it was checked).
    bad[index as usize].submission.corrects = Some(EntryRef { hash: story.entries[7].leaf_hash(), index: 6 });
    let r = replay(agreement, atlas, &bad, None);
    assert!(r.superseded.is_empty());
    assert!(r.faults.iter().any(|f| f.index == index && matches!(f.problem, Problem::CorrectionHash { target: 6 })));
}

#[test]
fn the_same_entries_always_give_the_same_state() {
    let (agreement, atlas) = common::korea_1953();
    let story = story();
    let first = format!("{:?}", replay(agreement, atlas, &story.entries, None));
    for _ in 0..3 {
        assert_eq!(format!("{:?}", replay(agreement, atlas, &story.entries, None)), first);
    }
}

#[test]
fn a_prisoner_event_entry_carries_a_batch_and_a_bad_line_is_named() {
    let (agreement, atlas) = common::korea_1953();
    let mut story = Story::new();
    let batch = [
        r#"{"type":"prisoner","id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China"}"#,
        r#"{"type":"prisoner","id":"p2","detaining_side":"unc","side":"kpa-cpv","nationality":"North Korea"}"#,
        "",
        r#"{"type":"event","id":"e1","prisoner":"p1","at":"1953-08-15T10:00:00+09:00","author":"unc","event":"handed-over","point":"panmunjom","receiving_officer":"Col. Li"}"#,
        r#"{"type":"event","id":"e2","prisoner":"p2","at":"1953-08-15T10:00:00+09:00""#,
        r#"{"type":"event","id":"e3","prisoner":"p2","at":"1953-08-15T10:00:00+09:00","author":"unc","event":"handed-over","point":"panmunjom","receiving_officer":"Col. Li"}"#,
    ]
    .join("\n");
    story.add(
        EntryKind::PrisonerEvent,
        "UNC",
        r#"{"type":"prisoner","id":"p0","detaining_side":"unc","side":"kpa-cpv","nationality":"China"}"#,
        None,
    );
    let index = story.add(EntryKind::PrisonerEvent, "UNC", &batch, None);
    let r = replay(agreement, atlas, &story.entries, None);
    let count = |kind: StateKind| r.prisoners.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n);
    // The good lines count: three records (one from the first entry), two hand-overs.
    assert_eq!(r.prisoners.iter().map(|(_, n)| n).sum::<usize>(), 3);
    assert_eq!(count(StateKind::HandedOver), 2);
    assert_eq!(r.prisoners_by_nationality["North Korea"][&StateKind::HandedOver], 1);
    // The cut-off line is named by its entry and its line within the payload.
    assert_eq!(r.faults.len(), 1, "{:?}", r.faults);
    assert_eq!(r.faults[0].index, index);
    assert!(matches!(&r.faults[0].problem, Problem::PrisonerLine { line: 5, .. }), "{:?}", r.faults[0].problem);
    assert!(r.faults[0].problem.to_string().contains("line 5 of the payload"), "{}", r.faults[0].problem);
}
