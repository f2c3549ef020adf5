//! `armistice demarcate`: the demarcation line from the line of contact, with its zone
//! and markers, written as an agreement directory any other command can use.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use armistice_core::agreement::{builtin, load};
use armistice_core::geo::Atlas;
use armistice_core::geo::demarcate::{ContactPoint, DemarcateOptions, demarcate};
use armistice_core::geo::export::zones_geojson;
use clap::Args;
use geo::MultiPolygon;

use crate::exit::Code;
use crate::source::read_dir;

/// Derive the demarcation line from the two sides' forward positions at signing: the
/// boundary equidistant between them, trimmed to land, smoothed and drawn west to east.
/// Writes DIR/agreement.toml (a minimal agreement: the two sides, the line, the zone of
/// --half-width-m either side, markers), DIR/geometry/line.geojson (the line, ready for
/// any agreement), DIR/geometry/land.geojson and DIR/zones.geojson (zones and markers).
/// Pockets of one side's positions behind the other's lines, and boundaries apart from
/// the main line, are reported as warnings on stderr: settle them by hand.
///
/// The positions: CSV with `lon`, `lat` and `side` columns, or a GeoJSON
/// FeatureCollection of Points with a `side` property. Exactly two sides.
///
/// Example: `armistice demarcate --contact front-1953-07-27.csv --out derived/`
#[derive(Debug, Args)]
pub struct DemarcateArgs {
    /// The forward positions, labelled with their side (.csv or .geojson).
    #[arg(long, value_name = "FILE")]
    pub contact: PathBuf,
    /// The directory to write (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Land polygons (GeoJSON) to trim the line to; the Korea 1953 land when not given.
    #[arg(long, value_name = "FILE.geojson")]
    pub land: Option<PathBuf>,
    /// How far each side withdraws from the line, metres.
    #[arg(long, default_value_t = 2000.0, value_name = "METRES")]
    pub half_width_m: f64,
    /// How many markers to place along the line, numbered west to east.
    #[arg(long, default_value_t = 1292)]
    pub markers: u32,
}

fn read_contact(path: &Path) -> Result<Vec<ContactPoint>> {
    let source = path.display().to_string();
    let text = fs::read_to_string(path).with_context(|| format!("reading {source}"))?;
    let mut points = Vec::new();
    let mut problems = Vec::new();
    match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let headers = reader.headers().with_context(|| format!("{source}:1: reading the header"))?.clone();
            let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
            let (Some(lon), Some(lat), Some(side)) = (col("lon"), col("lat"), col("side")) else {
                bail!("{source}:1: the header needs lon, lat and side columns");
            };
            for (n, record) in reader.records().enumerate() {
                let line = n + 2;
                let parsed = record.map_err(|e| e.to_string()).and_then(|r| {
                    let number = |c: usize| r.get(c).and_then(|v| v.trim().parse::<f64>().ok());
                    match (number(lon), number(lat), r.get(side).map(str::trim)) {
                        (Some(lon), Some(lat), Some(side)) if !side.is_empty() => {
                            Ok(ContactPoint { lon, lat, side: side.to_owned() })
                        }
                        _ => Err("needs numeric lon and lat and a side".to_owned()),
                    }
                });
                match parsed {
                    Ok(p) => points.push(p),
                    Err(e) => problems.push(format!("{source}:{line}: skipped: {e}")),
                }
            }
        }
        Some("geojson" | "json") => {
            let collection: geojson::FeatureCollection =
                text.parse().with_context(|| format!("{source}: not a GeoJSON FeatureCollection"))?;
            for (n, feature) in collection.features.iter().enumerate() {
                let side = feature.property("side").and_then(|v| v.as_str());
                match (feature.geometry.as_ref().map(|g| &g.value), side) {
                    (Some(geojson::Value::Point(p)), Some(side)) if p.len() >= 2 => {
                        points.push(ContactPoint { lon: p[0], lat: p[1], side: side.to_owned() });
                    }
                    _ => problems.push(format!("{source}: feature {n}: skipped: needs a Point and a `side` property")),
                }
            }
        }
        _ => bail!("{source}: use a .csv or .geojson file"),
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    Ok(points)
}

