//! A prisoner record: who holds the prisoner, whose side and nationality the prisoner
//! belonged to at capture, names as each side wrote them, and the stated choice.

use serde::{Deserialize, Serialize};

use crate::agreement::{Id, Timestamp};

pub use super::date::PartialDate;

/// One prisoner as the detaining side recorded them. Only `id`, `detaining_side`,
/// `side` and `nationality` are required; everything else may be unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prisoner {
    /// Unique in the ledger, e.g. the detaining side's internment number.
    pub id: String,
    /// The side holding the prisoner.
    pub detaining_side: Id,
    /// The side the prisoner belonged to at capture: where repatriation sends them.
    pub side: Id,
    /// Nationality at capture, as written (`North Korea`, `China`, `United States`).
    pub nationality: String,
    #[serde(default, skip_serializing_if = "Category::is_default")]
    pub category: Category,
    /// Names as each side wrote them, in any script.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_on: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    #[serde(default, skip_serializing_if = "Health::is_fit")]
    pub health: Health,
    /// The choice the prisoner stated about repatriation, if any, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_stated_at: Option<Timestamp>,
}

/// A name as one side wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Name {
    /// As written: `Kim Chol-su`, `김철수`, `王建国`, `Ivanov`.
    pub text: String,
    /// The side (or body) whose list spelt it this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_by: Option<String>,
    /// The script or system: `latin`, `hangul`, `han`, `cyrillic`, `mccune-reischauer`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
}

/// Prisoner of war or civilian internee: exchanged alike, counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    #[default]
    PrisonerOfWar,
    CivilianInternee,
}

impl Category {
    fn is_default(&self) -> bool {
        *self == Self::PrisonerOfWar
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PrisonerOfWar => "prisoner-of-war",
            Self::CivilianInternee => "civilian-internee",
        }
    }
}

/// Whether the prisoner is sick or injured: those who ask to go home go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    #[default]
    Fit,
    Sick,
    Injured,
}

impl Health {
    fn is_fit(&self) -> bool {
        *self == Self::Fit
    }

    pub fn sick_or_injured(self) -> bool {
        self != Self::Fit
    }
}

/// What the prisoner said about going home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Choice {
    /// Insists on repatriation to the side they belonged to at capture.
    Repatriation,
    /// Refuses repatriation.
    Refuse,
    /// Refuses repatriation and asks to go to a neutral nation.
    NeutralNation,
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Repatriation => "repatriation",
            Self::Refuse => "refuse",
            Self::NeutralNation => "neutral-nation",
        }
    }

    /// Refused repatriation, whether or not they named a neutral nation.
    pub fn refuses(self) -> bool {
        self != Self::Repatriation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_needs_only_sides_and_nationality() {
        let p: Prisoner = serde_json::from_str(
            r#"{"id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China","health":"injured",
                "names":[{"text":"王建国","script":"han"},{"text":"Wang Chien-kuo","written_by":"unc"}]}"#,
        )
        .unwrap();
        assert_eq!(p.health, Health::Injured);
        assert_eq!(p.names.len(), 2);
        assert!(p.choice.is_none());
        let unknown = serde_json::from_str::<Prisoner>(
            r#"{"id":"p1","detaining_side":"unc","side":"kpa-cpv","nationality":"China","colour":"red"}"#,
        );
        assert!(unknown.is_err());
    }
}
