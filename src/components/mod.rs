//! Reusable pieces, one component a file.

pub mod app_header;
pub mod app_shell;
pub mod error_notice;
pub mod loading;
pub mod page_heading;
pub mod text_field;
