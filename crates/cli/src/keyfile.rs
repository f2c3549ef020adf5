//! Key files: an ed25519 key with the name it signs as, one JSON object
//! `{"name":..., "public":..., "secret":...}` (hex), written readable by its owner only.
//! The secret never leaves this module except as a `SecretKey`, whose `Debug` hides it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use armistice_core::journal::{PublicKey, SecretKey, hex};
use serde::{Deserialize, Serialize};

/// A loaded key file.
#[derive(Debug, Clone)]
pub struct KeyFile {
    pub name: String,
    pub key: SecretKey,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    name: String,
    public: String,
    secret: String,
}

impl KeyFile {
    /// A new key from the operating system's random source.
    pub fn generate(name: &str) -> Result<Self> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("reading the system's random source: {e}"))?;
        Ok(Self { name: name.to_owned(), key: SecretKey::from_seed(&seed) })
    }

    pub fn public(&self) -> PublicKey {
        self.key.public()
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading key file {}", path.display()))?;
        let wire: Wire =
            serde_json::from_str(&text).with_context(|| format!("{}: not an armistice key file", path.display()))?;
        let seed = hex::decode::<32>(&wire.secret).with_context(|| format!("{}: the secret", path.display()))?;
        let key = SecretKey::from_seed(&seed);
        if key.public().to_hex() != wire.public {
            bail!("{}: the public key does not belong to the secret key", path.display());
        }
        Ok(Self { name: wire.name, key })
    }

    /// The public key in `path`: a key file (its name comes too; the secret is not
    /// needed and not kept) or a file holding only a public key in hex.
    pub fn read_public(path: &Path) -> Result<(Option<String>, PublicKey)> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading key file {}", path.display()))?;
        #[derive(Deserialize)]
        struct PublicHalf {
            name: String,
            public: String,
        }
        let (name, hex) = match serde_json::from_str::<PublicHalf>(&text) {
            Ok(half) => (Some(half.name), half.public),
            Err(_) => (None, text.trim().to_owned()),
        };
        let key = PublicKey::from_hex(&hex)
            .with_context(|| format!("{}: neither an armistice key file nor a public key in hex", path.display()))?;
        Ok((name, key))
    }

    /// Writes a new key file (never over an existing one), readable by its owner only.
    pub fn write_new(&self, path: &Path) -> Result<()> {
        let wire =
            Wire { name: self.name.clone(), public: self.public().to_hex(), secret: hex::encode(&self.key.seed()) };
        let text = serde_json::to_string(&wire).context("encoding the key file")?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).with_context(|| format!("creating key file {}", path.display()))?;
        file.write_all(format!("{text}\n").as_bytes())
            .with_context(|| format!("writing key file {}", path.display()))?;
        file.sync_all().with_context(|| format!("syncing key file {}", path.display()))
    }
}
