//! The Vigil server: configuration, start-up, plain HTTP and WebSocket routes, the demo
//! seed and the candidate simulator. `Application` is public so tests can start the real app.
// The app's page types (nested views) are deep; monomorphising them for SSR needs room.
#![recursion_limit = "512"]
pub mod config;
pub mod demo;
pub mod face;
pub mod limits;
pub mod photos;
pub mod routes;
pub mod serve;
pub mod simulate;
pub mod startup;

pub use config::Settings;
pub use startup::Application;
