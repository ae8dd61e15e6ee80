//! What the public may see: each agency's satisfaction index (with its interval, its funnel
//! position against its level and its rank range), on-time rate and response count for closed
//! periods — the numbers the staff dashboards show, read from the same computed reports — and
//! never a suppressed value or a comment. An agency is called above or below the others only
//! from its funnel position at 95 % (METHODOLOGY §14), never from a tier.

use hailong_analysis::fair::FunnelPosition;
use hailong_analysis::scores::Measure;

use super::dashboards::Indexed;
use crate::domain::period::Quarter;

/// One agency's public figures in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicRow {
    pub agency: String,
    pub sat_index: f64,
    pub interval: Option<(f64, f64)>,
    /// Quartile tier among the agencies of its level (1 best), when ranked.
    pub tier: Option<u8>,
    /// §14, when ranked: the index's linearised standard error, the funnel z and position
    /// against the median of its level, and the rank with its range.
    pub sat_index_se: Option<f64>,
    pub funnel_z: Option<f64>,
    pub position: Option<FunnelPosition>,
    pub rank: Option<(u32, u32, u32)>,
    pub on_time_rate: Option<f64>,
    pub responses: u32,
}

/// The closed periods of a board, newest first: those before the period `now` is in.
pub fn closed_periods(index: &Indexed, now: Quarter, year_kind: bool) -> Vec<String> {
    let open = if year_kind {
        now.year.to_string()
    } else {
        now.to_string()
    };
    let mut closed: Vec<String> = index
        .periods
        .iter()
        .filter(|p| {
            if year_kind {
                p.parse::<i32>().is_ok_and(|y| y < now.year)
            } else {
                p.parse::<Quarter>().is_ok_and(|q| q < now)
            }
        })
        .filter(|p| **p != open)
        .cloned()
        .collect();
    closed.reverse();
    closed
}

/// Every agency's shown figures in `period` (none for a suppressed satisfaction index), in the
/// order of `agencies` (codes). The index and its interval are published as the pages show
/// them, to one decimal: full precision would let a year's index and its quarters' be
/// differenced more finely than anyone reads them.
pub fn rows(index: &Indexed, period: &str, agencies: &[&str]) -> Vec<PublicRow> {
    agencies
        .iter()
        .filter_map(|code| {
            let sat = index.row(period, code, Measure::SatIndex, "")?;
            if sat.status == "suppressed" {
                return None;
            }
            let sat_index = shown(sat.value?);
            let funnel_z = index.value(period, code, Measure::FunnelZ, "");
            Some(PublicRow {
                agency: (*code).to_owned(),
                sat_index,
                interval: sat.ci.map(|(low, high)| (shown(low), shown(high))),
                tier: index
                    .value(period, code, Measure::Tier, "")
                    .map(|t| t as u8),
                sat_index_se: index
                    .value(period, code, Measure::SatIndexSe, "")
                    .map(|se| to_decimals(se, 2)),
                funnel_z: funnel_z.map(|z| to_decimals(z, 2)),
                position: funnel_z.map(FunnelPosition::of_z),
                rank: rank(index, period, code),
                on_time_rate: index.value(period, code, Measure::OnTimeRate, ""),
                responses: index
                    .row(period, code, Measure::Completed, "")
                    .map_or(sat.n, |r| r.n),
            })
        })
        .collect()
}

/// (rank, best, worst) of a member of a comparison set.
fn rank(index: &Indexed, period: &str, code: &str) -> Option<(u32, u32, u32)> {
    let value = |measure| index.value(period, code, measure, "").map(|v| v as u32);
    let rank = value(Measure::Rank)?;
    Some((
        rank,
        value(Measure::RankBest).unwrap_or(rank),
        value(Measure::RankWorst).unwrap_or(rank),
    ))
}

/// A published index: to one decimal, as the pages show it.
fn shown(value: f64) -> f64 {
    to_decimals(value, 1)
}

fn to_decimals(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
