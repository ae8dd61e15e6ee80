//! `responses.csv`: each response's agency, cell, quarter and questionnaire version.

use polars::prelude::*;

use super::agencies::{agency_at, agency_lookup, Agencies};
use super::table::{at, check_in_pieces, pick, Piece, RowError, Table, TextArray};
use crate::cells::{cell_of, CHANNELS, KINDS};
use crate::error::{AnalysisError, Result};
use crate::period::Quarter;

/// One row per response; a response's id is its position.
#[derive(Debug, Clone, Default)]
pub struct Responses {
    pub agency: Vec<u32>,
    pub quarter: Vec<Quarter>,
    pub cell: Vec<u8>,
    pub version: Vec<u32>,
    pub versions: Vec<String>,
}

/// The responses' columns the analysis reads.
pub(super) const RESPONSE_COLUMNS: [&str; 6] = [
    "response_id",
    "agency_code",
    "applicant_kind",
    "channel",
    "quarter",
    "questionnaire_version",
];

/// The rows of one piece of the responses, their versions numbered in order of first use
/// within the piece.
struct ResponsePiece<'a> {
    pub(super) out: Responses,
    pub(super) versions: Vec<&'a str>,
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
pub(super) fn responses(table: &Table, agencies: &Agencies) -> Result<(Responses, StringChunked)> {
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
