//! Deriving a demarcation line from the line of contact: the boundary equidistant
//! between the two sides' forward positions (the edges of their Voronoi cells that
//! separate one side's positions from the other's), trimmed to land, smoothed and drawn
//! west to east.

use std::collections::BTreeMap;

use geo::{ChaikinSmoothing, Contains, ConvexHull, Coord, Densify, LineString, MultiPolygon, Point, Simplify};
use spade::{DelaunayTriangulation, HasPosition, Point2, Triangulation};

use super::projection::TransverseMercator;

/// A forward position at signing, labelled with its side.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactPoint {
    pub lon: f64,
    pub lat: f64,
    pub side: String,
}

/// How to draw the line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemarcateOptions {
    /// Douglas-Peucker tolerance, metres, applied before smoothing to remove the
    /// equidistant boundary's zigzag between individual positions.
    pub simplify_m: f64,
    /// Rounds of Chaikin corner cutting.
    pub smoothing_rounds: usize,
    /// Vertex spacing, metres, before smoothing: corners are rounded over about this.
    pub smoothing_step_m: f64,
    /// When trimming to land, how far off the coast a vertex may lie and still count.
    pub coast_tolerance_m: f64,
    /// How far an end may be carried on towards the coast past the last positions.
    pub extend_to_coast_m: f64,
}

impl Default for DemarcateOptions {
    fn default() -> Self {
        Self {
            simplify_m: 100.0,
            smoothing_rounds: 2,
            smoothing_step_m: 200.0,
            coast_tolerance_m: 1500.0,
            extend_to_coast_m: 0.0,
        }
    }
}

/// Something a user should look at: the line was drawn, but not everything fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum DemarcationWarning {
    /// A closed boundary: positions of one side surrounded by the other's (a pocket).
    Enclave { inside_side: String, n_positions: usize, lon: f64, lat: f64, perimeter_km: f64 },
    /// A boundary piece apart from the main line (a salient reaching the edge of the data).
    SecondaryBoundary { length_km: f64, lon: f64, lat: f64 },
}

impl std::fmt::Display for DemarcationWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Enclave { inside_side, n_positions, lon, lat, perimeter_km } => write!(
                f,
                "{n_positions} position(s) of {inside_side} are surrounded by the other side's near ({lon:.4}, {lat:.4}); \
                 the pocket's boundary ({perimeter_km:.1} km) is not part of the line: settle it by hand"
            ),
            Self::SecondaryBoundary { length_km, lon, lat } => write!(
                f,
                "a second boundary of {length_km:.1} km near ({lon:.4}, {lat:.4}) is not part of the line: check the positions there"
            ),
        }
    }
}

/// Why no line could be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemarcateError {
    #[error("the positions name {0} side(s); a line of contact needs exactly two")]
    Sides(usize),
    #[error("side `{0}` has fewer than 2 positions")]
    TooFew(String),
    #[error("the positions do not separate into two sides along a line (no boundary between them was found)")]
    NoBoundary,
    #[error("the boundary between the sides lies wholly at sea")]
    AtSea,
    #[error("position {index} ({lon}, {lat}) is not on the globe")]
    BadPosition { index: usize, lon: f64, lat: f64 },
}

/// The derived line and what the user should know about it.
#[derive(Debug, Clone)]
pub struct Demarcation {
    /// West to east, in degrees.
    pub line: LineString<f64>,
    /// The side whose positions lie mostly left of the line (north, west to east).
    pub left_side: String,
    pub right_side: String,
    pub warnings: Vec<DemarcationWarning>,
}

#[derive(Debug, Clone, Copy)]
struct Site {
    position: Point2<f64>,
    side: u8,
}

impl HasPosition for Site {
    type Scalar = f64;
    fn position(&self) -> Point2<f64> {
        self.position
    }
}

