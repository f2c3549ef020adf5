//! Neutral inspections: an inspection report at a port of entry becomes rotation and
//! materiel reports the compliance rules already check (`rules::Report`), and a special
//! inspection (a dispatch without a case) is tracked to the report that answers it; one
//! still unanswered when its report is due is outstanding.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::actor::Actor;
use super::payload::{InspectionReport, TeamDispatch};
use super::terms::Terms;
use crate::agreement::Timestamp;
use crate::rules::report::{Observed, Observer, Reporter};
use crate::rules::{Event, Report};

/// Why an inspection report was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error("inspection `{inspection}`: `{port}` is not a port of entry of this agreement")]
    UnknownPort { inspection: String, port: String },
    #[error("inspection `{inspection}`: `{side}` is not a side of this agreement")]
    UnknownSide { inspection: String, side: String },
    #[error("inspection `{inspection}`: a {actor} does not file inspection reports; a team does")]
    NotATeam { inspection: String, actor: Actor },
    #[error("inspection `{inspection}`: `{team}` is not a team of this agreement")]
    UnknownTeam { inspection: String, team: String },
    #[error("inspection `{inspection}`: no special inspection `{request}` was requested")]
    UnknownRequest { inspection: String, request: String },
    #[error("inspection `{inspection}`: request `{request}` went to {sent} teams, not to {team} teams")]
    WrongTeam { inspection: String, request: String, sent: String, team: String },
    #[error("inspection `{inspection}`: request `{request}` was answered already, by entry {entry}")]
    Answered { inspection: String, request: String, entry: u64 },
    #[error("inspection `{inspection}`: the record already has an inspection with this id")]
    Duplicate { inspection: String },
}

/// The reports an inspection at a port makes: one per rotation and materiel line, in the
/// payload's order, ids `ID/rotation-N` and `ID/materiel-N` (from 1), reported by the
/// team's commission and team, observed at the inspection's time at the port, received
/// at `received_at` (or the inspection's time, if later).
pub fn to_reports(
    terms: &Terms,
    r: &InspectionReport,
    received_at: DateTime<FixedOffset>,
) -> Result<Vec<Report>, InspectionError> {
    let inspection = || r.id.clone();
    let Actor::Team(team) = &r.by else {
        return Err(InspectionError::NotATeam { inspection: inspection(), actor: r.by.clone() });
    };
    let Some(team_terms) = terms.teams.get(team.as_str()) else {
        return Err(InspectionError::UnknownTeam { inspection: inspection(), team: team.to_string() });
    };
    let Some(port_id) = &r.port else { return Ok(Vec::new()) };
    let Some(port) = terms.ports.get(port_id.as_str()) else {
        return Err(InspectionError::UnknownPort { inspection: inspection(), port: port_id.to_string() });
    };
    let side = r.side.as_ref().map_or_else(|| port.side.clone(), ToString::to_string);
    if !terms.is_side(&side) {
        return Err(InspectionError::UnknownSide { inspection: inspection(), side });
    }
    let reported_by = Reporter {
        party: team_terms.commission.as_str().into(),
        team: Some(team.as_str().into()),
        observers: r
            .members
            .iter()
            .map(|m| Observer { name: m.name.clone(), nationality: Some(m.nationality.clone()) })
            .collect(),
    };
    let received = Timestamp(received_at.max(r.at.0));
    let report = |id: String, event: Event| Report {
        id: id.into(),
        reported_by: reported_by.clone(),
        observed_at: Observed::At(r.at),
        time_precision: None,
        received_at: received,
        position: Some(port.position),
        track: Vec::new(),
        location_precision_m: None,
        alleged_responsible: None,
        assessed_responsible: None,
        evidence: Vec::new(),
        notes: Some(format!("from inspection report {}", r.id)),
        event,
    };
    let mut reports = Vec::with_capacity(r.rotations.len() + r.materiel.len());
    for (i, rotation) in r.rotations.iter().enumerate() {
        reports.push(report(
            format!("{}/rotation-{}", r.id, i + 1),
            Event::Rotation {
                side: side.as_str().into(),
                port: port_id.as_str().into(),
                direction: rotation.direction,
                count: rotation.count,
            },
        ));
    }
    for (i, m) in r.materiel.iter().enumerate() {
        reports.push(report(
            format!("{}/materiel-{}", r.id, i + 1),
            Event::Materiel {
                side: side.as_str().into(),
                port: port_id.as_str().into(),
                direction: m.direction,
                category: m.category.as_str().into(),
                item_type: m.item_type.as_str().into(),
                quantity: m.quantity,
            },
        ));
    }
    Ok(reports)
}

