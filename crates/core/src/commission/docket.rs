//! The commissions' docket: cases, teams out, special inspections, meeting minutes and
//! findings, folded from commission payloads in record order. Each payload either moves
//! the docket or is refused with a [`DocketError`] that leaves it as it was.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::actor::Actor;
use super::case::{Case, CaseError};
use super::composition;
use super::dispatch::{Board, DispatchError, LimitBreach};
use super::finding::Finding;
use super::inspection::{self, InspectionError, Requests};
use super::meetings;
use super::payload::{MeetingMinutes, Member, Payload};
use super::terms::Terms;
use crate::agreement::Agreement;
use crate::rules::Report;

/// Why a commission payload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocketError {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    #[error(transparent)]
    Inspection(#[from] InspectionError),
    #[error("meeting minutes: `{0}` is not a commission of this agreement")]
    UnknownCommission(String),
}

/// The commissions' work so far.
#[derive(Debug, Clone)]
pub struct Docket {
    pub terms: Terms,
    /// Cases by id.
    pub cases: BTreeMap<String, Case>,
    pub board: Board,
    pub requests: Requests,
    pub minutes: Vec<(u64, MeetingMinutes)>,
    /// Dispatch-limit and composition findings, as they arise.
    findings: Vec<Finding>,
}

/// The case `id`, taken from the map alone so that the board and terms stay free to
/// borrow beside it.
fn case_mut<'a>(cases: &'a mut BTreeMap<String, Case>, id: &str) -> Result<&'a mut Case, CaseError> {
    cases.get_mut(id).ok_or_else(|| CaseError::Unknown { case: id.to_owned() })
}

impl Docket {
    pub fn new(agreement: &Agreement) -> Self {
        Self::with_terms(Terms::from_agreement(agreement))
    }

    pub fn with_terms(terms: Terms) -> Self {
        Self {
            terms,
            cases: BTreeMap::new(),
            board: Board::default(),
            requests: Requests::default(),
            minutes: Vec::new(),
            findings: Vec::new(),
        }
    }

    fn breach(&mut self, breach: Option<LimitBreach>, entry: u64, at: DateTime<FixedOffset>, case: Option<&str>) {
        if let Some(b) = breach {
            self.findings.push(Finding::new(
                &b.citation,
                "dispatch-limit",
                Some(&b.side),
                at,
                vec![entry],
                case,
                b.reason,
            ));
        }
    }

    fn composition(
        &mut self,
        team: &str,
        members: &[Member],
        entry: u64,
        at: DateTime<FixedOffset>,
        case: Option<&str>,
    ) {
        let Some(terms) = self.terms.teams.get(team) else { return };
        let problems = composition::problems(&self.terms, terms, members);
        if !problems.is_empty() {
            let finding = Finding::new(
                &terms.composition_citation,
                "composition",
                Some(&terms.commission),
                at,
                vec![entry],
                case,
                problems.join("; "),
            );
            self.findings.push(finding);
        }
    }

    /// Apply the payload of entry `entry`, received at `received_at`. An inspection at a
    /// port returns the reports it makes, for the compliance rules.
    pub fn apply(
        &mut self,
        entry: u64,
        received_at: DateTime<FixedOffset>,
        payload: &Payload,
        report_known: impl Fn(&str) -> bool,
    ) -> Result<Vec<Report>, DocketError> {
        match payload {
            Payload::Allegation(a) => {
                if self.cases.contains_key(&a.case) {
                    return Err(CaseError::Exists { case: a.case.clone() }.into());
                }
                let case = Case::open(&self.terms, entry, a, report_known)?;
                self.cases.insert(case.id.clone(), case);
            }
            Payload::Response(r) => case_mut(&mut self.cases, &r.case)?.respond(entry, r)?,
            Payload::TeamDispatch(d) => match &d.case {
                Some(id) => {
                    let breach = case_mut(&mut self.cases, id)?.dispatch(&self.terms, &mut self.board, entry, d)?;
                    self.breach(breach, entry, d.at.0, Some(id));
                }
                None => {
                    let breach = self.board.send(&self.terms, d, None)?;
                    self.requests.request(entry, d);
                    self.breach(breach, entry, d.at.0, None);
                }
            },
            Payload::InvestigationReport(r) => {
                case_mut(&mut self.cases, &r.case)?.report(&mut self.board, entry, r)?;
                if let Actor::Team(team) = &r.by {
                    self.composition(team.as_str(), &r.members, entry, r.at.0, Some(&r.case));
                }
            }
            Payload::CommissionFinding(f) => {
                case_mut(&mut self.cases, &f.case)?.find(&self.terms, &self.board, entry, f)?
            }
            Payload::MeetingMinutes(m) => {
                if !self.terms.is_commission(m.commission.as_str()) {
                    return Err(DocketError::UnknownCommission(m.commission.to_string()));
                }
                self.minutes.push((entry, m.clone()));
            }
            Payload::InspectionReport(r) => {
                // Checked whole before anything is noted, so a refusal changes nothing.
                let reports = inspection::to_reports(&self.terms, r, received_at)?;
                let answered = self.requests.inspect(entry, r)?.map(|request| request.id.clone());
                if let Some(id) = answered {
                    self.board.return_dispatch(&id);
                }
                if let Actor::Team(team) = &r.by
                    && !r.members.is_empty()
                {
                    self.composition(team.as_str(), &r.members, entry, r.at.0, None);
                }
                return Ok(reports);
            }
        }
        Ok(Vec::new())
    }

    /// Every commission finding: dispatch limits and compositions as they arose, and the
    /// meetings judged over all minutes; in order of time, then citation.
    pub fn findings(&self) -> Vec<Finding> {
        let mut all = self.findings.clone();
        all.extend(meetings::findings(&self.terms, &self.minutes));
        all.sort_by(|a, b| (a.at, &a.citation, &a.id).cmp(&(b.at, &b.citation, &b.id)));
        all
    }
}
