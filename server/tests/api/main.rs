//! Spawned-app integration tests: the real server on a random port, a fresh database per
//! test, real HTTP and WebSocket clients.
mod admin;
mod auth;
mod camera;
mod common;
mod console;
mod journey;
mod live;
mod net;
mod robustness;
