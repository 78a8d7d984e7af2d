//! Browser-only helpers of the candidate pages: JPEG uploads with `fetch`, local storage of
//! unsaved answers, the clock. On the server these are inert.
use domain::AppError;
use serde::de::DeserializeOwned;

/// Posts JPEG bytes to `url` and decodes the JSON reply (or the typed error).
pub async fn post_jpeg<T: DeserializeOwned>(url: &str, bytes: Vec<u8>) -> Result<T, AppError> {
    post_bytes(url, bytes, "image/jpeg").await
}

/// Posts `bytes` of `content_type` to `url` and decodes the JSON reply (or the typed error).
#[cfg(feature = "hydrate")]
pub async fn post_bytes<T: DeserializeOwned>(
    url: &str,
    bytes: Vec<u8>,
    content_type: &str,
) -> Result<T, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let net = |e: wasm_bindgen::JsValue| AppError::Request { message: format!("{e:?}") };
    let window = web_sys::window().ok_or(AppError::Unavailable)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let body = js_sys::Uint8Array::from(bytes.as_slice());
    init.set_body(&body);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(net)?;
    request.headers().set("Content-Type", content_type).map_err(net)?;
    let resp = JsFuture::from(window.fetch_with_request(&request)).await.map_err(net)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(net)?;
    let text = JsFuture::from(resp.text().map_err(net)?).await.map_err(net)?;
    let text = text.as_string().unwrap_or_default();
    if resp.ok() {
        serde_json::from_str(&text).map_err(|e| AppError::Request { message: e.to_string() })
    } else {
        Err(serde_json::from_str::<AppError>(&text)
            .unwrap_or(AppError::Request { message: format!("HTTP {}", resp.status()) }))
    }
}

#[cfg(not(feature = "hydrate"))]
pub async fn post_bytes<T: DeserializeOwned>(
    _url: &str,
    _bytes: Vec<u8>,
    _content_type: &str,
) -> Result<T, AppError> {
    Err(AppError::Unavailable)
}

/// Milliseconds since the epoch on this computer's clock.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::Utc::now().timestamp_millis()
    }
}

/// Reads a value from local storage.
pub fn load_local(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Writes (or with `None` removes) a value in local storage.
pub fn store_local(key: &str, value: Option<&str>) {
    #[cfg(feature = "hydrate")]
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = match value {
            Some(v) => storage.set_item(key, v),
            None => storage.remove_item(key),
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// Keeps the phone's screen on where the browser has the Screen Wake Lock API; returns
/// whether a lock was requested.
pub fn request_wake_lock() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{JsCast, JsValue};
        let Some(window) = web_sys::window() else { return false };
        let nav: JsValue = window.navigator().into();
        let Ok(lock) = js_sys::Reflect::get(&nav, &JsValue::from_str("wakeLock")) else {
            return false;
        };
        if lock.is_undefined() {
            return false;
        }
        let Ok(request) = js_sys::Reflect::get(&lock, &JsValue::from_str("request")) else {
            return false;
        };
        let Ok(request) = request.dyn_into::<js_sys::Function>() else { return false };
        request.call1(&lock, &JsValue::from_str("screen")).is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The current frame of `camera` as JPEG bytes.
pub async fn capture(
    camera: crate::components::camera::CameraHandle,
    quality: f64,
) -> Result<Vec<u8>, AppError> {
    #[cfg(feature = "hydrate")]
    {
        // The preview may not have decoded its first frame yet: wait for it (up to 3 s).
        let mut tries = 0;
        loop {
            match camera.capture_jpeg(quality).await {
                Ok(jpeg) => return Ok(jpeg),
                Err(_) if tries < 30 => {
                    tries += 1;
                    sleep_ms(100).await;
                }
                Err(_) => return Err(AppError::NotAJpeg),
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (camera, quality);
        Err(AppError::Unavailable)
    }
}

/// Waits `ms` milliseconds (browser timer).
#[cfg(feature = "hydrate")]
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
