//! The zones of an agreement, built from its line, zone rules, land and islands: the
//! buffer halves (the DMZ), the areas each side controls, drawn areas (the estuary),
//! and the sea, as polygons in longitude and latitude that partition the plane.

use geo::algorithm::buffer::{Buffer, BufferStyle};
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, BoundingRect, Coord, GeodesicArea, Line, LineString, MultiPolygon, Polygon, Rect};
use rstar::RTree;
use rstar::primitives::CachedEnvelope;

use super::line_index::LineIndex;
use super::projection::TransverseMercator;
use crate::agreement::Agreement;
use crate::agreement::document::LineSide;

/// Longest segment, in metres, before the line is buffered: short segments keep the
/// buffer's straight edges (straight in the projection) and the same edges in degrees
/// within millimetres of each other.
const DENSIFY_M: f64 = 250.0;

/// How far, in degrees, the line's end segments are extended to split the plane in two.
const RAY_DEGREES: f64 = 60.0;

/// Why the zones could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZoneError {
    #[error("the agreement has no line of kind `demarcation`, so there is nothing to build zones from")]
    NoDemarcationLine,
    #[error("the agreement has {0} zones; at most 63 are supported")]
    TooManyZones(usize),
}

/// What a zone is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneKind {
    /// An area drawn in a file (an estuary): open water shared under the agreement's rules.
    Area,
    /// One half of a band around the line (a half of the DMZ).
    BufferHalf { buffer_id: String, line_side: LineSide },
    /// The land a side controls.
    Territory,
    /// Everything outside every other zone.
    Sea,
}

/// One zone: its id, the side that controls it (if any) and its polygons.
#[derive(Debug, Clone)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub kind: ZoneKind,
    /// The side whose civil administration holds here, if one does.
    pub side: Option<String>,
    /// Water rather than land.
    pub water: bool,
    /// Empty for the sea, which is what the others leave.
    pub polygons: MultiPolygon<f64>,
}

/// A marker on the line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker {
    /// 1 at the line's first vertex.
    pub number: u32,
    pub lon: f64,
    pub lat: f64,
    /// Distance along the line from its first vertex, metres.
    pub chainage_m: f64,
}

/// Every zone of an agreement, in priority order, with the line, markers and the two
/// half-planes. Zones may overlap: a point is in the first zone, in this order, whose
/// polygons contain it (drawn areas, then the band's halves, then territories); the sea,
/// last, is wherever no zone is.
#[derive(Debug, Clone)]
pub struct ZoneSet {
    pub line_id: String,
    /// The demarcation line, in degrees, as the agreement gives it.
    pub line: LineString<f64>,
    pub projection: TransverseMercator,
    pub zones: Vec<Zone>,
    pub markers: Vec<Marker>,
    /// The side ids holding the line's left and right.
    pub left_side: String,
    pub right_side: String,
    /// The plane left of the line extended at both ends (degrees).
    pub left_half_plane: Polygon<f64>,
    /// The band of `half_width_m` around the line before clipping to land, km².
    pub buffer_area_km2: Option<f64>,
    pub buffer_half_width_m: Option<f64>,
}

