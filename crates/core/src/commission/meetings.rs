//! Meetings against the agreement's `meetings` rule: a commission meets every `every`;
//! a recess agreed at a meeting may last at most `max_recess`; a member who ends a
//! recess early gives `recess_end_notice`. From the minutes on record, a gap with no
//! recess declared, a recess declared longer than allowed, a meeting late after a recess,
//! and a recess ended on short notice are findings citing the rule's provision.
//!
//! Days are calendar days in each meeting's own offset. A meeting on day D is due again
//! by D + `every`; a recess declared at D until day U (the day meetings resume) lasts
//! from D + `every` to U, and is too long when U is after D + `every` + `max_recess`.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::finding::Finding;
use super::payload::MeetingMinutes;
use super::terms::Terms;
use crate::agreement::Period;

/// Midnight of a day, in an offset.
fn midnight(day: NaiveDate, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    day.and_hms_opt(0, 0, 0)?.and_local_timezone(offset).single()
}

/// The day a period after the start of `day` falls on.
fn day_after(day: NaiveDate, offset: FixedOffset, period: Period) -> Option<NaiveDate> {
    period.after(midnight(day, offset)?).map(|t| t.date_naive())
}

/// The findings from one set of minutes (any commissions, any order): per commission
/// with a `meetings` rule, meetings in order of time (ties by entry).
pub fn findings(terms: &Terms, minutes: &[(u64, MeetingMinutes)]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (commission, (citation, rule)) in &terms.meetings {
        let mut held: Vec<&(u64, MeetingMinutes)> =
            minutes.iter().filter(|(_, m)| m.commission.as_str() == commission).collect();
        held.sort_by_key(|(entry, m)| (m.held_at, *entry));
        for pair in held.windows(2) {
            let ((prev_entry, prev), (next_entry, next)) = (pair[0], pair[1]);
            let offset = *prev.held_at.0.offset();
            let prev_day = prev.held_at.0.date_naive();
            let next_day = next.held_at.0.date_naive();
            let Some(due) = day_after(prev_day, offset, rule.every) else { continue };
            let entries = vec![*prev_entry, *next_entry];
            let finding = |at: NaiveDate, reason: String| {
                let at = midnight(at, offset).unwrap_or(prev.held_at.0);
                Finding::new(citation, "meetings", Some(commission), at, entries.clone(), None, reason)
            };
            match prev.recess {
                None if next_day > due => {
                    let missed = (next_day - due).num_days();
                    out.push(finding(
                        due,
                        format!(
                            "the {commission} did not meet from {due} to {} ({missed} day(s)) and had declared no recess; {citation}: meetings every {}",
                            next_day.pred_opt().unwrap_or(next_day),
                            rule.every
                        ),
                    ));
                }
                None => {}
                Some(recess) => {
                    let Some(latest) = day_after(due, offset, rule.max_recess) else { continue };
                    let length = (recess.until - due).num_days();
                    if recess.until > latest {
                        out.push(finding(
                            due,
                            format!(
                                "the {commission} declared on {prev_day} a recess until {} ({length} day(s) without a meeting); {citation} allows {}",
                                recess.until, rule.max_recess
                            ),
                        ));
                    } else if next_day > recess.until {
                        let missed = (next_day - recess.until).num_days();
                        out.push(finding(
                            recess.until,
                            format!(
                                "the {commission}'s recess ended on {} but it did not meet until {next_day} ({missed} day(s) late); {citation}: meetings every {}",
                                recess.until, rule.every
                            ),
                        ));
                    }
                    if let Some(ended) = &next.recess_ended
                        && next_day < recess.until
                        && rule.recess_end_notice.after(ended.notice_at.0).is_some_and(|enough| next.held_at.0 < enough)
                    {
                        let hours = (next.held_at.0 - ended.notice_at.0).num_minutes() as f64 / 60.0;
                        out.push(finding(
                            next_day,
                            format!(
                                "{} ended the {commission}'s recess with a meeting {hours:.1} h after notice; {citation} requires {} notice",
                                ended.by, rule.recess_end_notice
                            ),
                        ));
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| (a.at, &a.citation, &a.id).cmp(&(b.at, &b.citation, &b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{Id, Timestamp, builtin, load};
    use crate::commission::actor::Actor;
    use crate::commission::payload::{Recess, RecessEnded};

    fn minutes(commission: &str, held_at: &str, recess_until: Option<&str>) -> MeetingMinutes {
        MeetingMinutes {
            commission: Id::parse(commission).unwrap(),
            held_at: Timestamp::parse(held_at).unwrap(),
            number: None,
            attendees: Vec::new(),
            recess: recess_until.map(|u| Recess { until: u.parse().unwrap() }),
            recess_ended: None,
            summary: None,
        }
    }

    fn korea() -> Terms {
        Terms::from_agreement(&load(&builtin::korea_1953()).unwrap())
    }

    /// Each row: the meetings (time, recess until), then the findings' reasons (parts).
    #[test]
    fn daily_meetings_and_recesses() {
        let terms = korea();
        let day = |d: u32| format!("1953-08-{d:02}T11:00:00+09:00");
        type Row = (&'static str, Vec<(String, Option<&'static str>)>, Vec<&'static str>);
        let rows: Vec<Row> = vec![
            ("every day", vec![(day(1), None), (day(2), None), (day(3), None)], vec![]),
            ("twice a day", vec![(day(1), None), (day(1), None), (day(2), None)], vec![]),
            (
                "a missed day without recess",
                vec![(day(1), None), (day(3), None)],
                vec!["did not meet from 1953-08-02 to 1953-08-02 (1 day(s)) and had declared no recess; II.31"],
            ),
            ("a recess of exactly seven days", vec![(day(1), Some("1953-08-09")), (day(9), None)], vec![]),
            (
                "a recess one day longer",
                vec![(day(1), Some("1953-08-10")), (day(10), None)],
                vec!["declared on 1953-08-01 a recess until 1953-08-10 (8 day(s) without a meeting); II.31 allows P7D"],
            ),
            ("a recess ended early", vec![(day(1), Some("1953-08-09")), (day(4), None)], vec![]),
            (
                "late after a recess",
                vec![(day(1), Some("1953-08-05")), (day(7), None)],
                vec!["recess ended on 1953-08-05 but it did not meet until 1953-08-07 (2 day(s) late)"],
            ),
            ("order of filing does not matter", vec![(day(3), None), (day(1), None), (day(2), None)], vec![]),
        ];
        for (name, held, expected) in rows {
            let list: Vec<(u64, MeetingMinutes)> =
                held.iter().enumerate().map(|(i, (at, until))| (i as u64, minutes("mac", at, *until))).collect();
            let found = findings(&terms, &list);
            assert_eq!(found.len(), expected.len(), "{name}: {found:?}");
            for (f, text) in found.iter().zip(&expected) {
                assert!(f.reason.contains(text), "{name}: {} should contain {text}", f.reason);
                assert_eq!(f.rule, "meetings");
            }
        }
    }

    #[test]
    fn each_commission_is_held_to_its_own_provision() {
        let terms = korea();
        let list = vec![
            (0, minutes("nnsc", "1953-08-01T10:00:00+09:00", None)),
            (1, minutes("mac", "1953-08-01T11:00:00+09:00", None)),
            (2, minutes("nnsc", "1953-08-04T10:00:00+09:00", None)),
            (3, minutes("mac", "1953-08-02T11:00:00+09:00", None)),
            // No meetings rule for the repatriation commission: nothing to find.
            (4, minutes("nnrc", "1953-08-01T11:00:00+09:00", None)),
            (5, minutes("nnrc", "1953-09-01T11:00:00+09:00", None)),
        ];
        let found = findings(&terms, &list);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].citation.to_string(), "II.44");
        assert_eq!(found[0].responsible.as_deref(), Some("nnsc"));
        assert_eq!(found[0].entries, [0, 2]);
        assert!(found[0].reason.contains("(2 day(s))"), "{}", found[0].reason);
    }

    #[test]
    fn ending_a_recess_needs_notice() {
        let terms = korea();
        let ended = |notice: &str| RecessEnded {
            by: Actor::Side(Id::parse("unc").unwrap()),
            notice_at: Timestamp::parse(notice).unwrap(),
        };
        for (notice, expect_finding) in [("1953-08-03T11:00:00+09:00", false), ("1953-08-03T11:00:01+09:00", true)] {
            let mut resumed = minutes("mac", "1953-08-04T11:00:00+09:00", None);
            resumed.recess_ended = Some(ended(notice));
            let list = vec![(0, minutes("mac", "1953-08-01T11:00:00+09:00", Some("1953-08-08"))), (1, resumed)];
            let found = findings(&terms, &list);
            assert_eq!(found.len(), usize::from(expect_finding), "{notice}: {found:?}");
        }
    }

    #[test]
    fn the_rule_is_data_not_korea() {
        // Lakeland's joint commission meets weekly, with recesses of up to 14 days.
        let text = include_str!("../../tests/fixtures/lakeland-2031/agreement.toml");
        let document = crate::agreement::parse_document(text).unwrap();
        let meetings = document
            .provisions
            .iter()
            .find_map(|p| match &p.get_ref().rule {
                crate::agreement::Rule::Meetings(m) => Some((p.get_ref().citation.clone(), m.clone())),
                _ => None,
            })
            .unwrap();
        let mut terms = korea();
        terms.meetings.clear();
        terms.meetings.insert("jcc".into(), meetings);
        let at = |d: &str| format!("2031-03-{d}T09:00:00-05:00");
        let week = vec![(0, minutes("jcc", &at("02"), None)), (1, minutes("jcc", &at("09"), None))];
        assert!(findings(&terms, &week).is_empty());
        let missed = vec![(0, minutes("jcc", &at("02"), None)), (1, minutes("jcc", &at("10"), None))];
        assert_eq!(findings(&terms, &missed).len(), 1);
        // Due on the 9th; a recess of 14 days from then resumes by the 23rd.
        let fine = vec![(0, minutes("jcc", &at("02"), Some("2031-03-23"))), (1, minutes("jcc", &at("23"), None))];
        assert!(findings(&terms, &fine).is_empty());
        let long = vec![(0, minutes("jcc", &at("02"), Some("2031-03-24"))), (1, minutes("jcc", &at("24"), None))];
        assert_eq!(findings(&terms, &long)[0].citation.to_string(), "C.4");
    }
}
