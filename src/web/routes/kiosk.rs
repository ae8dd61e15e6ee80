//! The counter's kiosk: `/kiosk/enrol/{credential}` makes a tablet an agency's kiosk (a cookie
//! holding the credential); `/kiosk` is its keypad for the receipt's survey code;
//! `/kiosk/survey?t=…` the survey the code opened (the ticket: sealed, bound to the kiosk, 20
//! minutes), answered once whichever way the citizen chooses. The language is the citizen's
//! choice on the page, never the device's, and every citizen starts in Vietnamese.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::domain::answers::{self, AnswerProblem, FormInput};
use crate::domain::language::Lang;
use crate::domain::response_mode::ResponseMode;
use crate::domain::survey_code::CodeProblem;
use crate::services::integrity::Answering;
use crate::services::kiosks::{self, Kiosk, Typed};
use crate::services::surveys::{self, OpenSurvey, SubmitOutcome, TokenState};
use crate::views::kiosk::{
    enrol_page, keypad_page, kiosk_message_page, thanks_page, Keypad, KeypadNotice,
};
use crate::views::survey::{kiosk_survey_page, AgencyContact, SurveyForm, SurveyHeading};
use crate::web::csrf::cookie_name;
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::page::html;
use crate::web::state::AppState;
use crate::web::survey_gate::{form_page, posted_form, take_field};

const COOKIE: &str = "hailong_kiosk";
/// Seconds the thank-you page stays before the kiosk is ready for the next citizen.
pub const BACK_TO_KEYPAD_SECONDS: u32 = 30;
/// How long a kiosk's survey form stays on screen unsent before it goes back to the keypad.
pub const IDLE_SURVEY_SECONDS: u32 = 240;
/// The device keeps its credential this long (renewed at every keypad page).
const COOKIE_DAYS: i64 = 400;

type Query = web::Query<BTreeMap<String, String>>;

fn lang_of(query: &BTreeMap<String, String>) -> Lang {
    query
        .get("lang")
        .and_then(|l| Lang::parse(l))
        .unwrap_or(Lang::VI)
}

fn keypad_href(lang: Lang) -> String {
    format!("/kiosk?lang={}", lang.code())
}

/// The kiosk this device was enrolled as, if it still is.
async fn kiosk_of(
    state: &web::Data<AppState>,
    req: &HttpRequest,
) -> Result<Option<Kiosk>, AppError> {
    let Some(credential) = req
        .cookie(&cookie_name(COOKIE, state.settings.https()))
        .map(|c| c.value().to_owned())
    else {
        return Ok(None);
    };
    holder_of(state, credential).await
}

/// The active kiosk whose credential this is.
async fn holder_of(
    state: &web::Data<AppState>,
    credential: String,
) -> Result<Option<Kiosk>, AppError> {
    let secret = state.settings.secret.clone();
    db_call::blocking(&state.pool, move |conn| {
        kiosks::authenticate(conn, &secret, &credential)
    })
    .await
}

/// What a device that is not (or no longer) a kiosk is told.
fn not_enrolled(lang: Lang) -> HttpResponse {
    html(
        StatusCode::FORBIDDEN,
        kiosk_message_page(
            lang,
            &lang.text("kiosk-not-enrolled-title"),
            &lang.text("kiosk-not-enrolled-body"),
            None,
            &format!("?lang={}", lang.other().code()),
        ),
    )
}

async fn agency_name(
    state: &web::Data<AppState>,
    lang: Lang,
    agency_id: i32,
) -> Result<String, AppError> {
    let agency = db_call::blocking(&state.pool, move |conn| {
        crate::services::agencies::by_id(conn, agency_id)
    })
    .await?;
    Ok(lang.pick(&agency.name_vi, &agency.name_en).to_owned())
}

