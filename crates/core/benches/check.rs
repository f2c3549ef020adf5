//! Reports to findings: parsing NDJSON lines into reports, and checking them against the
//! built-in Korea 1953 agreement. The whole command is timed with hyperfine in
//! BENCHMARKS.md.

// A benchmark with a broken fixture should stop at once.
#![allow(clippy::expect_used)]

use armistice_core::agreement::{builtin, load};
use armistice_core::geo::Atlas;
use armistice_core::rules::scan::scan;
use armistice_core::rules::{Batch, Checker, Report};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// Point reports of personnel and vehicles over the peninsula through August 1953, from
/// a fixed xorshift sequence: mostly lawful, some in the DMZ after the deadline.
fn lines(n: usize) -> Vec<String> {
    let mut state = 0x1953_0727_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| {
            let (lon, lat) = (126.0 + 3.0 * next(), 36.5 + 3.0 * next());
            let minute = (next() * 44_640.0) as i64;
            let (day, hour, min) = (1 + minute / 1440, (minute / 60) % 24, minute % 60);
            let side = if lat > 38.2 { "kpa-cpv" } else { "unc" };
            format!(
                r#"{{"id":"r{i:08}","reported_by":{{"party":"unc","team":"jot-{}"}},"observed_at":"1953-08-{day:02}T{hour:02}:{min:02}:00+09:00","received_at":"1953-09-01T00:00:00+09:00","position":[{lon:.5},{lat:.5}],"kind":"personnel","side":"{side}","count":{},"category":"military"}}"#,
                i % 10,
                1 + i % 50
            )
        })
        .collect()
}

fn check(c: &mut Criterion) {
    let agreement = load(&builtin::korea_1953()).expect("the built-in agreement loads");
    let atlas = Atlas::build(&agreement).expect("the zones build");
    let n = 100_000;
    let text = lines(n);
    let reports: Vec<Report> = text.iter().map(|l| Report::parse(l).expect("a generated report parses")).collect();

    let mut group = c.benchmark_group("reports");
    group.throughput(Throughput::Elements(n as u64));
    // The fast reader alone (`Report::parse` also builds the owned report).
    group.bench_function("scan_line", |b| {
        b.iter(|| text.iter().filter(|l| scan(l).is_some()).count());
    });
    group.bench_function("parse_ndjson_line", |b| {
        b.iter(|| text.iter().filter(|l| Report::parse(l).is_ok()).count());
    });
    group.bench_function("check_point_reports", |b| {
        b.iter(|| Checker::new(&agreement, &atlas).check(&reports).len());
    });
    // What `armistice check` does: lines read into a batch (briefs, whole reports only
    // where a rule may need them), then the engine over the batch.
    let checker = Checker::new(&agreement, &atlas);
    let read = || {
        let mut batch = Batch::default();
        for line in &text {
            checker.read_line(&mut batch, line).expect("a generated report parses");
        }
        batch
    };
    group.bench_function("read_lines_into_batch", |b| b.iter(|| read().len()));
    let batch = read();
    group.bench_function("check_batch", |b| {
        b.iter_batched(|| batch.clone(), |batch| checker.check_batch(batch).len(), BatchSize::LargeInput);
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = check
}
criterion_main!(benches);
