//! The four files of METHODOLOGY §1, read (CSV, or Parquet of the same name and columns) and
//! checked row by row into compact columns. Any error stops the run before anything is
//! computed or written.
//!
//! Reading is most of a run's time, so it is built for it: polars' eager CSV reader reads only
//! the columns the method uses, on every core; the answers' values come as integers; rows are
//! checked in pieces on every core, and of all the bad rows the first (by line) is reported, so
//! errors read exactly as if the file were checked line by line.

use std::path::Path;

use polars::prelude::*;

use crate::error::{AnalysisError, Result};
use crate::questionnaire::Questionnaire;

mod agencies;
mod answers;
mod dossiers;
mod responses;
mod successions;
mod table;

pub use crate::cells::{cell_of, CELLS, CHANNELS, KINDS};
use agencies::agencies;
pub use agencies::{Agencies, Level};
pub use answers::Answers;
use answers::{answers, AnswersSource, ANSWER_SLICE_ROWS};
pub use dossiers::Dossiers;
use dossiers::{dossiers, dossiers_from_parquet, DOSSIER_COLUMNS, DOSSIER_SLICE_ROWS};
pub use responses::Responses;
use responses::{responses, RESPONSE_COLUMNS};
pub use successions::{parse_successions, read_successions, Succession};
use table::{read_table, read_table_as, Table};

#[derive(Debug, Clone)]
pub struct Inputs {
    pub agencies: Agencies,
    pub dossiers: Dossiers,
    pub responses: Responses,
    pub answers: Answers,
    pub questionnaire: Questionnaire,
    /// `successions.csv` (§13), empty without the file.
    pub successions: Vec<Succession>,
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
    use std::collections::HashMap;

    use super::*;
    use table::PIECE_ROWS;

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
