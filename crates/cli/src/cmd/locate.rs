//! `armistice locate`: where a position lies (zone, side, distance to the line, nearest
//! marker), for one position or a stream of millions from CSV, NDJSON or GeoJSON.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use armistice_core::agreement::Position;
use armistice_core::geo::{Atlas, Placement};
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::exit::Code;
use crate::progress::Progress;
use crate::source::load_agreement;

/// Tell where positions lie under an agreement: the zone (for Korea 1953: north, south,
/// dmz-north, dmz-south, han-river-estuary, sea), the side that controls it, the signed
/// distance to the demarcation line in metres (positive on the north side), the nearest
/// marker, and land or water.
///
/// One position: `armistice locate 126.95 38.02 --json`
///
/// A file, streamed (memory stays flat however large it is): `armistice locate --input
/// sightings.csv --output placed.csv`. CSV needs a header with lon/lat columns (lon, lng,
/// longitude or x; lat, latitude or y); NDJSON needs `lon`/`lat` (or `position: [lon,
/// lat]`) on each line; GeoJSON needs a FeatureCollection of Points. Each record comes
/// out as it went in, with the location added. A record that cannot be read is reported
/// on stderr with its line (or feature) number and skipped; the count is printed at the end.
#[derive(Debug, Args)]
pub struct LocateArgs {
    /// Longitude in degrees (WGS 84).
    #[arg(allow_negative_numbers = true, required_unless_present = "input")]
    pub lon: Option<f64>,
    /// Latitude in degrees (WGS 84).
    #[arg(allow_negative_numbers = true, required_unless_present = "input")]
    pub lat: Option<f64>,
    /// Read positions from this file (`-` for standard input) instead of the arguments.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["lon", "lat"])]
    pub input: Option<PathBuf>,
    /// Write the located records here; standard output when not given.
    #[arg(long, value_name = "FILE", requires = "input")]
    pub output: Option<PathBuf>,
    /// The input's format; guessed from its extension (.csv, .ndjson/.jsonl, .geojson/.json).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// For one position: print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// An agreement directory; the built-in Korea 1953 agreement when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Ndjson,
    Geojson,
}

/// A location as printed: the CLI's wire type.
#[derive(Debug, Serialize)]
pub struct LocationView {
    pub zone: String,
    pub zones: Vec<String>,
    pub side: Option<String>,
    pub side_of_line: String,
    pub distance_m: f64,
    pub marker: Option<MarkerView>,
    pub water: bool,
}

#[derive(Debug, Serialize)]
pub struct MarkerView {
    pub number: u32,
    pub distance_m: f64,
    pub lon: f64,
    pub lat: f64,
}

fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

impl From<&Placement<'_>> for LocationView {
    fn from(p: &Placement<'_>) -> Self {
        Self {
            zone: p.zone.id.clone(),
            zones: p.zones.iter().map(|z| (*z).to_owned()).collect(),
            side: p.side.map(str::to_owned),
            side_of_line: p.side_of_line.to_owned(),
            distance_m: round(p.distance_m, 2),
            marker: p.marker.map(|m| MarkerView {
                number: m.marker.number,
                distance_m: round(m.distance_m, 1),
                lon: round(m.marker.lon, 6),
                lat: round(m.marker.lat, 6),
            }),
            water: p.water,
        }
    }
}

pub fn run(args: LocateArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    match (&args.input, args.lon, args.lat) {
        (Some(input), _, _) => locate_file(&atlas, input, args.output.as_deref(), args.format),
        (None, Some(lon), Some(lat)) => {
            checked(Ok((lon, lat))).map_err(anyhow::Error::msg)?;
            let placement = atlas.place(lon, lat);
            let view = LocationView::from(&placement);
            if args.json {
                println!("{}", serde_json::to_string_pretty(&view).context("writing JSON")?);
            } else {
                print!("{}", render(lon, lat, &placement, &view));
            }
            Ok(Code::Ok)
        }
        _ => bail!("give a position (LON LAT) or --input FILE"),
    }
}

/// A position read from a record, checked to lie on the globe (the core's own check).
fn checked(position: Result<(f64, f64), String>) -> Result<(f64, f64), String> {
    let (lon, lat) = position?;
    Position::new(lon, lat).map(|p| (p.lon, p.lat))
}

