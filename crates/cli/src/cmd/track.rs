//! `armistice track`: where and when tracks (aircraft, vessels, patrols) crossed the
//! demarcation line and zone boundaries.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use armistice_core::agreement::Timestamp;
use armistice_core::geo::{Atlas, CrossingKind, TrackPoint, crossings};
use clap::Args;
use serde::Serialize;

use crate::exit::Code;
use crate::source::load_agreement;

/// List every crossing of the demarcation line and of zone boundaries along tracks of
/// timed positions, with the time and place of each (interpolated between positions).
///
/// The input is CSV with a header, or NDJSON, one position per record: `track` (or
/// `id`), `time` (RFC 3339 with offset), `lon`, `lat`. Positions are grouped by track
/// and taken in time order. A record that cannot be read is reported with its line
/// number and skipped.
///
/// Example: `armistice track --input flights.csv --json`
#[derive(Debug, Args)]
pub struct TrackArgs {
    /// Timed positions, CSV (.csv) or NDJSON (.ndjson, .jsonl).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// An agreement directory; the built-in Korea 1953 agreement when not given.
    #[arg(long, value_name = "DIR")]
    pub agreement: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct CrossingView {
    track: String,
    at: String,
    lon: f64,
    lat: f64,
    kind: &'static str,
    from: String,
    to: String,
}

#[derive(Debug, Serialize)]
struct TrackReport {
    tracks: usize,
    positions: usize,
    rejected: Vec<Rejected>,
    crossings: Vec<CrossingView>,
}

#[derive(Debug, Serialize)]
struct Rejected {
    line: usize,
    error: String,
}

type Tracks = BTreeMap<String, Vec<TrackPoint>>;

fn read_tracks(path: &Path) -> Result<(Tracks, Vec<Rejected>)> {
    let source = path.display().to_string();
    let file = File::open(path).with_context(|| format!("opening {source}"))?;
    let csv = match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => true,
        Some("ndjson" | "jsonl") => false,
        _ => bail!("{source}: use a .csv or .ndjson file"),
    };
    let mut collected = Collected { source: source.clone(), tracks: BTreeMap::new(), rejected: Vec::new() };
    if csv {
        let mut reader = csv::Reader::from_reader(file);
        let headers = reader.headers().with_context(|| format!("{source}:1: reading the header"))?.clone();
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim().to_ascii_lowercase().as_str()));
        let (id, time, lon, lat) =
            (col(&["track", "id"]), col(&["time", "at"]), col(&["lon", "longitude"]), col(&["lat", "latitude"]));
        for (n, record) in reader.records().enumerate() {
            let line = n + 2;
            match record {
                Ok(r) => {
                    let text = |c: Option<usize>| c.and_then(|c| r.get(c)).map(|s| s.trim().to_owned());
                    let number = |c: Option<usize>| text(c).and_then(|s| s.parse::<f64>().ok());
                    collected.add(line, text(id), text(time), number(lon), number(lat));
                }
                Err(e) => {
                    collected.reject(line, e.to_string());
                }
            }
        }
    } else {
        for (n, text) in BufReader::new(file).lines().enumerate() {
            let line = n + 1;
            let text = text.with_context(|| format!("{source}:{line}: reading"))?;
            if text.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => {
                    let id = v
                        .get("track")
                        .or_else(|| v.get("id"))
                        .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned));
                    let time = v.get("time").and_then(|s| s.as_str()).map(str::to_owned);
                    collected.add(
                        line,
                        id,
                        time,
                        v.get("lon").and_then(|x| x.as_f64()),
                        v.get("lat").and_then(|x| x.as_f64()),
                    );
                }
                Err(e) => {
                    collected.reject(line, format!("not JSON ({e})"));
                }
            }
        }
    }
    let Collected { mut tracks, rejected, .. } = collected;
    for points in tracks.values_mut() {
        points.sort_by_key(|p| p.at);
    }
    Ok((tracks, rejected))
}

/// Positions read so far, by track, and the records skipped.
struct Collected {
    source: String,
    tracks: Tracks,
    rejected: Vec<Rejected>,
}

impl Collected {
    fn reject(&mut self, line: usize, error: String) {
        eprintln!("{}:{line}: skipped: {error}", self.source);
        self.rejected.push(Rejected { line, error });
    }

    fn add(&mut self, line: usize, id: Option<String>, time: Option<String>, lon: Option<f64>, lat: Option<f64>) {
        let result = (|| -> Result<(String, TrackPoint), String> {
            let id = id.filter(|s| !s.is_empty()).ok_or("no `track` (or `id`)")?;
            let time = time.ok_or("no `time`")?;
            let at = Timestamp::parse(&time)?.0;
            let lon =
                lon.filter(|v| v.is_finite() && v.abs() <= 180.0).ok_or("`lon` missing or not within -180..180")?;
            let lat = lat.filter(|v| v.is_finite() && v.abs() <= 90.0).ok_or("`lat` missing or not within -90..90")?;
            Ok((id, TrackPoint { at, lon, lat }))
        })();
        match result {
            Ok((id, point)) => self.tracks.entry(id).or_default().push(point),
            Err(error) => self.reject(line, error),
        }
    }
}

pub fn run(args: TrackArgs) -> Result<Code> {
    let agreement = load_agreement(args.agreement.as_deref())?;
    let atlas = Atlas::build(&agreement).context("building the zones")?;
    let (tracks, rejected) = read_tracks(&args.input)?;
    let mut views = Vec::new();
    for (id, points) in &tracks {
        for c in crossings(&atlas, points) {
            let (kind, from, to) = match c.kind {
                CrossingKind::Line { from_side, to_side } => ("line", from_side, to_side),
                CrossingKind::Zone { from_zone, to_zone } => ("zone", from_zone, to_zone),
            };
            views.push(CrossingView {
                track: id.clone(),
                at: c.at.to_rfc3339(),
                lon: (c.lon * 1e6).round() / 1e6,
                lat: (c.lat * 1e6).round() / 1e6,
                kind,
                from,
                to,
            });
        }
    }
    let positions = tracks.values().map(Vec::len).sum();
    if args.json {
        let report = TrackReport { tracks: tracks.len(), positions, rejected, crossings: views };
        println!("{}", serde_json::to_string_pretty(&report).context("writing JSON")?);
    } else {
        println!("{:<12} {:<26} {:>11} {:>10}  {:<5} from -> to", "track", "time", "lon", "lat", "kind");
        for v in &views {
            println!(
                "{:<12} {:<26} {:>11.6} {:>10.6}  {:<5} {} -> {}",
                v.track, v.at, v.lon, v.lat, v.kind, v.from, v.to
            );
        }
        eprintln!(
            "{} track(s), {positions} position(s), {} crossing(s), {} record(s) skipped",
            tracks.len(),
            views.len(),
            rejected.len()
        );
    }
    Ok(Code::Ok)
}
