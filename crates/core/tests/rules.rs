//! Every rule a report can break, with a case that must give a finding and a near miss
//! that must not (a minute before a deadline, a metre outside a zone, the limit exactly);
//! determinism under reordering; and a property: moving a report out of the DMZ into its
//! own side's rear never gains it a DMZ finding.

// Test helpers panic on a broken fixture, like the tests they serve.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use armistice_core::geo::TransverseMercator;
use armistice_core::rules::{Batch, Checker, Finding, Report};
use chrono::{DateTime, Duration, FixedOffset};
use proptest::prelude::*;
use serde_json::{Value, json};

fn effective() -> DateTime<FixedOffset> {
    common::korea_1953().0.effective_at()
}

/// A point `offset_m` metres north (positive) or south of the line, half way along
/// segment 15 (in the middle of the peninsula, away from coast and estuary).
fn off_line(offset_m: f64) -> [f64; 2] {
    let z = &common::korea_1953().1.zones;
    let p: TransverseMercator = z.projection;
    let (a, b) = (z.line.0[15], z.line.0[16]);
    let (ax, ay) = p.forward(a.x, a.y);
    let (bx, by) = p.forward(b.x, b.y);
    let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
    let (nx, ny) = (-(by - ay) / len, (bx - ax) / len);
    let (lon, lat) = p.inverse((ax + bx) / 2.0 + nx * offset_m, (ay + by) / 2.0 + ny * offset_m);
    [lon, lat]
}

/// A report of `kind` with `fields`, observed at `at`, at `position` (if any).
fn report(id: &str, at: DateTime<FixedOffset>, position: Option<[f64; 2]>, kind: &str, fields: Value) -> Report {
    let mut object = json!({
        "id": id,
        "reported_by": {"party": "nnsc", "team": "nnit-1", "observers": [{"name": "Observer", "nationality": "CH"}]},
        "observed_at": at.to_rfc3339(),
        "received_at": (at + Duration::hours(2)).to_rfc3339(),
        "kind": kind,
    });
    if let Some(p) = position {
        object["position"] = json!(p);
    }
    for (k, v) in fields.as_object().unwrap() {
        object[k] = v.clone();
    }
    Report::parse(&object.to_string()).unwrap_or_else(|e| panic!("{e}: {object}"))
}

/// The findings of `reports`, checked every way: as whole reports evaluated in time
/// order, and read line by line into a batch (which evaluates reports as it reads them
/// and keeps only tallies for the rules that keep running totals), the lines in the given
/// order and reversed. All must agree.
fn check(reports: &[Report]) -> Vec<Finding> {
    let (agreement, atlas) = common::korea_1953();
    let checker = Checker::new(agreement, atlas);
    let whole = checker.check(reports);
    // In order of time, then citation, then id.
    for pair in whole.windows(2) {
        let key = |f: &Finding| (f.at, f.citation.clone(), f.id.clone());
        assert!(key(&pair[0]) <= key(&pair[1]), "out of order: {:?} before {:?}", pair[0], pair[1]);
    }
    let lines: Vec<String> = reports.iter().map(|r| r.to_json().to_string()).collect();
    for reversed in [false, true] {
        let mut in_order: Vec<&str> = lines.iter().map(String::as_str).collect();
        if reversed {
            in_order.reverse();
        }
        let mut batch = Batch::default();
        for line in &in_order {
            checker.read_line(&mut batch, line).unwrap();
        }
        assert_eq!(checker.check_batch(batch), whole, "a batch read line by line gives other findings");
    }
    whole
}

fn citations(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(|f| f.citation.to_string()).collect()
}

fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}