impl ZoneSet {
    /// Build the zones of `agreement`.
    pub fn build(agreement: &Agreement) -> Result<Self, ZoneError> {
        let doc = &agreement.document;
        let (line_id, line) = agreement.demarcation_line().ok_or(ZoneError::NoDemarcationLine)?;
        let line = line.clone();
        let projection = TransverseMercator::centred_on(line.0.iter().map(|c| (c.x, c.y)));
        let side_for = |want: LineSide| {
            doc.sides.iter().map(|s| s.get_ref()).find(|s| s.line_side == want).map(|s| s.id.to_string())
        };
        let left_side = side_for(LineSide::Left).unwrap_or_default();
        let right_side = side_for(LineSide::Right).unwrap_or_default();

        let left_half_plane = half_plane(&line, LineSide::Left);
        let right_half_plane = half_plane(&line, LineSide::Right);
        let land: MultiPolygon<f64> = if agreement.land().is_empty() {
            MultiPolygon::new(vec![world()])
        } else {
            let all: Vec<Polygon<f64>> = agreement.land().iter().flat_map(|(_, mp)| mp.0.iter().cloned()).collect();
            union_all(all)
        };

        let mut zones = Vec::new();
        // Drawn areas come first: they override everything under them.
        let mut areas = MultiPolygon::new(Vec::new());
        for zone in doc.zones.iter().map(|z| z.get_ref()) {
            if let Some(polygons) = agreement.area(zone.id.as_str()) {
                let own = polygons.difference(&areas);
                areas = areas.union(polygons);
                zones.push(Zone {
                    id: zone.id.to_string(),
                    name: zone.name.clone(),
                    kind: ZoneKind::Area,
                    side: None,
                    water: true,
                    polygons: own,
                });
            }
        }

        // The band around the line, clipped to land and split by it.
        let mut band_on_land = MultiPolygon::new(Vec::new());
        let mut buffer_area_km2 = None;
        let mut buffer_half_width_m = None;
        for zone in doc.zones.iter().map(|z| z.get_ref()) {
            let Some(buffer) = &zone.buffer else { continue };
            let Some(buffer_line) = agreement.line(buffer.line.as_str()) else { continue };
            let band = buffer_in_metres(buffer_line, buffer.half_width_m, &projection);
            if buffer.line.as_str() == line_id {
                buffer_area_km2 = Some(area_km2(&band));
                buffer_half_width_m = Some(buffer.half_width_m);
            }
            let on_land = band.intersection(&land).difference(&areas).difference(&band_on_land);
            band_on_land = band_on_land.union(&on_land);
            // Past the band's round ends, with room to spare.
            let reach = (buffer.half_width_m / 111_000.0 * 1.5).max(0.05);
            let (left_plane, right_plane) = (
                half_plane_reaching(buffer_line, LineSide::Left, reach),
                half_plane_reaching(buffer_line, LineSide::Right, reach),
            );
            for (half_id, line_side, plane) in
                [(&buffer.left_half, LineSide::Left, &left_plane), (&buffer.right_half, LineSide::Right, &right_plane)]
            {
                let side = if line_side == LineSide::Left { &left_side } else { &right_side };
                zones.push(Zone {
                    id: half_id.to_string(),
                    name: format!("{} ({} half)", zone.name, half_id),
                    kind: ZoneKind::BufferHalf { buffer_id: zone.id.to_string(), line_side },
                    side: Some(side.clone()),
                    water: false,
                    polygons: on_land.intersection(plane),
                });
            }
        }

        // Each land polygon goes whole to the side it lies on, so that territories keep
        // the land file's own coastline (zones are taken in order, so the band and drawn
        // areas above cover their part of it). Land far from the line (a coastal island)
        // goes with the nearest land that reaches the line; land reaching across the line
        // is cut by the line extended at its ends.
        let index = LineIndex::new(&line, projection, &left_half_plane, &[]);
        let land_polygons: Vec<Polygon<f64>> =
            agreement.land().iter().flat_map(|(_, mp)| mp.0.iter().cloned()).collect();
        let (left_land, right_land) = if agreement.land().is_empty() {
            (
                MultiPolygon::new(vec![world()]).intersection(&left_half_plane),
                MultiPolygon::new(vec![world()]).intersection(&right_half_plane),
            )
        } else {
            split_land(&land_polygons, &index, buffer_half_width_m.unwrap_or(0.0), &left_half_plane, &right_half_plane)
        };

        // Islands the agreement assigns go to their holder whatever side they lie on.
        let island_land = |holder: &str| -> MultiPolygon<f64> {
            let disks: Vec<Polygon<f64>> = doc
                .islands
                .iter()
                .map(|i| i.get_ref())
                .filter(|i| i.held_by.as_str() == holder)
                .map(|i| disk(i.position.lon, i.position.lat, i.radius_m.unwrap_or(3000.0)))
                .collect();
            union_all(disks).intersection(&land)
        };
        let held_left = island_land(&left_side);
        let held_right = island_land(&right_side);
        for side in doc.sides.iter().map(|s| s.get_ref()) {
            let (own_land, own_islands, other_islands) = match side.line_side {
                LineSide::Left => (&left_land, &held_left, &held_right),
                LineSide::Right => (&right_land, &held_right, &held_left),
            };
            let polygons = if other_islands.0.is_empty() && own_islands.0.is_empty() {
                own_land.clone()
            } else {
                own_land.difference(other_islands).union(own_islands)
            };
            zones.push(Zone {
                id: side.territory_zone.to_string(),
                name: format!("Territory controlled by {}", side.name),
                kind: ZoneKind::Territory,
                side: Some(side.id.to_string()),
                water: false,
                polygons,
            });
        }

        if let Some(sea) = &doc.geography.sea_zone {
            zones.push(Zone {
                id: sea.to_string(),
                name: "Sea".to_owned(),
                kind: ZoneKind::Sea,
                side: None,
                water: true,
                polygons: MultiPolygon::new(Vec::new()),
            });
        } else {
            zones.push(Zone {
                id: "outside".to_owned(),
                name: "Outside every zone".to_owned(),
                kind: ZoneKind::Sea,
                side: None,
                water: !agreement.land().is_empty(),
                polygons: MultiPolygon::new(Vec::new()),
            });
        }
        for zone in &mut zones {
            zone.polygons = clean(&zone.polygons);
        }
        if zones.len() > 63 {
            return Err(ZoneError::TooManyZones(zones.len()));
        }

        let markers = doc
            .lines
            .iter()
            .map(|l| l.get_ref())
            .find(|l| l.id.as_str() == line_id)
            .and_then(|l| l.markers.as_ref())
            .map(|m| place_markers(&line, &projection, m.count, m.spacing_m))
            .unwrap_or_default();

        Ok(Self {
            line_id: line_id.to_owned(),
            line,
            projection,
            zones,
            markers,
            left_side,
            right_side,
            left_half_plane,
            buffer_area_km2,
            buffer_half_width_m,
        })
    }