/// Where a special inspection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequestStatus {
    /// Answered by its due time (or it had none).
    Reported,
    /// Answered after its due time.
    ReportedLate,
    /// Not answered, not yet due.
    Pending,
    /// Not answered and past due: outstanding.
    Overdue,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::ReportedLate => "reported-late",
            Self::Pending => "pending",
            Self::Overdue => "overdue",
        }
    }
}

/// A special inspection asked for: a dispatch without a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: String,
    pub entry: u64,
    pub by: Actor,
    pub team: String,
    pub teams: u32,
    pub at: DateTime<FixedOffset>,
    pub due: Option<DateTime<FixedOffset>>,
    /// The entry and time of the report that answered it.
    pub answered: Option<(u64, DateTime<FixedOffset>)>,
}

impl Request {
    /// Where it stands as of `as_of`.
    pub fn status(&self, as_of: DateTime<FixedOffset>) -> RequestStatus {
        match (self.answered, self.due) {
            (Some((_, at)), Some(due)) if at > due => RequestStatus::ReportedLate,
            (Some(_), _) => RequestStatus::Reported,
            (None, Some(due)) if due < as_of => RequestStatus::Overdue,
            (None, _) => RequestStatus::Pending,
        }
    }
}

/// Special inspections by id, and the inspection ids seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requests {
    pub requests: BTreeMap<String, Request>,
    inspections: std::collections::BTreeSet<String>,
}

impl Requests {
    /// Note a dispatch without a case (already accepted by the dispatch board).
    pub fn request(&mut self, entry: u64, d: &TeamDispatch) {
        self.requests.insert(
            d.id.clone(),
            Request {
                id: d.id.clone(),
                entry,
                by: d.by.clone(),
                team: d.team.to_string(),
                teams: d.teams,
                at: d.at.0,
                due: d.due.map(|t| t.0),
                answered: None,
            },
        );
    }

    /// Note an inspection report; one naming a request answers it. Returns the request
    /// answered, if any.
    pub fn inspect(&mut self, entry: u64, r: &InspectionReport) -> Result<Option<&Request>, InspectionError> {
        if self.inspections.contains(&r.id) {
            return Err(InspectionError::Duplicate { inspection: r.id.clone() });
        }
        let answered = match &r.request {
            None => None,
            Some(id) => {
                let Some(request) = self.requests.get_mut(id) else {
                    return Err(InspectionError::UnknownRequest { inspection: r.id.clone(), request: id.clone() });
                };
                if let Actor::Team(team) = &r.by
                    && team.as_str() != request.team
                {
                    return Err(InspectionError::WrongTeam {
                        inspection: r.id.clone(),
                        request: id.clone(),
                        sent: request.team.clone(),
                        team: team.to_string(),
                    });
                }
                if let Some((entry, _)) = request.answered {
                    return Err(InspectionError::Answered { inspection: r.id.clone(), request: id.clone(), entry });
                }
                request.answered = Some((entry, r.at.0));
                Some(id.clone())
            }
        };
        self.inspections.insert(r.id.clone());
        Ok(answered.and_then(|id| self.requests.get(&id)))
    }

