//! Metrics in Prometheus' text format, served on their own address (`HAILONG_METRICS_BIND`,
//! off by default) so that they never share a port with citizens. Labels carry route patterns
//! (`/s/{token}`), methods and statuses only: never a token, an identity or a path.

use std::sync::LazyLock;

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    dashboard_seconds: Histogram,
    group_seconds: Histogram,
    group_jobs: Histogram,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    outbox_backlog: IntGauge,
    outbox_failing: IntGauge,
    responses_held: IntGauge,
    responses_released: IntGauge,
    database_up: IntGauge,
    dashboards_stale: IntGauge,
    release_pass: IntGauge,
}

/// What is read from the database and the pool when metrics are asked for. When the database
/// does not answer, only the pool's levels are known: `database: None`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Levels {
    pub pool_connections: u32,
    pub pool_idle: u32,
    pub database: Option<DatabaseLevels>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct DatabaseLevels {
    pub outbox_backlog: i64,
    pub outbox_failing: i64,
    pub responses_held: i64,
    pub responses_released: i64,
    /// Stored province reports whose data changed since they were computed.
    pub dashboards_stale: i64,
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    let gauge = IntGauge::new(name, help).unwrap_or_else(|e| unreachable!("{name}: {e}"));
    let _ = registry.register(Box::new(gauge.clone()));
    gauge
}

fn histogram(registry: &Registry, name: &str, help: &str, buckets: Vec<f64>) -> Histogram {
    let histogram = Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets))
        .unwrap_or_else(|e| unreachable!("{name}: {e}"));
    let _ = registry.register(Box::new(histogram.clone()));
    histogram
}

impl Metrics {
    fn new() -> Self {
        let registry = Registry::new_custom(Some("hailong".into()), None)
            .unwrap_or_else(|e| unreachable!("registry: {e}"));
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route pattern, method, status",
            ),
            &["route", "method", "status"],
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request, by route pattern",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["route"],
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let dashboard_seconds = histogram(
            &registry,
            "dashboard_computation_seconds",
            "Time to compute one period's dashboard numbers in the background",
            vec![0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0],
        );
        let group_seconds = histogram(
            &registry,
            "group_commit_seconds",
            "Time to write one group of submissions, from its first statement to its commit",
            vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
            ],
        );
        let group_jobs = histogram(
            &registry,
            "group_commit_jobs",
            "Submissions (and other jobs) written by one group commit",
            vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0],
        );
        let _ = registry.register(Box::new(requests.clone()));
        let _ = registry.register(Box::new(latency.clone()));
        Self {
            pool_connections: gauge(
                &registry,
                "db_pool_connections",
                "Open database connections",
            ),
            pool_idle: gauge(
                &registry,
                "db_pool_idle_connections",
                "Idle database connections",
            ),
            outbox_backlog: gauge(
                &registry,
                "outbox_backlog",
                "Invitations waiting to be sent",
            ),
            outbox_failing: gauge(
                &registry,
                "outbox_failing",
                "Invitations waiting after at least one failed attempt",
            ),
            responses_held: gauge(&registry, "responses_held", "Responses held for release"),
            responses_released: gauge(
                &registry,
                "responses_released",
                "Responses released to staff",
            ),
            database_up: gauge(
                &registry,
                "database_up",
                "1 when the database answered this scrape, else 0",
            ),
            dashboards_stale: gauge(
                &registry,
                "dashboards_stale",
                "Stored province dashboards whose data changed since they were computed",
            ),
            release_pass: gauge(
                &registry,
                "release_pass_timestamp_seconds",
                "When this instance's releaser last finished a pass (Unix time)",
            ),
            registry,
            requests,
            latency,
            dashboard_seconds,
            group_seconds,
            group_jobs,
        }
    }

    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[route, method_label(method), &status.to_string()])
            .inc();
        self.latency.with_label_values(&[route]).observe(seconds);
    }

    pub fn observe_dashboard(&self, seconds: f64) {
        self.dashboard_seconds.observe(seconds);
    }

    /// A group commit wrote `jobs` jobs in `seconds` (`db::group_commit`).
    pub fn observe_group_commit(&self, jobs: usize, seconds: f64) {
        self.group_jobs.observe(jobs as f64);
        self.group_seconds.observe(seconds);
    }

    /// The releaser finished a pass (`privacy::run`): it is alive.
    pub fn release_pass_done(&self, at: chrono::DateTime<chrono::Utc>) {
        self.release_pass.set(at.timestamp());
    }

    /// The text exposition, with the levels read just now. Without the database, its levels
    /// keep their last values and `database_up` says 0.
    pub fn render(&self, levels: Levels) -> String {
        self.pool_connections
            .set(i64::from(levels.pool_connections));
        self.pool_idle.set(i64::from(levels.pool_idle));
        self.database_up.set(i64::from(levels.database.is_some()));
        if let Some(db) = levels.database {
            self.outbox_backlog.set(db.outbox_backlog);
            self.outbox_failing.set(db.outbox_failing);
            self.responses_held.set(db.responses_held);
            self.responses_released.set(db.responses_released);
            self.dashboards_stale.set(db.dashboards_stale);
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding metrics");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// The process's metrics (every server of the process adds to the same ones).
pub fn metrics() -> &'static Metrics {
    static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);
    &METRICS
}

/// The method as a label: one of HTTP's standard methods, or `other`. A client may send any
/// token as its method; each new one would otherwise add a series for as long as we run.
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    ];
    KNOWN
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or("other")
}
