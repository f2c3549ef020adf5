//! The typed rules a provision can carry. Each kind has the parameters a program needs
//! to check it; the engine knows these kinds, never a particular agreement.

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::values::Id;

/// What kind of people a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Military,
    CivilAdministration,
    Relief,
    CivilPolice,
    /// Commission members, teams and their staff.
    Commission,
    /// Unarmed troops clearing hazards under supervision.
    Salvage,
}

/// A provision's rule. In TOML the kind is the key: `rule.withdrawal = { ... }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    HostileAct(HostileAct),
    LineCrossing(LineCrossing),
    ZoneEntry(ZoneEntry),
    ZoneExit(ZoneExit),
    HeadcountLimit(HeadcountLimit),
    ArmedPersonnel(ArmedPersonnel),
    Withdrawal(Withdrawal),
    HazardRemoval(HazardRemoval),
    IslandEvacuation(IslandEvacuation),
    Rotation(Rotation),
    Replacement(Replacement),
    GroundForces(Territorial),
    NavalForces(Naval),
    Airspace(Territorial),
    Composition(Composition),
    DispatchLimit(DispatchLimit),
    Meetings(Meetings),
    DirectRepatriation(DirectRepatriation),
    SickAndInjuredFirst(SickAndInjuredFirst),
    NoForcedRepatriation(NoForcedRepatriation),
    ExchangePoint(ExchangePointRule),
    PrisonerInformation(PrisonerInformation),
    CustodyHandover(CustodyHandover),
    Explanation(Explanation),
    Disposition(Disposition),
    PeriodicReport(PeriodicReport),
    PoliticalConference(PoliticalConference),
}

impl Rule {
    /// The kind's name as written in the file, e.g. `withdrawal`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::HostileAct(_) => "hostile-act",
            Self::LineCrossing(_) => "line-crossing",
            Self::ZoneEntry(_) => "zone-entry",
            Self::ZoneExit(_) => "zone-exit",
            Self::HeadcountLimit(_) => "headcount-limit",
            Self::ArmedPersonnel(_) => "armed-personnel",
            Self::Withdrawal(_) => "withdrawal",
            Self::HazardRemoval(_) => "hazard-removal",
            Self::IslandEvacuation(_) => "island-evacuation",
            Self::Rotation(_) => "rotation",
            Self::Replacement(_) => "replacement",
            Self::GroundForces(_) => "ground-forces",
            Self::NavalForces(_) => "naval-forces",
            Self::Airspace(_) => "airspace",
            Self::Composition(_) => "composition",
            Self::DispatchLimit(_) => "dispatch-limit",
            Self::Meetings(_) => "meetings",
            Self::DirectRepatriation(_) => "direct-repatriation",
            Self::SickAndInjuredFirst(_) => "sick-and-injured-first",
            Self::NoForcedRepatriation(_) => "no-forced-repatriation",
            Self::ExchangePoint(_) => "exchange-point",
            Self::PrisonerInformation(_) => "prisoner-information",
            Self::CustodyHandover(_) => "custody-handover",
            Self::Explanation(_) => "explanation",
            Self::Disposition(_) => "disposition",
            Self::PeriodicReport(_) => "periodic-report",
            Self::PoliticalConference(_) => "political-conference",
        }
    }

    /// Every reference this rule makes to something else in the agreement, as
    /// (field, what it names, id), for the loader to resolve.
    pub fn references(&self) -> Vec<(&'static str, Target, &Id)> {
        use Target::*;
        let mut refs = Vec::new();
        match self {
            Self::HostileAct(r) => {
                refs.push(("from", Anchor, &r.from));
                if let Some(zone) = &r.zone {
                    refs.push(("zone", Zone, zone));
                }
            }
            Self::LineCrossing(r) => {
                refs.push(("line", Line, &r.line));
                refs.push(("authorized_by", Commission, &r.authorized_by));
            }
            Self::ZoneEntry(r) => {
                refs.push(("zone", Zone, &r.zone));
                refs.push(("authorized_by", Commission, &r.authorized_by));
            }
            Self::ZoneExit(r) => refs.push(("zone", Zone, &r.zone)),
            Self::HeadcountLimit(r) => refs.push(("zone", Zone, &r.zone)),
            Self::ArmedPersonnel(r) => {
                refs.push(("zone", Zone, &r.zone));
                refs.push(("authorized_by", Commission, &r.authorized_by));
            }
            Self::Withdrawal(r) => {
                refs.push(("zone", Zone, &r.zone));
                refs.push(("deadline", Deadline, &r.deadline));
            }
            Self::HazardRemoval(r) => {
                refs.push(("zone", Zone, &r.zone));
                refs.push(("report_by", Deadline, &r.report_by));
                refs.push(("remove_by", Deadline, &r.remove_by));
                refs.push(("supervised_by", Commission, &r.supervised_by));
            }
            Self::IslandEvacuation(r) => refs.push(("deadline", Deadline, &r.deadline)),
            Self::Rotation(r) => refs.extend(r.reported_to.iter().map(|c| ("reported_to", Commission, c))),
            Self::Replacement(r) => refs.extend(r.reported_to.iter().map(|c| ("reported_to", Commission, c))),
            Self::GroundForces(r) | Self::Airspace(r) => {
                refs.push(("from", Anchor, &r.from));
                refs.extend(r.zones.iter().map(|z| ("zones", Zone, z)));
            }
            Self::NavalForces(r) => {
                refs.push(("from", Anchor, &r.from));
                refs.extend(r.zones.iter().map(|z| ("zones", Zone, z)));
            }
            Self::Composition(r) => refs.push(("body", Body, &r.body)),
            Self::DispatchLimit(r) => refs.push(("team", Team, &r.team)),
            Self::Meetings(r) => refs.push(("commission", Commission, &r.commission)),
            Self::DirectRepatriation(r) => refs.push(("deadline", Deadline, &r.deadline)),
            Self::SickAndInjuredFirst(_) | Self::NoForcedRepatriation(_) => {}
            Self::ExchangePoint(r) => {
                refs.push(("point", ExchangePoint, &r.point));
                refs.push(("more_designated_by", Commission, &r.more_designated_by));
            }
            Self::PrisonerInformation(r) => {
                refs.push(("deadline", Deadline, &r.deadline));
                refs.push(("reported_through", Commission, &r.reported_through));
            }
            Self::CustodyHandover(r) => {
                refs.push(("deadline", Deadline, &r.deadline));
                refs.push(("to", Commission, &r.to));
            }
            Self::Explanation(_) | Self::Disposition(_) => {}
            Self::PeriodicReport(r) => refs.push(("by", Commission, &r.by)),
            Self::PoliticalConference(r) => refs.push(("deadline", Deadline, &r.deadline)),
        }
        refs
    }
}

