//! Prisoner scenarios: cohorts with exact counts (a small TOML file) made into
//! individual records and events with a fixed seed, so a scenario of 150,000 prisoners
//! needs no large committed file. The 1953 scenario is built in.

pub mod people;
pub mod spec;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::event::{Event, EventKind};
use super::prisoner::{Choice, Health, Prisoner};
use super::terms::Terms;
use crate::agreement::Timestamp;
use people::Random;
use spec::{Cohort, CohortHealth, FORMAT, Outcome, Spec};

/// The 1953 scenario's spec (`data/korea-1953/prisoners/scenario.toml`), embedded.
pub fn korea_1953_spec() -> &'static str {
    include_str!("../../../../../data/korea-1953/prisoners/scenario.toml")
}

/// Why a scenario file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("scenario file: {0}")]
    Syntax(String),
    #[error("scenario file: format is `{0}`; this version reads `{FORMAT}`")]
    Format(String),
    #[error("scenario file: offset `{0}` is not a UTC offset such as +09:00")]
    Offset(String),
    #[error("cohort `{cohort}`: {message}")]
    Cohort { cohort: String, message: String },
}

/// The generated prisoners and their events.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub spec: Spec,
    pub prisoners: Vec<Prisoner>,
    pub events: Vec<Event>,
}

pub fn parse_spec(text: &str) -> Result<Spec, ScenarioError> {
    let spec: Spec = toml::from_str(text).map_err(|e| ScenarioError::Syntax(e.message().to_owned()))?;
    if spec.format != FORMAT {
        return Err(ScenarioError::Format(spec.format));
    }
    Ok(spec)
}

/// Make the individuals of a scenario. The same spec always gives the same prisoners,
/// names and events.
pub fn generate(text: &str, terms: &Terms) -> Result<Scenario, ScenarioError> {
    let spec = parse_spec(text)?;
    let offset: FixedOffset = spec.offset.parse().map_err(|_| ScenarioError::Offset(spec.offset.clone()))?;
    let mut prisoners = Vec::new();
    let mut events = Vec::new();
    for cohort in &spec.cohorts {
        let fail = |message: String| ScenarioError::Cohort { cohort: cohort.id.clone(), message };
        let mut random = Random::new(spec.seed ^ fnv(&cohort.id));
        let days = days(cohort, offset).map_err(fail)?;
        let plan = Timeline::of(cohort, terms).map_err(fail)?;
        let mut k = 0usize;
        for (nationality, &count) in &cohort.nationalities {
            for _ in 0..count {
                let id = format!("{}-{:05}", cohort.id, k + 1);
                let prisoner = person(&mut random, cohort, nationality, &id, k);
                let day = days.get(k % days.len().max(1)).copied();
                plan.events(&id, &prisoner, day, &spec.exchange_point, terms, &mut events).map_err(fail)?;
                prisoners.push(prisoner);
                k += 1;
            }
        }
    }
    Ok(Scenario { spec, prisoners, events })
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Midnight of each day of the cohort's `days`, first to last.
fn days(cohort: &Cohort, offset: FixedOffset) -> Result<Vec<DateTime<FixedOffset>>, String> {
    let Some([first, last]) = &cohort.days else { return Ok(Vec::new()) };
    let parse = |text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| format!("`{text}` is not a day YYYY-MM-DD ({e})"))
    };
    let (first, last) = (parse(first)?, parse(last)?);
    if last < first {
        return Err(format!("days run from {first} back to {last}"));
    }
    Ok(first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter_map(|d| d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(offset).single()))
        .collect())
}

fn person(random: &mut Random, cohort: &Cohort, nationality: &str, id: &str, k: usize) -> Prisoner {
    let health = match cohort.health {
        CohortHealth::Fit => Health::Fit,
        CohortHealth::SickOrInjured => *random.pick(&[Health::Sick, Health::Injured]),
    };
    let choice = match cohort.outcome {
        Outcome::Repatriated => Choice::Repatriation,
        Outcome::NeutralNation => Choice::NeutralNation,
        _ => Choice::Refuse,
    };
    let captured = people::birth_date(random);
    Prisoner {
        id: id.to_owned(),
        detaining_side: cohort.detaining_side.clone(),
        side: cohort.side.clone(),
        nationality: nationality.to_owned(),
        category: cohort.category,
        names: people::names(random, nationality, cohort.detaining_side.as_str(), cohort.side.as_str()),
        birth_date: Some(people::birth_date(random)),
        serial_number: Some(format!("{}-{:06}", cohort.detaining_side.as_str().to_uppercase(), k + 1)),
        rank: Some((*random.pick(&people::RANKS)).to_owned()),
        unit: Some(format!("{} Regiment", 1 + random.below(60))),
        captured_on: Some(super::prisoner::PartialDate {
            year: 1950 + random.below(4) as u16,
            month: captured.month,
            day: None,
        }),
        captured_at: None,
        health,
        choice: Some(choice),
        choice_stated_at: None,
    }
}

