//! Compliance: reports in, findings out. Each finding cites the provision it breaks and
//! the reports that show it; the same reports always give the same findings.

pub mod batch;
mod draft;
pub mod engine;
pub mod finding;
mod fixed;
pub mod incidents;
mod reason;
pub mod report;
pub mod scan;

pub use batch::Batch;
pub use draft::Findings;

/// A fixed xorshift sequence for the tests' random cases.
#[cfg(test)]
pub(crate) fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

pub use engine::Checker;
pub use finding::Finding;
pub use report::{Category, Direction, Event, Observed, Report, ReportError};