/// Draw the line between two sides' forward positions, trimmed to `land` when given.
pub fn demarcate(
    contact: &[ContactPoint],
    land: Option<&MultiPolygon<f64>>,
    options: DemarcateOptions,
) -> Result<Demarcation, DemarcateError> {
    let mut sides: Vec<&str> = contact.iter().map(|c| c.side.as_str()).collect();
    sides.sort_unstable();
    sides.dedup();
    if sides.len() != 2 {
        return Err(DemarcateError::Sides(sides.len()));
    }
    for (index, c) in contact.iter().enumerate() {
        if !(c.lon.is_finite() && c.lat.is_finite() && c.lon.abs() <= 180.0 && c.lat.abs() <= 90.0) {
            return Err(DemarcateError::BadPosition { index, lon: c.lon, lat: c.lat });
        }
    }
    for side in &sides {
        if contact.iter().filter(|c| c.side == *side).count() < 2 {
            return Err(DemarcateError::TooFew((*side).to_owned()));
        }
    }
    let projection = TransverseMercator::centred_on(contact.iter().map(|c| (c.lon, c.lat)));
    let mut triangulation: DelaunayTriangulation<Site> = DelaunayTriangulation::new();
    for c in contact {
        let (x, y) = projection.forward(c.lon, c.lat);
        let side = u8::from(c.side != sides[0]);
        // A repeated position replaces the earlier one; that cannot fail for finite input.
        let _ = triangulation.insert(Site { position: Point2::new(x, y), side });
    }

    // Boundary edges between inner Voronoi vertices (faces of the triangulation).
    let mut centres: BTreeMap<usize, Coord<f64>> = BTreeMap::new();
    let mut adjacency: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for edge in triangulation.undirected_voronoi_edges() {
        let [a, b] = edge.as_delaunay_edge().vertices();
        if a.data().side == b.data().side {
            continue;
        }
        let [from, to] = edge.vertices();
        let node = |v: &spade::handles::VoronoiVertex<'_, Site, (), (), ()>,
                    centres: &mut BTreeMap<usize, Coord<f64>>| {
            match v.as_delaunay_face() {
                Some(face) => {
                    let c = face.circumcenter();
                    centres.insert(face.fix().index(), Coord { x: c.x, y: c.y });
                    face.fix().index()
                }
                None => {
                    // An edge of the data's hull: the boundary leaves through the middle of
                    // the two positions it separates.
                    let (p, q) = (a.position(), b.position());
                    let key = usize::MAX - edge.as_delaunay_edge().fix().index();
                    centres.insert(key, Coord { x: (p.x + q.x) / 2.0, y: (p.y + q.y) / 2.0 });
                    key
                }
            }
        };
        let (i, j) = (node(&from, &mut centres), node(&to, &mut centres));
        if i == j {
            continue;
        }
        adjacency.entry(i).or_default().push(j);
        adjacency.entry(j).or_default().push(i);
    }
    if adjacency.is_empty() {
        return Err(DemarcateError::NoBoundary);
    }

    // The boundary graph is a set of curves, with the odd branch where positions are
    // cocircular. Per connected piece: the main line is the longest path between two
    // of its ends (found as a tree's diameter, by two farthest-node searches); a piece
    // without ends is a closed pocket.
    let length = |a: usize, b: usize| {
        let (p, q) = (centres[&a], centres[&b]);
        ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
    };
    let farthest = |from: usize| -> (usize, BTreeMap<usize, usize>, f64) {
        // Dijkstra; distances are non-negative, so their bit patterns order correctly.
        let mut best: BTreeMap<usize, f64> = BTreeMap::from([(from, 0.0)]);
        let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
        let mut heap = std::collections::BinaryHeap::from([std::cmp::Reverse((0u64, from))]);
        while let Some(std::cmp::Reverse((bits, node))) = heap.pop() {
            let d = f64::from_bits(bits);
            if best.get(&node).is_some_and(|&b| b < d) {
                continue;
            }
            for &next in &adjacency[&node] {
                let nd = d + length(node, next);
                if best.get(&next).is_none_or(|&b| nd < b) {
                    best.insert(next, nd);
                    previous.insert(next, node);
                    heap.push(std::cmp::Reverse((nd.to_bits(), next)));
                }
            }
        }
        let (far, distance) = best.iter().max_by(|a, b| a.1.total_cmp(b.1)).map_or((from, 0.0), |(k, d)| (*k, *d));
        (far, previous, distance)
    };
    let mut seen: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    let mut open: Vec<(f64, Vec<usize>)> = Vec::new();
    let mut loops: Vec<Vec<usize>> = Vec::new();
    for &start in adjacency.keys() {
        if seen.contains(&start) {
            continue;
        }
        // The connected piece around `start`.
        let mut piece = vec![start];
        seen.insert(start);
        let mut k = 0;
        while k < piece.len() {
            for &next in &adjacency[&piece[k]] {
                if seen.insert(next) {
                    piece.push(next);
                }
            }
            k += 1;
        }
        match piece.iter().copied().find(|n| adjacency[n].len() == 1) {
            Some(end) => {
                let (u, _, _) = farthest(end);
                let (v, previous, distance) = farthest(u);
                let mut path = vec![v];
                while let Some(&p) = previous.get(path.last().unwrap_or(&u)) {
                    path.push(p);
                }
                open.push((distance, path));
            }
            None => {
                // Walk the loop once around.
                let mut ring = vec![start];
                let mut prev = usize::MAX;
                let mut current = start;
                while let Some(&next) = adjacency[&current].iter().find(|&&n| n != prev && n != current) {
                    if next == start || ring.len() > piece.len() {
                        break;
                    }
                    ring.push(next);
                    prev = current;
                    current = next;
                }
                ring.push(start);
                loops.push(ring);
            }
        }
    }
    let to_line = |chain: &[usize]| LineString::new(chain.iter().map(|k| centres[k]).collect());
    let length_m = |line: &LineString<f64>| line.lines().map(|l| (l.dx().powi(2) + l.dy().powi(2)).sqrt()).sum::<f64>();
    let unproject = |c: Coord<f64>| {
        let (lon, lat) = projection.inverse(c.x, c.y);
        Coord { x: lon, y: lat }
    };

    open.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut lines: Vec<LineString<f64>> = open.iter().map(|(_, c)| to_line(c)).collect();
    if lines.is_empty() {
        // Only loops: the longest one is the best we have, opened where it is.
        let longest =
            loops.iter().enumerate().max_by(|a, b| length_m(&to_line(a.1)).total_cmp(&length_m(&to_line(b.1))));
        if let Some((i, _)) = longest {
            lines.push(to_line(&loops.remove(i)));
        }
    }
    let main = lines.remove(0);
    let mut warnings = Vec::new();
    for other in &lines {
        let mid = unproject(other.0[other.0.len() / 2]);
        warnings.push(DemarcationWarning::SecondaryBoundary {
            length_km: length_m(other) / 1000.0,
            lon: mid.x,
            lat: mid.y,
        });
    }
    for chain in &loops {
        let ring = to_line(chain);
        let polygon = geo::Polygon::new(ring.clone(), vec![]);
        let inside: Vec<Site> = triangulation
            .vertices()
            .map(|v| *v.data())
            .filter(|s| polygon.contains(&Point::new(s.position.x, s.position.y)))
            .collect();
        let inside_side = inside.first().map_or(0, |s| s.side);
        let centre = unproject(ring.0[0]);
        warnings.push(DemarcationWarning::Enclave {
            inside_side: sides[usize::from(inside_side)].to_owned(),
            n_positions: inside.len(),
            lon: centre.x,
            lat: centre.y,
            perimeter_km: length_m(&ring) / 1000.0,
        });
    }

    // Voronoi vertices of thin triangles at the edge of the data lie far out; the line
    // stops where the positions stop.
    let hull = geo::MultiPoint::new(
        triangulation.vertices().map(|v| Point::new(v.data().position.x, v.data().position.y)).collect(),
    )
    .convex_hull();
    // Drop every vertex outside the hull (the far centres of thin triangles at its
    // edge); the ends, where the boundary leaves the hull, sit on it.
    let kept: Vec<Coord<f64>> = main
        .0
        .iter()
        .copied()
        .filter(|c| geo::Distance::distance(&geo::Euclidean, &Point::new(c.x, c.y), &hull) <= 1.0)
        .collect();
    if kept.len() < 2 {
        return Err(DemarcateError::NoBoundary);
    }
    let main = LineString::new(kept);

    // Smoothing cuts each corner by a quarter of its segments: densify first, so that a
    // corner of the front is rounded over a few hundred metres, not kilometres.
    let simplified = main.simplify(options.simplify_m);
    let drawn = geo::Euclidean
        .densify(&simplified, options.smoothing_step_m)
        .chaikin_smoothing(options.smoothing_rounds)
        // Smoothing leaves runs of nearly collinear vertices: a metre's tolerance drops them.
        .simplify(1.0);
    let mut degrees: Vec<Coord<f64>> = drawn.0.iter().map(|&c| unproject(c)).collect();
    if let Some(land) = land {
        // Rivers and estuaries cut land polygons near a front: a vertex counts as on land
        // within `coast_tolerance_m` of it, so only the line's run out to sea is cut.
        let tolerance_deg = options.coast_tolerance_m / 111_320.0;
        let on_land: Vec<bool> = degrees
            .iter()
            .map(|c| {
                let p = Point::new(c.x, c.y);
                land.contains(&p) || geo::Distance::distance(&geo::Euclidean, &p, land) <= tolerance_deg
            })
            .collect();
        let (Some(first), Some(last)) = (on_land.iter().position(|&l| l), on_land.iter().rposition(|&l| l)) else {
            return Err(DemarcateError::AtSea);
        };
        // Keep one vertex past each end so the line reaches the coast.
        let from = first.saturating_sub(1);
        let to = (last + 1).min(degrees.len() - 1);
        degrees = degrees[from..=to].to_vec();
    }
    if let Some(land) = land {
        extend_to_coast(&mut degrees, land, &projection, options.extend_to_coast_m);
    }
    if degrees.first().map(|c| c.x) > degrees.last().map(|c| c.x) {
        degrees.reverse();
    }
    let line = LineString::new(degrees);

    // Which side is on the left: count positions by the sign of the nearest segment.
    let mut votes = [0i64; 2];
    for c in contact {
        let here = Coord { x: c.lon, y: c.lat };
        let nearest =
            line.lines().min_by(|a, b| point_segment_distance2(here, a).total_cmp(&point_segment_distance2(here, b)));
        if let Some(segment) = nearest {
            let cross = (segment.end.x - segment.start.x) * (here.y - segment.start.y)
                - (segment.end.y - segment.start.y) * (here.x - segment.start.x);
            let side = usize::from(c.side != sides[0]);
            votes[side] += if cross > 0.0 { 1 } else { -1 };
        }
    }
    let (left, right) = if votes[0] >= votes[1] { (sides[0], sides[1]) } else { (sides[1], sides[0]) };
    Ok(Demarcation { line, left_side: left.to_owned(), right_side: right.to_owned(), warnings })
}