/// The times a cohort's outcome needs, checked once.
#[derive(Debug)]
struct Timeline<'c> {
    cohort: &'c Cohort,
    refused_at: DateTime<FixedOffset>,
}

impl<'c> Timeline<'c> {
    fn of(cohort: &'c Cohort, terms: &Terms) -> Result<Self, String> {
        let needs = |field: &str, value: Option<Timestamp>| {
            value.ok_or_else(|| format!("outcome `{:?}` needs `{field}`", cohort.outcome))
        };
        match cohort.outcome {
            Outcome::Repatriated => {
                if cohort.days.is_none() {
                    return Err("outcome `repatriated` needs `days`".to_owned());
                }
            }
            Outcome::ReleasedUnilaterally => {
                needs("at", cohort.at)?;
            }
            Outcome::Returned => {
                needs("custody_at", cohort.custody_at)?;
                if cohort.days.is_none() {
                    return Err("outcome `returned` needs `days`".to_owned());
                }
            }
            Outcome::NeutralNation | Outcome::Stayed => {
                needs("custody_at", cohort.custody_at)?;
                needs("referred_at", cohort.referred_at)?;
                needs("civilian_at", cohort.civilian_at)?;
                needs("at", cohort.at)?;
                if cohort.outcome == Outcome::NeutralNation && cohort.place.is_none() {
                    return Err("outcome `neutral-nation` needs `place`, the country".to_owned());
                }
            }
            Outcome::Unaccounted => {
                needs("custody_at", cohort.custody_at)?;
                needs("referred_at", cohort.referred_at)?;
                needs("at", cohort.at)?;
            }
        }
        // The reference dates no refusal: the scenario records it at the effective time.
        Ok(Self { cohort, refused_at: terms.effective_at })
    }