/// The keypad, with why the last code was not taken if it was not.
async fn keypad(
    state: &web::Data<AppState>,
    kiosk: &Kiosk,
    lang: Lang,
    status: StatusCode,
    notice: Option<KeypadNotice>,
) -> Result<HttpResponse, AppError> {
    let agency = agency_name(state, lang, kiosk.agency_id).await?;
    let switch = format!("?lang={}", lang.other().code());
    form_page(state, status, |csrf_token| {
        keypad_page(&Keypad {
            lang,
            agency: &agency,
            csrf_token,
            switch_href: &switch,
            notice,
        })
    })
}

/// `GET /kiosk`
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&query);
    match kiosk_of(&state, &req).await? {
        Some(kiosk) => keypad(&state, &kiosk, lang, StatusCode::OK, None).await,
        None => Ok(not_enrolled(lang)),
    }
}

/// `POST /kiosk`: a typed code; on to its survey, or back to the keypad saying why not.
pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let mut fields = form.into_inner();
    let lang = match posted_form(&state, &req, &fields) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let Some(kiosk) = kiosk_of(&state, &req).await? else {
        return Ok(not_enrolled(lang));
    };
    let typed = take_field(&mut fields, "code").unwrap_or_default();
    let (secret, questionnaires, opening) = (
        state.settings.secret.clone(),
        state.questionnaires.clone(),
        kiosk.clone(),
    );
    let typed = db_call::blocking(&state.pool, move |conn| {
        kiosks::open_by_code(
            conn,
            &secret,
            &questionnaires,
            &opening,
            &typed,
            crate::clock::now().naive_utc(),
        )
    })
    .await?;
    let t = lang.t();
    let (status, title, body) = match typed {
        Typed::Open(_, ticket) => {
            let to = format!("/kiosk/survey?t={ticket}&lang={}", lang.code());
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish());
        }
        Typed::Malformed(problem) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.text("kiosk-code-wrong-title"),
            lang.text(match problem {
                CodeProblem::Length => "kiosk-code-length",
                CodeProblem::NotDigits => "kiosk-code-digits",
                CodeProblem::Check => "kiosk-code-check",
            }),
        ),
        Typed::Unknown => (
            StatusCode::NOT_FOUND,
            lang.text("kiosk-code-unknown-title"),
            lang.text("kiosk-code-unknown-body"),
        ),
        Typed::Answered => (
            StatusCode::CONFLICT,
            t.answered_title.to_owned(),
            t.answered_body.to_owned(),
        ),
        Typed::Expired => (
            StatusCode::GONE,
            t.expired_title.to_owned(),
            lang.text("kiosk-code-expired-body"),
        ),
        Typed::NeedsSignIn => (
            StatusCode::FORBIDDEN,
            t.eid_title.to_owned(),
            lang.text("kiosk-code-needs-eid"),
        ),
        Typed::Paused { until } => {
            let minutes = (until - crate::clock::now().naive_utc())
                .num_minutes()
                .max(0)
                + 1;
            (
                StatusCode::TOO_MANY_REQUESTS,
                lang.text("kiosk-paused-title"),
                lang.text_with("kiosk-paused-body", &[("minutes", minutes.into())]),
            )
        }
    };
    keypad(
        &state,
        &kiosk,
        lang,
        status,
        Some(KeypadNotice { title, body }),
    )
    .await
}

/// The survey behind the ticket, or the page to show instead.
async fn ticket_survey(
    state: &web::Data<AppState>,
    kiosk: &Kiosk,
    ticket: &str,
    lang: Lang,
) -> Result<Result<Box<OpenSurvey>, Box<HttpResponse>>, AppError> {
    let (secret, questionnaires, opening, ticket) = (
        state.settings.secret.clone(),
        state.questionnaires.clone(),
        kiosk.clone(),
        ticket.to_owned(),
    );
    let reopened = db_call::blocking(&state.pool, move |conn| {
        kiosks::reopen(
            conn,
            &secret,
            &questionnaires,
            &opening,
            &ticket,
            crate::clock::now().naive_utc(),
        )
    })
    .await?;
    let t = lang.t();
    let back = keypad_href(lang);
    let switch = format!("?lang={}", lang.other().code());
    let say = |status, title: &str, body: &str| {
        Err(Box::new(html(
            status,
            kiosk_message_page(lang, title, body, Some(&back), &switch),
        )))
    };
    Ok(match reopened {
        Some(TokenState::Open(survey)) => Ok(survey),
        Some(TokenState::Answered) => say(StatusCode::CONFLICT, t.answered_title, t.answered_body),
        Some(TokenState::Expired) => say(StatusCode::GONE, t.expired_title, t.expired_body),
        Some(TokenState::Unknown) | None => say(
            StatusCode::CONFLICT,
            &lang.text("kiosk-timeout-title"),
            &lang.text("kiosk-timeout-body"),
        ),
    })
}

