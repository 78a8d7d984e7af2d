//! The PC camera preview shared by the candidate steps (face verification, device check,
//! identity photo). `CameraView` asks for the camera, shows it live or says plainly why it
//! cannot (with a Retry), and releases it when unmounted; the parent holds a `CameraHandle`
//! to know when it is live and to grab a JPEG frame. Browser work exists only with `hydrate`:
//! the server renders the "starting" placeholder, the browser takes over after hydration.
use crate::i18n::*;
use leptos::html::Video;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The camera is asked for this size (ideal, not exact: any camera is accepted), and
/// captured frames are scaled down to fit within it.
pub const CAMERA_WIDTH: u32 = 640;
pub const CAMERA_HEIGHT: u32 = 480;

/// Why a camera or microphone is not available, or why a frame could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The user or a browser policy refused permission (`NotAllowedError`, `SecurityError`).
    #[error("permission denied")]
    Denied,
    /// No such device, or none meets the constraints (`NotFoundError`, `OverconstrainedError`).
    #[error("no device found")]
    NotFound,
    /// The device exists but could not be opened, usually because another program holds it
    /// (`NotReadableError`, `AbortError`).
    #[error("device in use or unreadable")]
    InUse,
    /// No `navigator.mediaDevices`: an insecure (plain http) origin or a very old browser.
    #[error("media devices are not available here")]
    Unsupported,
    /// A frame was asked for before the video had one.
    #[error("the camera is not ready")]
    NotReady,
    /// Anything else, with the browser's error name and message.
    #[error("{0}")]
    Other(String),
}

/// The camera's errors are the media errors (the name the callers of `capture_jpeg` use).
pub type CameraError = MediaError;

/// Which device an error message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaDevice {
    Camera,
    Microphone,
}

/// Where the preview is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraState {
    /// Waiting for permission or for the device (also what the server renders).
    Starting,
    /// The preview shows the camera (its first frame has arrived).
    Live,
    Failed(MediaError),
}

/// What the device report says about a track.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrackInfo {
    /// The device label (empty if the browser withholds it).
    pub label: String,
    /// Current frame size; 0 for audio tracks or when unknown.
    pub width: u32,
    pub height: u32,
}

/// What a parent holds to use a [`CameraView`]: the `<video>` element, whether it is live,
/// and the track's label and size once it is. Create it in the parent, pass it to the view.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // set only in the browser
pub struct CameraHandle {
    /// The preview element (for [`capture_jpeg`]).
    pub video: NodeRef<Video>,
    pub state: ReadSignal<CameraState>,
    /// `true` while the preview is live: it has a frame, so a capture gets a picture.
    pub ready: Signal<bool>,
    /// Label and size of the video track, once live.
    pub info: ReadSignal<Option<TrackInfo>>,
    set_state: WriteSignal<CameraState>,
    set_info: WriteSignal<Option<TrackInfo>>,
}

impl CameraHandle {
    pub fn new() -> Self {
        let (state, set_state) = signal(CameraState::Starting);
        let (info, set_info) = signal(None);
        let ready = Signal::derive(move || state.with(|s| *s == CameraState::Live));
        Self { video: NodeRef::new(), state, ready, info, set_state, set_info }
    }

    /// A JPEG of the current frame (see [`capture_jpeg`]).
    #[cfg(feature = "hydrate")]
    pub async fn capture_jpeg(&self, quality: f64) -> Result<Vec<u8>, CameraError> {
        let video = self.video.try_get_untracked().flatten().ok_or(MediaError::NotReady)?;
        capture_jpeg(&video, quality).await
    }
}

impl Default for CameraHandle {
    fn default() -> Self {
        Self::new()
    }
}

/// The live camera preview (mirrored, like a mirror), or a message and a Retry button.
#[component]
pub fn CameraView(camera: CameraHandle) -> impl IntoView {
    let i18n = use_i18n();
    let start = starter(camera);
    let state_name = move || match camera.state.get() {
        CameraState::Starting => "starting",
        CameraState::Live => "live",
        CameraState::Failed(_) => "failed",
    };
    let overlay = move || match camera.state.get() {
        CameraState::Live => ().into_any(),
        CameraState::Starting => view! {
            <div class="camera-overlay">
                <span class="cam-spinner" aria-hidden="true"></span>
                <p>{tr!(i18n, cam_starting)}</p>
            </div>
        }
        .into_any(),
        CameraState::Failed(err) => view! {
            <div class="camera-overlay">
                <MediaErrorBox device=MediaDevice::Camera err on_retry=start />
            </div>
        }
        .into_any(),
    };
    view! {
        <div class="camera" data-state=state_name>
            <video
                node_ref=camera.video
                class="camera-video"
                autoplay
                playsinline
                muted
                aria-label=move || t_string!(i18n, cam_preview_label).to_string()
                on:loadedmetadata=move |_| refresh_info(camera)
                on:loadeddata=move |_| mark_live(camera)
            ></video>
            {overlay}
        </div>
    }
}

