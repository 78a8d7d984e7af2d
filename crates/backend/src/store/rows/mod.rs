//! The rows the shared queries read, and their conversion into domain types; helpers both
//! stores use. Generic over the database (`FromRow` is derived for any row type).
pub mod admin;
pub mod camera;
pub mod console;
pub mod journey;
pub mod people;
pub mod reports;
