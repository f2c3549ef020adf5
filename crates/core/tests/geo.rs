//! Zones, location, tracks and demarcation on the built-in Korea 1953 agreement and on
//! the fictional test agreement.

// Test helpers panic on a broken fixture, like the tests they serve.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use armistice_core::agreement::{Agreement, builtin, load};
use armistice_core::geo::demarcate::{ContactPoint, DemarcateOptions, DemarcationWarning, demarcate};
use armistice_core::geo::{Atlas, CrossingKind, Locator, TrackPoint, TransverseMercator, ZoneSet, crossings};
use chrono::DateTime;
use geo::{Contains, Coord, LineString, Point};
use proptest::prelude::*;

fn korea() -> Agreement {
    load(&builtin::korea_1953()).unwrap()
}

fn lakeland() -> Agreement {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lakeland-2031");
    let mut files = BTreeMap::new();
    for rel in ["agreement.toml", "geometry/line.geojson"] {
        files.insert(rel.to_owned(), std::fs::read_to_string(root.join(rel)).unwrap());
    }
    load(&files).unwrap()
}

/// A small deterministic generator, so that tests need no randomness crate and repeat.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A point `offset_m` metres to the left of the line (negative: right), perpendicular
/// to it at `fraction` of the way along segment `segment`.
fn off_line(zones: &ZoneSet, segment: usize, fraction: f64, offset_m: f64) -> (f64, f64) {
    let p = zones.projection;
    let (a, b) = (zones.line.0[segment], zones.line.0[segment + 1]);
    let (ax, ay) = p.forward(a.x, a.y);
    let (bx, by) = p.forward(b.x, b.y);
    let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
    let (nx, ny) = (-(by - ay) / len, (bx - ax) / len);
    let (x, y) = (ax + fraction * (bx - ax) + nx * offset_m, ay + fraction * (by - ay) + ny * offset_m);
    p.inverse(x, y)
}

#[test]
fn korea_zones_markers_and_areas() {
    let atlas = Atlas::build(&korea()).unwrap();
    let ids: Vec<&str> = atlas.zones.zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(ids, ["han-river-estuary", "dmz-north", "dmz-south", "south", "north", "sea"]);
    // 204 km of line buffered 2 km each side, round ends: about 816 + 4 pi km².
    let band = atlas.zones.buffer_area_km2.unwrap();
    assert!((820.0..835.0).contains(&band), "{band}");
    for half in ["dmz-north", "dmz-south"] {
        let area = atlas.zones.area_km2(half).unwrap();
        assert!((380.0..420.0).contains(&area), "{half}: {area}");
    }
    // The two Koreas are about 120,500 and 100,200 km².
    let north = atlas.zones.area_km2("north").unwrap();
    let south = atlas.zones.area_km2("south").unwrap();
    assert!((115_000.0..125_000.0).contains(&north), "{north}");
    assert!((95_000.0..102_000.0).contains(&south), "{south}");
    // 1,292 markers numbered west to east, the first and last at the line's ends.
    let markers = &atlas.zones.markers;
    assert_eq!(markers.len(), 1292);
    assert_eq!((markers[0].number, markers[1291].number), (1, 1292));
    let (first, last) = (atlas.zones.line.0[0], *atlas.zones.line.0.last().unwrap());
    assert!((markers[0].lon - first.x).abs() < 1e-6 && (markers[1291].lon - last.x).abs() < 1e-6);
    let spacing = markers[1].chainage_m - markers[0].chainage_m;
    assert!((150.0..170.0).contains(&spacing), "{spacing}");
}

#[test]
fn places_on_the_peninsula() {
    let atlas = Atlas::build(&korea()).unwrap();
    // (name, lon, lat, zone, side, sign of distance)
    let cases = [
        ("Seoul", 126.978, 37.566, "south", Some("unc"), -1.0),
        ("Pyongyang", 125.754, 39.039, "north", Some("kpa-cpv"), 1.0),
        ("Kaesong", 126.555, 37.971, "north", Some("kpa-cpv"), 1.0),
        ("Pusan", 129.04, 35.10, "south", Some("unc"), -1.0),
        // At sea the sign follows the line extended along its end segments: no claim here.
        ("Sea of Japan", 130.5, 38.0, "sea", None, 0.0),
        ("Yellow Sea", 124.2, 36.0, "sea", None, 0.0),
    ];
    for (name, lon, lat, zone, side, sign) in cases {
        let place = atlas.place(lon, lat);
        assert_eq!(place.zone.id, zone, "{name}");
        assert_eq!(place.side, side, "{name}");
        if sign != 0.0 {
            assert_eq!(place.distance_m.signum(), sign, "{name}: {}", place.distance_m);
        }
        assert_eq!(place.water, zone == "sea", "{name}");
    }
    // Seoul is about 40 km south of the line as the crow flies.
    let seoul = atlas.place(126.978, 37.566).distance_m;
    assert!((-50_000.0..-30_000.0).contains(&seoul), "{seoul}");
    // The north-west islands stay with the UN Command.
    let island = atlas.place(124.67, 37.96);
    assert_eq!((island.zone.id.as_str(), island.side), ("south", Some("unc")));
    assert!(island.zones.contains(&"paengyong-do"));
    // The estuary's mouth, just west of where the land line starts.
    let start = atlas.zones.line.0[0];
    let estuary = atlas.place(start.x - 0.01, start.y - 0.003);
    assert_eq!((estuary.zone.id.as_str(), estuary.side, estuary.water), ("han-river-estuary", None, true));
}

