//! The agreement file (`agreement.toml`) as typed data: what a user writes, checked field
//! by field by serde. Cross-references and geometry are checked afterwards, in `load`.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::citation::Citation;
use super::period::Period;
use super::rule::Rule;
use super::values::{Id, Position, Timestamp};

/// The version of the format this crate reads, the first line of every agreement file.
pub const FORMAT: &str = "armistice-agreement/1";

/// The whole of `agreement.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementDocument {
    /// Always `armistice-agreement/1` for this version of the format.
    pub format: String,
    pub id: Id,
    pub name: String,
    pub place: String,
    /// When the agreement was signed, with the UTC offset in force where it was signed.
    pub signed_at: Timestamp,
    /// When its provisions take effect, as an offset from signing.
    pub effective: Effective,
    /// The languages whose texts are authentic, as BCP 47 tags.
    #[serde(default)]
    pub languages: Vec<String>,
    /// A paragraph in our own words: what the agreement does.
    pub summary: String,
    #[serde(rename = "side")]
    pub sides: Vec<Spanned<Side>>,
    #[serde(rename = "neutral_nation", default)]
    pub neutral_nations: Vec<Spanned<NeutralNation>>,
    #[serde(default)]
    pub geography: Geography,
    #[serde(rename = "line", default)]
    pub lines: Vec<Spanned<Line>>,
    #[serde(rename = "zone", default)]
    pub zones: Vec<Spanned<Zone>>,
    #[serde(rename = "island", default)]
    pub islands: Vec<Spanned<Island>>,
    #[serde(rename = "port", default)]
    pub ports: Vec<Spanned<Port>>,
    #[serde(rename = "exchange_point", default)]
    pub exchange_points: Vec<Spanned<ExchangePoint>>,
    #[serde(rename = "deadline", default)]
    pub deadlines: Vec<Spanned<Deadline>>,
    #[serde(rename = "commission", default)]
    pub commissions: Vec<Spanned<Commission>>,
    #[serde(rename = "team", default)]
    pub teams: Vec<Spanned<Team>>,
    #[serde(rename = "provision", default)]
    pub provisions: Vec<Spanned<Provision>>,
}

/// When the provisions take effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effective {
    /// Time from signing to effect, e.g. `PT12H`.
    pub after_signing: Period,
    pub citation: Citation,
}

/// Which side of a directed line: walking from its first vertex to its last, `left` or
/// `right`. For a line drawn west to east, north is `left`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineSide {
    Left,
    Right,
}

impl LineSide {
    pub fn opposite(self) -> Self {
        match self {
            Self::Left => Self::Right,
            Self::Right => Self::Left,
        }
    }
}

/// One of the two belligerent sides, which may be several commands acting jointly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub id: Id,
    pub name: String,
    /// The side of the demarcation line this side holds.
    pub line_side: LineSide,
    /// The zone id given to the territory this side controls (e.g. `south`).
    pub territory_zone: Id,
    #[serde(default, rename = "commander")]
    pub commanders: Vec<Person>,
    /// Those who signed for the side at the signing itself.
    #[serde(default, rename = "delegate")]
    pub delegates: Vec<Person>,
}

/// A signatory or office-holder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<Timestamp>,
    /// Anything a reader should know, e.g. a signature dated differently by other sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A nation whose combat forces took no part, named to a neutral commission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeutralNation {
    pub id: Id,
    pub name: String,
    /// The side that named it, or none when named by both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominated_by: Option<Id>,
}

/// Land and sea: where the line's sides are split and what is water.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Geography {
    /// A GeoJSON file of land polygons; anything outside them is sea.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land: Option<String>,
    /// The zone id given to waters outside every other zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sea_zone: Option<Id>,
    /// Where the geometry came from, with version and licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What a line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineKind {
    /// The line from which each side withdraws.
    Demarcation,
    /// Any other line the agreement names (a boundary, a route).
    Reference,
}

