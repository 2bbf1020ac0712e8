//! `cargo xtask bench picker`: the slot picker alone, on a generated evening
//! (60 teachers × 30 slots), for timing its first render against the same
//! markup built with plain DOM calls (`end2end/bench/picker.mjs`). Built in
//! release like the app; never served by the API.

use confero_core::dto::{SlotState, SlotView};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use confero_web::components::slot_picker::{PickerSlot, SlotCells, SlotPicker};

const TEACHERS: i64 = 60;
const SLOTS: i64 = 30;

fn main() {
    console_error_panic_hook::set_once();
}

/// The generated evening: every fifth slot taken, every eleventh blocked,
/// every thirteenth the family's own, every seventh free one predicted to clash.
fn evening() -> Vec<(i64, Vec<PickerSlot>)> {
    let first =
        chrono::DateTime::parse_from_rfc3339("2026-12-03T16:00:00+00:00").expect("a fixed time");
    (1..=TEACHERS)
        .map(|teacher| {
            let slots = (0..SLOTS)
                .map(|i| {
                    let start = first + chrono::Duration::minutes(10 * i);
                    let n = teacher * SLOTS + i;
                    let state = match () {
                        _ if n % 5 == 0 => SlotState::Taken,
                        _ if n % 11 == 0 => SlotState::Blocked,
                        _ if n % 13 == 0 => SlotState::Mine,
                        _ => SlotState::Free,
                    };
                    let blocked_because = (state == SlotState::Free && n % 7 == 0)
                        .then(|| "you are with Mr Patel then".to_owned());
                    PickerSlot {
                        slot: SlotView {
                            start,
                            end: start + chrono::Duration::minutes(10),
                            state,
                            booking: None,
                        },
                        state,
                        blocked_because,
                    }
                })
                .collect();
            (teacher, slots)
        })
        .collect()
}

thread_local! {
    static MOUNTED: std::cell::RefCell<Option<(leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>, SlotCells)>> =
        const { std::cell::RefCell::new(None) };
}

/// Renders the whole picker grid into `#grid` (generating the data is not timed).
#[wasm_bindgen]
pub fn render_grid() {
    let data = evening();
    let parent: web_sys::HtmlElement = document()
        .get_element_by_id("grid")
        .expect("#grid")
        .unchecked_into();
    let cells = SlotCells::new();
    let handle = leptos::mount::mount_to(parent, move || {
        let busy = Signal::stored(false);
        let pick = Callback::new(|_: String| {});
        data.into_iter()
            .map(|(teacher, slots)| {
                view! {
                    <SlotPicker slots teacher_id=teacher cells teacher_name=format!("Teacher {teacher}") child_name="Amelia".to_owned() busy on_pick=pick />
                }
            })
            .collect::<Vec<_>>()
            .into_any()
    });
    MOUNTED.with(|mounted| *mounted.borrow_mut() = Some((handle, cells)));
}

/// Takes the grid down again.
#[wasm_bindgen]
pub fn clear_grid() {
    MOUNTED.with(|mounted| mounted.borrow_mut().take());
}

/// A live event as the page receives it: slot `index` of `teacher` taken or freed.
#[wasm_bindgen]
pub fn live_update(teacher: i32, index: i32, taken: bool) {
    let first =
        chrono::DateTime::parse_from_rfc3339("2026-12-03T16:00:00+00:00").expect("a fixed time");
    let start = (first + chrono::Duration::minutes(10 * i64::from(index))).timestamp();
    MOUNTED.with(|mounted| {
        if let Some((_, cells)) = mounted.borrow().as_ref() {
            cells.apply(i64::from(teacher), start, taken);
        }
    });
}

thread_local! {
    static PLAN_CASES: Vec<confero_core::plan::examples::Instance> = confero_core::plan::examples::all();
}

/// `cargo xtask bench plan`: the names of the planner's benchmark evenings.
#[wasm_bindgen]
pub fn plan_cases() -> Vec<String> {
    PLAN_CASES.with(|cases| cases.iter().map(|c| c.name.to_owned()).collect())
}

/// Plans benchmark evening `index` (built once, outside the timing, which
/// `end2end/bench/plan.mjs` takes around this call); returns the pairs placed.
#[wasm_bindgen]
pub fn solve_plan(index: usize) -> usize {
    PLAN_CASES.with(|cases| {
        cases
            .get(index)
            .map(|case| confero_core::plan::plan(&case.input()).placed.len())
            .unwrap_or(0)
    })
}
