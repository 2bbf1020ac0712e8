use confero_core::dto::{Evening, EveningStatus};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::session::use_session;
use crate::time_text::{moment, span};

/// What each evening in the list offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EveningLinks {
    /// Parents: book appointments.
    Book,
    /// Teachers: their schedule.
    Schedule,
    /// Admins: publish or archive, and the bookings export.
    Manage,
}

/// What a parent is offered for an evening: booking only while it is
/// published and its booking window is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParentOffer {
    Book,
    /// Published, booking not open yet: the times can be looked at.
    NotYetOpen,
    /// Booking closed, or the evening archived: the family's appointments only.
    Over,
}

impl ParentOffer {
    fn of(evening: &Evening, now: i64) -> ParentOffer {
        if evening.status != EveningStatus::Published
            || now >= evening.booking_closes_at.timestamp()
        {
            ParentOffer::Over
        } else if now < evening.booking_opens_at.timestamp() {
            ParentOffer::NotYetOpen
        } else {
            ParentOffer::Book
        }
    }

    fn link(self) -> (&'static str, &'static str) {
        match self {
            ParentOffer::Book => ("Book appointments", "button button-primary"),
            ParentOffer::NotYetOpen => ("See the times", "button"),
            ParentOffer::Over => ("Your appointments", "button"),
        }
    }
}

/// The line under an evening's date: for the office its status; for
/// families and teachers what booking is doing (whether it is published is
/// office language).
fn status_line(links: EveningLinks, evening: &Evening, now: i64) -> String {
    if links == EveningLinks::Manage {
        let status = match evening.status {
            EveningStatus::Draft => "Draft",
            EveningStatus::Published => "Published",
            EveningStatus::Archived => "Archived",
        };
        return format!(
            "{status} · booking closes {}",
            moment(&evening.booking_closes_at)
        );
    }
    if evening.status == EveningStatus::Draft {
        // Only staff see drafts.
        return "Draft: families do not see it yet".to_owned();
    }
    match ParentOffer::of(evening, now) {
        ParentOffer::Book => format!(
            "Booking open · closes {}",
            moment(&evening.booking_closes_at)
        ),
        ParentOffer::NotYetOpen => format!("Booking opens {}", moment(&evening.booking_opens_at)),
        ParentOffer::Over => "Booking closed".to_owned(),
    }
}

/// Families and teachers see the evenings still to come first, soonest
/// first, then those that are over, latest first. (The office's list stays
/// newest first, as the API gives it.)
fn in_date_order(evenings: &mut [Evening], now: i64) {
    let first = |e: &Evening| e.sessions.first().map_or(0, |s| s.start.timestamp());
    let over = |e: &Evening| {
        e.sessions
            .iter()
            .map(|s| s.end.timestamp())
            .max()
            .unwrap_or(0)
            < now
    };
    evenings.sort_by(|a, b| match (over(a), over(b)) {
        (false, false) => first(a).cmp(&first(b)),
        (true, true) => first(b).cmp(&first(a)),
        (a_over, _) => a_over.cmp(&!a_over),
    });
}

/// What changing an evening's status does, asked before it is done:
/// (the evening's name, the question).
fn status_question(name: &str, next: EveningStatus) -> (String, String) {
    let what = match next {
        EveningStatus::Published => {
            "Families will see it and can book once booking opens; teachers see their schedules."
        }
        EveningStatus::Archived => {
            "Families will no longer be able to book it; the appointments made stay on record."
        }
        EveningStatus::Draft => "Families will no longer see it until it is published again.",
    };
    (name.to_owned(), what.to_owned())
}