    fn events(
        &self,
        id: &str,
        prisoner: &Prisoner,
        day: Option<DateTime<FixedOffset>>,
        point: &str,
        terms: &Terms,
        out: &mut Vec<Event>,
    ) -> Result<(), String> {
        let c = self.cohort;
        let detaining = c.detaining_side.to_string();
        let commission = terms.custody_commission.clone();
        let receiving_officer = format!("reception officer, {}", prisoner.side);
        let mut n = 0;
        let mut push = |at: DateTime<FixedOffset>, author: &str, kind: EventKind| {
            n += 1;
            out.push(Event {
                id: format!("{id}-e{n}"),
                prisoner: id.to_owned(),
                at: Timestamp(at),
                author: author.to_owned(),
                kind,
            });
        };
        let hours = |base: DateTime<FixedOffset>, h: i64| base + chrono::Duration::hours(h);
        let at = |t: Option<Timestamp>| t.map(|t| t.0).ok_or_else(|| format!("cohort `{}` lacks a time", c.id));
        match c.outcome {
            Outcome::Repatriated => {
                let day = day.ok_or_else(|| format!("cohort `{}` has no days", c.id))?;
                let batch = format!("{}-{}", c.id, day.format("%Y-%m-%d"));
                push(
                    hours(day, 8),
                    &detaining,
                    EventKind::Scheduled { batch: batch.clone(), point: Some(point.to_owned()) },
                );
                push(
                    hours(day, 10),
                    &detaining,
                    EventKind::HandedOver { batch: Some(batch), point: point.to_owned(), receiving_officer },
                );
                push(hours(day, 12), prisoner.side.as_str(), EventKind::Repatriated {});
            }
            Outcome::ReleasedUnilaterally => push(at(c.at)?, &detaining, EventKind::ReleasedUnilaterally {}),
            Outcome::Returned => {
                let day = day.ok_or_else(|| format!("cohort `{}` has no days", c.id))?;
                push(self.refused_at, &detaining, EventKind::Refused {});
                push(at(c.custody_at)?, &detaining, EventKind::CustodyTransferred { to: None, place: None });
                push(hours(day, 10), &commission, EventKind::Applied {});
                push(
                    hours(day, 14),
                    &commission,
                    EventKind::Returned { point: Some(point.to_owned()), receiving_officer: Some(receiving_officer) },
                );
            }
            Outcome::NeutralNation | Outcome::Stayed | Outcome::Unaccounted => {
                push(self.refused_at, &detaining, EventKind::Refused {});
                push(at(c.custody_at)?, &detaining, EventKind::CustodyTransferred { to: None, place: None });
                push(at(c.referred_at)?, &commission, EventKind::Referred {});
                let last = at(c.at)?;
                match c.outcome {
                    Outcome::NeutralNation => {
                        push(at(c.civilian_at)?, &commission, EventKind::Civilian {});
                        let country = c.place.clone().unwrap_or_default();
                        push(last, &commission, EventKind::WentToNeutralNation { country });
                    }
                    Outcome::Stayed => {
                        push(at(c.civilian_at)?, &commission, EventKind::Civilian {});
                        push(last, &commission, EventKind::Stayed { destination: c.place.clone() });
                    }
                    _ => push(last, &commission, EventKind::Unaccounted { reason: c.place.clone() }),
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::agreement::{builtin, load};
    use crate::pow::invariants;
    use crate::pow::ledger::{Account, Ledger, replay};
    use crate::pow::prisoner::Category;
    use crate::pow::state::StateKind;

    fn terms() -> Terms {
        Terms::from_agreement(&load(&builtin::korea_1953()).unwrap())
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        Timestamp::parse(text).unwrap().0
    }

    /// Prisoners matching `keep`, by nationality.
    fn by_nationality(ledger: &Ledger, keep: impl Fn(&Prisoner, &Account) -> bool) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for (p, _) in ledger.iter().filter(|(p, a)| keep(p, a)) {
            *counts.entry(p.nationality.clone()).or_insert(0) += 1;
        }
        counts
    }

    fn total(counts: &BTreeMap<String, usize>) -> usize {
        counts.values().sum()
    }

    fn minus(a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
        a.iter().map(|(k, n)| (k.clone(), n - b.get(k).copied().unwrap_or(0))).filter(|(_, n)| *n > 0).collect()
    }

    fn expect(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
    }

    fn repatriated_by(side: &'static str) -> impl Fn(&Prisoner, &Account) -> bool {
        move |p, a| p.detaining_side == *side && a.state.kind() == StateKind::Repatriated
    }

    /// Every figure below is the reference sheet's (shared/reference/korean-armistice-1953.md,
    /// "Historical figures"; the first figure where it gives several). The numbers come
    /// out of the ledger's fold over the generated events, never from the spec.
    #[test]
    fn the_1953_scenario_gives_the_historical_totals() {
        let scenario = generate(korea_1953_spec(), &terms()).unwrap();

        // Operation Little Switch, 20 April - 3 May 1953 (reference line 91-92).
        let (little, errors) =
            replay(terms(), scenario.prisoners.clone(), scenario.events.clone(), Some(at("1953-05-04T00:00:00+09:00")));
        assert!(errors.is_empty(), "{errors:?}");
        let to_kc = by_nationality(&little, repatriated_by("unc"));
        assert_eq!(total(&to_kc), 6_670);
        let internees = little
            .iter()
            .filter(|(p, a)| p.category == Category::CivilianInternee && a.state.kind() == StateKind::Repatriated)
            .count();
        assert_eq!(internees, 446);
        assert_eq!(to_kc, expect(&[("China", 1_030), ("Korea", 446), ("North Korea", 5_194)]));
        let to_unc = by_nationality(&little, repatriated_by("kpa-cpv"));
        assert_eq!(total(&to_unc), 684);
        assert_eq!(to_unc["United States"], 149);
        assert!(
            little
                .iter()
                .filter(|(_, a)| a.state.kind() == StateKind::Repatriated)
                .all(|(p, _)| p.health.sick_or_injured())
        );

        // Operation Big Switch, direct exchange 5 August - 6 September 1953 (lines 95-97).
        let (big, errors) =
            replay(terms(), scenario.prisoners.clone(), scenario.events.clone(), Some(at("1953-09-07T00:00:00+09:00")));
        assert!(errors.is_empty(), "{errors:?}");
        let big_to_kc = minus(&by_nationality(&big, repatriated_by("unc")), &to_kc);
        assert_eq!(total(&big_to_kc), 75_823);
        assert_eq!(big_to_kc, expect(&[("China", 5_640), ("North Korea", 70_183)]));
        let big_to_unc = minus(&by_nationality(&big, repatriated_by("kpa-cpv")), &to_unc);
        assert_eq!(total(&big_to_unc), 12_773);
        assert_eq!(
            big_to_unc,
            expect(&[
                ("Australia", 21),
                ("Belgium", 1),
                ("Canada", 30),
                ("Colombia", 22),
                ("France", 12),
                ("Greece", 2),
                ("Japan", 1),
                ("Netherlands", 2),
                ("New Zealand", 1),
                ("Philippines", 40),
                ("South Africa", 8),
                ("South Korea", 7_862),
                ("Turkey", 229),
                ("United Kingdom", 945),
                ("United States", 3_597),
            ])
        );
        assert_eq!(total(&by_nationality(&big, repatriated_by("unc"))), 82_493, "both operations, Koreans and Chinese");
        assert_eq!(by_nationality(&big, repatriated_by("kpa-cpv"))["United States"], 3_746, "both operations, US");

        // The non-repatriates and what became of them (lines 100-104).
        let (end, errors) = replay(terms(), scenario.prisoners, scenario.events, Some(at("1954-06-01T00:00:00+09:00")));
        assert!(errors.is_empty(), "{errors:?}");
        invariants::check(&end).unwrap();
        let to_nnrc = |side: &'static str| {
            by_nationality(&end, move |p, a| p.detaining_side == *side && a.custody_since.is_some())
        };
        assert_eq!(total(&to_nnrc("unc")), 22_604);
        assert_eq!(to_nnrc("unc"), expect(&[("China", 14_704), ("North Korea", 7_900)]));
        assert_eq!(total(&to_nnrc("kpa-cpv")), 357);
        assert_eq!(to_nnrc("kpa-cpv"), expect(&[("South Korea", 333), ("United Kingdom", 1), ("United States", 23)]));
        let outcome = |side: &'static str, kind: StateKind| {
            by_nationality(&end, move |p, a| p.detaining_side == *side && a.state.kind() == kind)
        };
        assert_eq!(outcome("unc", StateKind::Returned), expect(&[("China", 137)]));
        assert_eq!(outcome("kpa-cpv", StateKind::Returned), expect(&[("South Korea", 8), ("United States", 2)]));
        assert_eq!(
            outcome("kpa-cpv", StateKind::Stayed),
            expect(&[("South Korea", 325), ("United Kingdom", 1), ("United States", 21)])
        );
        let civilians_from_unc =
            total(&outcome("unc", StateKind::Stayed)) + total(&outcome("unc", StateKind::WentToNeutralNation));
        assert_eq!(civilians_from_unc, 21_839);
        assert_eq!(outcome("unc", StateKind::WentToNeutralNation), expect(&[("China", 12), ("North Korea", 76)]));
        assert_eq!(total(&outcome("unc", StateKind::Unaccounted)), 22_604 - 137 - 21_839);
        assert_eq!(
            total(&outcome("unc", StateKind::ReleasedUnilaterally)),
            27_000,
            "issue 5: about 27,000 in June 1953"
        );

        // Counts conserve: everyone held at the start is in exactly one outcome.
        assert_eq!(end.n_prisoners(), 6_670 + 684 + 27_000 + 75_823 + 12_773 + 22_604 + 357);
        assert_eq!(end.counts().iter().map(|(_, n)| n).sum::<usize>(), end.n_prisoners());
        assert!(end.findings().is_empty(), "{:?}", end.findings().first());
    }

    #[test]
    fn the_same_spec_gives_the_same_people() {
        let a = generate(korea_1953_spec(), &terms()).unwrap();
        let b = generate(korea_1953_spec(), &terms()).unwrap();
        assert_eq!(a.prisoners[..50], b.prisoners[..50]);
        assert_eq!(a.events.len(), b.events.len());
        assert_eq!(a.events.last(), b.events.last());
    }

    #[test]
    fn a_cohort_without_its_times_is_refused() {
        let text = korea_1953_spec().replacen("days = [\"1953-08-05\", \"1953-09-06\"]\n", "", 1);
        let error = generate(&text, &terms()).unwrap_err();
        assert!(
            matches!(&error, ScenarioError::Cohort { cohort, message } if cohort == "big-switch-unc" && message.contains("days")),
            "{error}"
        );
        let error = generate("format = \"other\"", &terms()).unwrap_err();
        assert!(matches!(error, ScenarioError::Syntax(_) | ScenarioError::Format(_)));
    }
}
