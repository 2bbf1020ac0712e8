//! What each email says: plain text, and simple HTML carrying the same words.
//!
//! Every message is in the school's name. The HTML has no image, no style
//! sheet from anywhere and no link but to Confero itself: nothing in an
//! email tells a third party it was opened.

use std::fmt::Write as _;

/// A message ready for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A calendar file: name and text.
    pub attachment: Option<(String, String)>,
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One piece of a message.
enum Part<'a> {
    Text(String),
    /// A button-like link and the words on it.
    Link(&'a str, &'a str),
    /// Lines shown as a list.
    List(Vec<String>),
}

/// Builds the text and HTML of a message from the same parts.
fn render(school: &str, greeting: &str, parts: &[Part<'_>]) -> (String, String) {
    let mut text = format!("{greeting}\n\n");
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b; max-width: 36em\">\
         <p>{}</p>",
        escape(greeting)
    );
    for part in parts {
        match part {
            Part::Text(words) => {
                let _ = write!(text, "{words}\n\n");
                let _ = write!(html, "<p>{}</p>", escape(words));
            }
            Part::Link(href, label) => {
                let _ = write!(text, "{label}: {href}\n\n");
                let _ = write!(
                    html,
                    "<p><a href=\"{}\" style=\"display: inline-block; padding: 0.6em 1.2em; background: #1d4e89; color: #ffffff; border-radius: 6px; text-decoration: none\">{}</a></p>\
                     <p style=\"font-size: 0.9em; color: #555\">{}</p>",
                    escape(href),
                    escape(label),
                    escape(href)
                );
            }
            Part::List(lines) => {
                html.push_str("<ul>");
                for line in lines {
                    let _ = writeln!(text, "  - {line}");
                    let _ = write!(html, "<li>{}</li>", escape(line));
                }
                html.push_str("</ul>");
                text.push('\n');
            }
        }
    }
    let signature = format!("{school}, through Confero");
    let _ = write!(text, "-- \n{signature}\n");
    let _ = writeln!(
        html,
        "<p style=\"color: #555; font-size: 0.9em\">{}</p></body></html>",
        escape(&signature)
    );
    (text, html)
}

fn message(subject: String, school: &str, greeting: &str, parts: &[Part<'_>]) -> Rendered {
    let (text, html) = render(school, greeting, parts);
    Rendered {
        subject,
        text,
        html,
        attachment: None,
    }
}

/// An invitation to set a password and sign in.
pub fn invitation(school: &str, name: &str, link: &str, expires: &str) -> Rendered {
    message(
        format!("{school} invites you to book parents' evenings with Confero"),
        school,
        &format!("Dear {name},"),
        &[
            Part::Text(format!(
                "{school} uses Confero to book parents' evening appointments. Choose a password to sign in."
            )),
            Part::Link(link, "Choose your password"),
            Part::Text(format!(
                "This link works once and until {expires}. If you were not expecting it, you can ignore this email."
            )),
        ],
    )
}

/// Confirms the email address of someone asking to join.
pub fn join_confirmation(school: &str, name: &str, link: &str) -> Rendered {
    message(
        format!("Confirm your email to ask to join {school}"),
        school,
        &format!("Dear {name},"),
        &[
            Part::Text(format!(
                "You asked to join {school} on Confero. Confirm that this is your email address, and the school will look at your request."
            )),
            Part::Link(link, "Confirm my email"),
            Part::Text("If you did not ask, ignore this email: nothing happens without the confirmation.".into()),
        ],
    )
}

/// A join request was approved: choose a password.
pub fn join_approved(school: &str, name: &str, link: &str, expires: &str) -> Rendered {
    message(
        format!("{school} has approved your request to join"),
        school,
        &format!("Dear {name},"),
        &[
            Part::Text(format!(
                "{school} has approved your request. Choose a password to sign in and book appointments."
            )),
            Part::Link(link, "Choose your password"),
            Part::Text(format!("This link works once and until {expires}.")),
        ],
    )
}

/// A join request was turned down.
pub fn join_rejected(school: &str, name: &str, reason: &str) -> Rendered {
    message(
        format!("Your request to join {school}"),
        school,
        &format!("Dear {name},"),
        &[
            Part::Text(format!("{school} could not approve your request to join.")),
            Part::Text(format!("The school's reason: {reason}")),
            Part::Text("If you think this is a mistake, please contact the school office.".into()),
        ],
    )
}

/// A link to choose a new password.
pub fn password_reset(school: &str, name: &str, link: &str) -> Rendered {
    message(
        "Choose a new Confero password".into(),
        school,
        &format!("Dear {name},"),
        &[
            Part::Text("Someone — we hope you — asked to reset your Confero password.".into()),
            Part::Link(link, "Choose a new password"),
            Part::Text("This link works once, for one hour. Choosing a new password signs you out everywhere. If you did not ask, ignore this email: your password stays as it is.".into()),
        ],
    )
}

/// An appointment as a line of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentLine {
    /// "Thursday 3 December, 16:20–16:30".
    pub when: String,
    pub teacher_name: String,
    pub student_name: String,
    /// "Room A10", "Video call: https://…", "The teacher will phone you".
    pub place: Option<String>,
}

