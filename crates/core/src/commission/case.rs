//! A Military Armistice Commission case and the moves that take it from state to state:
//! an allegation by one side opens it, the other side responds, teams are dispatched and
//! report, the commission finds, and a violation found may later be recorded corrected.
//! Who may make each move, and from which state, is checked here; a refused move is a
//! [`CaseError`] saying why, and the case is left as it was.

use std::fmt;

use chrono::{DateTime, FixedOffset};

use super::actor::Actor;
use super::dispatch::{Board, DispatchError, LimitBreach};
use super::payload::{Allegation, CommissionFinding, InvestigationReport, Outcome, Response, Stance, TeamDispatch};
use super::terms::Terms;
use crate::agreement::Citation;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseState {
    /// Alleged; waiting for the other side.
    Open,
    /// The other side has answered.
    Responded,
    /// Teams have been sent; their report may or may not be in.
    UnderInvestigation,
    /// The commission has found.
    Found,
    /// The violation found has been put right.
    Corrected,
}

impl CaseState {
    pub const ALL: [CaseState; 5] =
        [Self::Open, Self::Responded, Self::UnderInvestigation, Self::Found, Self::Corrected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Responded => "responded",
            Self::UnderInvestigation => "under-investigation",
            Self::Found => "found",
            Self::Corrected => "corrected",
        }
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Allege,
    Respond,
    Dispatch,
    Report,
    Find,
    Correct,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allege => "allege",
            Self::Respond => "respond",
            Self::Dispatch => "dispatch",
            Self::Report => "report",
            Self::Find => "find",
            Self::Correct => "correct",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a move on a case was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("case `{case}`: the record already has a case with this id")]
    Exists { case: String },
    #[error("case `{case}`: no such case (an allegation opens one)")]
    Unknown { case: String },
    #[error("case `{case}`: `{id}` is not a {what} of this agreement")]
    UnknownName { case: String, what: &'static str, id: String },
    #[error("case `{case}`: a side cannot allege against itself (`{side}`)")]
    AgainstItself { case: String, side: String },
    #[error("case `{case}`: the agreement has no provision {paragraph}")]
    UnknownParagraph { case: String, paragraph: Citation },
    #[error("case `{case}`: report `{report}` is not in the record before this allegation")]
    UnknownReport { case: String, report: String },
    #[error("case `{case}`: {actor} may not {action}; {allowed}")]
    WrongActor { case: String, action: Action, actor: Actor, allowed: String },
    #[error("case `{case}`: cannot {action} a case that is {state}: {why}")]
    WrongState { case: String, action: Action, state: CaseState, why: &'static str },
    #[error("case `{case}`: team `{team}` belongs to `{team_commission}`, not to the case's commission `{commission}`")]
    WrongTeam { case: String, team: String, team_commission: String, commission: String },
    #[error("case `{case}`: no {team} team is out on this case")]
    NoTeamOut { case: String, team: String },
    #[error("case `{case}`: {source}")]
    Dispatch { case: String, source: DispatchError },
}

/// One move made, for the case's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The journal entry that made it.
    pub entry: u64,
    pub at: DateTime<FixedOffset>,
    pub actor: Actor,
    pub action: Action,
    pub from: Option<CaseState>,
    pub to: CaseState,
    /// What the move said, briefly (`denies`, `2 jot team(s)`, `violation`).
    pub note: String,
}

/// A case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: String,
    pub commission: String,
    pub alleged_by: String,
    pub against: String,
    pub paragraph: Citation,
    pub reports: Vec<String>,
    pub state: CaseState,
    pub stance: Option<Stance>,
    /// Team reports filed.
    pub team_reports: u32,
    pub outcome: Option<Outcome>,
    /// With a violation found: the side held responsible.
    pub responsible: Option<String>,
    pub history: Vec<Step>,
}