struct ShownAtKiosk<'a> {
    ticket: &'a str,
    survey: &'a OpenSurvey,
    lang: Lang,
}

fn survey_form(
    state: &AppState,
    shown: ShownAtKiosk<'_>,
    status: StatusCode,
    input: &FormInput,
    problems: &BTreeMap<String, AnswerProblem>,
) -> Result<HttpResponse, AppError> {
    let ShownAtKiosk {
        ticket,
        survey,
        lang,
    } = shown;
    let switch = format!(
        "?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("t", ticket)
            .append_pair("lang", lang.other().code())
            .finish()
    );
    let shown = crate::services::integrity::shown_token(
        &state.settings.secret,
        crate::clock::now(),
        &survey.spent_key,
    );
    let mut page = form_page(state, status, |csrf_token| {
        kiosk_survey_page(
            &SurveyForm {
                lang,
                heading: SurveyHeading {
                    agency: lang.pick(&survey.agency_name_vi, &survey.agency_name_en),
                    procedure: lang.pick(&survey.procedure_name_vi, &survey.procedure_name_en),
                },
                questionnaire: &survey.questionnaire,
                asked: &survey.asked,
                csrf_token,
                switch_href: &switch,
                stop_href: None,
                action: Some("/kiosk/survey"),
                hidden: &[("t", ticket), ("shown", &shown)],
                input,
                problems,
                rendered_questions: None,
            },
            IDLE_SURVEY_SECONDS / 60,
        )
    })?;
    // A survey left half-answered at the counter must not wait for the next citizen: after a
    // few idle minutes (four times what ten questions take) the tablet goes back to an empty
    // keypad by itself, without script; the page says so.
    back_by_itself(&mut page, IDLE_SURVEY_SECONDS, &keypad_href(lang));
    Ok(page)
}

/// Sends the page back to `to` after `seconds` (a `Refresh` header: no script, nothing the
/// page must hold).
fn back_by_itself(page: &mut HttpResponse, seconds: u32, to: &str) {
    if let Ok(value) = header::HeaderValue::from_str(&format!("{seconds};url={to}")) {
        page.headers_mut()
            .insert(header::HeaderName::from_static("refresh"), value);
    }
}

/// `GET /kiosk/survey?t=…`: the survey a code opened.
pub async fn survey(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&query);
    let Some(kiosk) = kiosk_of(&state, &req).await? else {
        return Ok(not_enrolled(lang));
    };
    let ticket = query.get("t").cloned().unwrap_or_default();
    let survey = match ticket_survey(&state, &kiosk, &ticket, lang).await? {
        Ok(survey) => survey,
        Err(page) => return Ok(*page),
    };
    survey_form(
        &state,
        ShownAtKiosk {
            ticket: &ticket,
            survey: &survey,
            lang,
        },
        StatusCode::OK,
        &FormInput::default(),
        &BTreeMap::new(),
    )
}

