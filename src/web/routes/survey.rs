//! `GET /s/{token}`: the survey; `POST /s/{token}`: the answers, stored once.

use std::collections::BTreeMap;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::domain::agency::SurveyPolicy;
use crate::domain::answers::{self, AnswerProblem, FormInput};
use crate::domain::response_mode::ResponseMode;
use crate::services::integrity::Answering;
use crate::services::surveys::{self, OpenSurvey, SignInProof, Submission, SubmitOutcome};
use crate::views::i18n::Lang;
use crate::views::survey::{
    sign_in_page, survey_page, thanks_page, AgencyContact, SurveyForm, SurveyHeading,
};
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::language::{language, LANG_COOKIE};
use crate::web::page::{html, message, switch_href};
use crate::web::state::AppState;
use crate::web::survey_gate::{
    form_page, open_or_page, posted_form, signed_in_handle, take_field, Gate,
};

fn heading<'a>(lang: Lang, survey: &'a OpenSurvey) -> SurveyHeading<'a> {
    SurveyHeading {
        agency: lang.pick(&survey.agency_name_vi, &survey.agency_name_en),
        procedure: lang.pick(&survey.procedure_name_vi, &survey.procedure_name_en),
    }
}

/// For a `verified` survey, whether this browser may answer: `Ok(None)` for a link survey or a
/// signed-in browser (with its handle), the sign-in page (with `not_signed_in` as status)
/// otherwise.
async fn sign_in_of(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    survey: &OpenSurvey,
    token: &str,
    lang: Lang,
    not_signed_in: StatusCode,
) -> Result<SignIn, AppError> {
    if survey.policy != SurveyPolicy::Verified {
        return Ok(SignIn::NotNeeded);
    }
    Ok(
        match signed_in_handle(state, req, survey.invitation_id).await? {
            Some(handle) => SignIn::Done(handle),
            None => SignIn::Needed(sign_in_response(not_signed_in, lang, survey, token)),
        },
    )
}

enum SignIn {
    NotNeeded,
    /// The browser's handle, to present with the submission.
    Done(String),
    /// The sign-in page to show instead.
    Needed(HttpResponse),
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
        sign_in_page(lang, &heading(lang, survey), &href, &switch_href(lang, &[])),
    )
}

/// The survey behind a link, as the form shows it.
struct Shown<'a> {
    token: &'a str,
    survey: &'a OpenSurvey,
}

/// Renders the form with a fresh CSRF pair (and remembers the language if it was just chosen).
fn form_response(
    state: &AppState,
    shown: Shown<'_>,
    status: StatusCode,
    lang: Lang,
    remember_lang: bool,
    input: &FormInput,
    problems: &BTreeMap<String, AnswerProblem>,
) -> Result<HttpResponse, AppError> {
    let Shown { token, survey } = shown;
    let shown = crate::services::integrity::shown_token(
        &state.settings.secret,
        crate::clock::now(),
        &survey.spent_key,
    );
    // A fresh form's questions are the same for everyone asked the same items.
    let fresh =
        (input.values.is_empty() && input.comment.is_empty() && problems.is_empty()).then(|| {
            state
                .fresh_questions
                .rendered(lang, &survey.questionnaire, &survey.asked)
        });
    let mut response = form_page(state, status, |csrf_token| {
        survey_page(&SurveyForm {
            lang,
            heading: heading(lang, survey),
            questionnaire: &survey.questionnaire,
            asked: &survey.asked,
            csrf_token,
            switch_href: &switch_href(lang, &[]),
            stop_href: Some(&format!("/s/{token}/stop?lang={}", lang.code())),
            action: None,
            hidden: &[("shown", &shown)],
            input,
            problems,
            rendered_questions: fresh.as_deref(),
        })
    })?;
    if remember_lang {
        let lang_cookie = Cookie::build(LANG_COOKIE, lang.code())
            .path("/")
            .secure(state.settings.https())
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish();
        let _ = response.add_cookie(&lang_cookie);
    }
    Ok(response)
}

pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (lang, remember_lang) = language(&req);
    let token = token.into_inner();
    let survey = match open_or_page(&state, &token, lang, StatusCode::OK).await? {
        Gate::Open(survey) => survey,
        Gate::Closed(page) => return Ok(page),
    };
    if let SignIn::Needed(page) =
        sign_in_of(&state, &req, &survey, &token, lang, StatusCode::OK).await?
    {
        return Ok(page);
    }
    form_response(
        &state,
        Shown {
            token: &token,
            survey: &survey,
        },
        StatusCode::OK,
        lang,
        remember_lang,
        &FormInput::default(),
        &BTreeMap::new(),
    )
}

pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let mut fields = form.into_inner();
    let lang = match posted_form(&state, &req, &fields) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let t = lang.t();
    let how = Answering {
        mode: ResponseMode::Link,
        shown: take_field(&mut fields, "shown"),
        client: crate::web::client_address::client_of(
            &state.settings.trusted_proxies,
            req.peer_addr(),
            req.headers(),
        ),
        kiosk: None,
        thresholds: state.settings.integrity,
    };

    let token = token.into_inner();
    let survey = match open_or_page(&state, &token, lang, StatusCode::CONFLICT).await? {
        Gate::Open(survey) => survey,
        Gate::Closed(page) => return Ok(page),
    };
    let handle =
        match sign_in_of(&state, &req, &survey, &token, lang, StatusCode::FORBIDDEN).await? {
            SignIn::NotNeeded => None,
            SignIn::Done(handle) => Some(handle),
            SignIn::Needed(page) => return Ok(page),
        };
    let (input, checked) = answers::check_asked(&survey.questionnaire, &survey.asked, &fields);
    let valid = match checked {
        Ok(valid) => valid,
        Err(problems) => {
            return form_response(
                &state,
                Shown {
                    token: &token,
                    survey: &survey,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                false,
                &input,
                &problems,
            )
        }
    };
    // The thank-you or sign-in page may need the survey again after the outcome.
    let survey = std::sync::Arc::new(*survey);
    let outcome = match handle {
        // Written with the group's other link submissions, a few statements for all.
        None => {
            let submission = Submission {
                survey: survey.clone(),
                answers: valid,
                how,
            };
            db_call::together(&state.group_commit, submission).await?
        }
        // A verified survey presents its sign-in: written alone, in its own savepoint.
        Some(handle) => {
            let (secret, daily_limit) = (
                state.settings.secret.clone(),
                state.settings.eid_daily_limit,
            );
            let stored = survey.clone();
            let store = move |conn: &mut crate::services::store::DbConnection| {
                let proof = SignInProof {
                    handle: &handle,
                    daily_limit,
                };
                surveys::store(conn, &secret, &stored, &valid, Some(&proof), &how)
            };
            db_call::grouped(&state.group_commit, store).await?
        }
    };
    Ok(match outcome {
        SubmitOutcome::Stored => {
            // The releaser looks at once whether a batch is now complete.
            state.release_wake.notify_one();
            // A way to ask for help, kept apart from the answers: the grant names the agency
            // and nothing else (services::followups).
            let grant = crate::services::followups::new_grant(
                &state.settings.secret,
                survey.agency_id,
                crate::clock::now().naive_utc(),
            );
            let contact = survey.agency_contact.as_deref().map(|line| AgencyContact {
                agency: lang.pick(&survey.agency_name_vi, &survey.agency_name_en),
                line,
            });
            html(
                StatusCode::OK,
                thanks_page(
                    lang,
                    &switch_href(lang, &[]),
                    &format!("/help/{grant}?lang={}", lang.code()),
                    contact.as_ref(),
                ),
            )
        }
        SubmitOutcome::AlreadyAnswered => message(
            StatusCode::CONFLICT,
            lang,
            t.answered_title,
            t.answered_body,
        ),
        SubmitOutcome::SignInNeeded => {
            sign_in_response(StatusCode::FORBIDDEN, lang, &survey, &token)
        }
        SubmitOutcome::DailyLimitReached => message(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            t.eid_limit_title,
            t.eid_limit_body,
        ),
    })
}
