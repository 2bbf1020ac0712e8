//! Reusable pieces, one component a file.

pub mod app_header;
pub mod app_shell;
pub mod availability_form;
pub mod child_booking;
pub mod error_notice;
pub mod evening_list;
pub mod family_appointments;
pub mod loading;
pub mod page_heading;
pub mod slot_picker;
pub mod text_field;
