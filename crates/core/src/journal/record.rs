//! The journal in memory: entries in order, the Merkle tree over them, and the signed
//! checkpoints with their co-signatures. Every append and checkpoint is checked, so a
//! `Journal` value is always a valid record; the store and the export verifier both
//! build one.

use thiserror::Error;

use super::checkpoint::Checkpoint;
use super::checkpoint::{CheckpointError, CoSignature, SignedCheckpoint};
use super::entry::{Entry, EntryError, Submission};
use super::hash::Hash;
use super::keys::{PublicKey, SecretKey, Signature};
use super::time::Time;
use super::tree::{Tree, TreeError};

/// Why an append, a checkpoint or a co-signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JournalError {
    #[error("entry {index}: {source}")]
    Entry { index: u64, source: EntryError },
    #[error("entry {found} offered where entry {expected} comes next")]
    OutOfOrder { expected: u64, found: u64 },
    #[error("entry {index} corrects entry {target}, which {reason}")]
    CorrectionTarget { index: u64, target: u64, reason: &'static str },
    #[error("checkpoint of size {size}: the journal has only {entries} entries")]
    CheckpointBeyondJournal { size: u64, entries: u64 },
    #[error("checkpoint of size {size}: root {signed} is not the journal's root {actual} at that size")]
    CheckpointRoot { size: u64, signed: Hash, actual: Hash },
    #[error("checkpoint of size {size} comes after one of size {last}")]
    CheckpointBackwards { size: u64, last: u64 },
    #[error("checkpoint of size {size}: {source}")]
    Checkpoint { size: u64, source: CheckpointError },
    #[error("no checkpoint number {0}")]
    NoSuchCheckpoint(usize),
    #[error("{0}")]
    Tree(#[from] TreeError),
}

/// A valid journal: the server's key, the entries, the tree and the checkpoints.
#[derive(Debug, Clone)]
pub struct Journal {
    server: PublicKey,
    entries: Vec<Entry>,
    tree: Tree,
    checkpoints: Vec<SignedCheckpoint>,
}

impl Journal {
    /// An empty journal kept by the server whose key is `server`.
    pub fn new(server: PublicKey) -> Self {
        Self { server, entries: Vec::new(), tree: Tree::new(), checkpoints: Vec::new() }
    }

    pub fn server(&self) -> PublicKey {
        self.server
    }

    /// The number of entries.
    pub fn size(&self) -> u64 {
        self.tree.size()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    pub fn checkpoints(&self) -> &[SignedCheckpoint] {
        &self.checkpoints
    }

    /// Appends an entry the server received: it must come next, carry valid
    /// signatures, and a correction must name an earlier entry by its true hash.
    /// Returns the entry's leaf hash.
    pub fn append(&mut self, entry: Entry) -> Result<Hash, JournalError> {
        let bytes = entry.to_bytes();
        self.append_with_bytes(entry, &bytes)
    }

    /// [`Journal::append`] for an entry whose canonical bytes the caller already has.
    pub(crate) fn append_with_bytes(&mut self, entry: Entry, bytes: &[u8]) -> Result<Hash, JournalError> {
        entry.check(&self.server).map_err(|source| JournalError::Entry { index: entry.index, source })?;
        self.push_checked(entry, bytes)
    }

    /// Appends an entry whose signatures are known to be good.
    fn push_checked(&mut self, entry: Entry, bytes: &[u8]) -> Result<Hash, JournalError> {
        let expected = self.size();
        if entry.index != expected {
            return Err(JournalError::OutOfOrder { expected, found: entry.index });
        }
        if let Some(target) = entry.submission.corrects {
            // check() guarantees target.index < entry.index == self.size().
            let actual = usize::try_from(target.index).ok().and_then(|i| self.tree.leaves().get(i));
            if actual != Some(&target.hash) {
                return Err(JournalError::CorrectionTarget {
                    index: entry.index,
                    target: target.index,
                    reason: "has another hash",
                });
            }
        }
        let leaf = Hash::leaf(bytes);
        self.tree.push(leaf);
        self.entries.push(entry);
        Ok(leaf)
    }

    /// The server receives a signed submission as the next entry, at `received_at`.
    pub fn receive(
        &mut self,
        submission: Submission,
        signature: Signature,
        received_at: Time,
        server: &SecretKey,
    ) -> Result<Hash, JournalError> {
        let index = self.size();
        if server.public() != self.server {
            return Err(JournalError::Entry { index, source: EntryError::BadReceipt });
        }
        // Entry::receive checked the submitter's signature and signed the receipt with
        // the journal's own server key: no need to verify either again.
        let entry = Entry::receive(submission, signature, index, received_at, server)
            .map_err(|source| JournalError::Entry { index, source })?;
        let bytes = entry.to_bytes();
        self.push_checked(entry, &bytes)
    }

    /// The server signs a checkpoint of the whole journal at `time` and keeps it.
    pub fn checkpoint(&mut self, time: Time, server: &SecretKey) -> Result<&SignedCheckpoint, JournalError> {
        let signed = Checkpoint { root: self.root(), size: self.size(), time }.sign(server);
        self.add_checkpoint(signed)?;
        let last = self.checkpoints.len() - 1;
        Ok(&self.checkpoints[last])
    }

    /// Adds a checkpoint signed elsewhere: the server's signature, its root at its size,
    /// sizes never going back, and every co-signature it carries are checked.
    pub fn add_checkpoint(&mut self, signed: SignedCheckpoint) -> Result<(), JournalError> {
        let Checkpoint { size, root, .. } = signed.checkpoint;
        signed.verify_server(&self.server).map_err(|source| JournalError::Checkpoint { size, source })?;
        if size > self.size() {
            return Err(JournalError::CheckpointBeyondJournal { size, entries: self.size() });
        }
        if let Some(last) = self.checkpoints.last()
            && last.checkpoint.size > size
        {
            return Err(JournalError::CheckpointBackwards { size, last: last.checkpoint.size });
        }
        let actual = self.tree.root_at(size)?;
        if actual != root {
            return Err(JournalError::CheckpointRoot { size, signed: root, actual });
        }
        for cosignature in &signed.cosignatures {
            cosignature.verify(&signed.checkpoint).map_err(|source| JournalError::Checkpoint { size, source })?;
        }
        self.checkpoints.push(signed);
        Ok(())
    }

    /// Attaches a co-signature to checkpoint `number` after checking it.
    pub fn add_cosignature(&mut self, number: usize, cosignature: CoSignature) -> Result<(), JournalError> {
        let signed = self.checkpoints.get_mut(number).ok_or(JournalError::NoSuchCheckpoint(number))?;
        let size = signed.checkpoint.size;
        cosignature.verify(&signed.checkpoint).map_err(|source| JournalError::Checkpoint { size, source })?;
        signed.cosignatures.push(cosignature);
        Ok(())
    }

    /// The inclusion proof of entry `index` in the journal's first `size` entries.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, JournalError> {
        Ok(self.tree.inclusion_proof(index, size)?)
    }

    /// The consistency proof between the journal's first `old` and first `new` entries.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, JournalError> {
        Ok(self.tree.consistency_proof(old, new)?)
    }
}

