//! The journal's hot paths: receiving and appending signed entries, the running root,
//! inclusion and consistency proofs, and verifying a whole export. Figures and the
//! commands that produced them are in BENCHMARKS.md.

// A benchmark with a broken fixture should stop at once.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use armistice_core::journal::{
    EntryKind, Frontier, Hash, Journal, SecretKey, Submission, Time, export, verify, verify_consistency,
    verify_inclusion,
};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn at(i: u64) -> Time {
    Time::from_unix_millis(-517_000_000_000 + i as i64 * 1000).expect("a valid time")
}

/// A report line of a realistic size (~300 bytes).
fn payload(i: u64) -> String {
    format!(
        r#"{{"id":"r{i:08}","reported_by":{{"party":"unc","team":"jot-{}"}},"observed_at":"1953-08-01T10:00:00+09:00","received_at":"1953-08-01T11:00:00+09:00","position":[126.9,38.0],"kind":"personnel","side":"kpa-cpv","count":12,"category":"military"}}"#,
        i % 10
    )
}

fn journal(n: u64) -> (Journal, SecretKey, SecretKey) {
    let server = SecretKey::from_seed(&[1; 32]);
    let unc = SecretKey::from_seed(&[2; 32]);
    let mut journal = Journal::new(server.public());
    for i in 0..n {
        let submission = Submission::new(EntryKind::Report, "UNC", unc.public(), payload(i), None).expect("valid");
        let signature = submission.sign(&unc).expect("own key");
        journal.receive(submission, signature, at(i), &server).expect("appends");
    }
    journal.checkpoint(at(n), &server).expect("checkpoint");
    (journal, server, unc)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("journal");

    group.throughput(Throughput::Elements(1));
    group.bench_function("sign+receive+append 1 entry", |b| {
        let (mut journal, server, unc) = journal(0);
        let mut i = 0;
        b.iter(|| {
            let submission = Submission::new(EntryKind::Report, "UNC", unc.public(), payload(i), None).expect("valid");
            let signature = submission.sign(&unc).expect("own key");
            journal.receive(submission, signature, at(i), &server).expect("appends");
            i += 1;
        })
    });

    group.bench_function("frontier push+root (running root)", |b| {
        let mut frontier = Frontier::new();
        let leaf = Hash::leaf(b"entry");
        b.iter(|| {
            frontier.push(leaf);
            black_box(frontier.root())
        })
    });

    let (big, _, _) = journal(100_000);
    let leaves = big.tree().leaves().to_vec();
    group.bench_function("root of 100k leaves", |b| b.iter(|| black_box(big.tree().root_at(100_000))));
    group.bench_function("inclusion proof in 100k + verify", |b| {
        let root = big.root();
        let mut index = 0u64;
        b.iter(|| {
            index = (index + 7919) % 100_000;
            let proof = big.inclusion_proof(index, 100_000).expect("proof");
            verify_inclusion(&leaves[index as usize], index, 100_000, &proof, &root).expect("verifies");
        })
    });
    group.bench_function("consistency proof 60k->100k + verify", |b| {
        let (old_root, new_root) = (big.tree().root_at(60_000).expect("root"), big.root());
        b.iter(|| {
            let proof = big.consistency_proof(60_000, 100_000).expect("proof");
            verify_consistency(60_000, 100_000, &old_root, &new_root, &proof).expect("verifies");
        })
    });

    let (small, _, _) = journal(10_000);
    let bytes = export(&small);
    group.throughput(Throughput::Elements(10_000));
    group.sample_size(10);
    group.bench_function("verify export of 10k entries", |b| {
        b.iter_batched(|| bytes.clone(), |bytes| black_box(verify(&bytes).expect("verifies")), BatchSize::LargeInput)
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