/// A media error as a titled alert with its remedy and a Retry button.
#[component]
pub fn MediaErrorBox(
    device: MediaDevice,
    err: MediaError,
    #[prop(into)] on_retry: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let detail = match &err {
        MediaError::Other(d) => Some(d.clone()),
        _ => None,
    };
    view! {
        <div class="media-error" role="alert" data-error=error_code(&err)>
            <p class="media-error-title">{error_title(i18n, device, &err)}</p>
            <p class="media-error-help">{error_help(i18n, device, &err)}</p>
            {detail.map(|d| view! {
                <p class="media-error-detail">{t!(i18n, cam_error_detail, detail = move || d.clone())}</p>
            })}
            <button class="primary" on:click=move |_| on_retry.run(())>{tr!(i18n, cam_retry)}</button>
        </div>
    }
}

fn error_code(err: &MediaError) -> &'static str {
    match err {
        MediaError::Denied => "denied",
        MediaError::NotFound => "not_found",
        MediaError::InUse => "in_use",
        MediaError::Unsupported => "unsupported",
        MediaError::NotReady => "not_ready",
        MediaError::Other(_) => "other",
    }
}

fn error_title(
    i18n: I18nContext<Locale>,
    device: MediaDevice,
    err: &MediaError,
) -> impl IntoView + use<> {
    use MediaDevice::{Camera, Microphone};
    match (err, device) {
        (MediaError::Denied, Camera) => tr!(i18n, cam_denied_title),
        (MediaError::Denied, Microphone) => tr!(i18n, dev_mic_denied_title),
        (MediaError::NotFound, Camera) => tr!(i18n, cam_not_found_title),
        (MediaError::NotFound, Microphone) => tr!(i18n, dev_mic_not_found_title),
        (MediaError::InUse, Camera) => tr!(i18n, cam_in_use_title),
        (MediaError::InUse, Microphone) => tr!(i18n, dev_mic_in_use_title),
        (MediaError::Unsupported, _) => tr!(i18n, cam_unsupported_title),
        (MediaError::NotReady | MediaError::Other(_), Camera) => {
            tr!(i18n, cam_other_title)
        }
        (MediaError::NotReady | MediaError::Other(_), Microphone) => {
            tr!(i18n, dev_mic_other_title)
        }
    }
}

fn error_help(
    i18n: I18nContext<Locale>,
    device: MediaDevice,
    err: &MediaError,
) -> impl IntoView + use<> {
    use MediaDevice::{Camera, Microphone};
    match (err, device) {
        (MediaError::Denied, Camera) => tr!(i18n, cam_denied_help),
        (MediaError::Denied, Microphone) => tr!(i18n, dev_mic_denied_help),
        (MediaError::NotFound, Camera) => tr!(i18n, cam_not_found_help),
        (MediaError::NotFound, Microphone) => tr!(i18n, dev_mic_not_found_help),
        (MediaError::InUse, Camera) => tr!(i18n, cam_in_use_help),
        (MediaError::InUse, Microphone) => tr!(i18n, dev_mic_in_use_help),
        (MediaError::Unsupported, _) => tr!(i18n, cam_unsupported_help),
        (MediaError::NotReady | MediaError::Other(_), _) => tr!(i18n, cam_other_help),
    }
}

/// Returns the (re)start action of `camera`'s view; in the browser, also starts it once after
/// hydration and releases the camera when the view is unmounted.
#[cfg(not(feature = "hydrate"))]
fn starter(camera: CameraHandle) -> Callback<()> {
    let _ = camera;
    Callback::new(|_| ())
}

