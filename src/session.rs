//! The session, held in one place: the bearer token lives in `sessionStorage`
//! (gone when the tab or browser closes), never in a cookie or a URL.

use confero_core::dto::{Me, SessionCreated};
use confero_core::Role;
use leptos::prelude::*;

const TOKEN_KEY: &str = "confero.session";

/// The signed-in state, shared through context. `Copy`, like the signals in it.
#[derive(Clone, Copy, Debug)]
pub struct Session {
    token: RwSignal<Option<String>>,
    me: RwSignal<Option<Me>>,
    ended: RwSignal<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.session_storage().ok().flatten())
}

impl Session {
    /// Picks up a token this tab stored earlier (a reload keeps the session).
    pub fn restore() -> Session {
        let token = storage().and_then(|storage| storage.get_item(TOKEN_KEY).ok().flatten());
        Session {
            token: RwSignal::new(token),
            me: RwSignal::new(None),
            ended: RwSignal::new(false),
        }
    }

    /// Starts a session from a successful sign-in.
    pub fn begin(&self, created: SessionCreated) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(TOKEN_KEY, &created.token);
        }
        self.ended.set(false);
        self.me.set(Some(created.user));
        self.token.set(Some(created.token));
    }

    /// Ends the session locally. `expired` tells the sign-in page to say why.
    pub fn end(&self, expired: bool) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(TOKEN_KEY);
        }
        if self.token.get_untracked().is_some() {
            self.ended.set(expired);
        }
        self.token.set(None);
        self.me.set(None);
    }

    /// The bearer token, if signed in.
    pub fn token(&self) -> Option<String> {
        self.token.get_untracked()
    }

    /// Whether a token is held (reactive).
    pub fn is_signed_in(&self) -> bool {
        self.token.with(Option::is_some)
    }

    /// The signed-in person, once loaded (reactive).
    pub fn me(&self) -> Option<Me> {
        self.me.get()
    }

    /// Stores the person loaded by `GET /api/me`.
    pub fn set_me(&self, me: Me) {
        self.me.set(Some(me));
    }

    /// Whether the last session ended by itself (time-out, revoked) rather than by signing out.
    pub fn ended_unexpectedly(&self) -> bool {
        self.ended.get()
    }

    /// Forgets the "session ended" notice once it has been shown and acted on.
    pub fn clear_notice(&self) {
        self.ended.set(false);
    }
}

/// The session from context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Where a person lands after signing in: their first role's home.
pub fn home_path(me: &Me) -> &'static str {
    if me.has_role(Role::Admin) {
        "/admin"
    } else if me.has_role(Role::Teacher) {
        "/teacher"
    } else {
        "/parent"
    }
}