/// Carry each end of the line on along its last segment, in 50 m steps up to `max_m`,
/// while it stays on land: the positions stop short of the coast, the line should not.
fn extend_to_coast(line: &mut Vec<Coord<f64>>, land: &MultiPolygon<f64>, projection: &TransverseMercator, max_m: f64) {
    for end in [0, 1] {
        if line.len() < 2 {
            return;
        }
        if end == 0 {
            line.reverse();
        }
        let n = line.len();
        let (a, b) =
            (projection.forward(line[n - 2].x, line[n - 2].y), projection.forward(line[n - 1].x, line[n - 1].y));
        let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if length > 0.0 {
            let (ux, uy) = ((b.0 - a.0) / length, (b.1 - a.1) / length);
            let mut step = 50.0;
            while step <= max_m {
                let (lon, lat) = projection.inverse(b.0 + ux * step, b.1 + uy * step);
                if !land.contains(&Point::new(lon, lat)) {
                    break;
                }
                line.push(Coord { x: lon, y: lat });
                step += 50.0;
            }
        }
        if end == 0 {
            line.reverse();
        }
    }
}

fn point_segment_distance2(p: Coord<f64>, s: &geo::Line<f64>) -> f64 {
    let (dx, dy) = (s.end.x - s.start.x, s.end.y - s.start.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 { 0.0 } else { (((p.x - s.start.x) * dx + (p.y - s.start.y) * dy) / len2).clamp(0.0, 1.0) };
    let (x, y) = (s.start.x + t * dx, s.start.y + t * dy);
    (p.x - x).powi(2) + (p.y - y).powi(2)
}
