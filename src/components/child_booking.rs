use confero_core::dto::{
    Booking, Child, Evening, EveningStatus, SlotState, TeacherSlots, WaitlistEntry,
};
use confero_core::rules::FamilyAppointment;
use leptos::prelude::*;

use crate::components::slot_picker::{SlotCells, SlotPicker};
use crate::components::waitlist_join::{JoinAsk, WaitlistRow};
use crate::prediction::picker_slots;
use crate::time_text::clock;

/// What a tap on a slot asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    pub teacher_id: i64,
    pub student_id: i64,
    pub start: String,
}

/// What the page says beside one child's row with a teacher: why the time
/// tapped there was not booked.
#[derive(Clone, Debug, PartialEq)]
pub struct RowNote {
    pub student_id: i64,
    pub teacher_id: i64,
    pub text: String,
}

/// The element id of a child's row with one teacher.
pub fn row_id(student_id: i64, teacher_id: i64) -> String {
    format!("row-{student_id}-{teacher_id}")
}

/// One child's teachers for the evening: booked ones with their time, the
/// others with a slot picker.
#[component]
pub fn ChildBooking(
    child: Child,
    evening: Evening,
    grid: Vec<TeacherSlots>,
    bookings: Vec<Booking>,
    family: Vec<FamilyAppointment>,
    now: i64,
    #[prop(into)] busy: Signal<bool>,
    on_pick: Callback<Pick>,
    /// Moves an existing booking: (booking id, new start).
    on_move: Callback<(i64, String)>,
    /// The booking whose time is being changed, if any. Held by the page, so
    /// a live update redrawing this card keeps it open.
    changing: RwSignal<Option<i64>>,
    /// Why the last tap in a row failed, shown in that row.
    row_note: RwSignal<Option<RowNote>>,
    /// The live state of every slot on the page.
    cells: SlotCells,
    /// The family's open places in teachers' waiting lists this evening.
    places: Vec<WaitlistEntry>,
    on_join: Callback<JoinAsk>,
    on_leave: Callback<i64>,
) -> impl IntoView {
    let open = evening.status == EveningStatus::Published
        && evening.booking_opens_at.timestamp() <= now
        && now < evening.booking_closes_at.timestamp();
    let child_name = child.given_name.clone();
    // The child's grid is one tab stop: on the first teacher's row of times.
    let first_row = child
        .teachers
        .iter()
        .find(|t| {
            !bookings
                .iter()
                .any(|b| b.teacher_id == t.teacher_id && b.student_id == child.id)
                && grid.iter().any(|c| c.teacher_id == t.teacher_id)
        })
        .map(|t| t.teacher_id);
    let heading_id = format!("child-{}-teachers", child.id);
    let labelled_by = heading_id.clone();
    let rows = child
        .teachers
        .iter()
        .map(|teacher| {
            let (student, teacher_id) = (child.id, teacher.teacher_id);
            let booked = bookings.iter().find(|b| b.teacher_id == teacher.teacher_id && b.student_id == child.id).cloned();
            let column = grid.iter().find(|c| c.teacher_id == teacher.teacher_id).cloned();
            let room = column.as_ref().and_then(|c| c.room.clone());
            let body = match (booked, column) {
                (Some(booking), column) => {
                    let booking_id = booking.id;
                    let open = move || changing.get() == Some(booking_id);
                    let picker = column.map(|column| {
                        let slots = picker_slots(&evening, &column, child.id, (&bookings, &family), now, Some(booking_id))
                            .into_iter()
                            .filter(|p| p.slot.start != booking.start)
                            .collect::<Vec<_>>();
                        let pick = Callback::new(move |start: String| on_move.run((booking_id, start)));
                        view! {
                            <SlotPicker slots teacher_id=teacher.teacher_id cells teacher_name=teacher.teacher_name.clone() child_name=child_name.clone() busy on_pick=pick moving=true />
                        }
                    });
                    let toggle = NodeRef::<leptos::html::Button>::new();
                    // Escape closes "Change time" and gives focus back to its button.
                    let on_key = move |event: web_sys::KeyboardEvent| {
                        if event.key() == "Escape" && changing.get_untracked() == Some(booking_id) {
                            changing.set(None);
                            if let Some(button) = toggle.get_untracked() {
                                let _ = button.focus();
                            }
                        }
                    };
                    view! {
                        <p class="booked" on:keydown=on_key>
                            <span class="booked-time">{clock(&booking.start)}</span>
                            " booked"
                            {booking.room.map(|room| format!(" · {room}"))}
                            <button type="button" class="button button-small booked-change" node_ref=toggle
                                aria-expanded=move || open().to_string()
                                prop:disabled=move || busy.get()
                                on:click=move |_| changing.update(|current| {
                                    *current = if *current == Some(booking_id) { None } else { Some(booking_id) }
                                })>
                                {move || if open() { "Keep this time" } else { "Change time" }}
                            </button>
                        </p>
                        <div class="change-picker" hidden=move || !open() on:keydown=on_key>{picker}</div>
                    }
                    .into_any()
                }
                (None, Some(column)) => {
                    let slots = picker_slots(&evening, &column, child.id, (&bookings, &family), now, None);
                    let usable = slots.iter().any(|p| p.state == SlotState::Free && p.blocked_because.is_none());
                    let teacher_id = teacher.teacher_id;
                    let student_id = child.id;
                    let pick = Callback::new(move |start: String| on_pick.run(Pick { teacher_id, student_id, start }));
                    let place = places.iter().find(|p| p.teacher_id == teacher_id && p.student_id == student_id).cloned();
                    let waitlist = open.then(|| view! {
                        <WaitlistRow teacher_id teacher_name=teacher.teacher_name.clone() student_id
                            slots=column.slots.clone() place usable busy on_join on_leave />
                    });
                    let tab_stop_elsewhere = first_row != Some(teacher_id);
                    view! {
                        <SlotPicker slots teacher_id=teacher.teacher_id cells teacher_name=teacher.teacher_name.clone() child_name=child_name.clone() busy on_pick=pick tab_stop_elsewhere />
                        {waitlist}
                    }
                    .into_any()
                }
                (None, None) => view! { <p class="meta">"Not taking part in this evening."</p> }.into_any(),
            };
            view! {
                <li class="teacher-row" id=row_id(child.id, teacher.teacher_id)>
                    <div class="teacher-head">
                        <h3 class="teacher">{teacher.teacher_name.clone()}</h3>
                        <span class="subject">{format!("{} · {}", teacher.subject, teacher.class_name)}</span>
                        {room.map(|room| view! { <span class="room">{room}</span> })}
                    </div>
                    {body}
                    {move || {
                        row_note
                            .with(|note| note.as_ref().filter(|n| n.student_id == student && n.teacher_id == teacher_id).map(|n| n.text.clone()))
                            .map(|text| view! { <p class="slot-why row-note" aria-live="polite">{text}</p> })
                    }}
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="card child-booking" aria-labelledby=labelled_by>
            <h2 id=heading_id>{format!("{} {}", child.given_name, child.family_name)}</h2>
            <p class="meta">{child.year_group.clone()}</p>
            <ul class="teacher-rows" role="list">{rows}</ul>
        </section>
    }
}
