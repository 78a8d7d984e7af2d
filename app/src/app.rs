//! The HTML shell, the `App` root with its providers, and the route table.
use crate::components::header::Header;
use crate::i18n::I18nContextProvider;
use crate::pages::{
    candidate_login::CandidateLoginPage, not_found::NotFoundPage, proctor_rooms::ProctorRoomsPage,
    room_grid::RoomGridPage, staff_login::StaffLoginPage,
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// The document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::site::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                <HashedStylesheet id="leptos" options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application root.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Title text="Vigil" />
            <Router>
                <Header />
                <main class="main">
                    <Routes fallback=|| view! { <NotFoundPage /> }>
                        <Route path=path!("/") view=CandidateLoginPage />
                        <Route path=path!("/exam") view=crate::pages::journey::CandidateJourneyPage />
                        <Route path=path!("/phone") view=crate::pages::phone::PhonePage />
                        <Route path=path!("/device-check") view=crate::pages::device_check::DeviceCheckPage />
                        <Route path=path!("/staff/login") view=StaffLoginPage />
                        <Route path=path!("/proctor") view=ProctorRoomsPage />
                        <Route path=path!("/proctor/rooms/:id") view=RoomGridPage />
                        <Route path=path!("/admin") view=crate::pages::admin::home::AdminHomePage />
                        <Route path=path!("/admin/staff") view=crate::pages::admin::staff::StaffPage />
                        <Route path=path!("/admin/audit") view=crate::pages::admin::audit::AuditPage />
                        <Route path=path!("/admin/review") view=crate::pages::admin::review::ReviewPage />
                        <Route path=path!("/admin/exams/new") view=crate::pages::admin::exam_form::ExamFormPage />
                        <Route path=path!("/admin/exams/:id/settings") view=crate::pages::admin::exam_form::ExamFormPage />
                        <Route path=path!("/admin/exams/:id/paper") view=crate::pages::admin::paper::PaperPage />
                        <Route path=path!("/admin/exams/:id/candidates/:ticket") view=crate::pages::admin::candidate_report::CandidateReportPage />
                        <Route path=path!("/admin/exams/:id/report") view=crate::pages::admin::report::ReportPage />
                        <Route path=path!("/admin/exams/:id/roster") view=crate::pages::admin::roster::RosterPage />
                        <Route path=path!("/admin/exams/:id/slips") view=crate::pages::admin::slips::SlipsPage />
                        <Route path=path!("/proctor/rooms/:id/candidates/:cid") view=crate::pages::candidate_detail::CandidateDetailPage />
                    </Routes>
                </main>
            </Router>
        </I18nContextProvider>
    }
}
