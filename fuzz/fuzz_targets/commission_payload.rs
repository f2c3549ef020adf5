//! Arbitrary bytes as the payload of every commission entry kind: decoding, then (for a
//! payload that decodes) applying it to a docket under the built-in agreement after a
//! case has been opened, and judging the meetings. Any outcome but a panic is fine.
#![no_main]

use std::sync::OnceLock;

use armistice_core::agreement::{Agreement, builtin, load};
use armistice_core::commission::{Docket, KINDS, decode};
use armistice_core::journal::EntryKind;
use libfuzzer_sys::fuzz_target;

/// A docket with one open case (`mac-1`) and one meeting, so that later moves have
/// something to act on.
fn docket() -> &'static Docket {
    static DOCKET: OnceLock<Docket> = OnceLock::new();
    DOCKET.get_or_init(|| {
        let agreement: Agreement = load(&builtin::korea_1953()).expect("the built-in agreement loads");
        let mut docket = Docket::new(&agreement);
        let at = agreement.effective_at();
        let opening = [
            (EntryKind::Allegation, r#"{"case":"mac-1","by":{"side":"unc"},"against":"kpa-cpv","commission":"mac","paragraph":"I.6","reports":["r-1"],"at":"1953-08-14T09:00:00+09:00"}"#),
            (EntryKind::MeetingMinutes, r#"{"commission":"mac","held_at":"1953-08-14T11:00:00+09:00","attendees":[]}"#),
        ];
        for (i, (kind, text)) in opening.into_iter().enumerate() {
            let payload = decode(kind, text).expect("the opening payloads decode");
            docket.apply(i as u64, at, &payload, |_| true).expect("the opening payloads apply");
        }
        docket
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for kind in KINDS {
        if let Ok(payload) = decode(kind, text) {
            let mut docket = docket().clone();
            let at = armistice_core::agreement::Timestamp::parse("1953-08-20T00:00:00+09:00").expect("a time").0;
            let _ = docket.apply(2, at, &payload, |_| true);
            let _ = docket.findings();
        }
    }
});
