//! Arbitrary bytes as one line of a reports file: parsing, then (for a line that parses)
//! checking it against the built-in agreement. Any outcome but a panic is fine, except
//! that a line the fast reader takes must be read by the careful reader as the same
//! report, offsets and all; and the fast reader, with the reporters of earlier inputs
//! at hand, must read each as it reads it alone.
#![no_main]

use std::cell::RefCell;
use std::sync::OnceLock;

use armistice_core::agreement::{Agreement, builtin, load};
use armistice_core::geo::Atlas;
use armistice_core::rules::scan::{Reporters, Scanned, scan, scan_into_with};
use armistice_core::rules::{Checker, Report};
use libfuzzer_sys::fuzz_target;

fn fixture() -> &'static (Agreement, Atlas) {
    static FIXTURE: OnceLock<(Agreement, Atlas)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let agreement = load(&builtin::korea_1953()).expect("the built-in agreement loads");
        let atlas = Atlas::build(&agreement).expect("the zones build");
        (agreement, atlas)
    })
}

thread_local! {
    /// The reporters of the inputs so far, as a reader of one file keeps them.
    static KNOWN: RefCell<Reporters> = RefCell::new(Reporters::default());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let alone = scan(text);
    KNOWN.with(|known| {
        let mut remembered = Scanned::default();
        let read = scan_into_with(text, &mut remembered, &mut known.borrow_mut());
        assert_eq!(read.is_some(), alone.is_some());
        if let Some(alone) = &alone {
            assert_eq!(remembered.to_report(), alone.to_report());
            assert_eq!(remembered.reporter, alone.reporter);
        }
    });
    if let Some(fast) = alone {
        let careful = Report::parse_careful(text).expect("the careful reader takes what the fast one takes");
        assert_eq!(fast.to_report(), careful);
        assert_eq!(fast.to_report().to_json(), careful.to_json());
    }
    if let Ok(report) = Report::parse(text) {
        let (agreement, atlas) = fixture();
        let checker = Checker::new(agreement, atlas);
        if checker.check_names(&report).is_ok() {
            let _ = checker.check(&[report]);
        }
    }
});
