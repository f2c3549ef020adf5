//! The journal's storage: one trait, [`JournalStore`], that appends and reads and does
//! nothing else, with two backends: SQLite in a data directory (the default) and
//! PostgreSQL when several processes share one record. Each backend has versioned
//! migrations. [`Writer`] appends through any store without gaps or forks, and
//! [`load`] reads a store back into a checked [`Journal`](armistice_core::journal::Journal).
//!
//! The store keeps bytes and positions; what the bytes mean and whether they are valid
//! is the core's business (`armistice_core::journal`). [`AccountStore`] keeps the
//! server's accounts (hashed tokens) in the same database.

mod account;
mod error;
mod load;
mod postgres;
mod sqlite;
mod writer;

use std::path::PathBuf;

use armistice_core::journal::{CoSignature, Hash, PublicKey, SignedCheckpoint};

pub use account::{Account, AccountStore, TokenHash};
pub use error::StoreError;
pub use load::{LoadError, load};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use writer::{WriteError, Writer};

/// One stored entry: its index, its canonical bytes, its leaf hash and the root of the
/// tree that ends with it (the running root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub index: u64,
    pub leaf_hash: Hash,
    pub root: Hash,
    pub bytes: Vec<u8>,
}

/// Storage for one journal. Appends are all-or-nothing and must start exactly at the
/// current size, or they fail with [`StoreError::Conflict`] (another writer was
/// first); that is what keeps the record free of gaps and forks.
pub trait JournalStore: Send + Sync {
    /// The server key the journal belongs to, if one was recorded.
    fn server_key(&self) -> Result<Option<PublicKey>, StoreError>;
    /// Records the server key on first use; a different key is a conflict.
    fn claim_server_key(&self, server: &PublicKey) -> Result<(), StoreError>;
    /// The number of entries.
    fn size(&self) -> Result<u64, StoreError>;
    /// Appends `rows`, which must be numbered from the current size on.
    fn append(&self, rows: &[StoredEntry]) -> Result<(), StoreError>;
    /// Entries `from..to`; `NotFound` if any of them is missing.
    fn read(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, StoreError>;
    /// Appends a signed checkpoint (with any co-signatures it carries); returns its
    /// number. A checkpoint smaller than the last one stored is a conflict.
    fn append_checkpoint(&self, checkpoint: &SignedCheckpoint) -> Result<u64, StoreError>;
    /// Appends a co-signature to checkpoint `number`.
    fn append_cosignature(&self, number: u64, cosignature: &CoSignature) -> Result<(), StoreError>;
    /// Every checkpoint with its co-signatures, in order.
    fn read_checkpoints(&self) -> Result<Vec<SignedCheckpoint>, StoreError>;
}

/// Where a journal lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A data directory holding `journal.sqlite`.
    Data(PathBuf),
    /// A PostgreSQL connection URL (`postgres://...`).
    Postgres(String),
}

/// Opens (creating and migrating as needed) the store at `location`.
pub fn open(location: &Location) -> Result<Box<dyn JournalStore>, StoreError> {
    Ok(open_store(location)?)
}

/// A database holding both a journal and its accounts, seen as either.
pub trait Store: JournalStore + AccountStore {
    fn journal(&self) -> &dyn JournalStore;
    fn accounts_store(&self) -> &dyn AccountStore;
}

impl<T: JournalStore + AccountStore> Store for T {
    fn journal(&self) -> &dyn JournalStore {
        self
    }

    fn accounts_store(&self) -> &dyn AccountStore {
        self
    }
}

/// Opens the store at `location` as [`open`] does, for a caller that needs the accounts
/// too (the server, `armistice user`).
pub fn open_store(location: &Location) -> Result<Box<dyn Store>, StoreError> {
    Ok(match location {
        Location::Data(dir) => Box::new(SqliteStore::open_dir(dir)?),
        Location::Postgres(url) => Box::new(PostgresStore::connect(url)?),
    })
}

/// Whether `rows` may be appended to a journal of `size` entries: they must start at
/// `size` and run on without a gap. Both backends check this inside their transaction.
fn check_follows(rows: &[StoredEntry], size: u64) -> Result<(), StoreError> {
    if let Some(first) = rows.first()
        && first.index != size
    {
        return Err(StoreError::Conflict(format!("entry {} offered, the journal has {size} entries", first.index)));
    }
    match rows.iter().zip(size..).find(|(row, expected)| row.index != *expected) {
        Some((row, _)) => Err(StoreError::Conflict(format!("rows are not consecutive at entry {}", row.index))),
        None => Ok(()),
    }
}

/// Whether `cosignature` may be added to checkpoint `number`, whose co-signatures are
/// stored as `stored`: one a key. Both backends check this inside the transaction that
/// would append it.
fn check_new_cosigner<'b>(
    number: i64,
    stored: impl IntoIterator<Item = &'b [u8]>,
    cosignature: &CoSignature,
) -> Result<(), StoreError> {
    for bytes in stored {
        let stored: CoSignature = armistice_core::journal::canonical::decode(bytes)
            .map_err(|e| StoreError::other(format!("stored co-signature of checkpoint {number}"), e))?;
        if stored.key == cosignature.key {
            return Err(StoreError::Conflict(format!("checkpoint {number} is already co-signed with this key")));
        }
    }
    Ok(())
}

/// The account columns both backends select, in the order `account_from_row` takes them.
const ACCOUNT_COLUMNS: &str = "name, role, side, key, created_at, revoked_at";

/// Converts an index or size to the databases' signed 64-bit integers.
fn to_i64(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::other(format!("{what} {value} is too large to store"), "overflow"))
}

/// Converts a stored integer back to an index or size.
fn to_u64(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::other(format!("stored {what} {value} is negative"), "corrupt row"))
}

/// A 32-byte hash from a stored blob.
fn to_hash(bytes: &[u8], what: &str, index: u64) -> Result<Hash, StoreError> {
    <[u8; 32]>::try_from(bytes).map(Hash).map_err(|_| {
        StoreError::other(format!("entry {index}: stored {what} is {} bytes, not 32", bytes.len()), "corrupt row")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: u64) -> StoredEntry {
        StoredEntry { index, leaf_hash: Hash([0; 32]), root: Hash([0; 32]), bytes: Vec::new() }
    }

    #[test]
    fn appended_rows_start_at_the_size_and_have_no_gap() {
        assert!(check_follows(&[row(3), row(4)], 3).is_ok());
        assert!(check_follows(&[], 3).is_ok());
        let late = check_follows(&[row(2)], 3).unwrap_err();
        assert!(matches!(&late, StoreError::Conflict(m) if m.contains("entry 2 offered")), "{late}");
        let gap = check_follows(&[row(3), row(5)], 3).unwrap_err();
        assert!(matches!(&gap, StoreError::Conflict(m) if m.contains("not consecutive at entry 5")), "{gap}");
    }
}
