//! Arbitrary bytes as a talks record (`talks.toml`): load and check; when it loads,
//! the status on its first and last days, the compile on its last day, and every
//! element through its journal payload and back. Any outcome but a panic is fine.
#![no_main]

use armistice_core::talks::{Element, compile, last_day, load, status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(talks) = load("talks.toml", text) else { return };
    let last = last_day(&talks);
    let _ = status(&talks, talks.document.opened);
    let _ = status(&talks, last);
    let _ = compile(&talks, last);
    for (_, element) in talks.elements() {
        let json = serde_json::to_string(&element).unwrap_or_default();
        let back: Element = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(back, element);
    }
});