#[test]
fn the_dmz_edge_is_two_kilometres_on_the_ground() {
    let atlas = Atlas::build(&korea()).unwrap();
    let z = &atlas.zones;
    // Along the middle of the line (away from coast and estuary), just inside and outside.
    for segment in [8, 15, 22, 30] {
        for offset in [5.0, 1990.0, 1999.0, 1999.9, 2000.1, 2001.0, 2010.0, 2500.0] {
            for offset in [offset, -offset] {
                let (lon, lat) = off_line(z, segment, 0.5, offset);
                let place = atlas.place(lon, lat);
                // The construction offsets from a chord; the line is straight in degrees.
                assert!((place.distance_m - offset).abs() < 2.0, "{} vs {offset}", place.distance_m);
                let inside = place.distance_m.abs() < 2000.0;
                let expected = match (inside, offset > 0.0) {
                    (true, true) => "dmz-north",
                    (true, false) => "dmz-south",
                    (false, true) => "north",
                    (false, false) => "south",
                };
                // The zone polygon and the measured distance agree to the centimetre.
                if (place.distance_m.abs() - 2000.0).abs() > 0.01 {
                    assert_eq!(place.zone.id, expected, "segment {segment}, distance {}", place.distance_m);
                    assert_eq!(place.zones.contains(&"dmz"), inside);
                }
                let marker = place.marker.unwrap();
                assert!(marker.distance_m >= offset.abs() - 2.0 && marker.distance_m < offset.abs() + 200.0);
            }
        }
    }
}

#[test]
fn the_grid_agrees_with_exact_point_in_polygon() {
    let atlas = Atlas::build(&korea()).unwrap();
    let mut rng = Rng(7);
    for _ in 0..100_000 {
        let (lon, lat) = (124.0 + 7.0 * rng.next(), 33.0 + 10.0 * rng.next());
        let exact = atlas
            .zones
            .zones
            .iter()
            .position(|z| z.polygons.contains(&Point::new(lon, lat)))
            .unwrap_or(atlas.zones.zones.len() - 1);
        assert_eq!(usize::from(atlas.zone_index(lon, lat)), exact, "{lon} {lat}");
    }
}

#[test]
fn another_agreement_without_land_gets_its_own_zones() {
    let atlas = Atlas::build(&lakeland()).unwrap();
    let ids: Vec<&str> = atlas.zones.zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(ids, ["buffer-west", "buffer-east", "east", "west", "outside"]);
    // The line runs south to north near 20.05-20.1 E, so west is its left.
    let cases =
        [(20.06, 44.6, "buffer-west"), (20.12, 44.6, "buffer-east"), (19.5, 44.5, "west"), (21.0, 44.5, "east")];
    for (lon, lat, zone) in cases {
        assert_eq!(atlas.place(lon, lat).zone.id, zone, "{lon} {lat}");
    }
    // 5 km each side. (The 56 km segment is straight in degrees, so a perpendicular
    // offset from its chord in metres lands up to 20 m off: stay clear of that.)
    let (lon, lat) = off_line(&atlas.zones, 0, 0.5, 4900.0);
    assert_eq!(atlas.place(lon, lat).zone.id, "buffer-west");
    let (lon, lat) = off_line(&atlas.zones, 0, 0.5, 5100.0);
    assert_eq!(atlas.place(lon, lat).zone.id, "west");
}

