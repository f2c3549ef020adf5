//! The armistice domain: agreements as data, geometry, rules, the prisoner ledger and
//! list reconciliation, the commissions' work, the journal model, who may do what on
//! it, and the replay that rebuilds everything derived from the journal.
//!
//! This crate does no I/O, reads no clock and spawns nothing: files arrive as text,
//! times arrive as arguments. That is what lets either side re-run any computation and
//! get the same answer.

pub mod access;
pub mod agreement;
pub mod commission;
pub mod geo;
mod hint;
pub mod journal;
pub mod pow;
pub mod replay;
pub mod rules;
pub mod story;
pub mod talks;
