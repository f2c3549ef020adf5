//! Appending through a store: the writer keeps the tree's right edge (the frontier)
//! in step with the store, receives submissions as entries numbered from the store's
//! size, and appends them in one transaction (group commit). When another writer got
//! there first the store answers `Conflict`; the writer reads what was added, checks
//! it chains onto what it knew, and tries again with the next free indexes.

use armistice_core::journal::{Entry, EntryError, Frontier, Hash, SecretKey, Signature, Submission, Time, Verified};
use thiserror::Error;

use crate::{JournalStore, StoreError, StoredEntry};

/// How many times an append is retried after losing a race before it gives up.
const MAX_ATTEMPTS: usize = 1000;

/// Entries read per round trip while catching up.
const READ_CHUNK: u64 = 10_000;

/// Why an append failed.
#[derive(Debug, Error)]
pub enum WriteError {
    /// Submission `position` of the batch was refused; nothing of the batch was stored.
    #[error("submission {position} refused: {source}")]
    Refused { position: usize, source: EntryError },
    /// The correction in submission `position` names an entry that does not exist or
    /// has another hash.
    #[error("submission {position} corrects entry {target}, which {reason}")]
    CorrectionTarget { position: usize, target: u64, reason: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Appends to one store, without gaps or forks, however many writers share it.
pub struct Writer<'a> {
    store: &'a dyn JournalStore,
    frontier: Frontier,
    /// Appends that lost a race and were retried.
    conflicts: u64,
}

impl std::fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("size", &self.frontier.size())
            .field("conflicts", &self.conflicts)
            .finish_non_exhaustive()
    }
}

impl<'a> Writer<'a> {
    /// A writer on `store`, caught up with everything stored (each row's running root
    /// is checked on the way).
    pub fn open(store: &'a dyn JournalStore) -> Result<Self, StoreError> {
        let mut writer = Self { store, frontier: Frontier::new(), conflicts: 0 };
        writer.catch_up()?;
        Ok(writer)
    }

    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// How many appends lost a race to another writer and were retried.
    pub fn conflicts(&self) -> u64 {
        self.conflicts
    }

    /// Reads rows other writers added and folds them into the frontier. A row whose
    /// leaf hash is not the hash of its bytes, or whose running root is not the root
    /// after it, is a broken or forked record: an error, not something to build on.
    fn catch_up(&mut self) -> Result<(), StoreError> {
        let size = self.store.size()?;
        while self.frontier.size() < size {
            let from = self.frontier.size();
            let to = size.min(from + READ_CHUNK);
            for row in self.store.read(from, to)? {
                let leaf = Hash::leaf(&row.bytes);
                if leaf != row.leaf_hash {
                    return Err(StoreError::other(
                        format!("entry {}", row.index),
                        "the stored leaf hash is not the hash of its bytes",
                    ));
                }
                self.frontier.push(leaf);
                if self.frontier.root() != row.root {
                    return Err(StoreError::other(
                        format!("entry {}", row.index),
                        "the stored running root does not follow",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Receives `submissions` (each with its submitter's signature) as consecutive
    /// entries at `received_at`, signs the receipts with `server`, and stores them in
    /// one transaction. All or nothing: a refused submission stores none of the batch.
    pub fn append(
        &mut self,
        submissions: &[(Submission, Signature)],
        received_at: Time,
        server: &SecretKey,
    ) -> Result<Vec<StoredEntry>, WriteError> {
        let verified = submissions
            .iter()
            .enumerate()
            .map(|(position, (submission, signature))| {
                Verified::check(submission.clone(), *signature)
                    .map_err(|source| WriteError::Refused { position, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.append_verified(&verified, received_at, server)
    }

    /// As [`Writer::append`], for submissions whose signatures were checked already
    /// (a server checks them on its request threads, so its one writer does not).
    pub fn append_verified(
        &mut self,
        submissions: &[Verified],
        received_at: Time,
        server: &SecretKey,
    ) -> Result<Vec<StoredEntry>, WriteError> {
        for attempt in 0..MAX_ATTEMPTS {
            let start = self.frontier.size();
            self.check_corrections(submissions, start)?;
            let mut frontier = self.frontier.clone();
            let mut rows = Vec::with_capacity(submissions.len());
            for (position, verified) in submissions.iter().enumerate() {
                let index = start + position as u64;
                let entry = Entry::receive_verified(verified.clone(), index, received_at, server)
                    .map_err(|source| WriteError::Refused { position, source })?;
                let bytes = entry.to_bytes();
                let leaf_hash = Hash::leaf(&bytes);
                frontier.push(leaf_hash);
                rows.push(StoredEntry { index, leaf_hash, root: frontier.root(), bytes });
            }
            match self.store.append(&rows) {
                Ok(()) => {
                    self.frontier = frontier;
                    return Ok(rows);
                }
                Err(StoreError::Conflict(_)) if attempt + 1 < MAX_ATTEMPTS => {
                    self.conflicts += 1;
                    self.catch_up()?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict(format!("gave up after {MAX_ATTEMPTS} attempts")).into())
    }

    /// A correction must name an entry that is already stored (or earlier in this
    /// batch), by its true leaf hash.
    fn check_corrections(&self, submissions: &[Verified], start: u64) -> Result<(), WriteError> {
        for (position, verified) in submissions.iter().enumerate() {
            let Some(target) = verified.submission().corrects else { continue };
            let index = start + position as u64;
            if target.index >= index {
                return Err(WriteError::CorrectionTarget { position, target: target.index, reason: "is not earlier" });
            }
            if target.index >= start {
                // Earlier in this batch: its hash depends on the index it gets, so the
                // submitter could not have known it.
                return Err(WriteError::CorrectionTarget {
                    position,
                    target: target.index,
                    reason: "is in the same batch",
                });
            }
            let stored = self.store.read(target.index, target.index + 1)?;
            if stored.first().map(|row| row.leaf_hash) != Some(target.hash) {
                return Err(WriteError::CorrectionTarget {
                    position,
                    target: target.index,
                    reason: "has another hash",
                });
            }
        }
        Ok(())
    }
}
