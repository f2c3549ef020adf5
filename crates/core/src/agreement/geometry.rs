//! Reading an agreement's GeoJSON files (RFC 7946) into checked geometry: lines that do
//! not cross themselves, polygons with closed rings, coordinates on the globe.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use geojson::{GeoJson, Geometry, Value};

use super::error::AgreementError;
use super::location::Location;

/// Parse `text`, the contents of `file`, as JSON and then GeoJSON.
fn parse_geojson(file: &str, text: &str) -> Result<GeoJson, AgreementError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| AgreementError::Syntax {
        at: Location { file: file.to_owned(), line: Some(e.line()), column: Some(e.column()) },
        message: format!("not valid JSON: {e}"),
    })?;
    GeoJson::from_json_value(value).map_err(|e| AgreementError::Syntax {
        at: Location::file(file),
        message: format!("not valid GeoJSON (RFC 7946): {e}"),
    })
}

/// Every geometry in a GeoJSON document, with the index of the feature it came from.
fn geometries(doc: &GeoJson) -> Vec<(Option<usize>, &Geometry)> {
    match doc {
        GeoJson::Geometry(g) => vec![(None, g)],
        GeoJson::Feature(f) => f.geometry.iter().map(|g| (None, g)).collect(),
        GeoJson::FeatureCollection(fc) => {
            fc.features.iter().enumerate().filter_map(|(i, f)| f.geometry.as_ref().map(|g| (Some(i), g))).collect()
        }
    }
}

fn field(feature: Option<usize>) -> String {
    match feature {
        Some(i) => format!("features[{i}].geometry.coordinates"),
        None => "geometry.coordinates".to_owned(),
    }
}

fn coord(file: &str, feature: Option<usize>, position: &[f64]) -> Result<Coord<f64>, AgreementError> {
    let invalid =
        |message: String| AgreementError::Invalid { at: Location::file(file), field: field(feature), message };
    let [lon, lat] = match position {
        [lon, lat] | [lon, lat, _] => [*lon, *lat],
        _ => return Err(invalid(format!("a position has 2 or 3 numbers, this one has {}", position.len()))),
    };
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) || !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(invalid(format!(
            "[{lon}, {lat}] is not on the globe: positions are [longitude -180..180, latitude -90..90]"
        )));
    }
    Ok(Coord { x: lon, y: lat })
}

/// The one LineString in `file`, checked: at least two distinct vertices, on the globe,
/// not crossing itself.
pub fn read_line(file: &str, text: &str, line_id: &str) -> Result<LineString<f64>, AgreementError> {
    let doc = parse_geojson(file, text)?;
    let lines: Vec<_> = geometries(&doc)
        .into_iter()
        .filter_map(|(i, g)| match &g.value {
            Value::LineString(coords) => Some((i, coords)),
            _ => None,
        })
        .collect();
    let [(feature, coords)] = lines.as_slice() else {
        return Err(AgreementError::Invalid {
            at: Location::file(file),
            field: "features".to_owned(),
            message: format!("expected exactly one LineString for line `{line_id}`, found {}", lines.len()),
        });
    };
    let points: Vec<Coord<f64>> = coords.iter().map(|p| coord(file, *feature, p)).collect::<Result<_, _>>()?;
    let line = LineString::new(points);
    let distinct = line.0.windows(2).filter(|w| w[0] != w[1]).count();
    if distinct == 0 {
        return Err(AgreementError::Invalid {
            at: Location::file(file),
            field: field(*feature),
            message: format!("line `{line_id}` needs at least two distinct vertices"),
        });
    }
    if let Some(crossing) = first_self_crossing(&line) {
        return Err(AgreementError::SelfCrossing {
            at: Location::file(file),
            line_id: line_id.to_owned(),
            lon: crossing.at.x,
            lat: crossing.at.y,
            first_segment: crossing.first_segment,
            second_segment: crossing.second_segment,
        });
    }
    Ok(line)
}

/// Polygons with the `id` property of the feature that carried them.
pub type NamedPolygons = Vec<(Option<String>, MultiPolygon<f64>)>;

/// Every Polygon and MultiPolygon in `file`, gathered into one MultiPolygon, with the
/// `id` property of each feature when it has one.
pub fn read_polygons(file: &str, text: &str) -> Result<NamedPolygons, AgreementError> {
    let doc = parse_geojson(file, text)?;
    let ids: Vec<Option<String>> = match &doc {
        GeoJson::FeatureCollection(fc) => {
            fc.features.iter().map(|f| f.property("id").and_then(|v| v.as_str()).map(str::to_owned)).collect()
        }
        GeoJson::Feature(f) => vec![f.property("id").and_then(|v| v.as_str()).map(str::to_owned)],
        GeoJson::Geometry(_) => vec![None],
    };
    let mut out = Vec::new();
    for (feature, geometry) in geometries(&doc) {
        let polygons: Vec<&Vec<Vec<Vec<f64>>>> = match &geometry.value {
            Value::Polygon(rings) => vec![rings],
            Value::MultiPolygon(polys) => polys.iter().collect(),
            _ => continue,
        };
        let mut built = Vec::new();
        for rings in polygons {
            let mut rings_out = Vec::new();
            for ring in rings {
                let coords: Vec<Coord<f64>> = ring.iter().map(|p| coord(file, feature, p)).collect::<Result<_, _>>()?;
                if coords.len() < 4 || coords.first() != coords.last() {
                    return Err(AgreementError::Invalid {
                        at: Location::file(file),
                        field: field(feature),
                        message: "a polygon ring needs at least 4 positions and must end where it starts".to_owned(),
                    });
                }
                rings_out.push(LineString::new(coords));
            }
            let mut rings_iter = rings_out.into_iter();
            let Some(exterior) = rings_iter.next() else { continue };
            built.push(Polygon::new(exterior, rings_iter.collect()));
        }
        let id = feature.and_then(|i| ids.get(i).cloned().flatten()).or_else(|| ids.first().cloned().flatten());
        out.push((id, MultiPolygon::new(built)));
    }
    if out.is_empty() {
        return Err(AgreementError::Invalid {
            at: Location::file(file),
            field: "features".to_owned(),
            message: "expected at least one Polygon or MultiPolygon".to_owned(),
        });
    }
    Ok(out)
}

