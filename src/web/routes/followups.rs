//! Follow-up requests: `/help/{grant}` (the citizen's form, from the thank-you page),
//! `/help/answer/{token}` (the agency's answer and the rating of its handling), and
//! `/dashboard/followups` (the agency handles them, the province reads them).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::domain::agency::Role;
use crate::domain::followup::Status;
use crate::services::followups::{self, Filed, Handling, Request};
use crate::views::followups::{
    answer_page, request_page, requests_page, AnswerPage, RequestForm, RequestLine, RequestsPage,
};
use crate::views::i18n::Lang;
use crate::web::auth::access::{authorize, Need};
use crate::web::auth::staff::Staff;
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::language::language;
use crate::web::page::{html, message, notify, see_other, switch_href, take_notice};
use crate::web::state::AppState;
use crate::web::survey_gate::{form_page, posted_form};

type Fields = web::Form<Vec<(String, String)>>;

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, v)| k == name && !v.is_empty())
        .map_or("", |(_, v)| v.as_str())
}

fn now() -> chrono::NaiveDateTime {
    crate::clock::now().naive_utc()
}

async fn agency_named(state: &AppState, id: i32, lang: Lang) -> Result<String, AppError> {
    let agency = db_call::blocking(&state.pool, move |conn| {
        crate::services::agencies::by_id(conn, id)
    })
    .await?;
    Ok(lang.pick(&agency.name_vi, &agency.name_en).to_owned())
}

fn grant_gone(lang: Lang) -> HttpResponse {
    message(
        StatusCode::GONE,
        lang,
        &lang.text("help-link-gone-title"),
        &lang.text("help-link-gone-body"),
    )
}

/// Renders the request form with a fresh CSRF pair.
fn request_response(
    state: &AppState,
    status: StatusCode,
    lang: Lang,
    grant: &str,
    agency: &str,
    input: &Request,
    problems: &[followups::RequestProblem],
) -> Result<HttpResponse, AppError> {
    let action = format!("/help/{grant}");
    form_page(state, status, |csrf_token| {
        request_page(&RequestForm {
            lang,
            agency,
            action: &action,
            csrf_token,
            switch_href: &switch_href(lang, &[]),
            due_days: state.settings.followup_due_days,
            input,
            problems,
        })
    })
}

/// `GET /help/{grant}`
pub async fn request_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    grant: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (lang, _) = language(&req);
    let Some(agency_id) = followups::grant_agency(&state.settings.secret, &grant, now()) else {
        return Ok(grant_gone(lang));
    };
    let agency = agency_named(&state, agency_id, lang).await?;
    request_response(
        &state,
        StatusCode::OK,
        lang,
        &grant,
        &agency,
        &Request::default(),
        &[],
    )
}

/// `POST /help/{grant}`
pub async fn file_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    grant: web::Path<String>,
    form: Fields,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let lang = match posted_form(&state, &req, &fields) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let request = Request {
        problem: field(&fields, "problem").to_owned(),
        phone: field(&fields, "phone").to_owned(),
        email: field(&fields, "email").to_owned(),
        consent: field(&fields, "consent") == "yes",
    };
    let secret = state.settings.secret.clone();
    let (grant2, request2) = (grant.clone(), request.clone());
    let filed = db_call::blocking(&state.pool, move |conn| {
        followups::file(conn, &secret, &grant2, &request2, lang, now())
    })
    .await?;
    match filed {
        Filed::Stored => {
            // Released with the next batch of responses.
            state.release_wake.notify_one();
            Ok(message(
                StatusCode::OK,
                lang,
                &lang.text("help-received-title"),
                &lang.text("help-received-body"),
            ))
        }
        Filed::GrantInvalid => Ok(grant_gone(lang)),
        Filed::AlreadyFiled => Ok(message(
            StatusCode::CONFLICT,
            lang,
            &lang.text("help-sent-title"),
            &lang.text("help-sent-body"),
        )),
        Filed::Refused {
            agency_id,
            problems,
        } => {
            let agency = agency_named(&state, agency_id, lang).await?;
            request_response(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                &grant,
                &agency,
                &request,
                &problems,
            )
        }
    }
}

/// The answered request behind an answer link, or the page to show instead.
async fn answered(
    state: &AppState,
    token: &str,
    lang: Lang,
) -> Result<Result<followups::Opened, HttpResponse>, AppError> {
    let secret = state.settings.secret.clone();
    let token = token.to_owned();
    let row = db_call::blocking(&state.pool, move |conn| {
        followups::by_answer_token(conn, &secret, &token)
    })
    .await?;
    Ok(match row {
        Some(row) => Ok(followups::open(&state.settings.secret, row)),
        None => Err(message(
            StatusCode::NOT_FOUND,
            lang,
            &lang.text("help-answer-missing-title"),
            &lang.text("help-answer-missing-body"),
        )),
    })
}

fn answer_response(
    state: &AppState,
    status: StatusCode,
    lang: Lang,
    token: &str,
    agency: &str,
    opened: &followups::Opened,
    invalid: bool,
) -> Result<HttpResponse, AppError> {
    let action = format!("/help/answer/{token}");
    let page = |csrf_token: &str| {
        answer_page(&AnswerPage {
            lang,
            agency,
            problem: &opened.problem,
            answer: opened.row.answer.as_deref().unwrap_or_default(),
            rating: opened.row.rating,
            action: &action,
            csrf_token,
            switch_href: &switch_href(lang, &[]),
            invalid,
        })
    };
    // A CSRF pair only when the form is shown: a rated answer has none.
    match opened.row.rating {
        None => form_page(state, status, page),
        Some(_) => Ok(html(status, page(""))),
    }
}

