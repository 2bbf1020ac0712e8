//! The API's integration tests: each test starts the real server on a free
//! port over a fresh database, SQLite by default or PostgreSQL when
//! `CONFERO_TEST_POSTGRES_URL` names a server (`cargo xtask test` runs both).

mod accounts;
mod audiences;
mod batch;
mod booking_tx;
mod bookings;
mod concurrency;
mod demo;
mod denial;
mod erasure;
mod errors;
mod evenings;
mod exports;
mod grid_cache;
mod health;
mod helpers;
mod households;
mod live;
mod logs;
mod mail;
mod notes;
mod openapi;
mod overview;
mod privacy_scan;
mod profiles;
mod races;
mod retention;
mod roster;
mod security;
mod session;
mod smtp_sink;
mod stranding;
mod tenancy;
mod tenancy_scan;
mod throttle;
mod waitlist;
