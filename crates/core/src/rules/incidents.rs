//! Corroboration: reports of one event from several observers or both sides, near in
//! space and time and of the same kind, are one incident; an incident counts its
//! independent sources.

use crate::rules::report::Text;
use std::collections::{BTreeSet, VecDeque};
use std::hash::Hasher;

use super::batch::{Brief, Sorted};
use crate::hint::prefetch;

/// Reports this close in time (seconds) and space (metres), of the same kind, are
/// taken to be of one incident.
pub const INCIDENT_SECONDS: i64 = 3600;
pub const INCIDENT_METRES: f64 = 2000.0;

/// Slots of the table of cells (a power of two): a cell (with its kind) is hashed to one;
/// cells sharing a slot share its list, which `near` sorts out.
const SLOTS: usize = 1 << 16;
/// No node.
const NIL: u32 = u32::MAX;

/// A first report of one of the last hour's incidents, in the list of its cell's slot.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Its sighting and index.
    sighting: Sighting,
    report: u32,
    slot: u32,
    /// The next node of the slot, by number (see `group`), or `NIL`.
    next: u32,
}

/// What grouping needs of a report, in 32 bytes: given one at a time in time order
/// ([`group_with`]), and kept only for the first reports of the last hour's incidents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sighting {
    /// Observed (start), whole seconds since the epoch.
    pub t: i64,
    pub lon: f64,
    pub lat: f64,
    /// `Event::index`, or `u8::MAX` when the report has no place (it joins nothing).
    pub kind: u8,
}

impl Sighting {
    pub(crate) fn of(brief: &Brief) -> Self {
        Self { t: brief.secs, lon: brief.lon, lat: brief.lat, kind: brief.kind() }
    }

    fn placed(&self) -> bool {
        self.kind != u8::MAX
    }
}

/// Group reports, by their sightings in time order (each is compared only with earlier
/// ones), into incidents.
/// An incident is its earliest report and the later reports near it (same kind, within
/// the hour and two kilometres of it); a report near several incidents joins the
/// earliest. Incidents are never chained together, so reports hours apart at one busy
/// place stay separate incidents however many reports lie between them.
/// Candidates are found through cells of a little over four kilometres a side, per kind
/// of report: a report's near neighbours lie in the two columns and two rows of cells
/// nearest to it (the half of its cell it lies in tells which), four cells in all. Each
/// cell is hashed to a slot of a fixed table whose list holds, in time order, the first
/// reports of the last hour's incidents in the cells of that slot. Every list's nodes
/// are kept in one queue in time order, numbered as they come; a node an hour old is the
/// oldest of its slot too, so it leaves the head of its slot's list as it leaves the
/// queue. The lists stay as short as the hour's reports near them, the table and queue
/// as small as an hour's incidents, and the work grows with the number of reports, not
/// its square.
pub fn group(reports: &[Sighting]) -> Incidents {
    group_in(reports.len(), highest_latitude(reports.iter().copied()), |i| reports[i], SLOTS)
}

/// The highest latitude (north or south) of the reports that have a place.
pub fn highest_latitude(reports: impl Iterator<Item = Sighting>) -> f64 {
    reports.filter(|r| r.placed()).map(|p| p.lat.abs()).fold(0.0f64, f64::max)
}

/// [`group`] for `n` reports whose sightings `sighting` gives, each asked for once, in
/// order (so the caller need not keep a list of them), none above latitude `max_lat`.
pub fn group_with(n: usize, max_lat: f64, sighting: impl FnMut(usize) -> Sighting) -> Incidents {
    group_in(n, max_lat, sighting, SLOTS)
}

