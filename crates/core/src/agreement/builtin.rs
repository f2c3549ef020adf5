//! The agreements compiled into the binary, so that `armistice` works with no files.

use std::collections::BTreeMap;

/// The files of the 1953 Korean Armistice Agreement (`data/korea-1953/`), embedded at
/// build time.
pub fn korea_1953() -> BTreeMap<String, String> {
    let files: [(&str, &str); 4] = [
        ("agreement.toml", include_str!("../../../../data/korea-1953/agreement.toml")),
        ("geometry/mdl.geojson", include_str!("../../../../data/korea-1953/geometry/mdl.geojson")),
        ("geometry/land.geojson", include_str!("../../../../data/korea-1953/geometry/land.geojson")),
        (
            "geometry/han-river-estuary.geojson",
            include_str!("../../../../data/korea-1953/geometry/han-river-estuary.geojson"),
        ),
    ];
    files.into_iter().map(|(path, text)| (path.to_owned(), text.to_owned())).collect()
}
