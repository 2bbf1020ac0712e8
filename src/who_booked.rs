//! "Booked by …": who booked a family's appointment, in words.

use confero_core::dto::{BookedBy, Booking};

/// "Booked by you", "Booked by Hiro Llewellyn", "Booked by another of
/// Ava's guardians" (whose profile keeps their name from the reader), or
/// "Booked by the school"; nothing when the API did not say.
pub fn words(booking: &Booking) -> Option<String> {
    Some(match booking.booked_by.as_ref()? {
        BookedBy::You => "Booked by you".to_owned(),
        BookedBy::Guardian { name: Some(name) } => format!("Booked by {name}"),
        BookedBy::Guardian { name: None } => {
            let child = booking
                .student_name
                .split_whitespace()
                .next()
                .unwrap_or("your child");
            format!("Booked by another of {child}'s guardians")
        }
        BookedBy::School => "Booked by the school".to_owned(),
    })
}
