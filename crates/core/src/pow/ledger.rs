//! The ledger: every prisoner's state, as the fold of their events over the records.
//! Events are applied in time order; clocks (the agreement's deadlines and each
//! prisoner's custody periods) are checked as time passes them. Counts are kept as
//! the fold goes, and [`super::invariants::check`] recomputes them from scratch.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::event::{Event, EventKind};
use super::finding::Finding;
use super::prisoner::{Choice, Health, Prisoner};
use super::state::{self, State, StateKind};
use super::terms::Terms;
use crate::agreement::Citation;
use crate::rules::finding::stable_id;

/// Why a record or an event was refused. Nothing in the ledger changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("prisoner `{prisoner}`: the ledger already has a prisoner with this id")]
    DuplicatePrisoner { prisoner: String },
    #[error("prisoner `{prisoner}`: {field} `{side}` is not a side of this agreement ({known})")]
    UnknownSide { prisoner: String, field: &'static str, side: String, known: String },
    #[error("prisoner `{prisoner}`: the detaining side `{side}` is also the prisoner's own side")]
    SameSide { prisoner: String, side: String },
    #[error("event `{event}`: no prisoner `{prisoner}` in the ledger")]
    UnknownPrisoner { event: String, prisoner: String },
    #[error("event `{event}`: the ledger already has an event with this id")]
    DuplicateEvent { event: String },
    #[error(
        "event `{event}` for prisoner `{prisoner}` at {at} comes before the ledger's time {now}: events are appended in time order"
    )]
    OutOfOrder { event: String, prisoner: String, at: String, now: String },
    #[error("event `{event}` for prisoner `{prisoner}` refused: {reason}")]
    Forbidden { event: String, prisoner: String, reason: String },
}

/// A prisoner's account: their state and what the events told about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub state: State,
    pub choice: Option<Choice>,
    pub health: Health,
    /// When the current state began (none while the prisoner is as first recorded).
    pub since: Option<DateTime<FixedOffset>>,
    /// When the commission took custody, if it did.
    pub custody_since: Option<DateTime<FixedOffset>>,
}

/// A clock that runs out at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    DirectRepatriation,
    CustodyHandover,
    /// A prisoner's explanation period ends.
    ExplanationEnd,
    /// A prisoner has been in custody for the period after which they are a civilian.
    CivilianStatus,
    /// A civilian who chose a neutral nation should have left.
    NeutralDeparture,
}

/// What a finding is about, which decides its provision and its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Topic {
    ForcedRepatriation,
    InsisterToCustody,
    ReleasedInsister,
    ReleasedOther,
    FitBeforeSick,
    DirectDeadline,
    CustodyDeadline,
    NotReferred,
    NotCivilian,
    NeutralDepartureLate,
}

#[derive(Debug, Clone)]
struct Pending {
    citation: Citation,
    rule: &'static str,
    first_at: DateTime<FixedOffset>,
    prisoners: Vec<String>,
    events: Vec<String>,
}

/// The ledger of one agreement's prisoners.
#[derive(Debug, Clone)]
pub struct Ledger {
    terms: Terms,
    prisoners: Vec<Prisoner>,
    accounts: Vec<Account>,
    index: HashMap<String, usize>,
    counts: [usize; StateKind::ALL.len()],
    /// Sick or injured prisoners who asked to go and are still held, per detaining side.
    sick_waiting: BTreeMap<String, usize>,
    events_seen: HashSet<String>,
    n_events: usize,
    now: Option<DateTime<FixedOffset>>,
    agenda: BTreeSet<(DateTime<FixedOffset>, Due, usize)>,
    /// (when, topic, responsible) -> the finding being gathered.
    pending: BTreeMap<(DateTime<FixedOffset>, Topic, String), Pending>,
    /// The day of the last event applied (in its own offset), and the counts at the end
    /// of each earlier day that had events.
    day: Option<NaiveDate>,
    daily: Vec<(NaiveDate, [usize; StateKind::ALL.len()])>,
}

/// A prisoner in the `unaccounted` state: who, held by whom, since when, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unaccounted {
    pub id: String,
    pub detaining_side: String,
    pub nationality: String,
    pub names: Vec<String>,
    pub since: Option<DateTime<FixedOffset>>,
    pub reason: Option<String>,
}

fn slot(kind: StateKind) -> usize {
    kind as usize
}

