//! Teams out, by kind, and the agreement's limit on how many one side may send. The
//! `dispatch-limit` rule says a side's senior member may have at most `max_share_per_side`
//! of the teams out at once, counted over the teams the commission has not itself sent
//! (`of_undispatched`) or over the mobile reserve (`mobile_only`). A dispatch over that
//! limit still happened: it is recorded, and it is a finding with the rule's citation.
//! Sending more teams than exist cannot happen and is refused.

use std::collections::BTreeMap;

use super::actor::Actor;
use super::payload::TeamDispatch;
use super::terms::Terms;
use crate::agreement::Citation;

/// Why a dispatch is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DispatchError {
    #[error("dispatch `{dispatch}`: `{team}` is not a team of this agreement")]
    UnknownTeam { dispatch: String, team: String },
    #[error("dispatch `{dispatch}`: a {actor} cannot send teams; the commission or a side's senior member does")]
    NotADispatcher { dispatch: String, actor: Actor },
    #[error("dispatch `{dispatch}`: `{id}` is not a {what} of this agreement")]
    UnknownActor { dispatch: String, what: &'static str, id: String },
    #[error("dispatch `{dispatch}`: the record already has a dispatch with this id")]
    Duplicate { dispatch: String },
    #[error("dispatch `{dispatch}`: {asked} more {team} team(s) asked for, but {out} of the {pool} are already out")]
    TooManyTeams { dispatch: String, team: String, asked: u32, out: u32, pool: u32 },
}

/// Teams of one dispatch still out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outstanding {
    pub dispatch: String,
    pub case: Option<String>,
    pub by: Actor,
    pub teams: u32,
}

/// A dispatch beyond a side's share: the finding's substance.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitBreach {
    pub citation: Citation,
    pub side: String,
    pub reason: String,
}

/// Teams out, by team kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Board {
    out: BTreeMap<String, Vec<Outstanding>>,
    ids: std::collections::BTreeSet<String>,
}

impl Board {
    /// How many teams of a kind the commission and each side have out.
    fn counts(&self, team: &str) -> (u32, BTreeMap<String, u32>) {
        let mut commission = 0;
        let mut by_side: BTreeMap<String, u32> = BTreeMap::new();
        for o in self.out.get(team).into_iter().flatten() {
            match o.by.side() {
                Some(side) => *by_side.entry(side.to_owned()).or_default() += o.teams,
                None => commission += o.teams,
            }
        }
        (commission, by_side)
    }

    /// Teams of a kind out now.
    pub fn out(&self, team: &str) -> u32 {
        self.out.get(team).into_iter().flatten().map(|o| o.teams).sum()
    }

    /// Send teams: refused when impossible; `Some(breach)` when a side went over its share.
    pub fn send(
        &mut self,
        terms: &Terms,
        dispatch: &TeamDispatch,
        case: Option<&str>,
    ) -> Result<Option<LimitBreach>, DispatchError> {
        let id = dispatch.id.clone();
        let Some(team) = terms.teams.get(dispatch.team.as_str()) else {
            return Err(DispatchError::UnknownTeam { dispatch: id, team: dispatch.team.to_string() });
        };
        match &dispatch.by {
            Actor::Team(_) => return Err(DispatchError::NotADispatcher { dispatch: id, actor: dispatch.by.clone() }),
            Actor::Side(side) if !terms.is_side(side.as_str()) => {
                return Err(DispatchError::UnknownActor { dispatch: id, what: "side", id: side.to_string() });
            }
            Actor::Commission(c) if !terms.is_commission(c.as_str()) => {
                return Err(DispatchError::UnknownActor { dispatch: id, what: "commission", id: c.to_string() });
            }
            _ => {}
        }
        if self.ids.contains(&id) {
            return Err(DispatchError::Duplicate { dispatch: id });
        }
        let limit = terms.dispatch_limits.get(team.id.as_str());
        // Teams that may be sent: the mobile reserve when the limit counts only it (the
        // rest are stationed), else every team.
        let pool = match (limit, team.mobile) {
            (Some((_, rule)), Some(mobile)) if rule.mobile_only => mobile,
            _ => team.count,
        };
        let out = self.out(team.id.as_str());
        if out.saturating_add(dispatch.teams) > pool {
            return Err(DispatchError::TooManyTeams {
                dispatch: id,
                team: team.id.clone(),
                asked: dispatch.teams,
                out,
                pool,
            });
        }
        let mut breach = None;
        if let (Some((citation, rule)), Some(side)) = (limit, dispatch.by.side()) {
            let (by_commission, by_side) = self.counts(team.id.as_str());
            let base = if rule.of_undispatched { pool - by_commission } else { pool };
            let after = by_side.get(side).copied().unwrap_or(0) + dispatch.teams;
            let allowed = (rule.max_share_per_side * f64::from(base)).floor();
            if f64::from(after) > allowed {
                let counted = if rule.of_undispatched {
                    format!("{base} not sent by the commission")
                } else if rule.mobile_only {
                    format!("{base} in the mobile reserve")
                } else {
                    format!("{base}")
                };
                breach = Some(LimitBreach {
                    citation: citation.clone(),
                    side: side.to_owned(),
                    reason: format!(
                        "{side} had {after} {} team(s) out with dispatch `{}`; {citation} allows one side {allowed:.0} of the {counted}",
                        team.id, dispatch.id
                    ),
                });
            }
        }
        self.ids.insert(id.clone());
        self.out.entry(team.id.clone()).or_default().push(Outstanding {
            dispatch: id,
            case: case.map(str::to_owned),
            by: dispatch.by.clone(),
            teams: dispatch.teams,
        });
        Ok(breach)
    }

