//! The server's accounts: a name (the submitter name its entries carry), a role and
//! side as the core's access module spells them, the ed25519 key it signs with, and the
//! SHA-256 of its bearer token. The store keeps these; checking a role against the
//! agreement and hashing tokens is the server's business.

use armistice_core::journal::{PublicKey, Time};

use crate::StoreError;

/// One account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    /// The role's wire name (`mac-member`, `observer`, ...).
    pub role: String,
    /// The side, for a side's role.
    pub side: Option<String>,
    pub key: PublicKey,
    pub created_at: Time,
    /// When the account was revoked; a revoked account's token is refused.
    pub revoked_at: Option<Time>,
}

/// The SHA-256 of a bearer token: all the store ever sees of it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TokenHash(pub [u8; 32]);

impl std::fmt::Debug for TokenHash {
    // Only a prefix: enough to tell two apart in a test failure.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenHash({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

/// Storage for accounts, beside the journal in the same database.
pub trait AccountStore: Send + Sync {
    /// Adds an account; a name already taken (revoked or not) is a conflict.
    fn add_account(&self, account: &Account, token: &TokenHash) -> Result<(), StoreError>;
    /// Revokes the account `name` at `at`; `NotFound` if there is none, a conflict if it
    /// was revoked already.
    fn revoke_account(&self, name: &str, at: Time) -> Result<(), StoreError>;
    /// Every account, revoked or not, by name.
    fn accounts(&self) -> Result<Vec<Account>, StoreError>;
    /// The account, not revoked, whose token hashes to `token`.
    fn active_account(&self, token: &TokenHash) -> Result<Option<Account>, StoreError>;
}

/// A row's fields as the databases hold them, into an [`Account`].
pub(crate) fn account_from_row(
    name: String,
    role: String,
    side: Option<String>,
    key: &str,
    created_at: &str,
    revoked_at: Option<&str>,
) -> Result<Account, StoreError> {
    let corrupt = |what: &str, e: String| StoreError::other(format!("account {name:?}: stored {what}"), e);
    let key = PublicKey::from_hex(key).map_err(|e| corrupt("key", e.to_string()))?;
    let created_at = Time::parse(created_at).map_err(|e| corrupt("creation time", e))?;
    let revoked_at = revoked_at.map(Time::parse).transpose().map_err(|e| corrupt("revocation time", e))?;
    Ok(Account { name, role, side, key, created_at, revoked_at })
}
