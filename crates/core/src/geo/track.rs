//! Tracks: timed positions of one aircraft, vessel or patrol, and where and when it
//! crossed the line or passed from one zone to another.

use chrono::{DateTime, Duration, FixedOffset};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Line};

use super::atlas::Atlas;

/// One timed position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    pub at: DateTime<FixedOffset>,
    pub lon: f64,
    pub lat: f64,
}

/// What was crossed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossingKind {
    /// The demarcation line, from one side's half to the other's.
    Line { from_side: String, to_side: String },
    /// A zone boundary.
    Zone { from_zone: String, to_zone: String },
}

/// A crossing, with its time and position interpolated along the track.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub at: DateTime<FixedOffset>,
    pub lon: f64,
    pub lat: f64,
    pub kind: CrossingKind,
    /// Index of the track segment (from point i to point i + 1) where it happened.
    pub segment: usize,
}

/// Sampling step along a segment when looking for zones passed through, metres: a zone
/// narrower than this along the track could be stepped over.
const SAMPLE_M: f64 = 25.0;
/// Bisection stops when the bracket is this short, metres.
const PRECISION_M: f64 = 0.01;

/// Every crossing of the line and of zone boundaries along `track`, in time order.
/// Points are taken in the order given; times between points are linear in position.
pub fn crossings(atlas: &Atlas, track: &[TrackPoint]) -> Vec<Crossing> {
    let mut out = Vec::new();
    let line = &atlas.zones.line;
    let projection = atlas.zones.projection;
    for (segment, w) in track.windows(2).enumerate() {
        let (a, b) = (w[0], w[1]);
        let at = |t: f64| -> DateTime<FixedOffset> {
            let span = (b.at - a.at).num_microseconds().unwrap_or(0) as f64;
            a.at + Duration::microseconds((span * t).round() as i64)
        };
        let point = |t: f64| (a.lon + t * (b.lon - a.lon), a.lat + t * (b.lat - a.lat));
        let mut found: Vec<(f64, Crossing)> = Vec::new();

        // The line itself: exact intersections with each of its segments.
        let path = Line::new(Coord { x: a.lon, y: a.lat }, Coord { x: b.lon, y: b.lat });
        let (low, high) = ((a.lon.min(b.lon), a.lat.min(b.lat)), (a.lon.max(b.lon), a.lat.max(b.lat)));
        for edge in line.lines() {
            // Segments whose boxes are apart share no point: most of the line's, skipped
            // without the call.
            if edge.start.x.max(edge.end.x) < low.0
                || edge.start.x.min(edge.end.x) > high.0
                || edge.start.y.max(edge.end.y) < low.1
                || edge.start.y.min(edge.end.y) > high.1
            {
                continue;
            }
            let Some(LineIntersection::SinglePoint { intersection, is_proper: _ }) = line_intersection(path, edge)
            else {
                continue;
            };
            let t = parameter(&path, intersection);
            let cross = (edge.end.x - edge.start.x) * (b.lat - a.lat) - (edge.end.y - edge.start.y) * (b.lon - a.lon);
            if cross == 0.0 {
                continue;
            }
            // Moving to the line's right means coming from its left.
            let (from_side, to_side) = if cross < 0.0 {
                (&atlas.zones.left_side, &atlas.zones.right_side)
            } else {
                (&atlas.zones.right_side, &atlas.zones.left_side)
            };
            found.push((
                t,
                Crossing {
                    at: at(t),
                    lon: intersection.x,
                    lat: intersection.y,
                    kind: CrossingKind::Line { from_side: from_side.clone(), to_side: to_side.clone() },
                    segment,
                },
            ));
        }

        // Zone boundaries: sample, then bisect each change of zone.
        let (ax, ay) = projection.forward(a.lon, a.lat);
        let (bx, by) = projection.forward(b.lon, b.lat);
        let length_m = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
        let steps = ((length_m / SAMPLE_M).ceil() as usize).clamp(1, 1_000_000);
        let zone_at = |t: f64| {
            let (lon, lat) = point(t);
            atlas.zone_index(lon, lat)
        };
        // A segment within cells of one zone passes no boundary: no need to sample it.
        // (The box is widened by far more than the rounding of a sample's position.)
        const SLACK: f64 = 1e-9;
        let lo = [a.lon.min(b.lon) - SLACK, a.lat.min(b.lat) - SLACK];
        let hi = [a.lon.max(b.lon) + SLACK, a.lat.max(b.lat) + SLACK];
        let finite = [a.lon, a.lat, b.lon, b.lat].iter().all(|v| v.is_finite());
        let steps = if finite && atlas.locator.zone_over(lo, hi).is_some() { 0 } else { steps };
        let mut t0 = 0.0;
        let mut z0 = zone_at(0.0);
        for k in 1..=steps {
            let t1 = k as f64 / steps as f64;
            let z1 = zone_at(t1);
            if z1 != z0 {
                let (mut lo, mut hi) = (t0, t1);
                while (hi - lo) * length_m > PRECISION_M {
                    let mid = (lo + hi) / 2.0;
                    if zone_at(mid) == z0 { lo = mid } else { hi = mid }
                }
                let t = (lo + hi) / 2.0;
                let (lon, lat) = point(t);
                found.push((
                    t,
                    Crossing {
                        at: at(t),
                        lon,
                        lat,
                        kind: CrossingKind::Zone {
                            from_zone: atlas.zone(z0).id.clone(),
                            to_zone: atlas.zone(zone_at(hi)).id.clone(),
                        },
                        segment,
                    },
                ));
                z0 = zone_at(hi);
            }
            t0 = t1;
        }
        found.sort_by(|x, y| x.0.total_cmp(&y.0));
        out.extend(merge_slivers(found, length_m).into_iter().map(|(_, c)| c));
    }
    out
}

/// Polygons that meet along a shared edge can leave a gap or overlap of a few
/// millimetres between them, which a track "crosses" twice in a row. Zone crossings
/// closer together than this along the track are one crossing.
const SLIVER_M: f64 = 0.05;

fn merge_slivers(found: Vec<(f64, Crossing)>, length_m: f64) -> Vec<(f64, Crossing)> {
    let mut out: Vec<(f64, Crossing)> = Vec::new();
    for (t, crossing) in found {
        if let CrossingKind::Zone { to_zone, .. } = &crossing.kind {
            let previous_zone = out.iter().rposition(|(_, c)| matches!(c.kind, CrossingKind::Zone { .. }));
            if let Some(k) = previous_zone.filter(|&k| (t - out[k].0) * length_m < SLIVER_M) {
                if let CrossingKind::Zone { from_zone, to_zone: last_to } = &mut out[k].1.kind {
                    *last_to = to_zone.clone();
                    if from_zone == last_to {
                        out.remove(k);
                    }
                }
                continue;
            }
        }
        out.push((t, crossing));
    }
    out
}

fn parameter(path: &Line<f64>, p: Coord<f64>) -> f64 {
    let (dx, dy) = (path.end.x - path.start.x, path.end.y - path.start.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 { 0.0 } else { (((p.x - path.start.x) * dx + (p.y - path.start.y) * dy) / len2).clamp(0.0, 1.0) }
}
