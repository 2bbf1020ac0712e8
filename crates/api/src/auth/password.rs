//! Password hashing with argon2id, into working memory the caller owns.
//!
//! Each hash needs 19 MiB. Rather than allocate (and fault in) 19 MiB per
//! sign-in, callers keep [`Memory`] and reuse it; [`super::hashing`] keeps
//! one per hash allowed in flight, so the server's hashing memory is bounded
//! by construction.

use argon2::password_hash::{
    rand_core::OsRng, Output, ParamsString, PasswordHash, PasswordVerifier as _, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version, ARGON2ID_IDENT};

/// Memory cost in KiB: 19 MiB, OWASP's minimum for argon2id.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Iterations.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;
/// Bytes of hash output.
const OUTPUT_LEN: usize = 32;

fn params() -> Params {
    Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, Some(OUTPUT_LEN))
        .expect("the argon2 parameters are constants within the algorithm's limits")
}

fn hasher(params: Params, version: Version) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, version, params)
}

/// Argon2's working memory for one hash at Confero's parameters.
pub struct Memory(Vec<Block>);

impl Memory {
    /// Allocates 19 MiB.
    pub fn new() -> Memory {
        Memory(vec![Block::new(); params().block_count()])
    }
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memory({} KiB)", self.0.len())
    }
}

impl Default for Memory {
    fn default() -> Memory {
        Memory::new()
    }
}

/// Hashes a password into a PHC string carrying its own salt and parameters.
/// CPU-heavy: call it from a blocking task.
pub fn hash_with(
    password: &str,
    memory: &mut Memory,
) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buf)?;
    let params = params();
    let output = Output::init_with(OUTPUT_LEN, |out| {
        hasher(params.clone(), Version::V0x13)
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut memory.0)
            .map_err(|_| argon2::password_hash::Error::Password)
    })?;
    let phc = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Checks a password against a stored PHC string, in constant time. A
/// malformed stored hash counts as a mismatch. CPU-heavy: call it from a
/// blocking task.
pub fn verify_with(password: &str, stored: &str, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(params), Some(expected), Some(salt)) =
        (Params::try_from(&parsed), parsed.hash, parsed.salt)
    else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    if parsed.algorithm != ARGON2ID_IDENT || params.block_count() != memory.0.len() {
        // Not a hash this server makes: let the library allocate what it needs.
        return hasher(params, version)
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let computed = Output::init_with(expected.len(), |out| {
        hasher(params, version)
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut memory.0)
            .map_err(|_| argon2::password_hash::Error::Password)
    });
    // `Output`'s equality is constant-time.
    computed.is_ok_and(|computed| computed == expected)
}

/// [`hash_with`] on freshly allocated memory (operator commands, start-up).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    hash_with(password, &mut Memory::new())
}

/// [`verify_with`] on freshly allocated memory.
pub fn verify(password: &str, stored: &str) -> bool {
    verify_with(password, stored, &mut Memory::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher as _;

    #[test]
    fn hashes_with_argon2id_at_the_promised_cost() {
        let phc = hash("correct horse battery staple").unwrap();
        let parsed = PasswordHash::new(&phc).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&parsed).unwrap();
        assert!(
            params.m_cost() >= 19 * 1024,
            "memory {} KiB",
            params.m_cost()
        );
        assert_eq!(params.t_cost(), 2);
        assert_eq!(params.p_cost(), 1);
        assert!(!phc.contains("correct horse"));
    }

    #[test]
    fn verifies_only_the_right_password() {
        let phc = hash("correct horse battery staple").unwrap();
        assert!(verify("correct horse battery staple", &phc));
        assert!(!verify("Correct horse battery staple", &phc));
        assert!(!verify("", &phc));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn memory_is_reused_from_hash_to_hash() {
        let mut memory = Memory::new();
        let first = hash_with("one password", &mut memory).unwrap();
        let second = hash_with("another password", &mut memory).unwrap();
        assert!(verify_with("one password", &first, &mut memory));
        assert!(verify_with("another password", &second, &mut memory));
        assert!(!verify_with("one password", &second, &mut memory));
    }

    #[test]
    fn agrees_with_the_library_both_ways() {
        let salt = SaltString::generate(&mut OsRng);
        let theirs = hasher(params(), Version::V0x13)
            .hash_password(b"shared secret", &salt)
            .unwrap()
            .to_string();
        assert!(verify("shared secret", &theirs));
        assert!(!verify("other secret", &theirs));
        let ours = hash("shared secret").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(hasher(params(), Version::V0x13)
            .verify_password(b"shared secret", &parsed)
            .is_ok());
    }

    #[test]
    fn hashes_made_with_other_parameters_still_verify() {
        let small = Params::new(1024, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let phc = hasher(small, Version::V0x13)
            .hash_password(b"older hash", &salt)
            .unwrap()
            .to_string();
        assert!(verify("older hash", &phc));
        assert!(!verify("wrong", &phc));
    }

    #[test]
    fn salts_differ() {
        assert_ne!(
            hash("same password").unwrap(),
            hash("same password").unwrap()
        );
    }
}
