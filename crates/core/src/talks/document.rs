//! `talks.toml` as serde types (docs/talks.md). Every element is also the payload of one
//! journal entry of kind `talks`, as JSON with a `"type"` naming its table.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::Spanned;

use crate::agreement::Id;

/// The format string of this version.
pub const FORMAT: &str = "armistice-talks/1";

/// A day, as the talks record dates things (the day where the talks were held):
/// `1951-07-10` in TOML (a bare date) or JSON (a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

impl Day {
    pub fn parse(text: &str) -> Result<Self, String> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Self)
            .map_err(|_| format!("`{text}` is not a day: write YYYY-MM-DD, e.g. 1951-07-10"))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DayVisitor;
        impl<'de> Visitor<'de> for DayVisitor {
            type Value = Day;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a day, e.g. 1951-07-10")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Day, E> {
                Day::parse(text).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Day, A::Error> {
                // TOML's native dates arrive as a map; a time of day is refused.
                let datetime = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                if datetime.time.is_some() || datetime.offset.is_some() {
                    return Err(de::Error::custom(format!(
                        "`{datetime}` is not a day: write only the date, e.g. 1951-07-10"
                    )));
                }
                Day::parse(&datetime.to_string()).map_err(de::Error::custom)
            }
        }
        deserializer.deserialize_any(DayVisitor)
    }
}

/// The whole of `talks.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TalksDocument {
    pub format: String,
    pub id: Id,
    pub name: String,
    /// The day of the first session; nothing but an `[[event]]` may be dated before it.
    pub opened: Day,
    /// The sides' ids, as the compiled agreement names them.
    pub sides: Vec<Id>,
    /// Where geometry files named by provisions are found, relative to the talks directory.
    #[serde(default)]
    pub files: Option<String>,
    #[serde(rename = "source", default)]
    pub sources: Vec<Spanned<Source>>,
    #[serde(rename = "delegation", default)]
    pub delegations: Vec<Spanned<Delegation>>,
    #[serde(rename = "item", default)]
    pub items: Vec<Spanned<Item>>,
    #[serde(rename = "session", default)]
    pub sessions: Vec<Spanned<Session>>,
    #[serde(rename = "proposal", default)]
    pub proposals: Vec<Spanned<Proposal>>,
    #[serde(rename = "response", default)]
    pub responses: Vec<Spanned<Response>>,
    #[serde(rename = "suspension", default)]
    pub suspensions: Vec<Spanned<Suspension>>,
    #[serde(rename = "site_change", default)]
    pub site_changes: Vec<Spanned<SiteChange>>,
    #[serde(rename = "agreed", default)]
    pub agreed: Vec<Spanned<Agreed>>,
    #[serde(rename = "event", default)]
    pub events: Vec<Spanned<Event>>,
}

impl TalksDocument {
    /// Every element with where it starts (a byte offset in the file, or a journal
    /// entry's index), table by table in the order of the format.
    pub fn elements(&self) -> Vec<(usize, Element)> {
        fn each<T: Clone>(all: &[Spanned<T>], wrap: fn(T) -> Element) -> impl Iterator<Item = (usize, Element)> + '_ {
            all.iter().map(move |s| (s.span().start, wrap(s.get_ref().clone())))
        }
        each(&self.sources, Element::Source)
            .chain(each(&self.delegations, Element::Delegation))
            .chain(each(&self.items, Element::Item))
            .chain(each(&self.sessions, Element::Session))
            .chain(each(&self.proposals, Element::Proposal))
            .chain(each(&self.responses, Element::Response))
            .chain(each(&self.suspensions, Element::Suspension))
            .chain(each(&self.site_changes, Element::SiteChange))
            .chain(each(&self.agreed, Element::Agreed))
            .chain(each(&self.events, Element::Event))
            .collect()
    }
}

/// A document the record's facts come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: Id,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A side's delegation and its members over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    pub side: Id,
    #[serde(rename = "member", default)]
    pub members: Vec<Member>,
    pub source: Id,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    pub role: String,
    pub from: Day,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Day>,
}

/// An agenda item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: Id,
    pub title: String,
    pub adopted: Day,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_items: Vec<String>,
    pub source: Id,
}

/// Who met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Plenary,
    SubDelegation,
    StaffOfficers,
    LiaisonOfficers,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Plenary => "plenary",
            Level::SubDelegation => "sub-delegation",
            Level::StaffOfficers => "staff-officers",
            Level::LiaisonOfficers => "liaison-officers",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub date: Day,
    pub level: Level,
    pub place: Id,
    pub attendance: Vec<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub source: Id,
}

