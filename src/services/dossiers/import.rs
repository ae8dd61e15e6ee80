//! `hailong import dossiers FILE.csv`: the columns of METHODOLOGY's dossiers.csv (the `invited`
//! column, if present, is ignored: importing issues an invitation) plus `applicant_id`, and
//! optionally `phone` and `email`. Errors name the file, the line (the header is line 1) and the
//! field; a file with any error stores nothing.

use std::path::Path;

use serde_json::{Map, Value};

use crate::db::DbConnection;
use crate::domain::submission::{DossierSubmission, FieldError, FIELDS};
use crate::services::dossiers::ingest::{self, IngestContext, IngestError, Issued, Parsed};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{}", .0.join("\n"))]
    Lines(Vec<String>),
    #[error("{0}")]
    Ingest(String),
}

/// Opens a CSV file (fields trimmed) and checks that its header has every `required` column.
/// The error is the message to show after the file's name.
pub(crate) fn open_csv(
    path: &Path,
    required: &[&str],
) -> Result<(csv::Reader<std::fs::File>, csv::StringRecord), String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    if let Some(missing) = required.iter().find(|r| !headers.iter().any(|h| h == **r)) {
        return Err(format!("line 1: missing column `{missing}`"));
    }
    Ok((reader, headers))
}

/// Reads and checks the whole file, then stores it in one transaction.
pub fn import_dossiers(
    conn: &mut DbConnection,
    ctx: &IngestContext<'_>,
    path: &Path,
) -> Result<Vec<Issued>, ImportError> {
    let file = path.display().to_string();
    let file_error = |message: String| ImportError::File {
        file: file.clone(),
        message,
    };
    let required: Vec<&str> = FIELDS
        .iter()
        .copied()
        .filter(|f| !matches!(*f, "phone" | "email" | "language"))
        .collect();
    let (mut reader, headers) = open_csv(path, &required).map_err(file_error)?;
    let mut parsed: Vec<Parsed> = Vec::new();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| file_error(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let mut map = Map::new();
        for (header, value) in headers.iter().zip(record.iter()) {
            if FIELDS.contains(&header) && !value.is_empty() {
                map.insert(header.to_owned(), Value::String(value.to_owned()));
            }
        }
        let result = DossierSubmission::parse(&map, ctx.secret);
        if let Err(errors) = &result {
            problems.extend(errors.iter().map(|e: &FieldError| {
                format!("{file}: line {line}: field `{}`: {}", e.field, e.message)
            }));
        }
        parsed.push(result);
        lines.push(line);
    }
    if !problems.is_empty() {
        return Err(ImportError::Lines(problems));
    }
    // The API's batch limit protects a web request; a file is stored in chunks of that size,
    // all inside one transaction.
    crate::db::transaction(conn, |conn| {
        let mut issued = Vec::new();
        let mut offset = 0;
        let mut rest = parsed;
        while !rest.is_empty() {
            let tail = rest.split_off(rest.len().min(ingest::MAX_BATCH));
            let chunk = std::mem::replace(&mut rest, tail);
            let size = chunk.len();
            match ingest::ingest(conn, ctx, chunk) {
                Ok(mut done) => issued.append(&mut done),
                Err(IngestError::Invalid(errors)) => {
                    return Err(ImportError::Lines(errors.iter().map(|e| format!("{file}: line {}: field `{}`: {}", lines[offset + e.index], e.field, e.message)).collect()))
                }
                Err(IngestError::Conflict(conflicts)) => {
                    return Err(ImportError::Lines(conflicts.iter().map(|c| format!("{file}: line {}: field `dossier_id`: {} was imported before with different {}", lines[offset + c.index], c.dossier_id, c.differing_fields.join(", "))).collect()))
                }
                Err(e) => return Err(ImportError::Ingest(e.to_string())),
            }
            offset += size;
        }
        Ok(issued)
    })
}

impl From<crate::db::DbError> for ImportError {
    fn from(e: crate::db::DbError) -> Self {
        Self::Ingest(e.to_string())
    }
}
