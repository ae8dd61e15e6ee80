//! `dossiers.csv` (or `.parquet`, read slice by slice): each dossier's agency, cell, quarter
//! (Vietnam time), timeliness, invitation and processing time.

use std::hash::BuildHasher;
use std::path::Path;

use chrono::{DateTime, Utc};
use polars::prelude::*;
use rayon::prelude::*;

use super::agencies::{agency_at, agency_lookup, Agencies};
use super::table::{
    at, check_in_pieces, check_rows, first_repeat, nanos, pick, pieces, text, Piece, RowError,
    Table, TextArray,
};
use crate::cells::{cell_of, CHANNELS, KINDS};
use crate::error::{AnalysisError, Result};
use crate::instant::DayMemo;
use crate::period::Quarter;

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
    pub(super) fn with_capacity(rows: usize) -> Self {
        Self {
            agency: Vec::with_capacity(rows),
            quarter: Vec::with_capacity(rows),
            cell: Vec::with_capacity(rows),
            on_time: Vec::with_capacity(rows),
            invited: Vec::with_capacity(rows),
            processing_days: Vec::with_capacity(rows),
        }
    }

    pub(super) fn append(&mut self, mut other: Dossiers) {
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

/// The dossiers' columns the analysis reads: the id (checked unique), then the fields each
/// row is checked on, in the order [`dossier_piece`] takes them.
pub(super) const DOSSIER_COLUMNS: [&str; 8] = [
    "dossier_id",
    "agency_code",
    "applicant_kind",
    "channel",
    "received_at",
    "due_at",
    "completed_at",
    "invited",
];

pub(super) fn dossiers(table: &Table, agencies: &Agencies) -> Result<Dossiers> {
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

/// Rows of the dossiers checked at a time when they come from Parquet: a country's year has
/// tens of millions, and their text held whole was most of a run's memory.
pub(super) const DOSSIER_SLICE_ROWS: usize = 4_000_000;

/// The dossiers of `DIR/dossiers.parquet`, read and checked slice by slice. Ids are checked
/// unique across slices by their 64-bit hashes alone; only when two hashes meet (about once
/// in a million runs of fifty million rows) is the id column read again to compare the text.
/// Errors are those of [`dossiers`]: the first bad row by line, a repeated id being its row's
/// first fault.
pub(super) fn dossiers_from_parquet(
    dir: &Path,
    agencies: &Agencies,
    slice_rows: usize,
) -> Result<Dossiers> {
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