/// A line, its geometry in a GeoJSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub id: Id,
    pub name: String,
    pub kind: LineKind,
    /// Path of a GeoJSON file, relative to the agreement directory, holding one
    /// LineString (or a Feature or FeatureCollection with one).
    pub file: String,
    pub citation: Citation,
    /// What a user of the geometry should know: its source's precision, known gaps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Markers placed along the line, numbered from its first vertex to its last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markers: Option<Markers>,
}

/// How markers are placed along a line: a fixed number spread evenly from end to end,
/// or one every `spacing_m` metres from the first vertex. Give one of the two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Markers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spacing_m: Option<f64>,
}

/// A zone: a band around a line, or an area drawn in a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: Id,
    pub name: String,
    pub citation: Citation,
    /// A band either side of a line; give this or `area`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer: Option<Buffer>,
    /// An area given as polygons in a GeoJSON file; give this or `buffer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
}

/// A band of `half_width_m` metres on the ground either side of a line, split into halves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buffer {
    pub line: Id,
    pub half_width_m: f64,
    /// Zone id of the half on the line's left (north, for a west-to-east line).
    pub left_half: Id,
    /// Zone id of the half on the line's right.
    pub right_half: Id,
}

/// An area whose polygons are in a GeoJSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub file: String,
}

/// An island (or island group) whose holder the agreement settles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Island {
    pub id: Id,
    pub name: String,
    pub position: Position,
    pub held_by: Id,
    pub citation: Citation,
    /// Land within this many metres of `position` belongs to the island; 3000 when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_m: Option<f64>,
}

/// A port of entry through which rotation and replacement must pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Port {
    pub id: Id,
    pub name: String,
    pub side: Id,
    pub position: Position,
    pub citation: Citation,
}

/// A place where prisoners are handed over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangePoint {
    pub id: Id,
    pub name: String,
    pub position: Position,
    pub citation: Citation,
}

/// A fixed instant the agreement sets: a period after an anchor, which is `signed`,
/// `effective` or another deadline's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub id: Id,
    pub name: String,
    pub from: Id,
    pub after: Period,
    pub citation: Citation,
}

/// Who appoints a commission's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommissionKind {
    /// Members appointed by the two sides.
    Joint,
    /// Members from neutral nations.
    Neutral,
}

/// When a commission may act, by who is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quorum {
    /// As many members present from each side's nominees.
    BalancedNominees,
    /// A majority of members.
    Majority,
}

/// A commission or committee the agreement creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commission {
    pub id: Id,
    pub name: String,
    pub abbreviation: String,
    pub kind: CommissionKind,
    pub citation: Citation,
    /// For a joint body: how many members each side appoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members_per_side: Option<u32>,
    /// For a joint body: how many of each side's members must be general or flag officers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_officers_per_side: Option<u32>,
    /// Required rank of members, in words (e.g. `field-grade`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_grade: Option<String>,
    /// For a neutral body: the neutral nations, each with `members_per_nation` members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nations: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members_per_nation: Option<u32>,
    /// The nation that chairs, or none for a body without a chairman.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair: Option<Id>,
    /// Most staff assistants per member nation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_staff_per_nation: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<Quorum>,
    /// The body it works under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub under: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headquarters: Option<Position>,
}

/// How a team's members are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TeamComposition {
    /// Half appointed by each side.
    HalfPerSide,
    /// Half from the neutral nations each side nominated.
    HalfPerNominatingSide,
}

/// Teams a commission sends out (observer teams, inspection teams, Red Cross teams).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub id: Id,
    pub name: String,
    pub commission: Id,
    pub citation: Citation,
    pub initial_count: u32,
    pub min_members: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_members: Option<u32>,
    pub composition: TeamComposition,
    /// Teams stationed at each side's ports of entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stationed_per_side: Option<u32>,
    /// Teams held in reserve to be sent where needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<u32>,
}

/// One provision: its citation, a one-line summary in our own words, and the typed rule
/// a program checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    pub citation: Citation,
    pub summary: String,
    pub rule: Rule,
}
