//! The numbers the dashboards show, computed by the analysis library (the same code as
//! `hailong analyze`) from the database, kept for up to a minute so that a new response shows
//! within a minute without recomputing on every page view.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hailong_analysis::compare::BenchmarkRow;
use hailong_analysis::period::PeriodKind;
use hailong_analysis::questionnaire::Questionnaire;
use hailong_analysis::report::Report;
use hailong_analysis::scores::{Measure, ScoreRow};
use hailong_analysis::{analyze, inputs_from_frames, Options};

use crate::db::DbPool;
use crate::export;

pub const FRESH_FOR: Duration = Duration::from_secs(60);
/// Bootstrap replicates for the dashboards' intervals.
pub const REPLICATES: u32 = 200;

pub struct Snapshot {
    pub computed: Instant,
    pub questionnaire: Questionnaire,
    pub quarter: Indexed,
    pub year: Indexed,
}

/// A report with its rows findable by (period, agency code, measure, key).
pub struct Indexed {
    pub report: Report,
    rows: HashMap<(String, String, Measure, String), usize>,
    /// Every period of the run, oldest first.
    pub periods: Vec<String>,
}

impl Indexed {
    fn new(report: Report) -> Self {
        let mut rows = HashMap::new();
        let mut periods = Vec::new();
        for (i, r) in report.scores.iter().enumerate() {
            let period = r.period.to_string();
            if periods.last() != Some(&period) && !periods.contains(&period) {
                periods.push(period.clone());
            }
            rows.insert(
                (
                    period,
                    report.agency_code(r.agency).to_owned(),
                    r.measure,
                    r.key.clone(),
                ),
                i,
            );
        }
        periods.sort();
        Self {
            report,
            rows,
            periods,
        }
    }

    pub fn row(
        &self,
        period: &str,
        agency: &str,
        measure: Measure,
        key: &str,
    ) -> Option<&ScoreRow> {
        self.rows
            .get(&(
                period.to_owned(),
                agency.to_owned(),
                measure,
                key.to_owned(),
            ))
            .map(|i| &self.report.scores[*i])
    }

    pub fn value(&self, period: &str, agency: &str, measure: Measure, key: &str) -> Option<f64> {
        self.row(period, agency, measure, key).and_then(|r| r.value)
    }

    pub fn benchmark(
        &self,
        period: &str,
        level: &str,
        measure: Measure,
        key: &str,
    ) -> Option<&BenchmarkRow> {
        self.report.benchmarks.iter().find(|b| {
            b.period.to_string() == period
                && b.level.as_str() == level
                && b.measure == measure
                && b.key == key
        })
    }
}

/// Computes a snapshot from the database (blocking; run it off the executor).
pub fn compute(pool: &DbPool, min_cell: u32) -> anyhow::Result<Snapshot> {
    let mut conn = pool.get()?;
    let tables = export::tables(&mut conn)?;
    let versions = export::questionnaire_versions(&mut conn)?;
    drop(conn);
    let (_, newest) = versions
        .last()
        .ok_or_else(|| anyhow::anyhow!("no questionnaire is published"))?;
    let questionnaire = Questionnaire::from_json(newest)?;
    let inputs = inputs_from_frames(tables.into_frames()?, questionnaire.clone())?;
    let options = |period| Options {
        period,
        min_cell,
        bootstrap: REPLICATES,
        ..Options::default()
    };
    let quarter = Indexed::new(analyze(&inputs, &options(PeriodKind::Quarter))?);
    let year = Indexed::new(analyze(&inputs, &options(PeriodKind::Year))?);
    Ok(Snapshot {
        computed: Instant::now(),
        questionnaire,
        quarter,
        year,
    })
}

/// The latest snapshot, recomputed when older than a minute.
#[derive(Default)]
pub struct ScoreCache {
    slot: tokio::sync::Mutex<Option<Arc<Snapshot>>>,
}

impl ScoreCache {
    pub async fn get(&self, pool: &DbPool, min_cell: u32) -> anyhow::Result<Arc<Snapshot>> {
        let mut slot = self.slot.lock().await;
        if let Some(s) = slot.as_ref().filter(|s| s.computed.elapsed() < FRESH_FOR) {
            return Ok(s.clone());
        }
        let pool = pool.clone();
        let fresh = Arc::new(actix_web::web::block(move || compute(&pool, min_cell)).await??);
        *slot = Some(fresh.clone());
        Ok(fresh)
    }
}