#[test]
fn a_flight_across_the_dmz_crosses_each_boundary_once() {
    let atlas = Atlas::build(&korea()).unwrap();
    let (lon0, lat0) = off_line(&atlas.zones, 20, 0.5, -10_000.0);
    let (lon1, lat1) = off_line(&atlas.zones, 20, 0.5, 10_000.0);
    let t0 = DateTime::parse_from_rfc3339("1953-08-01T10:00:00+09:00").unwrap();
    let t1 = DateTime::parse_from_rfc3339("1953-08-01T10:20:00+09:00").unwrap();
    let track = [TrackPoint { at: t0, lon: lon0, lat: lat0 }, TrackPoint { at: t1, lon: lon1, lat: lat1 }];
    let found = crossings(&atlas, &track);
    let kinds: Vec<String> = found
        .iter()
        .map(|c| match &c.kind {
            CrossingKind::Line { from_side, to_side } => format!("line {from_side}->{to_side}"),
            CrossingKind::Zone { from_zone, to_zone } => format!("{from_zone}->{to_zone}"),
        })
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(kinds[0], "south->dmz-south");
    assert!(
        kinds[1..3].contains(&"line unc->kpa-cpv".to_owned())
            && kinds[1..3].contains(&"dmz-south->dmz-north".to_owned())
    );
    assert_eq!(kinds[3], "dmz-north->north");
    // Constant speed over 20 km in 20 minutes: the line at 10 minutes, DMZ edges at 8 and 12.
    let minutes = |c: &armistice_core::geo::Crossing| (c.at - t0).num_milliseconds() as f64 / 60_000.0;
    assert!((minutes(&found[0]) - 8.0).abs() < 0.05, "{}", minutes(&found[0]));
    assert!((minutes(&found[1]) - 10.0).abs() < 0.05);
    assert!((minutes(&found[3]) - 12.0).abs() < 0.05);
    // A track that stays south crosses nothing.
    let (lon2, lat2) = off_line(&atlas.zones, 20, 0.9, -3000.0);
    let quiet = [TrackPoint { at: t0, lon: lon0, lat: lat0 }, TrackPoint { at: t1, lon: lon2, lat: lat2 }];
    assert!(crossings(&atlas, &quiet).is_empty());
}

fn hausdorff_m(a: &LineString<f64>, b: &LineString<f64>, projection: TransverseMercator) -> f64 {
    let project = |l: &LineString<f64>| -> LineString<f64> {
        l.0.iter()
            .map(|c| {
                let (x, y) = projection.forward(c.x, c.y);
                Coord { x, y }
            })
            .collect::<Vec<_>>()
            .into()
    };
    // geo's Hausdorff distance measures vertex to vertex; the lines' distance is measured
    // from every point of one (densified every 50 m) to the whole of the other.
    let (a, b) = (project(a), project(b));
    let one_way = |from: &LineString<f64>, to: &LineString<f64>| {
        use geo::{Densify, Distance, Euclidean};
        Euclidean.densify(from, 50.0).0.iter().map(|c| Euclidean.distance(&Point::from(*c), to)).fold(0.0, f64::max)
    };
    one_way(&a, &b).max(one_way(&b, &a))
}

#[test]
fn the_line_from_the_front_follows_the_real_line() {
    let agreement = korea();
    let atlas = Atlas::build(&agreement).unwrap();
    let z = &atlas.zones;
    let mut rng = Rng(99);
    let mut contact = Vec::new();
    // Forward positions about every 100 m along the line, 0.5-3 km either side.
    for segment in 0..z.line.0.len() - 1 {
        let (a, b) = (z.line.0[segment], z.line.0[segment + 1]);
        let length_m = geo::Distance::distance(&geo::Geodesic, Point::from(a), Point::from(b));
        let stations = (length_m / 100.0).ceil() as usize;
        for k in 0..=stations {
            let f = ((k as f64 + rng.next() - 0.5) / stations as f64).clamp(0.0, 1.0);
            let (lon, lat) = off_line(z, segment, f, 500.0 + 2500.0 * rng.next());
            contact.push(ContactPoint { lon, lat, side: "kpa-cpv".into() });
            let (lon, lat) = off_line(z, segment, f, -(500.0 + 2500.0 * rng.next()));
            contact.push(ContactPoint { lon, lat, side: "unc".into() });
        }
    }
    let land: geo::MultiPolygon<f64> = agreement.land().iter().flat_map(|(_, mp)| mp.0.clone()).collect();
    let drawn = demarcate(&contact, Some(&land), DemarcateOptions::default()).unwrap();
    assert_eq!((drawn.left_side.as_str(), drawn.right_side.as_str()), ("kpa-cpv", "unc"));
    assert!(drawn.line.0[0].x < drawn.line.0.last().unwrap().x, "west to east");
    // Where positions stop, the line stops at the midpoint of the last two (up to 1.25 km
    // off the line with these offsets): the ends get a looser bound, the rest 500 m.
    let distance = hausdorff_m(&drawn.line, &z.line, z.projection);
    assert!(distance < 1500.0, "Hausdorff distance {distance} m");
    let (first, last) = (z.line.0[0], *z.line.0.last().unwrap());
    let away_from_ends = |l: &LineString<f64>| -> LineString<f64> {
        use geo::Densify;
        geo::Haversine
            .densify(l, 50.0)
            .0
            .iter()
            .copied()
            .filter(|c| {
                let d = |e: Coord<f64>| geo::Distance::distance(&geo::Geodesic, Point::from(*c), Point::from(e));
                d(first) > 2000.0 && d(last) > 2000.0
            })
            .collect::<Vec<_>>()
            .into()
    };
    let interior = hausdorff_m(&away_from_ends(&drawn.line), &away_from_ends(&z.line), z.projection);
    eprintln!("Hausdorff distance of the derived line: {distance:.0} m, away from its ends {interior:.0} m");
    assert!(interior < 500.0, "Hausdorff distance away from the ends {interior} m");
    assert!(drawn.warnings.is_empty(), "{:?}", drawn.warnings);
}