    /// The zone with this id.
    pub fn zone(&self, id: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.id == id)
    }

    /// Area of a zone on the ellipsoid, km² (none for the sea).
    pub fn area_km2(&self, id: &str) -> Option<f64> {
        self.zone(id).filter(|z| z.kind != ZoneKind::Sea).map(|z| area_km2(&z.polygons))
    }
}

/// Area on the ellipsoid in km². Signed per polygon and then made positive, because the
/// unsigned form reads a polygon whose winding it doubts as the rest of the globe.
pub fn area_km2(polygons: &MultiPolygon<f64>) -> f64 {
    polygons.0.iter().map(|p| p.geodesic_area_signed().abs()).sum::<f64>() / 1e6
}

/// Below this planar area (square degrees, about 10 m²) a polygon is a sliver left by
/// floating-point overlay, not a place.
const SLIVER_DEG2: f64 = 1e-9;

/// Drop slivers and wind rings the RFC 7946 way (exteriors counter-clockwise).
fn clean(polygons: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::Area;
    let kept: Vec<Polygon<f64>> = polygons.0.iter().filter(|p| p.unsigned_area() >= SLIVER_DEG2).cloned().collect();
    MultiPolygon::new(kept).orient(Direction::Default)
}

/// Split land polygons between the line's left and right, keeping each polygon whole
/// where it lies on one side. A polygon with vertices near the line (within the band, or
/// 5 m when there is none) on one side only takes that side; one with vertices near it on
/// both sides is cut by the extended line; one far from the line goes with the nearest
/// polygon that is near it.
fn split_land(
    polygons: &[Polygon<f64>],
    index: &LineIndex,
    half_width_m: f64,
    left_plane: &Polygon<f64>,
    right_plane: &Polygon<f64>,
) -> (MultiPolygon<f64>, MultiPolygon<f64>) {
    // Vertices on the line itself (a land file already split along it) say nothing.
    const ON_LINE_M: f64 = 10.0;
    let mut left = Vec::new();
    let mut right = Vec::new();
    let mut detached = Vec::new();
    for polygon in polygons {
        let (mut on_left, mut on_right) = (false, false);
        for c in &polygon.exterior().0 {
            let d = index.signed_distance_m(c.x, c.y);
            if d.abs() > ON_LINE_M && d.abs() <= half_width_m.max(ON_LINE_M) + 5.0 {
                if d > 0.0 {
                    on_left = true;
                } else {
                    on_right = true;
                }
            }
        }
        match (on_left, on_right) {
            (true, false) => left.push(polygon.clone()),
            (false, true) => right.push(polygon.clone()),
            (true, true) => {
                left.extend(polygon.intersection(left_plane).0);
                right.extend(polygon.intersection(right_plane).0);
            }
            (false, false) => detached.push(polygon.clone()),
        }
    }
    if detached.is_empty() {
        return (clean(&MultiPolygon::new(left)), clean(&MultiPolygon::new(right)));
    }
    let (left_measured, right_measured) = (Measured::all(&left), Measured::all(&right));
    let (mut left_extra, mut right_extra) = (Vec::new(), Vec::new());
    for piece in detached {
        let piece_measured = Measured::new(&piece);
        let (to_left, to_right) = (piece_measured.nearest(&left_measured), piece_measured.nearest(&right_measured));
        let goes_left = if to_left.is_finite() || to_right.is_finite() {
            to_left < to_right
        } else {
            piece.exterior().0.first().is_some_and(|c| index.is_left(c.x, c.y))
        };
        if goes_left { left_extra.push(piece) } else { right_extra.push(piece) }
    }
    left.extend(left_extra);
    right.extend(right_extra);
    (clean(&MultiPolygon::new(left)), clean(&MultiPolygon::new(right)))
}

