//! Change from the previous period (§10), for groups whose value is shown in both periods and
//! whose responses all use one and the same questionnaire version in both.

use polars::prelude::PlHashMap;

use crate::estimate::{Estimates, GroupKey};
use crate::period::Period;
use crate::scores::{Measure, ScoreRow};
use crate::stats::Z95;

/// (high − low) / (2 · 1.959964): the standard error implied by a 95 % interval.
const INTERVAL_TO_SE: f64 = 3.919928;

#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow {
    pub period: Period,
    pub previous_period: Period,
    pub agency: u32,
    pub measure: Measure,
    pub key: String,
    pub value: f64,
    pub previous_value: f64,
    pub delta: f64,
    pub significant: bool,
}

fn comparable_versions(estimates: &Estimates, now: GroupKey, before: GroupKey) -> bool {
    match (
        estimates.versions.get(&now),
        estimates.versions.get(&before),
    ) {
        (Some(a), Some(b)) => a.len() == 1 && b.len() == 1 && a[0] == b[0],
        _ => false,
    }
}

/// Whether a change `delta` between two shown values is significant at 95 % (§10): each side's
/// standard error from its interval; without both intervals, not.
pub fn significant(delta: f64, now: Option<(f64, f64)>, before: Option<(f64, f64)>) -> bool {
    match (now, before) {
        (Some((l1, h1)), Some((l0, h0))) => {
            let (se1, se0) = ((h1 - l1) / INTERVAL_TO_SE, (h0 - l0) / INTERVAL_TO_SE);
            delta.abs() > Z95 * (se1 * se1 + se0 * se0).sqrt()
        }
        _ => false,
    }
}

pub fn trends(rows: &[ScoreRow], estimates: &Estimates) -> Vec<TrendRow> {
    let tracked = [
        Measure::SatItem,
        Measure::SatDim,
        Measure::SatIndex,
        Measure::PapiDim,
        Measure::PapiTotal,
    ];
    let shown: PlHashMap<(Period, u32, Measure, &str), &ScoreRow> = rows
        .iter()
        .filter(|r| tracked.contains(&r.measure) && r.value.is_some())
        .map(|r| ((r.period, r.agency, r.measure, r.key.as_str()), r))
        .collect();
    let mut out = Vec::new();
    for row in rows.iter().filter(|r| tracked.contains(&r.measure)) {
        let Some(value) = row.value else { continue };
        let previous_period = row.period.previous();
        let Some(before) = shown.get(&(previous_period, row.agency, row.measure, row.key.as_str()))
        else {
            continue;
        };
        let Some(previous_value) = before.value else {
            continue;
        };
        if !comparable_versions(
            estimates,
            (row.period, row.agency),
            (previous_period, row.agency),
        ) {
            continue;
        }
        let delta = value - previous_value;
        let significant = significant(delta, row.ci, before.ci);
        out.push(TrendRow {
            period: row.period,
            previous_period,
            agency: row.agency,
            measure: row.measure,
            key: row.key.clone(),
            value,
            previous_value,
            delta,
            significant,
        });
    }
    out
}
