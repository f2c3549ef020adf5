//! The SQLite backend: one file, `journal.sqlite`, in a data directory; WAL journal,
//! `synchronous=FULL` (an acknowledged append survives a power cut), and appends in
//! `BEGIN IMMEDIATE` transactions so that writers in several processes queue up
//! instead of interleaving.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use armistice_core::journal::canonical;
use armistice_core::journal::{CoSignature, PublicKey, SignedCheckpoint, Time};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::account::{Account, AccountStore, TokenHash, account_from_row};
use crate::{
    ACCOUNT_COLUMNS, JournalStore, StoreError, StoredEntry, check_follows, check_new_cosigner, to_hash, to_i64, to_u64,
};

/// Versioned migrations, applied in order; `PRAGMA user_version` records the last.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_journal.sql")),
    (2, include_str!("../migrations/sqlite/0002_accounts.sql")),
];

/// The file name inside a data directory.
pub const FILE_NAME: &str = "journal.sqlite";

/// A journal in a SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens `DIR/journal.sqlite`, creating the directory and the file if needed.
    pub fn open_dir(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(StoreError::db(&format!("creating data directory {}", dir.display())))?;
        Self::open(&dir.join(FILE_NAME))
    }

    /// Opens (creating and migrating) the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let context = format!("opening {}", path.display());
        let mut conn = Connection::open(path).map_err(StoreError::db(&context))?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(StoreError::db(&context))?;
        let mode: String =
            conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(StoreError::db(&context))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::other(context, format!("journal_mode is {mode}, WAL was asked for")));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;").map_err(StoreError::db(&context))?;
        migrate(&mut conn).map_err(StoreError::db(&format!("migrating {}", path.display())))?;
        Ok(Self { path: path.to_owned(), conn: Mutex::new(conn) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::other("the SQLite connection", "a thread panicked while holding it"))
    }
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
    }
    tx.commit()
}

impl JournalStore for SqliteStore {
    fn server_key(&self) -> Result<Option<PublicKey>, StoreError> {
        let conn = self.conn()?;
        let value: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'server_key'", [], |row| row.get(0))
            .optional()
            .map_err(StoreError::db("reading the server key"))?;
        value
            .map(|hex| PublicKey::from_hex(&hex).map_err(|e| StoreError::other("the stored server key", e)))
            .transpose()
    }