/// A polygon made ready to measure its distance to others many times: its bounding box,
/// and the tree of its exterior's segments that `geo` would build for every measurement.
struct Measured<'p> {
    polygon: &'p Polygon<f64>,
    bounds: Option<Rect<f64>>,
    /// The largest magnitude of any coordinate in the bounding box (0 without one).
    extent: f64,
    /// Only for a polygon without holes and with at least one segment in its exterior
    /// (others are measured by `geo` itself).
    segments: Option<RTree<CachedEnvelope<Line<f64>>>>,
}

/// Whether something at least `gap` away (a box's distance, a lower bound of the true one)
/// cannot measure nearer, as `geo` rounds it, than the `least` distance measured so far.
/// `geo`'s point-to-segment distance rounds with an error of a few units in the last
/// place of the coordinates' magnitude (`extent`), not of the distance, so the margin has
/// an absolute part as well as a relative one; both are far wider than that rounding and
/// far narrower than any gap between land polygons.
fn beyond(gap: f64, least: f64, extent: f64) -> bool {
    const RELATIVE: f64 = 1e-9;
    const ULPS_OF_EXTENT: f64 = 64.0;
    gap > least * (1.0 + RELATIVE) + ULPS_OF_EXTENT * f64::EPSILON * extent
}

impl<'p> Measured<'p> {
    fn new(polygon: &'p Polygon<f64>) -> Self {
        let plain = polygon.interiors().is_empty() && polygon.exterior().0.len() >= 2;
        let segments = plain.then(|| RTree::bulk_load(polygon.exterior().lines().map(CachedEnvelope::new).collect()));
        let bounds = polygon.bounding_rect();
        let extent =
            bounds.map_or(0.0, |b| b.min().x.abs().max(b.min().y.abs()).max(b.max().x.abs()).max(b.max().y.abs()));
        Self { polygon, bounds, extent, segments }
    }

    fn all(polygons: &'p [Polygon<f64>]) -> Vec<Self> {
        polygons.iter().map(Self::new).collect()
    }

