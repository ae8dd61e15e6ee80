//! A whole run: inputs → `scores`, `trends` and `benchmarks`, as rows or as the CSV files of
//! §11.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use crate::bootstrap::bootstrap;
use crate::compare::{compare, BenchmarkRow};
use crate::error::{AnalysisError, Result};
use crate::estimate::{estimate, GroupKey, ALL};
use crate::fair::standard_errors;
use crate::input::Inputs;
use crate::options::Options;
use crate::scores::{by_period_and_level, GroupScores, Measure, ScoreRow, Scorer, Status};
use crate::trends::{trends, TrendRow};

pub struct Report {
    pub scores: Vec<ScoreRow>,
    /// §13: successors' rows of the periods before they existed (`lineage.csv`).
    pub lineage: Vec<ScoreRow>,
    pub trends: Vec<TrendRow>,
    pub benchmarks: Vec<BenchmarkRow>,
    agency_codes: Vec<String>,
}

pub fn analyze(inputs: &Inputs, options: &Options) -> Result<Report> {
    let estimates = estimate(inputs, options.period, options.periods)?;
    let scorer = Scorer {
        inputs,
        estimates: &estimates,
        options,
    };
    let groups = scorer.groups();
    let scored: HashMap<GroupKey, GroupScores> = groups
        .iter()
        .filter_map(|k| scorer.group_scores(*k).map(|g| (*k, g)))
        .collect();

    let mut rows = Vec::new();
    for key in &groups {
        if let Some(g) = scored.get(key) {
            rows.extend(scorer.survey_rows(*key, g));
        }
        rows.extend(scorer.census_rows(*key));
    }
    let mut benchmarks = Vec::new();
    let mut sets: Vec<_> = by_period_and_level(&scorer, &scored).into_iter().collect();
    sets.sort_by_key(|((period, level), _)| (*period, *level));
    let members: Vec<GroupKey> = sets
        .iter()
        .flat_map(|((period, _), agencies)| agencies.iter().map(|a| (*period, *a)))
        .collect();
    let errors = standard_errors(inputs, &estimates, &members);
    for ((period, level), members) in &sets {
        let comparison = compare(&scorer, *period, *level, members, &scored, &errors);
        rows.extend(comparison.rows);
        benchmarks.extend(comparison.benchmarks);
    }

    // §9: intervals only where the value is shown.
    let shown_groups: Vec<GroupKey> = {
        let mut keys: Vec<GroupKey> = scored
            .iter()
            .filter(|(_, g)| !g.suppressed)
            .map(|(k, _)| *k)
            .collect();
        keys.sort();
        keys
    };
    let intervals = bootstrap(
        inputs,
        &estimates,
        &shown_groups,
        options.bootstrap,
        options.seed,
    );
    let dim_index: HashMap<&str, usize> = inputs
        .questionnaire
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    for row in &mut rows {
        if row.value.is_none() || row.status == Status::Suppressed {
            continue;
        }
        let Some(iv) = intervals.get(&(row.period, row.agency)) else {
            continue;
        };
        row.ci = match row.measure {
            Measure::SatDim => iv
                .sat_dim
                .get(dim_index[row.key.as_str()])
                .copied()
                .flatten(),
            Measure::PapiDim => iv
                .papi_dim
                .get(dim_index[row.key.as_str()])
                .copied()
                .flatten(),
            Measure::SatIndex => iv.sat_index,
            Measure::PapiTotal => iv.papi_total,
            _ => row.ci,
        };
    }

    let codes = &inputs.agencies.codes;
    let code = |a: u32| {
        if a == ALL {
            "ALL"
        } else {
            codes[a as usize].as_str()
        }
    };
    let item_order: HashMap<&str, usize> = inputs
        .questionnaire
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.code.as_str(), i))
        .collect();
    let key_order = |r: &ScoreRow| {
        item_order
            .get(r.key.as_str())
            .or_else(|| dim_index.get(r.key.as_str()))
            .copied()
            .unwrap_or(0)
    };
    // Rows in the order of §11: period, agency code (ALL among them by its text), measure,
    // then the questionnaire's order. Each agency's place is found once, not at every
    // comparison.
    let mut by_code: Vec<u32> = (0..codes.len() as u32).chain([ALL]).collect();
    by_code.sort_by(|a, b| code(*a).cmp(code(*b)));
    let mut agency_place = vec![0u32; codes.len() + 1];
    for (place, agency) in by_code.iter().enumerate() {
        agency_place[(*agency as usize).min(codes.len())] = place as u32;
    }
    let place = |agency: u32| agency_place[(agency as usize).min(codes.len())];
    rows.sort_by_cached_key(|r| (r.period, place(r.agency), r.measure, key_order(r)));
    let trends = trends(&rows, &estimates);
    let mut lineage = if inputs.successions.is_empty() {
        Vec::new()
    } else {
        // Each successor's lineage group is a run of the whole method on its ancestors' rows.
        crate::lineage::lineage(inputs, options, |subset| {
            analyze(subset, options).map(|r| r.scores)
        })?
    };
    lineage.sort_by_cached_key(|r| (r.period, place(r.agency), r.measure, key_order(r)));
    Ok(Report {
        scores: rows,
        lineage,
        trends,
        benchmarks,
        agency_codes: codes.clone(),
    })
}

