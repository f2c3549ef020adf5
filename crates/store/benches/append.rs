//! Appending to the journal's stores. The raw SQLite insert rate (one row per
//! transaction with synchronous=FULL, and 1,000 rows per transaction) is the ceiling
//! for server ingest; beside it, the writer's full path (receipt signature, tree,
//! store) one entry at a time and in batches of 100 (group commit), on SQLite and, when
//! ARMISTICE_TEST_PG is set, on PostgreSQL. Figures and commands: BENCHMARKS.md.

// A benchmark with a broken fixture should stop at once.
#![allow(clippy::expect_used)]

use armistice_core::journal::{EntryKind, SecretKey, Signature, Submission, Time};
use armistice_store::{JournalStore, PostgresStore, SqliteStore, Writer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rusqlite::{Connection, params};

/// A stored row of a realistic size: a signed entry is about 600 bytes.
const ROW_BYTES: usize = 600;

fn raw_connection(dir: &std::path::Path) -> Connection {
    let conn = Connection::open(dir.join("raw.sqlite")).expect("opens");
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)).expect("WAL");
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         CREATE TABLE IF NOT EXISTS rows (idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL, root BLOB NOT NULL, bytes BLOB NOT NULL);",
    )
    .expect("schema");
    conn
}

fn submissions(n: usize) -> Vec<(Submission, Signature)> {
    let key = SecretKey::from_seed(&[2; 32]);
    (0..n)
        .map(|i| {
            let payload = format!(r#"{{"id":"r{i:08}","kind":"personnel","position":[126.9,38.0],"count":12}}"#);
            let submission = Submission::new(EntryKind::Report, "UNC", key.public(), payload, None).expect("valid");
            let signature = submission.sign(&key).expect("own key");
            (submission, signature)
        })
        .collect()
}

fn bench_writer(c: &mut Criterion, label: &str, store: &dyn JournalStore) {
    let server = SecretKey::from_seed(&[1; 32]);
    store.claim_server_key(&server.public()).expect("claims");
    let mut writer = Writer::open(store).expect("opens");
    let at = Time::from_unix_millis(0).expect("time");
    let one = submissions(1);
    let hundred = submissions(100);
    let mut group = c.benchmark_group(format!("store/{label}"));
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    group.bench_function("writer append, 1 entry per transaction", |b| {
        b.iter(|| writer.append(&one, at, &server).expect("appends"))
    });
    group.throughput(Throughput::Elements(100));
    group.bench_function("writer append, 100 entries per transaction", |b| {
        b.iter(|| writer.append(&hundred, at, &server).expect("appends"))
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = raw_connection(dir.path());
    let row = vec![b'x'; ROW_BYTES];
    let hash = [7u8; 32];
    let mut index: i64 = 0;
    let mut group = c.benchmark_group("store/sqlite-raw");
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    group.bench_function("insert, 1 row per transaction (synchronous=FULL)", |b| {
        b.iter(|| {
            conn.execute("INSERT INTO rows VALUES (?1, ?2, ?3, ?4)", params![index, &hash[..], &hash[..], &row])
                .expect("inserts");
            index += 1;
        })
    });
    group.throughput(Throughput::Elements(1000));
    group.bench_function("insert, 1000 rows per transaction (synchronous=FULL)", |b| {
        b.iter(|| {
            conn.execute_batch("BEGIN").expect("begins");
            {
                let mut insert = conn.prepare_cached("INSERT INTO rows VALUES (?1, ?2, ?3, ?4)").expect("prepares");
                for _ in 0..1000 {
                    insert.execute(params![index, &hash[..], &hash[..], &row]).expect("inserts");
                    index += 1;
                }
            }
            conn.execute_batch("COMMIT").expect("commits");
        })
    });
    group.finish();

    let store = SqliteStore::open_dir(&dir.path().join("data")).expect("opens");
    bench_writer(c, "sqlite", &store);
    if let Some(url) = std::env::var("ARMISTICE_TEST_PG").ok().filter(|u| !u.is_empty()) {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connects");
        client
            .batch_execute("DROP SCHEMA IF EXISTS armistice_bench CASCADE; CREATE SCHEMA armistice_bench")
            .expect("schema");
        let separator = if url.contains('?') { '&' } else { '?' };
        let store = PostgresStore::connect(&format!("{url}{separator}options=-c%20search_path%3Darmistice_bench"))
            .expect("connects");
        bench_writer(c, "postgres", &store);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