    fn claim_server_key(&self, server: &PublicKey) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let context = "recording the server key";
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::db(context))?;
        let stored: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'server_key'", [], |row| row.get(0))
            .optional()
            .map_err(StoreError::db(context))?;
        match stored {
            Some(hex) if hex == server.to_hex() => return Ok(()),
            Some(hex) => return Err(StoreError::Conflict(format!("the journal belongs to server key {hex}"))),
            None => {}
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('server_key', ?1)", [server.to_hex()])
            .map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))
    }

    fn size(&self) -> Result<u64, StoreError> {
        let conn = self.conn()?;
        let size: i64 = conn
            .query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries", [], |row| row.get(0))
            .map_err(StoreError::db("reading the journal size"))?;
        to_u64(size, "size")
    }

    fn append(&self, rows: &[StoredEntry]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let context = "appending entries";
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::db(context))?;
        let size: i64 = tx
            .query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries", [], |row| row.get(0))
            .map_err(StoreError::db(context))?;
        let size = to_u64(size, "size")?;
        check_follows(rows, size)?;
        {
            let mut insert = tx
                .prepare_cached("INSERT INTO entries (idx, leaf_hash, root, bytes) VALUES (?1, ?2, ?3, ?4)")
                .map_err(StoreError::db(context))?;
            for row in rows {
                insert
                    .execute(params![to_i64(row.index, "index")?, &row.leaf_hash.0[..], &row.root.0[..], &row.bytes])
                    .map_err(StoreError::db(context))?;
            }
        }
        tx.commit().map_err(StoreError::db(context))
    }

    fn read(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, StoreError> {
        let context = "reading entries";
        let conn = self.conn()?;
        let mut select = conn
            .prepare_cached("SELECT idx, leaf_hash, root, bytes FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")
            .map_err(StoreError::db(context))?;
        let rows = select
            .query_map(params![to_i64(from, "index")?, to_i64(to, "index")?], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, Vec<u8>>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                    row.get::<_, Vec<u8>>(3)?,
                ))
            })
            .map_err(StoreError::db(context))?;
        // Capacity from the request only up to a bound: a range is a caller's wish, not a size.
        let mut out = Vec::with_capacity(usize::try_from(to.saturating_sub(from).min(10_000)).unwrap_or(0));
        for (expected, row) in (from..).zip(rows) {
            let (index, leaf_hash, root, bytes) = row.map_err(StoreError::db(context))?;
            let index = to_u64(index, "index")?;
            if index != expected {
                return Err(StoreError::NotFound(format!("entry {expected}")));
            }
            out.push(StoredEntry {
                index,
                leaf_hash: to_hash(&leaf_hash, "leaf hash", index)?,
                root: to_hash(&root, "root", index)?,
                bytes,
            });
        }
        if (out.len() as u64) < to.saturating_sub(from) {
            return Err(StoreError::NotFound(format!("entry {}", from + out.len() as u64)));
        }
        Ok(out)
    }

    fn append_checkpoint(&self, checkpoint: &SignedCheckpoint) -> Result<u64, StoreError> {
        let context = "appending a checkpoint";
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::db(context))?;
        let (count, last_size): (i64, Option<i64>) = tx
            .query_row(
                "SELECT COUNT(*), (SELECT size FROM checkpoints ORDER BY number DESC LIMIT 1) FROM checkpoints",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(StoreError::db(context))?;
        let size = checkpoint.checkpoint.size;
        if let Some(last) = last_size
            && to_u64(last, "size")? > size
        {
            return Err(StoreError::Conflict(format!("checkpoint of size {size} after one of size {last}")));
        }
        let bare = SignedCheckpoint { cosignatures: Vec::new(), ..checkpoint.clone() };
        tx.execute(
            "INSERT INTO checkpoints (number, size, bytes) VALUES (?1, ?2, ?3)",
            params![count, to_i64(size, "size")?, canonical::encode(&bare)],
        )
        .map_err(StoreError::db(context))?;
        for (position, cosignature) in checkpoint.cosignatures.iter().enumerate() {
            tx.execute(
                "INSERT INTO cosignatures (checkpoint, position, bytes) VALUES (?1, ?2, ?3)",
                params![count, position as i64, canonical::encode(cosignature)],
            )
            .map_err(StoreError::db(context))?;
        }
        tx.commit().map_err(StoreError::db(context))?;
        to_u64(count, "checkpoint number")
    }

    fn append_cosignature(&self, number: u64, cosignature: &CoSignature) -> Result<(), StoreError> {
        let context = "appending a co-signature";
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::db(context))?;
        let number = to_i64(number, "checkpoint number")?;
        let exists: Option<i64> = tx
            .query_row("SELECT number FROM checkpoints WHERE number = ?1", [number], |row| row.get(0))
            .optional()
            .map_err(StoreError::db(context))?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("checkpoint {number}")));
        }
        // One co-signature a key: checked inside the write transaction, so that two
        // requests of one party at once (on one server or two) cannot both be stored.
        let stored: Vec<Vec<u8>> = tx
            .prepare_cached("SELECT bytes FROM cosignatures WHERE checkpoint = ?1")
            .and_then(|mut select| select.query_map([number], |row| row.get(0))?.collect())
            .map_err(StoreError::db(context))?;
        check_new_cosigner(number, stored.iter().map(Vec::as_slice), cosignature)?;
        tx.execute(
            "INSERT INTO cosignatures (checkpoint, position, bytes)
             VALUES (?1, (SELECT COUNT(*) FROM cosignatures WHERE checkpoint = ?1), ?2)",
            params![number, canonical::encode(cosignature)],
        )
        .map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))
    }

    fn read_checkpoints(&self) -> Result<Vec<SignedCheckpoint>, StoreError> {
        let context = "reading checkpoints";
        let conn = self.conn()?;
        let mut select = conn
            .prepare_cached("SELECT number, bytes FROM checkpoints ORDER BY number")
            .map_err(StoreError::db(context))?;
        let rows = select
            .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?)))
            .map_err(StoreError::db(context))?;
        let mut checkpoints = Vec::new();
        for row in rows {
            let (number, bytes) = row.map_err(StoreError::db(context))?;
            let checkpoint: SignedCheckpoint =
                canonical::decode(&bytes).map_err(|e| StoreError::other(format!("stored checkpoint {number}"), e))?;
            checkpoints.push((number, checkpoint));
        }
        let mut select = conn
            .prepare_cached("SELECT checkpoint, bytes FROM cosignatures ORDER BY checkpoint, position")
            .map_err(StoreError::db(context))?;
        let rows = select
            .query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?)))
            .map_err(StoreError::db(context))?;
        for row in rows {
            let (number, bytes) = row.map_err(StoreError::db(context))?;
            let cosignature: CoSignature = canonical::decode(&bytes)
                .map_err(|e| StoreError::other(format!("stored co-signature on checkpoint {number}"), e))?;
            let slot = checkpoints
                .iter_mut()
                .find(|(n, _)| *n == number)
                .ok_or_else(|| StoreError::NotFound(format!("checkpoint {number}")))?;
            slot.1.cosignatures.push(cosignature);
        }
        Ok(checkpoints.into_iter().map(|(_, c)| c).collect())
    }
}