impl Ledger {
    /// An empty ledger under these terms, with the agreement's deadlines on its clock.
    pub fn new(terms: Terms) -> Self {
        let mut agenda = BTreeSet::new();
        if let Some(d) = &terms.direct_repatriation {
            agenda.insert((d.at, Due::DirectRepatriation, usize::MAX));
        }
        if let Some(d) = &terms.custody_handover {
            agenda.insert((d.at, Due::CustodyHandover, usize::MAX));
        }
        Self {
            terms,
            prisoners: Vec::new(),
            accounts: Vec::new(),
            index: HashMap::new(),
            counts: [0; StateKind::ALL.len()],
            sick_waiting: BTreeMap::new(),
            events_seen: HashSet::new(),
            n_events: 0,
            now: None,
            agenda,
            pending: BTreeMap::new(),
            day: None,
            daily: Vec::new(),
        }
    }

    pub fn terms(&self) -> &Terms {
        &self.terms
    }

    /// Add a prisoner, held by the detaining side.
    pub fn add_prisoner(&mut self, prisoner: Prisoner) -> Result<(), LedgerError> {
        let id = prisoner.id.clone();
        if self.index.contains_key(&id) {
            return Err(LedgerError::DuplicatePrisoner { prisoner: id });
        }
        for (field, side) in [("detaining_side", &prisoner.detaining_side), ("side", &prisoner.side)] {
            if !self.terms.sides.iter().any(|s| side == s.as_str()) {
                return Err(LedgerError::UnknownSide {
                    prisoner: id,
                    field,
                    side: side.to_string(),
                    known: self.terms.sides.join(", "),
                });
            }
        }
        if prisoner.detaining_side == prisoner.side {
            return Err(LedgerError::SameSide { prisoner: id, side: prisoner.side.to_string() });
        }
        let account = Account {
            state: State::Held,
            choice: prisoner.choice,
            health: prisoner.health,
            since: None,
            custody_since: None,
        };
        self.counts[slot(StateKind::Held)] += 1;
        self.index.insert(id, self.prisoners.len());
        self.prisoners.push(prisoner);
        self.accounts.push(account.clone());
        self.count_sick(self.prisoners.len() - 1, &account, 1);
        Ok(())
    }

    /// Apply one event. Clocks that ran out before its time are checked first. A refused
    /// event changes nothing.
    pub fn apply(&mut self, event: &Event) -> Result<(), LedgerError> {
        let at = event.at.0;
        let Some(&i) = self.index.get(&event.prisoner) else {
            return Err(LedgerError::UnknownPrisoner { event: event.id.clone(), prisoner: event.prisoner.clone() });
        };
        if self.events_seen.contains(&event.id) {
            return Err(LedgerError::DuplicateEvent { event: event.id.clone() });
        }
        if let Some(now) = self.now.filter(|now| at < *now) {
            return Err(LedgerError::OutOfOrder {
                event: event.id.clone(),
                prisoner: event.prisoner.clone(),
                at: at.to_rfc3339(),
                now: now.to_rfc3339(),
            });
        }
        let next =
            state::next(&self.accounts[i].state, &event.kind, &self.terms.custody_commission).map_err(|reason| {
                LedgerError::Forbidden { event: event.id.clone(), prisoner: event.prisoner.clone(), reason }
            })?;
        self.advance_to(at);
        if at >= self.terms.effective_at {
            self.check_event(i, event);
        }

        let before = self.accounts[i].clone();
        self.count_sick(i, &before, -1);
        let mut account = before.clone();
        match &event.kind {
            EventKind::Choice { choice } => account.choice = Some(*choice),
            EventKind::Refused {} if account.choice != Some(Choice::NeutralNation) => {
                account.choice = Some(Choice::Refuse)
            }
            EventKind::Applied {} => account.choice = Some(Choice::Repatriation),
            EventKind::Health { health } => account.health = *health,
            EventKind::CustodyTransferred { .. } => {
                account.custody_since = Some(at);
                self.schedule_custody_clocks(i, at);
            }
            EventKind::Civilian {} => {
                if let Some(due) =
                    self.terms.disposition.as_ref().and_then(|(_, d)| d.neutral_departure_within.after(at))
                {
                    self.agenda.insert((due, Due::NeutralDeparture, i));
                }
            }
            _ => {}
        }
        if next != account.state {
            account.since = Some(at);
        }
        let day = at.date_naive();
        if self.day != Some(day) {
            if let Some(previous) = self.day {
                self.daily.push((previous, self.counts));
            }
            self.day = Some(day);
        }
        account.state = next;
        self.count_sick(i, &account, 1);
        self.counts[slot(before.state.kind())] -= 1;
        self.counts[slot(account.state.kind())] += 1;
        self.accounts[i] = account;
        self.events_seen.insert(event.id.clone());
        self.n_events += 1;
        Ok(())
    }

