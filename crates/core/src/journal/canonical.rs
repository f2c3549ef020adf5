//! Canonical JSON: the one byte string each journal value encodes to, and a decoder
//! that refuses every other spelling of the same value.
//!
//! The rules: UTF-8 JSON with no whitespace outside strings; object keys in byte order
//! (our structs declare their fields sorted, and optional fields are left out rather
//! than written as `null`); integers in plain decimal; strings escaped as `serde_json`
//! escapes them (only `"`, `\` and control characters); hashes, keys and signatures in
//! lowercase hex; times as `YYYY-MM-DDTHH:MM:SS.mmmZ`. Decoding parses strictly
//! (unknown or repeated fields are errors) and then re-encodes: bytes that differ from
//! the re-encoding are refused as not canonical.

use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

/// Why bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CanonicalError {
    #[error("not valid: {0}")]
    Malformed(String),
    #[error("valid, but not in canonical form (byte {offset} differs from the canonical encoding)")]
    NotCanonical { offset: usize },
}

/// The canonical bytes of `value`.
#[allow(clippy::expect_used)]
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Every journal type serializes to JSON without error: keys are field names, values
    // strings and integers, and no Serialize impl here returns an error.
    serde_json::to_vec(value).expect("journal values always serialize")
}

/// The value `bytes` canonically encode, or why they are not such an encoding.
pub fn decode<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Result<T, CanonicalError> {
    let value: T = serde_json::from_slice(bytes).map_err(|e| CanonicalError::Malformed(e.to_string()))?;
    let again = encode(&value);
    if again != bytes {
        let offset = again.iter().zip(bytes).position(|(a, b)| a != b).unwrap_or(again.len().min(bytes.len()));
        return Err(CanonicalError::NotCanonical { offset });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        a: Option<u64>,
        b: String,
    }

    #[test]
    fn one_encoding_per_value() {
        let cases: &[(&str, Result<Sample, ()>)] = &[
            (r#"{"a":1,"b":"x"}"#, Ok(Sample { a: Some(1), b: "x".into() })),
            (r#"{"b":"x"}"#, Ok(Sample { a: None, b: "x".into() })),
            (r#"{"b":"x","a":1}"#, Err(())),
            (r#"{"a":null,"b":"x"}"#, Err(())),
            (r#"{"a":1, "b":"x"}"#, Err(())),
            (r#"{"a":1,"b":"\u0078"}"#, Err(())),
            (r#"{"a":1,"b":"x","c":2}"#, Err(())),
            (r#"{"a":1,"a":1,"b":"x"}"#, Err(())),
            (r#"{"a":1.0,"b":"x"}"#, Err(())),
            (r#"{"a":1,"b":"x"} "#, Err(())),
        ];
        for (text, expected) in cases {
            let got = decode::<Sample>(text.as_bytes()).map_err(|_| ());
            assert_eq!(&got, expected, "{text}");
        }
    }
}