impl Case {
    /// An allegation opens a case. `report_known` says whether a report id is in the
    /// record already.
    pub fn open(
        terms: &Terms,
        entry: u64,
        a: &Allegation,
        report_known: impl Fn(&str) -> bool,
    ) -> Result<Self, CaseError> {
        let case = || a.case.clone();
        let Actor::Side(side) = &a.by else {
            return Err(CaseError::WrongActor {
                case: case(),
                action: Action::Allege,
                actor: a.by.clone(),
                allowed: "a side alleges, through its senior member".to_owned(),
            });
        };
        for (what, id) in [("side", side.as_str()), ("side", a.against.as_str())] {
            if !terms.is_side(id) {
                return Err(CaseError::UnknownName { case: case(), what, id: id.to_owned() });
            }
        }
        if !terms.is_commission(a.commission.as_str()) {
            return Err(CaseError::UnknownName { case: case(), what: "commission", id: a.commission.to_string() });
        }
        if side == &a.against {
            return Err(CaseError::AgainstItself { case: case(), side: side.to_string() });
        }
        if !terms.citations.contains(&a.paragraph) {
            return Err(CaseError::UnknownParagraph { case: case(), paragraph: a.paragraph.clone() });
        }
        if let Some(report) = a.reports.iter().find(|r| !report_known(r)) {
            return Err(CaseError::UnknownReport { case: case(), report: report.clone() });
        }
        Ok(Self {
            id: a.case.clone(),
            commission: a.commission.to_string(),
            alleged_by: side.to_string(),
            against: a.against.to_string(),
            paragraph: a.paragraph.clone(),
            reports: a.reports.clone(),
            state: CaseState::Open,
            stance: None,
            team_reports: 0,
            outcome: None,
            responsible: None,
            history: vec![Step {
                entry,
                at: a.at.0,
                actor: a.by.clone(),
                action: Action::Allege,
                from: None,
                to: CaseState::Open,
                note: format!("{} against {} under {}", side, a.against, a.paragraph),
            }],
        })
    }

    fn wrong_state(&self, action: Action, why: &'static str) -> CaseError {
        CaseError::WrongState { case: self.id.clone(), action, state: self.state, why }
    }

    fn wrong_actor(&self, action: Action, actor: &Actor, allowed: String) -> CaseError {
        CaseError::WrongActor { case: self.id.clone(), action, actor: actor.clone(), allowed }
    }

    fn step(
        &mut self,
        entry: u64,
        at: DateTime<FixedOffset>,
        actor: &Actor,
        action: Action,
        to: CaseState,
        note: String,
    ) {
        self.history.push(Step { entry, at, actor: actor.clone(), action, from: Some(self.state), to, note });
        self.state = to;
    }

    /// The accused side answers.
    pub fn respond(&mut self, entry: u64, r: &Response) -> Result<(), CaseError> {
        let action = Action::Respond;
        if r.by.side() != Some(self.against.as_str()) {
            return Err(self.wrong_actor(
                action,
                &r.by,
                format!("only the side alleged against ({}) responds", self.against),
            ));
        }
        let to = match self.state {
            _ if self.stance.is_some() => return Err(self.wrong_state(action, "the case has been answered already")),
            CaseState::Open => CaseState::Responded,
            CaseState::UnderInvestigation => CaseState::UnderInvestigation,
            CaseState::Responded | CaseState::Found | CaseState::Corrected => {
                return Err(self.wrong_state(action, "a response comes before the finding"));
            }
        };
        self.stance = Some(r.stance);
        let stance = match r.stance {
            Stance::Admits => "admits",
            Stance::Denies => "denies",
            Stance::Disputes => "disputes",
        };
        self.step(entry, r.at.0, &r.by, action, to, stance.to_owned());
        Ok(())
    }

    /// Teams are sent to investigate: by the case's commission or one side's senior
    /// member. A side over its share is a breach, returned for a finding; the dispatch
    /// stands.
    pub fn dispatch(
        &mut self,
        terms: &Terms,
        board: &mut Board,
        entry: u64,
        d: &TeamDispatch,
    ) -> Result<Option<LimitBreach>, CaseError> {
        let action = Action::Dispatch;
        let allowed = match &d.by {
            Actor::Commission(c) => c.as_str() == self.commission,
            Actor::Side(s) => s.as_str() == self.alleged_by || s.as_str() == self.against,
            Actor::Team(_) => false,
        };
        if !allowed {
            return Err(self.wrong_actor(
                action,
                &d.by,
                format!("the {} or a side's senior member sends teams", self.commission),
            ));
        }
        if matches!(self.state, CaseState::Found | CaseState::Corrected) {
            return Err(self.wrong_state(action, "the commission has found already"));
        }
        if let Some(team) = terms.teams.get(d.team.as_str())
            && team.commission != self.commission
        {
            return Err(CaseError::WrongTeam {
                case: self.id.clone(),
                team: team.id.clone(),
                team_commission: team.commission.clone(),
                commission: self.commission.clone(),
            });
        }
        let breach = board
            .send(terms, d, Some(&self.id))
            .map_err(|source| CaseError::Dispatch { case: self.id.clone(), source })?;
        self.step(
            entry,
            d.at.0,
            &d.by,
            action,
            CaseState::UnderInvestigation,
            format!("{} {} team(s)", d.teams, d.team),
        );
        Ok(breach)
    }

