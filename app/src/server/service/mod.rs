//! Write paths and orchestration: load → domain rule → store → announce.
pub mod auth;
pub mod camera;
pub mod console;
pub mod exams;
pub mod journey;
pub mod live;
pub mod papers;
pub mod phase;
pub mod recording;
pub mod reports;
pub mod retention;
pub mod review;
pub mod roster;
pub mod sitting;
pub mod staffing;
pub mod timeline;
