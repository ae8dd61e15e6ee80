//! A whole run: inputs → `scores`, `trends` and `benchmarks`, as rows, polars frames, or the
//! three CSV files of §11.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;

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
    rows.sort_by(|a, b| {
        (a.period, code(a.agency), a.measure, key_order(a)).cmp(&(
            b.period,
            code(b.agency),
            b.measure,
            key_order(b),
        ))
    });
    let trends = trends(&rows, &estimates);
    Ok(Report {
        scores: rows,
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

fn text_column(name: &str, values: Vec<Option<String>>) -> Column {
    Column::new(name.into(), values)
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
        let r = &self.scores;
        Ok(DataFrame::new_infer_height(vec![
            text_column(
                "period",
                r.iter().map(|x| Some(x.period.to_string())).collect(),
            ),
            text_column(
                "agency_code",
                r.iter()
                    .map(|x| Some(self.agency_code(x.agency).to_owned()))
                    .collect(),
            ),
            text_column(
                "measure",
                r.iter()
                    .map(|x| Some(x.measure.as_str().to_owned()))
                    .collect(),
            ),
            text_column(
                "key",
                r.iter()
                    .map(|x| Some(x.key.clone()).filter(|k| !k.is_empty()))
                    .collect(),
            ),
            text_column(
                "value",
                r.iter()
                    .map(|x| x.value.map(|v| number(v, x.measure.is_integer())))
                    .collect(),
            ),
            text_column(
                "ci_low",
                r.iter().map(|x| x.ci.map(|c| number(c.0, false))).collect(),
            ),
            text_column(
                "ci_high",
                r.iter().map(|x| x.ci.map(|c| number(c.1, false))).collect(),
            ),
            text_column("n", r.iter().map(|x| Some(x.n.to_string())).collect()),
            text_column(
                "n_eff",
                r.iter()
                    .map(|x| x.n_eff.map(|v| number(v, false)))
                    .collect(),
            ),
            text_column(
                "status",
                r.iter()
                    .map(|x| Some(x.status.as_str().to_owned()))
                    .collect(),
            ),
        ])?)
    }

    pub fn trends_frame(&self) -> Result<DataFrame> {
        let t = &self.trends;
        Ok(DataFrame::new_infer_height(vec![
            text_column(
                "period",
                t.iter().map(|x| Some(x.period.to_string())).collect(),
            ),
            text_column(
                "previous_period",
                t.iter()
                    .map(|x| Some(x.previous_period.to_string()))
                    .collect(),
            ),
            text_column(
                "agency_code",
                t.iter()
                    .map(|x| Some(self.agency_code(x.agency).to_owned()))
                    .collect(),
            ),
            text_column(
                "measure",
                t.iter()
                    .map(|x| Some(x.measure.as_str().to_owned()))
                    .collect(),
            ),
            text_column(
                "key",
                t.iter()
                    .map(|x| Some(x.key.clone()).filter(|k| !k.is_empty()))
                    .collect(),
            ),
            text_column(
                "value",
                t.iter().map(|x| Some(number(x.value, false))).collect(),
            ),
            text_column(
                "previous_value",
                t.iter()
                    .map(|x| Some(number(x.previous_value, false)))
                    .collect(),
            ),
            text_column(
                "delta",
                t.iter().map(|x| Some(number(x.delta, false))).collect(),
            ),
            text_column(
                "significant",
                t.iter().map(|x| Some(x.significant.to_string())).collect(),
            ),
        ])?)
    }

    pub fn benchmarks_frame(&self) -> Result<DataFrame> {
        let b = &self.benchmarks;
        Ok(DataFrame::new_infer_height(vec![
            text_column(
                "period",
                b.iter().map(|x| Some(x.period.to_string())).collect(),
            ),
            text_column(
                "level",
                b.iter()
                    .map(|x| Some(x.level.as_str().to_owned()))
                    .collect(),
            ),
            text_column(
                "measure",
                b.iter()
                    .map(|x| Some(x.measure.as_str().to_owned()))
                    .collect(),
            ),
            text_column(
                "key",
                b.iter()
                    .map(|x| Some(x.key.clone()).filter(|k| !k.is_empty()))
                    .collect(),
            ),
            text_column(
                "median",
                b.iter().map(|x| Some(number(x.median, false))).collect(),
            ),
            text_column(
                "max",
                b.iter().map(|x| Some(number(x.max, false))).collect(),
            ),
            text_column(
                "n_agencies",
                b.iter().map(|x| Some(x.n_agencies.to_string())).collect(),
            ),
        ])?)
    }

    /// Writes `scores.csv`, `trends.csv` and `benchmarks.csv` into `dir` (created if needed).
    /// Each file is written to a temporary name and renamed, so a failed run leaves no half file.
    pub fn write_csv(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)
            .map_err(|e| AnalysisError::file(&dir.display().to_string(), e.to_string()))?;
        for (name, mut frame) in [
            ("scores.csv", self.scores_frame()?),
            ("trends.csv", self.trends_frame()?),
            ("benchmarks.csv", self.benchmarks_frame()?),
        ] {
            let target = dir.join(name);
            let partial = dir.join(format!(".{name}.partial"));
            let file = std::fs::File::create(&partial)
                .map_err(|e| AnalysisError::file(name, e.to_string()))?;
            CsvWriter::new(file)
                .include_header(true)
                .finish(&mut frame)?;
            std::fs::rename(&partial, &target)
                .map_err(|e| AnalysisError::file(name, e.to_string()))?;
        }
        Ok(())
    }
}
