//! Listening for sound in the room during the exam, when the exam asks for it: the PC page
//! measures the microphone four times a second and reports sustained speech-like sound and
//! its end (`domain::watch::VoiceDetector`). No audio leaves the browser: only "speaking"
//! and "quiet again".
use crate::live::candidate_socket::CandidateSocket;
#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Listens while the journey is mounted, the phase is the exam and the exam listens.
pub fn listen_for_sound(socket: CandidateSocket) {
    #[cfg(feature = "hydrate")]
    {
        let alive = StoredValue::new(true);
        on_cleanup(move || alive.set_value(false));
        leptos::task::spawn_local(run(socket, alive));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = socket;
}

#[cfg(feature = "hydrate")]
async fn run(socket: CandidateSocket, alive: StoredValue<bool>) {
    use crate::components::device_check::probe::MicMeter;
    use crate::pages::journey::browser::sleep_ms;
    use domain::Phase;
    use domain::watch::{VOICE_TICK_MS, VoiceDetector};
    let is_alive = move || alive.try_get_value().unwrap_or(false);
    let wanted = move || {
        let in_exam = socket.phase.try_get_untracked().flatten() == Some(Phase::InExam);
        socket.listen.try_get_untracked().flatten().filter(|_| in_exam)
    };
    let tick = VOICE_TICK_MS as i32;
    while is_alive() {
        let Some(secs) = wanted() else {
            sleep_ms(500).await;
            continue;
        };
        // The microphone was allowed at the device check; if it is refused now, the page
        // goes on without listening (and tries again later).
        let Ok((mut meter, _)) = MicMeter::open().await else {
            sleep_ms(10_000).await;
            continue;
        };
        let mut detector = VoiceDetector::default();
        let mut speaking = false;
        while is_alive() && wanted() == Some(secs) {
            let (level, share) = (meter.level(), meter.voice_band_share());
            if let Some(s) = detector.measure(level, share, secs) {
                speaking = s;
                socket.report_sound(s);
            }
            sleep_ms(tick).await;
        }
        if speaking {
            socket.report_sound(false);
        }
        meter.close();
    }
}