type AccountRow = (String, String, Option<String>, String, String, Option<String>);

fn account_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?))
}

fn to_account((name, role, side, key, created, revoked): AccountRow) -> Result<Account, StoreError> {
    account_from_row(name, role, side, &key, &created, revoked.as_deref())
}

impl AccountStore for SqliteStore {
    fn add_account(&self, account: &Account, token: &TokenHash) -> Result<(), StoreError> {
        let context = "adding an account";
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::db(context))?;
        let taken: Option<String> = tx
            .query_row("SELECT name FROM accounts WHERE name = ?1", [&account.name], |row| row.get(0))
            .optional()
            .map_err(StoreError::db(context))?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("an account named {:?} exists", account.name)));
        }
        tx.execute(
            "INSERT INTO accounts (name, role, side, key, token_hash, created_at, revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                account.name,
                account.role,
                account.side,
                account.key.to_hex(),
                &token.0[..],
                account.created_at.to_canonical(),
                account.revoked_at.map(|t| t.to_canonical()),
            ],
        )
        .map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))
    }

    fn revoke_account(&self, name: &str, at: Time) -> Result<(), StoreError> {
        let context = "revoking an account";
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::db(context))?;
        let revoked: Option<Option<String>> = tx
            .query_row("SELECT revoked_at FROM accounts WHERE name = ?1", [name], |row| row.get(0))
            .optional()
            .map_err(StoreError::db(context))?;
        match revoked {
            None => return Err(StoreError::NotFound(format!("account {name:?}"))),
            Some(Some(at)) => return Err(StoreError::Conflict(format!("account {name:?} was revoked at {at}"))),
            Some(None) => {}
        }
        tx.execute("UPDATE accounts SET revoked_at = ?1 WHERE name = ?2", params![at.to_canonical(), name])
            .map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let context = "reading accounts";
        let conn = self.conn()?;
        let mut select = conn
            .prepare_cached(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name"))
            .map_err(StoreError::db(context))?;
        let rows = select.query_map([], account_row).map_err(StoreError::db(context))?;
        rows.map(|row| to_account(row.map_err(StoreError::db(context))?)).collect()
    }

    fn active_account(&self, token: &TokenHash) -> Result<Option<Account>, StoreError> {
        let context = "looking up a token";
        let conn = self.conn()?;
        let mut select = conn
            .prepare_cached(&format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE token_hash = ?1 AND revoked_at IS NULL"
            ))
            .map_err(StoreError::db(context))?;
        let row = select.query_row([&token.0[..]], account_row).optional().map_err(StoreError::db(context))?;
        row.map(to_account).transpose()
    }
}
