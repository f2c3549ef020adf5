//! The payloads of the commission entries: allegation, response, team dispatch,
//! investigation report, commission finding, meeting minutes and inspection report, each
//! one JSON object with no unknown fields (docs/commissions.md). [`decode`] reads the
//! payload of an entry of a given kind and names the field at fault.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::actor::Actor;
use crate::agreement::{Citation, Id, Position, Timestamp};
use crate::journal::EntryKind;
use crate::rules::Direction;

/// The longest id (case, dispatch, inspection, report) a payload may give.
pub const MAX_ID_LEN: usize = 128;

/// Why a payload is not one of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("a {0} entry carries no commission payload")]
    NotCommission(EntryKind),
    #[error("not JSON: {0}")]
    Json(String),
    #[error("{0}")]
    Invalid(String),
    #[error("field `{field}`: {message}")]
    Field { field: String, message: String },
}

/// A response's stance on the allegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stance {
    Admits,
    Denies,
    /// Admits some facts and disputes others.
    Disputes,
}

/// A commission's finding on a case. `corrected` records, after a violation was found,
/// that it has been put right (reported to both commanders as the violation was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Violation,
    NoViolation,
    CannotDetermine,
    Corrected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Violation => "violation",
            Self::NoViolation => "no-violation",
            Self::CannotDetermine => "cannot-determine",
            Self::Corrected => "corrected",
        }
    }
}

/// One side alleges that the other broke a provision, citing reports; opens a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allegation {
    /// The case id the allegation opens, unique in the record.
    pub case: String,
    pub by: Actor,
    /// The side alleged to be responsible.
    pub against: Id,
    pub commission: Id,
    /// The provision alleged broken, e.g. `I.6`.
    pub paragraph: Citation,
    /// Ids of reports in the record (at least one).
    pub reports: Vec<String>,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// The other side answers an allegation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub case: String,
    pub by: Actor,
    pub at: Timestamp,
    pub stance: Stance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// Teams sent out: to investigate a case, or, without a case, on a special inspection
/// whose report is due by `due`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamDispatch {
    /// The dispatch's id, which an inspection report names as its `request`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// The commission, or one side's senior member.
    pub by: Actor,
    /// The kind of team (`jot`, `nnit`).
    pub team: Id,
    /// How many teams (at least 1).
    pub teams: u32,
    pub at: Timestamp,
    /// When the report is due (special inspections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// A team member: name, nationality, and the side that appointed them or the neutral
/// nation they come from (which decides the half they count in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    pub nationality: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nation: Option<Id>,
}

/// The team's report on a case: who investigated and what they found as fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestigationReport {
    pub case: String,
    pub by: Actor,
    pub at: Timestamp,
    pub members: Vec<Member>,
    /// Findings of fact, one sentence each.
    pub facts: Vec<String>,
}

/// The commission's finding on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommissionFinding {
    pub case: String,
    pub by: Actor,
    pub at: Timestamp,
    pub outcome: Outcome,
    /// With a violation: the side held responsible (the accused when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// Someone present at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nation: Option<Id>,
}

/// A recess the meeting agreed: no meeting until `until` (a date, the day meetings resume).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recess {
    pub until: NaiveDate,
}

/// A member ended a recess early, giving notice at `notice_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecessEnded {
    pub by: Actor,
    pub notice_at: Timestamp,
}

/// The minutes of one meeting of a commission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingMinutes {
    pub commission: Id,
    /// When the meeting was held; its day is the date in this time's own offset.
    pub held_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    pub attendees: Vec<Attendee>,
    /// A recess declared at this meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recess: Option<Recess>,
    /// This meeting ends a recess early.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recess_ended: Option<RecessEnded>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// Personnel counted through a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotationCount {
    pub direction: Direction,
    pub count: u32,
}

/// Materiel counted through a port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterielCount {
    pub direction: Direction,
    pub category: String,
    pub item_type: String,
    pub quantity: u32,
}

