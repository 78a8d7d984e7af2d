//! Credentials and sessions: argon2 password hashes (on the blocking pool), random session
//! tokens stored only as SHA-256 hashes, and the HttpOnly SameSite cookies that carry them.
use super::error::ServerError;
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Cookie carrying a staff session.
pub const STAFF_COOKIE: &str = "vigil_staff";
/// Cookie carrying a candidate session.
pub const CANDIDATE_COOKIE: &str = "vigil_candidate";

/// How long a staff session lasts.
pub fn staff_session_length() -> Duration {
    Duration::hours(12)
}
/// How long a candidate session lasts (an exam day).
pub fn candidate_session_length() -> Duration {
    Duration::hours(8)
}

/// Hashes a password with argon2 on the blocking pool.
pub async fn hash_password(password: String) -> Result<String, ServerError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServerError::Hash(e.to_string()))
    })
    .await?
}

/// Checks a password against a stored argon2 hash on the blocking pool.
pub async fn verify_password(hash: String, password: String) -> Result<bool, ServerError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| ServerError::Hash(e.to_string()))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await?
}

/// A fresh random session token and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh access code for an admission slip (see `domain::signin`).
pub fn new_access_code() -> String {
    let mut bytes = [0u8; domain::signin::ACCESS_CODE_LEN];
    rand::thread_rng().fill_bytes(&mut bytes);
    domain::signin::access_code_from(bytes)
}

/// A short random id for correlating logged errors with what a user reports.
pub fn short_id() -> String {
    let mut bytes = [0u8; 6];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// `Set-Cookie` value for a session cookie; `secure` when the site is served over HTTPS.
pub fn session_cookie(name: &str, token: &str, max_age: Duration, secure: bool) -> String {
    cookie::Cookie::build((name, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age.num_seconds()))
        .build()
        .to_string()
}

/// `Set-Cookie` value that removes a session cookie.
pub fn clear_cookie(name: &str, secure: bool) -> String {
    cookie::Cookie::build((name, ""))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// Reads a cookie's value from request headers.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_only_with_the_right_password() {
        let hash = hash_password("correct horse".into()).await.expect("hash");
        assert!(verify_password(hash.clone(), "correct horse".into()).await.expect("verify"));
        assert!(!verify_password(hash, "wrong".into()).await.expect("verify"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (t1, h1) = new_token();
        let (t2, _) = new_token();
        assert_ne!(t1, t2);
        assert_eq!(h1, token_hash(&t1));
        assert_ne!(h1, t1);
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let c = session_cookie(STAFF_COOKIE, "abc", Duration::hours(1), false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Path=/"));
        assert!(!c.contains("Secure"));
        assert!(session_cookie(STAFF_COOKIE, "abc", Duration::hours(1), true).contains("Secure"));
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::COOKIE, "a=1; vigil_staff=abc".parse().expect("hv"));
        assert_eq!(cookie_value(&headers, STAFF_COOKIE), Some("abc".into()));
        assert_eq!(cookie_value(&headers, CANDIDATE_COOKIE), None);
    }
}
