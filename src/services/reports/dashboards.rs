//! The dashboards' numbers: computed by the analysis library (the same code as `hailong
//! analyze`) in the background, one period at a time, stored in the database, and served from
//! memory. A page view never computes: it shows the last stored numbers with their time.
//!
//! A period's report rests on the data of its quarters and of the period before it (trends);
//! the database counts changes per quarter in the writing transaction (`data_revisions`, kept
//! by triggers), and a report stores the counts it was computed from (its basis). A report
//! whose basis no longer matches is recomputed: a closed period at once, the open one (this
//! quarter, this year) at most every `HAILONG_DASHBOARD_FRESH_SECONDS`. A late response for a
//! closed quarter recomputes that quarter, the next one (its trend) and their year, nothing
//! else. Every instance runs the worker; a lease per scope in the database makes one of them
//! compute while the others load what it stored.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::NaiveDateTime;
use hailong_analysis::period::{PeriodKind, Quarter, QuarterRange};
use hailong_analysis::questionnaire::Questionnaire;
use hailong_analysis::scores::Measure;
use hailong_analysis::{analyze, inputs_from_frames, Options};
use serde::{Deserialize, Serialize};

use crate::db::dashboard_reports::{self as store, StoredBasis};
use crate::db::write_gate::WriteGate;
use crate::db::{DbConnection, DbPool};
use crate::domain::response_mode::ResponseMode;
use crate::services::reports::export::{self, Quarters, Slice};

/// Values from fewer responses than this are never shown (METHODOLOGY §8).
pub const MIN_CELL: u32 = 5;
/// Bootstrap replicates for the dashboards' intervals.
pub const REPLICATES: u32 = 200;
/// How long a lease lets one instance compute a scope before another may take over. It is
/// renewed before each period, so it only needs to outlast one period's computation; an
/// instance that dies holding it blocks the scope this long at most. (A computation that
/// outlives it is finished and stored all the same.)
const LEASE: Duration = Duration::from_secs(2 * 60);

/// What the numbers cover: every response, or those of one procedure field, or those given one
/// way (link, kiosk, paper), or both. The dossiers (the census the weights rest on) are the
/// field's, whatever the mode: a mode's numbers are its respondents' view of the same services.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    pub field: Option<String>,
    pub mode: Option<ResponseMode>,
}

impl Scope {
    /// Everything: the province's numbers.
    pub const PROVINCE: Scope = Scope {
        field: None,
        mode: None,
    };

    pub fn of_field(field: String) -> Self {
        Self {
            field: Some(field),
            mode: None,
        }
    }

    /// As stored: `province`, `field:Hộ tịch`, `mode:kiosk`, `mode:kiosk;field:Hộ tịch`.
    pub fn key(&self) -> String {
        match (&self.field, self.mode) {
            (None, None) => "province".to_owned(),
            (Some(f), None) => format!("field:{f}"),
            (None, Some(m)) => format!("mode:{m}"),
            (Some(f), Some(m)) => format!("mode:{m};field:{f}"),
        }
    }

    fn of_key(key: &str) -> Option<Self> {
        if key == "province" {
            return Some(Self::PROVINCE);
        }
        let (mode, rest) = match key.strip_prefix("mode:") {
            Some(after) => match after.split_once(';') {
                Some((mode, rest)) => (Some(mode.parse().ok()?), Some(rest)),
                None => (Some(after.parse().ok()?), None),
            },
            None => (None, Some(key)),
        };
        let field = match rest {
            Some(rest) => Some(rest.strip_prefix("field:")?.to_owned()),
            None => None,
        };
        Some(Self { field, mode })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Quarter,
    Year,
}

impl Kind {
    pub const BOTH: [Kind; 2] = [Kind::Quarter, Kind::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }

    fn of_str(s: &str) -> Option<Self> {
        Self::BOTH.into_iter().find(|k| k.as_str() == s)
    }

    fn period_kind(self) -> PeriodKind {
        match self {
            Self::Quarter => PeriodKind::Quarter,
            Self::Year => PeriodKind::Year,
        }
    }

