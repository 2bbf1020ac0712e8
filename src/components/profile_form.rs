use std::collections::BTreeMap;

use confero_core::dto::{FieldVisibility, MyProfile, ProfileUpdate};
use confero_core::{ProfileField, Visibility};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::text_field::TextField;
use crate::components::visibility_choice::VisibilityChoice;
use crate::session::use_session;

/// A multi-line field with its error tied to it.
#[component]
fn TextArea(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <textarea id=id name=id rows="3" bind:value=value prop:disabled=move || disabled.get()
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described></textarea>
            {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

/// My profile as a form: each field beside who sees it. Saving calls `saved`.
#[component]
pub fn ProfileForm(profile: MyProfile, saved: Callback<()>) -> impl IntoView {
    let session = use_session();
    let text = |value: &Option<String>| RwSignal::new(value.clone().unwrap_or_default());
    let title = text(&profile.title);
    let display_name = text(&profile.display_name);
    let phone = text(&profile.phone);
    let phone2 = text(&profile.phone2);
    let address = text(&profile.address);
    let language = text(&profile.language);
    let about = text(&profile.about);
    let chosen: BTreeMap<ProfileField, RwSignal<Visibility>> = ProfileField::ALL
        .into_iter()
        .map(|field| {
            let current = profile
                .visibility
                .iter()
                .find(|v| v.field == field)
                .map(|v| v.visibility)
                .unwrap_or_else(|| field.default_visibility());
            (field, RwSignal::new(current))
        })
        .collect();
    let staff = profile.staff;
    let show = {
        let chosen = chosen.clone();
        move |field: ProfileField| chosen[&field]
    };

    let save = Action::new_local(move |update: &ProfileUpdate| {
        let update = update.clone();
        async move {
            let result = api::save_profile(session, update).await;
            if result.is_ok() {
                saved.run(());
            }
            result
        }
    });
    let busy = save.pending();
    let error = move || save.value().get().and_then(Result::err);
    let field_error = move |field: &'static str| {
        Signal::derive(move || error().and_then(|e: ApiError| e.field_message(field)))
    };
    let on_submit = {
        let chosen = chosen.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let value = |signal: RwSignal<String>| Some(signal.get_untracked());
            save.dispatch(ProfileUpdate {
                title: value(title),
                display_name: value(display_name),
                phone: value(phone),
                phone2: value(phone2),
                address: value(address),
                language: value(language),
                about: value(about),
                visibility: chosen
                    .iter()
                    .map(|(field, v)| FieldVisibility {
                        field: *field,
                        visibility: v.get_untracked(),
                    })
                    .collect(),
            });
        }
    };
    let disabled = Signal::derive(move || busy.get());
    let choice = move |field: ProfileField| {
        view! { <VisibilityChoice field staff value=show(field) disabled /> }
    };
    let registered_name = format!("{} {}", profile.given_name, profile.family_name);
    let children = profile.children.clone();

    view! {
        <form class="card card-form profile-form" on:submit=on_submit novalidate>
            <h2 class="subheading">"Your details"</h2>
            {move || match save.value().get() {
                Some(Ok(_)) => Some(view! { <div class="notice notice-success" role="status">"Saved. Everyone sees the change from now on."</div> }.into_any()),
                Some(Err(e)) if error_is_elsewhere(&e) =>
                    Some(view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any()),
                _ => None,
            }}
            <fieldset class="profile-field">
                <legend>"Name"</legend>
                <TextField id="title" label="Title (Mrs, Mr, Dr, Mx…)" value=title error=field_error("title") disabled />
                <TextField id="display_name" label="Name shown to others" autocomplete="name"
                    hint="Leave it empty to use the name the school has for you." value=display_name
                    error=field_error("display_name") disabled />
                <p class="meta">{format!("The school has you as {registered_name}.")}</p>
                {choice(ProfileField::Title)}
                {choice(ProfileField::Name)}
            </fieldset>
            <fieldset class="profile-field">
                <legend>"Email"</legend>
                <p>{profile.email.clone()}</p>
                <p class="meta">"The school changes the address Confero writes to."</p>
                {choice(ProfileField::Email)}
            </fieldset>
            <fieldset class="profile-field">
                <legend>"Phone"</legend>
                <TextField id="phone" label="Phone" kind="tel" autocomplete="tel" value=phone error=field_error("phone") disabled />
                {choice(ProfileField::Phone)}
                <TextField id="phone2" label="Second phone" kind="tel" value=phone2 error=field_error("phone2") disabled />
                {choice(ProfileField::Phone2)}
            </fieldset>
            <fieldset class="profile-field">
                <legend>"Address"</legend>
                <TextArea id="address" label="Address" value=address error=field_error("address") disabled />
                {choice(ProfileField::Address)}
            </fieldset>
            <fieldset class="profile-field">
                <legend>"Preferred language"</legend>
                <TextField id="language" label="Preferred language" autocomplete="language"
                    hint="So the school can offer an interpreter or letters in it." value=language
                    error=field_error("language") disabled />
                {choice(ProfileField::Language)}
            </fieldset>
            <fieldset class="profile-field">
                <legend>"About you"</legend>
                <TextArea id="about" label="A few words about you" value=about error=field_error("about") disabled />
                {choice(ProfileField::About)}
            </fieldset>
            {(!children.is_empty()).then(|| view! {
                <fieldset class="profile-field">
                    <legend>"Your children"</legend>
                    <ul class="plain-list">
                        {children.into_iter().map(|c| view! { <li>{format!("{} — {}", c.name, c.year_group)}</li> }).collect::<Vec<_>>()}
                    </ul>
                    {choice(ProfileField::Children)}
                </fieldset>
            })}
            <button type="submit" class="button button-primary" prop:disabled=move || busy.get()>
                {move || if busy.get() { "Saving…" } else { "Save profile" }}
            </button>
        </form>
    }
}

/// An error about a field the form has no input for (a visibility), shown at the top.
fn error_is_elsewhere(error: &ApiError) -> bool {
    [
        "title",
        "display_name",
        "phone",
        "phone2",
        "address",
        "language",
        "about",
    ]
    .iter()
    .all(|field| error.field_message(field).is_none())
}
