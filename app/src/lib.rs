//! Vigil's Leptos application: routes, pages, components and server functions, plus the
//! domain types shared by the server and the browser. Server-only code sits in `server`,
//! compiled only with the `ssr` feature.
#![recursion_limit = "256"]
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
#[macro_use]
mod text;

pub mod api;
pub mod app;
pub mod bundle;
pub mod candidate_app;
pub mod components;
pub mod domain;
pub mod live;
pub mod pages;
pub mod phone_app;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;

pub use app::{App, shell};
