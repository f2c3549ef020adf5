//! Arbitrary bytes as a GeoJSON file: read as the demarcation line and as polygons,
//! then a whole load of the built-in agreement with `geometry/mdl.geojson` replaced.
//! Any outcome but a panic is fine.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use armistice_core::agreement::geometry::{read_line, read_polygons};
use armistice_core::agreement::{builtin, load};
use libfuzzer_sys::fuzz_target;

const MDL_FILE: &str = "geometry/mdl.geojson";

fn builtin_files() -> &'static BTreeMap<String, String> {
    static FILES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    FILES.get_or_init(builtin::korea_1953)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let line = read_line(MDL_FILE, text, "mdl");
    let _ = read_polygons(MDL_FILE, text);

    // `load` reads `geometry/mdl.geojson` with this same `read_line` call, so a file it
    // rejects only adds that one error; a load costs ~30 ms (all the built-in files are
    // parsed), so it is done only for a line that reads, to check how the rest of the
    // agreement takes it.
    if line.is_err() {
        return;
    }
    let mut files = builtin_files().clone();
    files.insert(MDL_FILE.to_owned(), text.to_owned());
    let _ = load(&files);
});
