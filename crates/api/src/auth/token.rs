//! Opaque bearer tokens: 256 random bits, stored only as a hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// A fresh token: 32 bytes from the operating system's CSPRNG, base64url.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores in place of the token: its SHA-256, in hex.
/// A fast hash is right here: the token has 256 bits of entropy, so there is
/// nothing to brute-force, unlike a password.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a string has the shape of a token this API issued. Anything else
/// is rejected before touching the database.
pub fn is_well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_differ() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert!(is_well_formed(&a));
    }

    #[test]
    fn the_hash_is_not_the_token() {
        let token = generate();
        let hashed = hash(&token);
        assert_eq!(hashed.len(), 64);
        assert_ne!(hashed, token);
        assert_eq!(hashed, hash(&token));
    }

    #[test]
    fn rejects_malformed_tokens() {
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
            &"é".repeat(43),
        ] {
            assert!(!is_well_formed(bad), "{bad:?}");
        }
    }
}
