//! What the agreement says about its commissions, read from its data: the sides, the
//! commissions and their teams (sizes, composition), the dispatch limits, the meeting
//! rules and the composition provisions, each with its citation. Nothing here is
//! specific to one armistice.

use std::collections::{BTreeMap, BTreeSet};

use crate::agreement::document::{Team, TeamComposition};
use crate::agreement::rule::{DispatchLimit, Meetings, Rule};
use crate::agreement::{Agreement, Citation, Position};

/// A team kind the agreement creates, with the provision on its composition.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamTerms {
    pub id: String,
    pub commission: String,
    /// Where the team is defined (e.g. `II.23`).
    pub citation: Citation,
    /// The composition provision (`rule.composition = { body = TEAM }`), or the team's
    /// own citation when the agreement has none.
    pub composition_citation: Citation,
    pub count: u32,
    pub min_members: u32,
    pub max_members: Option<u32>,
    pub composition: TeamComposition,
    /// Teams held in reserve (counted by a `mobile_only` dispatch limit).
    pub mobile: Option<u32>,
}

impl TeamTerms {
    fn from_team(team: &Team) -> Self {
        Self {
            id: team.id.to_string(),
            commission: team.commission.to_string(),
            citation: team.citation.clone(),
            composition_citation: team.citation.clone(),
            count: team.initial_count,
            min_members: team.min_members,
            max_members: team.max_members,
            composition: team.composition,
            mobile: team.mobile,
        }
    }
}

/// A port of entry: whose it is and where.
#[derive(Debug, Clone, PartialEq)]
pub struct PortTerms {
    pub side: String,
    pub position: Position,
}

/// The commission provisions of one agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub sides: Vec<String>,
    /// Commission ids, in file order.
    pub commissions: Vec<String>,
    pub teams: BTreeMap<String, TeamTerms>,
    /// Neutral nation id -> the side that nominated it (none when named by both).
    pub nominated_by: BTreeMap<String, Option<String>>,
    pub ports: BTreeMap<String, PortTerms>,
    /// Team id -> its dispatch limit and the provision's citation.
    pub dispatch_limits: BTreeMap<String, (Citation, DispatchLimit)>,
    /// Commission id -> its meeting rule and the provision's citation.
    pub meetings: BTreeMap<String, (Citation, Meetings)>,
    /// Every provision's citation, for allegations to cite.
    pub citations: BTreeSet<Citation>,
}

impl Terms {
    pub fn from_agreement(agreement: &Agreement) -> Self {
        let document = &agreement.document;
        let mut teams: BTreeMap<String, TeamTerms> =
            document.teams.iter().map(|t| (t.get_ref().id.to_string(), TeamTerms::from_team(t.get_ref()))).collect();
        let mut dispatch_limits = BTreeMap::new();
        let mut meetings = BTreeMap::new();
        let mut citations = BTreeSet::new();
        for provision in agreement.provisions() {
            citations.insert(provision.citation.clone());
            match &provision.rule {
                Rule::DispatchLimit(r) => {
                    dispatch_limits
                        .entry(r.team.to_string())
                        .or_insert_with(|| (provision.citation.clone(), r.clone()));
                }
                Rule::Meetings(r) => {
                    meetings.entry(r.commission.to_string()).or_insert_with(|| (provision.citation.clone(), r.clone()));
                }
                Rule::Composition(r) => {
                    if let Some(team) = teams.get_mut(r.body.as_str()) {
                        team.composition_citation = provision.citation.clone();
                    }
                }
                _ => {}
            }
        }
        Self {
            sides: document.sides.iter().map(|s| s.get_ref().id.to_string()).collect(),
            commissions: document.commissions.iter().map(|c| c.get_ref().id.to_string()).collect(),
            teams,
            nominated_by: document
                .neutral_nations
                .iter()
                .map(|n| (n.get_ref().id.to_string(), n.get_ref().nominated_by.as_ref().map(ToString::to_string)))
                .collect(),
            ports: document
                .ports
                .iter()
                .map(|p| {
                    let p = p.get_ref();
                    (p.id.to_string(), PortTerms { side: p.side.to_string(), position: p.position })
                })
                .collect(),
            dispatch_limits,
            meetings,
            citations,
        }
    }

    pub fn is_side(&self, id: &str) -> bool {
        self.sides.iter().any(|s| s == id)
    }

    pub fn is_commission(&self, id: &str) -> bool {
        self.commissions.iter().any(|c| c == id)
    }

    /// The sides' ids joined for messages: `unc, kpa-cpv`.
    pub fn sides_list(&self) -> String {
        self.sides.join(", ")
    }
}
