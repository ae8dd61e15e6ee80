use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::services::store;
use crate::web::state::AppState;

/// 200 when the database answers, 503 when it does not; names the backend either way, and on
/// PostgreSQL the server it reached and whether that is the primary (after a failover, the
/// promoted standby).
pub async fn get(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.settings.database.backend_name();
    let pool = state.pool.clone();
    let answered = web::block(move || {
        let mut conn = pool.get_timeout(Duration::from_secs(2)).ok()?;
        store::server(&mut conn).ok()
    })
    .await
    .ok()
    .flatten();
    let mut body = json!({
        "status": if answered.is_some() { "ok" } else { "unavailable" },
        "backend": backend,
        "database": if answered.is_some() { "ok" } else { "unreachable" },
    });
    if let Some(Some(server)) = &answered {
        body["server"] = json!({
            "host": server.host,
            "port": server.port,
            "primary": server.is_primary,
        });
    }
    if answered.is_some() {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
