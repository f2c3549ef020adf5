//! The store's errors: what was not there, what another writer changed first, and
//! everything else with its context.

use thiserror::Error;

/// A store failure.
#[derive(Debug, Error)]
pub enum StoreError {
    /// Something asked for is not stored.
    #[error("not found: {0}")]
    NotFound(String),
    /// Another writer got there first (or the request contradicts what is stored);
    /// re-read and retry.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database failed, or returned something the store cannot use.
    #[error("{context}: {source}")]
    Other { context: String, source: Box<dyn std::error::Error + Send + Sync> },
}

impl StoreError {
    pub(crate) fn other(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        StoreError::Other { context: context.into(), source: source.into() }
    }

    /// Wraps a database error with what the store was doing.
    pub(crate) fn db<E: std::error::Error + Send + Sync + 'static>(context: &str) -> impl FnOnce(E) -> Self + '_ {
        move |source| StoreError::Other { context: context.to_owned(), source: Box::new(source) }
    }
}
