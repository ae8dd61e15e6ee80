//! §14 Fair comparison: the linearised standard errors of `sat_index` and `papi_total`, each
//! member's funnel position against its level's median, and its rank range from pairwise
//! differences. A rank from a handful of responses says little; these say how little.

use std::collections::HashMap;

use crate::estimate::{favourable_and_score, item_kinds, Estimates, GroupKey};
use crate::input::{Inputs, CELLS};
use crate::stats::{quantile, Z95};

/// z of the 99.8 % limits of a funnel plot.
pub const Z998: f64 = 3.090232;

/// A group's linearised standard errors (§14).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StandardErrors {
    pub sat_index: f64,
    pub papi_total: f64,
}

/// No member group: a response outside every comparison set.
const NONE: u32 = u32::MAX;

/// Per member group and item: what each answer's linearised contribution needs.
#[derive(Debug, Clone, Copy, Default)]
struct ItemTerm {
    /// `1 / (m_d · W_i)`; 0 for an absent item.
    scale: f64,
    /// `100 · p_i` and `x_i`.
    share: f64,
    score: f64,
}

/// The standard errors of every group of `members` (§14): per response
/// `z_r = a · Σ_d (1/m_d) · Σ_{i ∈ d, r ∈ R_i} w_r · (y_ri − ȳ_i) / W_i`, then the stratified
/// variance over the group's cells (§3) that hold at least two responses.
pub fn standard_errors(
    inputs: &Inputs,
    estimates: &Estimates,
    members: &[GroupKey],
) -> HashMap<GroupKey, StandardErrors> {
    let q = &inputs.questionnaire;
    let items = q.items.len();
    let dimensions = q.dimensions.len() as f64;
    let dimension_of: Vec<usize> = q
        .items
        .iter()
        .map(|item| {
            q.dimensions
                .iter()
                .position(|d| d.code == item.dimension)
                .unwrap_or(0)
        })
        .collect();
    let slot: HashMap<GroupKey, u32> = members
        .iter()
        .enumerate()
        .map(|(s, key)| (*key, s as u32))
        .collect();

    let mut terms = vec![ItemTerm::default(); members.len() * items];
    for (s, key) in members.iter().enumerate() {
        let present = |i: usize| {
            estimates
                .items
                .get(&(*key, i as u32))
                .filter(|sums| sums.n > 0)
        };
        let mut present_in = vec![0u32; q.dimensions.len()];
        for i in 0..items {
            if present(i).is_some() {
                present_in[dimension_of[i]] += 1;
            }
        }
        for i in 0..items {
            if let Some(sums) = present(i) {
                terms[s * items + i] = ItemTerm {
                    scale: 1.0 / (f64::from(present_in[dimension_of[i]]) * sums.sum_w),
                    share: 100.0 * sums.sum_wf / sums.sum_w,
                    score: sums.sum_wx / sums.sum_w,
                };
            }
        }
    }

    let r = &inputs.responses;
    let response_slot: Vec<u32> = (0..r.agency.len())
        .map(|i| {
            estimates.period[i]
                .and_then(|p| slot.get(&(p, r.agency[i])).copied())
                .unwrap_or(NONE)
        })
        .collect();
    let kinds = item_kinds(inputs);
    let mut z_sat = vec![0.0; r.agency.len()];
    let mut z_papi = vec![0.0; r.agency.len()];
    let a = &inputs.answers;
    for k in 0..a.response.len() {
        let response = a.response[k] as usize;
        let s = response_slot[response];
        if s == NONE {
            continue;
        }
        let item = usize::from(a.item[k]);
        let term = terms[s as usize * items + item];
        let (favourable, score) = favourable_and_score(kinds[item], i32::from(a.value[k]));
        let w = estimates.weight[response];
        z_sat[response] += term.scale * w * (100.0 * favourable - term.share) / dimensions;
        z_papi[response] += term.scale * w * (score - term.score);
    }

    // Per (member, cell): the count and the means, then the squared deviations from them.
    let cell_of = |i: usize| response_slot[i] as usize * CELLS + usize::from(r.cell[i]);
    let mut count = vec![0u32; members.len() * CELLS];
    let mut sums = vec![(0.0, 0.0); members.len() * CELLS];
    for i in (0..r.agency.len()).filter(|i| response_slot[*i] != NONE) {
        let c = cell_of(i);
        count[c] += 1;
        sums[c].0 += z_sat[i];
        sums[c].1 += z_papi[i];
    }
    let mut squares = vec![(0.0, 0.0); members.len() * CELLS];
    for i in (0..r.agency.len()).filter(|i| response_slot[*i] != NONE) {
        let c = cell_of(i);
        let n = f64::from(count[c]);
        let (sat, papi) = (z_sat[i] - sums[c].0 / n, z_papi[i] - sums[c].1 / n);
        squares[c].0 += sat * sat;
        squares[c].1 += papi * papi;
    }
    members
        .iter()
        .enumerate()
        .map(|(s, key)| {
            let mut variance = (0.0, 0.0);
            for c in s * CELLS..(s + 1) * CELLS {
                if count[c] >= 2 {
                    let n = f64::from(count[c]);
                    let factor = n / (n - 1.0);
                    variance.0 += factor * squares[c].0;
                    variance.1 += factor * squares[c].1;
                }
            }
            (
                *key,
                StandardErrors {
                    sat_index: variance.0.sqrt(),
                    papi_total: variance.1.sqrt(),
                },
            )
        })
        .collect()
}