/// The cells of one CSV row, written as they are made: numbers are formatted into one reused
/// buffer, not into a string per cell (a run writes about a million cells).
struct CsvRows {
    out: csv::Writer<Vec<u8>>,
    formatted: String,
}

impl CsvRows {
    fn text(&mut self, cell: &str) -> csv::Result<()> {
        self.out.write_field(cell)
    }

    /// Any displayed value: periods, counts, flags.
    fn shown(&mut self, cell: impl std::fmt::Display) -> csv::Result<()> {
        use std::fmt::Write;
        self.formatted.clear();
        // Writing into a String cannot fail.
        let _ = write!(self.formatted, "{cell}");
        self.out.write_field(&self.formatted)
    }

    /// Numbers with full precision (the shortest text that reads back to the same double,
    /// which has at least the 9 significant digits §11 asks for); counts, ranks and tiers as
    /// integers; nothing for no value.
    fn number(&mut self, value: Option<f64>, integer: bool) -> csv::Result<()> {
        match value {
            None => self.text(""),
            Some(v) if integer => self.shown(v.round() as i64),
            Some(v) => self.shown(v),
        }
    }

    fn end_row(&mut self) -> csv::Result<()> {
        self.out.write_record(None::<&[u8]>)
    }
}

/// Rows formatted at a time by one task: formatting a hundred thousand rows' numbers is a
/// measurable part of a run, so runs of rows are formatted on every core.
const ROWS_PER_TASK: usize = 8192;

