//! `GET /dashboard/integrity?period=`: the province's integrity page.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::dashboard::quarter_asked;
use crate::domain::integrity::Flag;
use crate::services::reports::dashboards::MIN_CELL;
use crate::services::reports::integrity;
use crate::views::integrity::{integrity_page, IntegrityPage};
use crate::web::auth::staff::ProvinceStaff;
use crate::web::db_call;
use crate::web::error::AppError;

pub async fn page(
    staff: ProvinceStaff,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let lang = staff.lang;
    let (quarter, periods) = quarter_asked(&query);
    let rows = db_call::blocking(&staff.state.pool, move |conn| {
        integrity::of_quarter(conn, quarter)
    })
    .await?;
    let mut agencies: Vec<(String, u64, Vec<u64>)> = rows
        .into_iter()
        .map(|(id, row)| {
            let name = staff.agency_by_id(id).map_or_else(
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
        thresholds: staff.state.settings.integrity,
        min_cell: u64::from(MIN_CELL),
    };
    staff.page(StatusCode::OK, |frame| integrity_page(frame, &page))
}