#[test]
fn withdrawal_from_the_dmz_within_72_hours() {
    let deadline = effective() + Duration::hours(72);
    let unit = json!({"side": "kpa-cpv", "count": 120, "category": "military", "unit": "a battalion"});
    let late = check(&[report("r1", deadline + minutes(1), Some(off_line(800.0)), "personnel", unit.clone())]);
    // Staying breaks the order to withdraw and the duty to respect the DMZ (II.14).
    assert_eq!(citations(&late), ["II.13(a)", "II.14"]);
    assert_eq!(late[0].responsible.as_deref(), Some("kpa-cpv"));
    assert_eq!(late[0].zone.as_deref(), Some("dmz-north"));
    assert!(
        late[0].reason.contains("a battalion of kpa-cpv in dmz-north 72 h after the effective time"),
        "{}",
        late[0].reason
    );
    // One minute before the deadline, nothing.
    assert!(check(&[report("r2", deadline - minutes(1), Some(off_line(800.0)), "personnel", unit.clone())]).is_empty());
    // A metre outside the DMZ, on its own side, nothing.
    assert!(
        check(&[report("r3", deadline + Duration::days(3), Some(off_line(2003.0)), "personnel", unit.clone())])
            .is_empty()
    );
    let inside = check(&[report("r4", deadline + Duration::days(3), Some(off_line(1997.0)), "personnel", unit)]);
    assert_eq!(citations(&inside), ["II.13(a)", "II.14"]);
    // Civil administration may stay.
    let civil = json!({"side": "kpa-cpv", "count": 30, "category": "civil-administration"});
    assert!(check(&[report("r5", deadline + Duration::days(3), Some(off_line(800.0)), "personnel", civil)]).is_empty());
}

#[test]
fn ground_forces_respect_the_dmz_once_their_withdrawal_is_over() {
    let deadline = effective() + Duration::hours(72);
    let tanks = json!({"side": "unc", "count": 4, "military": true, "vehicle_type": "M46 tank"});
    let late = check(&[report("r1", deadline + minutes(1), Some(off_line(-800.0)), "vehicle", tanks.clone())]);
    assert_eq!(citations(&late), ["II.13(a)", "II.14"]);
    let respect = late.iter().find(|f| f.citation.to_string() == "II.14").unwrap();
    assert_eq!((respect.responsible.as_deref(), respect.zone.as_deref()), (Some("unc"), Some("dmz-south")));
    assert!(
        respect.reason.contains("ground forces of unc in dmz (dmz-south) 72 h after the effective time")
            && respect.reason.ends_with("II.14 requires them to respect dmz"),
        "{}",
        respect.reason
    );
    // Withdrawing, up to the deadline: lawful. Before the effective time: nothing applies.
    for at in [effective() + minutes(1), deadline - minutes(1), deadline, effective() - minutes(1)] {
        assert!(check(&[report("r2", at, Some(off_line(-800.0)), "vehicle", tanks.clone())]).is_empty(), "{at}");
    }
    // A metre outside the DMZ on its own side, civilian vehicles, civil police: nothing.
    assert!(check(&[report("r3", deadline + minutes(1), Some(off_line(-2003.0)), "vehicle", tanks)]).is_empty());
    let trucks = json!({"side": "unc", "count": 4, "military": false});
    assert!(check(&[report("r4", deadline + minutes(1), Some(off_line(-800.0)), "vehicle", trucks)]).is_empty());
    let police = json!({"side": "unc", "count": 20, "category": "civil-police", "armed": true});
    assert!(check(&[report("r5", deadline + minutes(1), Some(off_line(-800.0)), "personnel", police)]).is_empty());
}

#[test]
fn hostile_acts_after_the_effective_time_and_in_the_dmz() {
    let fire = json!({"side": "unc", "act": "artillery", "origin": off_line(-6000.0)});
    let before = check(&[report("r1", effective() - minutes(1), Some(off_line(-8000.0)), "hostile-act", fire.clone())]);
    assert!(before.is_empty(), "{before:?}");
    let after = check(&[report("r2", effective() + minutes(1), Some(off_line(-8000.0)), "hostile-act", fire.clone())]);
    assert_eq!(citations(&after), ["II.12"]);
    // Against the DMZ: I.6 as well.
    let into = check(&[report("r3", effective() + minutes(1), Some(off_line(300.0)), "hostile-act", fire)]);
    assert_eq!(citations(&into), ["I.6", "II.12"]);
    assert_eq!(into[0].zone.as_deref(), Some("dmz-north"));
    // Fire of unknown origin: the side an investigation assessed is held responsible,
    // never the side merely alleged.
    let unknown = json!({"act": "mortar", "alleged_responsible": "unc", "assessed_responsible": "kpa-cpv"});
    let assessed = check(&[report("r4", effective() + minutes(5), Some(off_line(-8000.0)), "hostile-act", unknown)]);
    assert_eq!(assessed[0].responsible.as_deref(), Some("kpa-cpv"));
    let alleged = json!({"act": "mortar", "alleged_responsible": "unc"});
    let only_alleged =
        check(&[report("r5", effective() + minutes(5), Some(off_line(-8000.0)), "hostile-act", alleged)]);
    assert_eq!(only_alleged[0].responsible, None);
}