/// Where a member stands against the others of its level (§14), from its funnel z.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelPosition {
    /// Beyond the 99.8 % limit above.
    FarAbove,
    /// Beyond the 95 % limit above.
    Above,
    InLine,
    Below,
    FarBelow,
}

impl FunnelPosition {
    pub fn of_z(z: f64) -> Self {
        if z > Z998 {
            Self::FarAbove
        } else if z > Z95 {
            Self::Above
        } else if z < -Z998 {
            Self::FarBelow
        } else if z < -Z95 {
            Self::Below
        } else {
            Self::InLine
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FarAbove => "far_above",
            Self::Above => "above",
            Self::InLine => "in_line",
            Self::Below => "below",
            Self::FarBelow => "far_below",
        }
    }

    /// Above, in line with or below the others at 95 %: what public pages may say (§14).
    pub fn side(self) -> Side {
        match self {
            Self::FarAbove | Self::Above => Side::Above,
            Self::InLine => Side::InLine,
            Self::Below | Self::FarBelow => Side::Below,
        }
    }

    /// −2 … 2, for sorting: the best first when sorted descending.
    pub fn order(self) -> i8 {
        match self {
            Self::FarAbove => 2,
            Self::Above => 1,
            Self::InLine => 0,
            Self::Below => -1,
            Self::FarBelow => -2,
        }
    }
}

/// Where a member stands at 95 %, in the order a list shows them (above first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Above,
    InLine,
    Below,
}

impl Side {
    /// As open data writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Above => "above",
            Self::InLine => "in_line",
            Self::Below => "below",
        }
    }

    /// A member without a position (its standard error is 0) is shown in line.
    pub fn of(position: Option<FunnelPosition>) -> Self {
        position.map_or(Self::InLine, FunnelPosition::side)
    }
}

/// `funnel_z = (sat_index − θ) / se`, absent when the se is 0 (§14).
pub fn funnel_z(sat_index: f64, theta: f64, se: f64) -> Option<f64> {
    (se > 0.0).then(|| (sat_index - theta) / se)
}

/// The median of the members' `sat_index`: the funnel's centre θ.
pub fn funnel_centre(sat_indices: &[f64]) -> Option<f64> {
    quantile(sat_indices, 0.5)
}

/// Each member's (best, worst) rank on `totals` with standard errors `se` (§14): best is 1 +
/// the members significantly above it, worst is N − the members significantly below it.
pub fn rank_ranges(totals: &[f64], se: &[f64]) -> Vec<(u32, u32)> {
    let n = totals.len() as u32;
    (0..totals.len())
        .map(|g| {
            let differs = |j: usize| Z95 * (se[g] * se[g] + se[j] * se[j]).sqrt();
            let above = (0..totals.len())
                .filter(|j| totals[*j] - totals[g] > differs(*j))
                .count() as u32;
            let below = (0..totals.len())
                .filter(|j| totals[g] - totals[*j] > differs(*j))
                .count() as u32;
            (1 + above, n - below)
        })
        .collect()
}

/// The funnel's limits at `n_eff` (§14): θ ± z · s / √n_eff, with `s` the set's median of
/// `se · √n_eff`.
pub fn funnel_limits(theta: f64, spread: f64, n_eff: f64, z: f64) -> (f64, f64) {
    let half = z * spread / n_eff.sqrt();
    (theta - half, theta + half)
}

/// The set's `s`: the median of its members' `se · √n_eff`.
pub fn funnel_spread(se_and_n_eff: &[(f64, f64)]) -> Option<f64> {
    let scaled: Vec<f64> = se_and_n_eff
        .iter()
        .map(|(se, n_eff)| se * n_eff.sqrt())
        .collect();
    quantile(&scaled, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_hold_the_ranks_and_narrow_with_the_errors() {
        let totals = [30.0, 29.0, 20.0];
        assert_eq!(
            rank_ranges(&totals, &[0.0, 0.0, 0.0]),
            vec![(1, 1), (2, 2), (3, 3)]
        );
        assert_eq!(
            rank_ranges(&totals, &[1.0, 1.0, 1.0]),
            vec![(1, 2), (1, 2), (3, 3)]
        );
        assert_eq!(
            rank_ranges(&totals, &[10.0, 10.0, 10.0]),
            vec![(1, 3), (1, 3), (1, 3)]
        );
    }

    #[test]
    fn positions_follow_the_two_limits() {
        assert_eq!(FunnelPosition::of_z(1.9), FunnelPosition::InLine);
        assert_eq!(FunnelPosition::of_z(-1.95), FunnelPosition::InLine);
        assert_eq!(FunnelPosition::of_z(2.0), FunnelPosition::Above);
        assert_eq!(FunnelPosition::of_z(-2.0), FunnelPosition::Below);
        assert_eq!(FunnelPosition::of_z(3.1), FunnelPosition::FarAbove);
        assert_eq!(FunnelPosition::of_z(-3.1), FunnelPosition::FarBelow);
        assert_eq!(funnel_z(70.0, 60.0, 0.0), None);
        assert_eq!(funnel_z(70.0, 60.0, 5.0), Some(2.0));
    }
}
