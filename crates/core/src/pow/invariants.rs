//! The ledger's invariants, recomputed from scratch: every prisoner has exactly one
//! account and one state, the kept counts match a recount, and the counts conserve
//! (prisoners held at the start = the sum over every state, outcomes included).

use std::collections::BTreeMap;

use super::ledger::Ledger;
use super::prisoner::Choice;
use super::state::StateKind;

/// An invariant the ledger broke: always a bug in the ledger, never bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvariantError {
    #[error(
        "{prisoners} prisoner(s) but {accounts} account(s) and {indexed} index entries: each prisoner must have exactly one state"
    )]
    OneStatePerPrisoner { prisoners: usize, accounts: usize, indexed: usize },
    #[error("the index sends `{prisoner}` to the wrong account")]
    Index { prisoner: String },
    #[error("state `{state}`: the ledger counts {kept}, a recount finds {recounted}")]
    Count { state: &'static str, kept: usize, recounted: usize },
    #[error("the states add up to {total} but the ledger holds {prisoners} prisoner(s): counts do not conserve")]
    Conservation { total: usize, prisoners: usize },
    #[error("sick and injured waiting: the ledger keeps {kept:?}, a recount finds {recounted:?}")]
    SickWaiting { kept: BTreeMap<String, usize>, recounted: BTreeMap<String, usize> },
}

/// Check every invariant; the first broken one is returned.
pub fn check(ledger: &Ledger) -> Result<(), InvariantError> {
    let (prisoners, accounts, index, kept) = ledger.parts();
    if prisoners.len() != accounts.len() || index.len() != prisoners.len() {
        return Err(InvariantError::OneStatePerPrisoner {
            prisoners: prisoners.len(),
            accounts: accounts.len(),
            indexed: index.len(),
        });
    }
    for (i, prisoner) in prisoners.iter().enumerate() {
        if index.get(&prisoner.id) != Some(&i) {
            return Err(InvariantError::Index { prisoner: prisoner.id.clone() });
        }
    }
    let mut recount = [0usize; StateKind::ALL.len()];
    for account in accounts {
        recount[account.state.kind() as usize] += 1;
    }
    for kind in StateKind::ALL {
        let (kept, recounted) = (kept[kind as usize], recount[kind as usize]);
        if kept != recounted {
            return Err(InvariantError::Count { state: kind.name(), kept, recounted });
        }
    }
    let total: usize = kept.iter().sum();
    if total != prisoners.len() {
        return Err(InvariantError::Conservation { total, prisoners: prisoners.len() });
    }
    let mut sick = BTreeMap::new();
    for (prisoner, account) in prisoners.iter().zip(accounts) {
        if account.health.sick_or_injured()
            && account.choice == Some(Choice::Repatriation)
            && account.state.kind().with_detaining_side()
        {
            *sick.entry(prisoner.detaining_side.to_string()).or_insert(0) += 1;
        }
    }
    let kept_sick: BTreeMap<String, usize> =
        ledger.sick_waiting().iter().filter(|(_, n)| **n > 0).map(|(s, n)| (s.clone(), *n)).collect();
    if kept_sick != sick {
        return Err(InvariantError::SickWaiting { kept: kept_sick, recounted: sick });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::agreement::{Timestamp, builtin, load};
    use crate::pow::event::{Event, EventKind};
    use crate::pow::ledger::Ledger;
    use crate::pow::prisoner::{Health, Prisoner};
    use crate::pow::terms::Terms;

    fn kind(k: u8) -> EventKind {
        match k % 19 {
            0 => EventKind::Listed { list: None },
            1 => EventKind::Choice { choice: Choice::Repatriation },
            2 => EventKind::Choice { choice: Choice::NeutralNation },
            3 => EventKind::Refused {},
            4 => EventKind::Health { health: Health::Sick },
            5 => EventKind::Scheduled { batch: "b".into(), point: None },
            6 => EventKind::HandedOver { batch: None, point: "panmunjom".into(), receiving_officer: "o".into() },
            7 => EventKind::Repatriated {},
            8 => EventKind::CustodyTransferred { to: None, place: None },
            9 => EventKind::Applied {},
            10 => EventKind::Returned { point: None, receiving_officer: None },
            11 => EventKind::Referred {},
            12 => EventKind::Civilian {},
            13 => EventKind::WentToNeutralNation { country: "India".into() },
            14 => EventKind::Stayed { destination: None },
            15 => EventKind::Died { cause: None, burial_place: None },
            16 => EventKind::Escaped {},
            17 => EventKind::Found {},
            _ => EventKind::ReleasedUnilaterally {},
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn counts_conserve_and_each_prisoner_has_one_state(
            people in prop::collection::vec((0u8..3, 0u8..4), 1..8),
            steps in prop::collection::vec((0usize..8, 0u8..19, 0u32..20), 0..60),
        ) {
            let agreement = load(&builtin::korea_1953()).unwrap();
            let mut ledger = Ledger::new(Terms::from_agreement(&agreement));
            for (k, (health, choice)) in people.iter().enumerate() {
                let health = [Health::Fit, Health::Sick, Health::Injured][usize::from(*health)];
                let choice = [None, Some(Choice::Repatriation), Some(Choice::Refuse), Some(Choice::NeutralNation)][usize::from(*choice)];
                let prisoner: Prisoner = serde_json::from_value(serde_json::json!({
                    "id": format!("p{k}"), "detaining_side": if k % 2 == 0 { "unc" } else { "kpa-cpv" },
                    "side": if k % 2 == 0 { "kpa-cpv" } else { "unc" }, "nationality": "X",
                    "health": health, "choice": choice,
                })).unwrap();
                ledger.add_prisoner(prisoner).unwrap();
            }
            let start = Timestamp::parse("1953-07-20T00:00:00+09:00").unwrap().0;
            let mut at = start;
            for (n, (who, k, days)) in steps.into_iter().enumerate() {
                at += chrono::Duration::days(i64::from(days));
                let event = Event {
                    id: format!("e{n}"),
                    prisoner: format!("p{}", who % people.len()),
                    at: Timestamp(at),
                    author: "test".into(),
                    kind: kind(k),
                };
                let _ = ledger.apply(&event);
                prop_assert_eq!(check(&ledger), Ok(()));
                let total: usize = ledger.counts().iter().map(|(_, n)| n).sum();
                prop_assert_eq!(total, people.len());
            }
            ledger.advance_to(at + chrono::Duration::days(400));
            prop_assert_eq!(check(&ledger), Ok(()));
        }
    }
}