/// Where a line crosses itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelfCrossing {
    pub at: Coord<f64>,
    pub first_segment: usize,
    pub second_segment: usize,
}

/// The first place (in segment order, counting segments after dropping repeated
/// vertices) where a line crosses or doubles back on itself.
/// Adjacent segments may share their common vertex and nothing more; a closed line's
/// last and first segments may share the closing vertex.
///
/// A sweep over segments sorted by their west end keeps this near-linear for the long,
/// thin lines agreements draw.
pub fn first_self_crossing(line: &LineString<f64>) -> Option<SelfCrossing> {
    use geo::line_intersection::{LineIntersection, line_intersection};
    // Repeated vertices make zero-length segments that would hide adjacency; drop them.
    let mut vertices = line.0.clone();
    vertices.dedup();
    let line = LineString::new(vertices);
    let segments: Vec<(usize, geo::Line<f64>)> = line.lines().enumerate().collect();
    let n_segments = segments.len();
    let closed = line.0.len() > 3 && line.0.first() == line.0.last();
    let adjacent = |i: usize, j: usize| i.abs_diff(j) == 1 || (closed && i.min(j) == 0 && i.max(j) == n_segments - 1);
    let mut order: Vec<usize> = (0..segments.len()).collect();
    let min_x = |s: &geo::Line<f64>| s.start.x.min(s.end.x);
    let max_x = |s: &geo::Line<f64>| s.start.x.max(s.end.x);
    order.sort_by(|&a, &b| min_x(&segments[a].1).total_cmp(&min_x(&segments[b].1)));
    let mut best: Option<SelfCrossing> = None;
    let mut active: Vec<usize> = Vec::new();
    for &k in &order {
        let (i, seg) = segments[k];
        active.retain(|&a| max_x(&segments[a].1) >= min_x(&seg));
        for &a in &active {
            let (j, other) = segments[a];
            let found = match line_intersection(seg, other) {
                None => None,
                Some(LineIntersection::SinglePoint { intersection, .. }) => (!adjacent(i, j)).then_some(intersection),
                // Overlapping segments always count, adjacent or not: the line doubles back.
                Some(LineIntersection::Collinear { intersection }) => {
                    (intersection.start != intersection.end || !adjacent(i, j)).then_some(intersection.start)
                }
            };
            if let Some(at) = found {
                let crossing = SelfCrossing { at, first_segment: i.min(j), second_segment: i.max(j) };
                let earlier = best.is_none_or(|b| {
                    (crossing.first_segment, crossing.second_segment) < (b.first_segment, b.second_segment)
                });
                if earlier {
                    best = Some(crossing);
                }
            }
        }
        active.push(k);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    #[test]
    fn finds_crossings_and_accepts_simple_lines() {
        type Case<'a> = (&'a [(f64, f64)], Option<(usize, usize)>);
        let cases: &[Case] = &[
            (&[(0.0, 0.0), (1.0, 0.0), (2.0, 1.0)], None),
            (&[(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0)], Some((0, 2))),
            (&[(0.0, 0.0), (2.0, 0.0), (1.0, 0.0)], Some((0, 1))),
            (&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)], None),
            (&[(0.0, 0.0), (3.0, 0.0), (3.0, 1.0), (1.0, 1.0), (1.0, -1.0)], Some((0, 3))),
            (&[(0.0, 0.0), (1.0, 0.0), (1.0, 0.0), (2.0, 0.0)], None),
        ];
        for (points, expected) in cases {
            let found = first_self_crossing(&line(points)).map(|c| (c.first_segment, c.second_segment));
            assert_eq!(found, *expected, "{points:?}");
        }
    }

    #[test]
    fn reads_a_feature_collection_line() {
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[126.0,37.8],[127.0,38.2]]}}]}"#;
        let line = read_line("l.geojson", text, "mdl").unwrap();
        assert_eq!(line.0.len(), 2);
    }

    #[test]
    fn names_bad_geojson() {
        let cases = [
            ("{", "l.geojson:1:"),
            (r#"{"type":"Point","coordinates":[0,0]}"#, "exactly one LineString"),
            (r#"{"type":"LineString","coordinates":[[200,0],[0,0]]}"#, "not on the globe"),
            (r#"{"type":"LineString","coordinates":[[1,1],[1,1]]}"#, "two distinct vertices"),
            (r#"{"type":"Feature","geometry":null}"#, "exactly one LineString"),
        ];
        for (text, needle) in cases {
            let err = read_line("l.geojson", text, "mdl").unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
