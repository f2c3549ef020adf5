//! Findings as the engine works on them: drafts, small and cheap to move, that name
//! their provision by number and their incident by a report's place in time order. Only
//! those that stand once reports of one incident are merged become [`Finding`]s, one at a
//! time, in their final order ([`Findings`]).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::iter;

use chrono::{DateTime, FixedOffset};

use super::batch::{Batch, Sorted};
use super::finding::{Finding, finding_hash, id_text};
use super::incidents::{Incidents, WordHasher};
use super::report::Text;
use crate::agreement::{Citation, Position};
use crate::hint::prefetch;

/// In [`Draft::incident_of`]: no incident given yet (before merging, every finding is
/// given its report's, or for a day's balance the day's last report's).
pub(crate) const NO_INCIDENT: u32 = u32::MAX;

/// A finding being made.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    /// Index of its provision among the checker's (which names its rule too).
    pub provision: u32,
    pub responsible: Option<Text>,
    /// Its first report's id; any others (a day's reports, or those merged in from
    /// reports of one incident) follow in `more`.
    pub report: Text,
    pub more: Vec<Text>,
    pub at: DateTime<FixedOffset>,
    pub position: Option<Position>,
    pub zone: Option<Text>,
    pub reason: String,
    /// The report (by position in time order) whose incident the finding is of, or
    /// [`NO_INCIDENT`].
    pub incident_of: u32,
    /// Whether that report is the one `report` names (so its id is at hand).
    pub own_incident: bool,
}

impl Draft {
    /// Its reports' ids, in order.
    pub fn reports(&self) -> impl Iterator<Item = &str> {
        iter::once(self.report.as_str()).chain(self.more.iter().map(Text::as_str))
    }
}

/// What a finding takes from its incident: its name, sources and nationalities.
type Summary = (Text, usize, Vec<Text>);

/// The findings of a batch in order of time, citation and id, made one at a time from
/// the drafts that stand. Returned by [`super::Checker::findings`]; iterating yields each
/// [`Finding`] once.
#[derive(Debug)]
pub struct Findings<'b> {
    batch: Batch<'b>,
    /// Position in time order -> index in the batch.
    order: Vec<u32>,
    incidents: Incidents,
    /// The citation of each provision, by index, with its text (as the checker made it
    /// for reasons) and its rule's kind.
    citations: Vec<(Citation, String, &'static str)>,
    drafts: Vec<Draft>,
    /// The drafts that stand, in final order, each with its id's hash.
    ranked: Vec<(u32, u64)>,
    next: usize,
    /// Summaries of incidents of several reports, by first report.
    summaries: HashMap<usize, Summary, BuildHasherDefault<WordHasher>>,
}

