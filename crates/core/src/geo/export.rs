//! Zones, line and markers as one GeoJSON FeatureCollection (RFC 7946) that QGIS or any
//! GIS opens: the file `armistice zones` writes and the locator's answers agree with.

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use serde_json::json;

use super::zones::{ZoneKind, ZoneSet};
use crate::agreement::Agreement;

fn feature(geometry: Value, properties: serde_json::Value) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geometry)),
        id: None,
        properties: properties.as_object().cloned().or_else(|| Some(JsonObject::new())),
        foreign_members: None,
    }
}

/// Every zone (property `kind: "zone"`, in the order a point takes them), the line
/// (`kind: "line"`), each marker (`kind: "marker"`), and the agreement's islands, ports
/// of entry and exchange points. The sea has no polygon: it is wherever no zone is.
pub fn zones_geojson(agreement: &Agreement, zones: &ZoneSet) -> FeatureCollection {
    let mut features = Vec::new();
    for (order, zone) in zones.zones.iter().enumerate() {
        if zone.kind == ZoneKind::Sea {
            continue;
        }
        let kind = match &zone.kind {
            ZoneKind::Area => "area".to_owned(),
            ZoneKind::BufferHalf { buffer_id, .. } => format!("half of {buffer_id}"),
            ZoneKind::Territory => "territory".to_owned(),
            ZoneKind::Sea => "sea".to_owned(),
        };
        features.push(feature(
            Value::from(&zone.polygons),
            json!({
                "kind": "zone",
                "id": zone.id,
                "name": zone.name,
                "zone_kind": kind,
                "side": zone.side,
                "water": zone.water,
                "order": order,
                "area_km2": zones.area_km2(&zone.id).map(|a| (a * 100.0).round() / 100.0),
            }),
        ));
    }
    features.push(feature(
        Value::from(&zones.line),
        json!({ "kind": "line", "id": zones.line_id, "left_side": zones.left_side, "right_side": zones.right_side }),
    ));
    for marker in &zones.markers {
        features.push(feature(
            Value::Point(vec![marker.lon, marker.lat]),
            json!({ "kind": "marker", "line": zones.line_id, "number": marker.number, "chainage_m": (marker.chainage_m * 10.0).round() / 10.0 }),
        ));
    }
    let doc = &agreement.document;
    for island in doc.islands.iter().map(|i| i.get_ref()) {
        features.push(feature(
            Value::Point(vec![island.position.lon, island.position.lat]),
            json!({ "kind": "island", "id": island.id.as_str(), "name": island.name, "held_by": island.held_by.as_str(), "citation": island.citation.to_string() }),
        ));
    }
    for port in doc.ports.iter().map(|p| p.get_ref()) {
        features.push(feature(
            Value::Point(vec![port.position.lon, port.position.lat]),
            json!({ "kind": "port", "id": port.id.as_str(), "name": port.name, "side": port.side.as_str(), "citation": port.citation.to_string() }),
        ));
    }
    for point in doc.exchange_points.iter().map(|p| p.get_ref()) {
        features.push(feature(
            Value::Point(vec![point.position.lon, point.position.lat]),
            json!({ "kind": "exchange-point", "id": point.id.as_str(), "name": point.name, "citation": point.citation.to_string() }),
        ));
    }
    FeatureCollection { bbox: None, features, foreign_members: None }
}