/// `GET /help/answer/{token}`
pub async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (lang, _) = language(&req);
    let opened = match answered(&state, &token, lang).await? {
        Ok(opened) => opened,
        Err(page) => return Ok(page),
    };
    let agency = agency_named(&state, opened.row.agency_id, lang).await?;
    answer_response(
        &state,
        StatusCode::OK,
        lang,
        &token,
        &agency,
        &opened,
        false,
    )
}

/// `POST /help/answer/{token}`: the rating of the handling, once.
pub async fn rate(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: Fields,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let lang = match posted_form(&state, &req, &fields) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let mut opened = match answered(&state, &token, lang).await? {
        Ok(opened) => opened,
        Err(page) => return Ok(page),
    };
    let agency = agency_named(&state, opened.row.agency_id, lang).await?;
    let Some(rating) = field(&fields, "rating")
        .parse::<i32>()
        .ok()
        .filter(|r| (1..=5).contains(r))
    else {
        return answer_response(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &token,
            &agency,
            &opened,
            true,
        );
    };
    let id = opened.row.id;
    let rated = db_call::blocking(&state.pool, move |conn| {
        followups::rate(conn, id, rating, now())
    })
    .await?;
    if !rated {
        return Ok(message(
            StatusCode::CONFLICT,
            lang,
            &lang.text("help-already-rated-title"),
            &lang.text("help-already-rated-body"),
        ));
    }
    opened.row.rating = Some(rating);
    answer_response(
        &state,
        StatusCode::OK,
        lang,
        &token,
        &agency,
        &opened,
        false,
    )
}

/// `GET /dashboard/followups`: an agency's requests (its own and below), or every agency's for
/// the province.
pub async fn list(staff: Staff) -> Result<HttpResponse, AppError> {
    let ids: Vec<i32> = staff
        .agencies
        .iter()
        .filter(|a| staff.scope.includes(a.id))
        .map(|a| a.id)
        .collect();
    let state = &staff.state;
    let rows =
        db_call::blocking(&state.pool, move |conn| followups::released_of(conn, &ids)).await?;
    let agency_staff = staff.user.role == Role::Agency;
    let today = crate::domain::period::today();
    let lines = rows
        .into_iter()
        .map(|row| {
            let opened = followups::open(&state.settings.secret, row);
            request_line(&staff, opened, agency_staff, today)
        })
        .collect();
    let notice = take_notice(&staff.session);
    staff.page(StatusCode::OK, |frame| {
        requests_page(
            frame,
            &RequestsPage {
                lines,
                can_handle: agency_staff,
                notice,
                csrf: frame.csrf,
            },
        )
    })
}

/// A request as its row in the list: what staff may read of it, in their language.
fn request_line(
    staff: &Staff,
    opened: followups::Opened,
    agency_staff: bool,
    today: chrono::NaiveDate,
) -> RequestLine {
    let lang = staff.lang;
    let r = &opened.row;
    let status = Status::parse(&r.status).unwrap_or(Status::Received);
    let delivery =
        r.answer.as_ref().map(
            |_| match (&r.reply_sent_at, &r.reply_error, &opened.contact) {
                (Some(at), _, _) => format!(
                    "{}{}",
                    lang.staff_text("staff-followups-sent-to-the-citizen"),
                    at.format("%Y-%m-%d %H:%M UTC")
                ),
                (None, Some(error), _) => format!(
                    "{}{error}",
                    lang.staff_text("staff-followups-not-delivered-yet-will-retry")
                ),
                (None, None, None) => lang
                    .staff_text("staff-followups-no-contact-is-kept-any-more")
                    .to_owned(),
                (None, None, Some(_)) => lang.staff_text("staff-followups-being-sent").to_owned(),
            },
        );
    RequestLine {
        id: r.id,
        agency: staff
            .agency_by_id(r.agency_id)
            .map_or_else(String::new, |a| {
                lang.pick(&a.name_vi, &a.name_en).to_owned()
            }),
        received_on: r
            .released_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        due_on: r.due_on.map(|d| d.to_string()).unwrap_or_default(),
        overdue: status != Status::Answered && r.due_on.is_some_and(|d| d < today),
        status,
        problem: opened.problem.clone(),
        // Only the agency that answers reads how to reach the citizen.
        contact: opened.contact.as_ref().filter(|_| agency_staff).map(|c| {
            [c.phone.as_deref(), c.email.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
        }),
        answer: r.answer.clone(),
        delivery,
        rating: r.rating,
    }
}

/// `POST /dashboard/followups/{id}`: agency staff start handling a request or answer it.
pub async fn handle(staff: Staff, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    if staff.user.role != Role::Agency {
        return Err(AppError::NotFound);
    }
    let (id, lang, state, session) = (id.into_inner(), staff.lang, &staff.state, &staff.session);
    let row = db_call::blocking(&state.pool, move |conn| followups::released_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(&staff.user, Need::Agency(row.agency_id), &staff.scope)?;
    match Handling::parse(staff.field("action")).map_err(AppError::Refused)? {
        Handling::Start => {
            let actor = staff.actor();
            db_call::blocking(&state.pool, move |conn| followups::start(conn, id, &actor)).await?;
            notify(
                session,
                lang.staff_text("staff-followups-marked-in-progress"),
            );
        }
        Handling::Answer => {
            let (secret, text, user_id) = (
                state.settings.secret.clone(),
                staff.field("answer").to_owned(),
                staff.user.id,
            );
            db_call::blocking(&state.pool, move |conn| {
                followups::answer(conn, &secret, id, &text, user_id, now())
            })
            .await?;
            notify(
                session,
                lang.staff_text("staff-followups-answer-saved-it-is-being-sent"),
            );
        }
    }
    Ok(see_other("/dashboard/followups"))
}
