//! Arbitrary bytes as a prisoner-ledger file (NDJSON of records and events): reading it,
//! then replaying what was read through the ledger under the built-in agreement, and
//! checking the ledger's invariants. Any outcome but a panic or a broken invariant is fine.
#![no_main]

use std::sync::OnceLock;

use armistice_core::agreement::{Agreement, builtin, load};
use armistice_core::pow::{Terms, file, invariants, replay};
use libfuzzer_sys::fuzz_target;

fn agreement() -> &'static Agreement {
    static AGREEMENT: OnceLock<Agreement> = OnceLock::new();
    AGREEMENT.get_or_init(|| load(&builtin::korea_1953()).expect("the built-in agreement loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let read = file::parse(text);
    let prisoners = read.prisoners.into_iter().map(|(_, p)| p).collect();
    let events = read.events.into_iter().map(|(_, e)| e).collect();
    let (ledger, _refused) = replay(Terms::from_agreement(agreement()), prisoners, events, None);
    let _ = ledger.findings();
    invariants::check(&ledger).expect("the ledger's invariants hold after any input");
});
