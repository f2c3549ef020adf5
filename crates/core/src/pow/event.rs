//! A prisoner event: one thing that happened to one prisoner, with its time and author.
//! Events are appended, never changed; the ledger is their fold.

use serde::{Deserialize, Serialize};

use super::prisoner::{Choice, Health};
use crate::agreement::Timestamp;

/// One event in the ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Unique in the ledger.
    pub id: String,
    /// The prisoner's id.
    pub prisoner: String,
    pub at: Timestamp,
    /// Who recorded it: a side, a commission, an officer.
    pub author: String,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. In a file the kind is the `event` field: `"event": "handed-over"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum EventKind {
    /// Named on a list the detaining side gave the other side.
    Listed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<String>,
    },
    /// The prisoner stated a choice about repatriation (or changed it).
    Choice {
        choice: Choice,
    },
    /// The prisoner formally refused repatriation.
    Refused {},
    /// The prisoner fell sick, was injured, or recovered.
    Health {
        health: Health,
    },
    /// Put in an exchange batch.
    Scheduled {
        batch: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<String>,
    },
    /// Handed over at the exchange point to the receiving side's officer.
    HandedOver {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<String>,
        point: String,
        receiving_officer: String,
    },
    /// Received home by the side they belonged to.
    Repatriated {},
    /// Handed to the neutral repatriation commission's custody.
    CustodyTransferred {
        /// The commission; the agreement's custody commission when not given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        place: Option<String>,
    },
    /// In custody, applied for repatriation.
    Applied {},
    /// In custody, returned to their side through the exchange point.
    Returned {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receiving_officer: Option<String>,
    },
    /// When explanations end, the case goes to the political conference.
    Referred {},
    /// Declared a civilian.
    Civilian {},
    /// As a civilian, left for a neutral nation.
    WentToNeutralNation {
        country: String,
    },
    /// As a civilian, stayed (or went where the detaining side's authorities took them).
    Stayed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
    },
    Died {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        burial_place: Option<String>,
    },
    Escaped {},
    /// An escaped or unaccounted-for prisoner is held again.
    Found {},
    /// Released by the detaining side on its own, outside the agreement's channels.
    ReleasedUnilaterally {},
    /// Nobody can say where the prisoner is.
    Unaccounted {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl EventKind {
    /// The kind's name as written in a file.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Listed { .. } => "listed",
            Self::Choice { .. } => "choice",
            Self::Refused {} => "refused",
            Self::Health { .. } => "health",
            Self::Scheduled { .. } => "scheduled",
            Self::HandedOver { .. } => "handed-over",
            Self::Repatriated {} => "repatriated",
            Self::CustodyTransferred { .. } => "custody-transferred",
            Self::Applied {} => "applied",
            Self::Returned { .. } => "returned",
            Self::Referred {} => "referred",
            Self::Civilian {} => "civilian",
            Self::WentToNeutralNation { .. } => "went-to-neutral-nation",
            Self::Stayed { .. } => "stayed",
            Self::Died { .. } => "died",
            Self::Escaped {} => "escaped",
            Self::Found {} => "found",
            Self::ReleasedUnilaterally {} => "released-unilaterally",
            Self::Unaccounted { .. } => "unaccounted",
        }
    }
}