    /// The least planar distance to any of `group`, as measuring each with `geo`'s
    /// `Euclidean` would give it. The distance between two polygons is at least that
    /// between their bounding boxes, so one whose box is `beyond` the nearest found so far
    /// is not measured.
    fn nearest(&self, group: &[Measured<'_>]) -> f64 {
        let mut by_box: Vec<(f64, usize)> = group
            .iter()
            .enumerate()
            .map(|(i, other)| match (self.bounds, other.bounds) {
                (Some(a), Some(b)) => (box_gap(&a, &b), i),
                _ => (0.0, i),
            })
            .collect();
        by_box.sort_by(|a, b| a.0.total_cmp(&b.0));
        // The stop below skips every polygon after it, so its margin covers the largest
        // coordinates of them all.
        let extent = group.iter().fold(self.extent, |most, other| most.max(other.extent));
        let mut least = f64::INFINITY;
        for (gap, i) in by_box {
            if beyond(gap, least, extent) {
                break;
            }
            least = least.min(self.distance(&group[i]));
        }
        least
    }

    /// `self.polygon.intersects(other.polygon)` for two polygons without holes, as `geo`
    /// 0.31 works it out: boxes apart, no; else the first vertex of either in the other,
    /// or any segment of one meeting any of the other's (`theirs`, its tree). The pairs
    /// of segments are found through the tree rather than each tried: segments whose
    /// boxes are apart share no point, so the answer is the same.
    fn intersects(&self, other: &Measured<'_>, theirs: &RTree<CachedEnvelope<Line<f64>>>) -> bool {
        use geo::Intersects;
        if let (Some(a), Some(b)) = (self.bounds, other.bounds) {
            if !a.intersects(&b) {
                return false;
            }
        }
        let (own, their) = (self.polygon.exterior(), other.polygon.exterior());
        own.0.first().is_some_and(|p| other.polygon.intersects(p))
            || their.0.first().is_some_and(|p| self.polygon.intersects(p))
            || own.lines().any(|line| {
                let envelope = rstar::AABB::from_corners(line.start_point(), line.end_point());
                theirs.locate_in_envelope_intersecting(&envelope).any(|segment| line.intersects(&**segment))
            })
    }

    /// `Euclidean.distance(self, other)`: for two polygons without holes, the same
    /// intersection test and the same least of vertex-to-nearest-segment distances that
    /// `geo` 0.31 computes, with the segment trees built once and far vertices skipped.
    fn distance(&self, other: &Measured<'_>) -> f64 {
        use geo::{Distance, Euclidean};
        let (Some(own), Some(theirs)) = (&self.segments, &other.segments) else {
            return Euclidean.distance(self.polygon, other.polygon);
        };
        if self.intersects(other, theirs) {
            return 0.0;
        }
        let extent = self.extent.max(other.extent);
        // The least of: every vertex of the other to its nearest segment here, and every
        // vertex here to the other's nearest segment. A vertex whose distance to the box of
        // the tree it is looked up in is `beyond` the least found so far is farther from
        // every segment in that tree, and is not looked up.
        let reach = |least_so_far: f64,
                     points: &LineString<f64>,
                     tree: &RTree<CachedEnvelope<Line<f64>>>,
                     tree_bounds: Option<Rect<f64>>| {
            points.points().fold(least_so_far, |least, point| {
                if tree_bounds.is_some_and(|b| beyond(point_gap(&b, point.0), least, extent)) {
                    return least;
                }
                tree.nearest_neighbor(&point)
                    .map_or(least, |line| least.min(Euclidean.distance(&**line as &Line<f64>, &point)))
            })
        };
        // Own vertices first (a piece has few): their least bounds the other's look-ups.
        let mine = reach(f64::MAX, self.polygon.exterior(), theirs, other.bounds);
        reach(mine, other.polygon.exterior(), own, self.bounds)
    }
}

/// The planar distance between two boxes (0 when they overlap or touch). `hypot`, not the
/// root of a sum of squares, so it neither underflows nor overflows at extreme scales.
fn box_gap(a: &Rect<f64>, b: &Rect<f64>) -> f64 {
    let dx = (b.min().x - a.max().x).max(a.min().x - b.max().x).max(0.0);
    let dy = (b.min().y - a.max().y).max(a.min().y - b.max().y).max(0.0);
    dx.hypot(dy)
}

/// The planar distance from a point to a box (0 inside or on it).
fn point_gap(b: &Rect<f64>, p: Coord<f64>) -> f64 {
    box_gap(b, &Rect::new(p, p))
}

/// A big polygon for "everywhere", for agreements without land.
fn world() -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![(-180.0, -90.0), (180.0, -90.0), (180.0, 90.0), (-180.0, 90.0), (-180.0, -90.0)]),
        vec![],
    )
}

