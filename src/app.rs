//! The two roots, one per build: the parent build's routes and the staff
//! build's (every route). They share the public pages and the pages every
//! signed-in person has; `confero_core::bundle` says which build serves a path.

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::builds::Build;
use crate::components::app_shell::AppShell;
use crate::components::loading::Loading;
use crate::pages::{
    accept_invitation::AcceptInvitation, account::Account, admin_audit::AdminAudit,
    admin_home::AdminHome, admin_households::AdminHouseholds,
    admin_join_requests::AdminJoinRequests, admin_outbox::AdminOutbox, admin_people::AdminPeople,
    admin_roster::AdminRoster, class_page::ClassPage, directory::Directory,
    edit_evening::EditEvening, evening_booking::EveningBooking, evening_overview::EveningOverview,
    forgot_password::ForgotPassword, join_confirm::JoinConfirm, join_school::JoinSchool,
    landing::Landing, new_evening::NewEvening, not_found::NotFound, parent_home::ParentHome,
    person::Person, profile::Profile, reset_password::ResetPassword, sign_in::SignIn,
    teacher_home::TeacherHome, teacher_schedule::TeacherSchedule,
};
use crate::session::Session;

/// The parent build: no teacher or office page is compiled into it.
#[component]
pub fn ParentApp() -> impl IntoView {
    provide_context(Build::Parent);
    provide_context(Session::restore());
    crate::pwa::register_service_worker();

    view! {
        <Router>
            <Routes fallback=ElsewhereOrNotFound>
                <PublicRoutes />
                <ParentRoute path=path!("") view=AppShell>
                    <EveryoneRoutes />
                    <Route path=path!("parent") view=ParentHome />
                    <Route path=path!("parent/evenings/:id") view=EveningBooking />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The staff build: every page, so staff never change builds while working.
#[component]
pub fn StaffApp() -> impl IntoView {
    crate::builds::staff_build_started();
    provide_context(Build::Staff);
    provide_context(Session::restore());
    crate::pwa::register_service_worker();

    view! {
        <Router>
            <Routes fallback=NotFound>
                <PublicRoutes />
                <ParentRoute path=path!("") view=AppShell>
                    <EveryoneRoutes />
                    <Route path=path!("parent") view=ParentHome />
                    <Route path=path!("parent/evenings/:id") view=EveningBooking />
                    <Route path=path!("teacher") view=TeacherHome />
                    <Route path=path!("teacher/classes/:id") view=ClassPage />
                    <Route path=path!("teacher/evenings/:id") view=TeacherSchedule />
                    <Route path=path!("admin") view=AdminHome />
                    <Route path=path!("admin/evenings/new") view=NewEvening />
                    <Route path=path!("admin/evenings/:id/edit") view=EditEvening />
                    <Route path=path!("admin/evenings/:id") view=EveningOverview />
                    <Route path=path!("admin/people") view=AdminPeople />
                    <Route path=path!("admin/roster") view=AdminRoster />
                    <Route path=path!("admin/join-requests") view=AdminJoinRequests />
                    <Route path=path!("admin/outbox") view=AdminOutbox />
                    <Route path=path!("admin/audit") view=AdminAudit />
                    <Route path=path!("admin/households") view=AdminHouseholds />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Pages for people who are not signed in (a pass-through parent groups them).
#[component(transparent)]
fn PublicRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("") view=Outlet>
        <Route path=path!("/signin") view=SignIn />
        <Route path=path!("/forgot") view=ForgotPassword />
        <Route path=path!("/reset") view=ResetPassword />
        <Route path=path!("/welcome") view=AcceptInvitation />
        <Route path=path!("/join/confirm") view=JoinConfirm />
        <Route path=path!("/join/:school") view=JoinSchool />
        </ParentRoute>
    }
    .into_inner()
}

/// Signed-in pages every role has, inside the app's frame.
#[component(transparent)]
fn EveryoneRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("") view=Outlet>
        <Route path=path!("") view=Landing />
        <Route path=path!("account") view=Account />
        <Route path=path!("profile") view=Profile />
        <Route path=path!("directory") view=Directory />
        <Route path=path!("directory/:id") view=Person />
        </ParentRoute>
    }
    .into_inner()
}

/// In the parent build, a staff page is loaded afresh, which brings the staff
/// build (the API serves it for that path); any other unknown path is a 404 page.
#[component]
fn ElsewhereOrNotFound() -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    if confero_core::bundle::is_staff_path(&path) && crate::builds::reload_into_staff_build() {
        return view! { <main id="main" class="page"><Loading what="the page" /></main> }
            .into_any();
    }
    NotFound().into_any()
}