    /// Move the ledger's time to `at`, checking every clock that ran out before it.
    /// Something done exactly at a deadline is in time.
    pub fn advance_to(&mut self, at: DateTime<FixedOffset>) {
        if self.now.is_some_and(|now| now >= at) {
            return;
        }
        self.now = Some(at);
        while let Some(&(due_at, due, i)) = self.agenda.first() {
            if due_at >= at {
                break;
            }
            self.agenda.pop_first();
            self.check_clock(due_at, due, i);
        }
    }

    fn schedule_custody_clocks(&mut self, i: usize, at: DateTime<FixedOffset>) {
        if let Some(due) = self.terms.explanation.as_ref().and_then(|(_, period)| period.after(at)) {
            self.agenda.insert((due, Due::ExplanationEnd, i));
        }
        if let Some(due) = self.terms.disposition.as_ref().and_then(|(_, d)| d.civilian_status_after.after(at)) {
            self.agenda.insert((due, Due::CivilianStatus, i));
        }
    }

    fn count_sick(&mut self, i: usize, account: &Account, delta: isize) {
        let waiting = account.health.sick_or_injured()
            && account.choice == Some(Choice::Repatriation)
            && account.state.kind().with_detaining_side();
        if waiting {
            let side = self.prisoners[i].detaining_side.to_string();
            let n = self.sick_waiting.entry(side).or_default();
            *n = n.saturating_add_signed(delta);
        }
    }

    /// Findings an event shows by itself, judged on the account before it.
    fn check_event(&mut self, i: usize, event: &Event) {
        let account = &self.accounts[i];
        let prisoner = &self.prisoners[i];
        let detaining = prisoner.detaining_side.to_string();
        let refuses = account.choice.is_some_and(Choice::refuses);
        let insists = account.choice == Some(Choice::Repatriation);
        let mut found: Vec<(Topic, String)> = Vec::new();
        match &event.kind {
            EventKind::HandedOver { .. } => {
                if refuses {
                    found.push((Topic::ForcedRepatriation, detaining.clone()));
                }
                let sick_waiting = self.sick_waiting.get(&detaining).copied().unwrap_or(0);
                if !account.health.sick_or_injured() && sick_waiting > 0 {
                    found.push((Topic::FitBeforeSick, detaining));
                }
            }
            EventKind::Returned { .. } if refuses => {
                found.push((Topic::ForcedRepatriation, self.terms.custody_commission.clone()));
            }
            EventKind::CustodyTransferred { .. } if insists => found.push((Topic::InsisterToCustody, detaining)),
            EventKind::ReleasedUnilaterally {} if insists => found.push((Topic::ReleasedInsister, detaining)),
            EventKind::ReleasedUnilaterally {} => found.push((Topic::ReleasedOther, detaining)),
            _ => {}
        }
        let day = day_start(event.at.0);
        for (topic, responsible) in found {
            self.note(day, event.at.0, topic, responsible, i, Some(&event.id));
        }
    }

    /// Findings a clock shows when it runs out.
    fn check_clock(&mut self, due_at: DateTime<FixedOffset>, due: Due, i: usize) {
        match due {
            Due::DirectRepatriation | Due::CustodyHandover => {
                let direct = due == Due::DirectRepatriation;
                let late: Vec<usize> = (0..self.accounts.len())
                    .filter(|&k| {
                        let account = &self.accounts[k];
                        let insists = account.choice == Some(Choice::Repatriation);
                        account.state.kind().with_detaining_side() && insists == direct
                    })
                    .collect();
                let topic = if direct { Topic::DirectDeadline } else { Topic::CustodyDeadline };
                for k in late {
                    let side = self.prisoners[k].detaining_side.to_string();
                    self.note(due_at, due_at, topic, side, k, None);
                }
            }
            Due::ExplanationEnd if self.accounts[i].state.kind() == StateKind::InCustody => {
                self.note(due_at, due_at, Topic::NotReferred, self.commission_of(i), i, None);
            }
            Due::CivilianStatus if self.accounts[i].state.kind().with_commission() => {
                self.note(due_at, due_at, Topic::NotCivilian, self.commission_of(i), i, None);
            }
            Due::NeutralDeparture
                if self.accounts[i].state.kind() == StateKind::Civilian
                    && self.accounts[i].choice == Some(Choice::NeutralNation) =>
            {
                self.note(due_at, due_at, Topic::NeutralDepartureLate, self.terms.custody_commission.clone(), i, None);
            }
            _ => {}
        }
    }

