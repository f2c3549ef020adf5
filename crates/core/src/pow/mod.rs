//! Prisoners of war: a ledger that accounts for every prisoner at every moment, the
//! exchange plan, the built-in 1953 scenario, and the sides' lists reconciled across
//! romanizations and scripts.
//!
//! The ledger is a pure fold over events: prisoner records give the population, each
//! event moves one prisoner from one state to the next, nothing is updated in place.
//! What the agreement forbids but happened all the same (a refuser sent home, a deadline
//! missed) is recorded and becomes a finding with its citation; what cannot have
//! happened (an event for a prisoner who is dead) is rejected with the reason.
//!
//! - `list`: a list as CSV text, read into entries; bad rows named by line.
//! - `romanize` and `names`: canonical name keys and how alike two names are.
//! - `reconcile`: one-to-one matching of two lists, with blocking so that large lists
//!   need no quadratic work.

pub mod date;
pub mod event;
pub mod file;
pub mod finding;
pub mod invariants;
pub mod ledger;
pub mod list;
pub mod names;
pub mod plan;
pub mod prisoner;
pub mod reconcile;
pub mod romanize;
pub mod scenario;
pub mod state;
pub mod terms;

pub use date::PartialDate;
pub use event::{Event, EventKind};
pub use finding::Finding;
pub use ledger::{Ledger, LedgerError, Unaccounted, replay, replay_located};
pub use prisoner::{Choice, Health, Prisoner};
pub use state::{State, StateKind};
pub use terms::Terms;
