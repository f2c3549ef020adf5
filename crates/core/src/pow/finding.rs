//! A ledger finding: a prisoner provision shown broken, with its citation, the
//! prisoners and events that show it, and a reason with the numbers.
//!
//! It has the same core as a report finding (`rules::Finding`: stable id, citation,
//! rule, responsible side, time, reason) but points at prisoners and ledger events
//! instead of reports, incidents and observers.

use chrono::{DateTime, FixedOffset};

use crate::agreement::Citation;

/// One prisoner provision shown broken. Breaches of one provision by one side on one
/// day (or at one deadline) are one finding listing every prisoner concerned.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable: the same ledger always gives the same ids.
    pub id: String,
    pub citation: Citation,
    /// The rule kind, as in the agreement file (`direct-repatriation`, ...).
    pub rule: &'static str,
    /// The side or commission the provision holds responsible.
    pub responsible: Option<String>,
    /// The first breaching event, or the deadline that passed.
    pub at: DateTime<FixedOffset>,
    /// The prisoners concerned, in ledger order.
    pub prisoners: Vec<String>,
    /// The events that show it (none for a deadline that passed without one).
    pub events: Vec<String>,
    /// One sentence with the numbers.
    pub reason: String,
}
