use confero_core::dto::RosterReport;
use leptos::prelude::*;

/// The problems found in roster files, by file, line and column: nothing
/// was changed.
#[component]
pub fn RosterProblemsTable(report: RosterReport) -> impl IntoView {
    let count = report.errors.len() + usize::try_from(report.omitted).unwrap_or(0);
    view! {
        <section class="roster-problems" aria-labelledby="problems-heading">
            <div class="notice notice-error" role="alert">
                <h2 id="problems-heading" class="subheading">
                    {format!("{count} {} in the files — nothing was changed", if count == 1 { "problem" } else { "problems" })}
                </h2>
                <p>"Correct them in the school information system (or the files), then preview again."</p>
            </div>
            <table class="table">
                <caption class="visually-hidden">"Problems in the files"</caption>
                <thead><tr><th scope="col">"File"</th><th scope="col">"Line"</th><th scope="col">"Column"</th><th scope="col">"Problem"</th></tr></thead>
                <tbody>
                    {report.errors.into_iter().map(|e| view! {
                        <tr>
                            <td>{e.file}</td>
                            <td>{e.line.map(|l| l.to_string()).unwrap_or_default()}</td>
                            <td>{e.column.unwrap_or_default()}</td>
                            <td>{e.reason}</td>
                        </tr>
                    }).collect::<Vec<_>>()}
                </tbody>
            </table>
            {(report.omitted > 0).then(|| view! { <p class="meta">{format!("And {} more, not listed.", report.omitted)}</p> })}
        </section>
    }
}