impl AppointmentLine {
    fn line(&self) -> String {
        let mut line = format!(
            "{}: {} about {}",
            self.when, self.teacher_name, self.student_name
        );
        if let Some(place) = &self.place {
            line.push_str(&format!(" — {place}"));
        }
        line
    }
}

/// What happened to a booking, as families and teachers are told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookingChange {
    Made,
    Moved {
        from_when: String,
    },
    Cancelled {
        why: Option<String>,
    },
    /// A time from the waitlist, held for the family until `until` ("18:42").
    Offered {
        until: String,
    },
    /// The teacher is running about `minutes` late.
    Late {
        minutes: u32,
    },
}

/// A booking made, moved or cancelled, to a family or a teacher, with the
/// appointment's calendar file unless it was cancelled.
pub fn booking(
    school: &str,
    name: &str,
    evening: &str,
    appointment: &AppointmentLine,
    change: &BookingChange,
    calendar: Option<String>,
    link: &str,
) -> Rendered {
    let (subject, opening) = match change {
        BookingChange::Made => (
            format!(
                "Booked: {} with {}",
                appointment.when, appointment.teacher_name
            ),
            format!("Your appointment at {evening} is booked."),
        ),
        BookingChange::Moved { from_when } => (
            format!(
                "Moved: now {} with {}",
                appointment.when, appointment.teacher_name
            ),
            format!("Your appointment at {evening} has moved from {from_when}."),
        ),
        BookingChange::Cancelled { .. } => (
            format!(
                "Cancelled: {} with {}",
                appointment.when, appointment.teacher_name
            ),
            format!("This appointment at {evening} has been cancelled."),
        ),
        BookingChange::Late { minutes } => (
            format!(
                "Running late: {} is about {minutes} minutes behind",
                appointment.teacher_name
            ),
            format!(
                "{} is running about {minutes} minutes late at {evening}. Your appointment may start a little after its time; the appointments page shows the latest.",
                appointment.teacher_name
            ),
        ),
        BookingChange::Offered { until } => (
            format!(
                "A time has come up: {} with {}",
                appointment.when, appointment.teacher_name
            ),
            format!(
                "A time you were waiting for at {evening} has come up. It is held for you until {until}; after that it goes to the next family waiting."
            ),
        ),
    };
    let mut parts = vec![Part::Text(opening), Part::List(vec![appointment.line()])];
    if let BookingChange::Cancelled { why: Some(why) } = change {
        parts.push(Part::Text(why.clone()));
    }
    if calendar.is_some() {
        parts.push(Part::Text(
            "The attached calendar file adds it to your calendar, with a reminder.".into(),
        ));
    }
    parts.push(Part::Link(
        link,
        if matches!(change, BookingChange::Offered { .. }) {
            "Book it or say no"
        } else if matches!(change, BookingChange::Late { .. }) {
            "See your appointments and the latest"
        } else {
            "See your appointments"
        },
    ));
    let mut rendered = message(subject, school, &format!("Dear {name},"), &parts);
    rendered.attachment = calendar.map(|text| ("appointment.ics".to_owned(), text));
    rendered
}

