//! The PostgreSQL backend, for several processes sharing one record. Every append
//! locks the single `journal_head` row (`SELECT ... FOR UPDATE`) and checks that it
//! starts at the head's size, and entries are keyed by index: two writers can never
//! both append entry n (no forks), and no index is ever skipped (no gaps).

use std::sync::{Mutex, MutexGuard};

use armistice_core::journal::canonical;
use armistice_core::journal::{CoSignature, PublicKey, SignedCheckpoint, Time};
use postgres::types::FromSql;
use postgres::{Client, NoTls, Row};

use crate::account::{Account, AccountStore, TokenHash, account_from_row};
use crate::{
    ACCOUNT_COLUMNS, JournalStore, StoreError, StoredEntry, check_follows, check_new_cosigner, to_hash, to_i64, to_u64,
};

/// Versioned migrations, applied in order under an advisory lock and recorded in
/// `schema_migrations`.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_journal.sql")),
    (2, include_str!("../migrations/postgres/0002_accounts.sql")),
];

/// Any fixed number: the advisory lock that serialises migrations.
const MIGRATION_LOCK: i64 = 0x1953_0727;

/// A journal in a PostgreSQL database.
pub struct PostgresStore {
    client: Mutex<Client>,
}

impl std::fmt::Debug for PostgresStore {
    // The connection holds the URL, which may hold a password: show nothing of it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host/db` or key=value form) and migrates.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let mut client = Client::connect(url, NoTls).map_err(StoreError::db("connecting to PostgreSQL"))?;
        migrate(&mut client).map_err(StoreError::db("migrating the PostgreSQL journal"))?;
        Ok(Self { client: Mutex::new(client) })
    }

    fn client(&self) -> Result<MutexGuard<'_, Client>, StoreError> {
        self.client
            .lock()
            .map_err(|_| StoreError::other("the PostgreSQL connection", "a thread panicked while holding it"))
    }
}

/// Column `index` of `row`, or an error (never the panic of `Row::get`) if the
/// database holds another type there.
fn col<'a, T: FromSql<'a>>(row: &'a Row, index: usize) -> Result<T, StoreError> {
    row.try_get(index).map_err(StoreError::db("reading a PostgreSQL column"))
}

fn migrate(client: &mut Client) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let current: i32 = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?.try_get(0)?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql)?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version])?;
    }
    tx.commit()
}

impl JournalStore for PostgresStore {
    fn server_key(&self) -> Result<Option<PublicKey>, StoreError> {
        let mut client = self.client()?;
        let row = client
            .query_opt("SELECT value FROM meta WHERE key = 'server_key'", &[])
            .map_err(StoreError::db("reading the server key"))?;
        row.map(|row| {
            let hex: String = col(&row, 0)?;
            PublicKey::from_hex(&hex).map_err(|e| StoreError::other("the stored server key", e))
        })
        .transpose()
    }

