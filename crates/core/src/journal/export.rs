//! The export: one self-contained file that anyone can verify offline, and its
//! verifier.
//!
//! The file is canonical JSON lines (see `canonical.rs`), each ending in `\n`:
//!
//! 1. a header: `{"checkpoints":C,"entries":E,"format":"armistice-journal","keys":K,"server":KEY,"version":1}`;
//! 2. K key records `{"key":KEY,"name":NAME}`, sorted: every submitter and co-signer,
//!    each used at least once;
//! 3. E entries, each line exactly the entry's canonical bytes (its Merkle leaf);
//! 4. C signed checkpoints `{"checkpoint":{...},"cosignatures":[...],"signature":SIG}`.
//!
//! An export with no entries must carry a checkpoint (of size 0): otherwise nothing in
//! it is signed and its server key could be any key.
//!
//! [`verify`] reads it top to bottom and stops at the first fault, which it names by
//! line, and by entry index or checkpoint number: an altered entry fails its own
//! signature or the server's receipt, so the first bad entry is named exactly.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::canonical::{self, CanonicalError};
use super::checkpoint::{Checkpoint, SignedCheckpoint};
use super::entry::{Entry, EntryError, EntryKind};
use super::hash::Hash;
use super::keys::PublicKey;
use super::record::{Journal, JournalError};

/// The format name in the header.
pub const FORMAT: &str = "armistice-journal";
/// The format version in the header.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    checkpoints: u64,
    entries: u64,
    format: String,
    keys: u64,
    server: PublicKey,
    version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyRecord {
    key: PublicKey,
    name: String,
}

/// Every (name, key) a journal uses: submitters and co-signers.
fn keys_used(journal: &Journal) -> BTreeSet<KeyRecord> {
    let submitters =
        journal.entries().iter().map(|e| KeyRecord { key: e.submission.key, name: e.submission.submitter.clone() });
    let cosigners = journal
        .checkpoints()
        .iter()
        .flat_map(|c| &c.cosignatures)
        .map(|c| KeyRecord { key: c.key, name: c.name.clone() });
    submitters.chain(cosigners).collect()
}

/// The export of `journal`.
pub fn export(journal: &Journal) -> Vec<u8> {
    let keys = keys_used(journal);
    let header = Header {
        checkpoints: journal.checkpoints().len() as u64,
        entries: journal.size(),
        format: FORMAT.to_owned(),
        keys: keys.len() as u64,
        server: journal.server(),
        version: VERSION,
    };
    let mut out = canonical::encode(&header);
    out.push(b'\n');
    for key in &keys {
        out.extend(canonical::encode(key));
        out.push(b'\n');
    }
    for entry in journal.entries() {
        out.extend(entry.to_bytes());
        out.push(b'\n');
    }
    for checkpoint in journal.checkpoints() {
        out.extend(canonical::encode(checkpoint));
        out.push(b'\n');
    }
    out
}

/// What a verified export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub server: PublicKey,
    pub entries: u64,
    pub root: Hash,
    pub checkpoints: u64,
    pub cosignatures: u64,
    /// The last checkpoint, if any: the size and root the server vouched for last.
    pub last_checkpoint: Option<Checkpoint>,
    /// Entries after the last checkpoint, covered only by the server's receipts.
    pub after_last_checkpoint: u64,
    /// Entries per submitter (name, key).
    pub submitters: Vec<(String, PublicKey, u64)>,
    /// Checkpoints co-signed per co-signer (name, key).
    pub cosigners: Vec<(String, PublicKey, u64)>,
    /// Entries per kind.
    pub kinds: BTreeMap<EntryKind, u64>,
}

/// What is wrong with one entry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntryFault {
    #[error("{0}")]
    Entry(#[from] EntryError),
    #[error("it says it is entry {found}")]
    Index { found: u64 },
    #[error("submitter {name:?} with key {key} is not in the key records")]
    UnlistedKey { name: String, key: PublicKey },
    #[error("{0}")]
    Journal(JournalError),
}

