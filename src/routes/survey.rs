//! `GET /s/{token}`: the survey; `POST /s/{token}`: the answers, stored once.

use std::collections::BTreeMap;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use maud::Markup;

use super::db_call;
use super::eid::{signed_in_handle, SignInCheck};
use super::language::{language, LANG_COOKIE};
use crate::csrf_guard;
use crate::domain::agency::SurveyPolicy;
use crate::domain::answers::{self, AnswerProblem, FormInput};
use crate::startup::AppState;
use crate::survey::{self, OpenSurvey, SignInProof, SubmitOutcome, TokenState};
use crate::views::i18n::Lang;
use crate::views::layout::message_page;
use crate::views::survey::{sign_in_page, survey_page, SurveyForm, SurveyHeading};

fn switch_href(lang: Lang) -> String {
    format!("?lang={}", lang.other().code())
}

fn heading<'a>(lang: Lang, survey: &'a OpenSurvey) -> SurveyHeading<'a> {
    SurveyHeading {
        agency: lang.pick(&survey.agency_name_vi, &survey.agency_name_en),
        procedure: lang.pick(&survey.procedure_name_vi, &survey.procedure_name_en),
    }
}

/// For a `verified` survey, the browser's sign-in handle, or the page to show instead: the
/// sign-in page (with `not_signed_in` as status) or "unavailable". `Ok(None)` for a link survey.
async fn sign_in_of(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    survey: &OpenSurvey,
    token: &str,
    lang: Lang,
    not_signed_in: StatusCode,
) -> Result<Option<String>, HttpResponse> {
    if survey.policy != SurveyPolicy::Verified {
        return Ok(None);
    }
    match signed_in_handle(state, req, survey.invitation_id).await {
        SignInCheck::SignedIn(handle) => Ok(Some(handle)),
        SignInCheck::NotSignedIn => Err(sign_in_response(not_signed_in, lang, survey, token)),
        SignInCheck::Unavailable => Err(unavailable(lang)),
    }
}

/// A `verified` survey whose respondent has not signed in (yet, or any more).
fn sign_in_response(
    status: StatusCode,
    lang: Lang,
    survey: &OpenSurvey,
    token: &str,
) -> HttpResponse {
    let href = format!("/s/{token}/sign-in?lang={}", lang.code());
    html(
        status,
        sign_in_page(lang, &heading(lang, survey), &href, &switch_href(lang)),
    )
}

pub(super) fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

pub(super) fn message(status: StatusCode, lang: Lang, title: &str, body: &str) -> HttpResponse {
    html(status, message_page(lang, title, body, &switch_href(lang)))
}

pub(super) fn unavailable(lang: Lang) -> HttpResponse {
    let t = lang.t();
    let mut response = message(
        StatusCode::SERVICE_UNAVAILABLE,
        lang,
        t.unavailable_title,
        t.unavailable_body,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("10"));
    response
}

fn closed_page(
    state: &TokenState,
    lang: Lang,
    answered_status: StatusCode,
) -> Option<HttpResponse> {
    let t = lang.t();
    match state {
        TokenState::Open(_) => None,
        TokenState::Unknown => Some(message(
            StatusCode::NOT_FOUND,
            lang,
            t.unknown_title,
            t.unknown_body,
        )),
        TokenState::Expired => Some(message(
            StatusCode::GONE,
            lang,
            t.expired_title,
            t.expired_body,
        )),
        TokenState::Answered => Some(message(
            answered_status,
            lang,
            t.answered_title,
            t.answered_body,
        )),
    }
}

async fn load(state: &web::Data<AppState>, token: String) -> Result<TokenState, ()> {
    const WHAT: &str = "opening a survey";
    let secret = state.settings.secret.clone();
    let questionnaires = state.questionnaires.clone();
    let open = move |conn: &mut crate::db::DbConnection| {
        survey::open(conn, &secret, &questionnaires, &token)
    };
    match &state.inline_reads {
        Some(reads) => db_call::run(reads, WHAT, open),
        None => db_call::blocking(&state.pool, WHAT, open).await,
    }
}

/// The open survey behind a token, or the page to show instead (unknown, expired, answered,
/// or the database away).
pub(super) async fn open_or_page(
    state: &web::Data<AppState>,
    token: &str,
    lang: Lang,
    answered_status: StatusCode,
) -> Result<Box<OpenSurvey>, HttpResponse> {
    match load(state, token.to_owned()).await {
        Ok(TokenState::Open(survey)) => Ok(survey),
        Ok(closed) => {
            Err(closed_page(&closed, lang, answered_status).unwrap_or_else(|| unavailable(lang)))
        }
        Err(()) => Err(unavailable(lang)),
    }
}

