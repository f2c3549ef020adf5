//! Distances to an agreement's line, in metres on the ground, signed by side, and the
//! nearest marker: an R-tree over the line's segments and markers in the projection.

use geo::{Closest, ClosestPoint, Coord, Line, LineString, Point, Polygon};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::projection::TransverseMercator;
use super::zones::{Marker, densify};

/// Longest segment, metres, when the line is measured: straight in degrees and straight
/// in the projection then differ by well under a centimetre.
const MEASURE_SEGMENT_M: f64 = 100.0;

type Segment = GeomWithData<Line<f64>, usize>;
type MarkerPoint = GeomWithData<[f64; 2], usize>;

/// The nearest marker to a position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearestMarker {
    pub marker: Marker,
    pub distance_m: f64,
}

/// Answers "how far from the line, on which side, and which marker is nearest".
#[derive(Debug, Clone)]
pub struct LineIndex {
    projection: TransverseMercator,
    segments: RTree<Segment>,
    markers: Vec<Marker>,
    marker_tree: RTree<MarkerPoint>,
    left_ring: Vec<Coord<f64>>,
}

impl LineIndex {
    /// Index `line` (degrees), with the half-plane left of it (extended at its ends) and
    /// its markers.
    pub fn new(
        line: &LineString<f64>,
        projection: TransverseMercator,
        left_half_plane: &Polygon<f64>,
        markers: &[Marker],
    ) -> Self {
        let points: Vec<Coord<f64>> = densify(line, &projection, MEASURE_SEGMENT_M)
            .into_iter()
            .map(|(lon, lat)| {
                let (x, y) = projection.forward(lon, lat);
                Coord { x, y }
            })
            .collect();
        let segments =
            points.windows(2).enumerate().map(|(i, w)| GeomWithData::new(Line::new(w[0], w[1]), i)).collect();
        let marker_tree = markers
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let (x, y) = projection.forward(m.lon, m.lat);
                GeomWithData::new([x, y], i)
            })
            .collect();
        Self {
            projection,
            segments: RTree::bulk_load(segments),
            markers: markers.to_vec(),
            marker_tree: RTree::bulk_load(marker_tree),
            left_ring: left_half_plane.exterior().0.clone(),
        }
    }

    /// Whether a position is left of the line, the line extended along its end segments.
    pub fn is_left(&self, lon: f64, lat: f64) -> bool {
        point_in_ring(&self.left_ring, lon, lat)
    }

    /// Distance to the line in metres: positive on its left (north, for a line drawn west
    /// to east), negative on its right.
    pub fn signed_distance_m(&self, lon: f64, lat: f64) -> f64 {
        let distance = self.distance_m(lon, lat);
        if self.is_left(lon, lat) { distance } else { -distance }
    }

    /// Unsigned distance to the line, metres.
    pub fn distance_m(&self, lon: f64, lat: f64) -> f64 {
        let (x, y) = self.projection.forward(lon, lat);
        let here = Point::new(x, y);
        match self.segments.nearest_neighbor(&here) {
            Some(segment) => match segment.geom().closest_point(&here) {
                Closest::Intersection(p) | Closest::SinglePoint(p) => {
                    ((p.x() - x).powi(2) + (p.y() - y).powi(2)).sqrt()
                }
                Closest::Indeterminate => f64::INFINITY,
            },
            None => f64::INFINITY,
        }
    }

    /// The marker nearest to a position, if the line has markers.
    pub fn nearest_marker(&self, lon: f64, lat: f64) -> Option<NearestMarker> {
        let (x, y) = self.projection.forward(lon, lat);
        let nearest = self.marker_tree.nearest_neighbor(&[x, y])?;
        let [mx, my] = *nearest.geom();
        let marker = *self.markers.get(nearest.data)?;
        Some(NearestMarker { marker, distance_m: ((mx - x).powi(2) + (my - y).powi(2)).sqrt() })
    }

    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }
}

/// Even-odd point-in-polygon on one closed ring, in the plane of its coordinates.
pub fn point_in_ring(ring: &[Coord<f64>], x: f64, y: f64) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > y) != (b.y > y) {
            let cross_x = a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y);
            if x < cross_x {
                inside = !inside;
            }
        }
    }
    inside
}
