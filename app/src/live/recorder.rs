//! The optional video recording of a camera page: a MediaRecorder (WebM) on the camera's
//! stream, a chunk every few seconds, uploaded strictly in order (each chunk is retried until
//! acknowledged). Every start (page load, camera restart) is a new recorder with its own id,
//! so the server keeps a new file instead of appending to a broken one.
use super::candidate_socket::CandidateSocket;
use crate::components::camera::CameraHandle;
#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Records `camera` while the calling component is mounted and the exam records video.
pub fn use_recorder(socket: CandidateSocket, camera: CameraHandle) {
    #[cfg(feature = "hydrate")]
    {
        let current: StoredValue<Option<browser::Rec>, LocalStorage> = StoredValue::new_local(None);
        Effect::new(move |_| {
            let spec = socket.recording.get();
            let ready = camera.ready.get();
            if !ready {
                // The camera stopped: this recorder is finished; the next start is a new one.
                current.update_value(|r| {
                    if let Some(r) = r.take() {
                        r.stop();
                    }
                });
                return;
            }
            let (Some(spec), true) = (spec, current.with_value(Option::is_none)) else {
                return;
            };
            if let Some(video) = camera.video.get_untracked() {
                current.set_value(browser::Rec::start(&video, spec, socket.view));
            }
        });
        on_cleanup(move || {
            current.update_value(|r| {
                if let Some(r) = r.take() {
                    r.stop();
                }
            })
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (socket, camera);
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::pages::journey::browser::{post_bytes, sleep_ms};
    use domain::recording::ChunkAck;
    use domain::{AppError, View};
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Blob, BlobEvent, HtmlVideoElement, MediaRecorder, MediaRecorderOptions, MediaStream,
    };

    struct Uploader {
        url: String,
        seq: Cell<u32>,
        queue: RefCell<VecDeque<Blob>>,
        busy: Cell<bool>,
        stopped: Cell<bool>,
    }

    impl Uploader {
        fn pump(self: &Rc<Self>) {
            if self.busy.replace(true) {
                return;
            }
            let me = self.clone();
            leptos::task::spawn_local(async move {
                loop {
                    let Some(blob) = me.queue.borrow().front().cloned() else {
                        break;
                    };
                    let Ok(buf) = JsFuture::from(blob.array_buffer()).await else {
                        me.queue.borrow_mut().pop_front();
                        continue;
                    };
                    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
                    let url = format!("{}&seq={}", me.url, me.seq.get());
                    match post_bytes::<ChunkAck>(&url, bytes, "video/webm").await {
                        Ok(ack) => {
                            me.queue.borrow_mut().pop_front();
                            me.seq.set(ack.next);
                        }
                        // Offline or a server hiccup: the same chunk again shortly.
                        Err(
                            AppError::Request { .. }
                            | AppError::Internal { .. }
                            | AppError::Unavailable,
                        ) => {
                            sleep_ms(2000).await;
                        }
                        Err(AppError::ChunkOutOfOrder { expected }) if expected < me.seq.get() => {
                            me.seq.set(expected);
                        }
                        // Recording off, the view no longer on, …: this recorder is done.
                        Err(_) => {
                            me.queue.borrow_mut().clear();
                            me.stopped.set(true);
                            break;
                        }
                    }
                }
                me.busy.set(false);
            });
        }
    }

    pub struct Rec {
        recorder: MediaRecorder,
        _on_data: Closure<dyn FnMut(BlobEvent)>,
    }

    fn recorder_id() -> String {
        (0..16)
            .map(|_| {
                let d = (js_sys::Math::random() * 36.0) as u32;
                char::from_digit(d.min(35), 36).unwrap_or('0')
            })
            .collect()
    }

    impl Rec {
        pub fn start(
            video: &HtmlVideoElement,
            (kbps, chunk_ms): (u32, u32),
            view: View,
        ) -> Option<Rec> {
            let stream: MediaStream = video.src_object()?.dyn_into().ok()?;
            let opts = MediaRecorderOptions::new();
            let mime = "video/webm;codecs=vp8";
            if MediaRecorder::is_type_supported(mime) {
                opts.set_mime_type(mime);
            }
            opts.set_video_bits_per_second(kbps.saturating_mul(1000));
            let recorder =
                MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &opts)
                    .ok()?;
            let up = Rc::new(Uploader {
                url: format!(
                    "/api/candidate/recording?view={}&recorder={}",
                    view.as_str(),
                    recorder_id()
                ),
                seq: Cell::new(0),
                queue: RefCell::new(VecDeque::new()),
                busy: Cell::new(false),
                stopped: Cell::new(false),
            });
            let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |e: BlobEvent| {
                if let Some(blob) = e.data().filter(|b| b.size() > 0.0)
                    && !up.stopped.get()
                {
                    up.queue.borrow_mut().push_back(blob);
                    up.pump();
                }
            });
            recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
            recorder.start_with_time_slice(i32::try_from(chunk_ms).unwrap_or(5000)).ok()?;
            Some(Rec { recorder, _on_data: on_data })
        }

        /// Stops recording. The last chunk still arrives through `dataavailable` after this,
        /// so its handler (and the uploader it holds) must outlive the recorder: it is leaked
        /// once per recorder (a few hundred bytes), and finishes the upload.
        pub fn stop(self) {
            let _ = self.recorder.stop();
            self._on_data.forget();
        }
    }
}
