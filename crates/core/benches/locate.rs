//! Locating positions under the built-in Korea 1953 agreement: the bulk zone lookup on
//! uniform random points over the peninsula's box, the full placement (zone, distance,
//! marker) of single points, and building the index. Peers run beside this in
//! bench/locate/run.sh; figures in BENCHMARKS.md.

// A benchmark with a broken fixture should stop at once.
#![allow(clippy::expect_used)]

use armistice_core::agreement::{builtin, load};
use armistice_core::geo::Atlas;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Uniform points in lon 124-131, lat 33-43 from a fixed xorshift sequence.
fn points(n: usize) -> Vec<[f64; 2]> {
    let mut state = 0x1953_0727_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n).map(|_| [124.0 + 7.0 * next(), 33.0 + 10.0 * next()]).collect()
}

fn locate(c: &mut Criterion) {
    let agreement = load(&builtin::korea_1953()).expect("the built-in agreement loads");
    let atlas = Atlas::build(&agreement).expect("the zones build");

    let mut group = c.benchmark_group("zone_of_points");
    let n = 1_000_000usize;
    let positions = points(n);
    let mut out = vec![0u8; n];
    group.throughput(Throughput::Elements(n as u64));
    group.bench_with_input(BenchmarkId::from_parameter(n), &positions, |b, positions| {
        b.iter(|| atlas.locator.zones_at(positions, &mut out));
    });
    group.finish();

    let mut group = c.benchmark_group("place");
    let positions = points(10_000);
    group.throughput(Throughput::Elements(positions.len() as u64));
    group.bench_function("zone_distance_marker", |b| {
        b.iter(|| positions.iter().map(|p| atlas.place(p[0], p[1]).distance_m).sum::<f64>());
    });
    group.finish();

    c.bench_function("build_atlas", |b| b.iter(|| Atlas::build(&agreement).expect("the zones build")));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = locate
}
criterion_main!(benches);
