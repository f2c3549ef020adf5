//! The API's wire types. The server owns them: core types are converted at the edge,
//! and every request body is checked field by field into core values there.

use armistice_core::journal::{
    CoSignature, Entry, EntryKind, EntryRef, Hash, PublicKey, Signature, SignedCheckpoint, Submission, hex,
};
use armistice_store::StoredEntry;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// `POST /api/entries`: a submission and its submitter's signature.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    pub submission: SubmissionBody,
    /// The submitter's ed25519 signature over the submission's canonical bytes, hex.
    pub signature: String,
}

/// A submission as the client sends it (the fields the submitter signed).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBody {
    pub kind: String,
    pub submitter: String,
    pub key: String,
    pub payload: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<EntryRefBody>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRefBody {
    pub index: u64,
    pub hash: String,
}

fn bad(field: &str, reason: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(format!("{field}: {reason}"))
}

pub fn parse_signature(field: &str, text: &str) -> Result<Signature, ApiError> {
    hex::decode::<64>(text).map(Signature).map_err(|e| bad(field, e))
}

pub fn parse_key(field: &str, text: &str) -> Result<PublicKey, ApiError> {
    PublicKey::from_hex(text).map_err(|e| bad(field, e))
}

impl SubmitRequest {
    /// The checked core values: kind, names, key, target and signature are parsed, and
    /// the submission's shape is checked (the signature is verified by the caller).
    pub fn into_core(self) -> Result<(Submission, Signature), ApiError> {
        let body = self.submission;
        let kind: EntryKind = body.kind.parse().map_err(|e| bad("submission.kind", e))?;
        let key = parse_key("submission.key", &body.key)?;
        let corrects = body
            .corrects
            .map(|r| {
                let hash = Hash::from_hex(&r.hash).map_err(|e| bad("submission.corrects.hash", e))?;
                Ok::<_, ApiError>(EntryRef { hash, index: r.index })
            })
            .transpose()?;
        let submission =
            Submission::new(kind, &body.submitter, key, body.payload, corrects).map_err(|e| bad("submission", e))?;
        let signature = parse_signature("signature", &self.signature)?;
        Ok((submission, signature))
    }
}

impl From<&Submission> for SubmissionBody {
    fn from(s: &Submission) -> Self {
        Self {
            kind: s.kind.to_string(),
            submitter: s.submitter.clone(),
            key: s.key.to_hex(),
            payload: s.payload.clone(),
            corrects: s.corrects.map(|r| EntryRefBody { index: r.index, hash: r.hash.to_hex() }),
        }
    }
}

/// One entry as stored: the fields, the server's receipt, and the canonical bytes
/// (the Merkle leaf) as text, so a client can check the leaf hash itself.
#[derive(Debug, Serialize, Deserialize)]
pub struct EntryView {
    pub index: u64,
    pub leaf_hash: String,
    pub received_at: String,
    pub submission: SubmissionBody,
    pub signature: String,
    pub receipt: String,
    pub canonical: String,
}

impl EntryView {
    pub fn from_stored(row: &StoredEntry) -> Result<Self, ApiError> {
        let entry = Entry::decode(&row.bytes)
            .map_err(|e| ApiError::internal(&format!("decoding stored entry {}", row.index), e))?;
        let canonical = String::from_utf8(row.bytes.clone())
            .map_err(|e| ApiError::internal(&format!("decoding stored entry {}", row.index), e))?;
        Ok(Self {
            index: row.index,
            leaf_hash: row.leaf_hash.to_hex(),
            received_at: entry.received_at.to_canonical(),
            submission: SubmissionBody::from(&entry.submission),
            signature: hex::encode(&entry.signature.0),
            receipt: hex::encode(&entry.receipt.0),
            canonical,
        })
    }
}

/// `GET /api/entries`: a page of entries.
#[derive(Debug, Serialize, Deserialize)]
pub struct EntriesPage {
    pub entries: Vec<EntryView>,
    /// The journal's size when the page was read.
    pub size: u64,
    /// The `from` of the next page, if there are more entries.
    pub next: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CoSignatureView {
    pub name: String,
    pub key: String,
    pub signature: String,
}

/// A checkpoint with the server's signature and its co-signatures.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckpointView {
    pub number: u64,
    pub size: u64,
    pub root: String,
    pub time: String,
    pub signature: String,
    pub cosignatures: Vec<CoSignatureView>,
}

impl CheckpointView {
    pub fn new(number: u64, c: &SignedCheckpoint) -> Self {
        Self {
            number,
            size: c.checkpoint.size,
            root: c.checkpoint.root.to_hex(),
            time: c.checkpoint.time.to_canonical(),
            signature: hex::encode(&c.signature.0),
            cosignatures: c
                .cosignatures
                .iter()
                .map(|s| CoSignatureView {
                    name: s.name.clone(),
                    key: s.key.to_hex(),
                    signature: hex::encode(&s.signature.0),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CheckpointList {
    pub checkpoints: Vec<CheckpointView>,
}

/// `POST /api/checkpoints/{number}/cosignatures`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosignRequest {
    pub name: String,
    pub key: String,
    pub signature: String,
}

impl CosignRequest {
    pub fn into_core(self) -> Result<CoSignature, ApiError> {
        Ok(CoSignature {
            key: parse_key("key", &self.key)?,
            name: self.name,
            signature: parse_signature("signature", &self.signature)?,
        })
    }
}

/// The answer to a submission: where it went, durable.
#[derive(Debug, Serialize, Deserialize)]
pub struct Receipt {
    pub index: u64,
    pub leaf_hash: String,
    pub entry: EntryView,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct InclusionProof {
    pub index: u64,
    pub size: u64,
    pub leaf_hash: String,
    pub root: String,
    pub proof: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ConsistencyProof {
    pub old: u64,
    pub new: u64,
    pub old_root: String,
    pub new_root: String,
    pub proof: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Whoami {
    pub name: String,
    pub role: String,
    pub side: Option<String>,
    pub key: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub entries: u64,
}

/// Query of `GET /api/entries`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[serde(default)]
    pub from: u64,
    pub limit: Option<u64>,
}

/// Query of `GET /api/proofs/inclusion`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    pub index: u64,
    pub size: Option<u64>,
}

/// Query of `GET /api/proofs/consistency`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    pub old: u64,
    pub new: Option<u64>,
}
