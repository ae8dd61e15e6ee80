//! The whole URL map, in one place.

use actix_web::web;

use crate::error::AppError;

mod agencies;
mod health;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::get))
        .route("/api/v1/agencies", web::get().to(agencies::list))
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
