//! The four files of METHODOLOGY §1, read (CSV, or Parquet of the same name and columns) and
//! checked row by row into compact columns. Any error stops the run before anything is
//! computed or written.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use polars::prelude::*;

use crate::error::{AnalysisError, Result};
use crate::period::Quarter;
use crate::questionnaire::{ItemKind, Questionnaire};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Province,
    Department,
    District,
    Commune,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Province,
        Level::Department,
        Level::District,
        Level::Commune,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "province" => Some(Self::Province),
            "department" => Some(Self::Department),
            "district" => Some(Self::District),
            "commune" => Some(Self::Commune),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Department => "department",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }
}

pub const CHANNELS: [&str; 3] = ["online", "counter", "postal"];
pub const KINDS: [&str; 2] = ["citizen", "business"];

/// A (channel, applicant_kind) cell as one small number: channel · 2 + kind.
pub fn cell_of(channel: u8, kind: u8) -> u8 {
    channel * 2 + kind
}

pub const CELLS: usize = 6;

#[derive(Debug, Clone, Default)]
pub struct Agencies {
    pub codes: Vec<String>,
    pub levels: Vec<Level>,
    pub parents: Vec<Option<u32>>,
    pub index: HashMap<String, u32>,
}

/// One row per dossier, as columns.
#[derive(Debug, Clone, Default)]
pub struct Dossiers {
    pub agency: Vec<u32>,
    pub quarter: Vec<Quarter>,
    pub cell: Vec<u8>,
    pub on_time: Vec<bool>,
    pub invited: Vec<bool>,
    /// (completed_at − received_at) in days of 86,400 s.
    pub processing_days: Vec<f64>,
}

/// One row per response; a response's id is its position.
#[derive(Debug, Clone, Default)]
pub struct Responses {
    pub agency: Vec<u32>,
    pub quarter: Vec<Quarter>,
    pub cell: Vec<u8>,
    pub version: Vec<u32>,
    pub versions: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub response: Vec<u32>,
    /// Position of the item in the questionnaire.
    pub item: Vec<u32>,
    pub value: Vec<i32>,
}

#[derive(Debug, Clone)]
pub struct Inputs {
    pub agencies: Agencies,
    pub dossiers: Dossiers,
    pub responses: Responses,
    pub answers: Answers,
    pub questionnaire: Questionnaire,
}

/// A table as read: string columns and how rows map to lines.
struct Table {
    name: String,
    frame: DataFrame,
}

impl Table {
    /// Line of row `i`: the header is line 1.
    fn line(&self, row: usize) -> usize {
        row + 2
    }

    fn column(&self, field: &str) -> Result<&StringChunked> {
        let column = self
            .frame
            .column(field)
            .map_err(|_| AnalysisError::input(&self.name, 1, field, "missing column"))?;
        Ok(column.str()?)
    }

    fn height(&self) -> usize {
        self.frame.height()
    }
}

/// Reads `DIR/NAME.csv`, or `DIR/NAME.parquet` when there is no CSV, with every column as text.
fn read_table(dir: &Path, name: &str) -> Result<Table> {
    read_table_as(dir, name, true)
}

/// As [`read_table`]; with `as_text` false, Parquet columns keep their stored types (the
/// answers are read that way: 30 million integers need not become text).
fn read_table_as(dir: &Path, name: &str, as_text: bool) -> Result<Table> {
    let csv = dir.join(format!("{name}.csv"));
    let parquet = dir.join(format!("{name}.parquet"));
    let (file, frame) = if csv.exists() {
        let path = csv.to_string_lossy().into_owned();
        let frame = LazyCsvReader::new(PlRefPath::new(path.as_str()))
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .finish()
            .and_then(LazyFrame::collect)
            .map_err(|e| AnalysisError::file(&format!("{name}.csv"), e.to_string()))?;
        (format!("{name}.csv"), frame)
    } else if parquet.exists() {
        let path = parquet.to_string_lossy().into_owned();
        let frame =
            LazyFrame::scan_parquet(PlRefPath::new(path.as_str()), ScanArgsParquet::default())
                .map(|lf| {
                    if as_text {
                        lf.select([all().as_expr().cast(DataType::String)])
                    } else {
                        lf
                    }
                })
                .and_then(LazyFrame::collect)
                .map_err(|e| AnalysisError::file(&format!("{name}.parquet"), e.to_string()))?;
        (format!("{name}.parquet"), frame)
    } else {
        return Err(AnalysisError::file(
            &format!("{name}.csv"),
            format!("not found in {}", dir.display()),
        ));
    };
    Ok(Table { name: file, frame })
}