/// An inspection team's report: at a port of entry (rotations and materiel in and out)
/// or, for a special inspection, wherever it was sent (`request` names the dispatch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionReport {
    /// The inspection's id; the reports made from it are `ID/rotation-N`, `ID/materiel-N`.
    pub id: String,
    pub by: Actor,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<Id>,
    /// Whose personnel and materiel; the port's side when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rotations: Vec<RotationCount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materiel: Vec<MaterielCount>,
    /// The dispatch id of the special inspection this reports on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// A decoded commission payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Allegation(Allegation),
    Response(Response),
    TeamDispatch(TeamDispatch),
    InvestigationReport(InvestigationReport),
    CommissionFinding(CommissionFinding),
    MeetingMinutes(MeetingMinutes),
    InspectionReport(InspectionReport),
}

/// The entry kinds that carry a commission payload, in the order docs/commissions.md
/// gives them: what [`decode`] reads.
pub const KINDS: [EntryKind; 7] = [
    EntryKind::Allegation,
    EntryKind::Response,
    EntryKind::TeamDispatch,
    EntryKind::InvestigationReport,
    EntryKind::CommissionFinding,
    EntryKind::MeetingMinutes,
    EntryKind::InspectionReport,
];

/// Read the payload of an entry of `kind`.
pub fn decode(kind: EntryKind, text: &str) -> Result<Payload, PayloadError> {
    let payload = match kind {
        EntryKind::Allegation => Payload::Allegation(parse(text)?),
        EntryKind::Response => Payload::Response(parse(text)?),
        EntryKind::TeamDispatch => Payload::TeamDispatch(parse(text)?),
        EntryKind::InvestigationReport => Payload::InvestigationReport(parse(text)?),
        EntryKind::CommissionFinding => Payload::CommissionFinding(parse(text)?),
        EntryKind::MeetingMinutes => Payload::MeetingMinutes(parse(text)?),
        EntryKind::InspectionReport => Payload::InspectionReport(parse(text)?),
        other => return Err(PayloadError::NotCommission(other)),
    };
    payload.validate()?;
    Ok(payload)
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, PayloadError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| PayloadError::Json(e.to_string()))?;
    if !value.is_object() {
        return Err(PayloadError::Invalid("a payload is one JSON object".to_owned()));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let message = e.into_inner().to_string();
        if field == "." || field.is_empty() {
            PayloadError::Invalid(message)
        } else {
            PayloadError::Field { field, message }
        }
    })
}

fn field(name: &str, message: impl Into<String>) -> PayloadError {
    PayloadError::Field { field: name.to_owned(), message: message.into() }
}

/// An id given in a payload: 1 to [`MAX_ID_LEN`] characters, no control characters,
/// no surrounding space.
fn check_id(name: &str, id: &str) -> Result<(), PayloadError> {
    let n = id.chars().count();
    if n == 0 || n > MAX_ID_LEN || id.chars().any(char::is_control) || id.trim() != id {
        return Err(field(name, format!("an id is 1 to {MAX_ID_LEN} printable characters without surrounding space")));
    }
    Ok(())
}

fn check_members(members: &[Member]) -> Result<(), PayloadError> {
    for (i, m) in members.iter().enumerate() {
        if m.name.trim().is_empty() {
            return Err(field(&format!("members[{i}].name"), "must not be empty"));
        }
        if m.nationality.trim().is_empty() {
            return Err(field(&format!("members[{i}].nationality"), "must not be empty"));
        }
    }
    Ok(())
}