/// `POST /kiosk/survey`: the answers, stored once, as the kiosk's.
pub async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let mut fields = form.into_inner();
    let lang = match posted_form(&state, &req, &fields) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let Some(kiosk) = kiosk_of(&state, &req).await? else {
        return Ok(not_enrolled(lang));
    };
    let ticket = take_field(&mut fields, "t").unwrap_or_default();
    let shown = take_field(&mut fields, "shown");
    let survey = match ticket_survey(&state, &kiosk, &ticket, lang).await? {
        Ok(survey) => survey,
        Err(page) => return Ok(*page),
    };
    let (input, checked) = answers::check_asked(&survey.questionnaire, &survey.asked, &fields);
    let valid = match checked {
        Ok(valid) => valid,
        Err(problems) => {
            return survey_form(
                &state,
                ShownAtKiosk {
                    ticket: &ticket,
                    survey: &survey,
                    lang,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
                &input,
                &problems,
            )
        }
    };
    let secret = state.settings.secret.clone();
    let how = Answering {
        mode: ResponseMode::Kiosk,
        shown,
        client: None,
        kiosk: Some((kiosk.id, kiosk.agency_id)),
        thresholds: state.settings.integrity,
    };
    let contact = survey.agency_contact.clone().map(|line| {
        let agency = lang.pick(&survey.agency_name_vi, &survey.agency_name_en);
        (agency.to_owned(), line)
    });
    let store = move |conn: &mut crate::services::store::DbConnection| {
        surveys::store(conn, &secret, &survey, &valid, None, &how)
    };
    Ok(match db_call::grouped(&state.group_commit, store).await? {
        SubmitOutcome::Stored => {
            state.release_wake.notify_one();
            thanked(lang, contact.as_ref())
        }
        // A kiosk never opens a verified survey (it says so at the keypad), so only a race
        // with the link or another kiosk lands here.
        SubmitOutcome::AlreadyAnswered
        | SubmitOutcome::SignInNeeded
        | SubmitOutcome::DailyLimitReached => answered_meanwhile(lang),
    })
}

/// The thanks after an answer at the counter, with the agency's contact (name, line) if any.
fn thanked(lang: Lang, contact: Option<&(String, String)>) -> HttpResponse {
    let back = keypad_href(lang);
    let switch = format!("?lang={}", lang.other().code());
    let contact = contact.map(|(agency, line)| AgencyContact { agency, line });
    let mut page = html(
        StatusCode::OK,
        thanks_page(
            lang,
            &back,
            BACK_TO_KEYPAD_SECONDS,
            &switch,
            contact.as_ref(),
        ),
    );
    // A shared device must be ready for the next citizen, and must not leave the last one's
    // turn on screen: the page goes back to the keypad by itself, without script. This time
    // limit is essential to a public kiosk (WCAG 2.2.1's exception), and the page holds nothing
    // to read but thanks.
    back_by_itself(&mut page, BACK_TO_KEYPAD_SECONDS, &back);
    page
}

/// The survey was answered by link or at another kiosk while this one was being filled in.
fn answered_meanwhile(lang: Lang) -> HttpResponse {
    let t = lang.t();
    let switch = format!("?lang={}", lang.other().code());
    html(
        StatusCode::CONFLICT,
        kiosk_message_page(
            lang,
            t.answered_title,
            t.answered_body,
            Some(&keypad_href(lang)),
            &switch,
        ),
    )
}

/// `GET /kiosk/enrol/{credential}`: what opening the link will do, and the button.
pub async fn enrol_form(
    state: web::Data<AppState>,
    credential: web::Path<String>,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&query);
    let Some(kiosk) = holder_of(&state, credential.into_inner()).await? else {
        return Ok(not_enrolled(lang));
    };
    let agency = agency_name(&state, lang, kiosk.agency_id).await?;
    let switch = format!("?lang={}", lang.other().code());
    form_page(&state, StatusCode::OK, |csrf_token| {
        enrol_page(lang, &kiosk.name, &agency, csrf_token, &switch)
    })
}

/// `POST /kiosk/enrol/{credential}`: the device keeps the credential, and shows the keypad.
pub async fn enrol(
    req: HttpRequest,
    state: web::Data<AppState>,
    credential: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let lang = match posted_form(&state, &req, &fields) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let credential = credential.into_inner();
    if holder_of(&state, credential.clone()).await?.is_none() {
        return Ok(not_enrolled(lang));
    }
    let https = state.settings.https();
    let cookie = actix_web::cookie::Cookie::build(cookie_name(COOKIE, https), credential)
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(actix_web::cookie::SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::days(COOKIE_DAYS))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, keypad_href(lang)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie)
        .finish())
}
