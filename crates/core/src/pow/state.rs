//! The states a prisoner can be in, and which event leads from which state to which.

use serde::Serialize;

use super::event::EventKind;
use super::prisoner::Choice;

/// Where a prisoner is, with what the event that put them there recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum State {
    Held,
    Listed,
    Scheduled { batch: String },
    HandedOver { batch: Option<String>, point: String, receiving_officer: String },
    Repatriated,
    Refused,
    InCustody { commission: String },
    Applied,
    Referred,
    Returned,
    Civilian,
    WentToNeutralNation { country: String },
    Stayed { destination: Option<String> },
    Died { cause: Option<String>, burial_place: Option<String> },
    Escaped,
    ReleasedUnilaterally,
    Unaccounted { reason: Option<String> },
}

/// A state without its details, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StateKind {
    Held,
    Listed,
    Scheduled,
    Refused,
    HandedOver,
    Repatriated,
    InCustody,
    Applied,
    Referred,
    Returned,
    Civilian,
    WentToNeutralNation,
    Stayed,
    Died,
    Escaped,
    ReleasedUnilaterally,
    Unaccounted,
}

impl StateKind {
    /// Every state, in the order a prisoner meets them.
    pub const ALL: [StateKind; 17] = [
        Self::Held,
        Self::Listed,
        Self::Scheduled,
        Self::Refused,
        Self::HandedOver,
        Self::Repatriated,
        Self::InCustody,
        Self::Applied,
        Self::Referred,
        Self::Returned,
        Self::Civilian,
        Self::WentToNeutralNation,
        Self::Stayed,
        Self::Died,
        Self::Escaped,
        Self::ReleasedUnilaterally,
        Self::Unaccounted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Listed => "listed",
            Self::Scheduled => "scheduled",
            Self::Refused => "refused",
            Self::HandedOver => "handed-over",
            Self::Repatriated => "repatriated",
            Self::InCustody => "in-custody",
            Self::Applied => "applied",
            Self::Referred => "referred",
            Self::Returned => "returned",
            Self::Civilian => "civilian",
            Self::WentToNeutralNation => "went-to-neutral-nation",
            Self::Stayed => "stayed",
            Self::Died => "died",
            Self::Escaped => "escaped",
            Self::ReleasedUnilaterally => "released-unilaterally",
            Self::Unaccounted => "unaccounted",
        }
    }

    /// Still in the detaining side's hands (not yet exchanged or handed to the commission).
    pub fn with_detaining_side(self) -> bool {
        matches!(self, Self::Held | Self::Listed | Self::Scheduled | Self::Refused)
    }

    /// In the neutral commission's custody.
    pub fn with_commission(self) -> bool {
        matches!(self, Self::InCustody | Self::Applied | Self::Referred)
    }

    /// No event can follow: the prisoner's account is closed.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Repatriated
                | Self::Returned
                | Self::WentToNeutralNation
                | Self::Stayed
                | Self::Died
                | Self::ReleasedUnilaterally
        )
    }
}

impl State {
    pub fn kind(&self) -> StateKind {
        match self {
            Self::Held => StateKind::Held,
            Self::Listed => StateKind::Listed,
            Self::Scheduled { .. } => StateKind::Scheduled,
            Self::HandedOver { .. } => StateKind::HandedOver,
            Self::Repatriated => StateKind::Repatriated,
            Self::Refused => StateKind::Refused,
            Self::InCustody { .. } => StateKind::InCustody,
            Self::Applied => StateKind::Applied,
            Self::Referred => StateKind::Referred,
            Self::Returned => StateKind::Returned,
            Self::Civilian => StateKind::Civilian,
            Self::WentToNeutralNation { .. } => StateKind::WentToNeutralNation,
            Self::Stayed { .. } => StateKind::Stayed,
            Self::Died { .. } => StateKind::Died,
            Self::Escaped => StateKind::Escaped,
            Self::ReleasedUnilaterally => StateKind::ReleasedUnilaterally,
            Self::Unaccounted { .. } => StateKind::Unaccounted,
        }
    }
}

