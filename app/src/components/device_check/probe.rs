//! The browser measurements behind the device check: the speaker's test tone, the
//! microphone's level, the network's round trip and upload rate. Browser-only (`hydrate`);
//! every browser failure is returned, never unwrapped.
use crate::components::camera::{
    MediaDevice, MediaError, TrackInfo, open_media, stop_stream, track_info,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::js_sys;
use web_sys::{AudioContext, AudioContextState, MediaStream, MediaStreamTrack};

/// Length of the test tone, in seconds.
pub const TONE_SECS: f64 = 1.0;
/// Frequency of the test tone (concert A).
const TONE_HZ: f32 = 440.0;
/// Round trips measured; the median is kept.
pub const PINGS: usize = 5;
/// Bytes sent to measure the upload rate.
const UPLOAD_BYTES: usize = 256 * 1024;

/// Resumes `ctx` if the browser started it suspended (autoplay policy); a refusal is ignored:
/// the candidate then hears nothing and says so.
async fn resume(ctx: &AudioContext) {
    if ctx.state() == AudioContextState::Suspended
        && let Ok(p) = ctx.resume()
    {
        let _ = JsFuture::from(p).await;
    }
}

/// Closes `ctx` in the background, ignoring the result.
pub fn close_audio(ctx: AudioContext) {
    if let Ok(p) = ctx.close() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(p).await;
        });
    }
}

/// Plays a 440 Hz tone for [`TONE_SECS`] through `ctx`, with short fades so it does not click.
pub async fn play_tone(ctx: &AudioContext) -> Result<(), JsValue> {
    resume(ctx).await;
    let osc = ctx.create_oscillator()?;
    osc.set_type(web_sys::OscillatorType::Sine);
    osc.frequency().set_value(TONE_HZ);
    let gain = ctx.create_gain()?;
    let t = ctx.current_time();
    let g = gain.gain();
    g.set_value_at_time(0.0, t)?;
    g.linear_ramp_to_value_at_time(0.4, t + 0.03)?;
    g.set_value_at_time(0.4, t + TONE_SECS - 0.06)?;
    g.linear_ramp_to_value_at_time(0.0, t + TONE_SECS)?;
    osc.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&ctx.destination())?;
    osc.start_with_when(t)?;
    osc.stop_with_when(t + TONE_SECS)?;
    Ok(())
}

/// An open microphone with an analyser on it.
pub struct MicMeter {
    stream: MediaStream,
    ctx: AudioContext,
    analyser: web_sys::AnalyserNode,
    samples: Vec<f32>,
}

impl MicMeter {
    /// Opens the microphone; returns the meter and the track's label.
    pub async fn open() -> Result<(Self, TrackInfo), MediaError> {
        let stream = open_media(MediaDevice::Microphone).await?;
        let info = stream
            .get_audio_tracks()
            .get(0)
            .dyn_into::<MediaStreamTrack>()
            .map(|t| track_info(&t))
            .unwrap_or_default();
        match Self::analyse(&stream).await {
            Ok((ctx, analyser)) => {
                let samples = vec![0.0; analyser.fft_size() as usize];
                Ok((Self { stream, ctx, analyser, samples }, info))
            }
            Err(e) => {
                stop_stream(&stream);
                Err(MediaError::Other(format!("audio: {e:?}")))
            }
        }
    }

    async fn analyse(
        stream: &MediaStream,
    ) -> Result<(AudioContext, web_sys::AnalyserNode), JsValue> {
        let ctx = AudioContext::new()?;
        resume(&ctx).await;
        let source = ctx.create_media_stream_source(stream)?;
        let analyser = ctx.create_analyser()?;
        analyser.set_fft_size(2048);
        source.connect_with_audio_node(&analyser)?;
        Ok((ctx, analyser))
    }

    /// The current level, 0..1: the largest sample amplitude of the last ~40 ms.
    pub fn level(&mut self) -> f32 {
        self.analyser.get_float_time_domain_data(&mut self.samples);
        let peak = self.samples.iter().fold(0.0_f32, |m, s| m.max(s.abs()));
        if peak.is_finite() { peak.min(1.0) } else { 0.0 }
    }

    /// The share (0..1) of the sound's energy in the voice band, 300–3400 Hz, leaving out the
    /// strongest tone (its bin and two either side): a beep, a hum or a whistle puts its energy
    /// in one place, a voice spreads it over its harmonics.
    pub fn voice_band_share(&mut self) -> f32 {
        let bins = self.analyser.frequency_bin_count() as usize;
        let mut db = vec![0.0_f32; bins];
        self.analyser.get_float_frequency_data(&mut db);
        let hz_per_bin = self.ctx.sample_rate() / self.analyser.fft_size() as f32;
        let power: Vec<f32> =
            db.iter().map(|d| if d.is_finite() { 10f32.powf(d / 10.0) } else { 0.0 }).collect();
        let all: f32 = power.iter().sum();
        let in_band = |i: usize| (300.0..=3400.0).contains(&(i as f32 * hz_per_bin));
        let peak = (0..bins).max_by(|a, b| power[*a].total_cmp(&power[*b])).unwrap_or(0);
        let band: f32 =
            (0..bins).filter(|i| in_band(*i) && i.abs_diff(peak) > 2).map(|i| power[i]).sum();
        if all > 0.0 { band / all } else { 0.0 }
    }

    /// Releases the microphone and the audio context.
    pub fn close(self) {
        stop_stream(&self.stream);
        close_audio(self.ctx);
    }
}

/// Milliseconds since the page started, sub-millisecond where the browser allows.
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// One uncached request whose body is read to the end; fails on a non-2xx status.
async fn request(method: &str, url: &str, body: Option<&[u8]>) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some(bytes) = body {
        init.set_body(&js_sys::Uint8Array::from(bytes).into());
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into::<web_sys::Response>()?;
    if !response.ok() {
        return Err(JsValue::from_str(&format!("HTTP {}", response.status())));
    }
    JsFuture::from(response.array_buffer()?).await?;
    Ok(())
}

/// The median of [`PINGS`] round trips to `GET /net/ping`, in whole milliseconds (at least 1).
/// `progress` is told how many are done.
pub async fn measure_rtt(progress: impl Fn(usize)) -> Result<u32, JsValue> {
    let mut times = Vec::with_capacity(PINGS);
    for i in 0..PINGS {
        let t0 = now_ms();
        request("GET", "/net/ping", None).await?;
        times.push(now_ms() - t0);
        progress(i + 1);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[PINGS / 2].ceil().clamp(1.0, f64::from(u32::MAX)) as u32)
}

/// Upload rate in kilobits per second: 256 KiB to `POST /net/upload`, timed to the response.
pub async fn measure_upload() -> Result<u32, JsValue> {
    // Pseudo-random bytes, so that nothing on the way can compress them.
    let mut x: u32 = 0x9e37_79b9;
    let body: Vec<u8> = (0..UPLOAD_BYTES)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let t0 = now_ms();
    request("POST", "/net/upload", Some(&body)).await?;
    let ms = (now_ms() - t0).max(0.1);
    // bits per millisecond = kilobits per second
    let kbps = (UPLOAD_BYTES * 8) as f64 / ms;
    Ok(kbps.round().clamp(0.0, f64::from(u32::MAX)) as u32)
}

/// `navigator.userAgent`, empty if unreadable.
pub fn user_agent() -> String {
    web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default()
}