fn render(lon: f64, lat: f64, placement: &Placement<'_>, view: &LocationView) -> String {
    let mut out = format!("{lon:.6}, {lat:.6}\n");
    let also: Vec<&String> = view.zones.iter().skip(1).collect();
    let also = if also.is_empty() {
        String::new()
    } else {
        format!(" (also {})", also.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
    };
    out.push_str(&format!("  zone      {} - {}{also}\n", view.zone, placement.zone.name));
    out.push_str(&format!("  side      {}\n", view.side.as_deref().unwrap_or("none (shared or open water)")));
    let where_ = if view.distance_m >= 0.0 { "left (north for a west-east line)" } else { "right (south)" };
    out.push_str(&format!(
        "  line      {:.0} m from the line, on the {where_} side held by {}\n",
        view.distance_m.abs(),
        view.side_of_line
    ));
    if let Some(marker) = &view.marker {
        out.push_str(&format!("  marker    #{:04}, {:.0} m away\n", marker.number, marker.distance_m));
    }
    out.push_str(&format!("  surface   {}\n", if view.water { "water" } else { "land" }));
    out
}

fn guess_format(path: &Path) -> Option<Format> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Some(Format::Csv),
        Some("ndjson" | "jsonl") => Some(Format::Ndjson),
        Some("geojson" | "json") => Some(Format::Geojson),
        _ => None,
    }
}

/// Counts for the closing summary.
#[derive(Debug, Default)]
struct Tally {
    located: u64,
    rejected: u64,
}

impl Tally {
    fn reject(&mut self, source: &str, at: &str, reason: &str) {
        self.rejected += 1;
        eprintln!("{source}:{at}: skipped: {reason}");
    }
}

fn locate_file(atlas: &Atlas, input: &Path, output: Option<&Path>, format: Option<Format>) -> Result<Code> {
    let format = match format.or_else(|| guess_format(input)) {
        Some(format) => format,
        None => {
            bail!("{}: cannot tell the format from the extension; give --format csv|ndjson|geojson", input.display())
        }
    };
    let source = input.display().to_string();
    let (reader, size): (Box<dyn Read>, Option<u64>) = if input.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let file = File::open(input).with_context(|| format!("opening {source}"))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    let progress = Progress::bytes(size, "locating");
    let reader = BufReader::with_capacity(1 << 20, progress.wrap_read(reader));
    let writer: Box<dyn Write> = match output {
        Some(path) => Box::new(File::create(path).with_context(|| format!("creating {}", path.display()))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut writer = BufWriter::with_capacity(1 << 20, writer);
    let mut tally = Tally::default();
    match format {
        Format::Csv => locate_csv(atlas, reader, &mut writer, &source, &mut tally)?,
        Format::Ndjson => locate_ndjson(atlas, reader, &mut writer, &source, &mut tally)?,
        Format::Geojson => locate_geojson(atlas, reader, &mut writer, &source, &mut tally)?,
    }
    writer.flush().context("writing the output")?;
    progress.finish();
    eprintln!("{source}: {} located, {} skipped", tally.located, tally.rejected);
    Ok(Code::Ok)
}

const LON_NAMES: [&str; 4] = ["lon", "lng", "longitude", "x"];
const LAT_NAMES: [&str; 3] = ["lat", "latitude", "y"];

fn locate_csv(
    atlas: &Atlas,
    reader: impl Read,
    writer: &mut impl Write,
    source: &str,
    tally: &mut Tally,
) -> Result<()> {
    let mut csv_in = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = csv_in.headers().with_context(|| format!("{source}:1: reading the CSV header"))?.clone();
    let find = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim().to_ascii_lowercase().as_str()));
    let (Some(lon_col), Some(lat_col)) = (find(&LON_NAMES), find(&LAT_NAMES)) else {
        bail!(
            "{source}:1: the header needs a longitude column ({}) and a latitude column ({}); it has: {}",
            LON_NAMES.join(", "),
            LAT_NAMES.join(", "),
            headers.iter().collect::<Vec<_>>().join(", ")
        );
    };
    let mut csv_out = csv::Writer::from_writer(writer);
    let mut out_header = headers.clone();
    for extra in ["zone", "zones", "side", "side_of_line", "distance_m", "marker", "marker_distance_m", "water"] {
        out_header.push_field(extra);
    }
    csv_out.write_record(&out_header).context("writing the output")?;
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv_in.position().line();
        match csv_in.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                tally.reject(source, &line.to_string(), &format!("not readable as CSV ({e})"));
                continue;
            }
        }
        let number = |col: usize, what: &str| -> Result<f64, String> {
            let text = record.get(col).ok_or_else(|| format!("no {what} column (the row is short)"))?;
            text.trim().parse::<f64>().map_err(|_| format!("{what} `{text}` is not a number"))
        };
        let position = number(lon_col, "longitude").and_then(|lon| Ok((lon, number(lat_col, "latitude")?)));
        let (lon, lat) = match checked(position) {
            Ok(p) => p,
            Err(reason) => {
                tally.reject(source, &line.to_string(), &reason);
                continue;
            }
        };
        let view = LocationView::from(&atlas.place(lon, lat));
        let mut row = record.clone();
        row.push_field(&view.zone);
        row.push_field(&view.zones.join(";"));
        row.push_field(view.side.as_deref().unwrap_or(""));
        row.push_field(&view.side_of_line);
        row.push_field(&view.distance_m.to_string());
        row.push_field(&view.marker.as_ref().map(|m| m.number.to_string()).unwrap_or_default());
        row.push_field(&view.marker.as_ref().map(|m| m.distance_m.to_string()).unwrap_or_default());
        row.push_field(if view.water { "true" } else { "false" });
        csv_out.write_record(&row).context("writing the output")?;
        tally.located += 1;
    }
    csv_out.flush().context("writing the output")?;
    Ok(())
}

