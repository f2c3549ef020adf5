//! Everything needed to place a position under an agreement, built once: the zones, the
//! grid locator and the line index. `Atlas::place` answers "where is this?".

use super::line_index::{LineIndex, NearestMarker};
use super::locator::{Locator, ZoneIndex};
use super::projection::TransverseMercator;
use super::zones::{Zone, ZoneError, ZoneKind, ZoneSet};
use crate::agreement::Agreement;

/// Where a position lies under an agreement.
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    /// The one zone that holds the position (the sea when no other does).
    pub zone: &'a Zone,
    /// Every zone id that applies, most specific first: the zone, the band it is half
    /// of (`dmz`), and any island the position is on.
    pub zones: Vec<&'a str>,
    /// The side controlling the position, if one does (none at sea or in a shared area).
    pub side: Option<&'a str>,
    /// The side of the line the position is on: the side holding it on land, else the
    /// side of the line extended along its end segments.
    pub side_of_line: &'a str,
    /// Distance to the line in metres on the ground: positive on its left side (north,
    /// for a line drawn west to east), negative on its right, sided as `side_of_line`.
    pub distance_m: f64,
    pub marker: Option<NearestMarker>,
    pub water: bool,
}

/// The agreement's geometry, indexed. Build once; `place` is then cheap and `Sync`.
#[derive(Debug, Clone)]
pub struct Atlas {
    pub zones: ZoneSet,
    pub locator: Locator,
    pub line: LineIndex,
    /// Islands (id, centre, radius in metres) the agreement names.
    islands: Vec<(String, f64, f64, f64)>,
}

impl Atlas {
    pub fn build(agreement: &Agreement) -> Result<Self, ZoneError> {
        let zones = ZoneSet::build(agreement)?;
        let locator = Locator::new(&zones);
        let line = LineIndex::new(&zones.line, zones.projection, &zones.left_half_plane, &zones.markers);
        let islands = agreement
            .document
            .islands
            .iter()
            .map(|i| i.get_ref())
            .map(|i| (i.id.to_string(), i.position.lon, i.position.lat, i.radius_m.unwrap_or(3000.0)))
            .collect();
        Ok(Self { zones, locator, line, islands })
    }

    /// The zone index of a position: the fast path, for bulk work.
    #[inline]
    pub fn zone_index(&self, lon: f64, lat: f64) -> ZoneIndex {
        self.locator.zone_at(lon, lat)
    }

    pub fn zone(&self, index: ZoneIndex) -> &Zone {
        &self.zones.zones[usize::from(index)]
    }

    /// Everything about where a position lies.
    pub fn place(&self, lon: f64, lat: f64) -> Placement<'_> {
        let zone = self.zone(self.zone_index(lon, lat));
        let mut zones = vec![zone.id.as_str()];
        if let ZoneKind::BufferHalf { buffer_id, .. } = &zone.kind {
            zones.push(buffer_id.as_str());
        }
        for (id, ilon, ilat, radius) in &self.islands {
            // A degree of latitude is at least 110.5 km: most positions are ruled out here.
            if (lat - ilat).abs() * 110_500.0 > *radius
                || (lon - ilon).abs() * 110_500.0 * ilat.to_radians().cos() > radius * 1.01
            {
                continue;
            }
            let projection = TransverseMercator::new(*ilon, *ilat);
            let (x, y) = projection.forward(lon, lat);
            if (x * x + y * y).sqrt() <= *radius {
                zones.push(id.as_str());
            }
        }
        // Land takes the sign of the side that holds it, so that an island kept by the
        // other side, or a coast beyond the line's ends, reads as that side's; water
        // takes the side of the line extended at its ends.
        let left = match zone.side.as_deref() {
            Some(side) if side == self.zones.left_side => true,
            Some(side) if side == self.zones.right_side => false,
            _ => self.line.is_left(lon, lat),
        };
        let distance = self.line.distance_m(lon, lat);
        let distance_m = if left { distance } else { -distance };
        let side_of_line = if left { &self.zones.left_side } else { &self.zones.right_side };
        Placement {
            zone,
            zones,
            side: zone.side.as_deref(),
            side_of_line: side_of_line.as_str(),
            distance_m,
            marker: self.line.nearest_marker(lon, lat),
            water: zone.water,
        }
    }
}