#[test]
fn crossing_the_line_needs_an_authorization() {
    let at = effective() + Duration::days(5);
    let crossing = json!({"side": "kpa-cpv", "count": 3, "category": "civilian"});
    let found = check(&[report("r1", at, Some(off_line(0.0)), "crossing", crossing)]);
    assert_eq!(citations(&found), ["I.7"]);
    let authorized = json!({"side": "kpa-cpv", "count": 3, "category": "civilian", "authorization": "MAC-AUTH-0012"});
    assert!(check(&[report("r2", at, Some(off_line(0.0)), "crossing", authorized)]).is_empty());
}

#[test]
fn entering_the_dmz_and_the_civil_administration_headcount() {
    let at = effective() + Duration::days(20);
    let military = json!({"side": "unc", "count": 10, "category": "military", "direction": "in"});
    assert_eq!(citations(&check(&[report("r1", at, Some(off_line(-500.0)), "zone-entry", military)])), ["I.9"]);
    let entry = |id: &str, count: u32, t: i64, direction: &str| {
        let mut fields =
            json!({"side": "unc", "count": count, "category": "civil-administration", "direction": direction});
        if direction == "out" {
            // Leaving needs the commander's pass (I.8), tested on its own below.
            fields["authorization"] = json!("UNC-PASS-1");
        }
        report(id, at + minutes(t), Some(off_line(-500.0)), "zone-entry", fields)
    };
    // Exactly 1,000 at once: lawful.
    assert!(check(&[entry("a", 600, 0, "in"), entry("b", 400, 10, "in")]).is_empty());
    // 1,001: a finding, citing I.10 with the number.
    let over = check(&[entry("a", 600, 0, "in"), entry("b", 401, 10, "in")]);
    assert_eq!(citations(&over), ["I.10"]);
    assert!(over[0].reason.contains("1001") && over[0].reason.contains("allows 1000"), "{}", over[0].reason);
    // Civil administration entering armed: I.10 (arms only for civil police).
    let armed =
        json!({"side": "unc", "count": 4, "category": "civil-administration", "direction": "in", "armed": true});
    assert_eq!(citations(&check(&[report("r9", at, Some(off_line(-500.0)), "zone-entry", armed)])), ["I.10"]);
    let police = json!({"side": "unc", "count": 4, "category": "civil-police", "direction": "in", "armed": true});
    assert!(check(&[report("r10", at, Some(off_line(-500.0)), "zone-entry", police)]).is_empty());
    // Leaving in between keeps it under.
    assert!(check(&[entry("a", 600, 0, "in"), entry("x", 300, 5, "out"), entry("b", 401, 10, "in")]).is_empty());
}

