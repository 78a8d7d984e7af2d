//! Routes whose code loads only when they are visited (`cargo leptos build --split`): in the
//! candidate's bundle, the journey and the device check (its sign-in page is in its first
//! piece); in the site's, every staff page (the staff sign-in is in its first piece). The phone
//! has a bundle of its own without pieces (see `crate::bundle`).
use crate::components::hydrated::HydratedMark;
use leptos::prelude::*;
use leptos_router::LazyRoute;
#[cfg(any(feature = "split-staff", feature = "split-candidate"))]
use leptos_router::lazy_route;

/// A route struct whose view is `component`, loaded lazily in the bundle whose split feature
/// is `$split` (`split-staff` for the site's, `split-candidate` for the candidate's; the server
/// has both). Each piece is an export of the program it is compiled into, kept whether or not
/// a route there uses it, so a bundle compiles only its own routes as pieces: the others'
/// code is then linked nowhere in it.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $split:literal, $name:ident => $component:path) => {
        $(#[$doc])*
        pub struct $name;

        #[cfg(feature = $split)]
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

        // In the other bundles (which never show this route): a plain route, so no piece is
        // exported and none of its code is linked.
        #[cfg(not(feature = $split))]
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
    "split-candidate", Journey => crate::pages::journey::CandidateJourneyPage
);
lazy_page!(
    /// `/device-check`: the practice device check.
    "split-candidate", DeviceCheck => crate::pages::device_check::DeviceCheckPage
);
lazy_page!(
    /// `/proctor`: the proctor's rooms.
    "split-staff", ProctorRooms => crate::pages::proctor_rooms::ProctorRoomsPage
);
lazy_page!(
    /// `/proctor/rooms/:id`: the live grid.
    "split-staff", RoomGrid => crate::pages::room_grid::RoomGridPage
);
lazy_page!(
    /// `/proctor/rooms/:id/candidates/:cid`: one candidate, close up.
    "split-staff", CandidateDetail => crate::pages::candidate_detail::CandidateDetailPage
);
lazy_page!(
    /// `/admin`: the exams.
    "split-staff", AdminHome => crate::pages::admin::home::AdminHomePage
);
lazy_page!(
    /// `/admin/staff`.
    "split-staff", AdminStaff => crate::pages::admin::staff::StaffPage
);
lazy_page!(
    /// `/admin/audit`.
    "split-staff", AdminAudit => crate::pages::admin::audit::AuditPage
);
lazy_page!(
    /// `/admin/review`.
    "split-staff", AdminReview => crate::pages::admin::review::ReviewPage
);
lazy_page!(
    /// `/admin/exams/new` and `/admin/exams/:id/settings`.
    "split-staff", ExamForm => crate::pages::admin::exam_form::ExamFormPage
);
lazy_page!(
    /// `/admin/exams/:id/paper`.
    "split-staff", Paper => crate::pages::admin::paper::PaperPage
);
lazy_page!(
    /// `/admin/exams/:id/candidates/:ticket`.
    "split-staff", CandidateReport => crate::pages::admin::candidate_report::CandidateReportPage
);
lazy_page!(
    /// `/admin/exams/:id/report`.
    "split-staff", Report => crate::pages::admin::report::ReportPage
);
lazy_page!(
    /// `/admin/exams/:id/roster`.
    "split-staff", Roster => crate::pages::admin::roster::RosterPage
);
lazy_page!(
    /// `/admin/exams/:id/slips`.
    "split-staff", Slips => crate::pages::admin::slips::SlipsPage
);
