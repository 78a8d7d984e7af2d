//! Two layers every request passes. `request_guard`: a state-changing request (any method but
//! GET/HEAD/OPTIONS) and every WebSocket upgrade must come from the site itself (the Origin
//! check of `app::server::site`), and a POST must carry a content type its route takes — so
//! another site can neither post a form nor a `text/plain` "simple request" with a user's
//! cookies, nor open a socket with them. `security_headers`: the browser-side defences on
//! every response.
use app::server::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::AppError;
use http::{HeaderValue, Method, header};

/// The content types a POST to `path` may carry (`None`: any, for routes that store nothing).
fn accepted_types(path: &str) -> Option<&'static [&'static str]> {
    if path == "/api/candidate/face" || path == "/api/candidate/identity-photo" {
        Some(&["image/jpeg"])
    } else if path == "/api/candidate/recording" {
        Some(&["video/webm"])
    } else if path.starts_with("/api/admin/exams/") && path.ends_with("/roster/preview") {
        Some(&["multipart/form-data"])
    } else if path.starts_with("/api/") {
        // Server functions: JSON bodies, or forms (the sign-in forms work without JS).
        Some(&["application/json", "application/x-www-form-urlencoded"])
    } else {
        None
    }
}

/// Whether `content_type` (with any parameters) is one of `accepted`.
fn type_ok(content_type: Option<&str>, accepted: &[&str]) -> bool {
    let Some(ct) = content_type else { return false };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    accepted.contains(&essence.as_str())
}

pub async fn request_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let upgrade = req.headers().contains_key(header::UPGRADE);
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if (!safe || upgrade) && !state.site.allows(req.headers()) {
        tracing::warn!(
            path = req.uri().path(),
            origin = ?req.headers().get(header::ORIGIN),
            "cross-origin request refused"
        );
        return AppError::BadOrigin.into_response();
    }
    if req.method() == Method::POST
        && let Some(accepted) = accepted_types(req.uri().path())
    {
        let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        if !type_ok(ct, accepted) {
            return AppError::UnsupportedMediaType.into_response();
        }
    }
    next.run(req).await
}

/// For responses that set no policy of their own (the HTML shell sets one with its nonce):
/// nothing from elsewhere, and never inside a frame.
const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; media-src 'self' blob:; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut http::HeaderMap, name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, DEFAULT_CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()",
    );
    set(h, header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    if state.site.public_origin.as_deref().is_some_and(|o| o.starts_with("https://")) {
        set(h, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_upload_route_takes_its_own_type_only() {
        let face = accepted_types("/api/candidate/face").expect("checked");
        assert!(type_ok(Some("image/jpeg"), face));
        assert!(!type_ok(Some("text/plain"), face));
        assert!(!type_ok(None, face));
        let rec = accepted_types("/api/candidate/recording").expect("checked");
        assert!(type_ok(Some("video/webm;codecs=vp8"), rec));
        let api = accepted_types("/api/console/message").expect("checked");
        assert!(type_ok(Some("application/json"), api));
        assert!(type_ok(Some("application/x-www-form-urlencoded; charset=UTF-8"), api));
        assert!(!type_ok(Some("text/plain;charset=UTF-8"), api));
        assert!(!type_ok(Some("multipart/form-data; boundary=x"), api));
        let roster = accepted_types("/api/admin/exams/3/roster/preview").expect("checked");
        assert!(type_ok(Some("multipart/form-data; boundary=x"), roster));
        assert!(accepted_types("/net/upload").is_none());
    }
}
