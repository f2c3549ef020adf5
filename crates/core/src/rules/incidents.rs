//! Corroboration: reports of one event from several observers or both sides, near in
//! space and time and of the same kind, are one incident; an incident counts its
//! independent sources.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::report::Report;

/// Reports this close in time (seconds) and space (metres), of the same kind, are
/// taken to be of one incident.
pub const INCIDENT_SECONDS: i64 = 3600;
pub const INCIDENT_METRES: f64 = 2000.0;

/// An incident: its id (its earliest report's id), its reports, its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    pub reports: Vec<usize>,
    pub sources: usize,
    pub nationalities: Vec<String>,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Group `reports` (indices into the slice, which is in time order) into incidents.
/// Candidates are found through buckets of one hour by about two kilometres, so the work
/// grows with the number of reports, not its square.
pub fn group(reports: &[&Report]) -> (Vec<Incident>, Vec<usize>) {
    let n = reports.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let cell_deg = INCIDENT_METRES / 111_000.0;
    // Only looked up, never iterated: a hash map keeps the result independent of its order.
    let mut buckets: HashMap<(u8, i64, i64, i64), Vec<usize>, BuildHasherDefault<WordHasher>> = HashMap::default();
    let key = |r: &Report| -> Option<(i64, i64, i64)> {
        let p = r.position.or_else(|| r.track.first().map(|f| f.position))?;
        Some((
            r.observed_at.start().timestamp().div_euclid(INCIDENT_SECONDS),
            (p.lon / cell_deg).floor() as i64,
            (p.lat / cell_deg).floor() as i64,
        ))
    };
    for (i, report) in reports.iter().enumerate() {
        let Some((t, x, y)) = key(report) else { continue };
        let kind = kind_index(report);
        for dt in -1..=1 {
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(others) = buckets.get(&(kind, t + dt, x + dx, y + dy)) else { continue };
                    for &j in others {
                        if near(reports[i], reports[j]) {
                            let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                            // The earlier report is the root, so an incident's id is stable.
                            let (root, child) = if a < b { (a, b) } else { (b, a) };
                            parent[child] = root;
                        }
                    }
                }
            }
        }
        buckets.entry((kind, t, x, y)).or_default().push(i);
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        members.entry(root).or_default().push(i);
    }
    let mut of_report = vec![0usize; n];
    let mut incidents = Vec::with_capacity(members.len());
    for (k, (root, reports_in)) in members.into_iter().enumerate() {
        let sources: BTreeSet<(&str, Option<&str>)> = reports_in
            .iter()
            .map(|&i| (reports[i].reported_by.party.as_str(), reports[i].reported_by.team.as_deref()))
            .collect();
        let nationalities: BTreeSet<String> = reports_in
            .iter()
            .flat_map(|&i| reports[i].reported_by.observers.iter().filter_map(|o| o.nationality.clone()))
            .collect();
        for &i in &reports_in {
            of_report[i] = k;
        }
        incidents.push(Incident {
            id: format!("incident-{}", reports[root].id),
            reports: reports_in,
            sources: sources.len(),
            nationalities: nationalities.into_iter().collect(),
        });
    }
    (incidents, of_report)
}

fn kind_index(report: &Report) -> u8 {
    use super::report::Event;
    match report.event {
        Event::Personnel { .. } => 0,
        Event::Vehicle { .. } => 1,
        Event::HostileAct { .. } => 2,
        Event::Aircraft { .. } => 3,
        Event::Vessel { .. } => 4,
        Event::Crossing { .. } => 5,
        Event::ZoneEntry { .. } => 6,
        Event::Hazard { .. } => 7,
        Event::Rotation { .. } => 8,
        Event::Materiel { .. } => 9,
        Event::Casualties { .. } => 10,
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
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

fn near(a: &Report, b: &Report) -> bool {
    let (Some(p), Some(q)) = (
        a.position.or_else(|| a.track.first().map(|f| f.position)),
        b.position.or_else(|| b.track.first().map(|f| f.position)),
    ) else {
        return false;
    };
    let dt = (a.observed_at.start() - b.observed_at.start()).num_seconds().abs();
    let mean_lat = ((p.lat + q.lat) / 2.0).to_radians();
    let dx = (p.lon - q.lon) * 111_320.0 * mean_lat.cos();
    let dy = (p.lat - q.lat) * 110_574.0;
    dt <= INCIDENT_SECONDS && (dx * dx + dy * dy).sqrt() <= INCIDENT_METRES
}
