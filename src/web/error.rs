//! One error story for the HTTP side. Which error type goes where:
//! - domain parsing: a small `thiserror` enum per concept (`domain::`), whose message names the
//!   field;
//! - database functions: `db::QueryResult<T>`;
//! - use cases (`services::`): an enum per use case whose variants name the field at fault and
//!   say what is wrong in the reader's language (`Localized`);
//! - HTTP handlers: `AppError`, below, and nothing else. A handler returns
//!   `Result<HttpResponse, AppError>`; the [`render`] middleware turns the error into a page in
//!   the request's language, or into JSON under `/api/`. `Internal` is logged with its cause
//!   chain and never shown.
//!
//! A form whose input is wrong is not an error of this kind: its handler renders the form again,
//! with the message beside the field and what was typed kept.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};

use crate::views::i18n::Lang;
use crate::views::layout::message_page;

/// How long a client is asked to wait when the database does not answer.
const RETRY_AFTER_SECONDS: &str = "10";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// 422 (409 for a clash with what is stored): a use case refused the input, naming the
    /// field; the page says why in the reader's language. The one way a refusal reaches a
    /// page.
    #[error("{0}")]
    Refused(crate::services::Refusal),
    #[error("please sign in")]
    Unauthorized,
    /// A staff page asked for without a session: 303 to the sign-in page.
    #[error("please sign in")]
    SignInFirst,
    /// 401 on the API, with `WWW-Authenticate: Bearer`.
    #[error("missing or invalid API key (Authorization: Bearer <key>)")]
    BadApiKey,
    /// 403 on the API: the key is of another scope than the endpoint's.
    #[error("this API key is a {0} key and may not call this endpoint")]
    KeyScope(crate::domain::api_scope::ApiScope),
    /// 429 on the API: this key made too many requests this minute.
    #[error("too many requests with this API key; try again in a minute")]
    TooManyRequests,
    /// A batch of dossiers refused as a whole: 422 naming each bad field, or 409 naming each
    /// dossier sent before with other content.
    #[error("{0}")]
    Batch(crate::services::dossiers::ingest::IngestError),
    /// 403: a form came back without its CSRF token, or one of another session.
    #[error("the form has expired; please reload the page and try again")]
    Forbidden,
    /// The database is unreachable or overloaded: 503, try again later.
    #[error("the service is temporarily unavailable; please try again in a moment")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::services::store::DbError> for AppError {
    fn from(e: crate::services::store::DbError) -> Self {
        match crate::services::store::classify(&e) {
            crate::services::store::Failure::NotFound => Self::NotFound,
            crate::services::store::Failure::Unreachable => Self::Unavailable,
            crate::services::store::Failure::Duplicate | crate::services::store::Failure::Other => {
                Self::Internal(anyhow::Error::new(e))
            }
        }
    }
}

impl From<crate::services::Refusal> for AppError {
    fn from(refusal: crate::services::Refusal) -> Self {
        Self::Refused(refusal)
    }
}

impl From<crate::services::ServiceError> for AppError {
    fn from(e: crate::services::ServiceError) -> Self {
        match e {
            crate::services::ServiceError::Refused(refusal) => Self::Refused(refusal),
            crate::services::ServiceError::Database(e) => e.into(),
        }
    }
}

