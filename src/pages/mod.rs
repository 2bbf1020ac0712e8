//! One page a file, each a route.

pub mod account;
pub mod admin_home;
pub mod class_page;
pub mod evening_booking;
pub mod landing;
pub mod new_evening;
pub mod not_found;
pub mod parent_home;
pub mod sign_in;
pub mod teacher_home;
pub mod teacher_schedule;
