//! Password hashing with argon2id.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost in KiB: 19 MiB, OWASP's minimum for argon2id.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Iterations.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .expect("the argon2 parameters are constants within the algorithm's limits");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string carrying its own salt and parameters.
/// CPU-heavy: call it from a blocking task.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
}

/// Checks a password against a stored PHC string. A malformed stored hash
/// counts as a mismatch. CPU-heavy: call it from a blocking task.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn salts_differ() {
        assert_ne!(
            hash("same password").unwrap(),
            hash("same password").unwrap()
        );
    }
}