/// The first fault in an export.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error("line 1: not a journal export header: {reason}")]
    Header { reason: String },
    #[error("line {line}: key record {number}: {reason}")]
    Key { line: usize, number: u64, reason: String },
    #[error("line {line}: entry {index}: {fault}")]
    Entry { line: usize, index: u64, fault: EntryFault },
    #[error("line {line}: checkpoint {number}: {reason}")]
    Checkpoint { line: usize, number: u64, reason: String },
    #[error("the file ends after {found} lines; the header announces {expected}")]
    Truncated { found: usize, expected: u64 },
    #[error("line {line}: more lines than the header announces")]
    Trailing { line: usize },
    #[error("the file does not end with a newline")]
    NoFinalNewline,
    #[error("the export has no entries and no checkpoint: nothing in it is signed by the server")]
    Unsigned,
}

impl VerifyError {
    /// The index of the entry at fault, when the fault is in an entry.
    pub fn entry_index(&self) -> Option<u64> {
        match self {
            VerifyError::Entry { index, .. } => Some(*index),
            _ => None,
        }
    }
}

fn reason(error: CanonicalError) -> String {
    error.to_string()
}

/// Verifies an export offline: the header, every key record, every entry (canonical
/// encoding, index, submitter's signature, server's receipt, correction target),
/// the tree, every checkpoint (server's signature, root at its size, order) and every
/// co-signature. Returns what it holds, or the first fault.
pub fn verify(bytes: &[u8]) -> Result<Report, VerifyError> {
    let Some(body) = bytes.strip_suffix(b"\n") else {
        return Err(if bytes.is_empty() {
            VerifyError::Header { reason: "the file is empty".into() }
        } else {
            VerifyError::NoFinalNewline
        });
    };
    let mut lines = body.split(|b| *b == b'\n').enumerate().map(|(i, line)| (i + 1, line));
    let (_, first) = lines.next().ok_or(VerifyError::Header { reason: "the file is empty".into() })?;
    let header: Header = canonical::decode(first).map_err(|e| VerifyError::Header { reason: reason(e) })?;
    if header.format != FORMAT || header.version != VERSION {
        return Err(VerifyError::Header {
            reason: format!(
                "format {:?} version {} (expected {FORMAT:?} version {VERSION})",
                header.format, header.version
            ),
        });
    }
    if header.entries == 0 && header.checkpoints == 0 {
        // Receipts and checkpoints are what bind the server key; with neither, the
        // header's key could be any key.
        return Err(VerifyError::Unsigned);
    }
    // Saturating: the counts are untrusted, and a sum that overflowed would panic.
    let expected_lines =
        header.keys.saturating_add(header.entries).saturating_add(header.checkpoints).saturating_add(1);
    let mut next = |found: usize| lines.next().ok_or(VerifyError::Truncated { found, expected: expected_lines });
    let mut line_count = 1;

    let mut listed = BTreeSet::new();
    for number in 0..header.keys {
        let (line, text) = next(line_count)?;
        line_count = line;
        let record: KeyRecord =
            canonical::decode(text).map_err(|e| VerifyError::Key { line, number, reason: reason(e) })?;
        if let Some(previous) = listed.last()
            && *previous >= record
        {
            return Err(VerifyError::Key { line, number, reason: "key records must be sorted and distinct".into() });
        }
        listed.insert(record);
    }

    let mut journal = Journal::new(header.server);
    let mut submitters: BTreeMap<(String, PublicKey), u64> = BTreeMap::new();
    let mut kinds: BTreeMap<EntryKind, u64> = BTreeMap::new();
    for index in 0..header.entries {
        let (line, text) = next(line_count)?;
        line_count = line;
        let fault = |fault: EntryFault| VerifyError::Entry { line, index, fault };
        let entry = Entry::decode(text).map_err(|e| fault(e.into()))?;
        if entry.index != index {
            return Err(fault(EntryFault::Index { found: entry.index }));
        }
        let (name, key) = (entry.submission.submitter.clone(), entry.submission.key);
        if !listed.contains(&KeyRecord { key, name: name.clone() }) {
            return Err(fault(EntryFault::UnlistedKey { name, key }));
        }
        *kinds.entry(entry.submission.kind).or_default() += 1;
        journal.append_with_bytes(entry, text).map_err(|e| match e {
            JournalError::Entry { source, .. } => fault(EntryFault::Entry(source)),
            other => fault(EntryFault::Journal(other)),
        })?;
        *submitters.entry((name, key)).or_default() += 1;
    }

    let mut cosigners: BTreeMap<(String, PublicKey), u64> = BTreeMap::new();
    let mut n_cosignatures = 0;
    for number in 0..header.checkpoints {
        let (line, text) = next(line_count)?;
        line_count = line;
        let fault = |reason: String| VerifyError::Checkpoint { line, number, reason };
        let signed: SignedCheckpoint = canonical::decode(text).map_err(|e| fault(reason(e)))?;
        let mut seen = BTreeSet::new();
        for cosignature in &signed.cosignatures {
            let record = KeyRecord { key: cosignature.key, name: cosignature.name.clone() };
            if !listed.contains(&record) {
                return Err(fault(format!(
                    "co-signer {:?} with key {} is not in the key records",
                    record.name, record.key
                )));
            }
            if !seen.insert(record.clone()) {
                return Err(fault(format!("{:?} co-signed it twice", record.name)));
            }
            *cosigners.entry((record.name, record.key)).or_default() += 1;
        }
        n_cosignatures += signed.cosignatures.len() as u64;
        journal.add_checkpoint(signed).map_err(|e| fault(e.to_string()))?;
    }
    if let Some((line, _)) = lines.next() {
        return Err(VerifyError::Trailing { line });
    }

    let used = keys_used(&journal);
    if let Some((number, unused)) = listed.iter().enumerate().find(|(_, k)| !used.contains(k)) {
        return Err(VerifyError::Key {
            line: 2 + number,
            number: number as u64,
            reason: format!("{:?} with key {} signs nothing in the export", unused.name, unused.key),
        });
    }

    let last_checkpoint = journal.checkpoints().last().map(|c| c.checkpoint);
    Ok(Report {
        server: header.server,
        entries: journal.size(),
        root: journal.root(),
        checkpoints: header.checkpoints,
        cosignatures: n_cosignatures,
        last_checkpoint,
        after_last_checkpoint: journal.size() - last_checkpoint.map_or(0, |c| c.size),
        submitters: submitters.into_iter().map(|((name, key), n)| (name, key, n)).collect(),
        cosigners: cosigners.into_iter().map(|((name, key), n)| (name, key, n)).collect(),
        kinds,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::checkpoint::cosign;
    use super::super::entry::{EntryRef, Submission};
    use super::super::keys::SecretKey;
    use super::super::time::Time;
    use super::*;

    fn at(seconds: i64) -> Time {
        Time::from_unix_millis(seconds * 1000).unwrap()
    }

    /// One step of a journal's life.
    #[derive(Debug, Clone)]
    enum Step {
        Submit { who: usize, kind: usize, payload: String },
        Correct { who: usize, target: usize },
        Checkpoint { cosigners: Vec<usize> },
    }

    const NAMES: [&str; 3] = ["UNC", "KPA/CPV", "NNSC"];

    /// Applies `steps` to a fresh journal; each party co-signs checkpoints after
    /// checking consistency with the last one it signed.
    fn build(steps: &[Step]) -> Journal {
        let server = SecretKey::from_seed(&[100; 32]);
        let keys: Vec<SecretKey> = (0..3).map(|i| SecretKey::from_seed(&[i + 1; 32])).collect();
        let mut journal = Journal::new(server.public());
        let mut last_signed: Vec<Option<Checkpoint>> = vec![None; 3];
        let mut clock = 0;
        for step in steps {
            clock += 1;
            match step {
                Step::Submit { who, kind, payload } => {
                    let kind = EntryKind::ALL[kind % 10];
                    let key = &keys[*who];
                    let submission = Submission::new(kind, NAMES[*who], key.public(), payload.clone(), None).unwrap();
                    let signature = submission.sign(key).unwrap();
                    journal.receive(submission, signature, at(clock), &server).unwrap();
                }
                Step::Correct { who, target } => {
                    if journal.size() == 0 {
                        continue;
                    }
                    let index = *target as u64 % journal.size();
                    let target = EntryRef { hash: journal.tree().leaves()[index as usize], index };
                    let key = &keys[*who];
                    let submission = Submission::new(
                        EntryKind::Correction,
                        NAMES[*who],
                        key.public(),
                        format!("corrects {index}"),
                        Some(target),
                    )
                    .unwrap();
                    let signature = submission.sign(key).unwrap();
                    journal.receive(submission, signature, at(clock), &server).unwrap();
                }
                Step::Checkpoint { cosigners } => {
                    let signed = journal.checkpoint(at(clock), &server).unwrap().clone();
                    let number = journal.checkpoints().len() - 1;
                    for who in cosigners.iter().copied().collect::<BTreeSet<_>>() {
                        let last = last_signed[who];
                        let proof =
                            journal.consistency_proof(last.map_or(0, |c| c.size), signed.checkpoint.size).unwrap();
                        let cosignature =
                            cosign(last.as_ref(), &signed, &server.public(), &proof, NAMES[who], &keys[who]).unwrap();
                        journal.add_cosignature(number, cosignature).unwrap();
                        last_signed[who] = Some(signed.checkpoint);
                    }
                }
            }
        }
        journal
    }

    fn sample() -> Journal {
        build(&[
            Step::Submit { who: 0, kind: 0, payload: r#"{"id":"r1","kind":"fire"}"#.into() },
            Step::Submit { who: 1, kind: 1, payload: "allegation: \"shots\" at marker 0612\n".into() },
            Step::Checkpoint { cosigners: vec![0, 1, 2] },
            Step::Submit { who: 2, kind: 6, payload: "inspection at Inchon: 12 in, 12 out — 검사".into() },
            Step::Correct { who: 1, target: 1 },
            Step::Submit { who: 0, kind: 2, payload: String::new() },
            Step::Checkpoint { cosigners: vec![0, 2] },
            Step::Submit { who: 1, kind: 9, payload: "list".into() },
        ])
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0..3usize, 0..10usize, ".{0,40}").prop_map(|(who, kind, payload)| Step::Submit { who, kind, payload }),
            1 => (0..3usize, 0..100usize).prop_map(|(who, target)| Step::Correct { who, target }),
            1 => proptest::collection::vec(0..3usize, 0..4).prop_map(|cosigners| Step::Checkpoint { cosigners }),
        ]
    }

    #[test]
    fn the_sample_journal_exports_and_verifies() {
        let journal = sample();
        let bytes = export(&journal);
        let report = verify(&bytes).unwrap();
        assert_eq!(report.entries, 6);
        assert_eq!(report.root, journal.root());
        assert_eq!(report.checkpoints, 2);
        assert_eq!(report.cosignatures, 5);
        assert_eq!(report.last_checkpoint.map(|c| c.size), Some(5));
        assert_eq!(report.after_last_checkpoint, 1);
        assert_eq!(report.kinds.get(&EntryKind::Correction), Some(&1));
        let names: Vec<&str> = report.submitters.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["KPA/CPV", "NNSC", "UNC"]);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with(r#"{"checkpoints":2,"entries":6,"format":"armistice-journal","keys":3,"server":""#));
        assert_eq!(text.lines().count(), 1 + 3 + 6 + 2);
    }

    #[test]
    fn an_altered_entry_is_named() {
        let bytes = export(&sample());
        let text = String::from_utf8(bytes).unwrap();
        let cases = [
            ("12 in, 12 out", "12 in, 13 out", 2, "signature"),
            (r#""index":3,"#, r#""index":4,"#, 3, "says it is entry 4"),
            ("1970-01-01T00:00:05.000Z", "1970-01-01T00:00:05.001Z", 3, "receipt"),
            (r#""kind":"response""#, r#""kind":"report""#, 4, "signature"),
        ];
        for (from, to, index, why) in cases {
            assert_eq!(text.matches(from).count(), 1, "{from}");
            let altered = text.replacen(from, to, 1);
            let error = verify(altered.as_bytes()).unwrap_err();
            assert_eq!(error.entry_index(), Some(index), "{from}: {error}");
            assert!(error.to_string().contains(why), "{from}: {error}");
        }
    }

    #[test]
    fn removed_reordered_and_appended_lines_are_refused() {
        let text = String::from_utf8(export(&sample())).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let join = |lines: &[&str]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();

        let mut swapped = lines.clone();
        swapped.swap(5, 6);
        assert_eq!(verify(join(&swapped).as_bytes()).unwrap_err().entry_index(), Some(1));

        let mut removed = lines.clone();
        removed.remove(6);
        assert_eq!(verify(join(&removed).as_bytes()).unwrap_err().entry_index(), Some(2));

        let truncated = &lines[..lines.len() - 1];
        assert!(matches!(verify(join(truncated).as_bytes()), Err(VerifyError::Truncated { .. })));

        let mut extra = lines.clone();
        extra.push(lines[lines.len() - 1]);
        assert_eq!(verify(join(&extra).as_bytes()), Err(VerifyError::Trailing { line: lines.len() + 1 }));

        assert_eq!(verify(text.trim_end().as_bytes()), Err(VerifyError::NoFinalNewline));
        assert!(matches!(verify(b""), Err(VerifyError::Header { .. })));
        assert!(matches!(verify(format!("{text}\n").as_bytes()), Err(VerifyError::Trailing { .. })));
    }

    #[test]
    fn counts_near_the_integer_limit_are_refused_without_overflow() {
        let server = SecretKey::from_seed(&[100; 32]).public();
        let max = u64::MAX;
        let header = format!(
            "{{\"checkpoints\":{max},\"entries\":{max},\"format\":\"armistice-journal\",\"keys\":{max},\"server\":\"{server}\",\"version\":1}}\n"
        );
        assert!(matches!(verify(header.as_bytes()), Err(VerifyError::Truncated { expected: u64::MAX, .. })));
    }

    #[test]
    fn flipping_any_bit_of_any_byte_fails_verification() {
        let bytes = export(&sample());
        for position in 0..bytes.len() {
            for bit in [0x01u8, 0x20] {
                let mut altered = bytes.clone();
                altered[position] ^= bit;
                assert!(verify(&altered).is_err(), "byte {position} ^ {bit:#x} still verifies");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a_journal_verifies_after_any_sequence_of_appends(steps in proptest::collection::vec(step(), 0..24)) {
            let journal = build(&steps);
            if journal.size() == 0 && journal.checkpoints().is_empty() {
                prop_assert_eq!(verify(&export(&journal)), Err(VerifyError::Unsigned));
                return Ok(());
            }
            let report = verify(&export(&journal)).unwrap();
            prop_assert_eq!(report.entries, journal.size());
            prop_assert_eq!(report.root, journal.root());
            prop_assert_eq!(report.checkpoints as usize, journal.checkpoints().len());
        }

        #[test]
        fn any_flipped_byte_in_an_export_fails_verification(
            steps in proptest::collection::vec(step(), 1..12),
            position in any::<prop::sample::Index>(),
            bit in 0..8u8,
        ) {
            let bytes = export(&build(&steps));
            let mut altered = bytes.clone();
            altered[position.index(bytes.len())] ^= 1 << bit;
            prop_assert!(verify(&altered).is_err());
        }
    }
}