impl Payload {
    /// The checks serde cannot make: ids, non-empty lists, counts of at least one.
    fn validate(&self) -> Result<(), PayloadError> {
        match self {
            Self::Allegation(a) => {
                check_id("case", &a.case)?;
                if a.reports.is_empty() {
                    return Err(field("reports", "cite at least one report by its id"));
                }
                for (i, r) in a.reports.iter().enumerate() {
                    check_id(&format!("reports[{i}]"), r)?;
                }
            }
            Self::Response(r) => check_id("case", &r.case)?,
            Self::TeamDispatch(d) => {
                check_id("id", &d.id)?;
                if let Some(case) = &d.case {
                    check_id("case", case)?;
                }
                if d.teams == 0 {
                    return Err(field("teams", "send at least one team"));
                }
                if let Some(due) = d.due
                    && due < d.at
                {
                    return Err(field("due", "the report cannot be due before the teams are sent"));
                }
            }
            Self::InvestigationReport(r) => {
                check_id("case", &r.case)?;
                if r.members.is_empty() {
                    return Err(field("members", "name the team's members and their nationalities"));
                }
                check_members(&r.members)?;
                if r.facts.is_empty() {
                    return Err(field("facts", "state at least one finding of fact"));
                }
            }
            Self::CommissionFinding(f) => {
                check_id("case", &f.case)?;
                if f.responsible.is_some() && f.outcome != Outcome::Violation {
                    return Err(field("responsible", "only a violation holds a side responsible"));
                }
            }
            Self::MeetingMinutes(m) => {
                if let Some(recess) = m.recess
                    && recess.until <= m.held_at.0.date_naive()
                {
                    return Err(field("recess.until", "a recess ends after the meeting that declares it"));
                }
                if let Some(ended) = &m.recess_ended
                    && ended.notice_at > m.held_at
                {
                    return Err(field("recess_ended.notice_at", "notice is given before the meeting"));
                }
                for (i, a) in m.attendees.iter().enumerate() {
                    if a.name.trim().is_empty() {
                        return Err(field(&format!("attendees[{i}].name"), "must not be empty"));
                    }
                }
            }
            Self::InspectionReport(r) => {
                check_id("id", &r.id)?;
                if let Some(request) = &r.request {
                    check_id("request", request)?;
                }
                check_members(&r.members)?;
                if r.port.is_none() && (!r.rotations.is_empty() || !r.materiel.is_empty()) {
                    return Err(field("port", "rotations and materiel are counted at a port of entry: name it"));
                }
                for (i, m) in r.materiel.iter().enumerate() {
                    if m.category.trim().is_empty() || m.item_type.trim().is_empty() {
                        return Err(field(&format!("materiel[{i}]"), "category and item_type must not be empty"));
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_its_example() {
        let cases = [
            (
                EntryKind::Allegation,
                r#"{"case":"c1","by":{"side":"kpa-cpv"},"against":"unc","commission":"mac","paragraph":"I.6","reports":["r1"],"at":"1953-08-01T10:00:00+09:00"}"#,
            ),
            (
                EntryKind::Response,
                r#"{"case":"c1","by":{"side":"unc"},"at":"1953-08-02T10:00:00+09:00","stance":"denies"}"#,
            ),
            (
                EntryKind::TeamDispatch,
                r#"{"id":"d1","case":"c1","by":{"commission":"mac"},"team":"jot","teams":2,"at":"1953-08-02T11:00:00+09:00"}"#,
            ),
            (
                EntryKind::InvestigationReport,
                r#"{"case":"c1","by":{"team":"jot"},"at":"1953-08-03T10:00:00+09:00","members":[{"name":"A","nationality":"US","side":"unc"}],"facts":["craters"]}"#,
            ),
            (
                EntryKind::CommissionFinding,
                r#"{"case":"c1","by":{"commission":"mac"},"at":"1953-08-04T10:00:00+09:00","outcome":"violation","responsible":"unc"}"#,
            ),
            (
                EntryKind::MeetingMinutes,
                r#"{"commission":"mac","held_at":"1953-08-04T11:00:00+09:00","attendees":[{"name":"A","side":"unc"}],"recess":{"until":"1953-08-08"}}"#,
            ),
            (
                EntryKind::InspectionReport,
                r#"{"id":"i1","by":{"team":"nnit"},"at":"1953-08-04T11:00:00+09:00","port":"inchon","rotations":[{"direction":"in","count":100}]}"#,
            ),
        ];
        for (kind, text) in cases {
            assert!(decode(kind, text).is_ok(), "{kind}: {:?}", decode(kind, text));
        }
    }

    #[test]
    fn kinds_are_the_kinds_decode_reads() {
        for kind in EntryKind::ALL {
            let refused = matches!(decode(kind, "{}"), Err(PayloadError::NotCommission(_)));
            assert_eq!(refused, !KINDS.contains(&kind), "{kind}");
        }
    }

    /// The examples in docs/commissions.md, kept as the fuzz seeds: each decodes as one
    /// of the kinds.
    #[test]
    fn the_documented_examples_decode() {
        let seeds = include_str!("../../../../fuzz/seeds/commission-payloads.ndjson");
        let docs = include_str!("../../../../docs/commissions.md");
        for line in seeds.lines().filter(|l| !l.trim().is_empty()) {
            assert!(KINDS.iter().any(|&k| decode(k, line).is_ok()), "no kind reads {line}");
            assert!(docs.contains(line), "docs/commissions.md does not show {line}");
        }
    }

    #[test]
    fn bad_payloads_name_the_field() {
        let cases = [
            (EntryKind::Report, "{}", "carries no commission payload"),
            (EntryKind::Allegation, "[1]", "one JSON object"),
            (EntryKind::Allegation, "{", "not JSON"),
            (
                EntryKind::Response,
                r#"{"case":"c1","by":{"side":"unc"},"at":"1953-08-02T10:00:00+09:00","stance":"denies","extra":1}"#,
                "unknown field `extra`",
            ),
            (
                EntryKind::Response,
                r#"{"case":"c1","by":{"side":"unc"},"at":"1953-08-02T10:00:00","stance":"denies"}"#,
                "field `at`",
            ),
            (
                EntryKind::Allegation,
                r#"{"case":"c1","by":{"side":"kpa-cpv"},"against":"unc","commission":"mac","paragraph":"I.6","reports":[],"at":"1953-08-01T10:00:00+09:00"}"#,
                "field `reports`",
            ),
            (
                EntryKind::Allegation,
                r#"{"case":"c1","by":{"side":"kpa-cpv"},"against":"unc","commission":"mac","paragraph":"6","reports":["r"],"at":"1953-08-01T10:00:00+09:00"}"#,
                "field `paragraph`",
            ),
            (
                EntryKind::TeamDispatch,
                r#"{"id":"d1","by":{"commission":"mac"},"team":"jot","teams":0,"at":"1953-08-02T11:00:00+09:00"}"#,
                "field `teams`",
            ),
            (
                EntryKind::TeamDispatch,
                r#"{"id":" d1","by":{"commission":"mac"},"team":"jot","teams":1,"at":"1953-08-02T11:00:00+09:00"}"#,
                "field `id`",
            ),
            (
                EntryKind::CommissionFinding,
                r#"{"case":"c1","by":{"commission":"mac"},"at":"1953-08-04T10:00:00+09:00","outcome":"no-violation","responsible":"unc"}"#,
                "field `responsible`",
            ),
            (
                EntryKind::MeetingMinutes,
                r#"{"commission":"mac","held_at":"1953-08-04T11:00:00+09:00","attendees":[],"recess":{"until":"1953-08-04"}}"#,
                "field `recess.until`",
            ),
            (
                EntryKind::InspectionReport,
                r#"{"id":"i1","by":{"team":"nnit"},"at":"1953-08-04T11:00:00+09:00","rotations":[{"direction":"in","count":100}]}"#,
                "field `port`",
            ),
            (
                EntryKind::InvestigationReport,
                r#"{"case":"c1","by":{"team":"jot"},"at":"1953-08-03T10:00:00+09:00","members":[{"name":"A","nationality":"US","rank":"Col"}],"facts":["x"]}"#,
                "members[0]",
            ),
        ];
        for (kind, text, expected) in cases {
            let error = decode(kind, text).unwrap_err().to_string();
            assert!(error.contains(expected), "{kind} {text}: {error}");
        }
    }
}