pub fn run(args: DemarcateArgs) -> Result<Code> {
    if !(args.half_width_m.is_finite() && args.half_width_m > 0.0 && args.half_width_m <= 100_000.0) {
        bail!("--half-width-m {} is not a width in metres between 0 and 100000", args.half_width_m);
    }
    if args.markers < 2 {
        bail!("--markers needs at least 2");
    }
    let contact = read_contact(&args.contact)?;
    let land_text = match &args.land {
        Some(path) => fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        None => builtin::korea_1953().remove("geometry/land.geojson").unwrap_or_default(),
    };
    let land_name =
        args.land.as_ref().map_or_else(|| "the built-in Korea land".to_owned(), |p| p.display().to_string());
    let land: MultiPolygon<f64> = armistice_core::agreement::geometry::read_polygons(&land_name, &land_text)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .flat_map(|(_, mp)| mp.0)
        .collect();
    let drawn = demarcate(&contact, Some(&land), DemarcateOptions::default())
        .with_context(|| format!("drawing the line from {}", args.contact.display()))?;
    for warning in &drawn.warnings {
        eprintln!("warning: {warning}");
    }

    let geometry = args.out.join("geometry");
    fs::create_dir_all(&geometry).with_context(|| format!("creating {}", geometry.display()))?;
    let coordinates: Vec<Vec<f64>> =
        drawn.line.0.iter().map(|c| vec![(c.x * 1e6).round() / 1e6, (c.y * 1e6).round() / 1e6]).collect();
    let line = serde_json::json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": {
                "id": "line",
                "name": "Demarcation line derived from the line of contact",
                "source": format!("armistice demarcate --contact {}", args.contact.display()),
                "vertices": coordinates.len(),
                "left_side": drawn.left_side,
                "right_side": drawn.right_side,
                "warnings": drawn.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            },
            "geometry": { "type": "LineString", "coordinates": coordinates },
        }],
    });
    write(&geometry.join("line.geojson"), &serde_json::to_string_pretty(&line)?)?;
    write(&geometry.join("land.geojson"), &land_text)?;
    let toml = format!(
        r#"# Written by `armistice demarcate`: a minimal agreement around a derived line.
# Add the agreement's provisions, deadlines and commissions (docs/agreement-format.md).
format = "armistice-agreement/1"
id = "derived"
name = "Line derived from the line of contact"
place = "unknown"
signed_at = "2000-01-01T00:00:00+00:00"
summary = "A demarcation line derived from {contact} by armistice demarcate."

[effective]
after_signing = "PT0S"
citation = "A.1"

[geography]
land = "geometry/land.geojson"
sea_zone = "sea"

[[side]]
id = "{left}"
name = "{left}"
line_side = "left"
territory_zone = "{left}-territory"

[[side]]
id = "{right}"
name = "{right}"
line_side = "right"
territory_zone = "{right}-territory"

[[line]]
id = "line"
name = "Demarcation line"
kind = "demarcation"
file = "geometry/line.geojson"
citation = "A.1"
markers = {{ count = {markers} }}

[[zone]]
id = "buffer"
name = "Demilitarized zone"
citation = "A.1"
buffer = {{ line = "line", half_width_m = {half_width}, left_half = "buffer-{left}", right_half = "buffer-{right}" }}
"#,
        contact = args.contact.display().to_string().replace('"', "'"),
        left = slug(&drawn.left_side),
        right = slug(&drawn.right_side),
        markers = args.markers,
        half_width = args.half_width_m,
    );
    write(&args.out.join("agreement.toml"), &toml)?;

    // Build the zones from what was written, as any later command will.
    let files = read_dir(&args.out)?;
    let agreement = load(&files).map_err(|e| anyhow::anyhow!("the derived agreement does not load: {e}"))?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    let zones = serde_json::to_string(&zones_geojson(&agreement, &atlas.zones))?;
    write(&args.out.join("zones.geojson"), &zones)?;
    let km = agreement.line_length_km("line").unwrap_or(0.0);
    eprintln!(
        "wrote {}: a line of {km:.1} km ({} vertices) between {} (left) and {} (right), {} markers, {} warning(s)",
        args.out.display(),
        drawn.line.0.len(),
        drawn.left_side,
        drawn.right_side,
        atlas.zones.markers.len(),
        drawn.warnings.len()
    );
    Ok(Code::Ok)
}

/// An id made from a side's label: lower case, other characters as hyphens.
fn slug(text: &str) -> String {
    let s: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() { "side".to_owned() } else { s }
}

fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
