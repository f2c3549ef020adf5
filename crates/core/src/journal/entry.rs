//! A journal entry: what a submitter signed (a [`Submission`]), its signature, and the
//! server's receipt (the index it was given and the time it was received, signed by
//! the server). An entry's canonical bytes are its Merkle leaf.
//!
//! Entries are appended and never changed; a correction is a new entry of kind
//! `correction` that names the entry it corrects by index and leaf hash.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::canonical::{self, CanonicalError};
use super::hash::Hash;
use super::keys::{Domain, PublicKey, SecretKey, Signature};
use super::time::Time;

/// What a submission is. The names are the wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Report,
    Allegation,
    Response,
    TeamDispatch,
    InvestigationReport,
    CommissionFinding,
    InspectionReport,
    MeetingMinutes,
    PrisonerEvent,
    ListUpload,
    /// One element of a negotiation's record (docs/talks.md).
    Talks,
    Correction,
}

impl EntryKind {
    pub const ALL: [EntryKind; 12] = [
        EntryKind::Report,
        EntryKind::Allegation,
        EntryKind::Response,
        EntryKind::TeamDispatch,
        EntryKind::InvestigationReport,
        EntryKind::CommissionFinding,
        EntryKind::InspectionReport,
        EntryKind::MeetingMinutes,
        EntryKind::PrisonerEvent,
        EntryKind::ListUpload,
        EntryKind::Talks,
        EntryKind::Correction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Report => "report",
            EntryKind::Allegation => "allegation",
            EntryKind::Response => "response",
            EntryKind::TeamDispatch => "team_dispatch",
            EntryKind::InvestigationReport => "investigation_report",
            EntryKind::CommissionFinding => "commission_finding",
            EntryKind::InspectionReport => "inspection_report",
            EntryKind::MeetingMinutes => "meeting_minutes",
            EntryKind::PrisonerEvent => "prisoner_event",
            EntryKind::ListUpload => "list_upload",
            EntryKind::Talks => "talks",
            EntryKind::Correction => "correction",
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntryKind {
    type Err = EntryError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == text).ok_or_else(|| EntryError::UnknownKind(text.to_owned()))
    }
}

/// A reference to an earlier entry: its index and leaf hash, so that it cannot be
/// pointed at a different entry later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRef {
    pub hash: Hash,
    pub index: u64,
}

/// Why an entry or submission was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntryError {
    #[error(
        "unknown entry kind {0:?} (expected one of report, allegation, response, team_dispatch, investigation_report, commission_finding, inspection_report, meeting_minutes, prisoner_event, list_upload, correction)"
    )]
    UnknownKind(String),
    #[error("the submitter name must be 1 to 64 printable characters, found {0:?}")]
    BadSubmitterName(String),
    #[error("a correction must name the entry it corrects")]
    CorrectionWithoutTarget,
    #[error("only a correction may name an entry it corrects (this is a {0})")]
    TargetWithoutCorrection(EntryKind),
    #[error("a correction must refer to an earlier entry (entry {index} refers to {target})")]
    TargetNotEarlier { index: u64, target: u64 },
    #[error("the signing key is not the submitter's key {expected}")]
    WrongKey { expected: PublicKey },
    #[error("the submitter's signature does not verify")]
    BadSignature,
    #[error("the server's receipt does not verify")]
    BadReceipt,
    #[error("{0}")]
    Encoding(#[from] CanonicalError),
}

/// What a submitter signs: the kind, who they are, the payload (the submission's own
/// text, e.g. one report line), and for a correction the entry it corrects.
/// Fields are declared in key order (see [`canonical`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<EntryRef>,
    pub key: PublicKey,
    pub kind: EntryKind,
    pub payload: String,
    pub submitter: String,
}

fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=64).contains(&n) && !name.chars().any(char::is_control) && name.trim() == name
}

impl Submission {
    /// A checked submission: the name is printable, and only a correction names a target.
    pub fn new(
        kind: EntryKind,
        submitter: &str,
        key: PublicKey,
        payload: String,
        corrects: Option<EntryRef>,
    ) -> Result<Self, EntryError> {
        let submission = Self { corrects, key, kind, payload, submitter: submitter.to_owned() };
        submission.check_shape()?;
        Ok(submission)
    }

