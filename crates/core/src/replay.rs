//! Deterministic replay: everything derived from the journal, rebuilt from its entries.
//! Given the agreement and the entries in index order, [`replay`] gives the report
//! findings (through `rules::Checker`, with the reports that inspections at the ports
//! make), the commissions' cases with their history, the commission findings (dispatch
//! limit, team composition, meetings), the special inspections and which are
//! outstanding, and the prisoner ledger's counts and findings (through `pow`).
//!
//! A `prisoner_event` entry carries one or more lines of the ledger's NDJSON format (a
//! day's batch of records and events); a bad line is a fault naming the entry and the
//! line, and the payload's other lines still count.
//!
//! A correction entry supersedes the entry it corrects: its payload is read as if it
//! had been the corrected entry's, in that entry's place (the latest correction wins; a
//! correction of a correction corrects the original). An entry whose payload cannot be
//! read or whose move is refused is listed with its index and reason; the rest go on.
//! The same entries always give the same result.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};

use crate::agreement::Agreement;
use crate::commission::{self, Case, Docket, DocketError, PayloadError, Request, RequestStatus};
use crate::geo::Atlas;
use crate::journal::{Entry, EntryKind};
use crate::pow::file::LineError;
use crate::pow::list::{ListError, parse_list};
use crate::pow::{self, LedgerError, StateKind};
use crate::rules::{self, Checker, Report, ReportError};
use crate::talks;

