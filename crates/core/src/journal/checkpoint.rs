//! Checkpoints: the server signs the tree's size and root at a time; each party and
//! the neutral commission co-sign a checkpoint only after checking that it extends
//! the last one they signed. A server that shows two sides two different histories
//! cannot get both co-signatures on a consistent chain.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::canonical;
use super::hash::Hash;
use super::keys::{Domain, PublicKey, SecretKey, Signature};
use super::proof::{ProofError, verify_consistency};
use super::time::Time;

/// The tree at a moment: `size` entries with root `root`, as of `time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub root: Hash,
    pub size: u64,
    pub time: Time,
}

/// A co-signer's signature over a checkpoint, with the name and key it signed as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoSignature {
    pub key: PublicKey,
    pub name: String,
    pub signature: Signature,
}

/// A checkpoint with the server's signature and the co-signatures gathered so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub cosignatures: Vec<CoSignature>,
    pub signature: Signature,
}

/// What a co-signature covers: the checkpoint and who signs it.
#[derive(Serialize)]
struct CoSigned<'a> {
    checkpoint: &'a Checkpoint,
    key: &'a PublicKey,
    name: &'a str,
}

/// Why a checkpoint or co-signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckpointError {
    #[error("the server's signature on the checkpoint does not verify")]
    ServerSignature,
    #[error("the co-signature of {name:?} does not verify")]
    CoSignature { name: String },
    #[error("the checkpoint goes back from size {last} to {new}")]
    Rollback { last: u64, new: u64 },
    #[error("fork: size {size} was signed with root {signed}, now offered with root {offered}")]
    Fork { size: u64, signed: Hash, offered: Hash },
    #[error("the checkpoint of size {new} does not extend the one of size {last}: {source}")]
    Inconsistent { last: u64, new: u64, source: ProofError },
}

impl Checkpoint {
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical::encode(self)
    }

    /// The server signs the checkpoint.
    pub fn sign(self, server: &SecretKey) -> SignedCheckpoint {
        let signature = server.sign(Domain::Checkpoint, &self.canonical_bytes());
        SignedCheckpoint { checkpoint: self, cosignatures: Vec::new(), signature }
    }
}

impl CoSignature {
    fn body(checkpoint: &Checkpoint, key: &PublicKey, name: &str) -> Vec<u8> {
        canonical::encode(&CoSigned { checkpoint, key, name })
    }

    /// Checks this co-signature over `checkpoint`.
    pub fn verify(&self, checkpoint: &Checkpoint) -> Result<(), CheckpointError> {
        self.key
            .verify(Domain::CoSignature, &Self::body(checkpoint, &self.key, &self.name), &self.signature)
            .map_err(|_| CheckpointError::CoSignature { name: self.name.clone() })
    }
}

impl SignedCheckpoint {
    /// Checks the server's signature.
    pub fn verify_server(&self, server: &PublicKey) -> Result<(), CheckpointError> {
        server
            .verify(Domain::Checkpoint, &self.checkpoint.canonical_bytes(), &self.signature)
            .map_err(|_| CheckpointError::ServerSignature)
    }
}

/// A party or commission co-signs `new` as `name` with `key`, after checking the
/// server's signature and that `new` extends `last`, the last checkpoint it signed
/// (`None` the first time), by `proof`, the consistency proof from `last` to `new`.
/// Going back in size, a different root for the same size, or a proof that does not
/// verify is an error, and nothing is signed.
pub fn cosign(
    last: Option<&Checkpoint>,
    new: &SignedCheckpoint,
    server: &PublicKey,
    proof: &[Hash],
    name: &str,
    key: &SecretKey,
) -> Result<CoSignature, CheckpointError> {
    new.verify_server(server)?;
    let checkpoint = &new.checkpoint;
    let (last_size, last_root) = last.map_or((0, Hash::empty()), |c| (c.size, c.root));
    if checkpoint.size < last_size {
        return Err(CheckpointError::Rollback { last: last_size, new: checkpoint.size });
    }
    if checkpoint.size == last_size && checkpoint.root != last_root {
        return Err(CheckpointError::Fork { size: last_size, signed: last_root, offered: checkpoint.root });
    }
    verify_consistency(last_size, checkpoint.size, &last_root, &checkpoint.root, proof)
        .map_err(|source| CheckpointError::Inconsistent { last: last_size, new: checkpoint.size, source })?;
    let public = key.public();
    let signature = key.sign(Domain::CoSignature, &CoSignature::body(checkpoint, &public, name));
    Ok(CoSignature { key: public, name: name.to_owned(), signature })
}

