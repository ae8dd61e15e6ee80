//! `GET /s/{token}`: the survey; `POST /s/{token}`: the answers, stored once.

use std::collections::BTreeMap;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use maud::Markup;

use super::language::{language, LANG_COOKIE};
use crate::csrf_guard;
use crate::domain::answers::{self, AnswerProblem, FormInput};
use crate::startup::AppState;
use crate::survey::{self, OpenSurvey, TokenState};
use crate::views::i18n::Lang;
use crate::views::layout::message_page;
use crate::views::survey::{survey_page, SurveyForm, SurveyHeading};

fn switch_href(lang: Lang) -> String {
    format!("?lang={}", lang.other().code())
}

fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

fn message(status: StatusCode, lang: Lang, title: &str, body: &str) -> HttpResponse {
    html(status, message_page(lang, title, body, &switch_href(lang)))
}

fn unavailable(lang: Lang) -> HttpResponse {
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
    let pool = state.pool.clone();
    let secret = state.settings.secret.clone();
    web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| tracing::warn!(error = %e, "no database connection"))?;
        survey::open(&mut conn, &secret, &token)
            .map_err(|e| tracing::error!(error = %e, "opening a survey"))
    })
    .await
    .map_err(|_| ())?
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
        heading: SurveyHeading {
            agency: lang.pick(&survey.agency_name_vi, &survey.agency_name_en),
            procedure: lang.pick(&survey.procedure_name_vi, &survey.procedure_name_en),
        },
        questionnaire: &survey.questionnaire,
        csrf_token: &pair.token,
        switch_href: &switch_href(lang),
        input,
        problems,
    });
    let mut response = html(status, page);
    let csrf_cookie = Cookie::build(csrf_guard::COOKIE, pair.cookie)
        .path("/s/")
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
    let Ok(token_state) = load(&state, token.into_inner()).await else {
        return unavailable(lang);
    };
    if let Some(page) = closed_page(&token_state, lang, StatusCode::OK) {
        return page;
    }
    let TokenState::Open(survey) = token_state else {
        return unavailable(lang);
    };
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

    let csrf_ok = match (field("csrf"), req.cookie(csrf_guard::COOKIE)) {
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

    let Ok(token_state) = load(&state, token.into_inner()).await else {
        return unavailable(lang);
    };
    if let Some(page) = closed_page(&token_state, lang, StatusCode::CONFLICT) {
        return page;
    }
    let TokenState::Open(survey) = token_state else {
        return unavailable(lang);
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
    let pool = state.pool.clone();
    let stored = web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| tracing::warn!(error = %e, "no database connection"))?;
        survey::submit(&mut conn, &survey, &valid)
            .map_err(|e| tracing::error!(error = %e, "storing a response"))
    })
    .await;
    match stored {
        Ok(Ok(true)) => message(StatusCode::OK, lang, t.thanks_title, t.thanks_body),
        Ok(Ok(false)) => message(
            StatusCode::CONFLICT,
            lang,
            t.answered_title,
            t.answered_body,
        ),
        _ => unavailable(lang),
    }
}
