//! Sends a camera's frames on the candidate socket at the profile the server asks for:
//! camera → canvas → JPEG (quality given explicitly) → binary message with a small header.
//! A frame is taken only when the previous one has left the socket, so a slow uplink lowers
//! the rate instead of queueing; a profile change, or the server's ask for a frame now
//! (`snap`), takes effect within 100 ms.
use super::candidate_socket::CandidateSocket;
use crate::components::camera::CameraHandle;
use leptos::prelude::*;

/// Starts sending `camera`'s frames while the calling component is mounted. Returns the
/// number of frames sent (the pages show it in a `data-sent` attribute).
pub fn use_frame_sender(socket: CandidateSocket, camera: CameraHandle) -> RwSignal<u32> {
    let sent = RwSignal::new(0);
    // The exam may also record video of this camera.
    super::recorder::use_recorder(socket, camera);
    #[cfg(feature = "hydrate")]
    {
        let alive = StoredValue::new(true);
        on_cleanup(move || alive.set_value(false));
        leptos::task::spawn_local(run(socket, camera, sent, alive));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (socket, camera);
    sent
}

#[cfg(feature = "hydrate")]
async fn run(
    socket: CandidateSocket,
    camera: CameraHandle,
    sent: RwSignal<u32>,
    alive: StoredValue<bool>,
) {
    use super::candidate_socket::FrameSend;
    use crate::components::camera::capture_jpeg_fit;
    use crate::pages::journey::browser::{now_ms, sleep_ms};
    use domain::camera::FrameHeader;
    let mut seq: u32 = 0;
    let is_alive = move || alive.try_get_value().unwrap_or(false);
    while is_alive() {
        let Some(profile) = socket.profile.try_get_untracked().flatten() else {
            sleep_ms(200).await;
            continue;
        };
        let started = now_ms();
        // An ask that comes while this frame is taken is answered by the next one.
        let snap = socket.snap.try_get_untracked();
        let video = camera.video.try_get_untracked().flatten();
        if let Some(video) = video.filter(|_| camera.ready.try_get_untracked().unwrap_or(false)) {
            let (w, h, q) =
                (u32::from(profile.width), u32::from(profile.height), f64::from(profile.quality));
            if let Ok((jpeg, w, h)) = capture_jpeg_fit(&video, w, h, q).await {
                seq += 1;
                let header = FrameHeader {
                    view: socket.view,
                    seq,
                    captured_ms: u64::try_from(started).unwrap_or(0),
                    width: u16::try_from(w).unwrap_or(u16::MAX),
                    height: u16::try_from(h).unwrap_or(u16::MAX),
                };
                let mut msg = header.encode().to_vec();
                msg.extend_from_slice(&jpeg);
                if socket.send_frame(&msg) == FrameSend::Sent {
                    let _ = sent.try_update(|n| *n += 1);
                }
            }
        }
        // Wait out the interval in short steps, so a new profile applies at once.
        let due = started + i64::from(profile.interval_ms);
        while is_alive() && now_ms() < due {
            if socket.profile.try_get_untracked().flatten() != Some(profile)
                || socket.snap.try_get_untracked() != snap
            {
                break;
            }
            sleep_ms((due - now_ms()).clamp(10, 100) as i32).await;
        }
    }
}
