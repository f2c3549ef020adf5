//! Bearer tokens: 32 random bytes shown once as `arm_` and 64 hex digits; the store
//! keeps only their SHA-256.

use armistice_core::journal::hex;
use armistice_store::TokenHash;
use sha2::{Digest, Sha256};

const PREFIX: &str = "arm_";

/// A new token from the operating system's random source.
pub fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{PREFIX}{}", hex::encode(&bytes)))
}

/// The hash the store keeps, for a token of the right shape; `None` for anything else
/// (which no account can hold).
pub fn hash(token: &str) -> Option<TokenHash> {
    let digits = token.strip_prefix(PREFIX)?;
    hex::decode::<32>(digits).ok()?;
    Some(TokenHash(Sha256::digest(token.as_bytes()).into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_hash_and_malformed_ones_do_not() {
        let token = generate().unwrap();
        assert_eq!(token.len(), 4 + 64);
        assert_eq!(hash(&token), hash(&token.clone()));
        assert_ne!(hash(&token), hash(&generate().unwrap()));
        for bad in ["", "arm_", "arm_xyz", &token[4..], &format!("{token}0"), &token.to_uppercase()] {
            assert_eq!(hash(bad), None, "{bad}");
        }
    }
}