#[test]
fn leaving_the_dmz_needs_the_commanders_authorization() {
    let at = effective() + Duration::days(20);
    let exit = |id: &str, at: DateTime<FixedOffset>, offset_m: f64, category: &str, pass: Option<&str>| {
        let mut fields = json!({"side": "kpa-cpv", "count": 30, "category": category, "direction": "out"});
        if let Some(pass) = pass {
            fields["authorization"] = json!(pass);
        }
        report(id, at, Some(off_line(offset_m)), "zone-entry", fields)
    };
    // Civil police leaving the northern half with no pass: I.8, naming the territory entered.
    let found = check(&[exit("r1", at, 600.0, "civil-police", None)]);
    assert_eq!(citations(&found), ["I.8"]);
    assert_eq!(found[0].responsible.as_deref(), Some("kpa-cpv"));
    assert!(found[0].reason.contains("into the territory of kpa-cpv"), "{}", found[0].reason);
    // Leaving from the southern half enters the other side's territory.
    let south = check(&[exit("r2", at, -600.0, "civil-police", None)]);
    assert!(south[0].reason.contains("into the territory of unc"), "{}", south[0].reason);
    // With the commander's pass: lawful.
    assert!(check(&[exit("r3", at, 600.0, "civil-police", Some("KC-PASS-7"))]).is_empty());
    // Military leaving during the 72-hour withdrawal carry out the agreement's own order:
    // lawful up to the deadline, a finding a minute after it.
    let deadline = effective() + Duration::hours(72);
    assert!(check(&[exit("r4", deadline, 600.0, "military", None)]).is_empty());
    assert_eq!(citations(&check(&[exit("r5", deadline + minutes(1), 600.0, "military", None)])), ["I.8"]);
    // Civil police are exempt from the withdrawal, so their exit needs a pass from the start;
    // before the effective time nothing applies.
    assert_eq!(citations(&check(&[exit("r6", effective() + minutes(1), 600.0, "civil-police", None)])), ["I.8"]);
    assert!(check(&[exit("r7", effective() - minutes(1), 600.0, "civil-police", None)]).is_empty());
}

#[test]
fn forces_on_the_other_sides_islands_after_ten_days() {
    let deadline = effective() + Duration::days(10);
    let garrison = json!({"side": "kpa-cpv", "count": 50, "category": "military"});
    let paengyong = [124.67, 37.96];
    let late = check(&[report("r1", deadline + minutes(1), Some(paengyong), "personnel", garrison.clone())]);
    assert_eq!(citations(&late), ["II.13(b)", "II.14"]);
    let early = check(&[report("r2", deadline - minutes(1), Some(paengyong), "personnel", garrison)]);
    assert_eq!(citations(&early), ["II.14"]);
}

#[test]
fn rotation_man_for_man_the_monthly_cap_and_ports_of_entry() {
    // The effective time is 22:00: hours 3 and 4 after it fall on one calendar day.
    let day = |d: i64, h: i64| effective() + Duration::days(d) + Duration::hours(h + 2);
    let rotation = |id: &str, at: DateTime<FixedOffset>, port: &str, direction: &str, count: u32| {
        report(id, at, None, "rotation", json!({"side": "unc", "port": port, "direction": direction, "count": count}))
    };
    // Balanced within the day: arrivals reported before departures are not reinforcement.
    assert!(
        check(&[rotation("a", day(5, 1), "inchon", "in", 900), rotation("b", day(5, 2), "pusan", "out", 900)])
            .is_empty()
    );
    let unbalanced =
        check(&[rotation("a", day(5, 1), "inchon", "in", 900), rotation("b", day(5, 2), "pusan", "out", 899)]);
    assert_eq!(citations(&unbalanced), ["II.13(c)"]);
    assert!(unbalanced[0].reason.contains("900") && unbalanced[0].reason.contains("899"), "{}", unbalanced[0].reason);
    // Not a port of entry.
    let suwon = check(&[rotation("a", day(6, 1), "suwon", "in", 10), rotation("b", day(6, 2), "inchon", "out", 10)]);
    assert_eq!(citations(&suwon), ["II.13(c)"]);
    assert!(suwon[0].reason.contains("not a listed port of entry"));
    // 35,000 admitted in August: lawful; 35,001: over the cap.
    let august = |extra: u32| {
        vec![
            rotation("a", day(10, 1), "inchon", "in", 20_000),
            rotation("b", day(10, 2), "inchon", "out", 20_000),
            rotation("c", day(12, 1), "pusan", "in", 15_000 + extra),
            rotation("d", day(12, 2), "pusan", "out", 15_000 + extra),
        ]
    };
    assert!(check(&august(0)).is_empty());
    let capped = check(&august(1));
    assert_eq!(citations(&capped), ["II.13(c)"]);
    assert!(capped[0].reason.contains("35001") && capped[0].reason.contains("1953-08"), "{}", capped[0].reason);
}

