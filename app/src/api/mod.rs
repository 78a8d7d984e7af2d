//! Server functions, one file per area: authorise, call a service, return.
pub mod admin;
pub mod auth;
pub mod console;
pub mod exam;
pub mod journey;
pub mod proctor;
pub mod rooms;

#[cfg(feature = "ssr")]
fn respond<T>(result: Result<T, domain::AppError>) -> Result<T, domain::AppError> {
    if let Err(e) = &result {
        crate::server::context::set_status(e);
    }
    result
}
