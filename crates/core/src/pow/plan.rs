//! Exchange planning: daily batches per exchange point within its capacity, the sick and
//! injured who asked to go first, everyone who insists on repatriation by the agreement's
//! deadline, or a plain statement of why that cannot be met.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};

use super::ledger::Account;
use super::prisoner::{Choice, Prisoner};
use super::terms::Terms;

/// Why no plan can be made at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the capacity must be at least 1 prisoner per exchange point per day")]
    NoCapacity,
    #[error("the agreement names no exchange point, so there is nowhere to hand prisoners over")]
    NoExchangePoint,
}

/// One day's hand-over at one point by one detaining side.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub id: String,
    pub day: NaiveDate,
    pub point: String,
    pub detaining_side: String,
    pub receiving_side: String,
    pub prisoners: Vec<String>,
    pub sick_and_injured: usize,
    /// After the deadline.
    pub late: bool,
}

/// A prisoner left out of the plan, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub prisoner: String,
    pub reason: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub start: DateTime<FixedOffset>,
    pub deadline: Option<DateTime<FixedOffset>>,
    pub points: Vec<String>,
    pub capacity_per_point_per_day: usize,
    /// Whole days from the first midnight at or after the start through the deadline's day.
    pub days_available: Option<usize>,
    pub to_hand_over: usize,
    pub sick_and_injured: usize,
    /// Hand-overs a day needed to finish by the deadline.
    pub needed_per_day: Option<usize>,
    pub last_day: Option<NaiveDate>,
    pub feasible: bool,
    /// One paragraph: whether the deadline is met, and if not, by how much it is missed.
    pub statement: String,
    pub batches: Vec<Batch>,
    pub skipped: Vec<Skipped>,
}

/// One detaining side's prisoners to hand over: (detaining side, receiving side,
/// prisoners each with whether they are sick or injured).
type Queue<'a> = (String, String, Vec<(&'a Prisoner, bool)>);