#[test]
fn materiel_piece_for_piece() {
    let at = effective() + Duration::days(15);
    let materiel = |id: &str, h: i64, direction: &str, quantity: u32| {
        let fields = json!({"side": "kpa-cpv", "port": "sinuiju", "direction": direction, "category": "combat-aircraft", "item_type": "MiG-15", "quantity": quantity});
        report(id, at + Duration::hours(h), None, "materiel", fields)
    };
    // Hours 3 and 4 after 22:00 fall on one calendar day (balances close at midnight).
    assert!(check(&[materiel("a", 3, "out", 12), materiel("b", 4, "in", 12)]).is_empty());
    let more = check(&[materiel("a", 3, "out", 12), materiel("b", 4, "in", 13)]);
    assert_eq!(citations(&more), ["II.13(d)"]);
    assert_eq!(more[0].reports, ["a", "b"]);
}

#[test]
fn aircraft_and_naval_forces() {
    let at = effective() + Duration::days(30);
    let fighter = json!({"side": "unc", "aircraft_type": "F-86"});
    assert_eq!(citations(&check(&[report("r1", at, Some(off_line(900.0)), "aircraft", fighter.clone())])), ["II.16"]);
    assert_eq!(citations(&check(&[report("r2", at, Some(off_line(20_000.0)), "aircraft", fighter)])), ["II.16"]);
    // Its own side's airspace, and a civil aircraft over the DMZ: nothing.
    let own = json!({"side": "unc", "aircraft_type": "F-86"});
    assert!(check(&[report("r3", at, Some(off_line(-20_000.0)), "aircraft", own)]).is_empty());
    let civil = json!({"side": "unc", "military": false});
    assert!(check(&[report("r4", at, Some(off_line(900.0)), "aircraft", civil)]).is_empty());
    // A naval vessel of the north off Inchon, and a blockade.
    let off_inchon = [126.45, 37.35];
    let boat = json!({"side": "kpa-cpv", "vessel_type": "torpedo boat"});
    assert_eq!(citations(&check(&[report("r5", at, Some(off_inchon), "vessel", boat)])), ["II.15"]);
    let far = [125.0, 35.0];
    let blockade = json!({"side": "kpa-cpv", "blockading": true});
    let found = check(&[report("r6", at, Some(far), "vessel", blockade)]);
    assert_eq!(citations(&found), ["II.15"]);
    assert!(found[0].reason.contains("blockad"));
}

#[test]
fn hazards_removed_within_45_days() {
    let deadline = common::korea_1953().0.instant("hazard-removal").unwrap();
    let mines = json!({"side": "unc", "hazard": "minefield"});
    assert_eq!(
        citations(&check(&[report("r1", deadline + minutes(1), Some(off_line(-700.0)), "hazard", mines.clone())])),
        ["II.13(a)"]
    );
    assert!(check(&[report("r2", deadline - minutes(1), Some(off_line(-700.0)), "hazard", mines)]).is_empty());
    let cleared = json!({"side": "unc", "hazard": "minefield", "removed": true});
    assert!(check(&[report("r3", deadline + Duration::days(2), Some(off_line(-700.0)), "hazard", cleared)]).is_empty());
}

#[test]
fn reports_of_one_incident_make_one_finding_with_their_sources() {
    let at = effective() + Duration::hours(75);
    let unit = json!({"side": "kpa-cpv", "count": 40, "category": "military"});
    let mut a = report("a", at, Some(off_line(800.0)), "personnel", unit.clone());
    a.reported_by.party = "unc".into();
    a.reported_by.team = None;
    let b = report("b", at + minutes(20), Some(off_line(900.0)), "personnel", unit);
    let found = check(&[b, a]);
    // One finding for each provision the incident breaks, each with both reports.
    assert_eq!(citations(&found), ["II.13(a)", "II.14"], "{found:?}");
    for f in &found {
        assert_eq!(f.reports, ["a", "b"]);
        assert_eq!(f.sources, 2);
    }
}