    fn commission_of(&self, i: usize) -> String {
        match &self.accounts[i].state {
            State::InCustody { commission } => commission.clone(),
            _ => self.terms.custody_commission.clone(),
        }
    }

    /// Record that prisoner `i` shows a breach on `topic`, gathered under `key_at`.
    fn note(
        &mut self,
        key_at: DateTime<FixedOffset>,
        at: DateTime<FixedOffset>,
        topic: Topic,
        responsible: String,
        i: usize,
        event: Option<&str>,
    ) {
        let Some((citation, rule)) = self.provision(topic) else { return };
        let entry = self.pending.entry((key_at, topic, responsible)).or_insert_with(|| Pending {
            citation,
            rule,
            first_at: at,
            prisoners: Vec::new(),
            events: Vec::new(),
        });
        entry.prisoners.push(self.prisoners[i].id.clone());
        if let Some(event) = event {
            entry.events.push(event.to_owned());
        }
    }

    /// The provision a topic breaks, when the agreement has it.
    fn provision(&self, topic: Topic) -> Option<(Citation, &'static str)> {
        let t = &self.terms;
        match topic {
            Topic::ForcedRepatriation => t.no_forced_repatriation.clone().map(|c| (c, "no-forced-repatriation")),
            Topic::InsisterToCustody | Topic::ReleasedInsister | Topic::DirectDeadline => {
                t.direct_repatriation.as_ref().map(|d| (d.citation.clone(), "direct-repatriation"))
            }
            Topic::ReleasedOther | Topic::CustodyDeadline => {
                t.custody_handover.as_ref().map(|d| (d.citation.clone(), "custody-handover"))
            }
            Topic::FitBeforeSick => t.sick_and_injured_first.clone().map(|c| (c, "sick-and-injured-first")),
            Topic::NotReferred => t
                .disposition
                .as_ref()
                .map(|(c, _)| (c.clone(), "disposition"))
                .or_else(|| t.explanation.as_ref().map(|(c, _)| (c.clone(), "explanation"))),
            Topic::NotCivilian | Topic::NeutralDepartureLate => {
                t.disposition.as_ref().map(|(c, _)| (c.clone(), "disposition"))
            }
        }
    }

