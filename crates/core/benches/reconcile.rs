//! Reconciliation of two prisoner lists: list import from CSV text, and the matching of
//! 20,000 held against 20,000 missing (Korean names in Hangul on one side and in
//! McCune–Reischauer on the other, 80 % of people on both). The 100,000 × 100,000 command
//! and the peers are timed by `bench/linkage/run.sh` (see BENCHMARKS.md).

// A benchmark with a broken fixture should stop at once.
#![allow(clippy::expect_used)]

use armistice_core::pow::list::{ListEntry, parse_list};
use armistice_core::pow::reconcile::{Options, reconcile};
use armistice_core::pow::romanize::hangul::{System, romanize};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const SURNAMES: [char; 12] = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오'];

/// Two lists as CSV text from a fixed xorshift sequence.
fn lists(n: usize) -> (String, String) {
    let mut state = 0x1953_0727_u64;
    let mut next = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let mut a = String::from("id,name_native,birth_date,unit\n");
    let mut b = String::from("id,name,birth_date,unit\n");
    for i in 0..n {
        let family = SURNAMES[next(SURNAMES.len() as u64) as usize].to_string();
        let syllable = |r: u64| char::from_u32(0xAC00 + (r % 11_172) as u32).unwrap_or('가');
        let given: String = [syllable(next(11_172)), syllable(next(11_172))].iter().collect();
        let (year, month, day) = (1910 + next(30), 1 + next(12), 1 + next(28));
        let unit = format!("{} Div", 1 + next(40));
        a.push_str(&format!("a{i},{family}{given},{year}-{month:02}-{day:02},{unit}\n"));
        if next(10) < 8 {
            let latin = format!(
                "{} {}",
                romanize(&family, System::McCuneReischauer, ""),
                romanize(&given, System::McCuneReischauer, "-")
            );
            b.push_str(&format!("b{i},\"{latin}\",{year}-{month:02},{unit}\n"));
        } else {
            b.push_str(&format!("b{i}x,Other Person{i},{},,\n", 1900 + next(40)));
        }
    }
    (a, b)
}

fn bench(c: &mut Criterion) {
    let n = 20_000;
    let (text_a, text_b) = lists(n);
    let a: Vec<ListEntry> = parse_list(text_a.as_bytes()).expect("list A parses").entries;
    let b: Vec<ListEntry> = parse_list(text_b.as_bytes()).expect("list B parses").entries;

    let mut group = c.benchmark_group("reconcile");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("parse_list_20000", |bencher| {
        bencher.iter(|| parse_list(text_b.as_bytes()).map(|l| l.entries.len()));
    });
    group.bench_function("reconcile_20000x20000", |bencher| {
        bencher.iter(|| reconcile(&a, &b, &Options::default()).matches.len());
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