fn union_all(polygons: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
    polygons.into_iter().fold(MultiPolygon::new(Vec::new()), |acc, p| acc.union(&p))
}

/// The plane on one side of the line, the line extended at both ends along its end
/// segments: a point's side of the line is the side of this curve it is on.
pub fn half_plane(line: &LineString<f64>, side: LineSide) -> Polygon<f64> {
    half_plane_reaching(line, side, RAY_DEGREES)
}

/// The same, reaching only `reach` degrees past the line's ends and to its side. Overlay
/// works on a grid scaled to its operands' extent, so a small half-plane splits the band
/// around the line to the millimetre where a continent-sized one leaves metre gaps.
fn half_plane_reaching(line: &LineString<f64>, side: LineSide, reach: f64) -> Polygon<f64> {
    let pts = &line.0;
    let n = pts.len();
    let unit = |from: Coord<f64>, to: Coord<f64>| {
        let (dx, dy) = (to.x - from.x, to.y - from.y);
        let len = (dx * dx + dy * dy).sqrt().max(f64::MIN_POSITIVE);
        Coord { x: dx / len, y: dy / len }
    };
    let start_dir = unit(pts[1], pts[0]);
    let end_dir = unit(pts[n - 2], pts[n - 1]);
    let start = Coord { x: pts[0].x + start_dir.x * reach, y: pts[0].y + start_dir.y * reach };
    let end = Coord { x: pts[n - 1].x + end_dir.x * reach, y: pts[n - 1].y + end_dir.y * reach };
    // Close the polygon far out on the chosen side of the chord from start to end.
    let chord = unit(start, end);
    let normal = match side {
        LineSide::Left => Coord { x: -chord.y, y: chord.x },
        LineSide::Right => Coord { x: chord.y, y: -chord.x },
    };
    let span = ((end.x - start.x).powi(2) + (end.y - start.y).powi(2)).sqrt();
    let far = 4.0 * reach + span;
    let mut ring = vec![start];
    ring.extend(pts.iter().copied());
    ring.push(end);
    ring.push(Coord { x: end.x + normal.x * far + chord.x * far, y: end.y + normal.y * far + chord.y * far });
    ring.push(Coord { x: start.x + normal.x * far - chord.x * far, y: start.y + normal.y * far - chord.y * far });
    ring.push(start);
    Polygon::new(LineString::new(ring), vec![])
}

/// The line with extra vertices so that no segment is longer than `max_m` on the ground.
pub fn densify(line: &LineString<f64>, projection: &TransverseMercator, max_m: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for segment in line.lines() {
        let (ax, ay) = projection.forward(segment.start.x, segment.start.y);
        let (bx, by) = projection.forward(segment.end.x, segment.end.y);
        let length = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
        let steps = (length / max_m).ceil().max(1.0) as usize;
        for k in 0..steps {
            let t = k as f64 / steps as f64;
            out.push((
                segment.start.x + t * (segment.end.x - segment.start.x),
                segment.start.y + t * (segment.end.y - segment.start.y),
            ));
        }
    }
    if let Some(last) = line.0.last() {
        out.push((last.x, last.y));
    }
    out
}

/// The band within `half_width_m` metres of the line, in degrees.
fn buffer_in_metres(line: &LineString<f64>, half_width_m: f64, projection: &TransverseMercator) -> MultiPolygon<f64> {
    let projected: LineString<f64> = densify(line, projection, DENSIFY_M)
        .into_iter()
        .map(|(lon, lat)| projection.forward(lon, lat))
        .collect::<Vec<_>>()
        .into();
    // A join angle of 0.05 rad keeps round ends within 2000 * (1 - cos 0.025) = 0.6 m of a circle.
    let style = BufferStyle::new(half_width_m)
        .line_join(geo::algorithm::buffer::LineJoin::Round(0.05))
        .line_cap(geo::algorithm::buffer::LineCap::Round(0.05));
    let band = projected.buffer_with_style(style);
    unproject(&band, projection)
}

