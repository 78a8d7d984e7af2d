//! Spawned-app integration tests: the real server on a random port, a fresh database per
//! test, real HTTP and WebSocket clients.
mod admin;
mod auth;
mod camera;
mod cluster;
mod cluster_presence;
mod common;
mod console;
mod drain;
mod failover;
mod fast_assets;
mod fast_forms;
mod journey;
mod limits;
mod live;
mod net;
mod objects;
mod outage;
mod robustness;
mod trust_roster;
mod trust_sessions;
mod trust_signin;
mod trust_uploads;
mod trust_web;
mod watch;