/// Plan the hand-over of everyone who insists on repatriation and is still held.
/// `people` are prisoners with their accounts (as of `start`).
pub fn plan<'a>(
    terms: &Terms,
    people: impl IntoIterator<Item = (&'a Prisoner, &'a Account)>,
    start: DateTime<FixedOffset>,
    capacity_per_point_per_day: usize,
) -> Result<Plan, PlanError> {
    if capacity_per_point_per_day == 0 {
        return Err(PlanError::NoCapacity);
    }
    let points: Vec<String> = terms.exchange_points.iter().map(|(id, _)| id.clone()).collect();
    if points.is_empty() {
        return Err(PlanError::NoExchangePoint);
    }
    // Each detaining side's queue: the sick and injured first, then by id.
    let mut queues: Vec<Queue> = Vec::new();
    let mut skipped = Vec::new();
    for (prisoner, account) in people {
        if !account.state.kind().with_detaining_side() {
            continue;
        }
        let reason = match account.choice {
            Some(Choice::Repatriation) => None,
            Some(_) => Some("refused repatriation: goes to the neutral commission, not to an exchange"),
            None => Some("no stated choice: only those who insist on repatriation are exchanged directly"),
        };
        if let Some(reason) = reason {
            skipped.push(Skipped { prisoner: prisoner.id.clone(), reason });
            continue;
        }
        let side = prisoner.detaining_side.to_string();
        let sick = account.health.sick_or_injured();
        match queues.iter_mut().find(|(s, _, _)| *s == side) {
            Some((_, _, queue)) => queue.push((prisoner, sick)),
            None => queues.push((side, prisoner.side.to_string(), vec![(prisoner, sick)])),
        }
    }
    queues.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, _, queue) in &mut queues {
        queue.sort_by(|(a, a_sick), (b, b_sick)| b_sick.cmp(a_sick).then_with(|| a.id.cmp(&b.id)));
    }
    let to_hand_over: usize = queues.iter().map(|(_, _, q)| q.len()).sum();
    let sick_and_injured: usize = queues.iter().map(|(_, _, q)| q.iter().filter(|(_, s)| *s).count()).sum();

    let offset = *start.offset();
    let first_day = if start.time() == chrono::NaiveTime::MIN {
        start.date_naive()
    } else {
        start.date_naive() + Duration::days(1)
    };
    let deadline = terms.direct_repatriation.as_ref().map(|d| d.at);
    let last_allowed = deadline.map(|d| d.with_timezone(&offset).date_naive());
    let days_available = last_allowed.map(|last| usize::try_from((last - first_day).num_days() + 1).unwrap_or(0));
    let per_day = capacity_per_point_per_day * points.len();

    let mut batches = Vec::new();
    let mut cursors = vec![0usize; queues.len()];
    let mut day = first_day;
    let mut last_day = None;
    while cursors.iter().zip(&queues).any(|(c, (_, _, q))| *c < q.len()) {
        // Share the day's capacity between the sides in proportion to what each has left
        // (largest remainder), so both finish together.
        let left: Vec<usize> = cursors.iter().zip(&queues).map(|(c, (_, _, q))| q.len() - c).collect();
        let shares = shares(&left, per_day);
        let mut used = vec![0usize; points.len()];
        for (k, (side, receiving, queue)) in queues.iter().enumerate() {
            let mut take = shares[k];
            for (p, point) in points.iter().enumerate() {
                let n = take.min(capacity_per_point_per_day - used[p]);
                if n == 0 {
                    continue;
                }
                let chosen = &queue[cursors[k]..cursors[k] + n];
                batches.push(Batch {
                    id: format!("{}-{}-{}", point, side, day.format("%Y-%m-%d")),
                    day,
                    point: point.clone(),
                    detaining_side: side.clone(),
                    receiving_side: receiving.clone(),
                    prisoners: chosen.iter().map(|(p, _)| p.id.clone()).collect(),
                    sick_and_injured: chosen.iter().filter(|(_, s)| *s).count(),
                    late: last_allowed.is_some_and(|last| day > last),
                });
                cursors[k] += n;
                used[p] += n;
                take -= n;
            }
        }
        last_day = Some(day);
        day += Duration::days(1);
    }

    let needed_per_day = days_available.map(|d| if d == 0 { to_hand_over } else { to_hand_over.div_ceil(d) });
    let feasible = match (last_day, last_allowed) {
        (Some(last), Some(allowed)) => last <= allowed,
        _ => true,
    };
    let statement = statement(
        to_hand_over,
        sick_and_injured,
        deadline,
        days_available,
        needed_per_day,
        per_day,
        &points,
        capacity_per_point_per_day,
        last_day,
        last_allowed,
    );
    Ok(Plan {
        start,
        deadline,
        points,
        capacity_per_point_per_day,
        days_available,
        to_hand_over,
        sick_and_injured,
        needed_per_day,
        last_day,
        feasible,
        statement,
        batches,
        skipped,
    })
}

/// Split `total` in proportion to `weights` by largest remainder, never giving a weight
/// more than it asks for.
fn shares(weights: &[usize], total: usize) -> Vec<usize> {
    let sum: usize = weights.iter().sum();
    if sum <= total {
        return weights.to_vec();
    }
    let mut out: Vec<usize> = weights.iter().map(|w| w * total / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse((weights[k] * total) % sum));
    let mut left = total - out.iter().sum::<usize>();
    for k in order {
        if left == 0 {
            break;
        }
        if out[k] < weights[k] {
            out[k] += 1;
            left -= 1;
        }
    }
    out
}

