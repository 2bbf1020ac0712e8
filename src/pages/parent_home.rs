use confero_core::dto::Child;
use leptos::prelude::*;

use crate::components::evening_list::{EveningLinks, EveningList};
use crate::components::page_heading::PageHeading;
use crate::components::upcoming_appointments::UpcomingAppointments;
use crate::session::use_session;

/// A guardian's home: their children and each child's teachers.
#[component]
pub fn ParentHome() -> impl IntoView {
    let session = use_session();
    move || {
        session.me().map(|me| {
            let count = me.children.len();
            view! {
                <PageHeading>"Your children"</PageHeading>
                <p class="lead">
                    {format!(
                        "{} at {} · {} {}",
                        me.display_name(),
                        me.school.name,
                        count,
                        if count == 1 { "child" } else { "children" }
                    )}
                </p>
                <UpcomingAppointments />
                <EveningList links=EveningLinks::Book />
                <h2 class="section-heading">"Your children and their teachers"</h2>
                {if me.children.is_empty() {
                    view! {
                        <p class="empty">"No children are linked to your account yet. Your school’s office can link them."</p>
                    }.into_any()
                } else {
                    view! {
                        <div class="cards">
                            {me.children.into_iter().map(|child| view! { <ChildCard child /> }).collect::<Vec<_>>()}
                        </div>
                    }.into_any()
                }}
            }
        })
    }
}

#[component]
fn ChildCard(child: Child) -> impl IntoView {
    let heading_id = format!("child-{}", child.id);
    let labelled_by = heading_id.clone();
    view! {
        <section class="card child-card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{format!("{} {}", child.given_name, child.family_name)}</h2>
            <p class="meta">{format!("{} · you are their {}", child.year_group, child.relationship)}</p>
            <h3 class="subheading">"Teachers"</h3>
            <ul class="teacher-list">
                {child.teachers.into_iter().map(|t| view! {
                    <li>
                        <span class="subject">{t.subject}</span>
                        <span class="teacher">{t.teacher_name}</span>
                        <span class="class-name">{t.class_name}</span>
                    </li>
                }).collect::<Vec<_>>()}
            </ul>
        </section>
    }
}
