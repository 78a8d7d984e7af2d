//! `ServerError`: internal failures of server code. `From<ServerError> for AppError` is the
//! one place that decides what a client sees: internal causes are logged with a correlation
//! id and replaced by `AppError::Internal`.
use super::store::StoreError;
use domain::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("blob storage failed: {0}")]
    Blob(#[from] std::io::Error),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("CSV writing failed: {0}")]
    Csv(#[from] csv::Error),
}

impl From<ServerError> for AppError {
    fn from(e: ServerError) -> Self {
        match &e {
            ServerError::Store(StoreError::Duplicate) => return AppError::Conflict,
            ServerError::Store(StoreError::BadText(_)) => {
                return AppError::Request {
                    message: "text with a character that cannot be stored".into(),
                };
            }
            ServerError::Store(StoreError::Unavailable(_)) => {
                tracing::warn!(error = %e, "database unavailable");
                return AppError::Unavailable;
            }
            ServerError::Blob(io) if io.kind() == std::io::ErrorKind::StorageFull => {
                tracing::error!(error = %e, "storage full");
                return AppError::StorageFull;
            }
            _ => {}
        }
        let correlation_id = super::auth::short_id();
        tracing::error!(error = %e, correlation_id, "internal error");
        AppError::Internal { correlation_id }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        ServerError::Store(e).into()
    }
}

// The HTTP response of an `AppError` is `domain`'s (feature `http`), next to its status codes.
