//! Arbitrary bytes as one line of a reports file: parsing, then (for a line that parses)
//! checking it against the built-in agreement. Any outcome but a panic is fine, except
//! that a line the fast reader takes must be read by the careful reader as the same
//! report, offsets and all.
#![no_main]

use std::sync::OnceLock;

use armistice_core::agreement::{Agreement, builtin, load};
use armistice_core::geo::Atlas;
use armistice_core::rules::scan::scan;
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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(fast) = scan(text) {
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