    fn check_shape(&self) -> Result<(), EntryError> {
        if !valid_name(&self.submitter) {
            return Err(EntryError::BadSubmitterName(self.submitter.clone()));
        }
        match (self.kind, self.corrects) {
            (EntryKind::Correction, None) => Err(EntryError::CorrectionWithoutTarget),
            (kind, Some(_)) if kind != EntryKind::Correction => Err(EntryError::TargetWithoutCorrection(kind)),
            _ => Ok(()),
        }
    }

    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical::encode(self)
    }

    /// The submitter's signature, made with `key`, which must be the submission's key.
    pub fn sign(&self, key: &SecretKey) -> Result<Signature, EntryError> {
        if key.public() != self.key {
            return Err(EntryError::WrongKey { expected: self.key });
        }
        Ok(key.sign(Domain::Submission, &self.canonical_bytes()))
    }

    /// Checks `signature` against the submission's own key.
    pub fn verify(&self, signature: &Signature) -> Result<(), EntryError> {
        self.key.verify(Domain::Submission, &self.canonical_bytes(), signature).map_err(|_| EntryError::BadSignature)
    }
}

/// One entry of the journal. Fields are declared in key order (see [`canonical`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Position in the journal, from 0.
    pub index: u64,
    /// The server's signature over the entry without this field.
    pub receipt: Signature,
    /// When the server received the submission.
    pub received_at: Time,
    /// The submitter's signature over the submission.
    pub signature: Signature,
    pub submission: Submission,
}

/// The entry as the server's receipt covers it: everything but the receipt.
#[derive(Serialize)]
struct Unreceipted<'a> {
    index: u64,
    received_at: &'a Time,
    signature: &'a Signature,
    submission: &'a Submission,
}

/// A submission whose shape and submitter's signature have been checked: the only way
/// to get one is [`Verified::check`], so a writer that receives one need not check the
/// signature again (the server checks on many threads, and its one writer thread only
/// signs receipts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    submission: Submission,
    signature: Signature,
}

impl Verified {
    /// Checks the submission's shape and its submitter's signature.
    pub fn check(submission: Submission, signature: Signature) -> Result<Self, EntryError> {
        submission.check_shape()?;
        submission.verify(&signature)?;
        Ok(Self { submission, signature })
    }

    pub fn submission(&self) -> &Submission {
        &self.submission
    }

    pub fn signature(&self) -> Signature {
        self.signature
    }
}

impl Entry {
    /// The server receives a signed submission: it checks the submitter's signature and
    /// the submission's shape, and signs its receipt for `index` at `received_at`.
    pub fn receive(
        submission: Submission,
        signature: Signature,
        index: u64,
        received_at: Time,
        server: &SecretKey,
    ) -> Result<Self, EntryError> {
        Self::receive_verified(Verified::check(submission, signature)?, index, received_at, server)
    }

    /// As [`Entry::receive`], for a submission already checked.
    pub fn receive_verified(
        verified: Verified,
        index: u64,
        received_at: Time,
        server: &SecretKey,
    ) -> Result<Self, EntryError> {
        let Verified { submission, signature } = verified;
        if let Some(target) = submission.corrects
            && target.index >= index
        {
            return Err(EntryError::TargetNotEarlier { index, target: target.index });
        }
        let body = canonical::encode(&Unreceipted {
            index,
            received_at: &received_at,
            signature: &signature,
            submission: &submission,
        });
        let receipt = server.sign(Domain::Receipt, &body);
        Ok(Self { index, receipt, received_at, signature, submission })
    }

    /// The canonical bytes: the Merkle leaf.
    pub fn to_bytes(&self) -> Vec<u8> {
        canonical::encode(self)
    }

    /// Decodes canonical bytes (and only those). Signatures are not checked here; see
    /// [`Entry::check`].
    pub fn decode(bytes: &[u8]) -> Result<Self, EntryError> {
        Ok(canonical::decode(bytes)?)
    }

    /// `SHA-256(0x00 || bytes)`.
    pub fn leaf_hash(&self) -> Hash {
        Hash::leaf(&self.to_bytes())
    }

