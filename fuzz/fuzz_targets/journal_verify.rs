//! Arbitrary bytes as a journal export, and as one entry: verification and decoding
//! must answer with a value or an error, never a panic.
#![no_main]

use armistice_core::journal::{Entry, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = verify(data);
    if let Ok(entry) = Entry::decode(data) {
        // A decoded entry re-encodes to the very bytes it came from.
        assert_eq!(entry.to_bytes(), data);
    }
});
