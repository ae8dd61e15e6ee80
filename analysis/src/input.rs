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

/// Rows of the answers checked at a time when they come from Parquet: the file is read slice
/// by slice, so that loading tens of millions of answers never holds all their text at once.
const ANSWER_SLICE_ROWS: usize = 4_000_000;

/// Where the answers come from: a frame already in memory (CSV, or frames handed over), or a
/// Parquet file read slice by slice.
enum AnswersSource<'a> {
    Frame(Table),
    Parquet { dir: &'a Path, slice_rows: usize },
}

/// The answers, checked with polars joins on whole columns rather than row by row through a
/// map of text ids: at tens of millions of rows this is what loading costs. Errors are the same
/// as everywhere: the first bad row, by line, with the field and the reason.
fn answers(
    source: AnswersSource<'_>,
    response_ids: &HashMap<String, u32>,
    questionnaire: &Questionnaire,
) -> Result<Answers> {
    let mut checker = AnswerChecker::new(response_ids, questionnaire)?;
    match source {
        AnswersSource::Frame(table) => {
            let raw = |row: usize, field: &str| cell_text(&table.frame, row, field);
            checker.check(&table.name, &table.frame, 0, &raw)?;
        }
        AnswersSource::Parquet { dir, slice_rows } => {
            let path = dir.join("answers.parquet").to_string_lossy().into_owned();
            let name = "answers.parquet";
            // An error message quoting a raw value reads the file again (errors are rare).
            let raw = |row: usize, field: &str| {
                read_table_as(dir, "answers", false)
                    .map(|t| cell_text(&t.frame, row, field))
                    .unwrap_or_default()
            };
            let mut offset = 0usize;
            loop {
                let slice = LazyFrame::scan_parquet(
                    PlRefPath::new(path.as_str()),
                    ScanArgsParquet::default(),
                )
                .and_then(|lf| lf.slice(offset as i64, slice_rows as IdxSize).collect())
                .map_err(|e| AnalysisError::file(name, e.to_string()))?;
                if slice.height() == 0 && offset > 0 {
                    break;
                }
                checker.check(name, &slice, offset, &raw)?;
                offset += slice.height();
                if slice.height() < slice_rows {
                    break;
                }
            }
        }
    }
    Ok(checker.out)
}

/// Checks answers slice after slice against the responses and the questionnaire.
struct AnswerChecker<'q> {
    known_responses: DataFrame,
    known_items: DataFrame,
    questionnaire: &'q Questionnaire,
    /// One bit per (response, item): a second answer to the same item is an error.
    answered: Vec<u64>,
    words: usize,
    out: Answers,
}

impl<'q> AnswerChecker<'q> {
    fn new(response_ids: &HashMap<String, u32>, questionnaire: &'q Questionnaire) -> Result<Self> {
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
        let words = questionnaire.items.len().div_ceil(64);
        Ok(Self {
            known_responses,
            known_items,
            questionnaire,
            answered: vec![0u64; response_ids.len() * words],
            words,
            out: Answers::default(),
        })
    }

