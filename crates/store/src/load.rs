//! Reading a whole store back into a checked [`Journal`]: every row's bytes decoded
//! and verified by the core, its stored leaf hash and running root compared, and every
//! checkpoint and co-signature checked. The first bad row is named.

use armistice_core::journal::{Entry, Hash, Journal, JournalError};
use thiserror::Error;

use crate::{JournalStore, StoreError};

/// Entries read per round trip.
const READ_CHUNK: u64 = 10_000;

/// Why a stored journal does not load.
#[derive(Debug, Error)]
pub enum LoadError {
    #[error("the store records no server key (nothing was ever appended)")]
    NoServerKey,
    #[error("stored entry {index}: {reason}")]
    Entry { index: u64, reason: String },
    #[error("stored checkpoint {number}: {reason}")]
    Checkpoint { number: usize, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl LoadError {
    /// The index of the entry at fault, when the fault is in an entry.
    pub fn entry_index(&self) -> Option<u64> {
        match self {
            LoadError::Entry { index, .. } => Some(*index),
            _ => None,
        }
    }
}

/// The journal in `store`, checked entry by entry.
pub fn load(store: &dyn JournalStore) -> Result<Journal, LoadError> {
    let server = store.server_key()?.ok_or(LoadError::NoServerKey)?;
    let mut journal = Journal::new(server);
    let size = store.size()?;
    let mut from = 0;
    while from < size {
        let to = size.min(from + READ_CHUNK);
        for row in store.read(from, to)? {
            let fault = |reason: String| LoadError::Entry { index: row.index, reason };
            let entry = Entry::decode(&row.bytes).map_err(|e| fault(e.to_string()))?;
            if entry.index != row.index {
                return Err(fault(format!("the entry says it is entry {}", entry.index)));
            }
            journal.append(entry).map_err(|e| match e {
                JournalError::Entry { source, .. } => fault(source.to_string()),
                other => fault(other.to_string()),
            })?;
            if Hash::leaf(&row.bytes) != row.leaf_hash {
                return Err(fault("the stored leaf hash is not the hash of the entry".into()));
            }
            if journal.root() != row.root {
                return Err(fault("the stored running root is not the tree's root after this entry".into()));
            }
        }
        from = to;
    }
    for (number, checkpoint) in store.read_checkpoints()?.into_iter().enumerate() {
        journal.add_checkpoint(checkpoint).map_err(|e| LoadError::Checkpoint { number, reason: e.to_string() })?;
    }
    Ok(journal)
}