#[test]
fn a_salient_and_a_pocket_give_a_sensible_line_and_a_warning() {
    // A front along 38 N from 126 to 128 E, with a 10 km salient of the south's positions
    // pushing north around 127 E, and a pocket of the north's positions deep in the south.
    let projection = TransverseMercator::new(127.0, 38.0);
    let mut contact = Vec::new();
    let mut x: f64 = -90_000.0;
    while x <= 90_000.0 {
        let bulge = if x.abs() < 10_000.0 { 10_000.0 * (1.0 - x.abs() / 10_000.0) } else { 0.0 };
        for (dy, side) in [(1500.0, "north"), (-1500.0, "south")] {
            let (lon, lat) = projection.inverse(x, bulge + dy);
            contact.push(ContactPoint { lon, lat, side: side.into() });
        }
        x += 500.0;
    }
    for (dx, dy) in [(0.0, 0.0), (800.0, 0.0), (0.0, 800.0), (800.0, 800.0)] {
        let (lon, lat) = projection.inverse(40_000.0 + dx, -30_000.0 + dy);
        contact.push(ContactPoint { lon, lat, side: "north".into() });
    }
    for k in 0..40 {
        // The south's positions around the pocket.
        let angle = std::f64::consts::TAU * f64::from(k) / 40.0;
        let (lon, lat) = projection.inverse(40_400.0 + 3000.0 * angle.cos(), -29_600.0 + 3000.0 * angle.sin());
        contact.push(ContactPoint { lon, lat, side: "south".into() });
    }
    let drawn = demarcate(&contact, None, DemarcateOptions::default()).unwrap();
    for c in drawn.line.0.iter() {
        let (x, y) = projection.forward(c.x, c.y);
        eprintln!("{x:.0} {y:.0}");
    }
    assert_eq!(drawn.left_side, "north");
    // The line follows the salient: 10 km north at 127 E, on 38 N far from it.
    let expected: LineString<f64> = [-90_000.0, -10_000.0, 0.0, 10_000.0, 90_000.0]
        .iter()
        .map(|&x: &f64| {
            let (lon, lat) = projection.inverse(x, if x == 0.0 { 10_000.0 } else { 0.0 });
            Coord { x: lon, y: lat }
        })
        .collect::<Vec<_>>()
        .into();
    let distance = hausdorff_m(&drawn.line, &expected, projection);
    assert!(distance < 1000.0, "{distance}");
    let pocket = drawn.warnings.iter().find_map(|w| match w {
        DemarcationWarning::Enclave { inside_side, n_positions, .. } => Some((inside_side.clone(), *n_positions)),
        DemarcationWarning::SecondaryBoundary { .. } => None,
    });
    assert_eq!(pocket, Some(("north".to_owned(), 4)), "{:?}", drawn.warnings);
}

