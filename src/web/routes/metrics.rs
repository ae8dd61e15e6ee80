//! `GET /metrics` on the metrics address: Prometheus' text format (see `crate::telemetry::metrics`).

use actix_web::{web, HttpResponse};

use crate::services::levels::database_levels;
use crate::services::store::DbPool;
use crate::telemetry::metrics::{metrics, Levels};
use crate::web::db_call;
use crate::web::error::AppError;

pub async fn metrics_page(pool: web::Data<DbPool>) -> Result<HttpResponse, AppError> {
    let state = pool.state();
    // A database that does not answer is a value to report (`database_up` 0), not an error
    // of this page: the scrape must go on working for the alert to fire.
    let database = db_call::blocking(&pool, database_levels).await.ok();
    let levels = Levels {
        pool_connections: state.connections,
        pool_idle: state.idle_connections,
        database,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics().render(levels)))
}