/// The school's parents' evenings: for the office newest first, for
/// families and teachers in date order (see [`in_date_order`]).
#[component]
pub fn EveningList(links: EveningLinks) -> impl IntoView {
    let session = use_session();
    let evenings = LocalResource::new(move || api::evenings(session));
    let retry = Callback::new(move |()| evenings.refetch());
    // The evening whose Publish, Archive or Back to draft asks to be sure.
    let confirming = RwSignal::new(None::<i64>);
    let set_status = Action::new_local(move |(id, status): &(i64, EveningStatus)| {
        api::set_evening_status(session, *id, *status)
    });
    Effect::new(move |_| {
        if set_status.value().with(Option::is_some) {
            evenings.refetch();
        }
    });
    let export = Action::new_local(move |evening: &Evening| {
        let path = format!("/api/evenings/{}/bookings.csv", evening.id);
        let name = format!("bookings-evening-{}.csv", evening.id);
        async move { api::download(session, &path, &name).await }
    });
    view! {
        <section class="evenings" aria-labelledby="evenings-heading">
            <div class="section-head">
                <h2 id="evenings-heading">"Parents' evenings"</h2>
                {(links == EveningLinks::Manage).then(|| view! {
                    <A href="/admin/evenings/new" attr:class="button button-primary">"New evening"</A>
                })}
            </div>
            <Transition fallback=|| view! { <EveningPlaceholder /> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                    {move || Suspend::new(async move {
                        evenings.await.map(|mut evenings| {
                            let now = (js_sys::Date::now() / 1000.0) as i64;
                            if links != EveningLinks::Manage {
                                in_date_order(&mut evenings, now);
                            }
                            if evenings.is_empty() {
                                return view! { <p class="empty">"No parents' evenings yet."</p> }.into_any();
                            }
                            view! {
                                <ul class="evening-list" role="list">
                                    {evenings.into_iter().map(|evening| {
                                        let when = evening.sessions.first().map(|s| span(&s.start, &s.end)).unwrap_or_default();
                                        let status = status_line(links, &evening, now);
                                        let action = match links {
                                            EveningLinks::Book => {
                                                let (label, class) = ParentOffer::of(&evening, now).link();
                                                view! {
                                                    <A href=format!("/parent/evenings/{}", evening.id) attr:class=class>{label}</A>
                                                }.into_any()
                                            }
                                            EveningLinks::Schedule => view! {
                                                <A href=format!("/teacher/evenings/{}", evening.id) attr:class="button button-primary">"Your schedule"</A>
                                            }.into_any(),
                                            EveningLinks::Manage => {
                                                let target = evening.clone();
                                                let id = evening.id;
                                                let (next, label) = match evening.status {
                                                    EveningStatus::Draft => (EveningStatus::Published, "Publish"),
                                                    EveningStatus::Published => (EveningStatus::Archived, "Archive"),
                                                    EveningStatus::Archived => (EveningStatus::Draft, "Back to draft"),
                                                };
                                                let question = status_question(&evening.name, next);
                                                let asking = move || confirming.get() == Some(id);
                                                let sure = NodeRef::<leptos::html::Button>::new();
                                                Effect::new(move |_| {
                                                    if let Some(button) = sure.get() {
                                                        let _ = button.focus();
                                                    }
                                                });
                                                view! {
                                                    <span class="actions">
                                                        <A href=format!("/admin/evenings/{id}") attr:class="button button-primary"
                                                            attr:aria-label=format!("Overview of {}", evening.name)>"Overview"</A>
                                                        <A href=format!("/admin/evenings/{id}/edit") attr:class="button"
                                                            attr:aria-label=format!("Change {}", evening.name)>"Change"</A>
                                                        <button type="button" class="button"
                                                            aria-label=format!("{label} {}", evening.name)
                                                            aria-expanded=move || asking().to_string()
                                                            prop:disabled=move || set_status.pending().get()
                                                            on:click=move |_| confirming.set(Some(id))>{label}</button>
                                                        {move || asking().then(|| view! {
                                                            <span class="confirm" role="group" aria-label=format!("{label} {}?", question.0)>
                                                                <span class="confirm-question">{question.1.clone()}</span>
                                                                <button type="button" class="button button-primary" node_ref=sure
                                                                    on:click=move |_| { confirming.set(None); set_status.dispatch((id, next)); }>
                                                                    {format!("Yes, {}", label.to_lowercase())}
                                                                </button>
                                                                <button type="button" class="button" on:click=move |_| confirming.set(None)>"Not now"</button>
                                                            </span>
                                                        })}
                                                        <button type="button" class="button" aria-label=format!("Export bookings (CSV) of {}", target.name)
                                                            on:click=move |_| { export.dispatch(target.clone()); }>
                                                            "Export bookings (CSV)"
                                                        </button>
                                                    </span>
                                                }.into_any()
                                            }
                                        };
                                        view! {
                                            <li class="card evening">
                                                <div>
                                                    <h3>{evening.name.clone()}</h3>
                                                    <p class="meta">{when}</p>
                                                    <p class="meta">{status}</p>
                                                    {(links != EveningLinks::Book && !evening.audience.is_everyone()).then(|| view! {
                                                        <p class="meta">{format!("For {}", evening.audience.describe())}</p>
                                                    })}
                                                </div>
                                                {action}
                                            </li>
                                        }
                                    }).collect::<Vec<_>>()}
                                </ul>
                            }.into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confero_core::dto::Span;

    fn evening(status: EveningStatus, opens: &str, closes: &str) -> Evening {
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
        Evening {
            id: 1,
            name: "Autumn".into(),
            status,
            sessions: vec![Span {
                start: at("2026-12-15T16:00:00Z"),
                end: at("2026-12-15T19:00:00Z"),
            }],
            breaks: vec![],
            slot_minutes: 10,
            changeover_minutes: 0,
            travel_buffer_minutes: 5,
            booking_opens_at: at(opens),
            booking_closes_at: at(closes),
            cancel_until: at(closes),
            mode: confero_core::dto::MeetingMode::InPerson,
            video_link: None,
            teachers: vec![],
            audience: Default::default(),
        }
    }

    #[test]
    fn only_a_published_evening_open_for_booking_is_offered_for_booking() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")
            .unwrap()
            .timestamp();
        let open = evening(
            EveningStatus::Published,
            "2026-11-20T09:00:00Z",
            "2026-12-14T18:00:00Z",
        );
        assert_eq!(ParentOffer::of(&open, now), ParentOffer::Book);
        let soon = evening(
            EveningStatus::Published,
            "2026-12-05T09:00:00Z",
            "2026-12-14T18:00:00Z",
        );
        assert_eq!(ParentOffer::of(&soon, now), ParentOffer::NotYetOpen);
        let closed = evening(
            EveningStatus::Published,
            "2026-11-01T09:00:00Z",
            "2026-12-01T12:00:00Z",
        );
        assert_eq!(ParentOffer::of(&closed, now), ParentOffer::Over);
        let archived = evening(
            EveningStatus::Archived,
            "2026-11-20T09:00:00Z",
            "2026-12-14T18:00:00Z",
        );
        assert_eq!(ParentOffer::of(&archived, now), ParentOffer::Over);
        assert_eq!(ParentOffer::Over.link().0, "Your appointments");
    }

    #[test]
    fn families_read_what_booking_is_doing_and_the_office_reads_the_status() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")
            .unwrap()
            .timestamp();
        let open = evening(
            EveningStatus::Published,
            "2026-11-20T09:00:00Z",
            "2026-12-14T18:00:00Z",
        );
        let line = status_line(EveningLinks::Book, &open, now);
        assert!(line.starts_with("Booking open · closes "), "{line}");
        assert_eq!(
            status_line(EveningLinks::Schedule, &open, now),
            line,
            "teachers read the same"
        );
        let soon = evening(
            EveningStatus::Published,
            "2026-12-05T09:00:00Z",
            "2026-12-14T18:00:00Z",
        );
        assert!(status_line(EveningLinks::Book, &soon, now).starts_with("Booking opens "));
        let archived = evening(
            EveningStatus::Archived,
            "2026-11-20T09:00:00Z",
            "2026-12-14T18:00:00Z",
        );
        assert_eq!(
            status_line(EveningLinks::Book, &archived, now),
            "Booking closed"
        );
        let draft = evening(
            EveningStatus::Draft,
            "2026-11-20T09:00:00Z",
            "2026-12-14T18:00:00Z",
        );
        assert_eq!(
            status_line(EveningLinks::Schedule, &draft, now),
            "Draft: families do not see it yet"
        );
        let line = status_line(EveningLinks::Manage, &open, now);
        assert!(line.starts_with("Published · booking closes "), "{line}");
    }

    #[test]
    fn families_see_the_soonest_evening_first_and_past_ones_last() {
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
        let on = |id: i64, day: &str| {
            let mut e = evening(
                EveningStatus::Published,
                "2026-11-01T09:00:00Z",
                "2026-12-30T18:00:00Z",
            );
            e.id = id;
            e.sessions = vec![Span {
                start: at(&format!("{day}T16:00:00Z")),
                end: at(&format!("{day}T19:00:00Z")),
            }];
            e
        };
        let now = at("2026-12-05T12:00:00Z").timestamp();
        let mut list = vec![
            on(1, "2026-12-17"),
            on(2, "2026-11-10"),
            on(3, "2026-12-10"),
            on(4, "2026-12-01"),
            on(5, "2026-12-05"),
        ];
        in_date_order(&mut list, now);
        let ids: Vec<i64> = list.iter().map(|e| e.id).collect();
        assert_eq!(
            ids,
            vec![5, 3, 1, 4, 2],
            "today's (not over yet), then coming, then past latest first"
        );
    }
}

/// Where the list will be, while it loads: the size of one evening's card,
/// so what is below (a teacher's classes) does not move when one evening
/// arrives, and a tap aimed at it lands where it was aimed.
#[component]
fn EveningPlaceholder() -> impl IntoView {
    view! {
        <ul class="evening-list" role="list">
            <li class="card evening evening-placeholder">
                <div>
                    <Loading what="evenings" />
                    // Unseen lines as long as an evening's usually are, so
                    // they wrap as its lines do on a phone.
                    <p class="meta" aria-hidden="true">"Wednesday 16 December, 16:00–19:00"</p>
                    <p class="meta" aria-hidden="true">"Published · booking closes Tuesday 15 December at 12:00"</p>
                </div>
                <span class="button" aria-hidden="true">"Your schedule"</span>
            </li>
        </ul>
    }
}
