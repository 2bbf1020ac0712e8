//! Confero's single-page app: Leptos, client-side rendered, compiled to wasm.
//!
//! All HTTP goes through [`api`]; the session lives in [`session`]; pages are
//! in [`pages`] and reusable pieces in [`components`], one component a file.

pub mod api;
pub mod app;
pub mod boot;
pub mod builds;
pub mod components;
pub mod files;
pub mod form_errors;
pub mod fragment;
pub mod live;
pub mod offline_store;
pub mod pages;
pub mod planning;
pub mod prediction;
pub mod pwa;
pub mod session;
pub mod slot_keys;
pub mod time_text;
pub mod who_booked;