#[allow(clippy::too_many_arguments)] // one sentence from every number of the plan
fn statement(
    n: usize,
    sick: usize,
    deadline: Option<DateTime<FixedOffset>>,
    days: Option<usize>,
    needed: Option<usize>,
    per_day: usize,
    points: &[String],
    capacity: usize,
    last_day: Option<NaiveDate>,
    last_allowed: Option<NaiveDate>,
) -> String {
    let at_points = format!("{capacity} a day at each of {} exchange point(s) ({})", points.len(), points.join(", "));
    if n == 0 {
        return "Nobody who insists on repatriation is still held: there is nothing to plan.".to_owned();
    }
    let sick_first = if sick > 0 {
        format!(" The {sick} sick and injured who asked to go are in the first batches.")
    } else {
        String::new()
    };
    let (Some(deadline), Some(days), Some(needed), Some(last)) = (deadline, days, needed, last_day) else {
        return format!(
            "{n} prisoner(s) insist on repatriation; the agreement sets no deadline for it. At {at_points} the last \
             hand-over is on {}.{sick_first}",
            last_day.map_or_else(|| "-".to_owned(), |d| d.to_string())
        );
    };
    match last_allowed {
        Some(allowed) if last <= allowed => format!(
            "All {n} prisoner(s) who insist on repatriation can be handed over by the deadline ({}): {days} day(s) at \
             {at_points}, {per_day} a day in all, against {needed} a day needed; the last hand-over is on {last}.{sick_first}",
            deadline.to_rfc3339()
        ),
        _ => {
            let late_days = last_allowed.map_or(0, |a| (last - a).num_days());
            let per_point = if days == 0 { n } else { n.div_ceil(days * points.len()) };
            format!(
                "The deadline ({}) cannot be met: {n} prisoner(s) in {days} day(s) need {needed} hand-overs a day, but \
                 {at_points} give {per_day} a day, {} short. At this capacity the last hand-over is on {last}, \
                 {late_days} day(s) late; meeting the deadline needs {per_point} a day at each point, or more points.{sick_first}",
                deadline.to_rfc3339(),
                needed.saturating_sub(per_day)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{Timestamp, builtin, load};
    use crate::pow::prisoner::Health;
    use crate::pow::state::State;

    fn terms() -> Terms {
        Terms::from_agreement(&load(&builtin::korea_1953()).unwrap())
    }

    fn people(n: usize, sick_every: usize) -> Vec<(Prisoner, Account)> {
        (0..n)
            .map(|k| {
                let side = if k % 4 == 0 { ("kpa-cpv", "unc") } else { ("unc", "kpa-cpv") };
                let prisoner: Prisoner = serde_json::from_value(serde_json::json!({
                    "id": format!("p{k:04}"), "detaining_side": side.0, "side": side.1, "nationality": "X",
                }))
                .unwrap();
                let health = if k % sick_every == 0 { Health::Sick } else { Health::Fit };
                let choice = if k % 7 == 3 { Some(Choice::Refuse) } else { Some(Choice::Repatriation) };
                let account = Account { state: State::Held, choice, health, since: None, custody_since: None };
                (prisoner, account)
            })
            .collect()
    }

    fn start() -> DateTime<FixedOffset> {
        Timestamp::parse("1953-07-27T22:00:00+09:00").unwrap().0
    }

    #[test]
    fn everyone_in_time_sick_first_within_capacity() {
        let people = people(1000, 5);
        let roomy = plan(&terms(), people.iter().map(|(p, a)| (p, a)), start(), 30).unwrap();
        assert!(roomy.feasible, "{}", roomy.statement);
        assert_eq!(roomy.days_available, Some(60), "28 July to 25 September");
        let planned: usize = roomy.batches.iter().map(|b| b.prisoners.len()).sum();
        assert_eq!(planned + roomy.skipped.len(), 1000);
        assert_eq!(planned, roomy.to_hand_over);
        let mut per_day: std::collections::BTreeMap<(NaiveDate, &str), usize> = Default::default();
        for b in &roomy.batches {
            *per_day.entry((b.day, b.point.as_str())).or_default() += b.prisoners.len();
        }
        assert!(per_day.values().all(|&n| n <= 30));
        // Per side, no fit prisoner goes on a day before a sick one.
        for side in ["unc", "kpa-cpv"] {
            let batches: Vec<&Batch> = roomy.batches.iter().filter(|b| b.detaining_side == side).collect();
            let last_sick = batches.iter().rposition(|b| b.sick_and_injured > 0).unwrap();
            assert!(batches[..last_sick].iter().all(|b| b.sick_and_injured == b.prisoners.len()));
        }
        assert!(roomy.statement.starts_with("All "), "{}", roomy.statement);
    }

    #[test]
    fn too_little_capacity_is_stated_with_the_numbers() {
        let people = people(1000, 5);
        let tight = plan(&terms(), people.iter().map(|(p, a)| (p, a)), start(), 10).unwrap();
        assert!(!tight.feasible);
        assert!(tight.batches.iter().any(|b| b.late));
        assert!(tight.statement.contains("cannot be met"), "{}", tight.statement);
        assert!(tight.statement.contains(&format!("{} hand-overs a day", tight.needed_per_day.unwrap())));
        assert_eq!(plan(&terms(), [], start(), 0), Err(PlanError::NoCapacity));
    }

    #[test]
    fn shares_follow_what_is_left() {
        assert_eq!(shares(&[10, 30], 100), [10, 30]);
        assert_eq!(shares(&[75, 25], 10), [8, 2]);
        assert_eq!(shares(&[1, 1, 1], 2).iter().sum::<usize>(), 2);
    }
}
