//! The store's story, told against SQLite and, when `ARMISTICE_TEST_PG` holds a
//! connection URL (scripts/test.sh sets it), against PostgreSQL: appends, corrections,
//! checkpoints and co-signatures, reopening, the errors a writer can meet, two writers
//! racing on one record, and tampering with the SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use armistice_core::journal::{
    Checkpoint, EntryKind, EntryRef, Hash, SecretKey, Signature, Submission, Time, cosign, export, verify,
};
use armistice_store::{JournalStore, PostgresStore, SqliteStore, StoreError, StoredEntry, Writer, load};

fn at(seconds: i64) -> Time {
    Time::from_unix_millis(-517_000_000_000 + seconds * 1000).unwrap()
}

fn server() -> SecretKey {
    SecretKey::from_seed(&[100; 32])
}

fn party(name: &str) -> SecretKey {
    SecretKey::from_seed(&[name.bytes().fold(1u8, |a, b| a.wrapping_mul(31).wrapping_add(b)); 32])
}

fn signed(name: &str, kind: EntryKind, payload: &str, corrects: Option<EntryRef>) -> (Submission, Signature) {
    let key = party(name);
    let submission = Submission::new(kind, name, key.public(), payload.to_owned(), corrects).unwrap();
    let signature = submission.sign(&key).unwrap();
    (submission, signature)
}

/// A fresh, empty PostgreSQL schema for one test, dropped when the test ends; None
/// when no server is configured.
struct PgSchema {
    base: String,
    schema: String,
    url: String,
}

