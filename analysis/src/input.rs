//! The four files of METHODOLOGY §1, read (CSV, or Parquet of the same name and columns) and
//! checked row by row into compact columns. Any error stops the run before anything is
//! computed or written.
//!
//! Reading is most of a run's time, so it is built for it: polars' eager CSV reader reads only
//! the columns the method uses, on every core; the answers' values come as integers; rows are
//! checked in pieces on every core, and of all the bad rows the first (by line) is reported, so
//! errors read exactly as if the file were checked line by line.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::path::Path;

use chrono::{DateTime, Utc};
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::{AnalysisError, Result};
use crate::instant::DayMemo;
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
    /// Position of the item in the questionnaire (a questionnaire has fewer than 65,536).
    pub item: Vec<u16>,
    /// The answer, checked against its item's range (a few units either way).
    pub value: Vec<i16>,
}

#[derive(Debug, Clone)]
pub struct Inputs {
    pub agencies: Agencies,
    pub dossiers: Dossiers,
    pub responses: Responses,
    pub answers: Answers,
    pub questionnaire: Questionnaire,
    /// `successions.csv` (§13), empty without the file.
    pub successions: Vec<crate::lineage::Succession>,
}

/// A table as read: the columns the analysis reads (as text, but for the answers' values),
/// the names of all of them, and how rows map to lines.
struct Table {
    name: String,
    frame: DataFrame,
    header: Vec<String>,
    /// The file's row of the frame's first row: a slice of a large file starts further in.
    first_row: usize,
}

/// Rows checked by one task: a run of rows inside one chunk of the table's columns.
#[derive(Clone, Copy)]
struct Piece {
    chunk: usize,
    /// First row inside the chunk.
    start: usize,
    len: usize,
    /// First row in the whole table.
    row: usize,
}

/// Rows per task: large enough that scheduling costs nothing, small enough for every core to
/// get several.
const PIECE_ROWS: usize = 1 << 16;

/// Cuts chunks of the given lengths into pieces, in row order.
fn pieces(chunk_lengths: impl Iterator<Item = usize>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut row = 0;
    for (chunk, len) in chunk_lengths.enumerate() {
        let mut start = 0;
        while start < len {
            let take = PIECE_ROWS.min(len - start);
            out.push(Piece {
                chunk,
                start,
                len: take,
                row,
            });
            start += take;
            row += take;
        }
    }
    out
}

/// One bad row found by a task: its row in the table, and what is wrong.
type RowError = (usize, AnalysisError);

/// The first error (by row) among the pieces' results, or their outputs in row order.
fn in_row_order<T>(
    results: Vec<std::result::Result<T, RowError>>,
) -> std::result::Result<Vec<T>, RowError> {
    let mut parts = Vec::with_capacity(results.len());
    for result in results {
        // Pieces are in row order: the first failed piece holds the first bad row.
        parts.push(result?);
    }
    Ok(parts)
}

impl Table {
    /// A table whose columns are cut into the same chunks (rows are read chunk by chunk, on
    /// every core).
    fn new(name: String, mut frame: DataFrame) -> Self {
        frame.align_chunks_par();
        let header = frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        Self {
            name,
            frame,
            header,
            first_row: 0,
        }
    }

    /// That the file has a column the method names but the analysis does not read.
    fn require(&self, field: &str) -> Result<()> {
        if self.header.iter().any(|h| h == field) {
            Ok(())
        } else {
            Err(AnalysisError::input(&self.name, 1, field, "missing column"))
        }
    }

    /// The chunks of the text columns `fields`, side by side.
    fn chunks(&self, fields: &[&str]) -> Result<Vec<Vec<&TextArray>>> {
        fields
            .iter()
            .map(|field| Ok(self.column(field)?.downcast_iter().collect()))
            .collect()
    }

    /// Line of row `i`: the header is line 1.
    fn line(&self, row: usize) -> usize {
        self.first_row + row + 2
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
    read_table_as(dir, name, true, None)
}

/// The header of a CSV file (its first record), without reading the rest. The csv crate reads
/// just the first line: polars' reader, told to read no rows, still parses the first chunks of
/// a large file on every core before it stops (40 ms on the bench's dossiers). A header the
/// two might read differently is left to polars, so that such a file reads, or fails, as it
/// always did.
fn csv_header(path: &Path, name: &str) -> Result<Vec<String>> {
    if let Some(header) = plain_csv_header(path) {
        return Ok(header);
    }
    let empty = CsvReadOptions::default()
        .with_has_header(true)
        .with_n_rows(Some(0))
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_owned()))
        .and_then(CsvReader::finish)
        .map_err(|e| AnalysisError::file(&format!("{name}.csv"), e.to_string()))?;
    Ok(empty
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect())
}

/// The first line of a CSV file as the csv crate reads it, when it is plainly the header: a
/// line of UTF-8 without a byte-order mark, a quote or a carriage return, no name empty or
/// twice.
fn plain_csv_header(path: &Path) -> Option<Vec<String>> {
    use std::io::BufRead;
    let mut line = Vec::new();
    std::io::BufReader::new(std::fs::File::open(path).ok()?)
        .read_until(b'\n', &mut line)
        .ok()?;
    if line.is_empty() || line.starts_with(b"\xEF\xBB\xBF") || line.contains(&b'"') {
        return None;
    }
    if line.ends_with(b"\n") {
        line.pop();
    }
    if line.contains(&b'\r') {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_slice());
    let mut record = csv::StringRecord::new();
    if !reader.read_record(&mut record).ok()? {
        return None;
    }
    let header: Vec<String> = record.iter().map(str::to_owned).collect();
    let distinct: std::collections::HashSet<&String> = header.iter().collect();
    let plain = distinct.len() == header.len() && !header.iter().any(String::is_empty);
    plain.then_some(header)
}

