//! A table as read (CSV or Parquet, every column as text but where told otherwise), its rows'
//! lines for errors, and the checking of rows in pieces on every core, first error by line.

use std::hash::BuildHasher;
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use crate::error::{AnalysisError, Result};
use crate::instant::DayMemo;

/// A table as read: the columns the analysis reads (as text, but for the answers' values),
/// the names of all of them, and how rows map to lines.
pub(super) struct Table {
    pub(super) name: String,
    pub(super) frame: DataFrame,
    pub(super) header: Vec<String>,
    /// The file's row of the frame's first row: a slice of a large file starts further in.
    pub(super) first_row: usize,
}

/// Rows checked by one task: a run of rows inside one chunk of the table's columns.
#[derive(Clone, Copy)]
pub(super) struct Piece {
    pub(super) chunk: usize,
    /// First row inside the chunk.
    pub(super) start: usize,
    pub(super) len: usize,
    /// First row in the whole table.
    pub(super) row: usize,
}

/// Rows per task: large enough that scheduling costs nothing, small enough for every core to
/// get several.
pub(super) const PIECE_ROWS: usize = 1 << 16;

/// Cuts chunks of the given lengths into pieces, in row order.
pub(super) fn pieces(chunk_lengths: impl Iterator<Item = usize>) -> Vec<Piece> {
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
pub(super) type RowError = (usize, AnalysisError);

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
    pub(super) fn new(name: String, mut frame: DataFrame) -> Self {
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
    pub(super) fn require(&self, field: &str) -> Result<()> {
        if self.header.iter().any(|h| h == field) {
            Ok(())
        } else {
            Err(AnalysisError::input(&self.name, 1, field, "missing column"))
        }
    }

    /// The chunks of the text columns `fields`, side by side.
    pub(super) fn chunks(&self, fields: &[&str]) -> Result<Vec<Vec<&TextArray>>> {
        fields
            .iter()
            .map(|field| Ok(self.column(field)?.downcast_iter().collect()))
            .collect()
    }

    /// Line of row `i`: the header is line 1.
    pub(super) fn line(&self, row: usize) -> usize {
        self.first_row + row + 2
    }

    pub(super) fn column(&self, field: &str) -> Result<&StringChunked> {
        let column = self
            .frame
            .column(field)
            .map_err(|_| AnalysisError::input(&self.name, 1, field, "missing column"))?;
        Ok(column.str()?)
    }

    pub(super) fn height(&self) -> usize {
        self.frame.height()
    }
}

/// Reads `DIR/NAME.csv`, or `DIR/NAME.parquet` when there is no CSV, with every column as text.
pub(super) fn read_table(dir: &Path, name: &str) -> Result<Table> {
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
pub(super) fn read_table_as(
    dir: &Path,
    name: &str,
    as_text: bool,
    only: Option<&[&str]>,
) -> Result<Table> {
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
pub(super) fn cell_text(frame: &DataFrame, row: usize, field: &str) -> String {
    frame
        .column(field)
        .ok()
        .and_then(|c| c.get(row).ok())
        .map(|v| v.to_string().trim_matches('"').to_owned())
        .unwrap_or_default()
}

pub(super) fn text(column: &StringChunked, row: usize) -> &str {
    column.get(row).unwrap_or("")
}

/// One chunk of a text column.
pub(super) type TextArray = <StringType as PolarsDataType>::Array;

/// The text of a cell ("" for an empty one).
pub(super) fn at(array: &TextArray, i: usize) -> &str {
    StaticArray::get(array, i).unwrap_or("")
}

pub(super) fn nanos(
    table: &Table,
    row: usize,
    field: &str,
    raw: &str,
    memo: &mut DayMemo,
) -> Result<i64> {
    crate::instant::parse_rfc3339_nanos_with(raw, memo).ok_or_else(|| {
        AnalysisError::input(
            &table.name,
            table.line(row),
            field,
            format!("{raw:?} is not an RFC 3339 time with offset"),
        )
    })
}

pub(super) fn pick(
    table: &Table,
    row: usize,
    field: &str,
    raw: &str,
    choices: &[&str],
) -> Result<u8> {
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
pub(super) fn first_repeat<'a>(
    rows: impl Iterator<Item = u64>,
    text: impl Fn(u64) -> &'a str,
) -> Option<u64> {
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

/// Checks a table's rows in pieces on every core, while its ids are checked unique; the
/// first bad row is the error, a repeated id being its row's first fault.
pub(super) fn check_in_pieces<T: Send>(
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
pub(super) fn check_rows<T: Send>(
    chunks: &[&TextArray],
    check: &(impl Fn(Piece) -> std::result::Result<T, RowError> + Sync),
) -> std::result::Result<Vec<T>, RowError> {
    let pieces = pieces(chunks.iter().map(|array| array.len()));
    in_row_order(pieces.par_iter().map(|piece| check(*piece)).collect())
}