/// One cell as text, for an error message.
fn cell_text(frame: &DataFrame, row: usize, field: &str) -> String {
    frame
        .column(field)
        .ok()
        .and_then(|c| c.get(row).ok())
        .map(|v| v.to_string().trim_matches('"').to_owned())
        .unwrap_or_default()
}

fn text(column: &StringChunked, row: usize) -> &str {
    column.get(row).unwrap_or("")
}

fn instant(table: &Table, row: usize, field: &str, raw: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            AnalysisError::input(
                &table.name,
                table.line(row),
                field,
                format!("{raw:?} is not an RFC 3339 time with offset"),
            )
        })
}

fn pick(table: &Table, row: usize, field: &str, raw: &str, choices: &[&str]) -> Result<u8> {
    choices
        .iter()
        .position(|c| *c == raw)
        .map(|i| i as u8)
        .ok_or_else(|| {
            AnalysisError::input(
                &table.name,
                table.line(row),
                field,
                format!(
                    "unknown value {raw:?}; expected one of {}",
                    choices.join(", ")
                ),
            )
        })
}

fn agencies(table: &Table) -> Result<Agencies> {
    let codes = table.column("agency_code")?;
    table.column("name")?;
    let levels = table.column("level")?;
    let parents = table.column("parent_code")?;
    let mut out = Agencies::default();
    for row in 0..table.height() {
        let code = text(codes, row);
        let line = table.line(row);
        if code.is_empty() {
            return Err(AnalysisError::input(
                &table.name,
                line,
                "agency_code",
                "is empty",
            ));
        }
        if out.index.insert(code.to_owned(), row as u32).is_some() {
            return Err(AnalysisError::input(
                &table.name,
                line,
                "agency_code",
                format!("duplicate id {code:?}"),
            ));
        }
        let raw_level = text(levels, row);
        let level = Level::parse(raw_level).ok_or_else(|| {
            AnalysisError::input(&table.name, line, "level", format!("unknown level {raw_level:?}; expected province, department, district or commune"))
        })?;
        out.codes.push(code.to_owned());
        out.levels.push(level);
    }
    for row in 0..table.height() {
        let parent = text(parents, row);
        if parent.is_empty() {
            out.parents.push(None);
            continue;
        }
        let index = out.index.get(parent).copied().ok_or_else(|| {
            AnalysisError::input(
                &table.name,
                table.line(row),
                "parent_code",
                format!("unknown parent {parent:?}"),
            )
        })?;
        out.parents.push(Some(index));
    }
    Ok(out)
}

fn agency_of(table: &Table, row: usize, agencies: &Agencies, code: &str) -> Result<u32> {
    agencies.index.get(code).copied().ok_or_else(|| {
        AnalysisError::input(
            &table.name,
            table.line(row),
            "agency_code",
            format!("unknown agency {code:?}"),
        )
    })
}

fn dossiers(table: &Table, agencies: &Agencies) -> Result<Dossiers> {
    let ids = table.column("dossier_id")?;
    let agency = table.column("agency_code")?;
    table.column("procedure_code")?;
    let kinds = table.column("applicant_kind")?;
    let channels = table.column("channel")?;
    let received = table.column("received_at")?;
    let due = table.column("due_at")?;
    let completed = table.column("completed_at")?;
    let invited = table.column("invited")?;
    let mut seen = HashSet::with_capacity(table.height());
    let mut out = Dossiers::default();
    for row in 0..table.height() {
        let line = table.line(row);
        let id = text(ids, row);
        if !seen.insert(id) {
            return Err(AnalysisError::input(
                &table.name,
                line,
                "dossier_id",
                format!("duplicate id {id:?}"),
            ));
        }
        let agency_index = agency_of(table, row, agencies, text(agency, row))?;
        let kind = pick(table, row, "applicant_kind", text(kinds, row), &KINDS)?;
        let channel = pick(table, row, "channel", text(channels, row), &CHANNELS)?;
        let received_at = instant(table, row, "received_at", text(received, row))?;
        let due_at = instant(table, row, "due_at", text(due, row))?;
        let completed_at = instant(table, row, "completed_at", text(completed, row))?;
        if completed_at < received_at {
            return Err(AnalysisError::input(
                &table.name,
                line,
                "completed_at",
                "is before received_at",
            ));
        }
        let was_invited = match text(invited, row) {
            "true" => true,
            "false" => false,
            other => {
                return Err(AnalysisError::input(
                    &table.name,
                    line,
                    "invited",
                    format!("unknown value {other:?}; expected true or false"),
                ))
            }
        };
        out.agency.push(agency_index);
        out.quarter.push(Quarter::of_instant(completed_at));
        out.cell.push(cell_of(channel, kind));
        out.on_time.push(completed_at <= due_at);
        out.invited.push(was_invited);
        out.processing_days
            .push((completed_at - received_at).num_milliseconds() as f64 / 86_400_000.0);
    }
    Ok(out)
}