    /// The findings so far, in time order.
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .pending
            .iter()
            .map(|((key_at, topic, responsible), p)| {
                let reason = reason(*topic, p.prisoners.len(), responsible, *key_at, &self.terms);
                let at = p.first_at.to_rfc3339();
                let first = p.prisoners.first().map_or("", String::as_str);
                let id = stable_id("pow", &[&p.citation.to_string(), p.rule, responsible, &at, first]);
                Finding {
                    id,
                    citation: p.citation.clone(),
                    rule: p.rule,
                    responsible: Some(responsible.clone()),
                    at: p.first_at,
                    prisoners: p.prisoners.clone(),
                    events: p.events.clone(),
                    reason,
                }
            })
            .collect();
        findings.sort_by(|a, b| (a.at, &a.citation, &a.responsible).cmp(&(b.at, &b.citation, &b.responsible)));
        findings
    }

    pub fn n_prisoners(&self) -> usize {
        self.prisoners.len()
    }

    pub fn n_events(&self) -> usize {
        self.n_events
    }

    /// The ledger's time: the last event's, or later when advanced.
    pub fn now(&self) -> Option<DateTime<FixedOffset>> {
        self.now
    }

    /// How many prisoners are in each state, in the order of [`StateKind::ALL`].
    pub fn counts(&self) -> Vec<(StateKind, usize)> {
        StateKind::ALL.iter().map(|&k| (k, self.counts[slot(k)])).collect()
    }

    /// The counts by state at the end of each day that had events (the day in each
    /// event's own offset), in the order of [`StateKind::ALL`]: the chart of the ledger
    /// over time.
    pub fn daily_counts(&self) -> Vec<(NaiveDate, Vec<(StateKind, usize)>)> {
        let named =
            |counts: &[usize; StateKind::ALL.len()]| StateKind::ALL.iter().map(|&k| (k, counts[slot(k)])).collect();
        let last = self.day.map(|day| (day, named(&self.counts)));
        self.daily.iter().map(|(day, counts)| (*day, named(counts))).chain(last).collect()
    }

    /// Every prisoner in the `unaccounted` state, in the order recorded.
    pub fn unaccounted(&self) -> Vec<Unaccounted> {
        self.iter()
            .filter_map(|(prisoner, account)| match &account.state {
                State::Unaccounted { reason } => Some(Unaccounted {
                    id: prisoner.id.clone(),
                    detaining_side: prisoner.detaining_side.to_string(),
                    nationality: prisoner.nationality.clone(),
                    names: prisoner.names.iter().map(|n| n.text.clone()).collect(),
                    since: account.since,
                    reason: reason.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// How many prisoners are in each state, grouped by `key` (a detaining side, a
    /// nationality, ...); states with none are left out.
    pub fn counts_by<K: Ord>(&self, key: impl Fn(&Prisoner) -> K) -> BTreeMap<K, BTreeMap<StateKind, usize>> {
        let mut out: BTreeMap<K, BTreeMap<StateKind, usize>> = BTreeMap::new();
        for (prisoner, account) in self.iter() {
            *out.entry(key(prisoner)).or_default().entry(account.state.kind()).or_default() += 1;
        }
        out
    }

    pub fn count(&self, kind: StateKind) -> usize {
        self.counts[slot(kind)]
    }

    /// Each prisoner with their account, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&Prisoner, &Account)> {
        self.prisoners.iter().zip(&self.accounts)
    }

    pub fn account(&self, prisoner: &str) -> Option<&Account> {
        self.index.get(prisoner).map(|&i| &self.accounts[i])
    }

    /// Sick or injured prisoners who asked to go and are still held, per detaining side,
    /// as kept during the fold.
    pub fn sick_waiting(&self) -> &BTreeMap<String, usize> {
        &self.sick_waiting
    }

    pub(crate) fn parts(&self) -> (&[Prisoner], &[Account], &HashMap<String, usize>, &[usize]) {
        (&self.prisoners, &self.accounts, &self.index, &self.counts)
    }
}

/// Midnight of the instant's day, in its own offset: findings of one day are one.
fn day_start(at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    at.date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(*at.offset()).single())
        .unwrap_or(at)
}

fn reason(topic: Topic, n: usize, responsible: &str, at: DateTime<FixedOffset>, terms: &Terms) -> String {
    let day = at.format("%Y-%m-%d");
    let when = at.to_rfc3339();
    match topic {
        Topic::ForcedRepatriation => {
            format!("{responsible} sent home {n} prisoner(s) who had refused repatriation, on {day}")
        }
        Topic::InsisterToCustody => format!(
            "{responsible} handed {n} prisoner(s) who insisted on repatriation to the {} instead of sending them home, on {day}",
            terms.custody_commission
        ),
        Topic::ReleasedInsister => format!(
            "{responsible} released {n} prisoner(s) who insisted on repatriation on its own, on {day}, instead of handing them over"
        ),
        Topic::ReleasedOther => format!(
            "{responsible} released {n} prisoner(s) on its own, on {day}, instead of handing them to the {}",
            terms.custody_commission
        ),
        Topic::FitBeforeSick => format!(
            "{responsible} handed over {n} fit prisoner(s) on {day} while sick or injured prisoners who asked to go were still held"
        ),
        Topic::DirectDeadline => {
            format!(
                "{n} prisoner(s) insisting on repatriation still held by {responsible} when the deadline passed at {when}"
            )
        }
        Topic::CustodyDeadline => format!(
            "{n} prisoner(s) not repatriated still held by {responsible}, not in the {}'s custody, when the deadline passed at {when}",
            terms.custody_commission
        ),
        Topic::NotReferred => format!(
            "{n} prisoner(s) still in the {responsible}'s custody, not referred to the political conference, when the explanation period ended at {when}"
        ),
        Topic::NotCivilian => format!(
            "{n} prisoner(s) still in the {responsible}'s custody, not declared civilians, when the period ended at {when}"
        ),
        Topic::NeutralDepartureLate => {
            format!("{n} civilian(s) who chose a neutral nation had not left when the departure period ended at {when}")
        }
    }
}

/// Fold records and events into a ledger as of `until` (every event when `None`):
/// records first, then events in time order (ties by id, so the file order never
/// matters). Refused records and events are returned with their errors; the rest go on.
pub fn replay(
    terms: Terms,
    prisoners: Vec<Prisoner>,
    events: Vec<Event>,
    until: Option<DateTime<FixedOffset>>,
) -> (Ledger, Vec<LedgerError>) {
    let prisoners = prisoners.into_iter().map(|p| ((), p)).collect();
    let events = events.into_iter().map(|e| ((), e)).collect();
    let (ledger, errors) = replay_located(terms, prisoners, events, until);
    (ledger, errors.into_iter().map(|(_, e)| e).collect())
}

/// [`replay`] for records and events that carry where they came from (a file and line),
/// so that each refusal can say where its input was.
pub fn replay_located<L>(
    terms: Terms,
    prisoners: Vec<(L, Prisoner)>,
    mut events: Vec<(L, Event)>,
    until: Option<DateTime<FixedOffset>>,
) -> (Ledger, Vec<(L, LedgerError)>) {
    let mut ledger = Ledger::new(terms);
    let mut errors = Vec::new();
    for (at, prisoner) in prisoners {
        if let Err(e) = ledger.add_prisoner(prisoner) {
            errors.push((at, e));
        }
    }
    events.sort_by(|(_, a), (_, b)| (a.at, &a.id).cmp(&(b.at, &b.id)));
    for (at, event) in events {
        if until.is_some_and(|u| event.at.0 > u) {
            continue;
        }
        if let Err(e) = ledger.apply(&event) {
            errors.push((at, e));
        }
    }
    if let Some(until) = until {
        ledger.advance_to(until);
    }
    (ledger, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{Timestamp, builtin, load};
    use crate::pow::invariants;

    fn terms() -> Terms {
        Terms::from_agreement(&load(&builtin::korea_1953()).unwrap())
    }

    fn prisoner(id: &str, health: Health, choice: Option<Choice>) -> Prisoner {
        serde_json::from_value(serde_json::json!({
            "id": id, "detaining_side": "unc", "side": "kpa-cpv", "nationality": "China",
            "health": health, "choice": choice,
        }))
        .unwrap()
    }

    fn event(id: &str, prisoner: &str, at: &str, kind: EventKind) -> Event {
        Event {
            id: id.into(),
            prisoner: prisoner.into(),
            at: Timestamp::parse(at).unwrap(),
            author: "unc".into(),
            kind,
        }
    }

    fn handed_over() -> EventKind {
        EventKind::HandedOver {
            batch: Some("b1".into()),
            point: "panmunjom".into(),
            receiving_officer: "Col. Li".into(),
        }
    }

    fn custody() -> EventKind {
        EventKind::CustodyTransferred { to: None, place: None }
    }

    /// (citation, responsible, prisoners) of each finding.
    fn cited(ledger: &Ledger) -> Vec<(String, String, Vec<String>)> {
        ledger
            .findings()
            .into_iter()
            .map(|f| (f.citation.to_string(), f.responsible.unwrap_or_default(), f.prisoners))
            .collect()
    }

    #[test]
    fn each_forbidden_transition_becomes_a_finding_with_its_citation() {
        use Choice::*;
        use Health::*;
        let t = |day: &str| format!("1953-{day}T10:00:00+09:00");
        type Case = (
            &'static str,
            Vec<Prisoner>,
            Vec<Event>,
            Option<&'static str>,
            Vec<(&'static str, &'static str, Vec<&'static str>)>,
        );
        let cases: Vec<Case> = vec![
            (
                "sick first, then the fit, all home in time: nothing to find",
                vec![prisoner("sick", Sick, Some(Repatriation)), prisoner("fit", Fit, Some(Repatriation))],
                vec![
                    event("e1", "sick", &t("08-05"), handed_over()),
                    event("e2", "fit", &t("08-06"), handed_over()),
                    event("e3", "sick", &t("08-06"), EventKind::Repatriated {}),
                ],
                Some("1954-03-01T00:00:00+09:00"),
                vec![],
            ),
            (
                "a refuser sent home",
                vec![prisoner("p", Fit, None)],
                vec![
                    event("e1", "p", &t("08-01"), EventKind::Refused {}),
                    event("e2", "p", &t("08-05"), handed_over()),
                ],
                None,
                vec![("Annex.3", "unc", vec!["p"])],
            ),
            (
                "the fit before the sick who asked to go",
                vec![prisoner("sick", Injured, Some(Repatriation)), prisoner("fit", Fit, Some(Repatriation))],
                vec![event("e1", "fit", &t("08-05"), handed_over()), event("e2", "sick", &t("08-06"), handed_over())],
                None,
                vec![("III.53", "unc", vec!["fit"])],
            ),
            (
                "an insister still held when the 60 days ran out",
                vec![prisoner("late", Fit, Some(Repatriation)), prisoner("home", Fit, Some(Repatriation))],
                vec![event("e1", "home", &t("09-01"), handed_over()), event("e2", "late", &t("09-30"), handed_over())],
                None,
                vec![("III.51(a)", "unc", vec!["late"])],
            ),
            (
                "an insister sent to the commission, a refuser never handed to it",
                vec![prisoner("insists", Fit, Some(Repatriation)), prisoner("refuses", Fit, Some(Refuse))],
                vec![event("e1", "insists", &t("09-01"), custody())],
                Some("1953-09-26T00:00:00+09:00"),
                vec![("III.51(a)", "unc", vec!["insists"]), ("Annex.4", "unc", vec!["refuses"])],
            ),
            (
                "a unilateral release counts only once the agreement is in force",
                vec![prisoner("june", Fit, Some(Refuse)), prisoner("august", Fit, Some(Refuse))],
                vec![
                    event("e1", "june", "1953-06-18T02:00:00+09:00", EventKind::ReleasedUnilaterally {}),
                    event("e2", "august", &t("08-02"), EventKind::ReleasedUnilaterally {}),
                ],
                None,
                vec![("Annex.4", "unc", vec!["august"])],
            ),
            (
                "custody clocks: never referred, never made a civilian",
                vec![prisoner("p", Fit, Some(Refuse))],
                vec![event("e1", "p", &t("09-20"), custody())],
                Some("1954-02-01T00:00:00+09:00"),
                vec![("Annex.11", "nnrc", vec!["p"]), ("Annex.11", "nnrc", vec!["p"])],
            ),
            (
                "custody clocks kept: referred at 90 days, a civilian at 120, left for a neutral nation",
                vec![prisoner("p", Fit, Some(NeutralNation))],
                vec![
                    event("e1", "p", "1953-09-25T00:01:00+09:00", custody()),
                    event("e2", "p", "1953-12-24T00:01:00+09:00", EventKind::Referred {}),
                    event("e3", "p", "1954-01-23T00:01:00+09:00", EventKind::Civilian {}),
                    event(
                        "e4",
                        "p",
                        "1954-02-09T10:00:00+09:00",
                        EventKind::WentToNeutralNation { country: "India".into() },
                    ),
                ],
                Some("1954-06-01T00:00:00+09:00"),
                vec![],
            ),
            (
                "a civilian who chose a neutral nation still waiting after 30 days",
                vec![prisoner("p", Fit, Some(NeutralNation))],
                vec![
                    event("e1", "p", "1953-09-25T00:01:00+09:00", custody()),
                    event("e2", "p", "1953-12-24T00:01:00+09:00", EventKind::Referred {}),
                    event("e3", "p", "1954-01-23T00:01:00+09:00", EventKind::Civilian {}),
                ],
                Some("1954-03-01T00:00:00+09:00"),
                vec![("Annex.11", "nnrc", vec!["p"])],
            ),
        ];
        for (name, prisoners, events, until, expected) in cases {
            let until = until.map(|u| Timestamp::parse(u).unwrap().0);
            let (ledger, errors) = replay(terms(), prisoners, events, until);
            assert!(errors.is_empty(), "{name}: {errors:?}");
            invariants::check(&ledger).unwrap();
            let expected: Vec<(String, String, Vec<String>)> = expected
                .into_iter()
                .map(|(c, r, p)| (c.to_owned(), r.to_owned(), p.into_iter().map(String::from).collect()))
                .collect();
            assert_eq!(cited(&ledger), expected, "{name}");
        }
    }

    #[test]
    fn a_finding_names_the_events_and_the_numbers() {
        let prisoners =
            vec![prisoner("a", Health::Fit, Some(Choice::Refuse)), prisoner("b", Health::Fit, Some(Choice::Refuse))];
        let events = vec![
            event("e1", "a", "1953-08-05T10:00:00+09:00", handed_over()),
            event("e2", "b", "1953-08-05T11:00:00+09:00", handed_over()),
        ];
        let (ledger, _) = replay(terms(), prisoners, events, None);
        let findings = ledger.findings();
        assert_eq!(findings.len(), 1, "one finding for one side's breaches on one day");
        let finding = &findings[0];
        assert_eq!(finding.rule, "no-forced-repatriation");
        assert_eq!(finding.events, ["e1", "e2"]);
        assert!(finding.reason.contains("2 prisoner(s)"), "{}", finding.reason);
        assert_eq!(finding.at.to_rfc3339(), "1953-08-05T10:00:00+09:00");
    }

    #[test]
    fn counts_by_a_key_split_the_state_counts() {
        let mut korean = prisoner("k1", Health::Fit, Some(Choice::Repatriation));
        korean.nationality = "North Korea".into();
        let prisoners =
            vec![prisoner("c1", Health::Fit, Some(Choice::Repatriation)), prisoner("c2", Health::Fit, None), korean];
        let events = vec![event("e1", "c1", "1953-08-05T10:00:00+09:00", handed_over())];
        let (ledger, refused) = replay(terms(), prisoners, events, None);
        assert!(refused.is_empty(), "{refused:?}");
        let by = ledger.counts_by(|p| p.nationality.clone());
        assert_eq!(by["China"].values().sum::<usize>(), 2);
        assert_eq!(by["North Korea"].values().sum::<usize>(), 1);
        assert!(by["China"].get(&StateKind::Held).is_some_and(|&n| n == 1), "{by:?}");
        assert_eq!(by["China"].len(), 2, "one held, one handed over: {by:?}");
        // Every state count is the sum of its groups.
        for (kind, n) in ledger.counts() {
            assert_eq!(by.values().map(|m| m.get(&kind).copied().unwrap_or(0)).sum::<usize>(), n, "{kind:?}");
        }
    }

    #[test]
    fn impossible_events_are_refused_with_prisoner_event_and_reason() {
        let mut ledger = Ledger::new(terms());
        ledger.add_prisoner(prisoner("p", Health::Fit, None)).unwrap();
        assert_eq!(
            ledger.add_prisoner(prisoner("p", Health::Fit, None)),
            Err(LedgerError::DuplicatePrisoner { prisoner: "p".into() })
        );
        let mut stranger = prisoner("q", Health::Fit, None);
        stranger.side = crate::agreement::Id::parse("unc").unwrap();
        assert!(matches!(ledger.add_prisoner(stranger), Err(LedgerError::SameSide { .. })));

        let at = "1953-08-05T10:00:00+09:00";
        assert_eq!(
            ledger.apply(&event("e0", "nobody", at, EventKind::Escaped {})),
            Err(LedgerError::UnknownPrisoner { event: "e0".into(), prisoner: "nobody".into() })
        );
        let error = ledger.apply(&event("e1", "p", at, EventKind::Repatriated {})).unwrap_err();
        let LedgerError::Forbidden { event: refused, prisoner: whose, reason } = &error else { panic!("{error:?}") };
        assert_eq!((refused.as_str(), whose.as_str()), ("e1", "p"));
        assert!(reason.contains("handed over"), "{reason}");
        ledger
            .apply(&event("e2", "p", at, EventKind::Died { cause: Some("typhus".into()), burial_place: None }))
            .unwrap();
        assert_eq!(
            ledger.apply(&event("e2", "p", at, EventKind::Found {})),
            Err(LedgerError::DuplicateEvent { event: "e2".into() })
        );
        assert!(matches!(
            ledger.apply(&event("e3", "p", "1953-08-01T10:00:00+09:00", EventKind::Escaped {})),
            Err(LedgerError::OutOfOrder { .. })
        ));
        assert!(matches!(
            ledger.apply(&event("e4", "p", at, EventKind::Escaped {})),
            Err(LedgerError::Forbidden { .. })
        ));
        assert_eq!(ledger.count(StateKind::Died), 1);
        assert_eq!(ledger.n_events(), 1);
        invariants::check(&ledger).unwrap();
    }

    #[test]
    fn the_fold_does_not_depend_on_the_order_events_arrive_in() {
        let prisoners: Vec<Prisoner> = (0..6)
            .map(|k| {
                prisoner(
                    &format!("p{k}"),
                    if k % 3 == 0 { Health::Sick } else { Health::Fit },
                    Some(Choice::Repatriation),
                )
            })
            .collect();
        let mut events: Vec<Event> = (0..6)
            .flat_map(|k| {
                let p = format!("p{k}");
                [
                    event(&format!("h{k}"), &p, &format!("1953-08-{:02}T10:00:00+09:00", 5 + k), handed_over()),
                    event(
                        &format!("r{k}"),
                        &p,
                        &format!("1953-08-{:02}T10:00:00+09:00", 6 + k),
                        EventKind::Repatriated {},
                    ),
                ]
            })
            .collect();
        let (forward, _) = replay(terms(), prisoners.clone(), events.clone(), None);
        events.reverse();
        let (backward, _) = replay(terms(), prisoners, events, None);
        assert_eq!(forward.counts(), backward.counts());
        assert_eq!(forward.findings(), backward.findings());
        assert!(!forward.findings().is_empty(), "p1 went before p3, who was sick");
    }
}
