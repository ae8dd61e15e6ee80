use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::domain::agency::{AgencyKind, AgencyLevel};

use crate::services::agencies;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// The public agency tree, current and historical units, with their successors: integrators
/// need the codes, and none of it is personal or a score.
#[derive(Serialize)]
struct AgencyView {
    code: String,
    name_vi: String,
    name_en: String,
    level: AgencyLevel,
    kind: AgencyKind,
    parent_code: Option<String>,
    valid_from: chrono::NaiveDate,
    valid_to: Option<chrono::NaiveDate>,
    successors: Vec<String>,
}

pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (all, mut successors_of) = crate::web::db_call::blocking(&state.pool, |conn| {
        Ok::<_, AppError>((
            agencies::all(conn)?,
            agencies::successors_by_predecessor(conn)?,
        ))
    })
    .await?;
    let code_of: std::collections::HashMap<i32, &str> =
        all.iter().map(|a| (a.id, a.code.as_str())).collect();
    let views: Vec<AgencyView> = all
        .iter()
        .map(|a| AgencyView {
            code: a.code.clone(),
            name_vi: a.name_vi.clone(),
            name_en: a.name_en.clone(),
            level: a.level,
            kind: a.kind,
            parent_code: a
                .parent_id
                .and_then(|p| code_of.get(&p))
                .map(|c| (*c).to_owned()),
            valid_from: a.valid_from,
            valid_to: a.valid_to,
            successors: successors_of.remove(&a.code).unwrap_or_default(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}