#[cfg(test)]
mod tests {
    use super::super::checkpoint::cosign;
    use super::super::entry::{EntryKind, EntryRef};
    use super::super::proof::verify_inclusion;
    use super::*;

    fn at(seconds: i64) -> Time {
        Time::from_unix_millis(seconds * 1000).unwrap()
    }

    #[test]
    fn a_journal_appends_proves_and_checkpoints() {
        let server = SecretKey::from_seed(&[1; 32]);
        let unc = SecretKey::from_seed(&[2; 32]);
        let mut journal = Journal::new(server.public());
        for i in 0..5 {
            let submission =
                Submission::new(EntryKind::Report, "UNC", unc.public(), format!("report {i}"), None).unwrap();
            let signature = submission.sign(&unc).unwrap();
            journal.receive(submission, signature, at(i), &server).unwrap();
        }
        let target = EntryRef { hash: journal.tree().leaves()[2], index: 2 };
        let correction =
            Submission::new(EntryKind::Correction, "UNC", unc.public(), "report 2 misread".into(), Some(target))
                .unwrap();
        let signature = correction.sign(&unc).unwrap();
        journal.receive(correction, signature, at(6), &server).unwrap();
        assert_eq!(journal.size(), 6);

        let checkpoint = journal.checkpoint(at(7), &server).unwrap().clone();
        for index in 0..6 {
            let proof = journal.inclusion_proof(index, 6).unwrap();
            let leaf = journal.tree().leaves()[index as usize];
            assert_eq!(verify_inclusion(&leaf, index, 6, &proof, &checkpoint.checkpoint.root), Ok(()));
        }
        let nnsc = SecretKey::from_seed(&[3; 32]);
        let cosignature = cosign(None, &checkpoint, &server.public(), &[], "NNSC", &nnsc).unwrap();
        journal.add_cosignature(0, cosignature).unwrap();
        assert_eq!(journal.checkpoints()[0].cosignatures.len(), 1);
    }

    #[test]
    fn out_of_order_forged_and_misdirected_entries_are_refused() {
        let server = SecretKey::from_seed(&[1; 32]);
        let unc = SecretKey::from_seed(&[2; 32]);
        let mut journal = Journal::new(server.public());
        let submission = Submission::new(EntryKind::Report, "UNC", unc.public(), "r".into(), None).unwrap();
        let signature = submission.sign(&unc).unwrap();
        let later = Entry::receive(submission.clone(), signature, 1, at(0), &server).unwrap();
        assert_eq!(journal.append(later), Err(JournalError::OutOfOrder { expected: 0, found: 1 }));
        let impostor = SecretKey::from_seed(&[9; 32]);
        let forged = Entry::receive(submission.clone(), signature, 0, at(0), &impostor).unwrap();
        assert!(matches!(
            journal.append(forged),
            Err(JournalError::Entry { index: 0, source: EntryError::BadReceipt })
        ));
        journal.receive(submission, signature, at(0), &server).unwrap();

        let wrong = EntryRef { hash: Hash::empty(), index: 0 };
        let correction = Submission::new(EntryKind::Correction, "UNC", unc.public(), "c".into(), Some(wrong)).unwrap();
        let signature = correction.sign(&unc).unwrap();
        assert!(matches!(
            journal.receive(correction, signature, at(1), &server),
            Err(JournalError::CorrectionTarget { index: 1, target: 0, .. })
        ));

        let stale = Checkpoint { root: Hash::empty(), size: 1, time: at(2) }.sign(&server);
        assert!(matches!(journal.add_checkpoint(stale), Err(JournalError::CheckpointRoot { size: 1, .. })));
        let ahead = Checkpoint { root: journal.root(), size: 2, time: at(2) }.sign(&server);
        assert_eq!(journal.add_checkpoint(ahead), Err(JournalError::CheckpointBeyondJournal { size: 2, entries: 1 }));
    }
}
