use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::evening_list::{EveningLinks, EveningList};
use crate::components::page_heading::PageHeading;
use crate::session::use_session;

/// A teacher's home: the classes they teach.
#[component]
pub fn TeacherHome() -> impl IntoView {
    let session = use_session();
    move || {
        session.me().map(|me| {
            let students: i64 = me.classes.iter().map(|c| c.student_count).sum();
            view! {
                <PageHeading>"Your classes"</PageHeading>
                <p class="lead">
                    {format!("{} at {} · {} classes, {} students", me.display_name(), me.school.name, me.classes.len(), students)}
                </p>
                <EveningList links=EveningLinks::Schedule />
                <h2 class="section-heading">"Classes you teach"</h2>
                {if me.classes.is_empty() {
                    view! { <p class="empty">"You have no classes yet. The school’s admin assigns them."</p> }.into_any()
                } else {
                    view! {
                        <ul class="class-list">
                            {me.classes.into_iter().map(|class| view! {
                                <li>
                                    <A href=format!("/teacher/classes/{}", class.id)>
                                        <span class="class-name">{class.name}</span>
                                        <span class="subject">{class.subject}</span>
                                        <span class="count">{format!("{} students", class.student_count)}</span>
                                    </A>
                                </li>
                            }).collect::<Vec<_>>()}
                        </ul>
                    }.into_any()
                }}
            }
        })
    }
}
