//! One log line per request. It names the matched route pattern (`/s/{token}`), never the
//! path itself, so that a survey token, an identity or a query string never reaches a log;
//! the same pattern labels the request metrics (`crate::telemetry::metrics`).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use rand::Rng;
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives every request a random id (echoed in `X-Request-Id`) and logs one line when it ends.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = format!("{:016x}", rand::rng().random::<u64>());
    let method = req.method().clone();
    let span = tracing::info_span!("request", id = %request_id, %method);
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let _entered = span.enter();
    match result {
        Ok(mut res) => {
            let route = res
                .request()
                .match_pattern()
                .unwrap_or_else(|| "<unmatched>".into());
            let elapsed = started.elapsed();
            tracing::info!(
                %route,
                status = res.status().as_u16(),
                ms = elapsed.as_millis() as u64,
                "served"
            );
            crate::telemetry::metrics::metrics().observe_request(
                &route,
                method.as_str(),
                res.status().as_u16(),
                elapsed.as_secs_f64(),
            );
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                res.headers_mut().insert(REQUEST_ID, value);
            }
            Ok(res)
        }
        Err(e) => {
            tracing::warn!(error = %e, "request failed");
            Err(e)
        }
    }
}
