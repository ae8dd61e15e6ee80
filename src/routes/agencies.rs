use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::db::agencies;
use crate::error::AppError;
use crate::startup::AppState;

/// The public agency tree, current and historical units, with their successors: integrators
/// need the codes, and none of it is personal or a score.
#[derive(Serialize)]
struct AgencyView {
    code: String,
    name_vi: String,
    name_en: String,
    level: String,
    kind: String,
    parent_code: Option<String>,
    valid_from: chrono::NaiveDate,
    valid_to: Option<chrono::NaiveDate>,
    successors: Vec<String>,
}

pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let (all, mut successors_of) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok((
            agencies::all(&mut conn)?,
            agencies::successors_by_predecessor(&mut conn)?,
        ))
    })
    .await??;
    let code_of: std::collections::HashMap<i32, &str> =
        all.iter().map(|a| (a.id, a.code.as_str())).collect();
    let views: Vec<AgencyView> = all
        .iter()
        .map(|a| AgencyView {
            code: a.code.clone(),
            name_vi: a.name_vi.clone(),
            name_en: a.name_en.clone(),
            level: a.level.clone(),
            kind: a.kind.clone(),
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
