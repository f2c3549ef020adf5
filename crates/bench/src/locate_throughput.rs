//! Classify a file of points into zone ids with the built-in agreement's locator, timing
//! one thread and all threads, for `bench/locate/run.sh` to put beside shapely.
//!
//! ```text
//! locate-throughput POINTS.f64 OUT.u8 [REPEAT]
//!   POINTS.f64  little-endian f64 pairs (lon, lat)
//!   OUT.u8      one byte per point: the index of its zone in the printed `zones` list
//! ```
//! Prints one JSON object: points, zones, build_seconds and the best time per thread count.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use armistice_core::agreement::{builtin, load};
use armistice_core::geo::Atlas;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, points_path, out_path, rest @ ..] = args.as_slice() else {
        bail!("usage: locate-throughput POINTS.f64 OUT.u8 [REPEAT]");
    };
    let repeat: usize = rest.first().map(|r| r.parse()).transpose().context("REPEAT is a whole number")?.unwrap_or(5);
    let bytes = std::fs::read(points_path).with_context(|| format!("reading {points_path}"))?;
    if bytes.len() % 16 != 0 {
        bail!("{points_path}: {} bytes is not a whole number of (lon, lat) f64 pairs", bytes.len());
    }
    let points: Vec<[f64; 2]> = bytes
        .chunks_exact(16)
        .map(|c| {
            let lon = f64::from_le_bytes(c[0..8].try_into().unwrap_or_default());
            let lat = f64::from_le_bytes(c[8..16].try_into().unwrap_or_default());
            [lon, lat]
        })
        .collect();

    let agreement = load(&builtin::korea_1953()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    let atlas = Atlas::build(&agreement)?;
    let build_seconds = started.elapsed().as_secs_f64();

    let threads_available = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut out = vec![0u8; points.len()];
    let mut runs = Vec::new();
    for threads in [1, threads_available] {
        let mut best = f64::MAX;
        for _ in 0..repeat {
            let started = Instant::now();
            classify(&atlas, &points, &mut out, threads);
            best = best.min(started.elapsed().as_secs_f64());
        }
        runs.push(serde_json::json!({
            "threads": threads,
            "best_seconds": best,
            "million_points_per_second": points.len() as f64 / best / 1e6,
        }));
        if threads_available == 1 {
            break;
        }
    }
    std::fs::write(out_path, &out).with_context(|| format!("writing {out_path}"))?;
    let zones: Vec<&str> = atlas.zones.zones.iter().map(|z| z.id.as_str()).collect();
    println!(
        "{}",
        serde_json::json!({ "points": points.len(), "zones": zones, "build_seconds": build_seconds, "runs": runs })
    );
    Ok(())
}

/// Split the points into one contiguous chunk per thread.
fn classify(atlas: &Atlas, points: &[[f64; 2]], out: &mut [u8], threads: usize) {
    let chunk = points.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        for (p, o) in points.chunks(chunk).zip(out.chunks_mut(chunk)) {
            scope.spawn(move || atlas.locator.zones_at(p, o));
        }
    });
}