fn unproject(polygons: &MultiPolygon<f64>, projection: &TransverseMercator) -> MultiPolygon<f64> {
    use geo::MapCoords;
    polygons.map_coords(|c| {
        let (lon, lat) = projection.inverse(c.x, c.y);
        Coord { x: lon, y: lat }
    })
}

/// A circle of `radius_m` metres around a point, in degrees (64 sides).
fn disk(lon: f64, lat: f64, radius_m: f64) -> Polygon<f64> {
    let projection = TransverseMercator::new(lon, lat);
    let ring: Vec<Coord<f64>> = (0..=64)
        .map(|k| {
            let angle = std::f64::consts::TAU * f64::from(k % 64) / 64.0;
            let (lon, lat) = projection.inverse(radius_m * angle.cos(), radius_m * angle.sin());
            Coord { x: lon, y: lat }
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}

/// Markers along the line: `count` spread evenly from end to end, or one every
/// `spacing_m` metres from the first vertex.
fn place_markers(
    line: &LineString<f64>,
    projection: &TransverseMercator,
    count: Option<u32>,
    spacing_m: Option<f64>,
) -> Vec<Marker> {
    let points: Vec<(f64, f64)> = line.0.iter().map(|c| projection.forward(c.x, c.y)).collect();
    let mut cumulative = vec![0.0];
    for w in points.windows(2) {
        let d = ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt();
        cumulative.push(cumulative.last().copied().unwrap_or(0.0) + d);
    }
    let total = cumulative.last().copied().unwrap_or(0.0);
    let chainages: Vec<f64> = match (count, spacing_m) {
        (Some(count), _) if count >= 2 => (0..count).map(|k| total * f64::from(k) / f64::from(count - 1)).collect(),
        (_, Some(spacing)) if spacing > 0.0 => {
            (0..).map(|k| f64::from(k) * spacing).take_while(|&c| c <= total + 1e-9).collect()
        }
        _ => Vec::new(),
    };
    let mut segment = 0;
    chainages
        .into_iter()
        .zip(1u32..)
        .map(|(chainage, number)| {
            while segment + 2 < cumulative.len() && cumulative[segment + 1] < chainage {
                segment += 1;
            }
            let (a, b) = (points[segment], points[segment + 1]);
            let span = cumulative[segment + 1] - cumulative[segment];
            let t = if span > 0.0 { ((chainage - cumulative[segment]) / span).clamp(0.0, 1.0) } else { 0.0 };
            let (lon, lat) = projection.inverse(a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            Marker { number, lon, lat, chainage_m: chainage }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use geo::{Distance, Euclidean};
    use proptest::prelude::*;

    use super::*;

    /// A star-shaped ring around (x, y): `radii` at even angles, so it never crosses itself.
    fn star(x: f64, y: f64, radii: &[f64]) -> LineString<f64> {
        let n = radii.len() as f64;
        let mut ring: Vec<Coord<f64>> = radii
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let a = i as f64 / n * std::f64::consts::TAU;
                Coord { x: x + r * a.cos(), y: y + r * a.sin() }
            })
            .collect();
        ring.push(ring[0]);
        LineString::new(ring)
    }

    fn polygon() -> impl Strategy<Value = Polygon<f64>> {
        (-20.0..20.0f64, -20.0..20.0f64, prop::collection::vec(0.2..3.0f64, 3..40), any::<bool>()).prop_map(
            |(x, y, radii, hole)| {
                let holes = if hole { vec![star(x, y, &[0.1, 0.1, 0.1, 0.1])] } else { vec![] };
                Polygon::new(star(x, y, &radii), holes)
            },
        )
    }

    /// `polygon` scaled by 2^`k` (exactly, so only the magnitudes change).
    fn scaled(polygon: &Polygon<f64>, k: i32) -> Polygon<f64> {
        use geo::MapCoords;
        let factor = 2f64.powi(k);
        polygon.map_coords(|c| Coord { x: c.x * factor, y: c.y * factor })
    }

    fn box_polygon(min: (f64, f64), max: (f64, f64)) -> Polygon<f64> {
        Rect::new(Coord { x: min.0, y: min.1 }, Coord { x: max.0, y: max.1 }).to_polygon()
    }

    /// Boxes 2^-537 apart: the squares of their gaps underflow to nothing, which once made
    /// the nearer of two look as far as the farther and be skipped.
    #[test]
    fn tiny_gaps_are_measured_not_squared_away() {
        let u = 2f64.powi(-537);
        let piece = box_polygon((-1.0, -1.0), (0.0, 0.0));
        let group = [box_polygon((-1.0, 1.975 * u), (0.0, 1.0)), box_polygon((1.9 * u, -1.0), (1.0, 0.0))];
        let expected = group.iter().map(|other| Euclidean.distance(&piece, other)).fold(f64::INFINITY, f64::min);
        assert_eq!(expected, 1.9 * u);
        let got = Measured::new(&piece).nearest(&Measured::all(&group));
        assert_eq!(got.to_bits(), expected.to_bits());
    }

    proptest! {
        /// Measuring with trees built once and boxes to skip by gives, bit for bit, the least
        /// of `geo`'s own measurements, for polygons apart, touching, crossing, one inside
        /// another, and with holes, at scales from 2^-500 to 2^500 (coordinates whose squares
        /// stay in the normal range, where `geo`'s own measure is sound).
        #[test]
        fn the_nearest_is_geos_least_distance(
            piece in polygon(),
            group in prop::collection::vec(polygon(), 0..8),
            k in -500..500i32,
        ) {
            let piece = scaled(&piece, k);
            let group: Vec<Polygon<f64>> = group.iter().map(|p| scaled(p, k)).collect();
            let expected = group.iter().map(|other| Euclidean.distance(&piece, other)).fold(f64::INFINITY, f64::min);
            let measured = Measured::all(&group);
            let got = Measured::new(&piece).nearest(&measured);
            prop_assert_eq!(got.to_bits(), expected.to_bits());
        }

        /// Whether two polygons without holes meet, segments paired through a tree, is what
        /// `geo` says trying every pair: for polygons apart, crossing, one inside the
        /// other, and boxes sharing an edge or a corner.
        #[test]
        fn meeting_through_the_tree_is_geos_intersects(
            a in polygon(),
            b in polygon(),
            (x, y, radii) in (-20.0..20.0f64, -20.0..20.0f64, prop::collection::vec(0.2..3.0f64, 3..40)),
            corners in prop::collection::vec((-3i32..3, -3i32..3), 4),
        ) {
            use geo::Intersects;
            let plain = |p: &Polygon<f64>| Polygon::new(p.exterior().clone(), vec![]);
            let (a, b) = (plain(&a), plain(&b));
            // A star and a small box around its centre, inside it.
            let (outer, inner) = (Polygon::new(star(x, y, &radii), vec![]), box_polygon((x - 0.05, y - 0.05), (x + 0.05, y + 0.05)));
            let boxes = [
                box_polygon((f64::from(corners[0].0), f64::from(corners[0].1)), (f64::from(corners[0].0) + 1.0, f64::from(corners[0].1) + 1.0)),
                box_polygon((f64::from(corners[1].0), f64::from(corners[1].1)), (f64::from(corners[1].0) + 2.0, f64::from(corners[1].1) + 1.0)),
            ];
            let pairs = [(&a, &b), (&b, &a), (&boxes[0], &boxes[1]), (&a, &boxes[0]), (&boxes[1], &b), (&inner, &outer), (&outer, &inner)];
            for (x, y) in pairs {
                let (mx, my) = (Measured::new(x), Measured::new(y));
                let theirs = my.segments.as_ref().unwrap();
                prop_assert_eq!(mx.intersects(&my, theirs), x.intersects(y));
            }
        }
    }
}
