//! Where an agency stands among the others of its level (METHODOLOGY §14): its rank with the
//! range its standard error allows, its quartile tier, and its funnel position; and a level's
//! funnel plot. Read from the computed reports, so every page says what `hailong analyze` says.

use hailong_analysis::fair::{funnel_spread, FunnelPosition};
use hailong_analysis::scores::Measure;

use super::dashboards::Indexed;
pub use crate::domain::standing::{Funnel, FunnelPoint, Standing};

/// `agency`'s standing in `period` among the agencies of `level`; `None` outside every
/// comparison set (suppressed, incomplete, or no responses).
pub fn standing(index: &Indexed, period: &str, agency: &str, level: &str) -> Option<Standing> {
    let value = |measure| index.value(period, agency, measure, "");
    let rank = value(Measure::Rank)?;
    Some(Standing {
        rank: rank as u32,
        best: value(Measure::RankBest).map_or(rank, |r| r) as u32,
        worst: value(Measure::RankWorst).map_or(rank, |r| r) as u32,
        of: index
            .benchmark(period, level, Measure::PapiTotal, "")
            .map_or(0, |b| b.n_agencies),
        tier: value(Measure::Tier).map(|t| t as u8),
        funnel_z: value(Measure::FunnelZ),
    })
}

/// The funnel of `level` in `period` over `agencies` (code, name); those outside the
/// comparison set are left out. `None` when the set is empty.
pub fn funnel(
    index: &Indexed,
    period: &str,
    level: &str,
    agencies: &[(&str, &str)],
) -> Option<Funnel> {
    let centre = index
        .benchmark(period, level, Measure::SatIndex, "")?
        .median;
    let points: Vec<FunnelPoint> = agencies
        .iter()
        .filter_map(|(code, name)| {
            index.value(period, code, Measure::Rank, "")?;
            let sat = index.row(period, code, Measure::SatIndex, "")?;
            Some(FunnelPoint {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                sat_index: sat.value?,
                n_eff: sat.n_eff?,
                position: index
                    .value(period, code, Measure::FunnelZ, "")
                    .map(FunnelPosition::of_z),
            })
        })
        .collect();
    let errors: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| {
            index
                .value(period, &p.code, Measure::SatIndexSe, "")
                .map(|se| (se, p.n_eff))
        })
        .collect();
    let spread = funnel_spread(&errors)?;
    Some(Funnel {
        centre,
        spread,
        points,
    })
}
