//! Where the talks stood on a day, and the agreement the sides had agreed by then.

use toml::Spanned;

use std::collections::BTreeMap;

use super::document::{Agreed, Day, Element, Suspension};
use super::fragment::{Diff, Fragment, Identity, Merged, diff};
use super::record::Talks;
use crate::agreement::Id;

/// An agenda item's state on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// No proposal on it yet.
    NotYetDiscussed,
    /// Proposals on the table, not settled.
    Contested,
    /// Settled by an agreed entry on this day.
    Agreed(Day),
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::NotYetDiscussed => "not yet discussed",
            ItemState::Contested => "contested",
            ItemState::Agreed(_) => "agreed",
        }
    }
}

/// A side's latest proposal on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    pub side: Id,
    pub proposal: Id,
    pub date: Day,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemStatus {
    pub id: Id,
    pub title: String,
    pub state: ItemState,
    /// The day of the first proposal on it.
    pub since: Option<Day>,
    /// Days from the first proposal to its settlement, or to the day asked about.
    pub days_in_dispute: Option<i64>,
    /// Each side's latest proposal, in the order the talks list the sides.
    pub latest: Vec<Latest>,
    /// From the first listed side's latest draft provisions to the other's, when both
    /// sides' latest proposals carry provisions and the item is not settled.
    pub differences: Option<Diff>,
    /// Agreed entries on it so far (partial ones included).
    pub agreed: Vec<Id>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub at: Day,
    /// Whether the talks had opened by then.
    pub opened: bool,
    /// Where they were held by then.
    pub place: Option<Id>,
    /// A suspension in force on the day.
    pub suspended: Option<Suspension>,
    /// Sessions held up to and including the day.
    pub sessions: usize,
    pub items: Vec<ItemStatus>,
}

fn days(from: Day, to: Day) -> i64 {
    (to.0 - from.0).num_days()
}

/// Where the talks stood at the end of `at`.
pub fn status(talks: &Talks, at: Day) -> Status {
    let d = &talks.document;
    let mut site_changes: Vec<_> = d.site_changes.iter().map(Spanned::get_ref).filter(|s| s.date <= at).collect();
    site_changes.sort_by_key(|s| s.date);
    let first_place = d.sessions.iter().map(Spanned::get_ref).filter(|s| s.date <= at).min_by_key(|s| s.date);
    let place = site_changes.last().map(|s| s.to.clone()).or_else(|| first_place.map(|s| s.place.clone()));
    let suspended = d
        .suspensions
        .iter()
        .map(Spanned::get_ref)
        .filter(|s| s.from <= at && s.until.is_none_or(|until| at < until))
        .max_by_key(|s| s.from)
        .cloned();
    let sessions = d.sessions.iter().filter(|s| s.get_ref().date <= at).count();
    let items = d.items.iter().map(Spanned::get_ref).map(|item| {
        let proposals: Vec<_> =
            d.proposals.iter().map(Spanned::get_ref).filter(|p| p.item == item.id && p.date <= at).collect();
        let agreed: Vec<_> =
            talks.agreed_in_order().into_iter().filter(|a| a.item == item.id && a.date <= at).collect();
        let settled = agreed.iter().filter(|a| a.complete).map(|a| a.date).max();
        let state = match (settled, proposals.is_empty() && agreed.is_empty()) {
            (Some(on), _) => ItemState::Agreed(on),
            (None, true) => ItemState::NotYetDiscussed,
            (None, false) => ItemState::Contested,
        };
        let since = proposals.iter().map(|p| p.date).min();
        let days_in_dispute = since.map(|since| days(since, settled.unwrap_or(at)));
        let latest: Vec<Latest> = d
            .sides
            .iter()
            .filter_map(|side| {
                // The latest by date; of one day's, the last written.
                proposals.iter().filter(|p| p.side == *side).max_by_key(|p| p.date).map(|p| Latest {
                    side: side.clone(),
                    proposal: p.id.clone(),
                    date: p.date,
                })
            })
            .collect();
        let differences = match (state, latest.as_slice()) {
            (ItemState::Agreed(_), _) => None,
            (_, [a, b]) => match (talks.drafts.get(a.proposal.as_str()), talks.drafts.get(b.proposal.as_str())) {
                (Some(x), Some(y)) => Some(diff(&Merged::from(x), &Merged::from(y))),
                _ => None,
            },
            _ => None,
        };
        ItemStatus {
            id: item.id.clone(),
            title: item.title.clone(),
            state,
            since,
            days_in_dispute,
            latest,
            differences,
            agreed: agreed.iter().map(|a| a.id.clone()).collect(),
        }
    });
    let items = items.collect();
    Status { at, opened: at >= d.opened, place, suspended, sessions, items }
}