    /// The period of this kind that holds `q`, as the analysis names it.
    fn period_of(self, q: Quarter) -> String {
        match self {
            Self::Quarter => q.to_string(),
            Self::Year => q.year.to_string(),
        }
    }

    /// The quarters a period's report reads: its own and the period before it (for trends).
    fn window(self, period: &str) -> Option<QuarterRange> {
        match self {
            Self::Quarter => {
                let q: Quarter = period.parse().ok()?;
                Some(QuarterRange {
                    first: q.previous(),
                    last: q,
                })
            }
            Self::Year => {
                let year: i32 = period.parse().ok()?;
                Some(QuarterRange {
                    first: Quarter {
                        year: year - 1,
                        quarter: 1,
                    },
                    last: Quarter { year, quarter: 4 },
                })
            }
        }
    }
}

/// The kind of `period`: `2026-Q3` a quarter, `2026` a year.
pub fn kind_of(period: &str) -> Option<Kind> {
    if period.parse::<Quarter>().is_ok() {
        Some(Kind::Quarter)
    } else if period.len() == 4 && period.parse::<i32>().is_ok() {
        Some(Kind::Year)
    } else {
        None
    }
}

/// The quarters `period` holds.
pub fn quarters_of(period: &str, kind: Kind) -> Vec<Quarter> {
    match kind {
        Kind::Quarter => period.parse().ok().into_iter().collect(),
        Kind::Year => period
            .parse::<i32>()
            .map(|year| (1..=4).map(|quarter| Quarter { year, quarter }).collect())
            .unwrap_or_default(),
    }
}

/// The same quarter a year before (`2025-Q3` for `2026-Q3`); `None` for a year.
pub fn year_before(period: &str) -> Option<String> {
    let q: Quarter = period.parse().ok()?;
    Some(
        Quarter {
            year: q.year - 1,
            quarter: q.quarter,
        }
        .to_string(),
    )
}

/// The procedure fields a view may be filtered by.
pub use crate::db::procedures::fields as procedure_fields;

/// How many stored province reports rest on data that has changed since (for monitoring: a
/// number that stays above 0 says the dashboards' worker is not keeping up).
pub fn stale_count(conn: &mut DbConnection) -> crate::db::QueryResult<i64> {
    let revisions = Revisions::read(conn)?;
    let province = Scope::PROVINCE.key();
    Ok(store::bases(conn)?
        .iter()
        .filter(|s| s.scope == province)
        .filter(|s| {
            Kind::of_str(&s.kind).is_some_and(|kind| revisions.basis(kind, &s.period) != s.basis)
        })
        .count() as i64)
}

/// The database's change counters, per quarter and for everything (`*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revisions {
    everything: i64,
    quarters: BTreeMap<Quarter, i64>,
}

impl Revisions {
    pub fn read(conn: &mut DbConnection) -> crate::db::QueryResult<Self> {
        let mut out = Self::default();
        for (quarter, revision) in store::revisions(conn)? {
            if quarter == "*" {
                out.everything = revision;
            } else if let Ok(q) = quarter.parse() {
                out.quarters.insert(q, revision);
            }
        }
        Ok(out)
    }

    /// The periods of `kind` that have any data, oldest first.
    pub fn periods(&self, kind: Kind) -> Vec<String> {
        let set: BTreeSet<(i32, u8, String)> = self
            .quarters
            .keys()
            .map(|q| match kind {
                Kind::Quarter => (q.year, q.quarter, kind.period_of(*q)),
                Kind::Year => (q.year, 0, kind.period_of(*q)),
            })
            .collect();
        set.into_iter().map(|(_, _, p)| p).collect()
    }

