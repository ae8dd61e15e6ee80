//! `GET /dashboard/integrity?period=`: the province's integrity page.

use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::dashboard::{frame, lang_and_switch, quarter_asked, signed_in, Visitor};
use crate::domain::integrity::Flag;
use crate::services::reports::dashboards::MIN_CELL;
use crate::services::reports::integrity;
use crate::views::integrity::{integrity_page, IntegrityPage};
use crate::web::auth::access::{authorize, Need, Scope};
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::page::with_csrf;
use crate::web::state::AppState;

pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (user, all) = match signed_in(&session, &state).await? {
        Visitor::Staff(user, all) => (user, all),
        Visitor::SignIn(page) => return Ok(page),
    };
    authorize(&user, Need::Province, &Scope::of(&user, &all))?;
    let (lang, switch) = lang_and_switch(&req, &query);
    let (quarter, periods) = quarter_asked(&query);
    let rows = db_call::blocking(&state.pool, move |conn| {
        integrity::of_quarter(conn, quarter)
    })
    .await?;
    let mut agencies: Vec<(String, u64, Vec<u64>)> = rows
        .into_iter()
        .map(|(id, row)| {
            let name = all.iter().find(|a| a.id == id).map_or_else(
                || id.to_string(),
                |a| lang.pick(&a.name_vi, &a.name_en).to_owned(),
            );
            let flagged = Flag::ALL
                .iter()
                .map(|f| row.flagged.get(f).copied().unwrap_or(0))
                .collect();
            (name, row.responses, flagged)
        })
        .collect();
    // The most flagged first: that is where to look.
    agencies.sort_by(|a, b| {
        let share =
            |r: &(String, u64, Vec<u64>)| r.2.iter().sum::<u64>() as f64 / r.1.max(1) as f64;
        share(b).total_cmp(&share(a)).then(a.0.cmp(&b.0))
    });
    let period = quarter.to_string();
    let page = IntegrityPage {
        period: &period,
        periods: &periods,
        agencies,
        thresholds: state.settings.integrity,
        min_cell: u64::from(MIN_CELL),
    };
    with_csrf(&state, &session, StatusCode::OK, |csrf| {
        integrity_page(&frame(lang, &user, csrf, &switch), &page)
    })
}
