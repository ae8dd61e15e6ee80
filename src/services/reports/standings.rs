//! The numbers the dashboards show, computed by the analysis library (the same code as
//! `hailong analyze`) from the database, kept for a while (a minute unless
//! `HAILONG_DASHBOARD_FRESH_SECONDS` says otherwise) so that a new response shows soon without
//! recomputing on every page view.

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
use crate::services::reports::export;

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
        let mut periods = std::collections::BTreeSet::new();
        for (i, r) in report.scores.iter().enumerate() {
            let period = r.period.to_string();
            periods.insert(period.clone());
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
        let periods = periods.into_iter().collect();
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

/// Computes a snapshot from the database, for every procedure or for one field's
/// (blocking; run it off the executor).
pub fn compute(pool: &DbPool, min_cell: u32) -> anyhow::Result<Snapshot> {
    compute_for(pool, min_cell, None)
}

pub fn compute_for(pool: &DbPool, min_cell: u32, field: Option<&str>) -> anyhow::Result<Snapshot> {
    let mut conn = pool.get()?;
    let tables = export::tables_of_field(&mut conn, field)?;
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

/// The latest snapshot (of all procedures, or of one field's), recomputed when older than
/// `fresh_for`.
pub struct ScoreCache {
    slots: tokio::sync::Mutex<HashMap<Option<String>, Arc<Snapshot>>>,
    fresh_for: Duration,
}

impl ScoreCache {
    /// Numbers computed less than `fresh_for` ago are reused.
    pub fn new(fresh_for: Duration) -> Self {
        Self {
            slots: tokio::sync::Mutex::default(),
            fresh_for,
        }
    }

    pub async fn get(&self, pool: &DbPool, min_cell: u32) -> anyhow::Result<Arc<Snapshot>> {
        self.get_for(pool, min_cell, None).await
    }

    pub async fn get_for(
        &self,
        pool: &DbPool,
        min_cell: u32,
        field: Option<String>,
    ) -> anyhow::Result<Arc<Snapshot>> {
        let mut slots = self.slots.lock().await;
        if let Some(s) = slots
            .get(&field)
            .filter(|s| s.computed.elapsed() < self.fresh_for)
        {
            return Ok(s.clone());
        }
        let pool = pool.clone();
        let wanted = field.clone();
        let fresh = Arc::new(
            tokio::task::spawn_blocking(move || compute_for(&pool, min_cell, wanted.as_deref()))
                .await??,
        );
        slots.insert(field, fresh.clone());
        Ok(fresh)
    }
}

/// The province's published PAPI and PCI standings (data/reference), computed once. Call it
/// off the async runtime (polars blocks).
pub fn reference_standings() -> &'static [hailong_analysis::reference::Standing] {
    static STANDINGS: std::sync::OnceLock<Vec<hailong_analysis::reference::Standing>> =
        std::sync::OnceLock::new();
    STANDINGS.get_or_init(|| {
        hailong_analysis::reference::standings(
            include_str!("../../../data/reference/papi_2011_2016_published.csv"),
            include_str!("../../../data/reference/pci_2006_2016_published.csv"),
            include_str!("../../../data/reference/province_names.csv"),
        )
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "reading the reference tables");
            Vec::new()
        })
    })
}

/// The plan's targets (2020): PAPI in the top 20, PCI in the top 15 of the provinces.
pub const PAPI_TARGET_RANK: u32 = 20;
pub const PCI_TARGET_RANK: u32 = 15;
