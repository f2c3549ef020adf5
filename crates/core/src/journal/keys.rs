//! Ed25519 keys and signatures for submitters, the journal server and co-signers.
//! Keys are arguments: this module never reads a key from anywhere. A secret key never
//! shows in `Debug` output.

use std::fmt;

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};
use thiserror::Error;

use super::hex::{self, HexError};

/// What a signature covers, so that a signature made for one purpose can never be
/// replayed as another: the signed message is `domain || 0x00 || canonical bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// A submitter signs its submission.
    Submission,
    /// The server signs its receipt of an entry (index and time received).
    Receipt,
    /// The server signs a checkpoint (size, root, time).
    Checkpoint,
    /// A party or commission co-signs a checkpoint.
    CoSignature,
}

impl Domain {
    fn label(self) -> &'static [u8] {
        match self {
            Domain::Submission => b"armistice/journal/submission/v1",
            Domain::Receipt => b"armistice/journal/receipt/v1",
            Domain::Checkpoint => b"armistice/journal/checkpoint/v1",
            Domain::CoSignature => b"armistice/journal/cosignature/v1",
        }
    }

    fn message(self, body: &[u8]) -> Vec<u8> {
        let label = self.label();
        let mut message = Vec::with_capacity(label.len() + 1 + body.len());
        message.extend_from_slice(label);
        message.push(0);
        message.extend_from_slice(body);
        message
    }
}

/// Why a key or signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("not a key: {0}")]
    Hex(#[from] HexError),
    #[error("not a valid ed25519 public key")]
    NotAPoint,
    #[error("the signature does not verify")]
    BadSignature,
}

/// An ed25519 public key, 32 bytes, lowercase hex on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        VerifyingKey::from_bytes(bytes).map(Self).map_err(|_| KeyError::NotAPoint)
    }

    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Self::from_bytes(&hex::decode::<32>(text)?)
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Checks `signature` over `body` for `domain`. Strict verification: small-order
    /// keys and non-canonical signatures are refused, so no signature has a twin.
    pub fn verify(&self, domain: Domain, body: &[u8], signature: &Signature) -> Result<(), KeyError> {
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        self.0.verify_strict(&domain.message(body), &signature).map_err(|_| KeyError::BadSignature)
    }
}

impl PartialOrd for PublicKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PublicKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.as_bytes().cmp(other.0.as_bytes())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_hex(&text).map_err(D::Error::custom)
    }
}

/// An ed25519 secret key. `Debug` shows only the public half.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// The key whose seed is `seed` (32 bytes from a good random source, or a key file).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(SigningKey::from_bytes(seed))
    }

    /// The seed, to write to a key file. Handle with care.
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs `body` for `domain`.
    pub fn sign(&self, domain: Domain, body: &[u8]) -> Signature {
        Signature(self.0.sign(&domain.message(body)).to_bytes())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(public: {}, secret: <redacted>)", self.public().to_hex())
    }
}

/// An ed25519 signature, 64 bytes, lowercase hex on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Signature(#[serde(with = "hex::serde_array")] pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", hex::encode(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_key_domain_and_body() {
        let key = SecretKey::from_seed(&[7; 32]);
        let other = SecretKey::from_seed(&[8; 32]);
        let signature = key.sign(Domain::Submission, b"body");
        assert_eq!(key.public().verify(Domain::Submission, b"body", &signature), Ok(()));
        assert_eq!(key.public().verify(Domain::Receipt, b"body", &signature), Err(KeyError::BadSignature));
        assert_eq!(key.public().verify(Domain::Submission, b"bodY", &signature), Err(KeyError::BadSignature));
        assert_eq!(other.public().verify(Domain::Submission, b"body", &signature), Err(KeyError::BadSignature));
    }

    #[test]
    fn rfc_8032_test_1_key_and_debug_hides_the_secret() {
        // RFC 8032 §7.1, TEST 1: the secret key and its public key.
        let seed = hex::decode::<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
        let key = SecretKey::from_seed(&seed);
        assert_eq!(key.public().to_hex(), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        let shown = format!("{key:?}");
        assert!(!shown.contains("9d61b19d"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
        assert_eq!(PublicKey::from_hex(&key.public().to_hex()), Ok(key.public()));
    }
}