    fn claim_server_key(&self, server: &PublicKey) -> Result<(), StoreError> {
        let context = "recording the server key";
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(StoreError::db(context))?;
        tx.execute("SELECT size FROM journal_head WHERE id = 1 FOR UPDATE", &[]).map_err(StoreError::db(context))?;
        let stored = tx
            .query_opt("SELECT value FROM meta WHERE key = 'server_key'", &[])
            .map_err(StoreError::db(context))?
            .map(|row| col::<String>(&row, 0))
            .transpose()?;
        match stored {
            Some(hex) if hex == server.to_hex() => return Ok(()),
            Some(hex) => return Err(StoreError::Conflict(format!("the journal belongs to server key {hex}"))),
            None => {}
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('server_key', $1)", &[&server.to_hex()])
            .map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))
    }

    fn size(&self) -> Result<u64, StoreError> {
        let mut client = self.client()?;
        let head = client
            .query_one("SELECT size FROM journal_head WHERE id = 1", &[])
            .map_err(StoreError::db("reading the journal size"))?;
        let size: i64 = col(&head, 0)?;
        to_u64(size, "size")
    }

    fn append(&self, rows: &[StoredEntry]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let context = "appending entries";
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(StoreError::db(context))?;
        let head = tx
            .query_one("SELECT size FROM journal_head WHERE id = 1 FOR UPDATE", &[])
            .map_err(StoreError::db(context))?;
        let size: i64 = col(&head, 0)?;
        let size = to_u64(size, "size")?;
        check_follows(rows, size)?;
        let insert = tx
            .prepare("INSERT INTO entries (idx, leaf_hash, root, bytes) VALUES ($1, $2, $3, $4)")
            .map_err(StoreError::db(context))?;
        for row in rows {
            let index = to_i64(row.index, "index")?;
            tx.execute(&insert, &[&index, &&row.leaf_hash.0[..], &&row.root.0[..], &row.bytes])
                .map_err(StoreError::db(context))?;
        }
        let new_size = to_i64(size + rows.len() as u64, "size")?;
        tx.execute("UPDATE journal_head SET size = $1 WHERE id = 1", &[&new_size]).map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))
    }

    fn read(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, StoreError> {
        let context = "reading entries";
        let mut client = self.client()?;
        let rows = client
            .query(
                "SELECT idx, leaf_hash, root, bytes FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                &[&to_i64(from, "index")?, &to_i64(to, "index")?],
            )
            .map_err(StoreError::db(context))?;
        let mut out = Vec::with_capacity(rows.len());
        for (expected, row) in (from..).zip(&rows) {
            let index = to_u64(col(row, 0)?, "index")?;
            if index != expected {
                return Err(StoreError::NotFound(format!("entry {expected}")));
            }
            out.push(StoredEntry {
                index,
                leaf_hash: to_hash(col(row, 1)?, "leaf hash", index)?,
                root: to_hash(col(row, 2)?, "root", index)?,
                bytes: col(row, 3)?,
            });
        }
        if (out.len() as u64) < to.saturating_sub(from) {
            return Err(StoreError::NotFound(format!("entry {}", from + out.len() as u64)));
        }
        Ok(out)
    }

    fn append_checkpoint(&self, checkpoint: &SignedCheckpoint) -> Result<u64, StoreError> {
        let context = "appending a checkpoint";
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(StoreError::db(context))?;
        let head = tx
            .query_one("SELECT checkpoints FROM journal_head WHERE id = 1 FOR UPDATE", &[])
            .map_err(StoreError::db(context))?;
        let count: i64 = col(&head, 0)?;
        let size = checkpoint.checkpoint.size;
        let last = tx
            .query_opt("SELECT size FROM checkpoints ORDER BY number DESC LIMIT 1", &[])
            .map_err(StoreError::db(context))?
            .map(|row| col::<i64>(&row, 0))
            .transpose()?;
        if let Some(last) = last
            && to_u64(last, "size")? > size
        {
            return Err(StoreError::Conflict(format!("checkpoint of size {size} after one of size {last}")));
        }
        let bare = SignedCheckpoint { cosignatures: Vec::new(), ..checkpoint.clone() };
        tx.execute(
            "INSERT INTO checkpoints (number, size, bytes) VALUES ($1, $2, $3)",
            &[&count, &to_i64(size, "size")?, &canonical::encode(&bare)],
        )
        .map_err(StoreError::db(context))?;
        for (position, cosignature) in checkpoint.cosignatures.iter().enumerate() {
            let position = i32::try_from(position).map_err(|e| StoreError::other(context, e))?;
            tx.execute(
                "INSERT INTO cosignatures (checkpoint, position, bytes) VALUES ($1, $2, $3)",
                &[&count, &position, &canonical::encode(cosignature)],
            )
            .map_err(StoreError::db(context))?;
        }
        tx.execute("UPDATE journal_head SET checkpoints = checkpoints + 1 WHERE id = 1", &[])
            .map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))?;
        to_u64(count, "checkpoint number")
    }

    fn append_cosignature(&self, number: u64, cosignature: &CoSignature) -> Result<(), StoreError> {
        let context = "appending a co-signature";
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(StoreError::db(context))?;
        let number_i64 = to_i64(number, "checkpoint number")?;
        // Lock the checkpoint's row so that two co-signers do not take one position.
        let exists = tx
            .query_opt("SELECT number FROM checkpoints WHERE number = $1 FOR UPDATE", &[&number_i64])
            .map_err(StoreError::db(context))?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("checkpoint {number}")));
        }
        // One co-signature a key: checked under the checkpoint's row lock, so that two
        // requests of one party at once (on one server or two) cannot both be stored.
        let rows = tx
            .query("SELECT bytes FROM cosignatures WHERE checkpoint = $1", &[&number_i64])
            .map_err(StoreError::db(context))?;
        let stored: Vec<&[u8]> = rows.iter().map(|row| col(row, 0)).collect::<Result<_, _>>()?;
        check_new_cosigner(number_i64, stored, cosignature)?;
        tx.execute(
            "INSERT INTO cosignatures (checkpoint, position, bytes)
             VALUES ($1, (SELECT COUNT(*)::INTEGER FROM cosignatures WHERE checkpoint = $1), $2)",
            &[&number_i64, &canonical::encode(cosignature)],
        )
        .map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))
    }

    fn read_checkpoints(&self) -> Result<Vec<SignedCheckpoint>, StoreError> {
        let context = "reading checkpoints";
        let mut client = self.client()?;
        let rows = client
            .query("SELECT number, bytes FROM checkpoints ORDER BY number", &[])
            .map_err(StoreError::db(context))?;
        let mut checkpoints = Vec::with_capacity(rows.len());
        for row in &rows {
            let number: i64 = col(row, 0)?;
            let checkpoint: SignedCheckpoint = canonical::decode(col::<&[u8]>(row, 1)?)
                .map_err(|e| StoreError::other(format!("stored checkpoint {number}"), e))?;
            checkpoints.push((number, checkpoint));
        }
        let rows = client
            .query("SELECT checkpoint, bytes FROM cosignatures ORDER BY checkpoint, position", &[])
            .map_err(StoreError::db(context))?;
        for row in &rows {
            let number: i64 = col(row, 0)?;
            let cosignature: CoSignature = canonical::decode(col::<&[u8]>(row, 1)?)
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

fn to_account(row: &Row) -> Result<Account, StoreError> {
    let key: String = col(row, 3)?;
    let created: String = col(row, 4)?;
    let revoked: Option<String> = col(row, 5)?;
    account_from_row(col(row, 0)?, col(row, 1)?, col(row, 2)?, &key, &created, revoked.as_deref())
}

impl AccountStore for PostgresStore {
    fn add_account(&self, account: &Account, token: &TokenHash) -> Result<(), StoreError> {
        let context = "adding an account";
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(StoreError::db(context))?;
        let inserted = tx
            .execute(
                "INSERT INTO accounts (name, role, side, key, token_hash, created_at, revoked_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
                &[
                    &account.name,
                    &account.role,
                    &account.side,
                    &account.key.to_hex(),
                    &&token.0[..],
                    &account.created_at.to_canonical(),
                    &account.revoked_at.map(|t| t.to_canonical()),
                ],
            )
            .map_err(StoreError::db(context))?;
        if inserted == 0 {
            return Err(StoreError::Conflict(format!("an account named {:?} exists", account.name)));
        }
        tx.commit().map_err(StoreError::db(context))
    }

    fn revoke_account(&self, name: &str, at: Time) -> Result<(), StoreError> {
        let context = "revoking an account";
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(StoreError::db(context))?;
        let row = tx
            .query_opt("SELECT revoked_at FROM accounts WHERE name = $1 FOR UPDATE", &[&name])
            .map_err(StoreError::db(context))?;
        let Some(row) = row else {
            return Err(StoreError::NotFound(format!("account {name:?}")));
        };
        if let Some(at) = col::<Option<String>>(&row, 0)? {
            return Err(StoreError::Conflict(format!("account {name:?} was revoked at {at}")));
        }
        tx.execute("UPDATE accounts SET revoked_at = $1 WHERE name = $2", &[&at.to_canonical(), &name])
            .map_err(StoreError::db(context))?;
        tx.commit().map_err(StoreError::db(context))
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut client = self.client()?;
        let rows = client
            .query(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name"), &[])
            .map_err(StoreError::db("reading accounts"))?;
        rows.iter().map(to_account).collect()
    }

    fn active_account(&self, token: &TokenHash) -> Result<Option<Account>, StoreError> {
        let mut client = self.client()?;
        let row = client
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE token_hash = $1 AND revoked_at IS NULL"),
                &[&&token.0[..]],
            )
            .map_err(StoreError::db("looking up a token"))?;
        row.as_ref().map(to_account).transpose()
    }
}
