//! One page a file, each a route.

pub mod accept_invitation;
pub mod account;
pub mod admin_audit;
pub mod admin_home;
pub mod admin_households;
pub mod admin_join_requests;
pub mod admin_outbox;
pub mod admin_people;
pub mod admin_roster;
pub mod class_page;
pub mod directory;
pub mod evening_booking;
pub mod forgot_password;
pub mod join_confirm;
pub mod join_school;
pub mod landing;
pub mod new_evening;
pub mod not_found;
pub mod parent_home;
pub mod person;
pub mod profile;
pub mod reset_password;
pub mod sign_in;
pub mod teacher_home;
pub mod teacher_schedule;
