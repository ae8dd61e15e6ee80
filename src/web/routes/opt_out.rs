//! `GET /s/{token}/stop`: what stopping messages means, with the button; `POST`: stops them
//! (`services::dossiers::opt_out`). Every invitation and reminder carries this link.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::services::dossiers::opt_out::{self, OptOut};
use crate::views::survey::stop_page;
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::language::language;
use crate::web::page::{message, switch_href};
use crate::web::state::AppState;
use crate::web::survey_gate::{form_page, posted_form};

pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (lang, _) = language(&req);
    let t = lang.t();
    let secret = state.settings.secret.clone();
    let token = token.into_inner();
    let known = db_call::blocking(&state.pool, move |conn| {
        opt_out::is_known(conn, &secret, &token)
    })
    .await?;
    if !known {
        return Ok(message(
            StatusCode::NOT_FOUND,
            lang,
            t.unknown_title,
            t.unknown_body,
        ));
    }
    form_page(&state, StatusCode::OK, |csrf| {
        stop_page(lang, csrf, &switch_href(lang, &[]))
    })
}

pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let lang = match posted_form(&state, &req, &form) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let t = lang.t();
    let secret = state.settings.secret.clone();
    let token = token.into_inner();
    let gate = state.write_gate.clone();
    let outcome = db_call::blocking(&state.pool, move |conn| {
        let _writing = gate.enter();
        opt_out::stop(conn, &secret, &token, crate::clock::now().naive_utc())
    })
    .await?;
    Ok(match outcome {
        OptOut::Stopped | OptOut::AlreadyStopped => {
            message(StatusCode::OK, lang, t.stopped_title, t.stopped_body)
        }
        OptOut::Unknown => message(StatusCode::NOT_FOUND, lang, t.unknown_title, t.unknown_body),
    })
}