fn responses(table: &Table, agencies: &Agencies) -> Result<(Responses, HashMap<String, u32>)> {
    let ids = table.column("response_id")?;
    let agency = table.column("agency_code")?;
    table.column("procedure_code")?;
    let kinds = table.column("applicant_kind")?;
    let channels = table.column("channel")?;
    let quarters = table.column("quarter")?;
    let versions = table.column("questionnaire_version")?;
    let mut index = HashMap::with_capacity(table.height());
    let mut version_index: HashMap<String, u32> = HashMap::new();
    let mut out = Responses::default();
    for row in 0..table.height() {
        let line = table.line(row);
        let id = text(ids, row);
        if index.insert(id.to_owned(), row as u32).is_some() {
            return Err(AnalysisError::input(
                &table.name,
                line,
                "response_id",
                format!("duplicate id {id:?}"),
            ));
        }
        let agency_index = agency_of(table, row, agencies, text(agency, row))?;
        let kind = pick(table, row, "applicant_kind", text(kinds, row), &KINDS)?;
        let channel = pick(table, row, "channel", text(channels, row), &CHANNELS)?;
        let raw_quarter = text(quarters, row);
        let quarter: Quarter = raw_quarter
            .parse()
            .map_err(|e: crate::period::BadQuarter| {
                AnalysisError::input(&table.name, line, "quarter", e.to_string())
            })?;
        let version = text(versions, row);
        let next = version_index.len() as u32;
        let version = *version_index.entry(version.to_owned()).or_insert_with(|| {
            out.versions.push(version.to_owned());
            next
        });
        out.agency.push(agency_index);
        out.quarter.push(quarter);
        out.cell.push(cell_of(channel, kind));
        out.version.push(version);
    }
    Ok((out, index))
}

