//! `GET /metrics` on the metrics address: Prometheus' text format (see `crate::telemetry::metrics`).

use actix_web::{web, HttpResponse};

use crate::db::{held_responses, outbox, responses, DbPool};
use crate::telemetry::metrics::{metrics, Levels};
use crate::web::db_call;
use crate::web::error::AppError;

pub async fn metrics_page(pool: web::Data<DbPool>) -> Result<HttpResponse, AppError> {
    let state = pool.state();
    let levels = db_call::blocking(&pool, move |conn| -> Result<Levels, AppError> {
        Ok(Levels {
            pool_connections: state.connections,
            pool_idle: state.idle_connections,
            outbox_backlog: outbox::pending_count(conn)?,
            outbox_failing: outbox::failing_count(conn)?,
            responses_held: held_responses::count(conn)?,
            responses_released: responses::count(conn)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics().render(levels)))
}
