use leptos::prelude::*;

/// What the picker's time buttons look like in each state, drawn with the
/// picker's own classes so the key cannot drift from what it explains.
#[component]
pub fn SlotLegend() -> impl IntoView {
    let keys = [
        ("slot slot-free", "free: tap to book"),
        ("slot slot-mine", "your family's appointment"),
        ("slot slot-taken", "taken by another family"),
        ("slot slot-blocked", "the teacher is not free"),
        (
            "slot slot-clash",
            "clashes with another of your appointments: tap it to see why",
        ),
    ];
    view! {
        <ul class="slot-legend" aria-label="What the times mean">
            {keys
                .into_iter()
                .map(|(class, meaning)| view! {
                    <li>
                        <span class=format!("{class} slot-swatch") aria-hidden="true">"16:00"</span>
                        {meaning}
                    </li>
                })
                .collect::<Vec<_>>()}
        </ul>
    }
}
