//! Routes whose code loads only when they are visited (`cargo leptos build --split`): the
//! candidate's sign-in page stays in the main bundle; the journey, the device check and every
//! staff page come in their own pieces. (The phone has a bundle of its own: `crate::phone_app`.)
use crate::components::hydrated::HydratedMark;
use leptos::prelude::*;
use leptos_router::LazyRoute;
#[cfg(feature = "split")]
use leptos_router::lazy_route;

/// A route struct whose view is `component`, loaded lazily.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $name:ident => $component:path) => {
        $(#[$doc])*
        pub struct $name;

        #[cfg(feature = "split")]
        #[lazy_route]
        impl LazyRoute for $name {
            fn data() -> Self {
                $name
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { {$component()} <HydratedMark /> }.into_any()
            }
        }

        // Without the split build (the phone's bundle, which never shows this route): a plain
        // route, so no piece is exported and none of its code is linked.
        #[cfg(not(feature = "split"))]
        impl LazyRoute for $name {
            fn data() -> Self {
                $name
            }

            async fn view(this: Self) -> AnyView {
                let _ = this;
                view! { {$component()} <HydratedMark /> }.into_any()
            }
        }
    };
}

lazy_page!(
    /// `/exam`: the candidate's journey and the exam screen.
    Journey => crate::pages::journey::CandidateJourneyPage
);
lazy_page!(
    /// `/device-check`: the practice device check.
    DeviceCheck => crate::pages::device_check::DeviceCheckPage
);
lazy_page!(
    /// `/proctor`: the proctor's rooms.
    ProctorRooms => crate::pages::proctor_rooms::ProctorRoomsPage
);
lazy_page!(
    /// `/proctor/rooms/:id`: the live grid.
    RoomGrid => crate::pages::room_grid::RoomGridPage
);
lazy_page!(
    /// `/proctor/rooms/:id/candidates/:cid`: one candidate, close up.
    CandidateDetail => crate::pages::candidate_detail::CandidateDetailPage
);
lazy_page!(
    /// `/admin`: the exams.
    AdminHome => crate::pages::admin::home::AdminHomePage
);
lazy_page!(
    /// `/admin/staff`.
    AdminStaff => crate::pages::admin::staff::StaffPage
);
lazy_page!(
    /// `/admin/audit`.
    AdminAudit => crate::pages::admin::audit::AuditPage
);
lazy_page!(
    /// `/admin/review`.
    AdminReview => crate::pages::admin::review::ReviewPage
);
lazy_page!(
    /// `/admin/exams/new` and `/admin/exams/:id/settings`.
    ExamForm => crate::pages::admin::exam_form::ExamFormPage
);
lazy_page!(
    /// `/admin/exams/:id/paper`.
    Paper => crate::pages::admin::paper::PaperPage
);
lazy_page!(
    /// `/admin/exams/:id/candidates/:ticket`.
    CandidateReport => crate::pages::admin::candidate_report::CandidateReportPage
);
lazy_page!(
    /// `/admin/exams/:id/report`.
    Report => crate::pages::admin::report::ReportPage
);
lazy_page!(
    /// `/admin/exams/:id/roster`.
    Roster => crate::pages::admin::roster::RosterPage
);
lazy_page!(
    /// `/admin/exams/:id/slips`.
    Slips => crate::pages::admin::slips::SlipsPage
);
