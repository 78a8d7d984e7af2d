//! The Vigil server: configuration, start-up, plain HTTP and WebSocket routes, the demo
//! seed and the candidate simulator. `Application` is public so tests can start the real app.
pub mod config;
pub mod demo;
pub mod face;
pub mod photos;
pub mod routes;
pub mod simulate;
pub mod startup;

pub use config::Settings;
pub use startup::Application;
