//! A whole run: inputs → `scores`, `trends` and `benchmarks`, as rows, polars frames, or the
//! three CSV files of §11.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use crate::bootstrap::bootstrap;
use crate::compare::{compare, BenchmarkRow};
use crate::error::{AnalysisError, Result};
use crate::estimate::{estimate, GroupKey, ALL};
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
    for ((period, level), members) in &sets {
        let comparison = compare(&scorer, *period, *level, members, &scored);
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
        crate::lineage::lineage(inputs, options)?
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

/// Numbers with full precision (the shortest text that reads back to the same double, which
/// has at least the 9 significant digits §11 asks for); counts, ranks and tiers as integers.
fn number(value: f64, integer: bool) -> String {
    if integer {
        format!("{}", value.round() as i64)
    } else {
        format!("{value}")
    }
}

/// A text column of `rows`, each cell made by `cell` (on every core: formatting a hundred
/// thousand numbers is a measurable part of a run).
fn text_column<T: Sync>(
    name: &str,
    rows: &[T],
    cell: impl Fn(&T) -> Option<String> + Sync + Send,
) -> Column {
    Column::new(
        name.into(),
        rows.par_iter().map(cell).collect::<Vec<Option<String>>>(),
    )
}

impl Report {
    pub fn agency_code(&self, agency: u32) -> &str {
        if agency == ALL {
            "ALL"
        } else {
            &self.agency_codes[agency as usize]
        }
    }

    /// `period, agency_code, measure, key, value, ci_low, ci_high, n, n_eff, status`, as text.
    pub fn scores_frame(&self) -> Result<DataFrame> {
        self.rows_frame(&self.scores)
    }

    /// `lineage.csv`: the columns of `scores.csv` (§11).
    pub fn lineage_frame(&self) -> Result<DataFrame> {
        self.rows_frame(&self.lineage)
    }

    fn rows_frame(&self, r: &[ScoreRow]) -> Result<DataFrame> {
        Ok(DataFrame::new_infer_height(vec![
            text_column("period", r, |x| Some(x.period.to_string())),
            text_column("agency_code", r, |x| {
                Some(self.agency_code(x.agency).to_owned())
            }),
            text_column("measure", r, |x| Some(x.measure.as_str().to_owned())),
            text_column("key", r, |x| Some(x.key.clone()).filter(|k| !k.is_empty())),
            text_column("value", r, |x| {
                x.value.map(|v| number(v, x.measure.is_integer()))
            }),
            text_column("ci_low", r, |x| x.ci.map(|c| number(c.0, false))),
            text_column("ci_high", r, |x| x.ci.map(|c| number(c.1, false))),
            text_column("n", r, |x| Some(x.n.to_string())),
            text_column("n_eff", r, |x| x.n_eff.map(|v| number(v, false))),
            text_column("status", r, |x| Some(x.status.as_str().to_owned())),
        ])?)
    }

    pub fn trends_frame(&self) -> Result<DataFrame> {
        let t = &self.trends;
        Ok(DataFrame::new_infer_height(vec![
            text_column("period", t, |x| Some(x.period.to_string())),
            text_column("previous_period", t, |x| {
                Some(x.previous_period.to_string())
            }),
            text_column("agency_code", t, |x| {
                Some(self.agency_code(x.agency).to_owned())
            }),
            text_column("measure", t, |x| Some(x.measure.as_str().to_owned())),
            text_column("key", t, |x| Some(x.key.clone()).filter(|k| !k.is_empty())),
            text_column("value", t, |x| Some(number(x.value, false))),
            text_column("previous_value", t, |x| {
                Some(number(x.previous_value, false))
            }),
            text_column("delta", t, |x| Some(number(x.delta, false))),
            text_column("significant", t, |x| Some(x.significant.to_string())),
        ])?)
    }

    pub fn benchmarks_frame(&self) -> Result<DataFrame> {
        let b = &self.benchmarks;
        Ok(DataFrame::new_infer_height(vec![
            text_column("period", b, |x| Some(x.period.to_string())),
            text_column("level", b, |x| Some(x.level.as_str().to_owned())),
            text_column("measure", b, |x| Some(x.measure.as_str().to_owned())),
            text_column("key", b, |x| Some(x.key.clone()).filter(|k| !k.is_empty())),
            text_column("median", b, |x| Some(number(x.median, false))),
            text_column("max", b, |x| Some(number(x.max, false))),
            text_column("n_agencies", b, |x| Some(x.n_agencies.to_string())),
        ])?)
    }

    /// Writes `scores.csv`, `trends.csv` and `benchmarks.csv` into `dir` (created if needed),
    /// side by side. Each file is written to a temporary name and renamed once all three are
    /// written, so a failed run leaves no half file.
    pub fn write_csv(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)
            .map_err(|e| AnalysisError::file(&dir.display().to_string(), e.to_string()))?;
        type Frame = fn(&Report) -> Result<DataFrame>;
        let files: [(&str, Frame); 4] = [
            ("scores.csv", Self::scores_frame),
            ("trends.csv", Self::trends_frame),
            ("benchmarks.csv", Self::benchmarks_frame),
            ("lineage.csv", Self::lineage_frame),
        ];
        let partial = |name: &str| dir.join(format!(".{name}.partial"));
        files
            .par_iter()
            .map(|(name, frame)| -> Result<()> {
                let mut frame = frame(self)?;
                let file = std::fs::File::create(partial(name))
                    .map_err(|e| AnalysisError::file(name, e.to_string()))?;
                CsvWriter::new(std::io::BufWriter::new(file))
                    .include_header(true)
                    .finish(&mut frame)?;
                Ok(())
            })
            .collect::<Result<Vec<()>>>()?;
        for (name, _) in files {
            std::fs::rename(partial(name), dir.join(name))
                .map_err(|e| AnalysisError::file(name, e.to_string()))?;
        }
        Ok(())
    }
}
