//! `GET /s/{token}/sign-in`: off to the e-ID provider; `GET /s/eid/callback`: back from it,
//! the identity compared with the dossier's applicant, then forgotten.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::domain::agency::SurveyPolicy;
use crate::services::eid::sign_in::{self, Outcome, COOKIE, VERIFIED_MINUTES};
use crate::views::i18n::Lang;
use crate::web::csrf::cookie_name;
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::language::language;
use crate::web::page::{message, see_other};
use crate::web::state::AppState;
use crate::web::survey_gate::{open_or_page, Gate};

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    /// Set by "sign in as someone else": the provider must not reuse its session.
    again: Option<String>,
}

pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: web::Query<StartQuery>,
) -> Result<HttpResponse, AppError> {
    let (lang, _) = language(&req);
    let token = token.into_inner();
    let survey = match open_or_page(&state, &token, lang, StatusCode::OK).await? {
        Gate::Open(survey) => survey,
        Gate::Closed(page) => return Ok(page),
    };
    if survey.policy != SurveyPolicy::Verified {
        return Ok(see_other(&format!("/s/{token}")));
    }
    let Some(provider) = state.eid.clone() else {
        tracing::error!(
            "an agency's surveys need an e-ID sign-in, but HAILONG_EID_ISSUER is not set"
        );
        return Err(AppError::Unavailable);
    };
    let authorization = match provider.authorize(query.again.is_some()).await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(error = %e, "starting an e-ID sign-in");
            return Ok(provider_unreachable(lang, &token));
        }
    };
    let secret = state.settings.secret.clone();
    let target = authorization.url.to_string();
    let invitation_id = survey.invitation_id;
    let handle = db_call::blocking(&state.pool, move |conn| {
        sign_in::start(conn, &secret, invitation_id, &authorization)
    })
    .await?;
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
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// The provider that issued the code (RFC 9207), when it says so.
    iss: Option<String>,
}

/// The provider did not answer: a 503 in the citizen's language with a way to try again (the
/// survey link itself is untouched).
fn provider_unreachable(lang: Lang, token: &str) -> HttpResponse {
    let t = lang.t();
    let retry = format!("/s/{token}/sign-in?lang={}", lang.code());
    let mut response = crate::web::page::html(
        StatusCode::SERVICE_UNAVAILABLE,
        crate::views::layout::message_with_action_page(
            lang,
            t.eid_unreachable_title,
            t.eid_unreachable_body,
            &crate::web::page::switch_href(lang, &[]),
            (&retry, t.eid_retry),
        ),
    );
    response.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        actix_web::http::header::HeaderValue::from_static("60"),
    );
    response
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
    if let Err(e) = db_call::blocking(&state.pool, move |conn| {
        sign_in::abandon(conn, &secret, &handle)
    })
    .await
    {
        tracing::warn!(error = %e, "dropping an e-ID sign-in");
    }
}

pub async fn callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, AppError> {
    let (lang, _) = language(&req);
    let t = lang.t();
    let Some(provider) = state.eid.clone() else {
        return Err(AppError::Unavailable);
    };
    let Some(handle) = req
        .cookie(&cookie_name(COOKIE, state.settings.https()))
        .map(|c| c.value().to_owned())
    else {
        return Ok(expired(lang));
    };
    if let Some(error) = &query.error {
        // The provider's error code (access_denied, …) says nothing about the person.
        tracing::info!(error = %error, "the e-ID provider returned an error");
        abandon(&state, handle).await;
        return Ok(failed(lang));
    }
    let (Some(code), Some(returned_state)) = (query.code.clone(), query.state.clone()) else {
        return Ok(expired(lang));
    };

    let secret = state.settings.secret.clone();
    let pending_handle = handle.clone();
    let pending = db_call::blocking(&state.pool, move |conn| {
        sign_in::take_pending(conn, &secret, &pending_handle, &returned_state)
    })
    .await?;
    let Some(pending) = pending else {
        return Ok(expired(lang));
    };

    let identity = match provider
        .identify(
            &code,
            query.iss.as_deref(),
            pending.pkce_verifier,
            &pending.nonce,
        )
        .await
    {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "an e-ID sign-in was refused");
            abandon(&state, handle).await;
            return Ok(failed(lang));
        }
    };

    let secret = state.settings.secret.clone();
    let daily_limit = state.settings.eid_daily_limit;
    let invitation_id = pending.invitation_id;
    let concluded = db_call::blocking(&state.pool, move |conn| {
        sign_in::conclude(
            conn,
            &secret,
            &handle,
            invitation_id,
            &identity,
            daily_limit,
        )
    })
    .await?;
    Ok(match concluded {
        Outcome::Verified { survey_token } => {
            see_other(&format!("/s/{survey_token}?lang={}", lang.code()))
        }
        // A page of its own (not this callback, whose code is spent): its language switch
        // and a reload keep working, and it offers to sign in again.
        Outcome::NotTheApplicant { survey_token } => see_other(&format!(
            "/s/{survey_token}/not-the-applicant?lang={}",
            lang.code()
        )),
        Outcome::DailyLimitReached => message(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            t.eid_limit_title,
            t.eid_limit_body,
        ),
        Outcome::SurveyClosed => message(StatusCode::GONE, lang, t.expired_title, t.expired_body),
    })
}

/// `GET /s/{token}/not-the-applicant`: where a sign-in as someone other than the applicant
/// lands. It names nobody: it says the survey is someone else's and offers to sign in again.
pub async fn not_the_applicant(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (lang, _) = language(&req);
    let t = lang.t();
    let token = token.into_inner();
    if let Gate::Closed(page) = open_or_page(&state, &token, lang, StatusCode::OK).await? {
        return Ok(page);
    }
    let again = format!("/s/{token}/sign-in?again=1&lang={}", lang.code());
    Ok(crate::web::page::html(
        StatusCode::FORBIDDEN,
        crate::views::layout::message_with_action_page(
            lang,
            t.eid_mismatch_title,
            t.eid_mismatch_body,
            &crate::web::page::switch_href(lang, &[]),
            (&again, t.eid_sign_in_again),
        ),
    ))
}
