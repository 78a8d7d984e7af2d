//! Vigil's Leptos application: routes, pages, components and server functions. The rules and
//! types shared with the server are the `domain` crate; the web front's server-only parts sit in
//! `server` (the `ssr` feature), over the `backend` crate.
#![recursion_limit = "256"]
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
#[macro_use]
mod text;

pub mod api;
pub mod app;
pub mod bundle;
pub mod candidate_app;
pub mod components;
pub mod live;
pub mod pages;
pub mod phone_app;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;

pub use app::{App, shell};