/// A plan booked at once: every appointment in one message, with one
/// calendar file holding them all.
pub fn bookings_made(
    school: &str,
    name: &str,
    evening: &str,
    appointments: &[AppointmentLine],
    calendar: Option<String>,
    link: &str,
) -> Rendered {
    let count = appointments.len();
    let mut parts = vec![
        Part::Text(format!(
            "Your {count} appointments at {evening} are booked:"
        )),
        Part::List(appointments.iter().map(AppointmentLine::line).collect()),
    ];
    if calendar.is_some() {
        parts.push(Part::Text(
            "The attached calendar file adds them to your calendar, with a reminder.".into(),
        ));
    }
    parts.push(Part::Link(link, "See your appointments"));
    let mut rendered = message(
        format!("Booked: {count} appointments at {evening}"),
        school,
        &format!("Dear {name},"),
        &parts,
    );
    rendered.attachment = calendar.map(|text| ("appointments.ics".to_owned(), text));
    rendered
}

/// A family's appointments before an evening.
pub fn reminder(
    school: &str,
    name: &str,
    evening: &str,
    appointments: &[AppointmentLine],
    calendar: String,
    link: &str,
) -> Rendered {
    let parts = [
        Part::Text(format!("A reminder of your appointments at {evening}:")),
        Part::List(appointments.iter().map(AppointmentLine::line).collect()),
        Part::Link(link, "See or change your appointments"),
    ];
    let mut rendered = message(
        format!("Reminder: your appointments at {evening}"),
        school,
        &format!("Dear {name},"),
        &parts,
    );
    rendered.attachment = Some(("appointments.ics".to_owned(), calendar));
    rendered
}

/// The office's reminder to a family with children not yet booked.
pub fn booking_nudge(
    school: &str,
    name: &str,
    evening: &str,
    children: &[String],
    closes: &str,
    link: &str,
) -> Rendered {
    message(
        format!("Book your appointments for {evening}"),
        school,
        &format!("Dear {name},"),
        &[
            Part::Text(format!(
                "Booking is open for {evening}, and there is no appointment yet for:"
            )),
            Part::List(children.to_vec()),
            Part::Text(format!("Booking closes {closes}.")),
            Part::Link(link, "Book appointments"),
            Part::Text(
                "If you cannot come, or have already arranged to see the teachers, you can ignore this email.".into(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_links_only_where_given() {
        let rendered = invitation(
            "St <Mary's>",
            "Ann & Bo",
            "https://confero.example/welcome#code=abc",
            "1 Dec",
        );
        assert!(rendered.html.contains("St &lt;Mary&#39;s&gt;"));
        assert!(rendered.html.contains("Ann &amp; Bo"));
        assert!(!rendered.html.contains("<img"));
        let links: Vec<&str> = rendered.html.split("href=\"").skip(1).collect();
        assert_eq!(links.len(), 1);
        assert!(links[0].starts_with("https://confero.example/"));
        assert!(rendered
            .text
            .contains("https://confero.example/welcome#code=abc"));
        assert!(rendered.text.ends_with("St <Mary's>, through Confero\n"));
    }

    #[test]
    fn a_booking_message_names_the_appointment_and_carries_the_calendar() {
        let line = AppointmentLine {
            when: "Thursday 3 December, 16:20–16:30".into(),
            teacher_name: "Ms Khan".into(),
            student_name: "Amelia Patel".into(),
            place: Some("Room A10".into()),
        };
        let made = booking(
            "Hollowbrook",
            "Mrs Patel",
            "Autumn evening",
            &line,
            &BookingChange::Made,
            Some("BEGIN:VCALENDAR".into()),
            "https://c/parent",
        );
        assert_eq!(
            made.subject,
            "Booked: Thursday 3 December, 16:20–16:30 with Ms Khan"
        );
        assert!(made.text.contains("Amelia Patel — Room A10"));
        assert_eq!(
            made.attachment.as_ref().map(|a| a.0.as_str()),
            Some("appointment.ics")
        );
        let cancelled = booking(
            "Hollowbrook",
            "Ms Khan",
            "Autumn evening",
            &line,
            &BookingChange::Cancelled {
                why: Some("The school's roster no longer lists this family.".into()),
            },
            None,
            "https://c/teacher",
        );
        assert!(cancelled.subject.starts_with("Cancelled:"));
        assert!(cancelled.text.contains("no longer lists"));
        assert!(cancelled.attachment.is_none());
    }
}