/// What a reference in a rule names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Zone,
    Line,
    Commission,
    Team,
    /// A commission or a team.
    Body,
    Deadline,
    /// `signed`, `effective` or a deadline.
    Anchor,
    ExchangePoint,
}

impl Target {
    pub fn noun(self) -> &'static str {
        match self {
            Self::Zone => "zone",
            Self::Line => "line",
            Self::Commission => "commission",
            Self::Team => "team",
            Self::Body => "commission or team",
            Self::Deadline => "deadline",
            Self::Anchor => "anchor (signed, effective or a deadline)",
            Self::ExchangePoint => "exchange point",
        }
    }
}

/// No hostile act from the anchor on: anywhere, or within, from or against a zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostileAct {
    /// When the ban starts: `effective`, `signed` or a deadline.
    pub from: Id,
    /// Limit the rule to acts within, from or against this zone; none means anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<Id>,
}

/// Nobody crosses the line without the named commission's authorization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineCrossing {
    pub line: Id,
    pub authorized_by: Id,
}

/// Only the listed roles, or those the commission authorizes, may enter the zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneEntry {
    pub zone: Id,
    pub allowed: Vec<Role>,
    pub authorized_by: Id,
}

/// Leaving the zone into a side's territory needs that side's commander's authorization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneExit {
    pub zone: Id,
}

/// At most `max_per_side` persons of one side with `role` in the zone at any one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadcountLimit {
    pub zone: Id,
    pub role: Role,
    pub max_per_side: u32,
}

/// Nobody carries arms in the zone except the listed roles with the commission's authority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmedPersonnel {
    pub zone: Id,
    pub allowed: Vec<Role>,
    pub authorized_by: Id,
}

/// Forces, supplies and equipment leave the zone by the deadline; the exempt roles may stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    pub zone: Id,
    pub deadline: Id,
    #[serde(default)]
    pub exempt: Vec<Role>,
}

