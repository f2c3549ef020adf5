//! Where an agreement comes from: a directory on disk, or the copy built into the binary.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use armistice_core::agreement::{AGREEMENT_FILE, Agreement, AgreementErrors, builtin, load};

/// Largest file read from an agreement directory; a larger one is surely a mistake.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Read every agreement file (`.toml`, `.geojson`, `.json`) under `dir`, keyed by its path
/// relative to `dir` with `/` separators, as the agreement file names them.
pub fn read_dir(dir: &Path) -> Result<BTreeMap<String, String>> {
    if !dir.is_dir() {
        bail!(
            "{}: not a directory (an agreement directory holds {AGREEMENT_FILE} and its geometry files)",
            dir.display()
        );
    }
    let mut files = BTreeMap::new();
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current).with_context(|| format!("reading directory {}", current.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("reading directory {}", current.display()))?;
            let path = entry.path();
            let kind = entry.file_type().with_context(|| format!("reading {}", path.display()))?;
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            let wanted = matches!(path.extension().and_then(|e| e.to_str()), Some("toml" | "geojson" | "json"));
            if !wanted {
                continue;
            }
            let size = entry.metadata().with_context(|| format!("reading {}", path.display()))?.len();
            if size > MAX_FILE_BYTES {
                bail!(
                    "{}: {size} bytes is larger than the {MAX_FILE_BYTES}-byte limit for an agreement file",
                    path.display()
                );
            }
            let text = fs::read_to_string(&path)
                .with_context(|| format!("reading {} (agreement files are UTF-8 text)", path.display()))?;
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let key = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.insert(key, text);
        }
    }
    Ok(files)
}

/// Load the agreement in `dir`, or the built-in Korea 1953 agreement when `dir` is `None`.
pub fn load_agreement(dir: Option<&Path>) -> Result<Agreement> {
    match dir {
        None => load(&builtin::korea_1953()).map_err(|errors| builtin_broken(&errors)),
        Some(dir) => {
            let files = read_dir(dir)?;
            load(&files).map_err(|errors| {
                anyhow::anyhow!(
                    "{}: {errors}\n(run `armistice agreement check {}` for details)",
                    dir.display(),
                    dir.display()
                )
            })
        }
    }
}

fn builtin_broken(errors: &AgreementErrors) -> anyhow::Error {
    anyhow::anyhow!("the built-in agreement does not load; this is a bug in armistice: {errors}")
}