    /// What a report of `period` rests on, written out: the counter of everything and of each
    /// quarter it reads.
    pub fn basis(&self, kind: Kind, period: &str) -> String {
        // The report's format comes first: a release that stores more in a report (the 766
        // group's counts) recomputes every stored period once.
        let mut basis = format!("{REPORT_FORMAT};*={}", self.everything);
        if let Some(range) = kind.window(period) {
            let mut q = range.first;
            while q <= range.last {
                basis.push_str(&format!(
                    ";{q}={}",
                    self.quarters.get(&q).copied().unwrap_or(0)
                ));
                q = q.next();
            }
        }
        basis
    }
}

/// The shape of a stored report; part of its basis. 4: with the period's trends and the
/// questionnaire versions its responses used (the satisfaction report compares with them).
const REPORT_FORMAT: &str = "format=4";

/// Whether `period` has not ended yet (its numbers may still move every minute).
fn is_open(kind: Kind, period: &str, now: Quarter) -> bool {
    match kind {
        Kind::Quarter => period.parse::<Quarter>().is_ok_and(|q| q >= now),
        Kind::Year => period.parse::<i32>().is_ok_and(|y| y >= now.year),
    }
}

/// One questionnaire dimension, as the pages name it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Dimension {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// One row of `scores.csv`, for one agency (or `ALL`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Score {
    pub agency: String,
    pub measure: String,
    pub key: String,
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub n: u32,
    pub n_eff: Option<f64>,
    pub status: String,
}

/// One row of `benchmarks.csv`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Benchmark {
    pub level: String,
    pub measure: String,
    pub key: String,
    pub median: f64,
    pub max: f64,
    pub n_agencies: usize,
}

/// One period's numbers, as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PeriodReport {
    pub dimensions: Vec<Dimension>,
    pub scores: Vec<Score>,
    pub benchmarks: Vec<Benchmark>,
    /// For a quarter: each agency's released responses and those dissatisfied overall (the
    /// Decision 766 group's (c), `group766`), counted with the scores so that no page reads
    /// the answers.
    #[serde(default)]
    pub responses_dissatisfied: BTreeMap<String, (u64, u64)>,
    /// METHODOLOGY §13: successors' rows for this period, from before they existed.
    #[serde(default)]
    pub lineage: Vec<Score>,
    /// METHODOLOGY §10: this period's change from the previous one, where the method allows a
    /// comparison (both shown, one questionnaire version).
    #[serde(default)]
    pub trends: Vec<Trend>,
    /// The questionnaire versions each agency's responses of the period used (`ALL`: any
    /// agency's), so that two periods further apart are compared only as §10 allows.
    #[serde(default)]
    pub versions: BTreeMap<String, BTreeSet<String>>,
}

/// One row of `trends.csv` of this period.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Trend {
    pub agency: String,
    pub measure: String,
    pub key: String,
    pub previous_period: String,
    pub previous_value: f64,
    pub delta: f64,
    pub significant: bool,
}

/// A stored report in memory, its rows findable by (agency, measure, key).
pub struct Loaded {
    pub basis: String,
    pub computed_at: NaiveDateTime,
    pub report: PeriodReport,
    rows: HashMap<(String, String, String), usize>,
}

impl Loaded {
    fn new(basis: String, computed_at: NaiveDateTime, report: PeriodReport) -> Self {
        let rows = report
            .scores
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.agency.clone(), s.measure.clone(), s.key.clone()), i))
            .collect();
        Self {
            basis,
            computed_at,
            report,
            rows,
        }
    }
}

/// Every stored period of one scope and kind.
#[derive(Default, Clone)]
pub struct Indexed {
    by_period: BTreeMap<String, Arc<Loaded>>,
    /// Every stored period, oldest first.
    pub periods: Vec<String>,
}

impl Indexed {
    /// Some periods' reports alone, computed now (`hailong report` computes what it writes).
    pub fn computed(reports: Vec<(String, PeriodReport)>) -> Self {
        reports
            .into_iter()
            .fold(Self::default(), |index, (period, report)| {
                let loaded = Loaded::new(
                    "computed for this report".into(),
                    crate::clock::now().naive_utc(),
                    report,
                );
                index.with(&period, Arc::new(loaded))
            })
    }

