//! `answers.csv` (or `.parquet`, read slice by slice): each answer's response, item and value,
//! checked against the questionnaire; a second answer to one item is an error.

use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use super::table::{at, cell_text, pieces, read_table_as, Piece, Table, TextArray};
use crate::error::{AnalysisError, Result};
use crate::questionnaire::{ItemKind, Questionnaire};

#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub response: Vec<u32>,
    /// Position of the item in the questionnaire (a questionnaire has fewer than 65,536).
    pub item: Vec<u16>,
    /// The answer, checked against its item's range (a few units either way).
    pub value: Vec<i16>,
}

/// Rows of the answers checked at a time when they come from Parquet: the file is read slice
/// by slice, so that loading tens of millions of answers never holds all their text at once.
pub(super) const ANSWER_SLICE_ROWS: usize = 4_000_000;

/// Where the answers come from: a frame already in memory (CSV, or frames handed over), or a
/// Parquet file read slice by slice.
pub(super) enum AnswersSource<'a> {
    Frame(Table),
    Parquet { dir: &'a Path, slice_rows: usize },
}

/// The answers, checked slice by slice on every core: each answer's response and item found
/// by a hash of their text, its value read and checked, and a second answer to the same item
/// caught in row order. Errors are the same as everywhere: the first bad row, by line, with
/// the field and the reason.
pub(super) fn answers(
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
    pub(super) out: Answers,
    pub(super) bad: Option<(usize, Bad)>,
}

/// The values of a slice of answers, as read: integers, or text to be read as integers.
enum Values<'a> {
    Integers(Vec<&'a <Int64Type as PolarsDataType>::Array>),
    Text(Vec<&'a TextArray>),
}

impl Values<'_> {
    pub(super) fn get(&self, chunk: usize, i: usize) -> Option<i64> {
        match self {
            Self::Integers(arrays) => StaticArray::get(arrays[chunk], i),
            Self::Text(arrays) => StaticArray::get(arrays[chunk], i)?.parse().ok(),
        }
    }
}

/// Checks answers slice after slice against the responses and the questionnaire.
struct AnswerChecker<'q> {
    pub(super) response_index: PlHashMap<&'q str, u32>,
    pub(super) item_index: PlHashMap<&'q str, u32>,
    /// Whether no two items share a code (a validated questionnaire's are unique).
    pub(super) codes_unique: bool,
    pub(super) questionnaire: &'q Questionnaire,
    /// One bit per (response, item): a second answer to the same item is an error.
    pub(super) answered: Vec<u64>,
    pub(super) words: usize,
    pub(super) out: Answers,
}

impl<'q> AnswerChecker<'q> {
    pub(super) fn new(response_ids: &'q StringChunked, questionnaire: &'q Questionnaire) -> Self {
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
    pub(super) fn check(
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