/// A side's proposal on an agenda item: its text and, where it has them, draft provisions
/// in the agreement format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    pub id: Id,
    pub side: Id,
    pub item: Id,
    pub date: Day,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisions: Option<String>,
    pub source: Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    Accept,
    Reject,
    Counter,
    Study,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Accept => "accept",
            Answer::Reject => "reject",
            Answer::Counter => "counter",
            Answer::Study => "study",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub proposal: Id,
    pub side: Id,
    pub date: Day,
    pub answer: Answer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub source: Id,
}

/// Talks broken off or recessed: by a side (or `both`), from a day until the day they
/// resumed (none: not resumed by the end of the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    pub by: Id,
    pub reason: String,
    pub from: Day,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Day>,
    pub source: Id,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteChange {
    pub date: Day,
    pub from: Id,
    pub to: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub source: Id,
}

fn settled() -> bool {
    true
}

fn is_settled(complete: &bool) -> bool {
    *complete
}

/// Provisions the sides agreed on an item: a proposal's, or text of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreed {
    pub id: Id,
    pub item: Id,
    pub date: Day,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initialled: Option<Day>,
    /// Whether this settles the item (`false`: a part of it).
    #[serde(default = "settled", skip_serializing_if = "is_settled")]
    pub complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisions: Option<String>,
    pub text: String,
    pub source: Id,
}

/// A battlefield or political event the sources tie to the talks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub date: Day,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Id>,
    pub source: Id,
}

/// One element of the record: the payload of one journal entry of kind `talks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Element {
    Source(Source),
    Delegation(Delegation),
    Item(Item),
    Session(Session),
    Proposal(Proposal),
    Response(Response),
    Suspension(Suspension),
    SiteChange(SiteChange),
    Agreed(Agreed),
    Event(Event),
}

impl Element {
    /// The table it is written in, in `talks.toml`.
    pub fn table(&self) -> &'static str {
        match self {
            Element::Source(_) => "source",
            Element::Delegation(_) => "delegation",
            Element::Item(_) => "item",
            Element::Session(_) => "session",
            Element::Proposal(_) => "proposal",
            Element::Response(_) => "response",
            Element::Suspension(_) => "suspension",
            Element::SiteChange(_) => "site_change",
            Element::Agreed(_) => "agreed",
            Element::Event(_) => "event",
        }
    }

    /// The day it is dated, for ordering the record (sources and delegations: none).
    pub fn date(&self) -> Option<Day> {
        match self {
            Element::Source(_) | Element::Delegation(_) => None,
            Element::Item(i) => Some(i.adopted),
            Element::Session(s) => Some(s.date),
            Element::Proposal(p) => Some(p.date),
            Element::Response(r) => Some(r.date),
            Element::Suspension(s) => Some(s.from),
            Element::SiteChange(s) => Some(s.date),
            Element::Agreed(a) => Some(a.date),
            Element::Event(e) => Some(e.date),
        }
    }

    /// How an error names it: `proposal p-2-unc`, `session of 1951-07-10`.
    pub fn label(&self) -> String {
        match self {
            Element::Source(x) => format!("source {}", x.id),
            Element::Delegation(x) => format!("delegation {}", x.side),
            Element::Item(x) => format!("item {}", x.id),
            Element::Session(x) => format!("session of {}", x.date),
            Element::Proposal(x) => format!("proposal {}", x.id),
            Element::Response(x) => format!("response of {} to {}", x.side, x.proposal),
            Element::Suspension(x) => format!("suspension from {}", x.from),
            Element::SiteChange(x) => format!("site change of {}", x.date),
            Element::Agreed(x) => format!("agreed {}", x.id),
            Element::Event(x) => format!("event of {}", x.date),
        }
    }

    /// The `[[source]]` it cites (a source cites none).
    pub fn source(&self) -> Option<&Id> {
        match self {
            Element::Source(_) => None,
            Element::Delegation(x) => Some(&x.source),
            Element::Item(x) => Some(&x.source),
            Element::Session(x) => Some(&x.source),
            Element::Proposal(x) => Some(&x.source),
            Element::Response(x) => Some(&x.source),
            Element::Suspension(x) => Some(&x.source),
            Element::SiteChange(x) => Some(&x.source),
            Element::Agreed(x) => Some(&x.source),
            Element::Event(x) => Some(&x.source),
        }
    }

    /// Who it is signed by: the side it names, or the secretariat that keeps the record.
    pub fn author(&self) -> Option<&Id> {
        match self {
            Element::Delegation(d) => Some(&d.side),
            Element::Proposal(p) => Some(&p.side),
            Element::Response(r) => Some(&r.side),
            Element::Suspension(s) if s.by != *"both" => Some(&s.by),
            _ => None,
        }
    }
}