    fn with(&self, period: &str, loaded: Arc<Loaded>) -> Self {
        let mut by_period = self.by_period.clone();
        by_period.insert(period.to_owned(), loaded);
        // Quarter names and years both sort as text in time order.
        let periods = by_period.keys().cloned().collect();
        Self { by_period, periods }
    }

    pub fn period(&self, period: &str) -> Option<&Loaded> {
        self.by_period.get(period).map(Arc::as_ref)
    }

    pub fn row(&self, period: &str, agency: &str, measure: Measure, key: &str) -> Option<&Score> {
        let loaded = self.by_period.get(period)?;
        loaded
            .rows
            .get(&(
                agency.to_owned(),
                measure.as_str().to_owned(),
                key.to_owned(),
            ))
            .map(|i| &loaded.report.scores[*i])
    }

    pub fn value(&self, period: &str, agency: &str, measure: Measure, key: &str) -> Option<f64> {
        self.row(period, agency, measure, key).and_then(|r| r.value)
    }

    /// A successor's lineage row (§13) of a period from before it existed.
    pub fn lineage_row(&self, period: &str, agency: &str, measure: Measure) -> Option<&Score> {
        self.by_period
            .get(period)?
            .report
            .lineage
            .iter()
            .find(|r| r.agency == agency && r.measure == measure.as_str() && r.key.is_empty())
    }

    /// `agency`'s change in `measure` (`key`) since the previous period (§10), when the method
    /// compares the two.
    pub fn trend(&self, period: &str, agency: &str, measure: Measure, key: &str) -> Option<&Trend> {
        self.by_period
            .get(period)?
            .report
            .trends
            .iter()
            .find(|t| t.agency == agency && t.measure == measure.as_str() && t.key == key)
    }