/// Re-reads the track's size once the video knows its frame size.
fn refresh_info(camera: CameraHandle) {
    #[cfg(feature = "hydrate")]
    if let Some(video) = camera.video.try_get_untracked().flatten() {
        camera.set_info.try_set(video_track_info(&video));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = camera;
}

/// The preview counts as live (and `ready`) once the video has its first frame, so that a
/// capture right after `ready` turns true gets a picture.
fn mark_live(camera: CameraHandle) {
    #[cfg(feature = "hydrate")]
    if let Some(video) = camera.video.try_get_untracked().flatten()
        && video.src_object().is_some()
        && camera.state.try_get_untracked() == Some(CameraState::Starting)
    {
        camera.set_info.try_set(video_track_info(&video));
        camera.set_state.try_set(CameraState::Live);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = camera;
}

/// `HTMLMediaElement.readyState` once the current frame is available.
#[cfg(feature = "hydrate")]
const HAVE_CURRENT_DATA: u16 = 2;

#[cfg(feature = "hydrate")]
fn starter(camera: CameraHandle) -> Callback<()> {
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    let start = Callback::new(move |_| {
        camera.set_state.set(CameraState::Starting);
        leptos::task::spawn_local(async move {
            match open_media(MediaDevice::Camera).await {
                Ok(media) => {
                    // The view may have been unmounted while the browser asked for permission:
                    // then let go of the camera at once rather than leave its light on.
                    let Some(old) = stream.try_update_value(|s| s.replace(media.clone())) else {
                        stop_stream(&media);
                        return;
                    };
                    if let Some(old) = old {
                        stop_stream(&old);
                    }
                    if let Some(video) = camera.video.try_get_untracked().flatten() {
                        video.set_muted(true);
                        video.set_src_object(Some(&media));
                        play(&video);
                        // Live once the first frame is there (`loadeddata`), or now if it is.
                        if video.ready_state() >= HAVE_CURRENT_DATA {
                            mark_live(camera);
                        }
                    }
                }
                Err(err) => {
                    camera.set_state.try_set(CameraState::Failed(err));
                }
            }
        });
    });
    Effect::new(move |_| start.run(()));
    on_cleanup(move || {
        if let Some(Some(media)) = stream.try_update_value(Option::take) {
            stop_stream(&media);
        }
    });
    start
}

#[cfg(feature = "hydrate")]
pub use browser::{
    capture_jpeg, capture_jpeg_fit, open_media, stop_stream, track_info, video_track_info,
};

/// The browser side: getUserMedia, track details, frame capture. Nothing here unwraps a
/// browser result: every failure becomes a `MediaError`.
#[cfg(feature = "hydrate")]
mod browser {
    use super::{CAMERA_HEIGHT, CAMERA_WIDTH, MediaDevice, MediaError, TrackInfo};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::js_sys::{self, Reflect};
    use web_sys::{HtmlVideoElement, MediaStream, MediaStreamTrack};

    /// The constraints asked for each device.
    fn constraints(device: MediaDevice) -> &'static str {
        match device {
            MediaDevice::Camera => r#"{"video":{"width":{"ideal":640},"height":{"ideal":480}}}"#,
            MediaDevice::Microphone => r#"{"audio":true}"#,
        }
    }

    /// The `name` (and `message`) of a rejected getUserMedia, as a `MediaError`.
    fn media_error(e: &JsValue) -> MediaError {
        let field =
            |k: &str| Reflect::get(e, &JsValue::from_str(k)).ok().and_then(|v| v.as_string());
        let name = field("name").unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => MediaError::Denied,
            "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => {
                MediaError::NotFound
            }
            "NotReadableError" | "TrackStartError" | "AbortError" => MediaError::InUse,
            _ => {
                let message = field("message").unwrap_or_else(|| format!("{e:?}"));
                MediaError::Other(format!("{name} {message}").trim().to_string())
            }
        }
    }

    /// Asks the browser for the camera or the microphone.
    pub async fn open_media(device: MediaDevice) -> Result<MediaStream, MediaError> {
        let navigator = web_sys::window().ok_or(MediaError::Unsupported)?.navigator();
        let has_devices = Reflect::get(&navigator, &JsValue::from_str("mediaDevices"))
            .map(|d| !d.is_undefined() && !d.is_null())
            .unwrap_or(false);
        if !has_devices {
            return Err(MediaError::Unsupported);
        }
        let devices = navigator.media_devices().map_err(|_| MediaError::Unsupported)?;
        let constraints = js_sys::JSON::parse(constraints(device))
            .map_err(|e| media_error(&e))?
            .unchecked_into::<web_sys::MediaStreamConstraints>();
        let promise =
            devices.get_user_media_with_constraints(&constraints).map_err(|e| media_error(&e))?;
        let stream = JsFuture::from(promise).await.map_err(|e| media_error(&e))?;
        stream.dyn_into::<MediaStream>().map_err(|e| media_error(&e))
    }

    /// Stops every track of `stream` (the device's light goes off).
    pub fn stop_stream(stream: &MediaStream) {
        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                track.stop();
            }
        }
    }

    /// Label and current size of a track (size 0 for audio).
    pub fn track_info(track: &MediaStreamTrack) -> TrackInfo {
        let settings = track.get_settings();
        let dim = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
        TrackInfo {
            label: track.label(),
            width: dim(settings.get_width()),
            height: dim(settings.get_height()),
        }
    }

    /// The video track's info of a playing `<video>`; the element's own frame size wins
    /// once it has one (some browsers leave the settings' size empty).
    pub fn video_track_info(video: &HtmlVideoElement) -> Option<TrackInfo> {
        let stream = video.src_object()?;
        let track = stream.get_video_tracks().get(0).dyn_into::<MediaStreamTrack>().ok()?;
        let mut info = track_info(&track);
        if video.video_width() > 0 && video.video_height() > 0 {
            info.width = video.video_width();
            info.height = video.video_height();
        }
        Some(info)
    }

    /// Starts playback, ignoring a refusal (autoplay of a muted video is allowed anyway, and
    /// a rejected promise must not reach the console as an uncaught error).
    pub(super) fn play(video: &HtmlVideoElement) {
        if let Ok(promise) = video.play() {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(promise).await;
            });
        }
    }

    /// The JPEG bytes of the frame `video` shows now, at its native size scaled down to fit
    /// within 640x480 (never up), at `quality` (0..1, as `canvas.toBlob` takes it).
    pub async fn capture_jpeg(
        video: &HtmlVideoElement,
        quality: f64,
    ) -> Result<Vec<u8>, MediaError> {
        capture_jpeg_fit(video, CAMERA_WIDTH, CAMERA_HEIGHT, quality).await.map(|(b, _, _)| b)
    }

    /// Like [`capture_jpeg`], fitted within `max_w`×`max_h`; also returns the picture's size.
    pub async fn capture_jpeg_fit(
        video: &HtmlVideoElement,
        max_w: u32,
        max_h: u32,
        quality: f64,
    ) -> Result<(Vec<u8>, u32, u32), MediaError> {
        let fail = |e: JsValue| MediaError::Other(format!("capture: {e:?}"));
        let (w, h) = (video.video_width(), video.video_height());
        if w == 0 || h == 0 {
            return Err(MediaError::NotReady);
        }
        let scale = (f64::from(max_w) / f64::from(w)).min(f64::from(max_h) / f64::from(h)).min(1.0);
        let (cw, ch) = ((f64::from(w) * scale).round(), (f64::from(h) * scale).round());
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| MediaError::Other("no document".into()))?;
        let canvas = document
            .create_element("canvas")
            .map_err(fail)?
            .dyn_into::<web_sys::HtmlCanvasElement>()
            .map_err(|e| fail(e.into()))?;
        canvas.set_width(cw as u32);
        canvas.set_height(ch as u32);
        let ctx = canvas
            .get_context("2d")
            .map_err(fail)?
            .ok_or_else(|| MediaError::Other("no 2d context".into()))?
            .dyn_into::<web_sys::CanvasRenderingContext2d>()
            .map_err(|e| fail(e.into()))?;
        ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, cw, ch)
            .map_err(fail)?;
        let mut to_blob = |resolve: js_sys::Function, reject: js_sys::Function| {
            let q = JsValue::from_f64(quality.clamp(0.0, 1.0));
            if let Err(e) = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &q)
            {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        };
        let blob = JsFuture::from(js_sys::Promise::new(&mut to_blob)).await.map_err(fail)?;
        // toBlob hands over null when the image cannot be encoded.
        let blob = blob
            .dyn_into::<web_sys::Blob>()
            .map_err(|_| MediaError::Other("capture: no image".into()))?;
        let buffer = JsFuture::from(blob.array_buffer()).await.map_err(fail)?;
        Ok((js_sys::Uint8Array::new(&buffer).to_vec(), cw as u32, ch as u32))
    }
}

#[cfg(feature = "hydrate")]
use browser::play;
