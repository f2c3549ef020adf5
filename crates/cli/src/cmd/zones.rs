//! `armistice zones`: every zone, the line and its markers as one GeoJSON file.

use std::path::PathBuf;

use anyhow::{Context, Result};
use armistice_core::geo::Atlas;
use armistice_core::geo::export::zones_geojson;
use clap::Args;

use crate::exit::Code;
use crate::source::load_agreement;

/// Write the agreement's zones (the DMZ halves, each side's territory, drawn areas such
/// as the estuary), the demarcation line, its markers, islands, ports of entry and
/// exchange points as one GeoJSON FeatureCollection (RFC 7946) for QGIS or any GIS.
/// Zone features carry `kind: "zone"`, `id`, `side` and `area_km2`; the sea is wherever
/// no zone is.
///
/// Example: `armistice zones --out korea-zones.geojson`
#[derive(Debug, Args)]
pub struct ZonesArgs {
    /// An agreement directory; the built-in Korea 1953 agreement when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
    /// Where to write the GeoJSON; `-` for standard output.
    #[arg(long, value_name = "FILE.geojson")]
    pub out: PathBuf,
}

pub fn run(args: ZonesArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    let collection = zones_geojson(&agreement, &atlas.zones);
    let text = serde_json::to_string(&collection).context("writing GeoJSON")?;
    if args.out.as_os_str() == "-" {
        println!("{text}");
    } else {
        std::fs::write(&args.out, text).with_context(|| format!("writing {}", args.out.display()))?;
        let n_zones = atlas.zones.zones.iter().filter(|z| !z.polygons.0.is_empty()).count();
        eprintln!("wrote {}: {n_zones} zones, the line and {} markers", args.out.display(), atlas.zones.markers.len());
    }
    Ok(Code::Ok)
}
