//! A commission finding: a provision on the commissions' own work shown broken (a
//! dispatch over the limit, a team of the wrong make-up, a missed meeting, an over-long
//! recess), with its citation and the journal entries that show it.
//!
//! It has the same core as a report finding (`rules::Finding`: stable id, citation, rule,
//! responsible, time, reason) but points at journal entries and a case instead of
//! reports, incidents and observers, as `pow::Finding` points at prisoners.

use chrono::{DateTime, FixedOffset};

use crate::agreement::Citation;
use crate::rules::finding::stable_id;

/// One commission provision shown broken.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable: the same entries always give the same id.
    pub id: String,
    pub citation: Citation,
    /// The rule kind, as in the agreement file (`dispatch-limit`, `meetings`, `composition`).
    pub rule: &'static str,
    /// The side or commission the provision holds responsible.
    pub responsible: Option<String>,
    pub at: DateTime<FixedOffset>,
    /// The journal entries (by index) that show it.
    pub entries: Vec<u64>,
    /// The case it arose in, if any.
    pub case: Option<String>,
    /// One sentence with the numbers.
    pub reason: String,
}

impl Finding {
    pub fn new(
        citation: &Citation,
        rule: &'static str,
        responsible: Option<&str>,
        at: DateTime<FixedOffset>,
        entries: Vec<u64>,
        case: Option<&str>,
        reason: String,
    ) -> Self {
        let citation_text = citation.to_string();
        let at_text = at.to_rfc3339();
        let entry_texts: Vec<String> = entries.iter().map(u64::to_string).collect();
        let mut parts: Vec<&str> = vec![&citation_text, rule, &at_text, case.unwrap_or("")];
        parts.extend(entry_texts.iter().map(String::as_str));
        Self {
            id: stable_id("cf", &parts),
            citation: citation.clone(),
            rule,
            responsible: responsible.map(str::to_owned),
            at,
            entries,
            case: case.map(str::to_owned),
            reason,
        }
    }
}
