//! Reusable pieces, one component a file.

pub mod app_header;
pub mod app_shell;
pub mod availability_form;
pub mod child_booking;
pub mod error_notice;
pub mod evening_list;
pub mod family_appointments;
pub mod family_line;
pub mod go_to;
pub mod join_request_card;
pub mod loading;
pub mod new_password_fields;
pub mod page_heading;
pub mod person_card;
pub mod person_row;
pub mod profile_form;
pub mod public_card;
pub mod roster_diff;
pub mod roster_problems;
pub mod session_list;
pub mod slot_legend;
pub mod slot_picker;
pub mod text_field;
pub mod upcoming_appointments;
pub mod visibility_choice;
pub mod your_data;
