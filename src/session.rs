//! The session, held in one place: the bearer token lives in `sessionStorage`
//! (gone when the tab or browser closes), never in a cookie or a URL. Only
//! when the person ticks "keep me signed in on this device" does it live in
//! `localStorage`, so a new tab or the installed app finds it; the API gives
//! such a session a shorter absolute lifetime and lists it among their devices.

use confero_core::dto::{Me, SessionCreated};
use confero_core::Role;
use leptos::prelude::*;

const TOKEN_KEY: &str = "confero.session";
/// Set in the tab's storage while "your session has ended" is owed: the
/// notice outlives a reload (or the change of build) that comes after the
/// session ended, e.g. ended live by a sign-out elsewhere.
const ENDED_KEY: &str = "confero.session-ended";

/// The signed-in state, shared through context. `Copy`, like the signals in it.
#[derive(Clone, Copy, Debug)]
pub struct Session {
    token: RwSignal<Option<String>>,
    me: RwSignal<Option<Me>>,
    ended: RwSignal<bool>,
}

/// The tab's storage: emptied when the tab or browser closes.
fn tab_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.session_storage().ok().flatten())
}

/// The device's storage: kept until removed (only when the person asked).
fn device_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

fn stored_token() -> Option<String> {
    [tab_storage(), device_storage()]
        .into_iter()
        .flatten()
        .find_map(|storage| storage.get_item(TOKEN_KEY).ok().flatten())
}

fn forget_token() {
    for storage in [tab_storage(), device_storage()].into_iter().flatten() {
        let _ = storage.remove_item(TOKEN_KEY);
    }
}

fn remember_ended(ended: bool) {
    if let Some(storage) = tab_storage() {
        let _ = if ended {
            storage.set_item(ENDED_KEY, "1")
        } else {
            storage.remove_item(ENDED_KEY)
        };
    }
}

fn ended_before() -> bool {
    tab_storage().is_some_and(|storage| storage.get_item(ENDED_KEY).ok().flatten().is_some())
}

impl Session {
    /// Picks up a token this tab stored earlier (a reload keeps the session),
    /// or one kept on this device.
    pub fn restore() -> Session {
        let token = stored_token();
        let ended = token.is_none() && ended_before();
        Session {
            token: RwSignal::new(token),
            me: RwSignal::new(None),
            ended: RwSignal::new(ended),
        }
    }

    /// Starts a session from a successful sign-in.
    pub fn begin(&self, created: SessionCreated) {
        forget_token();
        crate::offline_store::forget_all();
        let storage = if created.remember {
            device_storage()
        } else {
            tab_storage()
        };
        if let Some(storage) = storage {
            let _ = storage.set_item(TOKEN_KEY, &created.token);
        }
        self.clear_notice();
        self.me.set(Some(created.user));
        self.token.set(Some(created.token));
    }

    /// Ends the session locally. `expired` tells the sign-in page to say why.
    pub fn end(&self, expired: bool) {
        forget_token();
        crate::offline_store::forget_all();
        if self.token.get_untracked().is_some() {
            self.ended.set(expired);
            remember_ended(expired);
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
        remember_ended(false);
    }
}

/// The session from context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Where to go after signing in: the page a link pointed at (a path of this
/// app, never another site), or the person's home (or `/`, which finds it,
/// when who they are is not loaded yet).
pub fn after_sign_in(next: Option<&str>, me: Option<&Me>) -> String {
    match (next, me) {
        (Some(path), _)
            if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/signin") =>
        {
            path.to_owned()
        }
        (_, Some(me)) => home_path(me).to_owned(),
        (_, None) => "/".to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deep_link_is_followed_only_within_the_app() {
        assert_eq!(
            after_sign_in(Some("/parent/evenings/3"), None),
            "/parent/evenings/3"
        );
        assert_eq!(after_sign_in(Some("//evil.example/x"), None), "/");
        assert_eq!(after_sign_in(Some("https://evil.example"), None), "/");
        assert_eq!(after_sign_in(Some("/signin?next=/x"), None), "/");
        assert_eq!(after_sign_in(None, None), "/");
    }
}