    /// Checks what one entry can show by itself: its shape, the submitter's signature,
    /// the server's receipt, and that a correction looks backwards.
    pub fn check(&self, server: &PublicKey) -> Result<(), EntryError> {
        self.submission.check_shape()?;
        self.submission.verify(&self.signature)?;
        let body = canonical::encode(&Unreceipted {
            index: self.index,
            received_at: &self.received_at,
            signature: &self.signature,
            submission: &self.submission,
        });
        server.verify(Domain::Receipt, &body, &self.receipt).map_err(|_| EntryError::BadReceipt)?;
        if let Some(target) = self.submission.corrects
            && target.index >= self.index
        {
            return Err(EntryError::TargetNotEarlier { index: self.index, target: target.index });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: i64) -> Time {
        Time::from_unix_millis(millis).unwrap()
    }

    fn signed(kind: EntryKind, corrects: Option<EntryRef>) -> (Submission, Signature) {
        let unc = SecretKey::from_seed(&[1; 32]);
        let submission = Submission::new(kind, "UNC", unc.public(), r#"{"id":"r1"}"#.into(), corrects).unwrap();
        let signature = submission.sign(&unc).unwrap();
        (submission, signature)
    }

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in EntryKind::ALL {
            assert_eq!(kind.as_str().parse::<EntryKind>(), Ok(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{kind}\""));
        }
        assert!("rumour".parse::<EntryKind>().is_err());
    }

    #[test]
    fn an_entry_encodes_with_sorted_keys_and_decodes_only_that_way() {
        let server = SecretKey::from_seed(&[9; 32]);
        let (submission, signature) = signed(EntryKind::Report, None);
        let entry = Entry::receive(submission, signature, 0, at(0), &server).unwrap();
        let bytes = entry.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with(r#"{"index":0,"receipt":""#), "{text}");
        assert!(text.contains(r#""received_at":"1970-01-01T00:00:00.000Z","signature":""#), "{text}");
        assert!(text.contains(r#""submission":{"key":""#), "{text}");
        assert_eq!(Entry::decode(&bytes), Ok(entry.clone()));
        assert_eq!(entry.check(&server.public()), Ok(()));
        let spaced = text.replacen(r#""index":0"#, r#""index": 0"#, 1);
        assert!(matches!(
            Entry::decode(spaced.as_bytes()),
            Err(EntryError::Encoding(CanonicalError::NotCanonical { .. }))
        ));
    }

    #[test]
    fn the_receipt_covers_index_and_time() {
        let server = SecretKey::from_seed(&[9; 32]);
        let (submission, signature) = signed(EntryKind::Report, None);
        let mut entry = Entry::receive(submission, signature, 3, at(1_000), &server).unwrap();
        entry.received_at = at(2_000);
        assert_eq!(entry.check(&server.public()), Err(EntryError::BadReceipt));
        entry.received_at = at(1_000);
        entry.index = 4;
        assert_eq!(entry.check(&server.public()), Err(EntryError::BadReceipt));
        entry.index = 3;
        assert_eq!(entry.check(&SecretKey::from_seed(&[10; 32]).public()), Err(EntryError::BadReceipt));
        entry.submission.payload.push(' ');
        assert_eq!(entry.check(&server.public()), Err(EntryError::BadSignature));
    }

    #[test]
    fn corrections_and_names_are_checked() {
        let key = SecretKey::from_seed(&[1; 32]).public();
        let target = EntryRef { hash: Hash::empty(), index: 0 };
        let cases = [
            (EntryKind::Correction, "UNC", None, Err(EntryError::CorrectionWithoutTarget)),
            (EntryKind::Report, "UNC", Some(target), Err(EntryError::TargetWithoutCorrection(EntryKind::Report))),
            (EntryKind::Correction, "UNC", Some(target), Ok(())),
            (EntryKind::Report, "", None, Err(EntryError::BadSubmitterName(String::new()))),
            (EntryKind::Report, " UNC", None, Err(EntryError::BadSubmitterName(" UNC".into()))),
            (EntryKind::Report, "UNC\n", None, Err(EntryError::BadSubmitterName("UNC\n".into()))),
        ];
        for (kind, name, corrects, expected) in cases {
            assert_eq!(
                Submission::new(kind, name, key, String::new(), corrects).map(|_| ()),
                expected,
                "{kind} {name:?}"
            );
        }
        let server = SecretKey::from_seed(&[9; 32]);
        let (submission, signature) = signed(EntryKind::Correction, Some(EntryRef { hash: Hash::empty(), index: 5 }));
        assert_eq!(
            Entry::receive(submission, signature, 5, at(0), &server),
            Err(EntryError::TargetNotEarlier { index: 5, target: 5 })
        );
    }

    #[test]
    fn a_verified_submission_is_received_as_an_unverified_one_is() {
        let server = SecretKey::from_seed(&[9; 32]);
        let (submission, signature) = signed(EntryKind::Report, None);
        let verified = Verified::check(submission.clone(), signature).unwrap();
        assert_eq!(
            Entry::receive_verified(verified, 2, at(5), &server),
            Entry::receive(submission.clone(), signature, 2, at(5), &server)
        );
        let mut forged = submission;
        forged.payload.push(' ');
        assert_eq!(Verified::check(forged, signature), Err(EntryError::BadSignature));
    }

    #[test]
    fn signing_with_another_key_is_refused() {
        let (submission, _) = signed(EntryKind::Report, None);
        let other = SecretKey::from_seed(&[2; 32]);
        assert_eq!(submission.sign(&other), Err(EntryError::WrongKey { expected: submission.key }));
    }
}
