//! The journal: every submission signed by its submitter, received by the server,
//! and appended to a tamper-evident record that either side can verify offline.
//!
//! - `entry.rs`: an entry (kind, submitter, payload, signatures, time received) and its
//!   canonical bytes, which are its Merkle leaf.
//! - `tree.rs` and `proof.rs`: the Merkle tree of RFC 9162, its proofs and their
//!   verification.
//! - `checkpoint.rs`: signed checkpoints and co-signatures after a consistency check.
//! - `record.rs`: the record in memory (`Journal`), checked on every append.
//! - `export.rs`: the self-contained export file and [`verify`].
//! - `canonical.rs`, `hash.rs`, `keys.rs`, `time.rs`, `hex.rs`: the encodings.
//!
//! Pure: keys and times are arguments; nothing here reads a clock, a file or a random
//! source. See docs/journal.md for the formats.

pub mod canonical;
pub mod checkpoint;
pub mod entry;
pub mod export;
pub mod hash;
pub mod hex;
pub mod keys;
pub mod proof;
pub mod record;
pub mod time;
pub mod tree;

pub use checkpoint::{Checkpoint, CheckpointError, CoSignature, SignedCheckpoint, cosign};
pub use entry::{Entry, EntryError, EntryKind, EntryRef, Submission, Verified};
pub use export::{EntryFault, Report, VerifyError, export, verify};
pub use hash::Hash;
pub use keys::{Domain, KeyError, PublicKey, SecretKey, Signature};
pub use proof::{ProofError, root_from_inclusion_proof, verify_consistency, verify_inclusion};
pub use record::{Journal, JournalError};
pub use time::Time;
pub use tree::{Frontier, Tree, TreeError};