    pub fn benchmark(
        &self,
        period: &str,
        level: &str,
        measure: Measure,
        key: &str,
    ) -> Option<&Benchmark> {
        self.by_period
            .get(period)?
            .report
            .benchmarks
            .iter()
            .find(|b| b.level == level && b.measure == measure.as_str() && b.key == key)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ComputeError {
    #[error("no questionnaire is published")]
    NoQuestionnaire,
    #[error("{0:?} is not a period")]
    BadPeriod(String),
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
    #[error(transparent)]
    Pool(#[from] crate::db::PoolError),
    #[error(transparent)]
    Questionnaire(#[from] hailong_analysis::questionnaire::QuestionnaireError),
    #[error(transparent)]
    Analysis(#[from] hailong_analysis::error::AnalysisError),
    #[error(transparent)]
    Stored(#[from] serde_json::Error),
}

/// Computes one period's report from the database: the analysis run over the period and the
/// one before it, the period's rows kept (blocking; run it off the executor).
/// A field's numbers show each agency's quarter as of its pin for `k` (`field_pins`).
pub fn compute_period(
    conn: &mut DbConnection,
    scope: &Scope,
    kind: Kind,
    period: &str,
    k: u32,
) -> Result<PeriodReport, ComputeError> {
    let range = kind
        .window(period)
        .ok_or_else(|| ComputeError::BadPeriod(period.to_owned()))?;
    let mut names = Vec::new();
    let mut q = range.first;
    while q <= range.last {
        names.push(q.to_string());
        q = q.next();
    }
    let quarters = Quarters {
        names,
        from: range.first.start().naive_utc(),
        until: range.last.next().start().naive_utc(),
    };
    let tables = export::tables_of(
        conn,
        Slice {
            field: scope.field.as_deref(),
            field_pins_k: Some(k),
            mode: scope.mode.map(ResponseMode::as_str),
            quarters: Some(&quarters),
        },
    )?;
    let versions = export::questionnaire_versions(conn)?;
    let responses_dissatisfied =
        match kind {
            Kind::Quarter => super::dissatisfied::dissatisfied_counts(
                &versions,
                tables
                    .responses
                    .rows
                    .iter()
                    .filter(|r| r[5] == period)
                    .map(|r| (r[1].as_str(), r[0].as_str())),
                tables.answers.rows.iter().filter_map(|a| {
                    Some((a[0].as_str(), a[1].as_str(), a[2].parse::<i32>().ok()?))
                }),
            ),
            Kind::Year => BTreeMap::new(),
        };
    let in_period = |quarter: &str| match kind {
        Kind::Quarter => quarter == period,
        Kind::Year => quarter.starts_with(period),
    };
    let mut versions_used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in tables.responses.rows.iter().filter(|r| in_period(&r[5])) {
        for agency in [r[1].as_str(), "ALL"] {
            versions_used
                .entry(agency.to_owned())
                .or_default()
                .insert(r[6].clone());
        }
    }
    let (_, newest) = versions.last().ok_or(ComputeError::NoQuestionnaire)?;
    let questionnaire = Questionnaire::from_json(newest)?;
    let frames = tables
        .into_frames()
        .map_err(hailong_analysis::error::AnalysisError::from)?;
    let mut inputs = inputs_from_frames(frames, questionnaire.clone())?;
    inputs.successions = successions_of(conn, &inputs.agencies)?;
    let report = analyze(
        &inputs,
        &Options {
            period: kind.period_kind(),
            periods: Some(range),
            min_cell: MIN_CELL,
            bootstrap: REPLICATES,
            ..Options::default()
        },
    )?;
    let of_period = |rows: &[hailong_analysis::scores::ScoreRow]| -> Vec<Score> {
        rows.iter()
            .filter(|r| r.period.to_string() == period)
            .map(|r| Score {
                agency: report.agency_code(r.agency).to_owned(),
                measure: r.measure.as_str().to_owned(),
                key: r.key.clone(),
                value: r.value,
                ci: r.ci,
                n: r.n,
                n_eff: r.n_eff,
                status: r.status.as_str().to_owned(),
            })
            .collect()
    };
    Ok(PeriodReport {
        responses_dissatisfied,
        dimensions: questionnaire
            .dimensions
            .iter()
            .map(|d| Dimension {
                code: d.code.clone(),
                name_vi: d.name_vi.clone(),
                name_en: d.name_en.clone(),
            })
            .collect(),
        scores: of_period(&report.scores),
        lineage: of_period(&report.lineage),
        versions: versions_used,
        trends: report
            .trends
            .iter()
            .filter(|t| t.period.to_string() == period)
            .map(|t| Trend {
                agency: report.agency_code(t.agency).to_owned(),
                measure: t.measure.as_str().to_owned(),
                key: t.key.clone(),
                previous_period: t.previous_period.to_string(),
                previous_value: t.previous_value,
                delta: t.delta,
                significant: t.significant,
            })
            .collect(),
        benchmarks: report
            .benchmarks
            .iter()
            .filter(|b| b.period.to_string() == period)
            .map(|b| Benchmark {
                level: b.level.as_str().to_owned(),
                measure: b.measure.as_str().to_owned(),
                key: b.key.clone(),
                median: b.median,
                max: b.max,
                n_agencies: b.n_agencies,
            })
            .collect(),
    })
}

/// The agency tree's mergers and splits, as the analysis reads `successions.csv`.
fn successions_of(
    conn: &mut DbConnection,
    agencies: &hailong_analysis::input::Agencies,
) -> Result<Vec<hailong_analysis::input::Succession>, ComputeError> {
    let rows: Vec<(String, String, String)> = crate::db::agencies::successions(conn)?
        .into_iter()
        .map(|(p, s, on)| (p, s, on.format("%Y-%m-%d").to_string()))
        .collect();
    Ok(hailong_analysis::input::parse_successions(
        "successions",
        rows.iter()
            .enumerate()
            .map(|(i, (p, s, on))| (i + 2, p.as_str(), s.as_str(), on.as_str())),
        agencies,
    )?)
}

/// The dashboards' numbers of this instance, and the worker that keeps them.
pub struct Dashboards {
    pool: DbPool,
    write_gate: Arc<WriteGate>,
    fresh_for: Duration,
    /// This instance's name in the leases.
    holder: String,
    /// `HAILONG_ANONYMITY_K`: the least step a field's view may move by (`field_pins`).
    k: u32,
    boards: RwLock<HashMap<(Scope, Kind), Arc<Indexed>>>,
    /// Field scopes a page asked for that nothing is stored for yet.
    wanted: Mutex<BTreeSet<Scope>>,
    wake: tokio::sync::Notify,
}

impl Dashboards {
    pub fn new(pool: DbPool, write_gate: Arc<WriteGate>, fresh_for: Duration, k: u32) -> Self {
        Self {
            pool,
            write_gate,
            fresh_for,
            k,
            holder: format!("{:016x}", rand::random::<u64>()),
            boards: RwLock::default(),
            wanted: Mutex::default(),
            wake: tokio::sync::Notify::new(),
        }
    }

    /// The stored numbers of `scope` and `kind` in memory (empty before the first are
    /// stored). Asking for a scope with nothing stored has the worker compute it.
    pub fn board(&self, scope: &Scope, kind: Kind) -> Arc<Indexed> {
        let found = self
            .boards
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(scope.clone(), kind))
            .cloned();
        found.unwrap_or_else(|| {
            self.wanted
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(scope.clone());
            self.wake.notify_one();
            Arc::default()
        })
    }

    /// Has the worker look now (a page showed numbers older than the data).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Runs the worker forever: a pass, then a pause (a quarter of the freshness time, between
    /// 100 ms and 5 s) or until a page asks for a scope nothing is stored for.
    pub async fn run(self: Arc<Self>) {
        let pause = (self.fresh_for / 4).clamp(Duration::from_millis(100), Duration::from_secs(5));
        loop {
            let me = self.clone();
            match tokio::task::spawn_blocking(move || me.pass()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "computing the dashboards"),
                Err(e) => tracing::error!(error = %e, "the dashboards' worker stopped"),
            }
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    /// One pass (blocking): loads what others stored, computes what is stale and may be
    /// computed now, stores it and loads it.
    pub fn pass(&self) -> Result<(), ComputeError> {
        let mut conn = self.pool.get()?;
        // Read before the data: a write in between makes the stored basis old, never new.
        let revisions = Revisions::read(&mut conn)?;
        let stored = store::bases(&mut conn)?;
        self.load(&mut conn, &stored)?;
        let now = crate::clock::now();
        let this_quarter = Quarter::of_instant(now);
        let mut scopes: BTreeSet<Scope> = stored
            .iter()
            .filter_map(|s| Scope::of_key(&s.scope))
            .collect();
        scopes.insert(Scope::PROVINCE);
        scopes.extend(std::mem::take(
            &mut *self
                .wanted
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        ));
        let stored_of: HashMap<(&str, &str, &str), &StoredBasis> = stored
            .iter()
            .map(|s| ((s.scope.as_str(), s.kind.as_str(), s.period.as_str()), s))
            .collect();
        for scope in scopes {
            let key = scope.key();
            let mut due = Vec::new();
            for kind in Kind::BOTH {
                for period in revisions.periods(kind).into_iter().rev() {
                    let basis = revisions.basis(kind, &period);
                    let open = is_open(kind, &period, this_quarter);
                    match stored_of.get(&(key.as_str(), kind.as_str(), period.as_str())) {
                        Some(s) if s.basis == basis => continue,
                        Some(s)
                            if open
                                && (now.naive_utc() - s.computed_at)
                                    .to_std()
                                    .is_ok_and(|age| age < self.fresh_for) =>
                        {
                            continue
                        }
                        _ => due.push((!open, kind, period, basis)),
                    }
                }
            }
            if due.is_empty() {
                continue;
            }
            // Open periods first: they are the ones people look at.
            due.sort_by_key(|a| (a.0, a.1));
            if !self.lease(&mut conn, &key)? {
                continue;
            }
            let computed = self.compute_due(&mut conn, &scope, due);
            let ended = self.write(&mut conn, |c| store::end_lease(c, &key, &self.holder));
            computed?;
            ended?;
            let stored = store::bases(&mut conn)?;
            self.load(&mut conn, &stored)?;
        }
        Ok(())
    }

    fn compute_due(
        &self,
        conn: &mut DbConnection,
        scope: &Scope,
        due: Vec<(bool, Kind, String, String)>,
    ) -> Result<(), ComputeError> {
        for (i, (_, kind, period, basis)) in due.into_iter().enumerate() {
            // Renewed before each period (the first was just taken); taken over meanwhile by
            // another instance (this one stalled past the lease): leave the rest to it.
            if i > 0 && !self.lease(conn, &scope.key())? {
                return Ok(());
            }
            let started = std::time::Instant::now();
            let report = compute_period(conn, scope, kind, &period, self.k)?;
            let body = serde_json::to_string(&report)?;
            let row = StoredBasis {
                scope: scope.key(),
                kind: kind.as_str().to_owned(),
                period: period.clone(),
                basis,
                computed_at: crate::clock::now().naive_utc(),
            };
            self.write(conn, |c| store::store(c, &row, &body))?;
            crate::telemetry::metrics::metrics().observe_dashboard(started.elapsed().as_secs_f64());
            tracing::info!(
                scope = %row.scope,
                kind = kind.as_str(),
                period = %period,
                ms = started.elapsed().as_millis() as u64,
                "dashboard numbers computed"
            );
        }
        Ok(())
    }

    fn lease(&self, conn: &mut DbConnection, scope: &str) -> Result<bool, ComputeError> {
        let now = crate::clock::now().naive_utc();
        let until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        Ok(self.write(conn, |c| {
            store::take_lease(c, scope, &self.holder, now, until)
        })?)
    }

    /// A write, behind the SQLite write gate.
    fn write<T>(
        &self,
        conn: &mut DbConnection,
        work: impl FnOnce(&mut DbConnection) -> crate::db::QueryResult<T>,
    ) -> crate::db::QueryResult<T> {
        let _turn = self.write_gate.enter();
        work(conn)
    }

    /// Loads the stored reports that are not in memory as stored (new, or replaced by anyone).
    fn load(&self, conn: &mut DbConnection, stored: &[StoredBasis]) -> Result<(), ComputeError> {
        let changed: Vec<&StoredBasis> = {
            let boards = self
                .boards
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            stored
                .iter()
                .filter(|s| {
                    let (Some(scope), Some(kind)) =
                        (Scope::of_key(&s.scope), Kind::of_str(&s.kind))
                    else {
                        return false;
                    };
                    boards
                        .get(&(scope, kind))
                        .and_then(|b| b.period(&s.period))
                        .is_none_or(|l| l.basis != s.basis || l.computed_at != s.computed_at)
                })
                .collect()
        };
        for s in changed {
            let Some((basis, computed_at, body)) =
                store::report(conn, &s.scope, &s.kind, &s.period)?
            else {
                continue;
            };
            let report: PeriodReport = serde_json::from_str(&body)?;
            let (Some(scope), Some(kind)) = (Scope::of_key(&s.scope), Kind::of_str(&s.kind)) else {
                continue;
            };
            let entry = Arc::new(Loaded::new(basis, computed_at, report));
            let mut boards = self
                .boards
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let board = boards.entry((scope, kind)).or_default();
            *board = Arc::new(board.with(&s.period, entry));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_reads_back_from_its_stored_key() {
        let scopes = [
            Scope::PROVINCE,
            Scope::of_field("Hộ tịch".into()),
            Scope {
                field: None,
                mode: Some(ResponseMode::Kiosk),
            },
            Scope {
                field: Some("Đất đai; nhà ở".into()),
                mode: Some(ResponseMode::Paper),
            },
        ];
        for scope in scopes {
            assert_eq!(
                Scope::of_key(&scope.key()),
                Some(scope.clone()),
                "{}",
                scope.key()
            );
        }
        assert_eq!(Scope::of_key("mode:fax"), None);
        assert_eq!(Scope::of_key("mode:kiosk;region:x"), None);
    }
}