/// Regression: cells for grouping were 2 km of latitude but only about 1.6 km of longitude
/// at 38°N, so two reports 1.9 km apart east-west could fall two cells apart and stay
/// separate incidents.
#[test]
fn reports_1_9_km_apart_east_west_are_one_incident() {
    let at = effective() + Duration::hours(75);
    let unit = json!({"side": "kpa-cpv", "count": 40, "category": "military"});
    let here = off_line(900.0);
    // 1,900 m east at this latitude, in degrees of longitude.
    let east = [here[0] + 1900.0 / (111_320.0 * here[1].to_radians().cos()), here[1]];
    for shift in [0.0, 0.003, 0.007, 0.011, 0.015] {
        let mut a = report("a", at, Some([here[0] + shift, here[1]]), "personnel", unit.clone());
        a.reported_by.party = "unc".into();
        a.reported_by.team = None;
        let b = report("b", at + minutes(30), Some([east[0] + shift, east[1]]), "personnel", unit.clone());
        let found = check(&[a, b]);
        assert_eq!(citations(&found), ["II.13(a)", "II.14"], "shift {shift}: {found:?}");
        for f in &found {
            assert_eq!(f.reports, ["a", "b"], "shift {shift}");
        }
    }
}

/// Grouping reads the reports in time order a block of some thousands at a time: pairs
/// of reports of one incident are found whole wherever the blocks' edges fall, here with
/// a pair astride every edge (a report alone first puts each pair off by one).
#[test]
fn incidents_are_whole_across_many_thousands_of_reports() {
    let at = effective() + Duration::hours(75);
    let unit = json!({"side": "kpa-cpv", "count": 40, "category": "military"});
    let pairs = 5_000;
    let lawful = json!({"side": "unc", "count": 3, "category": "civilian"});
    let mut reports = vec![report("alone", at - Duration::hours(1), Some(off_line(-30_000.0)), "personnel", lawful)];
    for k in 0..pairs {
        // Two hours between pairs: each pair is its own incident.
        let t = at + Duration::hours(2 * k);
        let mut a = report(&format!("a{k:05}"), t, Some(off_line(800.0)), "personnel", unit.clone());
        a.reported_by.party = "unc".into();
        a.reported_by.team = None;
        reports.push(a);
        reports.push(report(&format!("b{k:05}"), t + minutes(20), Some(off_line(900.0)), "personnel", unit.clone()));
    }
    // Read latest first, so that time order is not the order read.
    reports.reverse();
    let found = check(&reports);
    assert_eq!(found.len(), 2 * pairs as usize);
    for (f, k) in found.iter().zip((0..pairs).flat_map(|k| [k, k])) {
        assert_eq!(f.reports, [format!("a{k:05}"), format!("b{k:05}")], "{f:?}");
        assert_eq!(f.sources, 2, "{f:?}");
    }
}

fn mixed_reports() -> Vec<Report> {
    let at = effective() + Duration::hours(75);
    let mut reports = Vec::new();
    for k in 0..40 {
        let t = at + Duration::minutes(30 * (k % 7));
        let side = if k % 2 == 0 { "kpa-cpv" } else { "unc" };
        let offset = if k % 2 == 0 { 300.0 + 50.0 * k as f64 } else { -300.0 - 50.0 * k as f64 };
        reports.push(report(
            &format!("m{k:02}"),
            t,
            Some(off_line(offset)),
            "personnel",
            json!({"side": side, "count": k + 1, "category": "military"}),
        ));
        reports.push(report(
            &format!("e{k:02}"),
            t,
            Some(off_line(-offset)),
            "zone-entry",
            json!({"side": side, "count": 90, "category": "civil-administration", "direction": "in"}),
        ));
    }
    reports
}

fn as_text(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {} {} {:?} {}\n", f.id, f.citation, f.at.to_rfc3339(), f.reports, f.reason))
        .collect()
}

