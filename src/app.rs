//! The root component: session context and routes.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::app_shell::AppShell;
use crate::pages::{
    accept_invitation::AcceptInvitation, account::Account, admin_audit::AdminAudit,
    admin_home::AdminHome, admin_join_requests::AdminJoinRequests, admin_outbox::AdminOutbox,
    admin_people::AdminPeople, admin_roster::AdminRoster, class_page::ClassPage,
    directory::Directory, evening_booking::EveningBooking, forgot_password::ForgotPassword,
    join_confirm::JoinConfirm, join_school::JoinSchool, landing::Landing, new_evening::NewEvening,
    not_found::NotFound, parent_home::ParentHome, person::Person, profile::Profile,
    reset_password::ResetPassword, sign_in::SignIn, teacher_home::TeacherHome,
    teacher_schedule::TeacherSchedule,
};
use crate::session::Session;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Session::restore());
    crate::pwa::register_service_worker();

    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view=SignIn />
                <Route path=path!("/forgot") view=ForgotPassword />
                <Route path=path!("/reset") view=ResetPassword />
                <Route path=path!("/welcome") view=AcceptInvitation />
                <Route path=path!("/join/confirm") view=JoinConfirm />
                <Route path=path!("/join/:school") view=JoinSchool />
                <ParentRoute path=path!("") view=AppShell>
                    <Route path=path!("") view=Landing />
                    <Route path=path!("parent") view=ParentHome />
                    <Route path=path!("parent/evenings/:id") view=EveningBooking />
                    <Route path=path!("teacher") view=TeacherHome />
                    <Route path=path!("teacher/classes/:id") view=ClassPage />
                    <Route path=path!("teacher/evenings/:id") view=TeacherSchedule />
                    <Route path=path!("admin") view=AdminHome />
                    <Route path=path!("admin/evenings/new") view=NewEvening />
                    <Route path=path!("admin/people") view=AdminPeople />
                    <Route path=path!("admin/roster") view=AdminRoster />
                    <Route path=path!("admin/join-requests") view=AdminJoinRequests />
                    <Route path=path!("admin/outbox") view=AdminOutbox />
                    <Route path=path!("admin/audit") view=AdminAudit />
                    <Route path=path!("account") view=Account />
                    <Route path=path!("profile") view=Profile />
                    <Route path=path!("directory") view=Directory />
                    <Route path=path!("directory/:id") view=Person />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
