//! Server-only code (compiled with the `ssr` feature): persistence, the event bus, presence,
//! authentication and the services that change state. Never reaches the WASM build.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
pub mod access;
pub mod auth;
pub mod blobs;
pub mod bus;
pub mod context;
pub mod error;
pub mod face;
pub mod markdown;
pub mod presence;
pub mod qr;
pub mod relay;
pub mod service;
pub mod site;
pub mod state;
pub mod store;
pub mod throttle;
pub mod uploads;
