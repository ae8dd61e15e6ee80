//! The satisfaction report as a Word download, from the numbers the dashboards show: the
//! province's (`/exports/report.docx?period=`, province staff; `&agency=CODE` for one
//! agency's), and an agency's own (`/dashboard/agency/{code}/report.docx?period=`, anyone who
//! may see that agency).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::services::reports::dashboards::{self, Scope};
use crate::services::reports::satisfaction::{self, ReportError};
use crate::web::auth::staff::{AgencyStaff, ProvinceStaff, Staff};
use crate::web::error::AppError;

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    period: String,
    agency: Option<String>,
    /// `pdf` for the PDF; the Word document otherwise.
    format: Option<String>,
}

/// The two files a report comes as.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Docx,
    Pdf,
}

impl Format {
    fn asked(query: &ReportQuery) -> Self {
        match query.format.as_deref() {
            Some("pdf") => Self::Pdf,
            _ => Self::Docx,
        }
    }
}

/// `GET /exports/report.docx`
pub async fn province(
    staff: ProvinceStaff,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let format = Format::asked(&query);
    download(&staff, query.period, query.agency, format).await
}

/// `GET /dashboard/agency/{code}/report.docx`
pub async fn agency(
    staff: AgencyStaff,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let code = staff.agency.code.clone();
    let query = query.into_inner();
    let format = Format::asked(&query);
    download(&staff, query.period, Some(code), format).await
}

async fn download(
    staff: &Staff,
    period: String,
    agency: Option<String>,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let kind = dashboards::kind_of(&period).ok_or(ReportError::NotAPeriod(period.clone()))?;
    let state = staff.state.clone();
    let board = state.dashboards.board(&Scope::PROVINCE, kind);
    let k = state.settings.anonymity_k;
    let name = format!(
        "bao-cao-hai-long-{}{}.{}",
        period.to_lowercase(),
        agency
            .as_deref()
            .map(|a| format!("-{}", a.to_lowercase()))
            .unwrap_or_default(),
        if format == Format::Pdf { "pdf" } else { "docx" }
    );
    let pool = state.pool.clone();
    let bytes = crate::web::db_call::blocking(&pool, move |conn| -> Result<_, AppError> {
        let report = satisfaction::prepare(
            conn,
            &state.questionnaires,
            &board,
            &period,
            agency.as_deref(),
            k,
        )?;
        let docx = crate::views::report::docx(&report).map_err(|e| AppError::Internal(e.into()))?;
        match format {
            Format::Docx => Ok(docx),
            Format::Pdf => Ok(crate::services::reports::pdf::from_docx(&docx)?),
        }
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(match format {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        })
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}
