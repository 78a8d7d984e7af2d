//! The web front's server-only parts (compiled with the `ssr` feature): the request state, the
//! server functions' context and the page shells. The core they call is the `backend` crate.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
pub mod context;
pub mod site;
pub mod state;
