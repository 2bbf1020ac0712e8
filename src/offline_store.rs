//! What keeps a teacher working on bad Wi-Fi, in this tab's `sessionStorage`
//! only (gone when the tab closes, and taken away on sign-out): the last
//! schedule fetched of each evening, the signed-in person, and the marks
//! (attended / no-show) made while the connection was gone, queued until it
//! returns. Nothing here ever reaches `localStorage`.

use confero_core::dto::{BookingStatus, Evening, Me, PersonView, TeacherSlots};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

const PREFIX: &str = "confero.offline.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.session_storage().ok().flatten())
}

fn read<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = storage()?.get_item(&format!("{PREFIX}{key}")).ok()??;
    serde_json::from_str(&text).ok()
}

fn write<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        // Full storage only means no offline copy.
        let _ = storage.set_item(&format!("{PREFIX}{key}"), &text);
    }
}

/// A teacher's schedule as last fetched, and when (Unix seconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSchedule {
    pub evening: Evening,
    pub column: Option<TeacherSlots>,
    /// Who of each family is coming, by booking.
    pub families: Vec<(i64, PersonView)>,
    /// The teacher's private notes, by booking.
    #[serde(default)]
    pub notes: Vec<(i64, String)>,
    /// The teacher's class each booked child is in, by booking.
    #[serde(default)]
    pub classes: Vec<(i64, String)>,
    pub fetched_at: i64,
}

pub fn save_schedule(evening_id: i64, saved: &SavedSchedule) {
    write(&format!("schedule.{evening_id}"), saved);
}

pub fn schedule(evening_id: i64) -> Option<SavedSchedule> {
    read(&format!("schedule.{evening_id}"))
}

pub fn save_me(me: &Me) {
    write("me", me);
}

pub fn me() -> Option<Me> {
    read("me")
}

/// A mark made while offline, waiting to be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedMark {
    pub booking_id: i64,
    pub status: BookingStatus,
}

/// A private note written while offline, waiting to be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedNote {
    pub booking_id: i64,
    pub note: String,
}

/// Something waiting to be sent about one appointment.
pub trait Queued: Serialize + DeserializeOwned + PartialEq {
    /// Its queue's key.
    const KEY: &'static str;
    fn booking_id(&self) -> i64;
}

impl Queued for QueuedMark {
    const KEY: &'static str = "marks";
    fn booking_id(&self) -> i64 {
        self.booking_id
    }
}

impl Queued for QueuedNote {
    const KEY: &'static str = "notes";
    fn booking_id(&self) -> i64 {
        self.booking_id
    }
}

/// What waits to be sent, oldest first.
pub fn queued<T: Queued>() -> Vec<T> {
    read(T::KEY).unwrap_or_default()
}

/// Queues an item; a later one about the same appointment replaces the earlier.
pub fn queue<T: Queued>(item: T) -> Vec<T> {
    let mut items = queued::<T>();
    items.retain(|i| i.booking_id() != item.booking_id());
    items.push(item);
    write(T::KEY, &items);
    items
}

/// Takes an item off its queue once the server has it.
pub fn sent<T: Queued>(item: &T) -> Vec<T> {
    let mut items = queued::<T>();
    items.retain(|i| i != item);
    write(T::KEY, &items);
    items
}

/// Forgets everything kept here (on sign-out, or when the session ends).
pub fn forget_all() {
    let Some(storage) = storage() else {
        return;
    };
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(PREFIX))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}

/// Whether the browser believes it is online.
pub fn online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}
