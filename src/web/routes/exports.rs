//! Score exports for the province and admins: CSV and XLSX of the analysis library's rows.

use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use hailong_analysis::scores::Measure;

use crate::db::agencies;
use crate::services::reports::dashboards::{self, Kind, Score};
use crate::services::reports::delivery;
use crate::services::reports::group766::Counted;
use crate::web::auth::access::{authorize, Need, Scope};
use crate::web::auth::user::current_user;
use crate::web::error::AppError;
use crate::web::state::AppState;

const HEADER: [&str; 10] = [
    "period",
    "agency_code",
    "measure",
    "key",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "n_eff",
    "status",
];

/// A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) gets a leading
/// apostrophe, so that opening an export can never run anything.
pub fn escape_cell(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

fn cells(period: &str, r: &Score) -> [String; 10] {
    let value = r
        .value
        .map(|v| {
            if Measure::of_str(&r.measure).is_some_and(Measure::is_integer) {
                format!("{}", v.round() as i64)
            } else {
                format!("{v}")
            }
        })
        .unwrap_or_default();
    [
        period.to_owned(),
        r.agency.clone(),
        r.measure.clone(),
        r.key.clone(),
        value,
        number(r.ci.map(|c| c.0)),
        number(r.ci.map(|c| c.1)),
        r.n.to_string(),
        number(r.n_eff),
        r.status.clone(),
    ]
}

/// Every agency, for a signed-in user who may see the province's numbers; else the refusal.
async fn province_agencies(
    state: &web::Data<AppState>,
    session: &Session,
) -> Result<Vec<agencies::Agency>, AppError> {
    let user = current_user(session, &state.pool)
        .await?
        .ok_or(AppError::SignInFirst)?;
    let all = crate::web::db_call::blocking(&state.pool, agencies::all).await?;
    authorize(&user, Need::Province, &Scope::of(&user, &all))?;
    Ok(all)
}

/// The rows a province user asked for (a period, or all), after authorization: the numbers
/// the dashboards show, as last stored.
async fn rows(
    state: &web::Data<AppState>,
    session: &Session,
    query: &BTreeMap<String, String>,
) -> Result<Vec<[String; 10]>, AppError> {
    province_agencies(state, session).await?;
    let kind = if query.get("kind").is_some_and(|k| k == "year") {
        Kind::Year
    } else {
        Kind::Quarter
    };
    let board = state.dashboards.board(&dashboards::Scope::Province, kind);
    let wanted = query.get("period");
    let mut rows: Vec<[String; 10]> = board
        .periods
        .iter()
        .filter(|p| wanted.is_none_or(|w| w == *p))
        .filter_map(|p| board.period(p).map(|l| (p, l)))
        .flat_map(|(p, l)| l.report.scores.iter().map(move |r| cells(p, r)))
        .collect();
    if kind == Kind::Quarter {
        let quarters: Vec<(String, Option<Counted>)> = board
            .periods
            .iter()
            .filter(|p| wanted.is_none_or(|w| w == *p))
            .map(|p| {
                (
                    p.clone(),
                    board.period(p).map(|l| Counted::of_report(&l.report)),
                )
            })
            .collect();
        rows.extend(
            crate::web::db_call::blocking(&state.pool, move |conn| group766_rows(conn, &quarters))
                .await?,
        );
    }
    Ok(rows)
}

/// The Decision 766 group as rows of the scores export: measures `g766_on_time`,
/// `g766_handling_satisfied`, `g766_not_dissatisfied` (percent; `n` the denominator).
fn group766_rows(
    conn: &mut crate::db::DbConnection,
    quarters: &[(String, Option<Counted>)],
) -> crate::db::QueryResult<Vec<[String; 10]>> {
    use crate::services::reports::group766::{self, Share};
    let agencies = agencies::all(conn)?;
    let ids: Vec<(i32, String)> = agencies.iter().map(|a| (a.id, a.code.clone())).collect();
    let versions = crate::services::reports::export::questionnaire_versions(conn)?;
    let mut rows = Vec::new();
    for (period, counted) in quarters {
        let Ok(quarter) = period.parse() else {
            continue;
        };
        let groups = group766::of_quarter(conn, &versions, &ids, quarter, counted.as_ref())?;
        for agency in &agencies {
            let Some(g) = groups.get(&agency.id) else {
                continue;
            };
            // A share without a denominator has nothing to say; (c) hidden under min_cell
            // responses is a suppressed row, as in the analysis' own rows.
            let measures: [(&str, Option<Share>, bool); 3] = [
                ("g766_on_time", Some(g.on_time), false),
                ("g766_handling_satisfied", g.satisfied, false),
                (
                    "g766_not_dissatisfied",
                    g.not_dissatisfied,
                    g.dossiers_completed > 0,
                ),
            ];
            for (measure, share, hidden) in measures {
                let value = share.and_then(Share::percent);
                if value.is_none() && !hidden {
                    continue;
                }
                rows.push([
                    period.clone(),
                    agency.code.clone(),
                    measure.to_owned(),
                    String::new(),
                    number(value),
                    String::new(),
                    String::new(),
                    share.map_or(0, |s| s.of).to_string(),
                    String::new(),
                    if value.is_some() { "ok" } else { "suppressed" }.to_owned(),
                ]);
            }
        }
    }
    Ok(rows)
}

pub async fn scores_csv(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let rows = rows(&state, &session, &query).await?;
    csv_download("scores.csv", &HEADER, rows.iter().map(|r| r.to_vec()))
}

/// A CSV file to download: the header, then the rows, every cell formula-escaped.
pub(super) fn csv_download(
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<HttpResponse, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header)
        .map_err(|e| AppError::Internal(e.into()))?;
    for row in rows {
        writer
            .write_record(row.iter().map(|c| escape_cell(c)))
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .content_type("text/csv; charset=utf-8")
        .body(body))
}