/// As [`read_table`]; with `as_text` false, Parquet columns keep their stored types (the
/// answers are read that way: 30 million integers need not become text). With `only`, just
/// those columns are read (the header still says which the file has); a CSV column `value` is
/// read as integers when every value is one.
fn read_table_as(dir: &Path, name: &str, as_text: bool, only: Option<&[&str]>) -> Result<Table> {
    let csv = dir.join(format!("{name}.csv"));
    let parquet = dir.join(format!("{name}.parquet"));
    let (file, frame, header) = if csv.exists() {
        let file = format!("{name}.csv");
        let header = csv_header(&csv, name)?;
        let projection: Option<Arc<[PlSmallStr]>> = only.map(|fields| {
            fields
                .iter()
                .filter(|f| header.iter().any(|h| h == *f))
                .map(|f| PlSmallStr::from(*f))
                .collect()
        });
        // Before it splits the file into chunks for its cores, polars finds the line ends on
        // one thread, byte by byte while it tracks quotes (its vectorised search needs nightly
        // Rust). A file without a single quote character reads the same with quoting off, and
        // then that serial search is a plain newline count: on the bench's 181 MB of CSV the
        // run takes 0.2 s less CPU (BENCHMARKS.md). One memchr pass says which case holds.
        let quote_char = holds_a_quote(&csv)
            .map_err(|e| AnalysisError::file(&file, e.to_string()))?
            .then_some(b'"');
        // The eager reader: on a file that fits in memory it reads in a few large chunks, on
        // every core, in less than half the lazy reader's time (measured on a million rows).
        let read =
            |typed: bool| {
                let mut options = CsvReadOptions::default()
                    .with_has_header(true)
                    .with_infer_schema_length(Some(0))
                    .with_columns(projection.clone())
                    .map_parse_options(|parse| parse.with_quote_char(quote_char));
                if typed {
                    options = options.with_schema_overwrite(Some(Arc::new(Schema::from_iter([
                        Field::new("value".into(), DataType::Int64),
                    ]))));
                }
                options
                    .try_into_reader_with_file_path(Some(csv.clone()))
                    .and_then(CsvReader::finish)
            };
        let wants_value = !as_text && header.iter().any(|h| h == "value");
        // A value that is no integer fails the typed read: read it as text, and the checks
        // name the row.
        let frame = match wants_value.then(|| read(true)) {
            Some(Ok(frame)) => frame,
            _ => read(false).map_err(|e| AnalysisError::file(&file, e.to_string()))?,
        };
        (file, frame, header)
    } else if parquet.exists() {
        let path = parquet.to_string_lossy().into_owned();
        let file = format!("{name}.parquet");
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
                .map_err(|e| AnalysisError::file(&file, e.to_string()))?;
        let header = frame
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        (file, frame, header)
    } else {
        return Err(AnalysisError::file(
            &format!("{name}.csv"),
            format!("not found in {}", dir.display()),
        ));
    };
    let mut table = Table::new(file, frame);
    table.header = header;
    Ok(table)
}