#[cfg(test)]
mod tests {
    use super::super::tree::Tree;
    use super::*;

    fn tree(n: u32) -> Tree {
        let mut tree = Tree::new();
        for i in 0..n {
            tree.push(Hash::leaf(&i.to_be_bytes()));
        }
        tree
    }

    fn at(seconds: i64) -> Time {
        Time::from_unix_millis(seconds * 1000).unwrap()
    }

    #[test]
    fn a_party_cosigns_a_chain_of_consistent_checkpoints() {
        let server = SecretKey::from_seed(&[1; 32]);
        let nnsc = SecretKey::from_seed(&[2; 32]);
        let tree = tree(11);
        let mut last: Option<Checkpoint> = None;
        for (size, time) in [(0, 1), (3, 2), (3, 3), (8, 4), (11, 5)] {
            let checkpoint = Checkpoint { root: tree.root_at(size).unwrap(), size, time: at(time) }.sign(&server);
            let proof = tree.consistency_proof(last.map_or(0, |c| c.size), size).unwrap();
            let cosignature = cosign(last.as_ref(), &checkpoint, &server.public(), &proof, "NNSC", &nnsc).unwrap();
            assert_eq!(cosignature.verify(&checkpoint.checkpoint), Ok(()));
            let mut other = checkpoint.checkpoint;
            other.time = at(99);
            assert!(cosignature.verify(&other).is_err());
            last = Some(checkpoint.checkpoint);
        }
    }

    #[test]
    fn rollback_fork_bad_proof_and_forged_checkpoint_are_refused() {
        let server = SecretKey::from_seed(&[1; 32]);
        let party = SecretKey::from_seed(&[3; 32]);
        let tree = tree(8);
        let signed = |tree: &Tree, size: u64| Checkpoint { root: tree.root_at(size).unwrap(), size, time: at(1) };
        let last = signed(&tree, 6);
        let server_key = server.public();
        let run = |new: &SignedCheckpoint, proof: &[Hash]| cosign(Some(&last), new, &server_key, proof, "UNC", &party);

        let back = signed(&tree, 5).sign(&server);
        assert_eq!(run(&back, &[]), Err(CheckpointError::Rollback { last: 6, new: 5 }));

        let mut other_root = signed(&tree, 6);
        other_root.root = Hash::leaf(b"elsewhere");
        assert!(matches!(run(&other_root.sign(&server), &[]), Err(CheckpointError::Fork { size: 6, .. })));

        let ahead = signed(&tree, 8).sign(&server);
        let proof = tree.consistency_proof(6, 8).unwrap();
        assert!(run(&ahead, &proof).is_ok());
        assert!(matches!(run(&ahead, &proof[1..]), Err(CheckpointError::Inconsistent { last: 6, new: 8, .. })));
        let wrong_proof = tree.consistency_proof(5, 8).unwrap();
        assert!(matches!(run(&ahead, &wrong_proof), Err(CheckpointError::Inconsistent { .. })));

        // A tree of 9 whose first 6 leaves differ from what the party signed: a fork.
        let mut rewritten = Tree::new();
        for i in 0..9u32 {
            rewritten.push(Hash::leaf(&(i + 100).to_be_bytes()));
        }
        let fork = signed(&rewritten, 9).sign(&server);
        let fork_proof = rewritten.consistency_proof(6, 9).unwrap();
        assert!(matches!(run(&fork, &fork_proof), Err(CheckpointError::Inconsistent { .. })));

        let forged = signed(&tree, 8).sign(&SecretKey::from_seed(&[4; 32]));
        assert_eq!(run(&forged, &proof), Err(CheckpointError::ServerSignature));
    }
}