    /// Requests past due and unanswered as of `as_of`, by id.
    pub fn outstanding(&self, as_of: DateTime<FixedOffset>) -> Vec<&Request> {
        self.requests.values().filter(|r| r.status(as_of) == RequestStatus::Overdue).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{Id, builtin, load};
    use crate::commission::payload::{MaterielCount, RotationCount};
    use crate::rules::Direction;

    fn t(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn inspection(id: &str, port: Option<&str>, request: Option<&str>) -> InspectionReport {
        InspectionReport {
            id: id.into(),
            by: Actor::Team(Id::parse("nnit").unwrap()),
            at: t("1953-08-10T09:00:00+09:00"),
            port: port.map(|p| Id::parse(p).unwrap()),
            side: None,
            position: None,
            members: Vec::new(),
            rotations: vec![
                RotationCount { direction: Direction::In, count: 1200 },
                RotationCount { direction: Direction::Out, count: 1000 },
            ],
            materiel: vec![MaterielCount {
                direction: Direction::In,
                category: "combat-aircraft".into(),
                item_type: "F-86".into(),
                quantity: 4,
            }],
            request: request.map(str::to_owned),
            summary: None,
        }
    }

    #[test]
    fn a_port_inspection_becomes_rotation_and_materiel_reports() {
        let terms = Terms::from_agreement(&load(&builtin::korea_1953()).unwrap());
        let received = t("1953-08-10T12:00:00+09:00").0;
        let reports = to_reports(&terms, &inspection("i1", Some("inchon"), None), received).unwrap();
        let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["i1/rotation-1", "i1/rotation-2", "i1/materiel-1"]);
        assert_eq!(
            reports[0].event,
            Event::Rotation { side: "unc".into(), port: "inchon".into(), direction: Direction::In, count: 1200 }
        );
        assert_eq!(reports[0].reported_by.party, "nnsc");
        assert_eq!(reports[2].event.kind(), "materiel");
        // Each made report reads back through the report parser: the rules see what a
        // report line would give them.
        for report in &reports {
            assert_eq!(&Report::parse(&report.to_json().to_string()).unwrap(), report);
        }
        let bad = to_reports(&terms, &inspection("i2", Some("atlantis"), None), received).unwrap_err();
        assert!(bad.to_string().contains("not a port of entry"), "{bad}");
        assert!(to_reports(&terms, &inspection("i3", None, None), received).unwrap().is_empty());
    }

    #[test]
    fn special_inspections_are_tracked_to_their_report() {
        let dispatch = |id: &str, due: &str| TeamDispatch {
            id: id.into(),
            case: None,
            by: Actor::Commission(Id::parse("mac").unwrap()),
            team: Id::parse("nnit").unwrap(),
            teams: 1,
            at: t("1953-08-05T09:00:00+09:00"),
            due: Some(t(due)),
            position: None,
        };
        let mut requests = Requests::default();
        requests.request(1, &dispatch("s1", "1953-08-12T09:00:00+09:00"));
        requests.request(2, &dispatch("s2", "1953-08-08T09:00:00+09:00"));
        requests.request(3, &dispatch("s3", "1953-08-07T09:00:00+09:00"));
        requests.request(4, &dispatch("s4", "1953-08-20T09:00:00+09:00"));
        // s1 answered on time (08-10), s2 late (08-10 after 08-08); s3 never, past due;
        // s4 never, not yet due.
        assert!(requests.inspect(5, &inspection("i1", None, Some("s1"))).unwrap().is_some());
        assert!(requests.inspect(6, &inspection("i2", None, Some("s2"))).is_ok());
        let as_of = t("1953-08-15T00:00:00+09:00").0;
        let status: Vec<(&str, RequestStatus)> =
            requests.requests.values().map(|r| (r.id.as_str(), r.status(as_of))).collect();
        assert_eq!(
            status,
            [
                ("s1", RequestStatus::Reported),
                ("s2", RequestStatus::ReportedLate),
                ("s3", RequestStatus::Overdue),
                ("s4", RequestStatus::Pending)
            ]
        );
        assert_eq!(requests.outstanding(as_of).iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["s3"]);
        let refusals = [
            (inspection("i1", None, None), "already has an inspection"),
            (inspection("i9", None, Some("s9")), "no special inspection `s9`"),
            (inspection("i8", None, Some("s1")), "answered already, by entry 5"),
        ];
        for (report, expected) in refusals {
            let error = requests.inspect(9, &report).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
