//! Print the request body of `POST /api/entries` for one submission signed with a key
//! file, for load tools that repeat one body (`bench/server/run.sh` feeds it to wrk).
//!
//! ```text
//! sign-submission KEYFILE KIND PAYLOAD
//! ```

use anyhow::{Context, Result, anyhow, bail};
use armistice_core::journal::{EntryKind, SecretKey, Submission, hex};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, key_path, kind, payload] = args.as_slice() else {
        bail!("usage: sign-submission KEYFILE KIND PAYLOAD");
    };
    let text = std::fs::read_to_string(key_path).with_context(|| format!("reading {key_path}"))?;
    let file: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{key_path}: not a key file"))?;
    let name = file["name"].as_str().ok_or_else(|| anyhow!("{key_path}: no name"))?;
    let secret = file["secret"].as_str().ok_or_else(|| anyhow!("{key_path}: no secret"))?;
    let key = SecretKey::from_seed(&hex::decode::<32>(secret).map_err(|e| anyhow!("{key_path}: {e}"))?);
    let kind: EntryKind = kind.parse().map_err(|e| anyhow!("{e}"))?;
    let submission = Submission::new(kind, name, key.public(), payload.clone(), None).map_err(|e| anyhow!("{e}"))?;
    let signature = submission.sign(&key).map_err(|e| anyhow!("{e}"))?;
    let body = serde_json::json!({
        "submission": { "kind": kind.as_str(), "submitter": name, "key": key.public().to_hex(), "payload": payload },
        "signature": hex::encode(&signature.0),
    });
    println!("{body}");
    Ok(())
}
