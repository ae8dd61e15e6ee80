//! `hailong import agencies FILE.csv`: a province's agency tree from a file, as it starts using
//! hailong. Columns: `code`, `name_vi`, `name_en`, `level`, `kind`, `parent_code` (empty only
//! for the province itself), and optionally `valid_from` (YYYY-MM-DD; today when empty). A parent
//! may be an agency already stored or another row of the file, in any order. A code already
//! stored with the same details is left as it is, so the file can be imported again; with other
//! details it is an error (changes go through the admin pages and `hailong agency close`).
//! Errors name the file, the line (the header is line 1) and the field; a file with any error
//! stores nothing.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use crate::db::{agencies, audit, DbConnection};
use crate::domain::agency::{check_placement, AgencyCode, AgencyKind, AgencyLevel};
use crate::domain::text::nfc;

const REQUIRED: [&str; 6] = ["code", "name_vi", "name_en", "level", "kind", "parent_code"];
const OPTIONAL: [&str; 1] = ["valid_from"];

#[derive(Debug, thiserror::Error)]
pub enum AgencyImportError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{}", .0.join("\n"))]
    Lines(Vec<String>),
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    pub created: usize,
    pub unchanged: usize,
}

/// One row of the file, checked on its own.
struct Row {
    line: u64,
    code: String,
    name_vi: String,
    name_en: String,
    level: AgencyLevel,
    kind: AgencyKind,
    parent_code: Option<String>,
    /// None when the file leaves it empty.
    valid_from: Option<NaiveDate>,
}