impl PgSchema {
    fn new() -> Option<Self> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::var("ARMISTICE_TEST_PG").ok().filter(|s| !s.is_empty())?;
        let schema = format!("armistice_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("ARMISTICE_TEST_PG connects");
        client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
        let url = if base.contains("://") {
            let separator = if base.contains('?') { '&' } else { '?' };
            format!("{base}{separator}options=-c%20search_path%3D{schema}")
        } else {
            format!("{base} options='-c search_path={schema}'")
        };
        Some(Self { base, schema, url })
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

fn story(open: &dyn Fn() -> Box<dyn JournalStore>) {
    let store = open();
    let server = server();
    assert_eq!(store.server_key().unwrap(), None);
    store.claim_server_key(&server.public()).unwrap();
    store.claim_server_key(&server.public()).unwrap();
    assert!(matches!(store.claim_server_key(&party("other").public()), Err(StoreError::Conflict(_))));

    let mut writer = Writer::open(store.as_ref()).unwrap();
    let batch = [
        signed("UNC", EntryKind::Report, r#"{"id":"r1"}"#, None),
        signed("KPA/CPV", EntryKind::Allegation, "shots fired near marker 0612", None),
        signed("UNC", EntryKind::Response, "no unit of ours was there", None),
    ];
    let rows = writer.append(&batch, at(1), &server).unwrap();
    assert_eq!(rows.iter().map(|r| r.index).collect::<Vec<_>>(), [0, 1, 2]);
    let target = EntryRef { hash: rows[1].leaf_hash, index: 1 };
    writer.append(&[signed("KPA/CPV", EntryKind::Correction, "marker 0613", Some(target))], at(2), &server).unwrap();
    let wrong = EntryRef { hash: Hash::empty(), index: 1 };
    assert!(writer.append(&[signed("KPA/CPV", EntryKind::Correction, "x", Some(wrong))], at(3), &server).is_err());
    assert_eq!(store.size().unwrap(), 4);

    // The server signs a checkpoint; the neutral commission co-signs the first one it sees.
    let first = Checkpoint { root: writer.root(), size: writer.size(), time: at(4) }.sign(&server);
    let number = store.append_checkpoint(&first).unwrap();
    let nnsc = party("NNSC");
    let cosignature = cosign(None, &first, &server.public(), &[], "NNSC", &nnsc).unwrap();
    store.append_cosignature(number, &cosignature).unwrap();

    writer
        .append(&[signed("NNSC", EntryKind::InspectionReport, "Inchon: 12 in, 12 out", None)], at(5), &server)
        .unwrap();
    let second = Checkpoint { root: writer.root(), size: writer.size(), time: at(6) }.sign(&server);
    let number = store.append_checkpoint(&second).unwrap();
    let journal = load(store.as_ref()).unwrap();
    let proof = journal.consistency_proof(first.checkpoint.size, second.checkpoint.size).unwrap();
    let cosignature = cosign(Some(&first.checkpoint), &second, &server.public(), &proof, "NNSC", &nnsc).unwrap();
    store.append_cosignature(number, &cosignature).unwrap();
    let unc = cosign(None, &second, &server.public(), &[], "UNC", &party("UNC")).unwrap();
    store.append_cosignature(number, &unc).unwrap();

    // The errors a caller can meet.
    let stale = StoredEntry { index: 2, leaf_hash: Hash::empty(), root: Hash::empty(), bytes: vec![] };
    assert!(matches!(store.append(&[stale]), Err(StoreError::Conflict(_))));
    assert!(matches!(store.read(3, 9), Err(StoreError::NotFound(_))));
    assert!(matches!(store.append_cosignature(7, &unc), Err(StoreError::NotFound(_))));
    // One co-signature a key and checkpoint: the store refuses a second (the server
    // checks first, but two requests at once both pass its check).
    let again = cosign(None, &second, &server.public(), &[], "UNC", &party("UNC")).unwrap();
    assert!(matches!(store.append_cosignature(number, &again), Err(StoreError::Conflict(_))));
    let names: Vec<String> =
        store.read_checkpoints().unwrap()[number as usize].cosignatures.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names, ["NNSC", "UNC"]);
    let smaller = Checkpoint { root: journal.tree().root_at(2).unwrap(), size: 2, time: at(7) }.sign(&server);
    assert!(matches!(store.append_checkpoint(&smaller), Err(StoreError::Conflict(_))));
    drop(writer);
    drop(store);

    // Reopened, it is the same record, and it grows from where it was.
    let store = open();
    let journal = load(store.as_ref()).unwrap();
    assert_eq!(journal.size(), 5);
    assert_eq!(journal.checkpoints().len(), 2);
    assert_eq!(journal.checkpoints()[1].cosignatures.len(), 2);
    let report = verify(&export(&journal)).unwrap();
    assert_eq!((report.entries, report.checkpoints, report.cosignatures), (5, 2, 3));
    let mut writer = Writer::open(store.as_ref()).unwrap();
    assert_eq!(writer.root(), journal.root());
    let rows = writer.append(&[signed("UNC", EntryKind::MeetingMinutes, "meeting 1", None)], at(8), &server).unwrap();
    assert_eq!(rows[0].index, 5);
    assert_eq!(store.read(0, 6).unwrap().len(), 6);

    // Two writers that opened at the same size: the second loses the race once, catches
    // up on the first one's entry, and appends after it.
    let other_store = open();
    let mut first = Writer::open(store.as_ref()).unwrap();
    let mut second = Writer::open(other_store.as_ref()).unwrap();
    first.append(&[signed("UNC", EntryKind::Report, "first in", None)], at(9), &server).unwrap();
    let rows = second.append(&[signed("KPA/CPV", EntryKind::Report, "second in", None)], at(9), &server).unwrap();
    assert_eq!(rows[0].index, 7);
    assert_eq!((first.conflicts(), second.conflicts()), (0, 1));
    assert_eq!(second.root(), load(store.as_ref()).unwrap().root());
}

/// Two writers, each with its own connection, append concurrently; the record ends up
/// one chain holding every entry once, in an order both can verify.
fn two_writers(open: &(dyn Fn() -> Box<dyn JournalStore> + Sync)) {
    let server = server();
    open().claim_server_key(&server.public()).unwrap();
    const BATCHES: usize = 60;
    std::thread::scope(|scope| {
        for name in ["UNC", "KPA/CPV"] {
            let server = &server;
            scope.spawn(move || {
                let store = open();
                let mut writer = Writer::open(store.as_ref()).unwrap();
                for batch in 0..BATCHES {
                    let submissions: Vec<_> = (0..1 + batch % 3)
                        .map(|i| signed(name, EntryKind::Report, &format!("{name} batch {batch} item {i}"), None))
                        .collect();
                    writer.append(&submissions, at(batch as i64), server).unwrap();
                }
                eprintln!("{name}: {} lost race(s), retried", writer.conflicts());
            });
        }
    });
    let store = open();
    let journal = load(store.as_ref()).unwrap();
    let per_writer: usize = (0..BATCHES).map(|b| 1 + b % 3).sum();
    assert_eq!(journal.size() as usize, 2 * per_writer);
    for name in ["UNC", "KPA/CPV"] {
        let mut payloads: Vec<&str> = journal
            .entries()
            .iter()
            .filter(|e| e.submission.submitter == name)
            .map(|e| e.submission.payload.as_str())
            .collect();
        assert_eq!(payloads.len(), per_writer, "{name}");
        payloads.dedup();
        assert_eq!(payloads.len(), per_writer, "{name}: duplicates");
    }
    assert!(verify(&export(&journal)).is_ok());
}

#[test]
fn story_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    story(&|| Box::new(SqliteStore::open_dir(&path).unwrap()));
    assert!(path.join("journal.sqlite").exists());
}

#[test]
fn story_postgres() {
    let Some(pg) = PgSchema::new() else {
        eprintln!("ARMISTICE_TEST_PG is not set: the PostgreSQL story was not run");
        return;
    };
    story(&|| Box::new(PostgresStore::connect(&pg.url).unwrap()));
}

#[test]
fn two_writers_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    two_writers(&|| Box::new(SqliteStore::open_dir(&path).unwrap()));
}

