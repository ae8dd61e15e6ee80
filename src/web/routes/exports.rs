//! Score exports for the province and admins: CSV and XLSX of the analysis library's rows.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use hailong_analysis::scores::Measure;

use crate::services::reports::dashboards::{self, Kind, Score};
use crate::services::reports::delivery;
use crate::services::reports::group766::Counted;
use crate::web::auth::staff::ProvinceStaff;
use crate::web::error::AppError;

const HEADER: [&str; 11] = [
    "period",
    "agency_code",
    "agency_name",
    "measure",
    "key",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "n_eff",
    "status",
];

/// The same columns for a reader of Vietnamese (`?header=vi`).
const HEADER_VI: [&str; 11] = [
    "Kỳ",
    "Mã cơ quan",
    "Tên cơ quan",
    "Chỉ số",
    "Mục",
    "Giá trị",
    "Cận dưới KTC 95%",
    "Cận trên KTC 95%",
    "Số phiếu",
    "Cỡ mẫu hiệu dụng",
    "Trạng thái",
];

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

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

fn cells(period: &str, r: &Score, name: &str) -> Vec<String> {
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
    vec![
        period.to_owned(),
        r.agency.clone(),
        name.to_owned(),
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

/// A scores export as asked: its file name (without extension), header and rows.
struct ScoresExport {
    name: String,
    header: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

/// The rows a province user asked for, after authorization: the numbers the dashboards show,
/// as last stored, with the page's filters — `period` (else all), `kind=year`, `level` (the
/// agencies of one level), `field` (a procedure field's own numbers) — agency names beside the
/// codes (in `lang`), and a Vietnamese header row with `header=vi`.
async fn scores_export(
    staff: &ProvinceStaff,
    query: &BTreeMap<String, String>,
) -> Result<ScoresExport, AppError> {
    let (state, all, lang) = (&staff.state, &staff.agencies, staff.lang);
    let kind = if query.get("kind").is_some_and(|k| k == "year") {
        Kind::Year
    } else {
        Kind::Quarter
    };
    let fields = crate::web::db_call::blocking(
        &state.pool,
        crate::services::reports::dashboards::procedure_fields,
    )
    .await?;
    let field = query.get("field").filter(|f| fields.contains(f)).cloned();
    let level = query
        .get("level")
        .filter(|l| ["province", "department", "district", "commune"].contains(&l.as_str()))
        .cloned();
    let scope = field
        .clone()
        .map_or(dashboards::Scope::PROVINCE, dashboards::Scope::of_field);
    let board = state.dashboards.board(&scope, kind);
    let wanted = query.get("period").filter(|p| board.periods.contains(p));
    // Each agency of the asked level (all without one), with its name in `lang`.
    let named: HashMap<&str, (i32, String)> = all
        .iter()
        .filter(|a| level.as_ref().is_none_or(|l| a.level.as_str() == l))
        .map(|a| {
            (
                a.code.as_str(),
                (a.id, lang.pick(&a.name_vi, &a.name_en).to_owned()),
            )
        })
        .collect();
    let province = lang.staff_text("staff-exports-whole-province");
    // The province's own row (`ALL`) is of no level.
    let name_of = |code: &str| -> Option<String> {
        match named.get(code) {
            Some((_, name)) => Some(name.clone()),
            None if code == "ALL" && level.is_none() => Some(province.to_owned()),
            None => None,
        }
    };
    let mut rows: Vec<Vec<String>> = board
        .periods
        .iter()
        .filter(|p| wanted.is_none_or(|w| w == *p))
        .filter_map(|p| board.period(p).map(|l| (p, l)))
        .flat_map(|(p, l)| l.report.scores.iter().map(move |r| (p, r)))
        .filter_map(|(p, r)| Some(cells(p, r, &name_of(&r.agency)?)))
        .collect();
    // The Decision 766 group is the agency's as a whole: not per procedure field.
    if kind == Kind::Quarter && field.is_none() {
        let agencies: Vec<(i32, String, String)> = all
            .iter()
            .filter_map(|a| {
                let (id, name) = named.get(a.code.as_str())?;
                Some((*id, a.code.clone(), name.clone()))
            })
            .collect();
        let ids: Vec<(i32, String)> = agencies
            .iter()
            .map(|(id, code, _)| (*id, code.clone()))
            .collect();
        let quarters: Vec<(String, Option<Counted>)> = board
            .periods
            .iter()
            .filter(|p| wanted.is_none_or(|w| w == *p))
            .map(|p| (p.clone(), Counted::of_period(&board, p, &ids)))
            .collect();
        rows.extend(
            crate::web::db_call::blocking(&state.pool, move |conn| {
                let mut rows = group766_rows(conn, &agencies, &quarters)?;
                rows.extend(invitation_rows(conn, &agencies, &quarters)?);
                Ok::<_, crate::services::store::DbError>(rows)
            })
            .await?,
        );
    }
    let mut name = format!("scores-{}", wanted.map_or("all", String::as_str));
    if kind == Kind::Year && wanted.is_none() {
        name.push_str("-years");
    }
    if let Some(level) = &level {
        name.push_str(&format!("-{level}"));
    }
    if let Some(field) = &field {
        let slug: String = crate::domain::text::ascii_fold(field)
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        name.push_str(&format!("-{slug}"));
    }
    Ok(ScoresExport {
        name,
        header: if query.get("header").is_some_and(|h| h == "vi") {
            &HEADER_VI
        } else {
            &HEADER
        },
        rows,
    })
}

/// Surveys offered by dossier channel (A-11 §280) as rows of the scores export: measure
/// `invitations_by_channel`, key the channel, value and `n` the count (a census of dossiers:
/// status `ok`, never suppressed).
fn invitation_rows(
    conn: &mut crate::services::store::DbConnection,
    agencies: &[(i32, String, String)],
    quarters: &[(String, Option<Counted>)],
) -> crate::services::store::QueryResult<Vec<Vec<String>>> {
    let named: HashMap<i32, (&str, &str)> = agencies
        .iter()
        .map(|(id, code, name)| (*id, (code.as_str(), name.as_str())))
        .collect();
    let mut rows = Vec::new();
    for (period, _) in quarters {
        let Ok(quarter) = period.parse() else {
            continue;
        };
        for (agency, channel, count) in delivery::invited_by_channel(conn, quarter)? {
            let Some((code, name)) = named.get(&agency) else {
                continue;
            };
            rows.push(vec![
                period.clone(),
                (*code).to_owned(),
                (*name).to_owned(),
                "invitations_by_channel".to_owned(),
                channel,
                count.to_string(),
                String::new(),
                String::new(),
                count.to_string(),
                String::new(),
                "ok".to_owned(),
            ]);
        }
    }
    Ok(rows)
}

/// The Decision 766 group as rows of the scores export: measures `g766_on_time`,
/// `g766_handling_satisfied`, `g766_not_dissatisfied` (percent; `n` the denominator).
fn group766_rows(
    conn: &mut crate::services::store::DbConnection,
    agencies: &[(i32, String, String)],
    quarters: &[(String, Option<Counted>)],
) -> crate::services::store::QueryResult<Vec<Vec<String>>> {
    use crate::services::reports::group766::{self, Share};
    let ids: Vec<(i32, String)> = agencies
        .iter()
        .map(|(id, code, _)| (*id, code.clone()))
        .collect();
    let mut rows = Vec::new();
    for (period, counted) in quarters {
        let Ok(quarter) = period.parse() else {
            continue;
        };
        let groups = group766::of_quarter(conn, &ids, quarter, counted.as_ref())?;
        for (id, code, name) in agencies {
            let Some(g) = groups.get(id) else {
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
                rows.push(vec![
                    period.clone(),
                    code.clone(),
                    name.clone(),
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