/// [`group_with`] on a table of `slots` slots (a power of two); tests use small ones, so
/// that many cells share a slot.
fn group_in(n: usize, max_lat: f64, mut sighting: impl FnMut(usize) -> Sighting, slots: usize) -> Incidents {
    // The incident (its earliest report) of each report so far.
    let mut root: Vec<u32> = (0..n as u32).collect();
    // A degree of latitude is at least 110.5 km; a degree of longitude shrinks with the
    // cosine of the latitude, so cells are sized for the highest latitude in the batch.
    let max_lat = max_lat.min(85.0);
    // Twice the distance, and a little more so that rounding cannot put a near report
    // outside the four cells.
    let cell_lat = 2.002 * INCIDENT_METRES / 110_500.0;
    let cell_lon = 2.002 * INCIDENT_METRES / (111_320.0 * max_lat.to_radians().cos());
    // Each slot's first and last node, by number.
    let mut heads = vec![NIL; slots];
    let mut tails = vec![NIL; slots];
    // The nodes in time order; the front one is numbered `gone`, those before it are gone.
    let mut queue: VecDeque<Node> = VecDeque::new();
    let mut gone: u32 = 0;
    let slot = |kind: u8, x: i64, y: i64| {
        let mut hash = WordHasher::default();
        hash.write_u64(u64::from(kind));
        hash.write_i64(x);
        hash.write_i64(y);
        (hash.finish() >> 32) as usize & (slots - 1)
    };
    for (i, first) in root.iter_mut().enumerate() {
        let report = &sighting(i);
        if !report.placed() {
            continue;
        }
        let t = report.t;
        while let Some(node) = queue.front() {
            if t - node.sighting.t <= INCIDENT_SECONDS {
                break;
            }
            // The oldest node is the head of its slot's list.
            let s = node.slot as usize;
            debug_assert_eq!(heads[s], gone);
            heads[s] = node.next;
            if node.next == NIL {
                tails[s] = NIL;
            }
            queue.pop_front();
            gone += 1;
        }
        let (fx, fy) = (report.lon / cell_lon, report.lat / cell_lat);
        let (x, y) = (fx.floor() as i64, fy.floor() as i64);
        // The neighbouring column and row on the side of the cell's half the report is in.
        let (nx, ny) =
            (if fx - fx.floor() < 0.5 { x - 1 } else { x + 1 }, if fy - fy.floor() < 0.5 { y - 1 } else { y + 1 });
        let kind = report.kind;
        for (cx, cy) in [(x, y), (x, ny), (nx, y), (nx, ny)] {
            let mut at = heads[slot(kind, cx, cy)];
            while at != NIL {
                let node = &queue[(at - gone) as usize];
                let other = &node.sighting;
                debug_assert!(other.t <= t && t - other.t <= INCIDENT_SECONDS);
                // The lists hold only incidents' first reports, in time order; the
                // earliest near one wins, so an incident's id is stable.
                if node.report >= *first {
                    break;
                }
                if other.kind == kind && near(report, other) {
                    *first = node.report;
                    break;
                }
                at = node.next;
            }
        }
        // Only an incident's first report can be joined, so only first reports are kept.
        if *first as usize == i {
            let s = slot(kind, x, y);
            let number = gone + queue.len() as u32;
            queue.push_back(Node { sighting: *report, report: i as u32, slot: s as u32, next: NIL });
            match tails[s] {
                NIL => heads[s] = number,
                last => queue[(last - gone) as usize].next = number,
            }
            tails[s] = number;
        }
    }
    // Each incident's reports, incident by incident (by first report) in one list: an
    // incident's count, then where its reports start, then its reports in time order.
    let mut starts = vec![0u32; n + 1];
    for &r in &root {
        starts[r as usize + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    // Filled through `starts` moved down by one place: each entry ends as the end of its
    // incident's reports, which is where the next one's start.
    let mut reports_of = vec![0u32; n];
    for (i, &r) in root.iter().enumerate() {
        let at = &mut starts[r as usize];
        reports_of[*at as usize] = i as u32;
        *at += 1;
    }
    starts.rotate_right(1);
    starts[0] = 0;
    Incidents { root, starts, reports: reports_of }
}

/// Which incident each report (by index in time order) belongs to.
#[derive(Debug, Default)]
pub struct Incidents {
    root: Vec<u32>,
    /// The reports of the incident whose first report is `r` are
    /// `reports[starts[r]..starts[r + 1]]`, in time order (none when `r` is not a first
    /// report).
    starts: Vec<u32>,
    reports: Vec<u32>,
}

impl Incidents {
    /// The first report of report `index`'s incident.
    pub fn first(&self, index: usize) -> Option<usize> {
        self.root.get(index).map(|&r| r as usize)
    }

    /// Ask for what [`Incidents::first`] reads for `index`, to have it at hand.
    pub(crate) fn prefetch_first(&self, index: usize) {
        if let Some(root) = self.root.get(index) {
            prefetch(root);
        }
    }

    /// Ask for where [`Incidents::alone`] finds the reports of the incident whose first
    /// report is `first`.
    pub(crate) fn prefetch_reports(&self, first: usize) {
        if let Some(start) = self.starts.get(first) {
            prefetch(start);
        }
    }

    /// The reports of the incident whose first report is `first`.
    fn reports(&self, first: usize) -> &[u32] {
        match (self.starts.get(first), self.starts.get(first + 1)) {
            (Some(&start), Some(&end)) => self.reports.get(start as usize..end as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Whether the incident whose first report is `first` has no other report.
    pub fn alone(&self, first: usize) -> bool {
        self.reports(first).len() <= 1
    }

    /// What a finding takes from the incident of report `index`: the number of its
    /// independent sources, and its observers' nationalities (sorted, each once).
    pub(crate) fn summary(&self, reports: &Sorted, index: usize) -> Option<(usize, Vec<Text>)> {
        let first = *self.root.get(index)? as usize;
        if first >= reports.len() {
            return None;
        }
        if self.alone(first) {
            // A report alone: one source, its own set of nationalities (kept sorted, each
            // once).
            return Some((1, reports.batch.set_names(reports.nationality_set(first)).map(Text::from).collect()));
        }
        // Sources and sets of nationalities are numbers in the batch: count and gather
        // the distinct ones, and only then read the names.
        let in_it = self.reports(first);
        let mut sources: Vec<u32> = in_it.iter().map(|&i| reports.source(i as usize)).collect();
        sources.sort_unstable();
        sources.dedup();
        let mut sets: Vec<u32> = in_it.iter().map(|&i| reports.nationality_set(i as usize)).collect();
        sets.sort_unstable();
        sets.dedup();
        let nationalities: BTreeSet<&str> = sets.iter().flat_map(|&set| reports.batch.set_names(set)).collect();
        Some((sources.len(), nationalities.into_iter().map(Text::from).collect()))
    }
}

/// A fast hasher for keys made of a few integers (multiply and rotate per word). The
/// bucket map is only looked up, never iterated, so its hash cannot change any result.
#[derive(Debug, Default, Clone, Copy)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

fn near(a: &Sighting, b: &Sighting) -> bool {
    if !(a.placed() && b.placed()) {
        return false;
    }
    let dt = (a.t - b.t).abs();
    let dy = (a.lat - b.lat) * 110_574.0;
    // Farther apart north to south alone (with room for rounding) is not near, whatever
    // the test below would make of east to west: told without the cosine.
    if dy.abs() > INCIDENT_METRES * 1.000_001 {
        return false;
    }
    let mean_lat = ((a.lat + b.lat) / 2.0).to_radians();
    let dx = (a.lon - b.lon) * 111_320.0 * mean_lat.cos();
    dt <= INCIDENT_SECONDS && (dx * dx + dy * dy).sqrt() <= INCIDENT_METRES
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Report;
    use crate::rules::batch::Batch;

    fn report(id: &str, time: &str, lon: f64) -> Report {
        let line = format!(
            r#"{{"id":"{id}","reported_by":{{"party":"unc"}},"observed_at":"1953-08-01T{time}:00+09:00","received_at":"1953-08-02T00:00:00+09:00","position":[{lon},38.0],"kind":"personnel","side":"unc","count":3,"category":"military"}}"#
        );
        Report::parse(&line).unwrap()
    }

    /// `near` as the definition gives it: the distance on the ground, the cosine always
    /// taken.
    fn near_by_definition(a: &Sighting, b: &Sighting) -> bool {
        let mean_lat = ((a.lat + b.lat) / 2.0).to_radians();
        let dx = (a.lon - b.lon) * 111_320.0 * mean_lat.cos();
        let dy = (a.lat - b.lat) * 110_574.0;
        (a.t - b.t).abs() <= INCIDENT_SECONDS && (dx * dx + dy * dy).sqrt() <= INCIDENT_METRES
    }

    /// Pairs at every bearing and at distances around 2 km, some a rounding step either
    /// side of it north to south: `near` (which rules some out on latitude alone) says
    /// what the definition says.
    #[test]
    fn near_is_the_definition() {
        let mut next = crate::rules::xorshift(0x2545_f491_4f6c_dd1d_u64);
        let mut random = move || next();
        let mut unit = || (random() >> 11) as f64 / (1u64 << 53) as f64;
        let (mut near_ones, mut far_ones) = (0, 0);
        for k in 0..200_000 {
            let lat = -80.0 + 160.0 * unit();
            let a = Sighting { t: 0, lon: -179.0 + 358.0 * unit(), lat, kind: 0 };
            let metres = 1990.0 + 20.0 * unit();
            let bearing = unit() * std::f64::consts::TAU;
            let mut b = Sighting {
                t: (unit() * 3600.0) as i64,
                lon: a.lon + metres * bearing.sin() / (111_320.0 * lat.to_radians().cos()),
                lat: a.lat + metres * bearing.cos() / 110_574.0,
                kind: 0,
            };
            if k % 4 == 0 {
                // Due north or south, within a few rounding steps of 2 km.
                b.lon = a.lon;
                let step = (unit() * 9.0).floor() - 4.0;
                b.lat = a.lat
                    + (INCIDENT_METRES / 110_574.0) * (1.0 + step * f64::EPSILON) * if k % 8 == 0 { 1.0 } else { -1.0 };
            }
            let want = near_by_definition(&a, &b);
            assert_eq!(near(&a, &b), want, "{a:?} {b:?}");
            if want { near_ones += 1 } else { far_ones += 1 }
        }
        assert!(near_ones > 10_000 && far_ones > 10_000, "{near_ones} near, {far_ones} far");
    }

    #[test]
    fn an_incident_is_its_first_report_and_those_near_it_never_a_chain() {
        // Every 50 minutes at one place: each report is within the hour of the one
        // before, but the third is 100 minutes after the first.
        let reports = [
            report("a", "10:00", 127.0),
            report("b", "10:50", 127.0),
            report("c", "11:40", 127.0),
            report("d", "12:00", 127.0),
            // Within the hour of `c` but 3 km away: its own incident.
            report("e", "12:10", 127.034),
        ];
        let mut batch = Batch::default();
        for report in reports {
            batch.push_whole(report);
        }
        let sightings: Vec<Sighting> = batch.briefs.iter().map(Sighting::of).collect();
        let incidents = group(&sightings);
        let firsts: Vec<usize> = (0..sightings.len()).map(|i| incidents.first(i).unwrap()).collect();
        assert_eq!(firsts, [0, 0, 2, 2, 4]);
        assert_eq!(incidents.reports(incidents.first(3).unwrap()), [2, 3]);
    }

    /// The incidents of every report by the definition, comparing each report with every
    /// earlier one: the earliest first report of an incident near it, else itself.
    fn by_definition(reports: &[Sighting]) -> Vec<usize> {
        let mut root: Vec<usize> = (0..reports.len()).collect();
        for i in 0..reports.len() {
            if let Some(j) =
                (0..i).find(|&j| root[j] == j && reports[j].kind == reports[i].kind && near(&reports[i], &reports[j]))
            {
                root[i] = j;
            }
        }
        root
    }

    #[test]
    fn cells_find_the_incidents_the_definition_gives() {
        // Dense reports in a few kilometres and a few hours, of two kinds, some without a
        // place, some exactly 2 km apart: the cells must miss no near report.
        let mut next = crate::rules::xorshift(0x9e37_79b9_7f4a_7c15_u64);
        for round in 0..20 {
            let mut t = 0;
            let mut reports = Vec::new();
            for k in 0..1500 {
                t += (next() % 20) as i64;
                let lon = 126.9 + (next() % 100_000) as f64 * 1e-6 * f64::from(round % 4 + 1);
                let lat = 37.9 + (next() % 100_000) as f64 * 1e-6 * f64::from(round % 3 + 1);
                let kind = if next() % 10 == 0 { u8::MAX } else { (next() % 2) as u8 };
                reports.push(Sighting { t, lon, lat, kind });
                if k % 50 == 0 {
                    // Exactly 2 km north of the last, a second later.
                    reports.push(Sighting { t: t + 1, lon, lat: lat + INCIDENT_METRES / 110_574.0, kind });
                    t += 1;
                }
            }
            let expected = by_definition(&reports);
            // The full table, and small ones in which many cells share each slot.
            for slots in [SLOTS, 4, 1] {
                let incidents =
                    group_in(reports.len(), highest_latitude(reports.iter().copied()), |i| reports[i], slots);
                let roots: Vec<usize> = (0..reports.len()).map(|i| incidents.first(i).unwrap()).collect();
                assert_eq!(roots, expected, "round {round}, {slots} slots");
            }
        }
    }
}
