//! Reusable presentational components: typed props in, markup out, no server calls.
pub mod camera;
pub mod camera_view;
pub mod candidate_tile;
pub mod composer;
pub mod console_actions;
pub mod device_check;
pub mod device_report;
pub mod error_text;
pub mod form;
pub mod header;
pub mod hydrated;
pub mod integrity_view;
pub mod labels;
pub mod revoked;
pub mod timeline_view;
pub mod verification_view;
