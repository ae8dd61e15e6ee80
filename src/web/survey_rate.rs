//! The survey rate limit shared by every instance on PostgreSQL: requests per client and
//! minute (fixed windows), counted in the database so that two instances allow what one
//! would (`services::survey_rate`: in memory while far below the limit). On SQLite (one
//! instance) the limit stays in memory (actix-governor, in `startup`).
//! The client is the address `domain::network` decides (the TCP peer, or what our own proxies
//! saw), stored only as a keyed hash.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::web;

use super::db_call;
use super::language::language;
use super::page::message;
use super::state::AppState;
use crate::services::survey_rate::{window_of, WINDOW};

pub async fn shared_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some((state, windows)) = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| Some((state.clone(), state.survey_rate.clone()?)))
    else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let limit = windows.limit();
    let client = super::client_address::client_of(
        &state.settings.trusted_proxies,
        req.peer_addr(),
        req.headers(),
    );
    let Some(client) = client else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let key = state
        .settings
        .secret
        .keyed_hash("survey-rate", client.to_string().as_bytes())
        .to_vec();
    let now = crate::clock::now().naive_utc();
    let window = window_of(now);
    let counted = if windows.count_in_memory(&key, window) {
        Ok(0)
    } else {
        db_call::blocking(&state.pool, move |conn| {
            windows.count_in_database(conn, &key, window)
        })
        .await
    };
    match counted {
        Ok(count) if count > limit => {
            let (lang, _) = language(req.request());
            let t = lang.t();
            let mut page = message(
                StatusCode::TOO_MANY_REQUESTS,
                lang,
                t.too_many_title,
                t.too_many_body,
            );
            let wait = (window + WINDOW - now).num_seconds().max(1);
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                page.headers_mut().insert(RETRY_AFTER, value);
            }
            Ok(req.into_response(page))
        }
        Ok(_) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body),
        // The limit is a guard, not a gate: if it cannot be counted the request goes on (it
        // will meet the same database and say so itself).
        Err(e) => {
            tracing::warn!(error = %e, "counting a survey request");
            next.call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body)
        }
    }
}