impl<'b> Findings<'b> {
    /// `drafts` with `kept`, the indices of those that stand (in the order of their
    /// keys); `citations` by provision (each with its text and rule's kind), and `ranks`,
    /// each provision's citation's place among the citations in order.
    pub(crate) fn new(
        batch: Batch<'b>,
        order: Vec<u32>,
        incidents: Incidents,
        citations: Vec<(Citation, String, &'static str)>,
        ranks: &[u32],
        drafts: Vec<Draft>,
        kept: &[usize],
    ) -> Self {
        // In order of time, citation and id, each as a number (an id is `f-` and its
        // hash in 16 hex digits, so ids compare as hashes do), and then of the keys.
        let mut keyed: Vec<(i64, u32, u32, u64, u32)> = kept
            .iter()
            .enumerate()
            .map(|(k, &f)| {
                // The drafts are read scattered in memory: ask for each ahead.
                if let Some(&ahead) = kept.get(k + 8) {
                    prefetch(&drafts[ahead]);
                }
                let d = &drafts[f];
                let (_, cited, rule) = &citations[d.provision as usize];
                let hash = finding_hash(cited, rule, &d.at, d.reports());
                (d.at.timestamp(), d.at.timestamp_subsec_nanos(), ranks[d.provision as usize], hash, k as u32)
            })
            .collect();
        keyed.sort_unstable();
        let ranked = keyed.iter().map(|&(.., hash, k)| (kept[k as usize] as u32, hash)).collect();
        Self { batch, order, incidents, citations, drafts, ranked, next: 0, summaries: HashMap::default() }
    }

    /// Ask for what the next findings will read, scattered in memory (drafts evaluated as
    /// read lie in reading order; incidents and briefs in time order; ids and reasons
    /// wherever they were written): each one's draft well ahead, its incident's entry
    /// once the draft is at hand, and so on down to the bytes of its first report's id
    /// and of its reason (in a profile of a 10M run's writing, a quarter of the samples
    /// waited on those two).
    fn prefetch_ahead(&self) {
        let ahead = |n: usize| self.ranked.get(self.next + n).map(|&(f, _)| &self.drafts[f as usize]);
        if let Some(draft) = ahead(16) {
            prefetch(draft);
        }
        if let Some(draft) = ahead(8) {
            self.incidents.prefetch_first(draft.incident_of as usize);
        }
        if let Some(first) = ahead(4).and_then(|d| self.incidents.first(d.incident_of as usize)) {
            self.incidents.prefetch_reports(first);
            if let Some(i) = self.order.get(first) {
                prefetch(i);
            }
        }
        if let Some(&i) =
            ahead(3).and_then(|d| self.incidents.first(d.incident_of as usize)).and_then(|f| self.order.get(f))
        {
            self.batch.prefetch_id_end(i as usize);
        }
        if let Some(d) = ahead(2) {
            // Its reason, read as it is written.
            prefetch_text(&d.reason);
            if let Some(&i) = self.incidents.first(d.incident_of as usize).and_then(|f| self.order.get(f)) {
                self.batch.prefetch_brief(i as usize);
                self.batch.prefetch_id(i as usize);
            }
        }
    }

    /// The incident's name, sources and nationalities for draft `f`, of the incident of
    /// report `index` (in time order).
    fn incident(&mut self, f: usize, index: usize) -> Option<Summary> {
        let sorted = Sorted { batch: &self.batch, order: &self.order };
        let first = self.incidents.first(index)?;
        if self.incidents.alone(first) {
            // The report is its incident's first: its id is the draft's own when the
            // draft's report is that one.
            let draft = &self.drafts[f];
            let name = incident_name(if draft.own_incident { draft.report.as_str() } else { sorted.id(first) });
            let (sources, nationalities) = self.incidents.summary(&sorted, index)?;
            return Some((name, sources, nationalities));
        }
        if let Some(summary) = self.summaries.get(&first) {
            return Some(summary.clone());
        }
        let (sources, nationalities) = self.incidents.summary(&sorted, index)?;
        let summary = (incident_name(sorted.id(first)), sources, nationalities);
        self.summaries.insert(first, summary.clone());
        Some(summary)
    }
}

impl Iterator for Findings<'_> {
    type Item = Finding;

    fn next(&mut self) -> Option<Finding> {
        let (f, hash) = *self.ranked.get(self.next)?;
        self.next += 1;
        self.prefetch_ahead();
        let incident_of = self.drafts[f as usize].incident_of;
        let (incident, sources, nationalities) = match incident_of {
            NO_INCIDENT => Default::default(),
            index => self.incident(f as usize, index as usize).unwrap_or_default(),
        };
        let d = &mut self.drafts[f as usize];
        let mut reports = Vec::with_capacity(1 + d.more.len());
        reports.push(std::mem::take(&mut d.report));
        reports.append(&mut d.more);
        Some(Finding {
            id: id_text(hash),
            citation: self.citations[d.provision as usize].0.clone(),
            rule: self.citations[d.provision as usize].2,
            responsible: d.responsible.take(),
            reports,
            at: d.at,
            position: d.position,
            zone: d.zone.take(),
            reason: std::mem::take(&mut d.reason),
            incident,
            sources,
            nationalities,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.ranked.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Findings<'_> {}

/// Ask for the bytes of `text` (the first two cache lines).
fn prefetch_text(text: &str) {
    let bytes = text.as_bytes();
    if let Some(first) = bytes.first() {
        prefetch(first);
    }
    if let Some(later) = bytes.get(64) {
        prefetch(later);
    }
}

/// An incident's name, from its first report's id.
fn incident_name(first: &str) -> Text {
    let mut name = Text::with_capacity("incident-".len() + first.len());
    name.push_str("incident-");
    name.push_str(first);
    name
}