    /// The teams of a case of one kind come back (their report is in); how many.
    pub fn return_case(&mut self, team: &str, case: &str) -> u32 {
        let Some(list) = self.out.get_mut(team) else { return 0 };
        let back = list.iter().filter(|o| o.case.as_deref() == Some(case)).map(|o| o.teams).sum();
        list.retain(|o| o.case.as_deref() != Some(case));
        back
    }

    /// The teams of one dispatch come back; how many.
    pub fn return_dispatch(&mut self, dispatch: &str) -> u32 {
        let mut back = 0;
        for list in self.out.values_mut() {
            back += list.iter().filter(|o| o.dispatch == dispatch).map(|o| o.teams).sum::<u32>();
            list.retain(|o| o.dispatch != dispatch);
        }
        back
    }

    /// Teams of a kind out on a case.
    pub fn out_on_case(&self, team: &str, case: &str) -> u32 {
        self.out.get(team).into_iter().flatten().filter(|o| o.case.as_deref() == Some(case)).map(|o| o.teams).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{Id, Timestamp, builtin, load};

    fn dispatch(id: &str, by: Actor, team: &str, teams: u32) -> TeamDispatch {
        TeamDispatch {
            id: id.into(),
            case: None,
            by,
            team: Id::parse(team).unwrap(),
            teams,
            at: Timestamp::parse("1953-08-02T10:00:00+09:00").unwrap(),
            due: None,
            position: None,
        }
    }

    fn side(id: &str) -> Actor {
        Actor::Side(Id::parse(id).unwrap())
    }

    fn commission(id: &str) -> Actor {
        Actor::Commission(Id::parse(id).unwrap())
    }

    /// Each row: teams already out (by, team, n), then the dispatch, then whether it is a
    /// breach (`Ok(true)`), fine (`Ok(false)`) or refused (`Err(text)`).
    #[test]
    fn the_limit_at_and_one_over() {
        let terms = Terms::from_agreement(&load(&builtin::korea_1953()).unwrap());
        type Row =
            (&'static str, Vec<(Actor, &'static str, u32)>, (Actor, &'static str, u32), Result<bool, &'static str>);
        let rows: Vec<Row> = vec![
            // II.27: 10 JOTs; a side may have half of those the MAC has not sent.
            ("half of ten", vec![], (side("unc"), "jot", 5), Ok(false)),
            ("one over half of ten", vec![], (side("unc"), "jot", 6), Ok(true)),
            ("five in two goes", vec![(side("unc"), "jot", 3)], (side("unc"), "jot", 2), Ok(false)),
            ("six in two goes", vec![(side("unc"), "jot", 3)], (side("unc"), "jot", 3), Ok(true)),
            (
                "the other side's teams do not count",
                vec![(side("kpa-cpv"), "jot", 5)],
                (side("unc"), "jot", 5),
                Ok(false),
            ),
            (
                "half of the six the MAC has not sent",
                vec![(commission("mac"), "jot", 4)],
                (side("unc"), "jot", 3),
                Ok(false),
            ),
            ("one over half of six", vec![(commission("mac"), "jot", 4)], (side("unc"), "jot", 4), Ok(true)),
            ("half of five is two", vec![(commission("mac"), "jot", 5)], (side("unc"), "jot", 3), Ok(true)),
            ("the commission has no share limit", vec![], (commission("mac"), "jot", 10), Ok(false)),
            (
                "eleven teams do not exist",
                vec![(commission("mac"), "jot", 6)],
                (side("unc"), "jot", 5),
                Err("already out"),
            ),
            // II.42(e): ten mobile NNITs; at most half out at one side's request.
            ("half the mobile NNITs", vec![], (side("kpa-cpv"), "nnit", 5), Ok(false)),
            ("one over half the mobile NNITs", vec![], (side("kpa-cpv"), "nnit", 6), Ok(true)),
            ("stationed NNITs cannot be sent", vec![], (commission("nnsc"), "nnit", 11), Err("already out")),
            (
                "a team cannot send teams",
                vec![],
                (Actor::Team(Id::parse("jot").unwrap()), "jot", 1),
                Err("cannot send"),
            ),
            ("unknown team", vec![], (side("unc"), "red-cross-x", 1), Err("not a team")),
            ("unknown side", vec![], (side("rok"), "jot", 1), Err("not a side")),
        ];
        for (name, before, (by, team, n), expected) in rows {
            let mut board = Board::default();
            for (i, (by, team, n)) in before.into_iter().enumerate() {
                board.send(&terms, &dispatch(&format!("b{i}"), by, team, n), None).unwrap();
            }
            let result = board.send(&terms, &dispatch("d", by, team, n), None);
            match (result, expected) {
                (Ok(breach), Ok(is_breach)) => assert_eq!(breach.is_some(), is_breach, "{name}: {breach:?}"),
                (Err(e), Err(text)) => assert!(e.to_string().contains(text), "{name}: {e}"),
                (result, expected) => panic!("{name}: got {result:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn a_breach_cites_the_rule_and_teams_come_back() {
        let terms = Terms::from_agreement(&load(&builtin::korea_1953()).unwrap());
        let mut board = Board::default();
        let breach = board.send(&terms, &dispatch("d1", side("unc"), "jot", 6), Some("c1")).unwrap().unwrap();
        assert_eq!(breach.citation.to_string(), "II.27");
        assert_eq!(
            breach.reason,
            "unc had 6 jot team(s) out with dispatch `d1`; II.27 allows one side 5 of the 10 not sent by the commission"
        );
        assert_eq!(board.out("jot"), 6);
        assert_eq!(board.return_case("jot", "c1"), 6);
        assert_eq!(board.out("jot"), 0);
        assert!(matches!(
            board.send(&terms, &dispatch("d1", side("unc"), "jot", 1), None),
            Err(DispatchError::Duplicate { .. })
        ));
    }
}
