use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::services::store;
use crate::web::state::AppState;

/// 200 when the database answers, 503 when it does not; names the backend either way.
pub async fn get(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.settings.database.backend_name();
    let pool = state.pool.clone();
    let answered = web::block(move || {
        let mut conn = pool.get_timeout(Duration::from_secs(2)).ok()?;
        store::ping(&mut conn).ok()
    })
    .await
    .ok()
    .flatten()
    .is_some();
    let body = json!({
        "status": if answered { "ok" } else { "unavailable" },
        "backend": backend,
        "database": if answered { "ok" } else { "unreachable" },
    });
    if answered {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