/// Reads and checks the whole file against the stored tree, then stores the new agencies in
/// one transaction, parents first.
pub fn import_agencies(
    conn: &mut DbConnection,
    actor: &str,
    path: &Path,
) -> Result<Imported, AgencyImportError> {
    let file = path.display().to_string();
    let rows = read_rows(path, &file)?;
    let stored: HashMap<String, agencies::Agency> = agencies::all(conn)?
        .into_iter()
        .map(|a| (a.code.clone(), a))
        .collect();
    let code_of: HashMap<i32, &str> = stored.values().map(|a| (a.id, a.code.as_str())).collect();
    let in_file: HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();

    let mut problems = Vec::new();
    let mut new_rows = Vec::new();
    let mut unchanged = 0;
    for row in &rows {
        let mut problem = |field: &str, message: String| {
            problems.push(format!(
                "{file}: line {}: field `{field}`: {message}",
                row.line
            ));
        };
        if let Some(parent) = &row.parent_code {
            let parent_level = stored
                .get(parent)
                .map(|a| a.level)
                .or_else(|| rows.iter().find(|r| &r.code == parent).map(|r| r.level));
            if let Some(parent_level) = parent_level {
                if let Err(misplaced) = check_placement(row.level, row.kind, Some(parent_level)) {
                    if misplaced.field() == "parent" {
                        problem("parent_code", misplaced.to_string());
                    }
                }
            }
            match stored.get(parent) {
                Some(agencies::Agency {
                    valid_to: Some(last_day),
                    ..
                }) => problem(
                    "parent_code",
                    format!("{parent} is closed (its last day was {last_day})"),
                ),
                Some(_) => {}
                None if in_file.contains(parent.as_str()) => {}
                None => problem(
                    "parent_code",
                    format!("no agency has the code {parent:?}, stored or in this file"),
                ),
            }
        }
        match stored.get(&row.code) {
            None => new_rows.push(row),
            Some(existing) => {
                let stored_parent = existing.parent_id.and_then(|id| code_of.get(&id).copied());
                let differences = [
                    ("name_vi", existing.name_vi == row.name_vi),
                    ("name_en", existing.name_en == row.name_en),
                    ("level", existing.level == row.level),
                    ("kind", existing.kind == row.kind),
                    ("parent_code", stored_parent == row.parent_code.as_deref()),
                    (
                        "valid_from",
                        row.valid_from.is_none_or(|d| d == existing.valid_from),
                    ),
                ];
                match differences.iter().find(|(_, same)| !same) {
                    None => unchanged += 1,
                    Some((field, _)) => problem(
                        field,
                        format!(
                            "{} is stored with another {field}; change a stored agency on /admin/agencies or close it with `hailong agency close`",
                            row.code
                        ),
                    ),
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(AgencyImportError::Lines(problems));
    }
    let order = parents_first(&new_rows, &stored).map_err(|stuck| {
        AgencyImportError::Lines(
            stuck
                .iter()
                .map(|row| {
                    format!(
                        "{file}: line {}: field `parent_code`: the parents of {} in this file run in a loop",
                        row.line, row.code
                    )
                })
                .collect(),
        )
    })?;

    let today = crate::domain::period::today();
    crate::db::transaction(conn, |conn| {
        let mut ids: HashMap<&str, i32> = stored.iter().map(|(c, a)| (c.as_str(), a.id)).collect();
        for row in &order {
            let parent_id = row.parent_code.as_deref().map(|code| ids[code]);
            let id = agencies::insert(
                conn,
                &agencies::NewAgency {
                    code: &row.code,
                    name_vi: &row.name_vi,
                    name_en: &row.name_en,
                    level: row.level,
                    kind: row.kind,
                    parent_id,
                    valid_from: row.valid_from.unwrap_or(today),
                    valid_to: None,
                },
            )?;
            ids.insert(&row.code, id);
        }
        let detail = format!("{} new, {unchanged} already stored", order.len());
        audit::record(conn, actor, "import.agencies", &file, &detail)?;
        Ok(Imported {
            created: order.len(),
            unchanged,
        })
    })
}

/// The file's rows, each checked on its own; every problem of the file at once.
fn read_rows(path: &Path, file: &str) -> Result<Vec<Row>, AgencyImportError> {
    let file_error = |message: String| AgencyImportError::File {
        file: file.to_owned(),
        message,
    };
    // Unknown columns first: a misspelt one (`name` for `name_vi`) is the likelier mistake.
    let (mut reader, headers) =
        crate::services::dossiers::import::open_csv(path, &[]).map_err(file_error)?;
    for header in &headers {
        if !REQUIRED.contains(&header) && !OPTIONAL.contains(&header) {
            return Err(file_error(format!(
                "line 1: unknown column `{header}`; the columns are {}",
                REQUIRED
                    .iter()
                    .chain(&OPTIONAL)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|r| !headers.iter().any(|h| h == **r)) {
        return Err(file_error(format!("line 1: missing column `{missing}`")));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| file_error(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .map(nfc)
                .unwrap_or_default()
        };
        let mut problem = |field: &str, message: String| {
            problems.push(format!("{file}: line {line}: field `{field}`: {message}"));
        };
        let code = field("code");
        if let Err(rule) = AgencyCode::parse(&code) {
            problem("code", format!("{code:?}: {rule}"));
        } else if let Some(first) = first_line_of.insert(code.clone(), line) {
            problem("code", format!("{code} is already on line {first}"));
        }
        let (name_vi, name_en) = (field("name_vi"), field("name_en"));
        if name_vi.is_empty() {
            problem("name_vi", "the Vietnamese name is required".to_owned());
        }
        if name_en.is_empty() {
            problem("name_en", "the English name is required".to_owned());
        }
        let level = field("level")
            .parse::<AgencyLevel>()
            .map_err(|e| problem("level", e.to_string()))
            .ok();
        let kind = field("kind")
            .parse::<AgencyKind>()
            .map_err(|e| problem("kind", e.to_string()))
            .ok();
        let parent_code = Some(field("parent_code")).filter(|p| !p.is_empty());
        match (level, kind, &parent_code) {
            (Some(AgencyLevel::Province), _, Some(_)) => {
                problem("parent_code", "a province has no parent".to_owned());
            }
            (Some(level), _, None) if level != AgencyLevel::Province => {
                problem(
                    "parent_code",
                    format!("a {level} unit needs its parent's code"),
                );
            }
            (Some(level), Some(kind), _) if !level.kinds().contains(&kind) => {
                problem(
                    "kind",
                    format!("a {kind} is not a unit of the {level} level"),
                );
            }
            _ => {}
        }
        let raw_from = field("valid_from");
        let valid_from = if raw_from.is_empty() {
            None
        } else {
            raw_from
                .parse::<NaiveDate>()
                .map_err(|_| {
                    problem(
                        "valid_from",
                        format!("{raw_from:?} is not a date (YYYY-MM-DD)"),
                    )
                })
                .ok()
        };
        if let (Some(level), Some(kind)) = (level, kind) {
            rows.push(Row {
                line,
                code,
                name_vi,
                name_en,
                level,
                kind,
                parent_code,
                valid_from,
            });
        }
    }
    if !problems.is_empty() {
        return Err(AgencyImportError::Lines(problems));
    }
    if rows.is_empty() {
        return Err(file_error("no agencies after the header".to_owned()));
    }
    Ok(rows)
}

/// The new rows in an order where every parent comes before its children; the rows left over
/// (parents in a loop) if there is none.
fn parents_first<'a>(
    rows: &[&'a Row],
    stored: &HashMap<String, agencies::Agency>,
) -> Result<Vec<&'a Row>, Vec<&'a Row>> {
    let mut placed: HashSet<&str> = HashSet::new();
    let mut order = Vec::with_capacity(rows.len());
    let mut waiting: Vec<&Row> = rows.to_vec();
    while !waiting.is_empty() {
        let before = waiting.len();
        let mut still = Vec::new();
        for row in waiting {
            let ready = match &row.parent_code {
                None => true,
                Some(parent) => stored.contains_key(parent) || placed.contains(parent.as_str()),
            };
            if ready {
                placed.insert(&row.code);
                order.push(row);
            } else {
                still.push(row);
            }
        }
        if still.len() == before {
            return Err(still);
        }
        waiting = still;
    }
    Ok(order)
}
