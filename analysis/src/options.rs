use crate::period::{PeriodKind, QuarterRange};

/// The choices of a run, with the method's defaults.
#[derive(Debug, Clone)]
pub struct Options {
    pub period: PeriodKind,
    /// Only these quarters (a year-run keeps the quarters of the range); `None`: all.
    pub periods: Option<QuarterRange>,
    /// Values from fewer responses than this are never shown (§8).
    pub min_cell: u32,
    /// Shown values with a smaller effective sample size are flagged `low_reliability` (§8).
    pub reliability: f64,
    /// Bootstrap replicates for the intervals of composite scores (§9); 0: no intervals.
    pub bootstrap: u32,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            period: PeriodKind::Quarter,
            periods: None,
            min_cell: 5,
            reliability: 30.0,
            bootstrap: 1000,
            seed: 42,
        }
    }
}
