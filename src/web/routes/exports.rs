//! Score exports for the province and admins: CSV and XLSX of the analysis library's rows.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::services::reports::delivery;
use crate::services::reports::scores_export::{self, ScoresAsked, ScoresExport};
use crate::web::auth::staff::ProvinceStaff;
use crate::web::error::AppError;

/// How the XLSX shows the numeric columns (the cell keeps full precision; the CSV too).
const SCORE_FORMATS: [(usize, &str); 5] =
    [(5, "0.00"), (6, "0.00"), (7, "0.00"), (8, "0"), (9, "0.0")];

/// A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) gets a leading
/// apostrophe, so that opening an export can never run anything.
pub fn escape_cell(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The rows a province user asked for, after authorization (see
/// `services::reports::scores_export`).
async fn scores_export(
    staff: &ProvinceStaff,
    query: &BTreeMap<String, String>,
) -> Result<ScoresExport, AppError> {
    let asked = ScoresAsked {
        year: query.get("kind").is_some_and(|k| k == "year"),
        period: query.get("period").cloned(),
        level: query.get("level").cloned(),
        field: query.get("field").cloned(),
        vietnamese_header: query.get("header").is_some_and(|h| h == "vi"),
    };
    let state = staff.state.clone();
    let (agencies, lang) = (staff.agencies.clone(), staff.lang);
    crate::web::db_call::blocking(&staff.state.pool, move |conn| {
        scores_export::scores(conn, &state.dashboards, &agencies, lang, &asked)
    })
    .await
}

pub async fn scores_csv(
    staff: ProvinceStaff,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let export = scores_export(&staff, &query).await?;
    csv_download(
        &format!("{}.csv", export.name),
        export.header,
        export.rows.into_iter(),
    )
}

/// A CSV file to download: UTF-8 with a byte-order mark, the header, then the rows, every cell
/// formula-escaped.
pub(super) fn csv_download(
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<HttpResponse, AppError> {
    // A byte-order mark first: Excel then reads the file as UTF-8 (Vietnamese names intact).
    let mut writer = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
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
    staff: ProvinceStaff,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (state, all) = (&staff.state, &staff.agencies);
    let now = crate::domain::period::Quarter::of_instant(crate::clock::now());
    let quarter = delivery::quarter_asked(query.get("period").map(String::as_str), now);
    let k = state.settings.anonymity_k;
    let report = crate::web::db_call::blocking(&state.pool, move |conn| {
        delivery::of_quarter(conn, quarter, k)
    })
    .await?;
    let agency_of = |id: i32| all.iter().find(|a| a.id == id);
    csv_download(
        &format!("delivery-{quarter}.csv"),
        &[
            "week",
            "agency_code",
            "agency_name",
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
                agency_of(w.agency_id).map_or_else(String::new, |a| a.code.clone()),
                agency_of(w.agency_id).map_or_else(String::new, |a| a.name_vi.clone()),
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
    staff: ProvinceStaff,
    query: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let export = scores_export(&staff, &query).await?;
    xlsx_download(
        &format!("{}.xlsx", export.name),
        "scores",
        export.header,
        &export.rows,
        &SCORE_FORMATS,
    )
}

/// A workbook to download: one sheet, the header (frozen, with filters), then the rows; the
/// cells of the `numeric` columns that read as numbers are numbers shown in that column's
/// format (kept at full precision), everything else text (never a formula).
pub(super) fn xlsx_download(
    name: &str,
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<String>],
    numeric: &[(usize, &str)],
) -> Result<HttpResponse, AppError> {
    let xlsx = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        let formats: Vec<(usize, rust_xlsxwriter::Format)> = numeric
            .iter()
            .map(|(c, f)| (*c, rust_xlsxwriter::Format::new().set_num_format(*f)))
            .collect();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let format = formats.iter().find(|(col, _)| *col == c).map(|(_, f)| f);
                match (cell.parse::<f64>(), format) {
                    (Ok(v), Some(format)) => {
                        sheet.write_number_with_format(r as u32 + 1, c as u16, v, format)?
                    }
                    _ => sheet.write_string(r as u32 + 1, c as u16, cell)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        if !header.is_empty() {
            sheet.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)?;
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
    staff: ProvinceStaff,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let state = &staff.state;
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
