//! The browser side of the live channel: WebSockets (leptos-use) exposed as signals. On the
//! server these hooks render their initial state and open nothing.
pub mod candidate_socket;
pub mod proctor_feed;
