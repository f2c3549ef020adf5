//! A journal exported by `armistice journal export` (committed in
//! tests/fixtures/journal/sample.ndjson: four reports, an allegation, a response and a
//! correction, with checkpoints co-signed by NNSC and KPA/CPV) keeps verifying to the
//! same root: a change to the encoding that breaks old exports fails here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use armistice_core::journal::{EntryKind, VerifyError, verify};

const SAMPLE: &[u8] = include_bytes!("fixtures/journal/sample.ndjson");

#[test]
fn journal_sample_export_verifies_to_its_root() {
    let report = verify(SAMPLE).unwrap();
    assert_eq!(report.entries, 7);
    assert_eq!(report.root.to_hex(), "d1e59a3c9ad27dae42fb5e5ed790c4cb0ef7782edd07144c245a11f7a3ac8dc7");
    assert_eq!((report.checkpoints, report.cosignatures, report.after_last_checkpoint), (4, 3, 0));
    assert_eq!(report.kinds.get(&EntryKind::Correction), Some(&1));
    let cosigners: Vec<(&str, u64)> = report.cosigners.iter().map(|(n, _, c)| (n.as_str(), *c)).collect();
    assert_eq!(cosigners, [("KPA/CPV", 1), ("NNSC", 2)]);
}

#[test]
fn journal_sample_names_the_entry_whose_payload_changed() {
    let text = std::str::from_utf8(SAMPLE).unwrap();
    let altered = text.replacen("marker 0612 at 02:10", "marker 0612 at 02:40", 1);
    assert_ne!(altered, text);
    let error = verify(altered.as_bytes()).unwrap_err();
    assert_eq!(error.entry_index(), Some(4), "{error}");
    assert!(matches!(error, VerifyError::Entry { line: 9, .. }), "{error}");
}