    /// A team out on the case files its report; its teams come back.
    pub fn report(&mut self, board: &mut Board, entry: u64, r: &InvestigationReport) -> Result<(), CaseError> {
        let action = Action::Report;
        let Actor::Team(team) = &r.by else {
            return Err(self.wrong_actor(action, &r.by, "the team sent to investigate reports".to_owned()));
        };
        if self.state != CaseState::UnderInvestigation {
            return Err(self.wrong_state(action, "no team has been sent"));
        }
        if board.out_on_case(team.as_str(), &self.id) == 0 {
            return Err(CaseError::NoTeamOut { case: self.id.clone(), team: team.to_string() });
        }
        let back = board.return_case(team.as_str(), &self.id);
        self.team_reports += 1;
        self.step(
            entry,
            r.at.0,
            &r.by,
            action,
            CaseState::UnderInvestigation,
            format!("{} member(s), {} fact(s); {back} team(s) back", r.members.len(), r.facts.len()),
        );
        Ok(())
    }

    /// The commission finds, or records a violation corrected.
    pub fn find(&mut self, terms: &Terms, board: &Board, entry: u64, f: &CommissionFinding) -> Result<(), CaseError> {
        let action = if f.outcome == Outcome::Corrected { Action::Correct } else { Action::Find };
        if !matches!(&f.by, Actor::Commission(c) if c.as_str() == self.commission) {
            return Err(self.wrong_actor(action, &f.by, format!("only the {} finds", self.commission)));
        }
        if let Some(side) = &f.responsible
            && !terms.is_side(side.as_str())
        {
            return Err(CaseError::UnknownName { case: self.id.clone(), what: "side", id: side.to_string() });
        }
        let to = match (action, self.state) {
            (Action::Correct, CaseState::Found) if self.outcome == Some(Outcome::Violation) => CaseState::Corrected,
            (Action::Correct, CaseState::Found) => return Err(self.wrong_state(action, "no violation was found")),
            (Action::Correct, _) => return Err(self.wrong_state(action, "only a violation found can be corrected")),
            (_, CaseState::Open) => {
                return Err(self.wrong_state(action, "the other side has not responded and no team has reported"));
            }
            (_, CaseState::Responded) => CaseState::Found,
            (_, CaseState::UnderInvestigation) => {
                let out: u32 = terms.teams.keys().map(|t| board.out_on_case(t, &self.id)).sum();
                if out > 0 || self.team_reports == 0 {
                    return Err(self.wrong_state(action, "the teams sent have not all reported"));
                }
                CaseState::Found
            }
            (_, CaseState::Found | CaseState::Corrected) => {
                return Err(
                    self.wrong_state(action, "the commission has found already (a correction entry amends a finding)")
                );
            }
        };
        if action == Action::Find {
            self.outcome = Some(f.outcome);
            self.responsible = match f.outcome {
                Outcome::Violation => {
                    Some(f.responsible.as_ref().map_or_else(|| self.against.clone(), ToString::to_string))
                }
                _ => None,
            };
        }
        self.step(entry, f.at.0, &f.by, action, to, f.outcome.as_str().to_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{Id, Timestamp, builtin, load};
    use crate::commission::payload::Member;

    fn terms() -> Terms {
        Terms::from_agreement(&load(&builtin::korea_1953()).unwrap())
    }

    fn id(text: &str) -> Id {
        Id::parse(text).unwrap()
    }

    fn at() -> Timestamp {
        Timestamp::parse("1953-08-02T10:00:00+09:00").unwrap()
    }

    fn actor(text: &str) -> Actor {
        let (kind, name) = text.split_once(':').unwrap();
        match kind {
            "side" => Actor::Side(id(name)),
            "commission" => Actor::Commission(id(name)),
            _ => Actor::Team(id(name)),
        }
    }

    fn allegation(by: &str, against: &str, paragraph: &str, reports: &[&str]) -> Allegation {
        Allegation {
            case: "c1".into(),
            by: actor(by),
            against: id(against),
            commission: id("mac"),
            paragraph: paragraph.parse().unwrap(),
            reports: reports.iter().map(|r| (*r).to_owned()).collect(),
            at: at(),
            summary: None,
        }
    }

    /// A move, as the rows below write it: `respond side:unc`, `dispatch commission:mac`,
    /// `report team:jot`, `find commission:mac violation`, `correct commission:mac`.
    fn make(case: &mut Case, terms: &Terms, board: &mut Board, n: &mut u64, text: &str) -> Result<(), CaseError> {
        *n += 1;
        let words: Vec<&str> = text.split(' ').collect();
        let by = actor(words[1]);
        match words[0] {
            "respond" => {
                case.respond(*n, &Response { case: "c1".into(), by, at: at(), stance: Stance::Denies, summary: None })
            }
            "dispatch" => {
                let d = TeamDispatch {
                    id: format!("d{n}"),
                    case: Some("c1".into()),
                    by,
                    team: id(words.get(2).copied().unwrap_or("jot")),
                    teams: 1,
                    at: at(),
                    due: None,
                    position: None,
                };
                case.dispatch(terms, board, *n, &d).map(|_| ())
            }
            "report" => {
                let member = |name: &str, side: &str| Member {
                    name: name.into(),
                    nationality: "x".into(),
                    side: Some(id(side)),
                    nation: None,
                };
                let r = InvestigationReport {
                    case: "c1".into(),
                    by,
                    at: at(),
                    members: vec![member("a", "unc"), member("b", "kpa-cpv")],
                    facts: vec!["craters".into()],
                };
                case.report(board, *n, &r)
            }
            "find" | "correct" => {
                let outcome = match words.get(2).copied() {
                    _ if words[0] == "correct" => Outcome::Corrected,
                    Some("no-violation") => Outcome::NoViolation,
                    Some("cannot-determine") => Outcome::CannotDetermine,
                    _ => Outcome::Violation,
                };
                let f =
                    CommissionFinding { case: "c1".into(), by, at: at(), outcome, responsible: None, summary: None };
                case.find(terms, board, *n, &f)
            }
            other => panic!("no move {other}"),
        }
    }

    /// Every move from every state: the moves that lead there, the move tried, and the
    /// state it gives or the reason it is refused.
    #[test]
    fn every_transition_allowed_and_refused() {
        let terms = terms();
        let open: &[&str] = &[];
        let responded: &[&str] = &["respond side:unc"];
        let out: &[&str] = &["dispatch commission:mac"];
        let reported: &[&str] = &["dispatch commission:mac", "report team:jot"];
        let found: &[&str] = &["respond side:unc", "find commission:mac violation"];
        let cleared: &[&str] = &["respond side:unc", "find commission:mac no-violation"];
        let corrected: &[&str] = &["respond side:unc", "find commission:mac", "correct commission:mac"];
        use CaseState::*;
        let rows: Vec<(&[&str], &str, Result<CaseState, &str>)> = vec![
            // respond
            (open, "respond side:unc", Ok(Responded)),
            (open, "respond side:kpa-cpv", Err("only the side alleged against (unc) responds")),
            (open, "respond commission:mac", Err("commission mac may not respond")),
            (responded, "respond side:unc", Err("answered already")),
            (out, "respond side:unc", Ok(UnderInvestigation)),
            (found, "respond side:unc", Err("answered already")),
            (cleared, "respond side:unc", Err("answered already")),
            // dispatch
            (open, "dispatch commission:mac", Ok(UnderInvestigation)),
            (open, "dispatch side:unc", Ok(UnderInvestigation)),
            (open, "dispatch side:kpa-cpv", Ok(UnderInvestigation)),
            (responded, "dispatch commission:mac", Ok(UnderInvestigation)),
            (out, "dispatch commission:mac", Ok(UnderInvestigation)),
            (open, "dispatch commission:nnsc", Err("the mac or a side's senior member sends teams")),
            (open, "dispatch team:jot", Err("team jot may not dispatch")),
            (open, "dispatch commission:mac nnit", Err("belongs to `nnsc`")),
            (found, "dispatch commission:mac", Err("cannot dispatch a case that is found")),
            (corrected, "dispatch side:unc", Err("cannot dispatch a case that is corrected")),
            // report
            (out, "report team:jot", Ok(UnderInvestigation)),
            (out, "report team:nnit", Err("no nnit team is out")),
            (out, "report side:unc", Err("side unc may not report")),
            (reported, "report team:jot", Err("no jot team is out")),
            (open, "report team:jot", Err("cannot report a case that is open: no team has been sent")),
            (responded, "report team:jot", Err("cannot report a case that is responded")),
            // find
            (responded, "find commission:mac violation", Ok(Found)),
            (responded, "find commission:mac no-violation", Ok(Found)),
            (responded, "find commission:mac cannot-determine", Ok(Found)),
            (reported, "find commission:mac violation", Ok(Found)),
            (open, "find commission:mac violation", Err("has not responded and no team has reported")),
            (out, "find commission:mac violation", Err("have not all reported")),
            (responded, "find side:kpa-cpv violation", Err("only the mac finds")),
            (responded, "find team:jot violation", Err("only the mac finds")),
            (found, "find commission:mac no-violation", Err("found already")),
            // correct
            (found, "correct commission:mac", Ok(Corrected)),
            (found, "correct side:unc", Err("only the mac finds")),
            (cleared, "correct commission:mac", Err("no violation was found")),
            (responded, "correct commission:mac", Err("only a violation found can be corrected")),
            (corrected, "correct commission:mac", Err("only a violation found can be corrected")),
        ];
        for (path, tried, expected) in rows {
            let mut board = Board::default();
            let mut case = Case::open(&terms, 0, &allegation("side:kpa-cpv", "unc", "I.6", &["r1"]), |_| true).unwrap();
            let mut n = 0;
            for step in path {
                make(&mut case, &terms, &mut board, &mut n, step).unwrap_or_else(|e| panic!("{path:?}: {step}: {e}"));
            }
            let before = case.clone();
            let result = make(&mut case, &terms, &mut board, &mut n, tried);
            match (result, expected) {
                (Ok(()), Ok(state)) => {
                    assert_eq!(case.state, state, "{path:?} then {tried}");
                    assert_eq!(case.history.last().map(|s| s.to), Some(state));
                }
                (Err(e), Err(text)) => {
                    assert!(e.to_string().contains(text), "{path:?} then {tried}: {e}");
                    assert_eq!(case, before, "a refused move leaves the case as it was");
                }
                (result, expected) => panic!("{path:?} then {tried}: got {result:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn an_allegation_is_checked_before_it_opens_a_case() {
        let terms = terms();
        let rows = [
            (allegation("side:kpa-cpv", "unc", "I.6", &["r1"]), Ok(())),
            (allegation("commission:mac", "unc", "I.6", &["r1"]), Err("commission mac may not allege")),
            (allegation("side:unc", "unc", "I.6", &["r1"]), Err("cannot allege against itself")),
            (allegation("side:kpa-cpv", "rok", "I.6", &["r1"]), Err("`rok` is not a side")),
            (allegation("side:kpa-cpv", "unc", "II.99", &["r1"]), Err("no provision II.99")),
            (allegation("side:kpa-cpv", "unc", "I.6", &["r1", "r404"]), Err("report `r404` is not in the record")),
        ];
        for (a, expected) in rows {
            let result = Case::open(&terms, 0, &a, |r| r == "r1").map(|_| ());
            match (result, expected) {
                (Ok(()), Ok(())) => {}
                (Err(e), Err(text)) => assert!(e.to_string().contains(text), "{e}"),
                (result, expected) => panic!("got {result:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn a_violation_found_holds_the_accused_responsible_unless_named() {
        let terms = terms();
        let mut board = Board::default();
        let mut case = Case::open(&terms, 0, &allegation("side:kpa-cpv", "unc", "I.6", &["r1"]), |_| true).unwrap();
        let mut n = 0;
        make(&mut case, &terms, &mut board, &mut n, "respond side:unc").unwrap();
        make(&mut case, &terms, &mut board, &mut n, "find commission:mac violation").unwrap();
        assert_eq!(case.responsible.as_deref(), Some("unc"));
        let steps: Vec<(u64, Action, Option<CaseState>, CaseState)> =
            case.history.iter().map(|s| (s.entry, s.action, s.from, s.to)).collect();
        assert_eq!(
            steps,
            [
                (0, Action::Allege, None, CaseState::Open),
                (1, Action::Respond, Some(CaseState::Open), CaseState::Responded),
                (2, Action::Find, Some(CaseState::Responded), CaseState::Found)
            ]
        );
    }
}
