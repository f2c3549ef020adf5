//! The map as inline SVG, drawn from our own geometry (`geo::export::zones_geojson`):
//! zones (territories, DMZ halves, the estuary), the demarcation line, its markers,
//! islands, ports of entry and exchange points, projected equirectangularly with a
//! cos(latitude) scale on longitude. Incidents are drawn per request on top.

use std::fmt::Write;

use armistice_core::agreement::Agreement;
use armistice_core::geo::Atlas;
use armistice_core::geo::export::zones_geojson;
use serde_json::Value;

use super::html::escape;

/// SVG units per degree of latitude.
const SCALE: f64 = 1000.0;

/// The projection and the static layers, built once.
#[derive(Debug, Clone)]
pub struct BaseMap {
    lon0: f64,
    lat0: f64,
    cos_lat: f64,
    /// min x, min y, width, height.
    pub view_box: (f64, f64, f64, f64),
    /// The static layers' SVG elements.
    pub layers: String,
}

fn points(value: &Value) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    collect(value, &mut out);
    out
}

fn collect(value: &Value, out: &mut Vec<(f64, f64)>) {
    if let Some(items) = value.as_array() {
        if let (Some(lon), Some(lat)) = (items.first().and_then(Value::as_f64), items.get(1).and_then(Value::as_f64)) {
            out.push((lon, lat));
        } else {
            for item in items {
                collect(item, out);
            }
        }
    }
}

impl BaseMap {
    pub fn build(agreement: &Agreement, atlas: &Atlas) -> Self {
        let collection = serde_json::to_value(zones_geojson(agreement, &atlas.zones)).unwrap_or(Value::Null);
        let features: Vec<Value> = collection.get("features").and_then(Value::as_array).cloned().unwrap_or_default();
        let all: Vec<(f64, f64)> =
            features.iter().flat_map(|f| points(f.pointer("/geometry/coordinates").unwrap_or(&Value::Null))).collect();
        let (mut min_lon, mut max_lon, mut min_lat, mut max_lat) = (180.0_f64, -180.0_f64, 90.0_f64, -90.0_f64);
        for &(lon, lat) in &all {
            min_lon = min_lon.min(lon);
            max_lon = max_lon.max(lon);
            min_lat = min_lat.min(lat);
            max_lat = max_lat.max(lat);
        }
        if all.is_empty() {
            (min_lon, max_lon, min_lat, max_lat) = (124.0, 131.0, 33.0, 43.0);
        }
        let cos_lat = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let mut map =
            Self { lon0: min_lon, lat0: max_lat, cos_lat, view_box: (0.0, 0.0, 0.0, 0.0), layers: String::new() };
        let (x1, y1) = map.project(max_lon, min_lat);
        let margin = 20.0;
        map.view_box = (-margin, -margin, x1 + 2.0 * margin, y1 + 2.0 * margin);
        let mut zones = String::new();
        let mut line = String::new();
        let mut markers = String::new();
        let mut places = String::new();
        for feature in &features {
            let props = feature.get("properties").cloned().unwrap_or(Value::Null);
            let text = |key: &str| props.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
            let geometry = feature.get("geometry").cloned().unwrap_or(Value::Null);
            let coordinates = geometry.get("coordinates").cloned().unwrap_or(Value::Null);
            match text("kind").as_str() {
                "zone" => {
                    let zone_kind = text("zone_kind");
                    let class = if zone_kind.starts_with("half of") {
                        "zone dmz"
                    } else if zone_kind == "area" {
                        "zone area"
                    } else {
                        "zone territory"
                    };
                    let side = text("side");
                    let _ = write!(
                        zones,
                        "<path class=\"{class} side-{}\" d=\"{}\"><title>{}</title></path>",
                        escape(&side),
                        map.path(&coordinates, true),
                        escape(&text("name"))
                    );
                }
                "line" => {
                    let _ = write!(
                        line,
                        "<path class=\"mdl\" d=\"{}\"><title>Military demarcation line</title></path>",
                        map.path(&coordinates, false)
                    );
                }
                "marker" => {
                    if let Some(&(lon, lat)) = points(&coordinates).first() {
                        let (x, y) = map.project(lon, lat);
                        let number = props.get("number").map(Value::to_string).unwrap_or_default();
                        let _ = write!(
                            markers,
                            "<circle class=\"marker\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"1.2\"><title>Marker {}</title></circle>",
                            escape(&number)
                        );
                    }
                }
                kind @ ("island" | "port" | "exchange-point") => {
                    if let Some(&(lon, lat)) = points(&coordinates).first() {
                        let (x, y) = map.project(lon, lat);
                        let label = match kind {
                            "port" => "Port of entry",
                            "island" => "Island",
                            _ => "Exchange point",
                        };
                        let _ = write!(
                            places,
                            "<rect class=\"place {kind}\" x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\"><title>{label}: {}</title></rect>",
                            x - 4.0,
                            y - 4.0,
                            escape(&text("name"))
                        );
                    }
                }
                _ => {}
            }
        }
        map.layers = format!(
            "<g id=\"zones\">{zones}</g><g id=\"line\">{line}</g><g id=\"markers\">{markers}</g><g id=\"places\">{places}</g>"
        );
        map
    }

    /// SVG coordinates of a longitude and latitude.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        ((lon - self.lon0) * self.cos_lat * SCALE, (self.lat0 - lat) * SCALE)
    }

    /// An SVG path for GeoJSON coordinates of any depth: each innermost ring or line
    /// becomes one subpath (closed when `close`).
    fn path(&self, coordinates: &Value, close: bool) -> String {
        let mut out = String::new();
        self.subpaths(coordinates, close, &mut out);
        out
    }

    fn subpaths(&self, value: &Value, close: bool, out: &mut String) {
        let Some(items) = value.as_array() else { return };
        let is_line = items.first().and_then(Value::as_array).is_some_and(|p| p.first().is_some_and(Value::is_f64));
        if is_line {
            for (i, point) in points(value).into_iter().enumerate() {
                let (x, y) = self.project(point.0, point.1);
                let _ = write!(out, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
            }
            if close {
                out.push('Z');
            }
        } else {
            for item in items {
                self.subpaths(item, close, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use armistice_core::agreement::{builtin, load};

    #[test]
    fn the_built_in_map_has_zones_the_line_and_ports_inside_its_view() {
        let agreement = load(&builtin::korea_1953()).unwrap();
        let atlas = Atlas::build(&agreement).unwrap();
        let map = BaseMap::build(&agreement, &atlas);
        assert!(map.layers.contains("class=\"zone dmz"));
        assert!(map.layers.contains("class=\"mdl\""));
        assert!(map.layers.contains("Port of entry"));
        let (x, y) = map.project(126.98, 37.57); // Seoul
        let (x0, y0, w, h) = map.view_box;
        assert!(x > x0 && x < x0 + w && y > y0 && y < y0 + h, "{x},{y} in {:?}", map.view_box);
    }
}