    /// Checks one slice whose first row is row `offset` of the table; `raw` gives a cell of
    /// the table as written, for error messages.
    fn check(
        &mut self,
        name: &str,
        slice: &DataFrame,
        offset: usize,
        raw: &dyn Fn(usize, &str) -> String,
    ) -> Result<()> {
        for field in ["response_id", "item_code", "value"] {
            if slice.column(field).is_err() {
                return Err(AnalysisError::input(name, 1, field, "missing column"));
            }
        }
        let value = if slice.column("value")?.dtype().is_integer() {
            col("value").cast(DataType::Int64)
        } else {
            col("value").cast(DataType::String).cast(DataType::Int64)
        };
        let mut left = JoinArgs::new(JoinType::Left);
        left.maintain_order = MaintainOrderJoin::Left;
        let checked = slice
            .clone()
            .lazy()
            .select([
                col("response_id").cast(DataType::String),
                col("item_code").cast(DataType::String),
                value.alias("v"),
            ])
            .join(
                self.known_responses.clone().lazy(),
                [col("response_id")],
                [col("response_id")],
                left.clone(),
            )
            .join(
                self.known_items.clone().lazy(),
                [col("item_code")],
                [col("item_code")],
                left,
            )
            .select([col("rid"), col("item"), col("v")])
            .collect()?;
        let (rids, items, values) = (
            checked.column("rid")?.u32()?,
            checked.column("item")?.u32()?,
            checked.column("v")?.i64()?,
        );
        // Rows are numbered in the whole table: the header is line 1.
        let error = |row: usize, field: &str, message: String| {
            AnalysisError::input(name, offset + row + 2, field, message)
        };
        let questionnaire = self.questionnaire;
        self.out.response.reserve(checked.height());
        self.out.item.reserve(checked.height());
        self.out.value.reserve(checked.height());
        for row in 0..checked.height() {
            let Some(rid) = rids.get(row) else {
                return Err(error(
                    row,
                    "response_id",
                    format!("unknown response {:?}", raw(offset + row, "response_id")),
                ));
            };
            let Some(item) = items.get(row) else {
                return Err(error(
                    row,
                    "item_code",
                    format!("unknown item {:?}", raw(offset + row, "item_code")),
                ));
            };
            let item = item as usize;
            let (word, bit) = (rid as usize * self.words + item / 64, 1u64 << (item % 64));
            if self.answered[word] & bit != 0 {
                let message = format!(
                    "a second answer to item {:?} of response {:?}",
                    questionnaire.items[item].code,
                    raw(offset + row, "response_id")
                );
                return Err(error(row, "item_code", message));
            }
            self.answered[word] |= bit;
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
                        raw(offset + row, "value"),
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
            self.out.response.push(rid);
            self.out.item.push(item as u32);
            self.out.value.push(value as i32);
        }
        Ok(())
    }
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
    let source = if !dir.join("answers.csv").exists() && dir.join("answers.parquet").exists() {
        AnswersSource::Parquet {
            dir,
            slice_rows: ANSWER_SLICE_ROWS,
        }
    } else {
        AnswersSource::Frame(read_table_as(dir, "answers", false)?)
    };
    let answers = answers(source, &response_ids, &questionnaire)?;
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
        AnswersSource::Frame(table("answers", frames.answers)?),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn questionnaire() -> Questionnaire {
        Questionnaire::from_json(
            r#"{"version":"t","dimensions":[{"code":"A","name_vi":"A","name_en":"A","weight":1.0}],
               "items":[{"code":"A1","dimension":"A","kind":"likert5","text_vi":"x","text_en":"x"},
                        {"code":"A2","dimension":"A","kind":"yes_no","direction":"positive","text_vi":"y","text_en":"y"}]}"#,
        )
        .unwrap()
    }

    fn write_answers(dir: &Path, rows: &[(&str, &str, i64)]) {
        let mut frame = DataFrame::new_infer_height(vec![
            Column::new(
                "response_id".into(),
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "item_code".into(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            ),
            Column::new("value".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        ])
        .unwrap();
        let file = std::fs::File::create(dir.join("answers.parquet")).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
    }

    fn ids() -> HashMap<String, u32> {
        HashMap::from([
            ("R1".to_owned(), 0),
            ("R2".to_owned(), 1),
            ("R3".to_owned(), 2),
        ])
    }

    #[test]
    fn parquet_answers_read_in_slices_equal_one_read_and_errors_keep_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let q = questionnaire();
        let read = |dir: &tempfile::TempDir, slice_rows: usize| {
            answers(
                AnswersSource::Parquet {
                    dir: dir.path(),
                    slice_rows,
                },
                &ids(),
                &q,
            )
        };
        let rows = [
            ("R1", "A1", 4),
            ("R1", "A2", 1),
            ("R2", "A1", 5),
            ("R3", "A1", 2),
            ("R3", "A2", 0),
        ];
        write_answers(dir.path(), &rows);
        let whole = read(&dir, 100).unwrap();
        let sliced = read(&dir, 2).unwrap();
        assert_eq!(whole.response, vec![0, 0, 1, 2, 2]);
        assert_eq!(
            (&whole.response, &whole.item, &whole.value),
            (&sliced.response, &sliced.item, &sliced.value)
        );

        // A bad row in the third slice is still named by its line in the file.
        let mut bad = rows.to_vec();
        bad[4] = ("R9", "A2", 0);
        write_answers(dir.path(), &bad);
        let error = read(&dir, 2).unwrap_err().to_string();
        assert!(error.contains("answers.parquet"), "{error}");
        assert!(error.contains("line 6"), "{error}");
        assert!(error.contains("R9"), "{error}");

        // So is a second answer to an item, across slices.
        let mut twice = rows.to_vec();
        twice[2] = ("R1", "A1", 3);
        write_answers(dir.path(), &twice);
        let error = read(&dir, 2).unwrap_err().to_string();
        assert!(
            error.contains("line 4") && error.contains("second answer"),
            "{error}"
        );
    }
}
