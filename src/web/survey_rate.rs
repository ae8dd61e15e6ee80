//! The survey rate limit shared by every instance on PostgreSQL: each request counts in the
//! database, per client and minute (fixed windows), so that two instances allow what one
//! would. On SQLite (one instance) the limit stays in memory (actix-governor, in `startup`).
//! The client is the address `domain::network` decides (the TCP peer, or what our own proxies
//! saw), stored only as a keyed hash.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::web;
use chrono::{DurationRound, TimeDelta, Utc};

use super::db_call;
use super::language::language;
use super::page::message;
use super::state::AppState;

const WINDOW: TimeDelta = TimeDelta::minutes(1);

pub async fn shared_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let limit = i32::try_from(state.settings.survey_rate_per_minute).unwrap_or(i32::MAX);
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
    let now = Utc::now().naive_utc();
    let window = now.duration_trunc(WINDOW).unwrap_or(now);
    let counted = db_call::blocking(&state.pool, move |conn| {
        crate::services::surveys::count_in_rate_window(conn, &key, window)
    })
    .await;
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
