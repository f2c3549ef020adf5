//! Arbitrary bytes as `agreement.toml`: parsing alone, then a whole load with the
//! built-in geometry files beside it. Any outcome but a panic is fine.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use armistice_core::agreement::{AGREEMENT_FILE, builtin, load, parse_document};
use libfuzzer_sys::fuzz_target;

fn builtin_files() -> &'static BTreeMap<String, String> {
    static FILES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    FILES.get_or_init(builtin::korea_1953)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // `load` parses first and stops at the same error, so only a document that parses
    // is worth the whole load (which also reads the ~130 KB of built-in geometry).
    if parse_document(text).is_err() {
        return;
    }
    let mut files = builtin_files().clone();
    files.insert(AGREEMENT_FILE.to_owned(), text.to_owned());
    let _ = load(&files);
});