/// Why one entry contributed nothing (or only part of what it carried).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("payload: {0}")]
    Payload(#[from] PayloadError),
    #[error("report: {0}")]
    Report(#[from] ReportError),
    #[error("{0}")]
    Commission(#[from] DocketError),
    /// Line `line` (from 1) of a `prisoner_event` payload cannot be read; the payload's
    /// other lines still count.
    #[error("prisoner ledger, line {line} of the payload: {message}")]
    PrisonerLine { line: usize, message: String },
    #[error("prisoner ledger: {0}")]
    Ledger(#[from] LedgerError),
    #[error("list: {0}")]
    List(#[from] ListError),
    #[error("talks: {0}")]
    Talks(String),
    #[error("correction: entry {target} is not in the record before it")]
    CorrectionTarget { target: u64 },
    #[error("correction: the hash given for entry {target} is not that entry's")]
    CorrectionHash { target: u64 },
    #[error("the entry's index {found} is not its place {expected} in the record")]
    OutOfPlace { expected: u64, found: u64 },
}

/// A problem with one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The entry whose payload is at fault (for a corrected entry, the correction's).
    pub index: u64,
    pub kind: EntryKind,
    pub problem: Problem,
}

/// Everything derived from the journal.
#[derive(Debug, Clone)]
pub struct Replay {
    pub entries: u64,
    pub kinds: BTreeMap<EntryKind, u64>,
    /// Entry index -> the correction entry whose payload replaced it.
    pub superseded: BTreeMap<u64, u64>,
    /// Reports accepted: report entries and those made from inspections.
    pub reports: usize,
    pub report_findings: Vec<rules::Finding>,
    pub commission_findings: Vec<commission::Finding>,
    pub prisoner_findings: Vec<pow::Finding>,
    /// Cases by id.
    pub cases: Vec<Case>,
    /// Special inspections by id, with where each stands as of `as_of`.
    pub requests: Vec<(Request, RequestStatus)>,
    /// Prisoners by state, in the order of [`StateKind::ALL`].
    pub prisoners: Vec<(StateKind, usize)>,
    /// Prisoners by nationality, then state (states with no one left out).
    pub prisoners_by_nationality: BTreeMap<String, BTreeMap<StateKind, usize>>,
    /// Prisoners by detaining side, then state.
    pub prisoners_by_side: BTreeMap<String, BTreeMap<StateKind, usize>>,
    /// Prisoners by state at the end of each day with events.
    pub prisoners_by_day: Vec<(chrono::NaiveDate, Vec<(StateKind, usize)>)>,
    /// The prisoners no one can account for.
    pub unaccounted: Vec<pow::Unaccounted>,
    pub list_rows: usize,
    /// The negotiation's record (`talks` entries), each with its entry index, in
    /// record order.
    pub talks: Vec<(u64, talks::Element)>,
    /// The time the replay judges due dates against: given, or the last entry's receipt.
    pub as_of: Option<DateTime<FixedOffset>>,
    pub faults: Vec<Fault>,
}

/// One finding of any of the three kinds a replay holds, borrowed: what the console's
/// list and `journal replay`'s view both show.
#[derive(Debug, Clone, Copy)]
pub enum AnyFinding<'a> {
    Report(&'a rules::Finding),
    Commission(&'a commission::Finding),
    Prisoner(&'a pow::Finding),
}

/// The fields every kind of finding has.
#[derive(Debug, Clone, Copy)]
pub struct FindingCommon<'a> {
    pub id: &'a str,
    pub citation: &'a crate::agreement::Citation,
    pub rule: &'static str,
    pub responsible: Option<&'a str>,
    pub at: DateTime<FixedOffset>,
    pub reason: &'a str,
}

impl<'a> AnyFinding<'a> {
    pub fn common(self) -> FindingCommon<'a> {
        macro_rules! common {
            ($f:expr) => {
                FindingCommon {
                    id: &$f.id,
                    citation: &$f.citation,
                    rule: $f.rule,
                    responsible: $f.responsible.as_deref(),
                    at: $f.at,
                    reason: &$f.reason,
                }
            };
        }
        match self {
            Self::Report(f) => common!(f),
            Self::Commission(f) => common!(f),
            Self::Prisoner(f) => common!(f),
        }
    }
}

impl Replay {
    /// Every finding: those from reports, then the commissions', then the prisoners'.
    pub fn findings(&self) -> impl Iterator<Item = AnyFinding<'_>> {
        let reports = self.report_findings.iter().map(AnyFinding::Report);
        let commissions = self.commission_findings.iter().map(AnyFinding::Commission);
        reports.chain(commissions).chain(self.prisoner_findings.iter().map(AnyFinding::Prisoner))
    }
}

fn received(entry: &Entry) -> DateTime<FixedOffset> {
    entry.received_at.datetime().fixed_offset()
}

/// Corrections: for each corrected entry (by index), the place in `entries` of the
/// correction whose payload stands in for it (the latest; a correction of a correction
/// corrects the original). A correction whose target is not before it, or whose hash
/// is not its target's, is a fault and corrects nothing.
pub fn corrections(entries: &[Entry], faults: &mut Vec<Fault>) -> BTreeMap<u64, usize> {
    let first = entries.first().map_or(0, |e| e.index);
    let position = |index: u64| index.checked_sub(first).map(|p| p as usize).filter(|&p| p < entries.len());
    let mut root_of: BTreeMap<u64, u64> = BTreeMap::new();
    let mut replacement: BTreeMap<u64, usize> = BTreeMap::new();
    for (place, entry) in entries.iter().enumerate() {
        let Some(target) = entry.submission.corrects else { continue };
        let fault = |problem| Fault { index: entry.index, kind: entry.submission.kind, problem };
        let Some(target_place) = position(target.index).filter(|&p| p < place) else {
            faults.push(fault(Problem::CorrectionTarget { target: target.index }));
            continue;
        };
        if entries[target_place].leaf_hash() != target.hash {
            faults.push(fault(Problem::CorrectionHash { target: target.index }));
            continue;
        }
        let root = root_of.get(&target.index).copied().unwrap_or(target.index);
        root_of.insert(entry.index, root);
        replacement.insert(root, place);
    }
    replacement
}

/// The negotiation's elements in a journal (`talks` entries, each read as its latest
/// correction), with their indices; an entry whose payload is not an element is a fault.
pub fn talks_elements(entries: &[Entry]) -> (Vec<(u64, talks::Element)>, Vec<Fault>) {
    let mut faults = Vec::new();
    let replacement = corrections(entries, &mut faults);
    let mut out = Vec::new();
    for entry in entries.iter().filter(|e| e.submission.kind == EntryKind::Talks) {
        let source = replacement.get(&entry.index).map_or(entry, |&place| &entries[place]);
        match serde_json::from_str::<talks::Element>(&source.submission.payload) {
            Ok(element) => out.push((source.index, element)),
            Err(e) => faults.push(Fault {
                index: source.index,
                kind: EntryKind::Talks,
                problem: Problem::Talks(e.to_string()),
            }),
        }
    }
    (out, faults)
}

/// Rebuild the derived state from `entries` (in index order, from any starting index).
/// `as_of` is the time due dates are judged at; the last entry's receipt when `None`.
pub fn replay(agreement: &Agreement, atlas: &Atlas, entries: &[Entry], as_of: Option<DateTime<FixedOffset>>) -> Replay {
    let mut faults = Vec::new();
    let mut kinds: BTreeMap<EntryKind, u64> = BTreeMap::new();
    let first = entries.first().map_or(0, |e| e.index);
    for (place, entry) in entries.iter().enumerate() {
        *kinds.entry(entry.submission.kind).or_default() += 1;
        let expected = first + place as u64;
        if entry.index != expected {
            faults.push(Fault {
                index: entry.index,
                kind: entry.submission.kind,
                problem: Problem::OutOfPlace { expected, found: entry.index },
            });
        }
    }

    let replacement = corrections(entries, &mut faults);

    let checker = Checker::new(agreement, atlas);
    let mut docket = Docket::new(agreement);
    let mut reports: Vec<Report> = Vec::new();
    let mut report_ids: BTreeSet<String> = BTreeSet::new();
    let mut prisoners = Vec::new();
    let mut events = Vec::new();
    let mut list_rows = 0;
    let mut talks_elements = Vec::new();
    let mut superseded = BTreeMap::new();
    for entry in entries {
        let kind = entry.submission.kind;
        if kind == EntryKind::Correction {
            continue;
        }
        let source = match replacement.get(&entry.index) {
            Some(&place) => {
                superseded.insert(entry.index, entries[place].index);
                &entries[place]
            }
            None => entry,
        };
        let payload = source.submission.payload.as_str();
        let index = source.index;
        let mut fault = |problem: Problem| faults.push(Fault { index, kind, problem });
        match kind {
            EntryKind::Report => match Report::parse(payload).and_then(|r| checker.check_names(&r).map(|()| r)) {
                Ok(report) => {
                    report_ids.insert(report.id.to_string());
                    reports.push(report);
                }
                Err(e) => fault(e.into()),
            },
            // One entry may carry a batch: every line is a record or an event.
            EntryKind::PrisonerEvent => {
                let batch = pow::file::parse(payload);
                prisoners.extend(batch.prisoners.into_iter().map(|(_, p)| (index, p)));
                events.extend(batch.events.into_iter().map(|(_, e)| (index, e)));
                for LineError { line, message } in batch.rejected {
                    fault(Problem::PrisonerLine { line, message });
                }
            }
            EntryKind::ListUpload => match parse_list(payload.as_bytes()) {
                Ok(list) => {
                    list_rows += list.entries.len();
                    for e in list.rejected {
                        fault(e.into());
                    }
                }
                Err(e) => fault(e.into()),
            },
            EntryKind::Talks => match serde_json::from_str::<talks::Element>(payload) {
                Ok(element) => talks_elements.push((index, element)),
                Err(e) => fault(Problem::Talks(e.to_string())),
            },
            // The commission kinds (corrections were skipped above).
            _ => {
                let decoded = commission::decode(kind, payload);
                let applied = decoded.map_err(Problem::from).and_then(|p| {
                    docket.apply(index, received(entry), &p, |id| report_ids.contains(id)).map_err(Problem::from)
                });
                match applied {
                    Ok(made) => {
                        report_ids.extend(made.iter().map(|r| r.id.to_string()));
                        reports.extend(made);
                    }
                    Err(problem) => fault(problem),
                }
            }
        }
    }

    let report_findings = checker.check(&reports);
    let (ledger, ledger_errors) =
        pow::ledger::replay_located(pow::Terms::from_agreement(agreement), prisoners, events, None);
    for (index, error) in ledger_errors {
        faults.push(Fault { index, kind: EntryKind::PrisonerEvent, problem: error.into() });
    }
    faults.sort_by_key(|f| f.index);
    let as_of = as_of.or_else(|| entries.iter().map(received).max());
    let requests = docket
        .requests
        .requests
        .values()
        .map(|r| (r.clone(), as_of.map_or(RequestStatus::Pending, |t| r.status(t))))
        .collect();
    Replay {
        entries: entries.len() as u64,
        kinds,
        superseded,
        reports: reports.len(),
        report_findings,
        commission_findings: docket.findings(),
        prisoner_findings: ledger.findings(),
        cases: docket.cases.values().cloned().collect(),
        requests,
        prisoners: ledger.counts(),
        prisoners_by_nationality: ledger.counts_by(|p| p.nationality.clone()),
        prisoners_by_side: ledger.counts_by(|p| p.detaining_side.to_string()),
        prisoners_by_day: ledger.daily_counts(),
        unaccounted: ledger.unaccounted(),
        list_rows,
        talks: talks_elements,
        as_of,
        faults,
    }
}
