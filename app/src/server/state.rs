//! `AppState`: what a request needs, the server core plus the web front's own settings (the
//! Leptos options, the site's URL and bundles). It dereferences to the [`Core`], so a service
//! (`fn(core: &Core, …)`) takes `&state` and handlers read `state.store` as before.
use super::site::SiteConfig;
use axum::extract::FromRef;
use backend::Core;
use leptos::prelude::LeptosOptions;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub core: Core,
    /// The public URL, the metrics token and the bundles the pages name.
    pub site: Arc<SiteConfig>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, core: Core) -> Self {
        Self { leptos_options, core, site: Arc::default() }
    }

    /// The same state with the operator's site settings.
    pub fn with_site(mut self, site: SiteConfig) -> Self {
        self.site = Arc::new(site);
        self
    }
}

impl Deref for AppState {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

/// What the `backend` extractors (`CurrentStaff`, `CurrentCandidate`) borrow.
impl AsRef<Core> for AppState {
    fn as_ref(&self) -> &Core {
        &self.core
    }
}