/// The state an event leads to from `state`, or why it cannot happen there.
/// `custody` names the commission custody goes to when the event does not say.
pub fn next(state: &State, event: &EventKind, custody: &str) -> Result<State, String> {
    use StateKind as K;
    let from = state.kind();
    let refuse = |expected: &str| {
        Err(format!("`{}` cannot follow `{}`: it needs a prisoner who is {expected}", event.name(), from.name()))
    };
    if from.is_final() {
        return Err(format!("`{}` cannot follow `{}`: the prisoner's account is closed", event.name(), from.name()));
    }
    let detained = from.with_detaining_side();
    match event {
        EventKind::Listed { .. } => match from {
            K::Held => Ok(State::Listed),
            _ if detained => Ok(state.clone()),
            _ => refuse("held by the detaining side"),
        },
        EventKind::Choice { choice } => match from {
            K::Refused if *choice == Choice::Repatriation => Ok(State::Held),
            _ if detained || from.with_commission() || from == K::Civilian => Ok(state.clone()),
            _ => refuse("held, in custody or a civilian"),
        },
        EventKind::Refused {} => match from {
            K::Held | K::Listed | K::Scheduled => Ok(State::Refused),
            _ => refuse("held by the detaining side and not already refusing"),
        },
        EventKind::Health { .. } => Ok(state.clone()),
        EventKind::Scheduled { batch, .. } if detained => Ok(State::Scheduled { batch: batch.clone() }),
        EventKind::HandedOver { batch, point, receiving_officer } if detained => Ok(State::HandedOver {
            batch: batch.clone(),
            point: point.clone(),
            receiving_officer: receiving_officer.clone(),
        }),
        EventKind::Repatriated {} if from == K::HandedOver => Ok(State::Repatriated),
        EventKind::CustodyTransferred { to, .. } if detained => {
            Ok(State::InCustody { commission: to.clone().unwrap_or_else(|| custody.to_owned()) })
        }
        EventKind::Applied {} if matches!(from, K::InCustody | K::Referred) => Ok(State::Applied),
        EventKind::Returned { .. } if from.with_commission() => Ok(State::Returned),
        EventKind::Referred {} if from == K::InCustody => Ok(State::Referred),
        EventKind::Civilian {} if from.with_commission() => Ok(State::Civilian),
        EventKind::WentToNeutralNation { country } if from == K::Civilian => {
            Ok(State::WentToNeutralNation { country: country.clone() })
        }
        EventKind::Stayed { destination } if from == K::Civilian => {
            Ok(State::Stayed { destination: destination.clone() })
        }
        EventKind::Died { cause, burial_place } => {
            Ok(State::Died { cause: cause.clone(), burial_place: burial_place.clone() })
        }
        EventKind::Escaped {} if detained || from.with_commission() => Ok(State::Escaped),
        EventKind::Found {} if matches!(from, K::Escaped | K::Unaccounted) => Ok(State::Held),
        EventKind::ReleasedUnilaterally {} if detained => Ok(State::ReleasedUnilaterally),
        EventKind::Unaccounted { reason } if from != K::Unaccounted => {
            Ok(State::Unaccounted { reason: reason.clone() })
        }
        EventKind::Scheduled { .. }
        | EventKind::HandedOver { .. }
        | EventKind::CustodyTransferred { .. }
        | EventKind::ReleasedUnilaterally {} => refuse("held by the detaining side"),
        EventKind::Repatriated {} => refuse("handed over at the exchange point"),
        EventKind::Applied {} | EventKind::Referred {} => refuse("in the commission's custody"),
        EventKind::Returned { .. } | EventKind::Civilian {} => refuse("in the commission's custody"),
        EventKind::WentToNeutralNation { .. } | EventKind::Stayed { .. } => refuse("a civilian"),
        EventKind::Escaped {} => refuse("held or in custody"),
        EventKind::Found {} => refuse("escaped or unaccounted for"),
        EventKind::Unaccounted { .. } => refuse("accounted for"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agreements_paths_are_open() {
        let steps: [(&[EventKind], StateKind); 4] = [
            (
                &[
                    EventKind::Listed { list: None },
                    EventKind::Scheduled { batch: "b1".into(), point: None },
                    EventKind::HandedOver { batch: None, point: "p".into(), receiving_officer: "o".into() },
                    EventKind::Repatriated {},
                ],
                StateKind::Repatriated,
            ),
            (
                &[
                    EventKind::Refused {},
                    EventKind::CustodyTransferred { to: None, place: None },
                    EventKind::Applied {},
                    EventKind::Returned { point: None, receiving_officer: None },
                ],
                StateKind::Returned,
            ),
            (
                &[
                    EventKind::Refused {},
                    EventKind::CustodyTransferred { to: None, place: None },
                    EventKind::Referred {},
                    EventKind::Civilian {},
                    EventKind::WentToNeutralNation { country: "India".into() },
                ],
                StateKind::WentToNeutralNation,
            ),
            (
                &[EventKind::Escaped {}, EventKind::Found {}, EventKind::ReleasedUnilaterally {}],
                StateKind::ReleasedUnilaterally,
            ),
        ];
        for (events, expected) in steps {
            let mut state = State::Held;
            for event in events {
                state = next(&state, event, "nnrc").unwrap();
            }
            assert_eq!(state.kind(), expected);
        }
    }

    #[test]
    fn impossible_steps_say_why() {
        let cases: [(State, EventKind, &str); 5] = [
            (State::Held, EventKind::Repatriated {}, "handed over"),
            (State::Repatriated, EventKind::Died { cause: None, burial_place: None }, "closed"),
            (State::Held, EventKind::Civilian {}, "custody"),
            (
                State::Civilian,
                EventKind::HandedOver { batch: None, point: "p".into(), receiving_officer: "o".into() },
                "detaining side",
            ),
            (State::Refused, EventKind::Refused {}, "not already refusing"),
        ];
        for (state, event, reason) in cases {
            let error = next(&state, &event, "nnrc").unwrap_err();
            assert!(error.contains(reason), "{error}");
        }
    }
}