/// Renders the form with a fresh CSRF pair (and remembers the language if it was just chosen).
fn form_response(
    state: &AppState,
    status: StatusCode,
    lang: Lang,
    remember_lang: bool,
    survey: &OpenSurvey,
    input: &FormInput,
    problems: &BTreeMap<String, AnswerProblem>,
) -> HttpResponse {
    let Some(pair) = state.csrf.issue() else {
        return unavailable(lang);
    };
    let page = survey_page(&SurveyForm {
        lang,
        heading: heading(lang, survey),
        questionnaire: &survey.questionnaire,
        csrf_token: &pair.token,
        switch_href: &switch_href(lang),
        input,
        problems,
    });
    let mut response = html(status, page);
    let csrf_cookie = Cookie::build(
        csrf_guard::cookie_name(csrf_guard::COOKIE, state.settings.https()),
        pair.cookie,
    )
    .path("/")
    .http_only(true)
    .secure(state.settings.https())
    .same_site(SameSite::Strict)
    .max_age(actix_web::cookie::time::Duration::seconds(
        csrf_guard::TTL_SECONDS,
    ))
    .finish();
    let _ = response.add_cookie(&csrf_cookie);
    if remember_lang {
        let lang_cookie = Cookie::build(LANG_COOKIE, lang.code())
            .path("/")
            .secure(state.settings.https())
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish();
        let _ = response.add_cookie(&lang_cookie);
    }
    response
}

pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> HttpResponse {
    let (lang, remember_lang) = language(&req);
    let token = token.into_inner();
    let survey = match open_or_page(&state, &token, lang, StatusCode::OK).await {
        Ok(survey) => survey,
        Err(page) => return page,
    };
    if let Err(page) = sign_in_of(&state, &req, &survey, &token, lang, StatusCode::OK).await {
        return page;
    }
    form_response(
        &state,
        StatusCode::OK,
        lang,
        remember_lang,
        &survey,
        &FormInput::default(),
        &BTreeMap::new(),
    )
}

pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let fields = form.into_inner();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let lang = field("lang")
        .and_then(Lang::parse)
        .unwrap_or_else(|| language(&req).0);
    let t = lang.t();

    let csrf_cookie = csrf_guard::cookie_name(csrf_guard::COOKIE, state.settings.https());
    let csrf_ok = match (field("csrf"), req.cookie(&csrf_cookie)) {
        (Some(token), Some(cookie)) => state.csrf.verify(token, cookie.value()),
        _ => false,
    };
    if !csrf_ok {
        return message(
            StatusCode::FORBIDDEN,
            lang,
            t.form_expired_title,
            t.form_expired_body,
        );
    }

    let token = token.into_inner();
    let survey = match open_or_page(&state, &token, lang, StatusCode::CONFLICT).await {
        Ok(survey) => survey,
        Err(page) => return page,
    };
    let handle = match sign_in_of(&state, &req, &survey, &token, lang, StatusCode::FORBIDDEN).await
    {
        Ok(handle) => handle,
        Err(page) => return page,
    };
    let (input, checked) = answers::check(&survey.questionnaire, &fields);
    let valid = match checked {
        Ok(valid) => valid,
        Err(problems) => {
            return form_response(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                false,
                &survey,
                &input,
                &problems,
            )
        }
    };
    const WHAT: &str = "storing a response";
    let secret = state.settings.secret.clone();
    let daily_limit = state.settings.eid_daily_limit;
    // The survey comes back with the outcome: the sign-in page may need it again.
    let store = move |conn: &mut crate::db::DbConnection| {
        let proof = handle.as_deref().map(|handle| SignInProof {
            handle,
            daily_limit,
        });
        survey::submit(conn, &secret, &survey, &valid, proof.as_ref())
            .map(|outcome| (outcome, survey))
    };
    let stored = match &state.group_commit {
        Some(group) => db_call::grouped(group, WHAT, store).await,
        None => db_call::blocking(&state.pool, WHAT, store).await,
    };
    match stored {
        Ok((SubmitOutcome::Stored, _)) => {
            // The releaser looks at once whether a batch is now complete.
            state.release_wake.notify_one();
            message(StatusCode::OK, lang, t.thanks_title, t.thanks_body)
        }
        Ok((SubmitOutcome::AlreadyAnswered, _)) => message(
            StatusCode::CONFLICT,
            lang,
            t.answered_title,
            t.answered_body,
        ),
        Ok((SubmitOutcome::SignInNeeded, survey)) => {
            sign_in_response(StatusCode::FORBIDDEN, lang, &survey, &token)
        }
        Ok((SubmitOutcome::DailyLimitReached, _)) => message(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            t.eid_limit_title,
            t.eid_limit_body,
        ),
        Err(()) => unavailable(lang),
    }
}
