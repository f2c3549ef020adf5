//! The armistice domain: agreements as data, geometry, rules, the prisoner ledger and
//! list reconciliation, the journal model, and who may do what on it.
//!
//! This crate does no I/O, reads no clock and spawns nothing: files arrive as text,
//! times arrive as arguments. That is what lets either side re-run any computation and
//! get the same answer.

pub mod access;
pub mod agreement;
pub mod geo;
pub mod journal;
pub mod pow;
pub mod rules;