#[test]
fn two_writers_postgres() {
    let Some(pg) = PgSchema::new() else {
        eprintln!("ARMISTICE_TEST_PG is not set: the PostgreSQL two-writer test was not run");
        return;
    };
    two_writers(&|| Box::new(PostgresStore::connect(&pg.url).unwrap()));
}

#[test]
fn sqlite_is_in_wal_mode_with_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let _store = SqliteStore::open_dir(dir.path()).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("journal.sqlite")).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 2, "journal (1), accounts (2)");
}

#[test]
fn a_flipped_byte_in_the_sqlite_file_is_named_by_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let server = server();
    {
        let store = SqliteStore::open_dir(dir.path()).unwrap();
        store.claim_server_key(&server.public()).unwrap();
        let mut writer = Writer::open(&store).unwrap();
        for i in 0..6 {
            let payload = format!("report number {i:04} of the day");
            writer.append(&[signed("UNC", EntryKind::Report, &payload, None)], at(i), &server).unwrap();
        }
        assert_eq!(load(&store).unwrap().size(), 6);
    }
    let file = dir.path().join("journal.sqlite");
    let mut bytes = std::fs::read(&file).unwrap();
    let marker = b"report number 0003";
    let at_marker = bytes.windows(marker.len()).position(|w| w == marker).expect("the entry is in the main file");
    bytes[at_marker + 7] ^= 0x01; // "number" -> "numcer"
    std::fs::write(&file, &bytes).unwrap();

    let store = SqliteStore::open_dir(dir.path()).unwrap();
    let error = load(&store).unwrap_err();
    assert_eq!(error.entry_index(), Some(3), "{error}");
    assert!(error.to_string().contains("signature"), "{error}");
    // A writer refuses to build on the altered record too.
    let writer_error = Writer::open(&store).unwrap_err();
    assert!(writer_error.to_string().contains("entry 3"), "{writer_error}");
}

/// Accounts: added once per name, found by token hash until revoked, listed with their
/// revocation.
fn accounts_story(store: &dyn armistice_store::Store) {
    use armistice_store::{Account, TokenHash};
    let account = |name: &str, seed: u8| Account {
        name: name.into(),
        role: "mac-member".into(),
        side: Some("unc".into()),
        key: SecretKey::from_seed(&[seed; 32]).public(),
        created_at: at(1),
        revoked_at: None,
    };
    store.add_account(&account("UNC", 1), &TokenHash([1; 32])).unwrap();
    store.add_account(&account("NNSC", 2), &TokenHash([2; 32])).unwrap();
    let again = store.add_account(&account("UNC", 3), &TokenHash([3; 32])).unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again}");
    assert_eq!(store.active_account(&TokenHash([1; 32])).unwrap(), Some(account("UNC", 1)));
    assert_eq!(store.active_account(&TokenHash([9; 32])).unwrap(), None);
    store.revoke_account("UNC", at(2)).unwrap();
    assert_eq!(store.active_account(&TokenHash([1; 32])).unwrap(), None);
    assert!(matches!(store.revoke_account("UNC", at(3)), Err(StoreError::Conflict(_))));
    assert!(matches!(store.revoke_account("KPA", at(3)), Err(StoreError::NotFound(_))));
    let listed = store.accounts().unwrap();
    let names: Vec<(&str, bool)> = listed.iter().map(|a| (a.name.as_str(), a.revoked_at.is_some())).collect();
    assert_eq!(names, [("NNSC", false), ("UNC", true)]);
}

#[test]
fn accounts_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    accounts_story(&SqliteStore::open_dir(dir.path()).unwrap());
}

#[test]
fn accounts_postgres() {
    let Some(pg) = PgSchema::new() else {
        eprintln!("ARMISTICE_TEST_PG is not set: the PostgreSQL accounts story was not run");
        return;
    };
    accounts_story(&PostgresStore::connect(&pg.url).unwrap());
}
