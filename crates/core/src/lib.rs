//! Confero's pure domain code.
//!
//! This crate is shared by the single-page app (compiled to wasm) and the
//! booking API (native). It depends on no web framework, database or browser
//! crate, so the same rules run in the browser's predictions and in the API's
//! decisions.

pub mod bundle;
pub mod dto;
pub mod email;
pub mod error;
pub mod local;
pub mod password;
pub mod plan;
pub mod role;
pub mod rules;
pub mod slots;
pub mod text;
pub mod time;
pub mod visibility;

pub use email::{Email, EmailError};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use password::{NewPassword, PasswordError};
pub use role::Role;
pub use rules::Refusal;
pub use text::{Line, Note, TextError};
pub use time::Interval;
pub use visibility::{Audience, ProfileField, Visibility};
