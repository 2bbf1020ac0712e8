//! Messages on the live-update socket, `GET /api/evenings/{id}/live`.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The first (and only) message the client sends: its bearer token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveHello {
    pub token: String,
}

/// What the server sends. Events say which slot was taken or freed, never by whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// Authenticated; changes follow.
    Ready,
    /// A slot was taken or freed.
    Slot {
        teacher_id: i64,
        start: DateTime<FixedOffset>,
        taken: bool,
    },
    /// A teacher is running this many minutes late (0: on time again).
    Late { teacher_id: i64, minutes: u32 },
    /// The socket is closing, with the reason.
    Error { code: String },
}