#[test]
fn the_same_reports_in_any_order_give_the_same_findings() {
    let reports = mixed_reports();
    let expected = as_text(&check(&reports));
    assert!(expected.lines().count() >= 2, "{expected}");
    let mut shuffled = reports.clone();
    let mut state = 42u64;
    for round in 0..5 {
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        assert_eq!(as_text(&check(&shuffled)), expected, "round {round}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Moving a report from the DMZ to its own side's rear never gains a DMZ finding.
    #[test]
    fn leaving_the_dmz_never_gains_a_dmz_finding(
        inside in 50.0f64..1950.0,
        rear in 2100.0f64..40_000.0,
        north in any::<bool>(),
        hours in 0i64..2000,
        kind in 0usize..3,
    ) {
        let sign = if north { 1.0 } else { -1.0 };
        let side = if north { "kpa-cpv" } else { "unc" };
        let at = effective() + Duration::hours(hours);
        let fields = match kind {
            0 => json!({"side": side, "count": 10, "category": "military", "armed": true}),
            1 => json!({"side": side, "act": "small-arms"}),
            _ => json!({"side": side, "hazard": "wire"}),
        };
        let kind = ["personnel", "hostile-act", "hazard"][kind];
        let in_dmz = check(&[report("r", at, Some(off_line(sign * inside)), kind, fields.clone())]);
        let in_rear = check(&[report("r", at, Some(off_line(sign * rear)), kind, fields)]);
        prop_assert!(in_rear.iter().all(|f| !f.zone.as_deref().unwrap_or("").starts_with("dmz")), "{:?}", in_rear);
        prop_assert!(in_rear.len() <= in_dmz.len());
    }
}

/// Every line of the sample file: the findings of the lines read into a batch (most
/// reports kept as briefs) are those of the whole reports; and some reports are briefs.
#[test]
fn a_batch_keeps_whole_only_what_rules_need_and_finds_the_same() {
    let (agreement, atlas) = common::korea_1953();
    let checker = Checker::new(agreement, atlas);
    let sample = include_str!("../../../data/korea-1953/reports-sample.ndjson");
    let lines: Vec<&str> = sample.lines().filter(|l| !l.trim().is_empty()).collect();
    let reports: Vec<Report> = lines.iter().map(|l| Report::parse(l).unwrap()).collect();
    let mut batch = Batch::default();
    for line in &lines {
        checker.read_line(&mut batch, line).unwrap();
    }
    assert_eq!(batch.len(), lines.len());
    assert!(batch.wholes() < lines.len(), "every sample report was kept whole");
    let findings = checker.check_batch(batch);
    assert!(!findings.is_empty());
    assert_eq!(findings, checker.check(&reports));
    // Read in two parts appended, as the command reads a file on several threads.
    let (mut first, mut second) = (Batch::default(), Batch::default());
    let half = lines.len() / 2;
    for line in &lines[..half] {
        checker.read_line(&mut first, line).unwrap();
    }
    for line in &lines[half..] {
        checker.read_line(&mut second, line).unwrap();
    }
    first.append(second);
    assert_eq!(checker.check_batch(first), findings);
}

/// Every line of the file named by `ARMISTICE_SCAN_FILE` (e.g. one written by
/// scripts/gen-reports.py): how many the fast reader takes, and that each it takes
/// is the careful reader's report. Run by hand: `cargo test --release -p
/// armistice-core --test rules scan_agrees_on_a_file -- --ignored --nocapture`.
#[test]
#[ignore = "needs a file named by ARMISTICE_SCAN_FILE"]
fn scan_agrees_on_a_file() {
    let path = std::env::var("ARMISTICE_SCAN_FILE").expect("ARMISTICE_SCAN_FILE");
    let text = std::fs::read_to_string(path).unwrap();
    let (mut fast, mut all) = (0, 0);
    for line in text.lines() {
        all += 1;
        if let Some(s) = armistice_core::rules::scan::scan(line) {
            fast += 1;
            let careful = Report::parse_careful(line).unwrap();
            assert_eq!(s.to_report(), careful, "{line}");
            // Offsets too (times compare as instants).
            assert_eq!(s.to_report().to_json(), careful.to_json(), "{line}");
        } else if all - fast < 10 {
            println!("careful: {line}");
        }
    }
    println!("{fast} of {all} lines read by the fast reader");
}
