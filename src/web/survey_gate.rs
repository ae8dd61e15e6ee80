//! The way into a survey, for the survey's own pages and the e-ID sign-in: the open survey
//! behind a link (or the page to show instead), and whether this browser has signed in as the
//! applicant of a `verified` survey.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::csrf::cookie_name;
use super::db_call;
use super::error::AppError;
use super::page::message;
use super::state::AppState;
use crate::domain::language::Lang;
use crate::services::eid::sign_in::{self, COOKIE};
use crate::services::surveys::{self, OpenSurvey, TokenState};

/// What is behind a survey link.
pub enum Gate {
    Open(Box<OpenSurvey>),
    /// The page to show instead: unknown, expired or already answered.
    Closed(HttpResponse),
}

/// The open survey behind a token, or the page to show instead (`answered_status` is 200 for a
/// visit, 409 for a second submission).
pub async fn open_or_page(
    state: &web::Data<AppState>,
    token: &str,
    lang: Lang,
    answered_status: StatusCode,
) -> Result<Gate, AppError> {
    let secret = state.settings.secret.clone();
    let questionnaires = state.questionnaires.clone();
    let token = token.to_owned();
    let open = move |conn: &mut crate::services::store::DbConnection| {
        surveys::open(conn, &secret, &questionnaires, &token)
    };
    let found = match &state.inline_reads {
        Some(reads) => db_call::run(reads, open)?,
        None => db_call::blocking(&state.pool, open).await?,
    };
    let t = lang.t();
    Ok(match found {
        TokenState::Open(survey) => Gate::Open(survey),
        TokenState::Unknown => Gate::Closed(message(
            StatusCode::NOT_FOUND,
            lang,
            t.unknown_title,
            t.unknown_body,
        )),
        TokenState::Expired => Gate::Closed(message(
            StatusCode::GONE,
            lang,
            t.expired_title,
            t.expired_body,
        )),
        TokenState::Answered => Gate::Closed(message(
            answered_status,
            lang,
            t.answered_title,
            t.answered_body,
        )),
    })
}

/// The browser's e-ID sign-in handle, if it has signed in as the applicant of this invitation.
pub async fn signed_in_handle(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    invitation_id: i32,
) -> Result<Option<String>, AppError> {
    if state.eid.is_none() {
        tracing::error!(
            "an agency's surveys need an e-ID sign-in, but HAILONG_EID_ISSUER is not set"
        );
        return Err(AppError::Unavailable);
    }
    let Some(handle) = req
        .cookie(&cookie_name(COOKIE, state.settings.https()))
        .map(|c| c.value().to_owned())
    else {
        return Ok(None);
    };
    let secret = state.settings.secret.clone();
    let checked = handle.clone();
    let verified = db_call::blocking(&state.pool, move |conn| {
        sign_in::is_verified(conn, &secret, &checked, invitation_id)
    })
    .await?;
    Ok(verified.then_some(handle))
}

/// A page with a form for citizens (the survey, the opt-out, a request for help), rendered with
/// a fresh CSRF token, its cookie set on the response (what [`posted_form`] checks).
pub fn form_page(
    state: &AppState,
    status: StatusCode,
    render: impl FnOnce(&str) -> maud::Markup,
) -> Result<HttpResponse, AppError> {
    let pair = state
        .csrf
        .issue()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no CSRF pair")))?;
    let https = state.settings.https();
    let cookie = super::csrf::cookie(
        &cookie_name(super::csrf::COOKIE, https),
        "/",
        pair.cookie,
        https,
    );
    let mut response = super::page::html(status, render(&pair.token));
    let _ = response.add_cookie(&cookie);
    Ok(response)
}

/// Takes a field out of a posted form (one the answers' check does not read): its value.
pub fn take_field(fields: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let at = fields.iter().position(|(k, _)| k == name)?;
    Some(fields.remove(at).1)
}

/// A form posted from a survey page (the answers, the opt-out): the language it was written in
/// (its `lang` field, else the request's), or the page to show when its CSRF pair does not
/// verify (the form is too old, or the browser refuses cookies).
pub fn posted_form(
    state: &AppState,
    req: &HttpRequest,
    fields: &[(String, String)],
) -> Result<Lang, Box<HttpResponse>> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let lang = field("lang")
        .and_then(Lang::parse)
        .unwrap_or_else(|| super::language::language(req).0);
    let csrf_cookie = cookie_name(super::csrf::COOKIE, state.settings.https());
    let csrf_ok = match (field("csrf"), req.cookie(&csrf_cookie)) {
        (Some(token), Some(cookie)) => state.csrf.verify(token, cookie.value()),
        _ => false,
    };
    if csrf_ok {
        Ok(lang)
    } else {
        let t = lang.t();
        Err(Box::new(message(
            StatusCode::FORBIDDEN,
            lang,
            t.form_expired_title,
            t.form_expired_body,
        )))
    }
}
