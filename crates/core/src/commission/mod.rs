//! The commissions' work (docs/commissions.md): Military Armistice Commission cases from
//! allegation to finding, the teams they send and the agreement's limit on them, team
//! make-up, meetings and recesses, and the neutral inspections at the ports of entry.
//!
//! - `payload.rs`: the JSON payloads of the commission entries, and [`decode`].
//! - `actor.rs`: who acts (a side, a commission, a team), as a value.
//! - `terms.rs`: what the agreement says about its commissions, read from its data.
//! - `case.rs`: a case and its state machine; a refused move is a [`CaseError`].
//! - `dispatch.rs`: teams out and the `dispatch-limit` rule.
//! - `composition.rs`: a team's members against its size and halves.
//! - `meetings.rs`: the `meetings` rule over meeting minutes.
//! - `inspection.rs`: inspection reports to rotation and materiel reports; special
//!   inspections tracked to their report.
//! - `finding.rs`: a commission finding, citing the provision and the entries.
//! - `docket.rs`: the fold over commission payloads in record order.
//!
//! Pure: times are in the payloads; nothing here reads a clock.

pub mod actor;
pub mod case;
pub mod composition;
pub mod dispatch;
pub mod docket;
pub mod finding;
pub mod inspection;
pub mod meetings;
pub mod payload;
pub mod terms;

pub use actor::Actor;
pub use case::{Action, Case, CaseError, CaseState, Step};
pub use docket::{Docket, DocketError};
pub use finding::Finding;
pub use inspection::{Request, RequestStatus};
pub use payload::{KINDS, Payload, PayloadError, decode};
pub use terms::Terms;
