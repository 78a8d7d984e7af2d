//! Vigil's server core: persistence (the store traits and their SQLite implementation), the
//! event bus, presence, the camera relay, blobs, face verification, authentication and every
//! service that changes state, held together by [`Core`]. No Leptos here: the pages and server
//! functions (`app`) and the plain routes and binary (`server`) call into it. Never reaches the
//! WASM build.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
pub mod access;
pub mod auth;
pub mod blobs;
pub mod bus;
pub mod clock;
mod core_state;
pub mod drain;
pub mod error;
pub mod face;
pub mod markdown;
pub mod presence;
pub mod qr;
pub mod recheck;
pub mod relay;
pub mod service;
pub mod store;
pub mod throttle;
pub mod uploads;

pub use core_state::Core;