/// The answers, checked with polars joins on the whole column rather than row by row through
/// a map of text ids: at tens of millions of rows this is what loading costs. Errors are the
/// same as everywhere: the first bad row, by line, with the field and the reason.
fn answers(
    table: Table,
    reread_from: Option<&Path>,
    response_ids: &HashMap<String, u32>,
    questionnaire: &Questionnaire,
) -> Result<Answers> {
    for field in ["response_id", "item_code", "value"] {
        if table.frame.column(field).is_err() {
            return Err(AnalysisError::input(
                &table.name,
                1,
                field,
                "missing column",
            ));
        }
    }
    let (codes, ids): (Vec<&str>, Vec<u32>) =
        response_ids.iter().map(|(k, v)| (k.as_str(), *v)).unzip();
    let known_responses = DataFrame::new_infer_height(vec![
        Column::new("response_id".into(), codes),
        Column::new("rid".into(), ids),
    ])?;
    let known_items = DataFrame::new_infer_height(vec![
        Column::new(
            "item_code".into(),
            questionnaire
                .items
                .iter()
                .map(|i| i.code.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "item".into(),
            (0..questionnaire.items.len() as u32).collect::<Vec<_>>(),
        ),
    ])?;
    let value_is_integer = table.frame.column("value")?.dtype().is_integer();
    let value = if value_is_integer {
        col("value").cast(DataType::Int64)
    } else {
        col("value").cast(DataType::String).cast(DataType::Int64)
    };
    let mut left = JoinArgs::new(JoinType::Left);
    left.maintain_order = MaintainOrderJoin::Left;
    let checked = table
        .frame
        .clone()
        .lazy()
        .select([
            col("response_id").cast(DataType::String),
            col("item_code").cast(DataType::String),
            value.alias("v"),
        ])
        .join(
            known_responses.lazy(),
            [col("response_id")],
            [col("response_id")],
            left.clone(),
        )
        .join(
            known_items.lazy(),
            [col("item_code")],
            [col("item_code")],
            left,
        )
        .select([col("rid"), col("item"), col("v")])
        .collect()?;
    // The text of tens of millions of ids is not needed any more: when the table came from a
    // file, free it now; an error message that quotes a raw value reads the file again.
    let Table { name, frame } = table;
    let kept = if reread_from.is_some() {
        DataFrame::empty()
    } else {
        frame
    };
    let table = Table {
        name,
        frame: DataFrame::empty(),
    };
    let (rids, items, values) = (
        checked.column("rid")?.u32()?,
        checked.column("item")?.u32()?,
        checked.column("v")?.i64()?,
    );

    let raw = |row: usize, field: &str| -> String {
        match reread_from {
            Some(dir) => read_table_as(dir, "answers", false)
                .map(|t| cell_text(&t.frame, row, field))
                .unwrap_or_default(),
            None => cell_text(&kept, row, field),
        }
    };
    let error = |row: usize, field: &str, message: String| {
        AnalysisError::input(&table.name, table.line(row), field, message)
    };
    let words = questionnaire.items.len().div_ceil(64);
    let mut answered = vec![0u64; response_ids.len() * words];
    let mut out = Answers {
        response: Vec::with_capacity(checked.height()),
        item: Vec::with_capacity(checked.height()),
        value: Vec::with_capacity(checked.height()),
    };
    for row in 0..checked.height() {
        let Some(rid) = rids.get(row) else {
            return Err(error(
                row,
                "response_id",
                format!("unknown response {:?}", raw(row, "response_id")),
            ));
        };
        let Some(item) = items.get(row) else {
            return Err(error(
                row,
                "item_code",
                format!("unknown item {:?}", raw(row, "item_code")),
            ));
        };
        let item = item as usize;
        let (word, bit) = (rid as usize * words + item / 64, 1u64 << (item % 64));
        if answered[word] & bit != 0 {
            let message = format!(
                "a second answer to item {:?} of response {:?}",
                questionnaire.items[item].code,
                raw(row, "response_id")
            );
            return Err(error(row, "item_code", message));
        }
        answered[word] |= bit;
        let spec = &questionnaire.items[item];
        let range = match spec.kind {
            ItemKind::Likert5 => "an integer from 1 to 5",
            ItemKind::YesNo => "0 or 1",
        };
        let Some(value) = values.get(row) else {
            return Err(error(
                row,
                "value",
                format!(
                    "{:?} is not an integer; item {} takes {range}",
                    raw(row, "value"),
                    spec.code
                ),
            ));
        };
        if !spec.accepts(value) {
            return Err(error(
                row,
                "value",
                format!("{value} is out of range; item {} takes {range}", spec.code),
            ));
        }
        out.response.push(rid);
        out.item.push(item as u32);
        out.value.push(value as i32);
    }
    Ok(out)
}

/// Reads the questionnaire's JSON interchange form.
pub fn read_questionnaire(path: &Path) -> Result<Questionnaire> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text =
        std::fs::read_to_string(path).map_err(|e| AnalysisError::file(&name, e.to_string()))?;
    Questionnaire::from_json(&text).map_err(|e| AnalysisError::file(&name, e.to_string()))
}

/// Reads and checks the four files of `dir` against `questionnaire`.
pub fn read_inputs(dir: &Path, questionnaire: Questionnaire) -> Result<Inputs> {
    let agencies = agencies(&read_table(dir, "agencies")?)?;
    let dossiers = dossiers(&read_table(dir, "dossiers")?, &agencies)?;
    let (responses, response_ids) = responses(&read_table(dir, "responses")?, &agencies)?;
    let answers = answers(
        read_table_as(dir, "answers", false)?,
        Some(dir),
        &response_ids,
        &questionnaire,
    )?;
    Ok(Inputs {
        agencies,
        dossiers,
        responses,
        answers,
        questionnaire,
    })
}

/// The four tables of §1 as polars frames (any column types; they are read as text).
pub struct Frames {
    pub agencies: DataFrame,
    pub dossiers: DataFrame,
    pub responses: DataFrame,
    pub answers: DataFrame,
}

/// Checks frames already in memory (named `agencies`, … in errors, as if they were files).
pub fn inputs_from_frames(frames: Frames, questionnaire: Questionnaire) -> Result<Inputs> {
    let table = |name: &str, frame: DataFrame| -> Result<Table> {
        let frame = frame
            .lazy()
            .select([all().as_expr().cast(DataType::String)])
            .collect()?;
        Ok(Table {
            name: name.to_owned(),
            frame,
        })
    };
    let agencies = agencies(&table("agencies", frames.agencies)?)?;
    let dossiers = dossiers(&table("dossiers", frames.dossiers)?, &agencies)?;
    let (responses, response_ids) = responses(&table("responses", frames.responses)?, &agencies)?;
    let answers = answers(
        table("answers", frames.answers)?,
        None,
        &response_ids,
        &questionnaire,
    )?;
    Ok(Inputs {
        agencies,
        dossiers,
        responses,
        answers,
        questionnaire,
    })
}