/// Whether the file holds a `"` anywhere: its blocks read on every core (a 128 MB file is
/// 20 ms of copying on one).
fn holds_a_quote(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    const BLOCK: u64 = 1 << 22;
    let len = std::fs::metadata(path)?.len();
    (0..len.div_ceil(BLOCK))
        .into_par_iter()
        .map_init(
            || vec![0u8; BLOCK as usize],
            |buffer, k| {
                let mut file = std::fs::File::open(path)?;
                file.seek(SeekFrom::Start(k * BLOCK))?;
                let wanted = BLOCK.min(len - k * BLOCK) as usize;
                let mut filled = 0;
                while filled < wanted {
                    match file.read(&mut buffer[filled..wanted])? {
                        0 => break,
                        n => filled += n,
                    }
                }
                Ok(memchr::memchr(b'"', &buffer[..filled]).is_some())
            },
        )
        .try_reduce(|| false, |a, b| Ok(a || b))
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

/// One chunk of a text column.
type TextArray = <StringType as PolarsDataType>::Array;

/// The text of a cell ("" for an empty one).
fn at(array: &TextArray, i: usize) -> &str {
    StaticArray::get(array, i).unwrap_or("")
}

fn nanos(table: &Table, row: usize, field: &str, raw: &str, memo: &mut DayMemo) -> Result<i64> {
    crate::instant::parse_rfc3339_nanos_with(raw, memo).ok_or_else(|| {
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
    table.require("name")?;
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

/// The index of the agency a row names.
fn agency_at(
    table: &Table,
    row: usize,
    agency_of: &PlHashMap<&str, u32>,
    code: &str,
) -> std::result::Result<u32, RowError> {
    agency_of.get(code).copied().ok_or_else(|| {
        (
            row,
            AnalysisError::input(
                &table.name,
                table.line(row),
                "agency_code",
                format!("unknown agency {code:?}"),
            ),
        )
    })
}

/// The first row whose id an earlier row already has, found without a row-by-row hash set:
/// every id's hash is computed on every core, and (hash, row) pairs packed into one number are
/// sorted; only ids whose hashes meet are compared.
fn first_duplicate(ids: &StringChunked) -> Option<usize> {
    // Rows up to 2^ROW_BITS fit beside the hash's high bits; larger tables sort pairs.
    const ROW_BITS: u32 = 28;
    let chunks: Vec<&TextArray> = ids.downcast_iter().collect();
    let pieces = pieces(chunks.iter().map(|array| array.len()));
    let hasher = PlRandomState::default();
    let hashes = |piece: &Piece| {
        let array = chunks[piece.chunk];
        (piece.start..piece.start + piece.len)
            .map(|i| hasher.hash_one(at(array, i)))
            .collect::<Vec<u64>>()
    };
    let text = |row: u64| text(ids, row as usize);
    let mut candidates: Vec<u64> = Vec::new();
    if ids.len() < 1 << ROW_BITS {
        let mut keyed: Vec<u64> = pieces
            .par_iter()
            .flat_map_iter(|piece| {
                let first = piece.row as u64;
                hashes(piece)
                    .into_iter()
                    .enumerate()
                    .map(move |(i, h)| (h >> ROW_BITS << ROW_BITS) | (first + i as u64))
            })
            .collect();
        keyed.par_sort_unstable();
        let mask = (1u64 << ROW_BITS) - 1;
        for run in keyed.chunk_by(|a, b| a >> ROW_BITS == b >> ROW_BITS) {
            if run.len() > 1 {
                candidates.extend(first_repeat(run.iter().map(|k| k & mask), text));
            }
        }
    } else {
        let mut keyed: Vec<(u64, u64)> = pieces
            .par_iter()
            .flat_map_iter(|piece| {
                let first = piece.row as u64;
                hashes(piece)
                    .into_iter()
                    .enumerate()
                    .map(move |(i, h)| (h, first + i as u64))
            })
            .collect();
        keyed.par_sort_unstable();
        for run in keyed.chunk_by(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                candidates.extend(first_repeat(run.iter().map(|k| k.1), text));
            }
        }
    }
    candidates.into_iter().min().map(|row| row as usize)
}

/// Among rows (in order) whose ids share a hash, the first that repeats an earlier one's id
/// (different ids may share a hash).
fn first_repeat<'a>(rows: impl Iterator<Item = u64>, text: impl Fn(u64) -> &'a str) -> Option<u64> {
    let rows: Vec<u64> = rows.collect();
    rows.iter()
        .enumerate()
        .skip(1)
        .find(|(j, row)| {
            rows[..*j]
                .iter()
                .any(|earlier| text(*earlier) == text(**row))
        })
        .map(|(_, row)| *row)
}

/// From 1976 on, Vietnam's clocks have stayed at UTC+7: later instants need not ask the time
/// zone database's answer.
const VIETNAM_FIXED_SINCE_NANOS: i64 = 189_302_400 * 1_000_000_000;

/// The quarter (Vietnam time) of an instant in nanoseconds since the epoch.
fn quarter_of_nanos(nanos: i64) -> Quarter {
    if nanos < VIETNAM_FIXED_SINCE_NANOS {
        return Quarter::of_instant(DateTime::<Utc>::from_timestamp_nanos(nanos));
    }
    let local_days = (nanos / 1_000_000_000 + 7 * 3600).div_euclid(86_400);
    let (year, month) = crate::instant::civil_from_days(local_days);
    Quarter {
        year: year as i32,
        quarter: ((month - 1) / 3 + 1) as u8,
    }
}

impl Dossiers {
    fn with_capacity(rows: usize) -> Self {
        Self {
            agency: Vec::with_capacity(rows),
            quarter: Vec::with_capacity(rows),
            cell: Vec::with_capacity(rows),
            on_time: Vec::with_capacity(rows),
            invited: Vec::with_capacity(rows),
            processing_days: Vec::with_capacity(rows),
        }
    }

    fn append(&mut self, mut other: Dossiers) {
        self.agency.append(&mut other.agency);
        self.quarter.append(&mut other.quarter);
        self.cell.append(&mut other.cell);
        self.on_time.append(&mut other.on_time);
        self.invited.append(&mut other.invited);
        self.processing_days.append(&mut other.processing_days);
    }
}

/// Checks the rows of one piece of the dossiers.
fn dossier_piece(
    table: &Table,
    columns: &[Vec<&TextArray>],
    piece: Piece,
    agency_of: &PlHashMap<&str, u32>,
) -> std::result::Result<Dossiers, RowError> {
    let column = |f: usize| columns[f][piece.chunk];
    let (agency, kinds, channels) = (column(0), column(1), column(2));
    let (received, due, completed, invited) = (column(3), column(4), column(5), column(6));
    let mut out = Dossiers::with_capacity(piece.len);
    let mut memo = DayMemo::default();
    for i in piece.start..piece.start + piece.len {
        let row = piece.row + (i - piece.start);
        let line = table.line(row);
        let fail = |e: AnalysisError| (row, e);
        let agency_index = agency_at(table, row, agency_of, at(agency, i))?;
        let kind = pick(table, row, "applicant_kind", at(kinds, i), &KINDS).map_err(fail)?;
        let channel = pick(table, row, "channel", at(channels, i), &CHANNELS).map_err(fail)?;
        let received_at =
            nanos(table, row, "received_at", at(received, i), &mut memo).map_err(fail)?;
        let due_at = nanos(table, row, "due_at", at(due, i), &mut memo).map_err(fail)?;
        let completed_at =
            nanos(table, row, "completed_at", at(completed, i), &mut memo).map_err(fail)?;
        if completed_at < received_at {
            return Err(fail(AnalysisError::input(
                &table.name,
                line,
                "completed_at",
                "is before received_at",
            )));
        }
        let was_invited = match at(invited, i) {
            "true" => true,
            "false" => false,
            other => {
                return Err(fail(AnalysisError::input(
                    &table.name,
                    line,
                    "invited",
                    format!("unknown value {other:?}; expected true or false"),
                )))
            }
        };
        out.agency.push(agency_index);
        out.quarter.push(quarter_of_nanos(completed_at));
        out.cell.push(cell_of(channel, kind));
        out.on_time.push(completed_at <= due_at);
        out.invited.push(was_invited);
        // Whole milliseconds, as chrono's `num_milliseconds` of the difference.
        out.processing_days
            .push(((completed_at - received_at) / 1_000_000) as f64 / 86_400_000.0);
    }
    Ok(out)
}

/// The responses' columns the analysis reads.
const RESPONSE_COLUMNS: [&str; 6] = [
    "response_id",
    "agency_code",
    "applicant_kind",
    "channel",
    "quarter",
    "questionnaire_version",
];

/// The dossiers' columns the analysis reads: the id (checked unique), then the fields each
/// row is checked on, in the order [`dossier_piece`] takes them.
const DOSSIER_COLUMNS: [&str; 8] = [
    "dossier_id",
    "agency_code",
    "applicant_kind",
    "channel",
    "received_at",
    "due_at",
    "completed_at",
    "invited",
];

fn dossiers(table: &Table, agencies: &Agencies) -> Result<Dossiers> {
    table.require("procedure_code")?;
    let columns = table.chunks(&DOSSIER_COLUMNS[1..])?;
    let agency_of = agency_lookup(agencies);
    let parts = check_in_pieces(table, "dossier_id", &columns[0], |piece| {
        dossier_piece(table, &columns, piece, &agency_of)
    })?;
    // Room for every row at once: appended piece after piece, a growing column would be
    // copied again at every doubling.
    let mut out = Dossiers::with_capacity(table.height());
    for part in parts {
        out.append(part);
    }
    Ok(out)
}

/// Agency codes to their index, for lookups by text borrowed from a column.
fn agency_lookup(agencies: &Agencies) -> PlHashMap<&str, u32> {
    agencies
        .index
        .iter()
        .map(|(code, i)| (code.as_str(), *i))
        .collect()
}

/// Checks a table's rows in pieces on every core, while its ids are checked unique; the
/// first bad row is the error, a repeated id being its row's first fault.
fn check_in_pieces<T: Send>(
    table: &Table,
    id_field: &str,
    chunks: &[&TextArray],
    check: impl Fn(Piece) -> std::result::Result<T, RowError> + Sync,
) -> Result<Vec<T>> {
    let ids = table.column(id_field)?;
    let (duplicate, checked) = rayon::join(|| first_duplicate(ids), || check_rows(chunks, &check));
    let error = checked.as_ref().err().map(|(row, _)| *row);
    if let Some(row) = duplicate.filter(|d| error.is_none_or(|e| *d <= e)) {
        return Err(AnalysisError::input(
            &table.name,
            table.line(row),
            id_field,
            format!("duplicate id {:?}", text(ids, row)),
        ));
    }
    checked.map_err(|(_, e)| e)
}

/// Checks rows in pieces on every core; the first bad row (by row) is the error.
fn check_rows<T: Send>(
    chunks: &[&TextArray],
    check: &(impl Fn(Piece) -> std::result::Result<T, RowError> + Sync),
) -> std::result::Result<Vec<T>, RowError> {
    let pieces = pieces(chunks.iter().map(|array| array.len()));
    in_row_order(pieces.par_iter().map(|piece| check(*piece)).collect())
}

/// Rows of the dossiers checked at a time when they come from Parquet: a country's year has
/// tens of millions, and their text held whole was most of a run's memory.
const DOSSIER_SLICE_ROWS: usize = 4_000_000;

/// The dossiers of `DIR/dossiers.parquet`, read and checked slice by slice. Ids are checked
/// unique across slices by their 64-bit hashes alone; only when two hashes meet (about once
/// in a million runs of fifty million rows) is the id column read again to compare the text.
/// Errors are those of [`dossiers`]: the first bad row by line, a repeated id being its row's
/// first fault.
fn dossiers_from_parquet(dir: &Path, agencies: &Agencies, slice_rows: usize) -> Result<Dossiers> {
    let name = "dossiers.parquet";
    let path = dir.join(name).to_string_lossy().into_owned();
    let file_error = |e: PolarsError| AnalysisError::file(name, e.to_string());
    let scan = || {
        LazyFrame::scan_parquet(PlRefPath::new(path.as_str()), ScanArgsParquet::default())
            .map_err(file_error)
    };
    let header: Vec<String> = scan()?
        .collect_schema()
        .map_err(file_error)?
        .iter_names()
        .map(|n| n.to_string())
        .collect();
    let read: Vec<Expr> = DOSSIER_COLUMNS
        .iter()
        .filter(|f| header.iter().any(|h| h == *f))
        .map(|f| col(*f).cast(DataType::String))
        .collect();
    let agency_of = agency_lookup(agencies);
    let hasher = PlRandomState::default();
    let mut keyed: Vec<(u64, u64)> = Vec::new();
    let mut out = Dossiers::default();
    let mut bad: Option<(usize, AnalysisError)> = None;
    let mut first_row = 0usize;
    loop {
        let frame = scan()?
            .select(read.clone())
            .slice(first_row as i64, slice_rows as IdxSize)
            .collect()
            .map_err(file_error)?;
        let height = frame.height();
        let mut table = Table::new(name.to_owned(), frame);
        table.header = header.clone();
        table.first_row = first_row;
        table.require("procedure_code")?;
        let ids = table.column("dossier_id")?;
        let columns = table.chunks(&DOSSIER_COLUMNS[1..])?;
        let id_chunks: Vec<&TextArray> = ids.downcast_iter().collect();
        keyed.par_extend(
            pieces(id_chunks.iter().map(|array| array.len()))
                .into_par_iter()
                .flat_map_iter(|piece| {
                    let array = id_chunks[piece.chunk];
                    let hasher = &hasher;
                    (0..piece.len).map(move |i| {
                        let row = first_row + piece.row + i;
                        (hasher.hash_one(at(array, piece.start + i)), row as u64)
                    })
                }),
        );
        match check_rows(&columns[0], &|piece| {
            dossier_piece(&table, &columns, piece, &agency_of)
        }) {
            Ok(parts) => parts.into_iter().for_each(|part| out.append(part)),
            Err((row, e)) => {
                bad = Some((first_row + row, e));
                break;
            }
        }
        first_row += height;
        if height < slice_rows {
            break;
        }
    }
    keyed.par_sort_unstable();
    let mut candidates: Vec<Vec<u64>> = keyed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .map(|run| run.iter().map(|k| k.1).collect())
        .collect();
    drop(keyed);
    let mut duplicate: Option<(usize, String)> = None;
    if !candidates.is_empty() {
        let ids = scan()?
            .select([col("dossier_id").cast(DataType::String)])
            .collect()
            .map_err(file_error)?;
        let ids = ids.column("dossier_id")?.str()?.clone();
        let text = |row: u64| text(&ids, row as usize);
        duplicate = candidates
            .iter_mut()
            .filter_map(|rows| {
                rows.sort_unstable();
                first_repeat(rows.iter().copied(), text)
            })
            .min()
            .map(|row| (row as usize, text(row).to_owned()));
    }
    match (duplicate, bad) {
        (Some((row, id)), bad) if bad.as_ref().is_none_or(|(b, _)| row <= *b) => Err(
            AnalysisError::input(name, row + 2, "dossier_id", format!("duplicate id {id:?}")),
        ),
        (_, Some((_, e))) => Err(e),
        (_, None) => Ok(out),
    }
}

/// The rows of one piece of the responses, their versions numbered in order of first use
/// within the piece.
struct ResponsePiece<'a> {
    out: Responses,
    versions: Vec<&'a str>,
}

fn response_piece<'a>(
    table: &Table,
    columns: &[Vec<&'a TextArray>],
    piece: Piece,
    agency_of: &PlHashMap<&str, u32>,
) -> std::result::Result<ResponsePiece<'a>, RowError> {
    let column = |f: usize| columns[f][piece.chunk];
    let (agency, kinds, channels, quarters, versions) =
        (column(0), column(1), column(2), column(3), column(4));
    let mut part = ResponsePiece {
        out: Responses::default(),
        versions: Vec::new(),
    };
    for i in piece.start..piece.start + piece.len {
        let row = piece.row + (i - piece.start);
        let line = table.line(row);
        let fail = |e: AnalysisError| (row, e);
        let agency_index = agency_at(table, row, agency_of, at(agency, i))?;
        let kind = pick(table, row, "applicant_kind", at(kinds, i), &KINDS).map_err(fail)?;
        let channel = pick(table, row, "channel", at(channels, i), &CHANNELS).map_err(fail)?;
        let quarter: Quarter =
            at(quarters, i)
                .parse()
                .map_err(|e: crate::period::BadQuarter| {
                    fail(AnalysisError::input(
                        &table.name,
                        line,
                        "quarter",
                        e.to_string(),
                    ))
                })?;
        let version = at(versions, i);
        let local = match part.versions.iter().position(|v| *v == version) {
            Some(local) => local,
            None => {
                part.versions.push(version);
                part.versions.len() - 1
            }
        };
        part.out.agency.push(agency_index);
        part.out.quarter.push(quarter);
        part.out.cell.push(cell_of(channel, kind));
        part.out.version.push(local as u32);
    }
    Ok(part)
}