/// `GET /exports/delivery.csv?period=2026-Q4`: the delivery report's weeks (province only).
pub async fn delivery_csv(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let all = province_agencies(&state, &session).await?;
    let now = crate::domain::period::Quarter::of_instant(chrono::Utc::now());
    let quarter = delivery::quarter_asked(query.get("period").map(String::as_str), now);
    let report =
        crate::web::db_call::blocking(&state.pool, move |conn| delivery::of_quarter(conn, quarter))
            .await?;
    let code_of = |id: i32| {
        all.iter()
            .find(|a| a.id == id)
            .map_or_else(String::new, |a| a.code.clone())
    };
    csv_download(
        "delivery.csv",
        &[
            "week",
            "agency_code",
            "issued",
            "with_contact",
            "sent",
            "failing",
            "reminders",
            "opted_out",
        ],
        report.weeks.iter().map(|w| {
            vec![
                w.week.clone(),
                code_of(w.agency_id),
                w.issued.to_string(),
                w.with_contact.to_string(),
                w.sent.to_string(),
                w.failing.to_string(),
                w.reminders.to_string(),
                w.opted_out.to_string(),
            ]
        }),
    )
}

pub async fn scores_xlsx(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let rows = rows(&state, &session, &query).await?;
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.to_vec()).collect();
    xlsx_download("scores.xlsx", "scores", &HEADER, &rows, &[4, 5, 6, 7, 8])
}

/// A workbook to download: one sheet, the header, then the rows; the cells of `numeric`
/// columns that read as numbers are numbers, everything else text (never a formula).
pub(super) fn xlsx_download(
    name: &str,
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<String>],
    numeric: &[usize],
) -> Result<HttpResponse, AppError> {
    let xlsx = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name)?;
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(v) if numeric.contains(&c) => {
                        sheet.write_number(r as u32 + 1, c as u16, v)?
                    }
                    _ => sheet.write_string(r as u32 + 1, c as u16, cell)?,
                };
            }
        }
        workbook.save_to_buffer()
    };
    let body = xlsx().map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .body(body))
}

/// The raw data of the analysis (METHODOLOGY §1) as one of its four CSV files, for the
/// province's analysts: nothing personal is in them (see `export`).
pub async fn raw_table(
    state: web::Data<AppState>,
    session: Session,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = current_user(&session, &state.pool)
        .await?
        .ok_or(AppError::SignInFirst)?;
    authorize(&user, Need::Province, &Scope::Everything)?;
    let name = name.into_inner();
    if !["agencies", "dossiers", "responses", "answers"].contains(&name.as_str()) {
        return Err(AppError::NotFound);
    }
    let wanted = name.clone();
    let body =
        crate::web::db_call::blocking(&state.pool, move |conn| -> Result<Vec<u8>, AppError> {
            let tables = crate::services::reports::export::tables(conn)?;
            let table = match wanted.as_str() {
                "agencies" => tables.agencies,
                "dossiers" => tables.dossiers,
                "responses" => tables.responses,
                _ => tables.answers,
            };
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer
                .write_record(table.header)
                .map_err(|e| AppError::Internal(e.into()))?;
            for row in &table.rows {
                writer
                    .write_record(row.iter().map(|c| escape_cell(c)))
                    .map_err(|e| AppError::Internal(e.into()))?;
            }
            writer
                .into_inner()
                .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .content_type("text/csv; charset=utf-8")
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_escaped() {
        assert_eq!(escape_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape_cell("+1"), "'+1");
        assert_eq!(escape_cell("-2"), "'-2");
        assert_eq!(escape_cell("@SUM"), "'@SUM");
        assert_eq!(escape_cell("84.1"), "84.1");
    }
}
