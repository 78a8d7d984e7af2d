//! The HTML shell, the `App` root with its providers, and the route table.
use crate::bundle::OtherApp;
use crate::components::header::{Header, LOCALE_COOKIE};
use crate::components::hydrated::HydratedMark;
use crate::i18n::I18nContextProvider;
use crate::pages::{not_found::NotFoundPage, staff_login::StaffLoginPage};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy,
    components::{Route, Router, Routes},
    path,
};

/// The document around the site's application, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::site::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                {head_start()}
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

/// The site's application root: the staff sign-in and the staff pages. The candidate's pages
/// and the phone's are other applications with bundles of their own (`crate::bundle`): a
/// link here that leads to one of them loads it from the server.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Frame>
                    <Routes fallback=|| view! { <NotFoundPage /> <HydratedMark /> }>
                        <Route path=path!("/") view=OtherApp />
                        <Route path=path!("/exam") view=OtherApp />
                        <Route path=path!("/device-check") view=OtherApp />
                        <Route path=path!("/staff/login") view=|| view! { <StaffLoginPage /> <HydratedMark /> } />
                        <Route path=path!("/proctor") view={Lazy::<routes::ProctorRooms>::new()} />
                        <Route path=path!("/proctor/rooms/:id") view={Lazy::<routes::RoomGrid>::new()} />
                        <Route path=path!("/proctor/rooms/:id/candidates/:cid") view={Lazy::<routes::CandidateDetail>::new()} />
                        <Route path=path!("/admin") view={Lazy::<routes::AdminHome>::new()} />
                        <Route path=path!("/admin/staff") view={Lazy::<routes::AdminStaff>::new()} />
                        <Route path=path!("/admin/audit") view={Lazy::<routes::AdminAudit>::new()} />
                        <Route path=path!("/admin/review") view={Lazy::<routes::AdminReview>::new()} />
                        <Route path=path!("/admin/exams/new") view={Lazy::<routes::ExamForm>::new()} />
                        <Route path=path!("/admin/exams/:id/settings") view={Lazy::<routes::ExamForm>::new()} />
                        <Route path=path!("/admin/exams/:id/paper") view={Lazy::<routes::Paper>::new()} />
                        <Route path=path!("/admin/exams/:id/candidates/:ticket") view={Lazy::<routes::CandidateReport>::new()} />
                        <Route path=path!("/admin/exams/:id/report") view={Lazy::<routes::Report>::new()} />
                        <Route path=path!("/admin/exams/:id/roster") view={Lazy::<routes::Roster>::new()} />
                        <Route path=path!("/admin/exams/:id/slips") view={Lazy::<routes::Slips>::new()} />
                    </Routes>
        </Frame>
    }
}

/// What every page's `<head>` starts with (the site's and the phone's): the character set, the
/// viewport, no icon request, and the build that rendered the page (`crate::live::build_watch`).
pub(crate) fn head_start() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let build = crate::server::site::page_build();
    #[cfg(not(feature = "ssr"))]
    let build = String::new();
    view! {
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <meta name="vigil-build" content=build />
    }
}

/// The frame of every page, in the site's application and the phone's alike: page metadata,
/// the deploy watcher, the language, the router and the top bar around the routes.
#[component]
pub(crate) fn Frame(children: Children) -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "hydrate")]
    Effect::new(|_| crate::live::build_watch::start());
    view! {
        <I18nContextProvider cookie_name=LOCALE_COOKIE>
            <Title text="Vigil" />
            <Router>
                <Header />
                <main class="main">{children()}</main>
            </Router>
        </I18nContextProvider>
    }
}
