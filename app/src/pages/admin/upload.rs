//! A multipart upload through `XMLHttpRequest`, for its upload progress events (fetch has
//! none), answering JSON or a typed error.
use domain::AppError;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

/// Posts `form` to `url`; `progress` gets the sent fraction (0–1), `done` the parsed answer.
pub fn post_form<T: DeserializeOwned + 'static>(
    url: &str,
    form: &FormData,
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(Result<T, AppError>) + 'static,
) {
    let failed = |e: wasm_bindgen::JsValue| AppError::Request { message: format!("{e:?}") };
    let xhr = match XmlHttpRequest::new() {
        Ok(x) => x,
        Err(e) => return done(Err(failed(e))),
    };
    if let Err(e) = xhr.open("POST", url) {
        return done(Err(failed(e)));
    }
    if let Ok(up) = xhr.upload() {
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress(e.loaded() / e.total());
            }
        });
        up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let answered = xhr.clone();
    let on_end = Closure::once(move |_: web_sys::Event| {
        let status = answered.status().unwrap_or(0);
        let text = answered.response_text().ok().flatten().unwrap_or_default();
        let result = if status == 200 {
            serde_json::from_str::<T>(&text)
                .map_err(|e| AppError::Request { message: e.to_string() })
        } else {
            Err(serde_json::from_str::<AppError>(&text)
                .unwrap_or(AppError::Request { message: format!("HTTP {status}") }))
        };
        done(result);
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    if let Err(e) = xhr.send_with_opt_form_data(Some(form)) {
        leptos::logging::warn!("roster upload not sent: {e:?}");
    }
}
