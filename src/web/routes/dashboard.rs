//! Dashboards for staff. Every handler comes in through a staff door (`web::auth::staff`:
//! signed in, allowed to see what it reads), asks one service for the page's data
//! (`services::reports::pages`, one read snapshot) and renders it.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::domain::dashboard::Held;
use crate::domain::period::Quarter;
use crate::services::reports::dashboards::MIN_CELL;
use crate::services::reports::delivery;
use crate::services::reports::pages::{self, AgencyAsked, ProvinceAsked, Sources};
use crate::views::dashboard::{agency_page, province_page};
use crate::views::delivery::{delivery_page, DeliveryPage};
use crate::web::auth::staff::{AgencyStaff, ProvinceStaff, Staff};
use crate::web::db_call;
use crate::web::error::AppError;

type Query = web::Query<BTreeMap<String, String>>;

/// Runs `assemble` on a blocking thread with the sources of `staff`'s pages.
async fn assemble<T: Send + 'static>(
    staff: &Staff,
    assemble: impl FnOnce(
            &mut crate::services::store::DbConnection,
            &Sources<'_>,
        ) -> Result<T, pages::PageError>
        + Send
        + 'static,
) -> Result<T, AppError> {
    let state = staff.state.clone();
    let (agencies, lang) = (staff.agencies.clone(), staff.lang);
    db_call::blocking(&staff.state.pool, move |conn| {
        let sources = Sources {
            dashboards: &state.dashboards,
            questionnaires: &state.questionnaires,
            agencies: &agencies,
            lang,
            held: Held {
                k: state.settings.anonymity_k,
                batch: state.settings.release_batch,
            },
        };
        assemble(conn, &sources)
    })
    .await
}

/// `GET /dashboard/agency/{code}`: an agency's own page.
pub async fn agency(staff: AgencyStaff, query: Query) -> Result<HttpResponse, AppError> {
    let asked = AgencyAsked {
        period: query.get("period").cloned(),
        year_view: query.get("kind").is_some_and(|k| k == "year"),
        mode: mode_asked(&query),
    };
    let agency = staff.agency.clone();
    let page = assemble(&staff.staff, move |conn, sources| {
        pages::agency(conn, sources, &agency, &asked)
    })
    .await?;
    staff.page(StatusCode::OK, |frame| agency_page(frame, &page))
}

/// `GET /dashboard/province`: every agency of a level, ranked, with the province's numbers.
pub async fn province(staff: ProvinceStaff, query: Query) -> Result<HttpResponse, AppError> {
    let asked = ProvinceAsked {
        period: query.get("period").cloned(),
        field: query.get("field").cloned(),
        mode: mode_asked(&query),
        level: query.get("level").cloned(),
        by_position: query.get("sort").is_some_and(|s| s == "position"),
    };
    let page = assemble(&staff, move |conn, sources| {
        pages::province(conn, sources, &asked)
    })
    .await?;
    staff.page(StatusCode::OK, |frame| province_page(frame, &page))
}

/// The way of answering a dashboard is narrowed to (`?mode=kiosk`), if any.
fn mode_asked(query: &Query) -> Option<crate::domain::response_mode::ResponseMode> {
    query.get("mode").and_then(|m| m.parse().ok())
}

/// The quarter a report page asks for (this one unless another of the last eight is chosen),
/// and the quarters it offers.
pub(super) fn quarter_asked(query: &Query) -> (Quarter, Vec<String>) {
    let now = Quarter::of_instant(crate::clock::now());
    let quarter = delivery::quarter_asked(query.get("period").map(String::as_str), now);
    let periods = delivery::recent_quarters(now)
        .iter()
        .map(ToString::to_string)
        .collect();
    (quarter, periods)
}

/// `GET /dashboard/delivery`: the province's delivery report for a quarter.
pub async fn delivery(staff: ProvinceStaff, query: Query) -> Result<HttpResponse, AppError> {
    let (state, all, lang) = (&staff.state, &staff.agencies, staff.lang);
    let (quarter, periods) = quarter_asked(&query);
    let k = state.settings.anonymity_k;
    let report = db_call::blocking(&state.pool, move |conn| {
        delivery::of_quarter(conn, quarter, k)
    })
    .await?;
    let name_of = |id: i32| {
        all.iter().find(|a| a.id == id).map_or_else(
            || id.to_string(),
            |a| lang.pick(&a.name_vi, &a.name_en).to_owned(),
        )
    };
    let period = quarter.to_string();
    let page = DeliveryPage {
        period: &period,
        periods: &periods,
        weeks: report
            .weeks
            .into_iter()
            .map(|w| (name_of(w.agency_id), w))
            .collect(),
        agencies: report
            .by_agency
            .into_iter()
            .map(|(id, a)| (name_of(id), a))
            .collect(),
        channels: report.by_channel.into_iter().collect(),
        modes: report.by_mode.into_iter().collect(),
        min_cell: u64::from(MIN_CELL),
    };
    staff.page(StatusCode::OK, |frame| delivery_page(frame, &page))
}