#[test]
fn demarcation_refuses_what_is_not_a_front() {
    let one_side = vec![ContactPoint { lon: 127.0, lat: 38.0, side: "a".into() }; 3];
    assert!(demarcate(&one_side, None, DemarcateOptions::default()).is_err());
    let bad = vec![
        ContactPoint { lon: 127.0, lat: 38.0, side: "a".into() },
        ContactPoint { lon: 127.1, lat: 38.0, side: "a".into() },
        ContactPoint { lon: f64::NAN, lat: 38.1, side: "b".into() },
        ContactPoint { lon: 127.1, lat: 38.1, side: "b".into() },
    ];
    assert!(demarcate(&bad, None, DemarcateOptions::default()).unwrap_err().to_string().contains("position 2"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Reversing every ring and starting it at another vertex changes no answer.
    #[test]
    fn classification_ignores_ring_orientation_and_start(shift in 1usize..50, seed in 1u64..1000) {
        let atlas = Atlas::build(&korea()).unwrap();
        let mut zones = atlas.zones.clone();
        for zone in &mut zones.zones {
            for polygon in &mut zone.polygons.0 {
                let rewind = |ring: &LineString<f64>| -> LineString<f64> {
                    let mut open: Vec<Coord<f64>> = ring.0[..ring.0.len() - 1].to_vec();
                    let k = shift % open.len();
                    open.rotate_left(k);
                    open.reverse();
                    open.push(open[0]);
                    LineString::new(open)
                };
                let exterior = rewind(polygon.exterior());
                let interiors = polygon.interiors().iter().map(rewind).collect();
                *polygon = geo::Polygon::new(exterior, interiors);
            }
        }
        let rewound = Locator::new(&zones);
        let mut rng = Rng(seed);
        for _ in 0..20_000 {
            // Sample near the line, where boundaries are dense.
            let (lon, lat) = (126.5 + 2.0 * rng.next(), 37.6 + 1.2 * rng.next());
            prop_assert_eq!(rewound.zone_at(lon, lat), atlas.zone_index(lon, lat));
        }
    }
}

#[test]
fn the_bulk_lookup_agrees_with_one_by_one() {
    let atlas = Atlas::build(&korea()).unwrap();
    let mut rng = Rng(1953);
    // A length that is no whole number of the bulk path's blocks, with points over the
    // whole box, close around the DMZ (many in mixed cells), off the grid and not numbers.
    let mut positions: Vec<[f64; 2]> = (0..70_001)
        .map(|i| match i % 3 {
            0 => [124.0 + 7.0 * rng.next(), 33.0 + 10.0 * rng.next()],
            1 => [126.0 + 3.0 * rng.next(), 37.5 + 1.0 * rng.next()],
            _ => [100.0 + 60.0 * rng.next(), 20.0 + 40.0 * rng.next()],
        })
        .collect();
    for odd in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e300, 1e300, 0.0] {
        positions.push([odd, 38.0]);
        positions.push([127.0, odd]);
    }
    let mut bulk = vec![u8::MAX; positions.len()];
    atlas.locator.zones_at(&positions, &mut bulk);
    let sea = atlas.zone_index(0.0, 0.0);
    for (p, &zone) in positions.iter().zip(&bulk) {
        let one = if p[0].is_finite() && p[1].is_finite() { atlas.locator.zone_at(p[0], p[1]) } else { sea };
        assert_eq!(zone, one, "{p:?}");
    }
    let kinds: std::collections::BTreeSet<u8> = bulk.iter().copied().collect();
    assert_eq!(kinds.len(), atlas.zones.zones.len(), "every zone is met");
}

/// A box the grid answers for at once holds that zone at every position in it (corners,
/// edges and inside), and boxes across the DMZ, the coast and off the grid are met: some
/// answered, some not.
#[test]
fn a_box_answered_at_once_is_one_zone_throughout() {
    let atlas = Atlas::build(&korea()).unwrap();
    let mut rng = Rng(2031);
    let (mut answered, mut refused) = (0, 0);
    for i in 0..20_000 {
        let (lon, lat) = match i % 3 {
            0 => (124.0 + 7.0 * rng.next(), 33.0 + 10.0 * rng.next()),
            1 => (126.0 + 3.0 * rng.next(), 37.5 + 1.0 * rng.next()),
            _ => (100.0 + 60.0 * rng.next(), 20.0 + 40.0 * rng.next()),
        };
        // Up to about 10 km across, sometimes a line (no width) or a point.
        let (w, h) = (0.1 * rng.next() * f64::from(i % 4 != 0), 0.1 * rng.next() * f64::from(i % 5 != 0));
        let (lo, hi) = ([lon, lat], [lon + w, lat + h]);
        let Some(zone) = atlas.locator.zone_over(lo, hi) else {
            refused += 1;
            continue;
        };
        answered += 1;
        for k in 0..200 {
            let (fx, fy) = match k {
                0 => (0.0, 0.0),
                1 => (1.0, 1.0),
                2 => (0.0, 1.0),
                3 => (1.0, 0.0),
                _ => (rng.next(), rng.next()),
            };
            let (x, y) = (lon + fx * w, lat + fy * h);
            assert_eq!(atlas.zone_index(x, y), zone, "box {lo:?} {hi:?} at {x} {y}");
        }
    }
    assert!(answered > 5_000 && refused > 1_000, "{answered} answered, {refused} refused");
}