impl From<crate::services::surveys::SurveyError> for AppError {
    fn from(e: crate::services::surveys::SurveyError) -> Self {
        match e {
            crate::services::surveys::SurveyError::Database(e) => e.into(),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<crate::services::reports::satisfaction::ReportError> for AppError {
    fn from(e: crate::services::reports::satisfaction::ReportError) -> Self {
        use crate::services::reports::satisfaction::ReportError;
        if let Some(refusal) = e.refusal() {
            return Self::Refused(refusal);
        }
        match e {
            ReportError::UnknownAgency(_) => Self::NotFound,
            ReportError::Database(e) => e.into(),
            ReportError::Survey(e) => e.into(),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<crate::services::reports::pdf::PdfError> for AppError {
    fn from(e: crate::services::reports::pdf::PdfError) -> Self {
        match e.refusal() {
            Some(refusal) => Self::Refused(refusal),
            None => Self::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<crate::services::store::PoolError> for AppError {
    fn from(e: crate::services::store::PoolError) -> Self {
        tracing::warn!(error = %e, "no database connection");
        Self::Unavailable
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl AppError {
    /// Title and explanation of the error page, in `lang` (the catalogue's words; what a
    /// service explains comes with its own).
    fn page_text(&self, lang: Lang) -> (String, String) {
        let text = |id: &str| lang.text(id);
        match self {
            Self::NotFound => (text("error-not-found-title"), text("error-not-found-body")),
            Self::Refused(refusal) if refusal.conflict => {
                (text("error-conflict-title"), refusal.say(lang))
            }
            Self::Refused(refusal) => (text("error-cannot-title"), refusal.say(lang)),
            Self::Batch(e) => (text("error-cannot-title"), e.to_string()),
            Self::Unauthorized | Self::BadApiKey | Self::KeyScope(_) | Self::SignInFirst => {
                (text("error-sign-in-title"), text("error-sign-in-body"))
            }
            Self::TooManyRequests => (text("unavailable-title"), text("unavailable-body")),
            Self::Forbidden => (text("form-expired-title"), text("error-form-expired-body")),
            Self::Unavailable => (text("unavailable-title"), text("unavailable-body")),
            Self::Internal(_) => (text("error-internal-title"), text("error-internal-body")),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Refused(refusal) if refusal.conflict => StatusCode::CONFLICT,
            Self::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized | Self::BadApiKey => StatusCode::UNAUTHORIZED,
            Self::SignInFirst => StatusCode::SEE_OTHER,
            Self::Batch(e) => batch_status(e),
            Self::Forbidden | Self::KeyScope(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON form, for the API; [`render`] replaces it with a page elsewhere.
    fn error_response(&self) -> HttpResponse {
        if matches!(self, Self::SignInFirst) {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish();
        }
        let message = match self {
            Self::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                "something went wrong on our side; it has been logged".to_owned()
            }
            Self::Refused(refusal) => format!("{}: {}", refusal.field, refusal.say(Lang::EN)),
            other => other.to_string(),
        };
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            Self::Unavailable => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
            }
            Self::TooManyRequests => {
                response.insert_header((header::RETRY_AFTER, "60"));
            }
            Self::BadApiKey => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        match self {
            Self::Batch(e) => response.json(batch_body(e)),
            _ => response.json(serde_json::json!({ "error": message })),
        }
    }
}

fn batch_status(e: &crate::services::dossiers::ingest::IngestError) -> StatusCode {
    use crate::services::dossiers::ingest::IngestError as E;
    match e {
        E::Conflict(_) => StatusCode::CONFLICT,
        E::NoQuestionnaire => StatusCode::SERVICE_UNAVAILABLE,
        E::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        E::Empty | E::TooLarge(_) | E::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The body of a refused batch: the error, and each bad field or conflicting dossier.
fn batch_body(e: &crate::services::dossiers::ingest::IngestError) -> serde_json::Value {
    use crate::services::dossiers::ingest::IngestError as E;
    let mut body = serde_json::json!({ "error": e.to_string() });
    match e {
        E::Invalid(errors) => body["errors"] = serde_json::json!(errors),
        E::Conflict(conflicts) => body["conflicts"] = serde_json::json!(conflicts),
        _ => {}
    }
    body
}

impl From<crate::services::dossiers::ingest::IngestError> for AppError {
    fn from(e: crate::services::dossiers::ingest::IngestError) -> Self {
        match e {
            crate::services::dossiers::ingest::IngestError::Database(e) => e.into(),
            other => Self::Batch(other),
        }
    }
}

/// The page of an error, in `lang`.
pub fn error_page(error: &AppError, lang: Lang) -> HttpResponse {
    let (title, body) = error.page_text(lang);
    let mut response = HttpResponse::build(error.status_code());
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/html; charset=utf-8");
    if matches!(error, AppError::Unavailable) {
        response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
    }
    response.body(
        message_page(
            lang,
            &title,
            &body,
            &format!("?lang={}", lang.other().code()),
        )
        .into_string(),
    )
}

/// Middleware: an `AppError` that a page handler returned becomes a page in the request's
/// language; under `/api/` it stays JSON.
pub async fn render(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let api = req.path().starts_with("/api/");
    let lang = crate::web::language::lang_of(req.request());
    let response = next.call(req).await?.map_into_boxed_body();
    if api {
        return Ok(response);
    }
    let page = response
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .filter(|e| !matches!(e, AppError::SignInFirst))
        .map(|e| error_page(e, lang));
    Ok(match page {
        Some(page) => response.into_response(page),
        None => response,
    })
}
