//! Behind a TLS-terminating proxy, a request the proxy says came over plain HTTP is sent to
//! the same address over HTTPS (308 keeps the method), so that a link typed as `http://` does
//! not carry a survey token or a session in the clear twice. Only our own proxies'
//! `X-Forwarded-Proto` is read (`HAILONG_TRUSTED_PROXIES`); without a proxy, or with a plain
//! `http://` public address, nothing changes.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::LOCATION;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

use super::state::AppState;

pub async fn upgrade(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Some(location) = upgraded_location(&req) {
        let response = HttpResponse::PermanentRedirect()
            .insert_header((LOCATION, location))
            .finish();
        return Ok(req.into_response(response));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

fn upgraded_location(req: &ServiceRequest) -> Option<String> {
    let state = req.app_data::<web::Data<AppState>>()?;
    if !state.settings.https() {
        return None;
    }
    let proto = req
        .headers()
        .get_all("x-forwarded-proto")
        .filter_map(|v| v.to_str().ok());
    let plain = state
        .settings
        .trusted_proxies
        .came_over_plain_http(req.peer_addr()?.ip(), proto)?;
    let target = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    plain.then(|| {
        format!(
            "{}{target}",
            state.settings.public_url.trim_end_matches('/')
        )
    })
}