/// Hazards in the zone are reported by one deadline and removed by another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HazardRemoval {
    pub zone: Id,
    pub report_by: Id,
    pub remove_by: Id,
    pub supervised_by: Id,
}

/// Each side leaves the other side's rear and coastal islands by the deadline; the
/// agreement's `[[island]]` list says who keeps which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IslandEvacuation {
    pub deadline: Id,
    /// The date whose control decides what counts as a coastal island (RFC 3339 date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_reference_date: Option<String>,
}

/// Personnel enter only to replace those who leave, within a monthly cap, through ports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    pub man_for_man: bool,
    pub monthly_cap_per_side: u32,
    pub ports_of_entry_only: bool,
    /// How often arrivals and departures are reported.
    pub report_every: Period,
    #[serde(default)]
    pub reported_to: Vec<Id>,
}

/// Combat materiel enters only to replace what was destroyed, worn out or used up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    pub piece_for_piece: bool,
    pub same_type: bool,
    pub same_effectiveness: bool,
    pub ports_of_entry_only: bool,
    /// Categories of materiel covered (e.g. `combat-aircraft`, `armored-vehicle`).
    pub categories: Vec<String>,
    #[serde(default)]
    pub reported_to: Vec<Id>,
}

/// Forces respect the listed zones and, when set, the other side's territory or waters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Territorial {
    pub from: Id,
    #[serde(default)]
    pub zones: Vec<Id>,
    #[serde(default)]
    pub other_side_territory: bool,
    #[serde(default)]
    pub other_side_waters: bool,
}

/// Naval forces respect the waters next to the zones and to the other side's land, and
/// blockade nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naval {
    pub from: Id,
    #[serde(default)]
    pub zones: Vec<Id>,
    pub other_side_waters: bool,
    pub no_blockade: bool,
    /// How far from the coast "contiguous waters" reach, in metres, when the
    /// agreement or practice fixes it; none when the agreement is silent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contiguous_waters_m: Option<f64>,
}

/// The commission's or team's composition, as its definition states, is binding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composition {
    pub body: Id,
}

/// One side may send at most this share of the team's available teams at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchLimit {
    pub team: Id,
    pub max_share_per_side: f64,
    /// Count only teams not already sent by the commission itself.
    #[serde(default)]
    pub of_undispatched: bool,
    /// Count only the mobile reserve.
    #[serde(default)]
    pub mobile_only: bool,
}

/// The commission meets every `every`; recesses last at most `max_recess`, and any
/// member may end one on `recess_end_notice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meetings {
    pub commission: Id,
    pub every: Period,
    pub max_recess: Period,
    pub recess_end_notice: Period,
}

/// Every prisoner who insists on repatriation is handed over by the deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectRepatriation {
    pub deadline: Id,
}

/// Sick and injured prisoners who insist on repatriation go first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SickAndInjuredFirst {}

/// Nobody is repatriated against the choice they stated: no force or threat to make a
/// prisoner go home (nor to stop one who asks to).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoForcedRepatriation {}

/// Where hand-overs happen, and who may designate more places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangePointRule {
    pub point: Id,
    pub more_designated_by: Id,
}

/// Escapes and deaths are reported by the deadline and then every `then_every`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrisonerInformation {
    pub deadline: Id,
    pub then_every: Period,
    pub reported_through: Id,
}

/// Prisoners not directly repatriated are handed to the commission by the deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyHandover {
    pub deadline: Id,
    pub to: Id,
}

/// The home side may explain to prisoners in custody for a period after custody starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// From the day custody starts.
    pub period: Period,
    pub explainers_per_thousand: u32,
    pub min_explainers: u32,
    pub max_radio_team_size: u32,
}

/// What happens to those still in custody: referral, civilian status, departure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disposition {
    /// Time the political conference has to settle remaining cases.
    pub conference_period: Period,
    /// From the day custody starts: anyone still held becomes a civilian.
    pub civilian_status_after: Period,
    /// Time to help those who choose a neutral nation to go there.
    pub neutral_departure_within: Period,
}

/// A body reports every `every` (e.g. the weekly count of repatriated and remaining).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodicReport {
    pub by: Id,
    pub every: Period,
    pub content: String,
}

/// The commanders recommend a political conference by the deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoliticalConference {
    pub deadline: Id,
}
