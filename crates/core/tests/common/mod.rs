//! Helpers shared by the integration tests: the built-in agreement and its atlas, built
//! once per test binary.

use std::sync::OnceLock;

use armistice_core::agreement::{Agreement, builtin, load};
use armistice_core::geo::Atlas;

/// The Korea 1953 agreement and the atlas built from it.
pub fn korea_1953() -> &'static (Agreement, Atlas) {
    static FIXTURE: OnceLock<(Agreement, Atlas)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let agreement = load(&builtin::korea_1953()).unwrap();
        let atlas = Atlas::build(&agreement).unwrap();
        (agreement, atlas)
    })
}
