//! The scenario file (`armistice-pow-scenario/1`): cohorts of prisoners with counts by
//! nationality and what became of them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::agreement::{Id, Timestamp};
use crate::pow::prisoner::Category;

pub const FORMAT: &str = "armistice-pow-scenario/1";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub format: String,
    /// The agreement the scenario runs under (its id).
    pub agreement: String,
    pub seed: u64,
    /// The UTC offset daily batches are dated in, e.g. `+09:00`.
    pub offset: String,
    pub exchange_point: String,
    #[serde(rename = "cohort")]
    pub cohorts: Vec<Cohort>,
}

/// Prisoners who share a detaining side, a health, an outcome and its times.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    pub id: String,
    pub name: String,
    pub detaining_side: Id,
    pub side: Id,
    #[serde(default)]
    pub category: Category,
    #[serde(default)]
    pub health: CohortHealth,
    pub outcome: Outcome,
    /// First and last day (`YYYY-MM-DD`) of daily hand-overs or returns.
    #[serde(default)]
    pub days: Option<[String; 2]>,
    #[serde(default)]
    pub custody_at: Option<Timestamp>,
    #[serde(default)]
    pub referred_at: Option<Timestamp>,
    #[serde(default)]
    pub civilian_at: Option<Timestamp>,
    /// When the outcome happened, for outcomes that are not spread over days.
    #[serde(default)]
    pub at: Option<Timestamp>,
    /// Destination (neutral nation, or where those who stayed went), or the reason a
    /// prisoner is unaccounted for.
    #[serde(default)]
    pub place: Option<String>,
    /// Prisoners by nationality.
    pub nationalities: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CohortHealth {
    #[default]
    Fit,
    /// Each prisoner sick or injured, drawn at random.
    SickOrInjured,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Insisted on going home; handed over in daily batches and repatriated.
    Repatriated,
    /// Released by the detaining side on its own at `at`.
    ReleasedUnilaterally,
    /// Refused, handed to the commission, applied and returned on one of `days`.
    Returned,
    /// Refused, custody, referral, civilian status, then a neutral nation (`place`).
    NeutralNation,
    /// Refused, custody, referral, civilian status, then stayed (or went to `place`).
    Stayed,
    /// Refused, custody, referral, then unaccounted for (`place` says why).
    Unaccounted,
}

impl Cohort {
    pub fn size(&self) -> u32 {
        self.nationalities.values().sum()
    }
}