/// The responses, and their ids (row order) for the answers to refer to.
fn responses(table: &Table, agencies: &Agencies) -> Result<(Responses, StringChunked)> {
    table.require("procedure_code")?;
    let columns = table.chunks(&RESPONSE_COLUMNS[1..])?;
    let agency_of = agency_lookup(agencies);
    let parts = check_in_pieces(table, "response_id", &columns[0], |piece| {
        response_piece(table, &columns, piece, &agency_of)
    })?;
    // Versions are numbered in order of first use in the file, piece after piece.
    let mut out = Responses::default();
    for mut part in parts {
        let global: Vec<u32> = part
            .versions
            .iter()
            .map(|version| {
                let index = out.versions.iter().position(|v| v == version);
                index.unwrap_or_else(|| {
                    out.versions.push((*version).to_owned());
                    out.versions.len() - 1
                }) as u32
            })
            .collect();
        out.agency.append(&mut part.out.agency);
        out.quarter.append(&mut part.out.quarter);
        out.cell.append(&mut part.out.cell);
        out.version
            .extend(part.out.version.iter().map(|local| global[*local as usize]));
    }
    Ok((out, table.column("response_id")?.clone()))
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

/// The answers, checked slice by slice on every core: each answer's response and item found
/// by a hash of their text, its value read and checked, and a second answer to the same item
/// caught in row order. Errors are the same as everywhere: the first bad row, by line, with
/// the field and the reason.
fn answers(
    source: AnswersSource<'_>,
    response_ids: &StringChunked,
    questionnaire: &Questionnaire,
) -> Result<Answers> {
    let mut checker = AnswerChecker::new(response_ids, questionnaire);
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
                read_table_as(dir, "answers", false, None)
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

/// What is wrong with one answer row on its own (a second answer to an item is found
/// afterwards, in row order). The value's faults carry the row's response and item: a second
/// answer is reported before a bad value in the same row.
enum Bad {
    Response,
    Item,
    NotInteger {
        response: u32,
        item: u32,
    },
    OutOfRange {
        response: u32,
        item: u32,
        value: i64,
    },
}

/// The answers of one piece, and its first bad row (row in the table) if any: rows before it
/// are in the vectors.
#[derive(Default)]
struct AnswerPiece {
    out: Answers,
    bad: Option<(usize, Bad)>,
}

/// The values of a slice of answers, as read: integers, or text to be read as integers.
enum Values<'a> {
    Integers(Vec<&'a <Int64Type as PolarsDataType>::Array>),
    Text(Vec<&'a TextArray>),
}

impl Values<'_> {
    fn get(&self, chunk: usize, i: usize) -> Option<i64> {
        match self {
            Self::Integers(arrays) => StaticArray::get(arrays[chunk], i),
            Self::Text(arrays) => StaticArray::get(arrays[chunk], i)?.parse().ok(),
        }
    }
}

/// Checks answers slice after slice against the responses and the questionnaire.
struct AnswerChecker<'q> {
    response_index: PlHashMap<&'q str, u32>,
    item_index: PlHashMap<&'q str, u32>,
    /// Whether no two items share a code (a validated questionnaire's are unique).
    codes_unique: bool,
    questionnaire: &'q Questionnaire,
    /// One bit per (response, item): a second answer to the same item is an error.
    answered: Vec<u64>,
    words: usize,
    out: Answers,
}

impl<'q> AnswerChecker<'q> {
    fn new(response_ids: &'q StringChunked, questionnaire: &'q Questionnaire) -> Self {
        let mut response_index = PlHashMap::with_capacity(response_ids.len());
        for (row, id) in response_ids.iter().enumerate() {
            response_index.insert(id.unwrap_or(""), row as u32);
        }
        let item_index: PlHashMap<&str, u32> = questionnaire
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.code.as_str(), i as u32))
            .collect();
        let codes_unique = item_index.len() == questionnaire.items.len();
        let words = questionnaire.items.len().div_ceil(64);
        Self {
            response_index,
            item_index,
            codes_unique,
            questionnaire,
            answered: vec![0u64; response_ids.len() * words],
            words,
            out: Answers::default(),
        }
    }

    /// Checks one piece's rows on their own: response, item and value.
    fn check_piece(
        &self,
        responses: &[&TextArray],
        items: &[&TextArray],
        values: &Values<'_>,
        piece: Piece,
    ) -> AnswerPiece {
        let mut part = AnswerPiece::default();
        part.out.response.reserve(piece.len);
        part.out.item.reserve(piece.len);
        part.out.value.reserve(piece.len);
        let (response_ids, item_codes) = (responses[piece.chunk], items[piece.chunk]);
        // A response's answers usually follow one another: the previous row's response is
        // tried before the hash map (millions of lookups in a map larger than the cache).
        let mut previous: Option<(&str, u32)> = None;
        let mut next_item = 0usize;
        for i in piece.start..piece.start + piece.len {
            let row = piece.row + (i - piece.start);
            let id = at(response_ids, i);
            let response = match previous {
                Some((text, response)) if text == id => response,
                _ => {
                    let Some(&response) = self.response_index.get(id) else {
                        part.bad = Some((row, Bad::Response));
                        break;
                    };
                    previous = Some((id, response));
                    response
                }
            };
            // And its items usually follow the questionnaire's order: the item after the
            // previous row's is tried before the hash map (3.4 M lookups were 6% of the
            // bench's CPU). Only when codes are unique is the guess the map's answer.
            let code = at(item_codes, i);
            let item = match self.questionnaire.items.get(next_item) {
                Some(spec) if self.codes_unique && spec.code == code => next_item as u32,
                _ => match self.item_index.get(code) {
                    Some(&item) => item,
                    None => {
                        part.bad = Some((row, Bad::Item));
                        break;
                    }
                },
            };
            next_item = item as usize + 1;
            if next_item == self.questionnaire.items.len() {
                next_item = 0;
            }
            let Some(value) = values.get(piece.chunk, i) else {
                part.bad = Some((row, Bad::NotInteger { response, item }));
                break;
            };
            if !self.questionnaire.items[item as usize].accepts(value) {
                part.bad = Some((
                    row,
                    Bad::OutOfRange {
                        response,
                        item,
                        value,
                    },
                ));
                break;
            }
            part.out.response.push(response);
            // Both fit: the questionnaire is checked to have fewer than 65,536 items, and an
            // accepted value lies in its item's small range. Narrow columns keep 340 M answers
            // in 2.4 GB rather than 4.1.
            part.out.item.push(item as u16);
            part.out.value.push(value as i16);
        }
        part
    }

    /// Marks (response, item) answered; false when it already was.
    fn first_answer(&mut self, response: u32, item: u32) -> bool {
        let item = item as usize;
        let (word, bit) = (
            response as usize * self.words + item / 64,
            1u64 << (item % 64),
        );
        let first = self.answered[word] & bit == 0;
        self.answered[word] |= bit;
        first
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
        // Ids and codes as text, values as integers when stored as integers of any width,
        // otherwise as text; all cut into the same chunks.
        let value = slice.column("value")?;
        let value = if value.dtype().is_integer() {
            value.cast(&DataType::Int64)?
        } else {
            value.cast(&DataType::String)?
        };
        let mut frame = DataFrame::new_infer_height(vec![
            slice.column("response_id")?.cast(&DataType::String)?,
            slice.column("item_code")?.cast(&DataType::String)?,
            value,
        ])?;
        frame.align_chunks_par();
        let text_chunks = |field: &str| -> Result<Vec<&TextArray>> {
            Ok(frame.column(field)?.str()?.downcast_iter().collect())
        };
        let (responses, items) = (text_chunks("response_id")?, text_chunks("item_code")?);
        let value = frame.column("value")?;
        let values = if value.dtype() == &DataType::Int64 {
            Values::Integers(value.i64()?.downcast_iter().collect())
        } else {
            Values::Text(value.str()?.downcast_iter().collect())
        };
        let pieces = pieces(responses.iter().map(|array| array.len()));
        let parts: Vec<AnswerPiece> = {
            let this = &*self;
            pieces
                .par_iter()
                .map(|piece| this.check_piece(&responses, &items, &values, *piece))
                .collect()
        };

        // Rows are numbered in the whole table: the header is line 1.
        let error = |row: usize, field: &str, message: String| {
            AnalysisError::input(name, offset + row + 2, field, message)
        };
        let questionnaire = self.questionnaire;
        let second_answer = |row: usize, item: u32| {
            let message = format!(
                "a second answer to item {:?} of response {:?}",
                questionnaire.items[item as usize].code,
                raw(offset + row, "response_id")
            );
            error(row, "item_code", message)
        };
        let range_of = |item: u32| {
            let spec = &questionnaire.items[item as usize];
            let range = match spec.kind {
                ItemKind::Likert5 => "an integer from 1 to 5",
                ItemKind::YesNo => "0 or 1",
            };
            (spec.code.as_str(), range)
        };
        self.out.response.reserve(frame.height());
        self.out.item.reserve(frame.height());
        self.out.value.reserve(frame.height());
        for (piece, part) in pieces.iter().zip(parts) {
            for (i, (&response, &item)) in part.out.response.iter().zip(&part.out.item).enumerate()
            {
                if !self.first_answer(response, u32::from(item)) {
                    return Err(second_answer(piece.row + i, u32::from(item)));
                }
            }
            if let Some((row, bad)) = part.bad {
                return Err(match bad {
                    Bad::Response => error(
                        row,
                        "response_id",
                        format!("unknown response {:?}", raw(offset + row, "response_id")),
                    ),
                    Bad::Item => error(
                        row,
                        "item_code",
                        format!("unknown item {:?}", raw(offset + row, "item_code")),
                    ),
                    Bad::NotInteger { response, item } => {
                        if !self.first_answer(response, item) {
                            return Err(second_answer(row, item));
                        }
                        let (code, range) = range_of(item);
                        error(
                            row,
                            "value",
                            format!(
                                "{:?} is not an integer; item {code} takes {range}",
                                raw(offset + row, "value"),
                            ),
                        )
                    }
                    Bad::OutOfRange {
                        response,
                        item,
                        value,
                    } => {
                        if !self.first_answer(response, item) {
                            return Err(second_answer(row, item));
                        }
                        let (code, range) = range_of(item);
                        error(
                            row,
                            "value",
                            format!("{value} is out of range; item {code} takes {range}"),
                        )
                    }
                });
            }
            let mut out = part.out;
            self.out.response.append(&mut out.response);
            self.out.item.append(&mut out.item);
            self.out.value.append(&mut out.value);
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
    // HAILONG_TIMINGS=1 prints when each file was read and checked (for benchmarks).
    let timings = std::env::var("HAILONG_TIMINGS").is_ok_and(|v| v == "1");
    let started = std::time::Instant::now();
    let stage = |what: &str| {
        if timings {
            eprintln!("  {what}: {:.3} s", started.elapsed().as_secs_f64());
        }
    };
    let agencies = agencies(&read_table(dir, "agencies")?)?;
    let successions = read_successions(dir, &agencies)?;
    let read_dossiers = || -> Result<Dossiers> {
        if !dir.join("dossiers.csv").exists() && dir.join("dossiers.parquet").exists() {
            let dossiers = dossiers_from_parquet(dir, &agencies, DOSSIER_SLICE_ROWS)?;
            stage("dossiers read and checked");
            return Ok(dossiers);
        }
        let dossier_table = read_table_as(dir, "dossiers", true, Some(&DOSSIER_COLUMNS))?;
        stage("dossiers read");
        let dossiers = dossiers(&dossier_table, &agencies)?;
        stage("dossiers checked");
        Ok(dossiers)
    };
    let read_survey = || -> Result<(Responses, Answers)> {
        let response_table = read_table_as(dir, "responses", true, Some(&RESPONSE_COLUMNS))?;
        let (responses, response_ids) = responses(&response_table, &agencies)?;
        drop(response_table);
        stage("responses read and checked");
        let source = if !dir.join("answers.csv").exists() && dir.join("answers.parquet").exists() {
            AnswersSource::Parquet {
                dir,
                slice_rows: ANSWER_SLICE_ROWS,
            }
        } else {
            AnswersSource::Frame(read_table_as(dir, "answers", false, None)?)
        };
        stage("answers read");
        let answers = answers(source, &response_ids, &questionnaire)?;
        stage("answers checked");
        Ok((responses, answers))
    };
    // Read one after the other: reading both halves at once was measured slower (2 cores,
    // 2026-11-30: 1.42 s against 1.34 s, more time in the kernel; again 2026-12-01: 0.95-1.33 s
    // against 0.92-1.0 s), each half being parallel.
    let dossiers = read_dossiers();
    let survey = read_survey();
    // A dossier error is reported first, as when the files are read one after the other.
    let dossiers = dossiers?;
    let (responses, answers) = survey?;
    Ok(Inputs {
        agencies,
        dossiers,
        responses,
        answers,
        questionnaire,
        successions,
    })
}

/// `DIR/successions.csv` (§1, optional): none without the file.
pub fn read_successions(
    dir: &Path,
    agencies: &Agencies,
) -> Result<Vec<crate::lineage::Succession>> {
    if !dir.join("successions.csv").exists() {
        return Ok(Vec::new());
    }
    let table = read_table(dir, "successions")?;
    let columns = [
        table.column("predecessor_code")?,
        table.column("successor_code")?,
        table.column("effective_on")?,
    ];
    crate::lineage::parse_successions(
        &table.name,
        (0..table.height()).map(|row| {
            (
                table.line(row),
                text(columns[0], row),
                text(columns[1], row),
                text(columns[2], row),
            )
        }),
        agencies,
    )
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
        Ok(Table::new(name.to_owned(), frame))
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
        successions: Vec::new(),
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

    /// An answers frame of (response, item code, value) rows.
    fn answers_frame(rows: &[(&str, &str, i64)]) -> DataFrame {
        DataFrame::new_infer_height(vec![
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
        .unwrap()
    }

    fn write_answers(dir: &Path, rows: &[(&str, &str, i64)]) {
        let mut frame = answers_frame(rows);
        let file = std::fs::File::create(dir.join("answers.parquet")).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
    }

    fn ids() -> StringChunked {
        StringChunked::from_slice("response_id".into(), &["R1", "R2", "R3"])
    }

    /// Many dossiers (several pieces, checked on every core), with `bad` rows replaced.
    fn dossier_table(rows: usize, bad: &[(usize, &str, &str)]) -> Table {
        let mut columns: Vec<(&str, Vec<String>)> = vec![
            ("dossier_id", (0..rows).map(|i| format!("D{i}")).collect()),
            ("agency_code", vec!["A".to_owned(); rows]),
            ("procedure_code", vec!["P".to_owned(); rows]),
            ("applicant_kind", vec!["citizen".to_owned(); rows]),
            ("channel", vec!["online".to_owned(); rows]),
            (
                "received_at",
                vec!["2026-01-05T08:00:00+07:00".to_owned(); rows],
            ),
            ("due_at", vec!["2026-01-09T17:00:00+07:00".to_owned(); rows]),
            (
                "completed_at",
                vec!["2026-01-07T10:00:00Z".to_owned(); rows],
            ),
            ("invited", vec!["true".to_owned(); rows]),
        ];
        for (row, field, value) in bad {
            let column = columns.iter_mut().find(|(f, _)| f == field).unwrap();
            column.1[*row] = (*value).to_owned();
        }
        let frame = DataFrame::new_infer_height(
            columns
                .into_iter()
                .map(|(name, values)| Column::new(name.into(), values))
                .collect(),
        )
        .unwrap();
        Table::new("dossiers.csv".to_owned(), frame)
    }

    fn one_agency() -> Agencies {
        Agencies {
            codes: vec!["A".to_owned()],
            levels: vec![Level::Province],
            parents: vec![None],
            index: HashMap::from([("A".to_owned(), 0)]),
        }
    }

    #[test]
    fn the_first_bad_dossier_by_line_is_named_whichever_piece_finds_it() {
        let rows = 3 * PIECE_ROWS + 17;
        let check = |bad: &[(usize, &str, &str)]| {
            dossiers(&dossier_table(rows, bad), &one_agency())
                .map(|d| d.agency.len())
                .map_err(|e| e.to_string())
        };
        assert_eq!(check(&[]), Ok(rows));
        let late_time = (2 * PIECE_ROWS + 5, "due_at", "soon");
        let early_kind = (PIECE_ROWS + 3, "applicant_kind", "robot");
        let error = check(&[late_time, early_kind]).unwrap_err();
        assert!(
            error.contains(&format!("line {}", PIECE_ROWS + 5)) && error.contains("applicant_kind"),
            "{error}"
        );
        // A repeated id before the bad row wins; after it, the bad row does.
        let repeat = |row: usize| (row, "dossier_id", "D7");
        let error = check(&[late_time, repeat(PIECE_ROWS)]).unwrap_err();
        assert!(
            error.contains(&format!("line {}", PIECE_ROWS + 2)) && error.contains("duplicate"),
            "{error}"
        );
        let error = check(&[late_time, repeat(rows - 1)]).unwrap_err();
        assert!(
            error.contains(&format!("line {}", 2 * PIECE_ROWS + 7)) && error.contains("due_at"),
            "{error}"
        );
    }

    /// The answers' items as read from rows of (response, item code).
    fn items_read(q: &Questionnaire, rows: &[(&str, &str)]) -> Result<Vec<(u32, u16)>> {
        let response_ids =
            StringChunked::from_iter_values("response_id".into(), ["R0", "R1"].into_iter());
        let rows: Vec<(&str, &str, i64)> = rows.iter().map(|r| (r.0, r.1, 1)).collect();
        let frame = answers_frame(&rows);
        let table = Table::new("answers.csv".to_owned(), frame);
        let out = answers(AnswersSource::Frame(table), &response_ids, q)?;
        Ok(out.response.into_iter().zip(out.item).collect())
    }

    #[test]
    fn items_in_any_order_read_as_their_codes_say() {
        let q = questionnaire();
        let rows = [("R0", "A1"), ("R0", "A2"), ("R1", "A2"), ("R1", "A1")];
        assert_eq!(
            items_read(&q, &rows).unwrap(),
            [(0, 0), (0, 1), (1, 1), (1, 0)]
        );
        // After the last item the guess is the first; an unknown code is still named.
        let error = items_read(&q, &[("R0", "A1"), ("R0", "A2"), ("R1", "A3")])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("line 4") && error.contains("unknown item"),
            "{error}"
        );
        // A questionnaire built without validation may repeat a code: the map decides, as
        // it always did (the later item), never the guess.
        let mut repeated = q.clone();
        repeated.items.push(q.items[0].clone());
        assert_eq!(items_read(&repeated, &[("R0", "A1")]).unwrap(), [(0, 2)]);
    }

    #[test]
    fn a_second_answer_in_a_later_piece_is_found_before_a_bad_value_after_it() {
        let q = questionnaire();
        let responses: Vec<String> = (0..PIECE_ROWS + 10).map(|i| format!("R{i}")).collect();
        let response_ids = StringChunked::from_iter_values(
            "response_id".into(),
            responses.iter().map(String::as_str),
        );
        let mut ids: Vec<String> = responses.clone();
        let mut values: Vec<String> = vec!["4".to_owned(); ids.len()];
        // Row PIECE_ROWS + 2 answers R1's A1 again; row PIECE_ROWS + 5 has no integer.
        ids[PIECE_ROWS + 2] = "R1".to_owned();
        values[PIECE_ROWS + 5] = "four".to_owned();
        let frame = DataFrame::new_infer_height(vec![
            Column::new("response_id".into(), ids),
            Column::new("item_code".into(), vec!["A1"; PIECE_ROWS + 10]),
            Column::new("value".into(), values),
        ])
        .unwrap();
        let table = Table::new("answers.csv".to_owned(), frame);
        let error = answers(AnswersSource::Frame(table), &response_ids, &q)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!("line {}", PIECE_ROWS + 4)) && error.contains("second answer"),
            "{error}"
        );
    }

    fn write_dossiers(dir: &Path, rows: usize, bad: &[(usize, &str, &str)]) {
        let mut frame = dossier_table(rows, bad).frame;
        let file = std::fs::File::create(dir.join("dossiers.parquet")).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
    }

    #[test]
    fn parquet_dossiers_read_in_slices_equal_one_read_and_errors_keep_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let rows = 25;
        let read = |slice_rows: usize| {
            dossiers_from_parquet(dir.path(), &one_agency(), slice_rows).map_err(|e| e.to_string())
        };
        write_dossiers(
            dir.path(),
            rows,
            &[(3, "completed_at", "2026-04-02T10:00:00+07:00")],
        );
        let whole = dossiers(
            &dossier_table(rows, &[(3, "completed_at", "2026-04-02T10:00:00+07:00")]),
            &one_agency(),
        )
        .unwrap();
        for slice_rows in [4, 7, 100] {
            let sliced = read(slice_rows).unwrap();
            assert_eq!(sliced.agency, whole.agency);
            assert_eq!(sliced.quarter, whole.quarter);
            assert_eq!(sliced.on_time, whole.on_time);
            assert_eq!(sliced.processing_days, whole.processing_days);
            assert_eq!(sliced.cell, whole.cell);
            assert_eq!(sliced.invited, whole.invited);
        }

        // A bad row in a later slice is named by its line in the file.
        write_dossiers(dir.path(), rows, &[(17, "channel", "pigeon")]);
        let error = read(4).unwrap_err();
        assert!(
            error.contains("dossiers.parquet")
                && error.contains("line 19")
                && error.contains("channel"),
            "{error}"
        );
        // A repeated id across slices, before the bad row: the repeat is the error…
        write_dossiers(
            dir.path(),
            rows,
            &[(17, "channel", "pigeon"), (9, "dossier_id", "D2")],
        );
        let error = read(4).unwrap_err();
        assert!(
            error.contains("line 11") && error.contains("duplicate id \"D2\""),
            "{error}"
        );
        // …after it, the bad row is; with no bad row, a late repeat is found in the last slice.
        write_dossiers(
            dir.path(),
            rows,
            &[(17, "channel", "pigeon"), (22, "dossier_id", "D2")],
        );
        assert!(read(4).unwrap_err().contains("line 19"));
        write_dossiers(dir.path(), rows, &[(24, "dossier_id", "D0")]);
        let error = read(4).unwrap_err();
        assert!(
            error.contains("line 26") && error.contains("duplicate"),
            "{error}"
        );
        // The method's column the analysis does not read must still be there.
        let mut frame = dossier_table(rows, &[])
            .frame
            .drop("procedure_code")
            .unwrap();
        let file = std::fs::File::create(dir.path().join("dossiers.parquet")).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
        let error = read(4).unwrap_err();
        assert!(
            error.contains("procedure_code") && error.contains("missing column"),
            "{error}"
        );
    }

    #[test]
    fn parquet_answers_read_in_slices_equal_one_read_and_errors_keep_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let q = questionnaire();
        let response_ids = ids();
        let read = |dir: &tempfile::TempDir, slice_rows: usize| {
            answers(
                AnswersSource::Parquet {
                    dir: dir.path(),
                    slice_rows,
                },
                &response_ids,
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
