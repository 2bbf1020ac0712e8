use confero_core::dto::EveningStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::occupancy_table::OccupancyTable;
use crate::components::office_booking::OfficeBooking;
use crate::components::page_heading::PageHeading;
use crate::components::unbooked_list::UnbookedList;
use crate::form_errors::focus;
use crate::session::use_session;
use crate::time_text::span;

#[derive(Params, Clone, Debug, PartialEq)]
struct EveningParams {
    id: Option<i64>,
}

/// The office's view of one evening: the numbers (appointments, free times,
/// pupils booked, per year group), every teacher's times, the pupils with no
/// appointment yet (remind their families, download the list), and booking
/// for any pupil.
#[component]
pub fn EveningOverview() -> impl IntoView {
    let session = use_session();
    let params = use_params::<EveningParams>();
    let id = Memo::new(move |_| params.get().ok().and_then(|p| p.id));
    let version = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        let id = id.get();
        version.track();
        async move {
            let id = id.ok_or(ApiError::Unexpected(404))?;
            let evening = api::evening(session, id).await?;
            let overview = api::office::overview(session, id).await?;
            let grid = api::slots(session, id, None).await?;
            Ok::<_, ApiError>((evening, overview, grid))
        }
    });
    let retry = Callback::new(move |()| data.refetch());
    let message = RwSignal::new(None::<String>);
    let query = RwSignal::new(String::new());
    let refresh = Callback::new(move |text: String| {
        message.set(Some(text));
        version.update(|v| *v += 1);
    });
    let on_book = Callback::new(move |name: String| {
        query.set(name);
        version.update(|v| *v += 1);
        request_animation_frame(|| focus("pupil-search"));
    });
    view! {
        <p class="back"><A href="/admin">"← School"</A></p>
        <Transition fallback=|| view! { <Loading what="the evening" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    data.await.map(|(evening, overview, grid)| {
                        let when = evening.sessions.first().map(|s| span(&s.start, &s.end)).unwrap_or_default();
                        let status = match evening.status {
                            EveningStatus::Draft => "Draft",
                            EveningStatus::Published => "Published",
                            EveningStatus::Archived => "Archived",
                        };
                        let name = evening.name.clone();
                        let heading = evening.name.clone();
                        let share = (overview.pupils_booked * 100).checked_div(overview.pupils).unwrap_or(0);
                        view! {
                            <PageHeading>{heading}</PageHeading>
                            <p class="lead">{format!("{when} · {status} · for {}", evening.audience.describe())}</p>
                            <p class="actions">
                                <A href=format!("/admin/evenings/{}/edit", evening.id) attr:class="button">"Change the evening"</A>
                            </p>
                            {move || message.get().map(|text| view! { <div class="notice notice-info" role="status">{text}</div> })}
                            <section aria-labelledby="numbers-heading">
                                <h2 id="numbers-heading">"In numbers"</h2>
                                <dl class="figures">
                                    <div class="figure"><dt>"Appointments"</dt><dd>{overview.appointments}</dd></div>
                                    <div class="figure"><dt>"Free times"</dt><dd>{overview.free_times}</dd></div>
                                    <div class="figure"><dt>"Pupils with an appointment"</dt><dd>{format!("{share}%")}
                                        <span class="figure-note">{format!("{} of {} pupils", overview.pupils_booked, overview.pupils)}</span></dd></div>
                                </dl>
                                <div class="table-scroll">
                                    <table class="table years">
                                        <caption>"By year group"</caption>
                                        <thead><tr>
                                            <th scope="col">"Year group"</th>
                                            <th scope="col" class="num">"Pupils"</th>
                                            <th scope="col" class="num">"With an appointment"</th>
                                            <th scope="col" class="num">"Appointments"</th>
                                        </tr></thead>
                                        <tbody>
                                            {overview.year_groups.iter().map(|y| view! {
                                                <tr>
                                                    <th scope="row">{y.year_group.clone()}</th>
                                                    <td class="num">{y.pupils}</td>
                                                    <td class="num">{y.pupils_booked}</td>
                                                    <td class="num">{y.appointments}</td>
                                                </tr>
                                            }).collect::<Vec<_>>()}
                                        </tbody>
                                    </table>
                                </div>
                            </section>
                            <section aria-labelledby="teachers-heading">
                                <h2 id="teachers-heading">"Teachers"</h2>
                                <OccupancyTable grid=grid.clone() loads=overview.teachers.clone() />
                            </section>
                            <section aria-labelledby="unbooked-heading">
                                <h2 id="unbooked-heading">"No appointment yet"</h2>
                                <UnbookedList evening_id=evening.id evening_name=name pupils=overview.unbooked.clone()
                                    can_remind=evening.status == EveningStatus::Published on_book on_reminded=refresh />
                            </section>
                            <section aria-labelledby="book-heading">
                                <h2 id="book-heading">"Book for a pupil"</h2>
                                <p class="hint">"The family is emailed and sees “Booked by the school”. The booking window does not apply to the office; clashes and double bookings are still refused."</p>
                                <OfficeBooking evening_id=evening.id grid query on_booked=refresh />
                            </section>
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
