//! Credentials: password hashing, bearer tokens, and sign-in throttling.

pub mod hashing;
pub mod password;
pub mod throttle;
pub mod token;
