//! Which error type goes where:
//! - domain parsing: a small `thiserror` enum per concept, whose message is user-facing text;
//! - db functions: `diesel::QueryResult<T>`;
//! - HTTP handlers: `AppError`, below, which picks the status and renders the error page or
//!   JSON body. `Internal` is logged with its cause chain and never shown to the user.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// 422; the text is shown to the user.
    #[error("{0}")]
    Invalid(String),
    #[error("please sign in")]
    Unauthorized,
    /// 403: a form came back without its CSRF pair.
    #[error("the form has expired; please reload the page and try again")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    /// The database is unreachable or overloaded: 503, try again later.
    #[error("the service is temporarily unavailable; please try again in a moment")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict("already exists".into())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => Self::Unavailable,
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        tracing::warn!(error = %e, "no database connection");
        Self::Unavailable
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            Self::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                "something went wrong on our side; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, Self::Unavailable) {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        response.json(serde_json::json!({ "error": message }))
    }
}
