//! The browser side of the live channel: WebSockets exposed as signals, camera frames. On the
//! server these hooks render their initial state and open nothing.
#[cfg(feature = "hydrate")]
pub mod build_watch;
pub mod candidate_socket;
pub mod frame_sender;
pub mod frames_feed;
pub mod proctor_feed;
pub mod recorder;
#[cfg(feature = "hydrate")]
pub mod ws_link;
