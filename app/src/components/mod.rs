//! Reusable presentational components: typed props in, markup out, no server calls.
pub mod candidate_tile;
pub mod error_text;
pub mod form;
pub mod header;
pub mod labels;