/// The position in one JSON object: `lon`/`lat` (or longitude/latitude, lng), or
/// `position: [lon, lat]`, or a GeoJSON Point `geometry`.
fn json_position(object: &serde_json::Map<String, serde_json::Value>) -> Result<(f64, f64), String> {
    let field = |names: &[&str]| names.iter().find_map(|n| object.get(*n));
    let number = |v: &serde_json::Value, what: &str| v.as_f64().ok_or_else(|| format!("{what} `{v}` is not a number"));
    if let (Some(lon), Some(lat)) = (field(&["lon", "lng", "longitude"]), field(&["lat", "latitude"])) {
        return Ok((number(lon, "lon")?, number(lat, "lat")?));
    }
    let pair = object
        .get("position")
        .or_else(|| object.get("geometry").and_then(|g| g.get("coordinates")))
        .ok_or("no position: give lon and lat, position: [lon, lat], or a Point geometry")?;
    match pair.as_array().map(Vec::as_slice) {
        Some([lon, lat, ..]) => Ok((number(lon, "lon")?, number(lat, "lat")?)),
        _ => Err(format!("position `{pair}` is not [lon, lat]")),
    }
}

fn locate_ndjson(
    atlas: &Atlas,
    reader: impl BufRead,
    writer: &mut impl Write,
    source: &str,
    tally: &mut Tally,
) -> Result<()> {
    for (n, line) in reader.lines().enumerate() {
        let number = (n + 1).to_string();
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                tally.reject(source, &number, &format!("not UTF-8 text ({e})"));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let mut object = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(object)) => object,
            Ok(_) => {
                tally.reject(source, &number, "a line must be one JSON object");
                continue;
            }
            Err(e) => {
                tally.reject(source, &number, &format!("not JSON ({e})"));
                continue;
            }
        };
        let (lon, lat) = match checked(json_position(&object)) {
            Ok(p) => p,
            Err(reason) => {
                tally.reject(source, &number, &reason);
                continue;
            }
        };
        let view = LocationView::from(&atlas.place(lon, lat));
        object.insert("location".to_owned(), serde_json::to_value(&view).context("writing JSON")?);
        serde_json::to_writer(&mut *writer, &object).context("writing the output")?;
        writer.write_all(b"\n").context("writing the output")?;
        tally.located += 1;
    }
    Ok(())
}

fn locate_geojson(
    atlas: &Atlas,
    reader: impl Read,
    writer: &mut impl Write,
    source: &str,
    tally: &mut Tally,
) -> Result<()> {
    writer.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n").context("writing the output")?;
    let mut first = true;
    for (n, feature) in geojson::FeatureReader::from_reader(reader).features().enumerate() {
        let at = format!("feature {n}");
        let mut feature = match feature {
            Ok(feature) => feature,
            Err(e) => {
                // The stream cannot be resumed after a syntax error: report and stop.
                tally.reject(source, &at, &format!("not a GeoJSON feature ({e}); the rest of the file is not read"));
                break;
            }
        };
        let position = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(geojson::Value::Point(p)) if p.len() >= 2 => Ok((p[0], p[1])),
            Some(other) => Err(format!("a {} geometry, where a Point was expected", other.type_name())),
            None => Err("no geometry, where a Point was expected".to_owned()),
        };
        let (lon, lat) = match checked(position) {
            Ok(p) => p,
            Err(reason) => {
                tally.reject(source, &at, &reason);
                continue;
            }
        };
        let view = LocationView::from(&atlas.place(lon, lat));
        feature.set_property("location", serde_json::to_value(&view).context("writing JSON")?);
        if !first {
            writer.write_all(b",\n").context("writing the output")?;
        }
        first = false;
        serde_json::to_writer(&mut *writer, &feature).context("writing the output")?;
        tally.located += 1;
    }
    writer.write_all(b"\n]}\n").context("writing the output")?;
    Ok(())
}
