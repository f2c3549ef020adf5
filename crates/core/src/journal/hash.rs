//! SHA-256 as the journal's Merkle tree uses it (RFC 9162 §2.1.1): a leaf is
//! `SHA-256(0x00 || entry)`, an interior node `SHA-256(0x01 || left || right)`, and the
//! empty tree `SHA-256("")`. Hashes travel as lowercase hex.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::hex;

/// A SHA-256 digest: a leaf, a node or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hash(#[serde(with = "hex::serde_array")] pub [u8; 32]);

impl Hash {
    /// The root of the empty tree: the hash of no bytes.
    pub fn empty() -> Self {
        Self(Sha256::digest([]).into())
    }

    /// The leaf hash of one entry's canonical bytes.
    pub fn leaf(entry: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update([0x00]);
        hasher.update(entry);
        Self(hasher.finalize().into())
    }

    /// The hash of an interior node from its two children.
    pub fn node(left: &Hash, right: &Hash) -> Self {
        let mut hasher = Sha256::new();
        hasher.update([0x01]);
        hasher.update(left.0);
        hasher.update(right.0);
        Self(hasher.finalize().into())
    }

    /// Lowercase hex, 64 digits.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    /// From 64 lowercase hex digits.
    pub fn from_hex(text: &str) -> Result<Self, hex::HexError> {
        hex::decode::<32>(text).map(Self)
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_leaf_match_rfc_9162() {
        // Values from transparency-dev/merkle rfc6962/rfc6962_test.go (same hashing as RFC 9162).
        assert_eq!(Hash::empty().to_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(Hash::leaf(b"").to_hex(), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        assert_eq!(Hash::leaf(b"L123456").to_hex(), "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
        // Node hashing is covered by the golden roots in `tree.rs`.
    }
}
