//! `GET /s/{token}/sign-in`: off to the e-ID provider; `GET /s/eid/callback`: back from it,
//! the identity compared with the dossier's applicant, then forgotten.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::db_call;
use super::language::language;
use super::survey::{message, open_or_page, unavailable};
use crate::csrf_guard::cookie_name;
use crate::domain::agency::SurveyPolicy;
use crate::eid::sign_in::{self, Outcome, COOKIE, VERIFIED_MINUTES};
use crate::startup::AppState;
use crate::views::i18n::Lang;

/// Whether this browser has signed in as the applicant of a `verified` survey.
pub enum SignInCheck {
    /// Yes: the handle to present with the submission.
    SignedIn(String),
    NotSignedIn,
    /// No provider configured, or the database is away.
    Unavailable,
}

pub async fn signed_in_handle(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    invitation_id: i32,
) -> SignInCheck {
    if state.eid.is_none() {
        tracing::error!(
            "an agency's surveys need an e-ID sign-in, but HAILONG_EID_ISSUER is not set"
        );
        return SignInCheck::Unavailable;
    }
    let Some(handle) = req
        .cookie(&cookie_name(COOKIE, state.settings.https()))
        .map(|c| c.value().to_owned())
    else {
        return SignInCheck::NotSignedIn;
    };
    let secret = state.settings.secret.clone();
    let checked_handle = handle.clone();
    let verified = db_call::blocking(&state.pool, "checking an e-ID sign-in", move |conn| {
        sign_in::is_verified(conn, &secret, &checked_handle, invitation_id)
    })
    .await;
    match verified {
        Ok(true) => SignInCheck::SignedIn(handle),
        Ok(false) => SignInCheck::NotSignedIn,
        Err(()) => SignInCheck::Unavailable,
    }
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> HttpResponse {
    let (lang, _) = language(&req);
    let token = token.into_inner();
    let survey = match open_or_page(&state, &token, lang, StatusCode::OK).await {
        Ok(survey) => survey,
        Err(page) => return page,
    };
    if survey.policy != SurveyPolicy::Verified {
        return see_other(&format!("/s/{token}"));
    }
    let Some(provider) = state.eid.clone() else {
        tracing::error!(
            "an agency's surveys need an e-ID sign-in, but HAILONG_EID_ISSUER is not set"
        );
        return unavailable(lang);
    };
    let authorization = match provider.authorize().await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(error = %e, "starting an e-ID sign-in");
            return unavailable(lang);
        }
    };
    let secret = state.settings.secret.clone();
    let target = authorization.url.to_string();
    let invitation_id = survey.invitation_id;
    let started = db_call::blocking(&state.pool, "recording an e-ID sign-in", move |conn| {
        sign_in::start(conn, &secret, invitation_id, &authorization)
    })
    .await;
    let Ok(handle) = started else {
        return unavailable(lang);
    };
    // Lax, not Strict: the browser comes back from the provider's site by a top-level
    // redirect, and must bring this cookie along.
    let cookie = Cookie::build(cookie_name(COOKIE, state.settings.https()), handle)
        .path("/")
        .http_only(true)
        .secure(state.settings.https())
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::minutes(VERIFIED_MINUTES))
        .finish();
    let mut response = see_other(&target);
    let _ = response.add_cookie(&cookie);
    response
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn failed(lang: Lang) -> HttpResponse {
    let t = lang.t();
    message(
        StatusCode::UNAUTHORIZED,
        lang,
        t.eid_failed_title,
        t.eid_failed_body,
    )
}

fn expired(lang: Lang) -> HttpResponse {
    let t = lang.t();
    message(
        StatusCode::BAD_REQUEST,
        lang,
        t.eid_expired_title,
        t.eid_expired_body,
    )
}

async fn abandon(state: &web::Data<AppState>, handle: String) {
    let secret = state.settings.secret.clone();
    // Best effort: an abandoned row also expires and is purged.
    let _ = db_call::blocking(&state.pool, "dropping an e-ID sign-in", move |conn| {
        sign_in::abandon(conn, &secret, &handle)
    })
    .await;
}

pub async fn callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CallbackQuery>,
) -> HttpResponse {
    let (lang, _) = language(&req);
    let t = lang.t();
    let Some(provider) = state.eid.clone() else {
        return unavailable(lang);
    };
    let Some(handle) = req
        .cookie(&cookie_name(COOKIE, state.settings.https()))
        .map(|c| c.value().to_owned())
    else {
        return expired(lang);
    };
    if let Some(error) = &query.error {
        // The provider's error code (access_denied, …) says nothing about the person.
        tracing::info!(error = %error, "the e-ID provider returned an error");
        abandon(&state, handle).await;
        return failed(lang);
    }
    let (Some(code), Some(returned_state)) = (query.code.clone(), query.state.clone()) else {
        return expired(lang);
    };

    let secret = state.settings.secret.clone();
    let pending_handle = handle.clone();
    let pending = db_call::blocking(&state.pool, "reading an e-ID sign-in", move |conn| {
        sign_in::take_pending(conn, &secret, &pending_handle, &returned_state)
    })
    .await;
    let pending = match pending {
        Ok(Some(pending)) => pending,
        Ok(None) => return expired(lang),
        Err(()) => return unavailable(lang),
    };

    let identity = match provider
        .identify(&code, pending.pkce_verifier, &pending.nonce)
        .await
    {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "an e-ID sign-in was refused");
            abandon(&state, handle).await;
            return failed(lang);
        }
    };

    let secret = state.settings.secret.clone();
    let daily_limit = state.settings.eid_daily_limit;
    let invitation_id = pending.invitation_id;
    let concluded = db_call::blocking(&state.pool, "concluding an e-ID sign-in", move |conn| {
        sign_in::conclude(
            conn,
            &secret,
            &handle,
            invitation_id,
            &identity,
            daily_limit,
        )
    })
    .await;
    match concluded {
        Ok(Outcome::Verified { survey_token }) => {
            see_other(&format!("/s/{survey_token}?lang={}", lang.code()))
        }
        Ok(Outcome::NotTheApplicant) => message(
            StatusCode::FORBIDDEN,
            lang,
            t.eid_mismatch_title,
            t.eid_mismatch_body,
        ),
        Ok(Outcome::DailyLimitReached) => message(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            t.eid_limit_title,
            t.eid_limit_body,
        ),
        Ok(Outcome::SurveyClosed) => {
            message(StatusCode::GONE, lang, t.expired_title, t.expired_body)
        }
        Err(()) => unavailable(lang),
    }
}