/// A provision a side proposed on an item still unsettled, that the compiled agreement
/// does not hold as proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contested {
    pub item: Id,
    pub side: Id,
    pub proposal: Id,
    pub provision: Identity,
}

/// What the sides had agreed by the end of a day, as an agreement.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub at: Day,
    pub provisions: Merged,
    /// Each provision with the agreed entry that last set it.
    pub from: Vec<(Identity, Id)>,
    pub contested: Vec<Contested>,
    /// `agreement.toml` for the compiled agreement.
    pub text: String,
}

/// Compile every agreed entry dated on or before `at`, in date order (ties in file
/// order); a later provision of the same identity replaces the earlier one.
pub fn compile(talks: &Talks, at: Day) -> Compiled {
    let agreed = talks.agreed_in_order().into_iter().filter_map(|a| talks.agreed.get(a.id.as_str()).map(|f| (a, f)));
    let (provisions, from) = merge(agreed, at);
    let state = status(talks, at);
    let mut contested = Vec::new();
    for item in state.items.iter().filter(|i| !matches!(i.state, ItemState::Agreed(_))) {
        for latest in &item.latest {
            let Some(draft) = talks.drafts.get(latest.proposal.as_str()) else { continue };
            for (identity, value) in &draft.parts {
                if provisions.get(identity) != Some(value) {
                    contested.push(Contested {
                        item: item.id.clone(),
                        side: latest.side.clone(),
                        proposal: latest.proposal.clone(),
                        provision: identity.clone(),
                    });
                }
            }
        }
    }
    let body = toml::to_string(&provisions.to_table()).unwrap_or_default();
    let text = format!(
        "# Compiled by `armistice talks compile` from the talks record `{}` as of {at}:\n# {} provisions from {} agreed entries; {} contested provisions left out.\n\n{body}",
        talks.document.id,
        provisions.len(),
        from.iter().map(|(_, id)| id).collect::<std::collections::BTreeSet<_>>().len(),
        contested.len(),
    );
    Compiled { at, provisions, from, contested, text }
}

/// Agreed entries in compile order with their fragments, merged up to `at`: the
/// provisions, and which agreed entry last set each.
fn merge<'a>(agreed: impl Iterator<Item = (&'a Agreed, &'a Fragment)>, at: Day) -> (Merged, Vec<(Identity, Id)>) {
    let mut provisions = Merged::default();
    let mut from: Vec<(Identity, Id)> = Vec::new();
    for (agreed, fragment) in agreed.filter(|(a, _)| a.date <= at) {
        for (identity, value) in &fragment.parts {
            provisions.insert(identity.clone(), value.clone());
            from.retain(|(i, _)| i != identity);
            from.push((identity.clone(), agreed.id.clone()));
        }
    }
    (provisions, from)
}

/// The provisions agreed by the end of `at`, from a negotiation's elements as the
/// journal holds them (`replay`'s `talks`): agreed entries in date order (ties in
/// record order), each with its own provisions or its proposal's. An agreed entry
/// whose provisions cannot be read is an error naming it.
pub fn compile_elements<'a>(elements: impl IntoIterator<Item = &'a Element>, at: Day) -> Result<Merged, String> {
    let mut drafts: BTreeMap<&str, &str> = BTreeMap::new();
    let mut agreed: Vec<&Agreed> = Vec::new();
    for element in elements {
        match element {
            Element::Proposal(p) => {
                if let Some(text) = &p.provisions {
                    drafts.insert(p.id.as_str(), text);
                }
            }
            Element::Agreed(a) => agreed.push(a),
            _ => {}
        }
    }
    agreed.sort_by_key(|a| a.date);
    let mut fragments = Vec::new();
    for a in &agreed {
        let text =
            a.provisions.as_deref().or_else(|| a.proposal.as_ref().and_then(|p| drafts.get(p.as_str()).copied()));
        let fragment = match text {
            Some(text) => Fragment::parse(text).map_err(|e| format!("agreed {}: provisions: {e}", a.id))?,
            None => Fragment { parts: Vec::new() },
        };
        fragments.push(fragment);
    }
    Ok(merge(agreed.into_iter().zip(fragments.iter()), at).0)
}

/// The last day of the record: its latest dated element.
pub fn last_day(talks: &Talks) -> Day {
    talks.elements().iter().filter_map(|(date, _)| *date).max().unwrap_or(talks.document.opened)
}