/// The text a writer holds once flushed.
fn written(out: csv::Writer<Vec<u8>>) -> csv::Result<Vec<u8>> {
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// A CSV file's text: the header, then `rows` as `cells` writes each.
fn csv_text<T: Sync>(
    header: &[&str],
    rows: &[T],
    cells: impl Fn(&mut CsvRows, &T) -> csv::Result<()> + Sync,
) -> csv::Result<Vec<Vec<u8>>> {
    let mut first = csv::Writer::from_writer(Vec::new());
    first.write_record(header)?;
    let mut parts = vec![written(first)?];
    let runs = rows
        .par_chunks(ROWS_PER_TASK)
        .map(|run| {
            let mut text = CsvRows {
                out: csv::Writer::from_writer(Vec::with_capacity(run.len() * 64)),
                formatted: String::new(),
            };
            for row in run {
                cells(&mut text, row)?;
                text.end_row()?;
            }
            written(text.out)
        })
        .collect::<csv::Result<Vec<Vec<u8>>>>()?;
    parts.extend(runs);
    Ok(parts)
}

impl Report {
    pub fn agency_code(&self, agency: u32) -> &str {
        if agency == ALL {
            "ALL"
        } else {
            &self.agency_codes[agency as usize]
        }
    }

    /// `scores.csv` and `lineage.csv` (§11): `period, agency_code, measure, key, value, ci_low,
    /// ci_high, n, n_eff, status`.
    fn rows_csv(&self, rows: &[ScoreRow]) -> csv::Result<Vec<Vec<u8>>> {
        let header = [
            "period",
            "agency_code",
            "measure",
            "key",
            "value",
            "ci_low",
            "ci_high",
            "n",
            "n_eff",
            "status",
        ];
        csv_text(&header, rows, |cell, x| {
            cell.shown(x.period)?;
            cell.text(self.agency_code(x.agency))?;
            cell.text(x.measure.as_str())?;
            cell.text(&x.key)?;
            cell.number(x.value, x.measure.is_integer())?;
            cell.number(x.ci.map(|c| c.0), false)?;
            cell.number(x.ci.map(|c| c.1), false)?;
            cell.shown(x.n)?;
            cell.number(x.n_eff, false)?;
            cell.text(x.status.as_str())
        })
    }

    fn trends_csv(&self) -> csv::Result<Vec<Vec<u8>>> {
        let header = [
            "period",
            "previous_period",
            "agency_code",
            "measure",
            "key",
            "value",
            "previous_value",
            "delta",
            "significant",
        ];
        csv_text(&header, &self.trends, |cell, x| {
            cell.shown(x.period)?;
            cell.shown(x.previous_period)?;
            cell.text(self.agency_code(x.agency))?;
            cell.text(x.measure.as_str())?;
            cell.text(&x.key)?;
            cell.number(Some(x.value), false)?;
            cell.number(Some(x.previous_value), false)?;
            cell.number(Some(x.delta), false)?;
            cell.shown(x.significant)
        })
    }

    fn benchmarks_csv(&self) -> csv::Result<Vec<Vec<u8>>> {
        let header = [
            "period",
            "level",
            "measure",
            "key",
            "median",
            "max",
            "n_agencies",
        ];
        csv_text(&header, &self.benchmarks, |cell, x| {
            cell.shown(x.period)?;
            cell.text(x.level.as_str())?;
            cell.text(x.measure.as_str())?;
            cell.text(&x.key)?;
            cell.number(Some(x.median), false)?;
            cell.number(Some(x.max), false)?;
            cell.shown(x.n_agencies)
        })
    }

    /// Writes `scores.csv`, `trends.csv` and `benchmarks.csv` into `dir` (created if needed),
    /// side by side. Each file is written to a temporary name and renamed once all three are
    /// written, so a failed run leaves no half file.
    pub fn write_csv(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)
            .map_err(|e| AnalysisError::file(&dir.display().to_string(), e.to_string()))?;
        type Text = fn(&Report) -> csv::Result<Vec<Vec<u8>>>;
        let files: [(&str, Text); 4] = [
            ("scores.csv", |r| r.rows_csv(&r.scores)),
            ("trends.csv", Self::trends_csv),
            ("benchmarks.csv", Self::benchmarks_csv),
            ("lineage.csv", |r| r.rows_csv(&r.lineage)),
        ];
        let partial = |name: &str| dir.join(format!(".{name}.partial"));
        files
            .par_iter()
            .map(|(name, text)| -> Result<()> {
                let failed = |e: String| AnalysisError::file(name, e);
                let parts = text(self).map_err(|e| failed(e.to_string()))?;
                let mut file = std::io::BufWriter::new(
                    std::fs::File::create(partial(name)).map_err(|e| failed(e.to_string()))?,
                );
                for part in parts {
                    file.write_all(&part).map_err(|e| failed(e.to_string()))?;
                }
                file.flush().map_err(|e| failed(e.to_string()))
            })
            .collect::<Result<Vec<()>>>()?;
        for (name, _) in files {
            std::fs::rename(partial(name), dir.join(name))
                .map_err(|e| AnalysisError::file(name, e.to_string()))?;
        }
        Ok(())
    }
}
