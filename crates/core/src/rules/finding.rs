//! A finding: a provision broken, shown by reports, at a time and place, with a reason
//! a person can read and the numbers that make it.

use chrono::{DateTime, FixedOffset};

use crate::agreement::{Citation, Position};

/// One provision shown broken.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable: the same provision, reports and time always give the same id.
    pub id: String,
    pub citation: Citation,
    /// The rule kind, as in the agreement file (`withdrawal`, `hostile-act`, ...).
    pub rule: &'static str,
    /// The side the rule holds responsible, when it can tell.
    pub responsible: Option<String>,
    /// The reports that show it, in time order.
    pub reports: Vec<String>,
    pub at: DateTime<FixedOffset>,
    pub position: Option<Position>,
    pub zone: Option<String>,
    /// One sentence with the numbers.
    pub reason: String,
    /// The incident the first report belongs to (reports of one event grouped).
    pub incident: String,
    /// Independent sources in that incident: distinct reporting parties and teams.
    pub sources: usize,
    /// Observer nationalities in that incident.
    pub nationalities: Vec<String>,
}

/// FNV-1a, 64 bits: a stable id from text, the same on every machine and version.
pub fn stable_id(prefix: &str, parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0x1f)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{prefix}-{hash:016x}")
}
