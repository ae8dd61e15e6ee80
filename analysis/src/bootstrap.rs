//! Intervals for composite scores (§9): within every cell of a group, draw `n_c` responses with
//! replacement, recompute the scores, and take the 2.5 % and 97.5 % percentiles of the
//! replicates in which the score is present.
//!
//! How it is made fast without changing a draw's distribution:
//! - every response is precomputed once as a dense row of its per-item sums (answered,
//!   favourable, indicator score), responses of one cell side by side, so a replicate is a sum
//!   of rows drawn at random: no per-answer lookups;
//! - all the responses of a cell share one weight (§3: w = N_c / n_c), so a cell's draws are
//!   summed unweighted and multiplied by the weight once. The row values (0, 1 and multiples of
//!   0.25 up to 10) and their sums stay exact in `f32`;
//! - the `ALL` group's cells are its agencies' cells (§9), drawn independently: one replicate of
//!   `ALL` is the sum of the same replicate of every agency group of the period, so nothing is
//!   drawn twice.
//!
//! Agency groups run in parallel, each with its own seeded generator: a run is reproducible
//! whatever the scheduling.

use std::collections::{BTreeMap, HashMap};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use crate::estimate::{Estimates, GroupKey, ALL};
use crate::input::Inputs;
use crate::period::Period;
use crate::questionnaire::{Direction, ItemKind};
use crate::stats::quantile_sorted;

/// Interval bounds per statistic: `sat_dim`/`papi_dim` by dimension index, and the two totals.
#[derive(Debug, Clone, Default)]
pub struct Intervals {
    pub sat_dim: Vec<Option<(f64, f64)>>,
    pub papi_dim: Vec<Option<(f64, f64)>>,
    pub sat_index: Option<(f64, f64)>,
    pub papi_total: Option<(f64, f64)>,
}

/// The questionnaire's shape as the replicates need it.
struct Layout {
    items: usize,
    /// item → dimension
    item_dim: Vec<usize>,
    dims: usize,
    /// Floats per response row: answered, favourable and score per item, padded to 8.
    stride: usize,
}

/// Every response of a bootstrapped group as a dense row, cells side by side.
struct Rows {
    values: Vec<f32>,
}

/// One agency group of a period: its cells as (first row, rows, weight).
struct Group {
    key: GroupKey,
    cells: Vec<(usize, usize, f64)>,
}

fn interval(mut values: Vec<f64>) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some((
        quantile_sorted(&values, 0.025),
        quantile_sorted(&values, 0.975),
    ))
}

fn group_seed(seed: u64, key: GroupKey) -> u64 {
    let period = u64::from(key.0.key as u32) | (u64::from(key.0.kind_is_year) << 32);
    seed ^ period.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ u64::from(key.1).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
}

/// A response's contribution to one item: favourable (0/1) and indicator score (§4).
fn contribution(kind: ItemKind, direction: Option<Direction>, value: i32) -> (f32, f32) {
    let v = value as f32;
    match (kind, direction) {
        (ItemKind::Likert5, _) => (f32::from(u8::from(value >= 4)), 1.0 + 9.0 * (v - 1.0) / 4.0),
        (ItemKind::YesNo, Some(Direction::Negative)) => (1.0 - v, 10.0 - 9.0 * v),
        (ItemKind::YesNo, _) => (v, 1.0 + 9.0 * v),
    }
}

/// The agency groups of each period that have weighted responses, with their cells laid out
/// in `Rows`.
fn layout_groups(
    inputs: &Inputs,
    estimates: &Estimates,
    layout: &Layout,
) -> (Rows, BTreeMap<Period, Vec<Group>>) {
    let r = &inputs.responses;
    // Responses of each (period, agency, cell), in response order.
    let mut members: BTreeMap<(Period, u32, u8), Vec<u32>> = BTreeMap::new();
    for (i, period) in estimates.period.iter().enumerate() {
        let Some(period) = period else { continue };
        if estimates.weight[i].is_nan() {
            continue;
        }
        members
            .entry((*period, r.agency[i], r.cell[i]))
            .or_default()
            .push(i as u32);
    }
    let total: usize = members.values().map(Vec::len).sum();
    let mut row_of = vec![u32::MAX; r.agency.len()];
    let mut groups: BTreeMap<Period, Vec<Group>> = BTreeMap::new();
    let mut next = 0usize;
    for ((period, agency, _), responses) in &members {
        let list = groups.entry(*period).or_default();
        if list.last().is_none_or(|g| g.key != (*period, *agency)) {
            list.push(Group {
                key: (*period, *agency),
                cells: Vec::new(),
            });
        }
        let weight = estimates.weight[responses[0] as usize];
        if let Some(group) = list.last_mut() {
            group.cells.push((next, responses.len(), weight));
        }
        for &response in responses {
            row_of[response as usize] = next as u32;
            next += 1;
        }
    }
    let mut values = vec![0f32; total * layout.stride];
    let a = &inputs.answers;
    let q = &inputs.questionnaire;
    for k in 0..a.response.len() {
        let row = row_of[a.response[k] as usize];
        if row == u32::MAX {
            continue;
        }
        let item = a.item[k] as usize;
        let spec = &q.items[item];
        let (fav, x) = contribution(spec.kind, spec.direction, a.value[k]);
        let base = row as usize * layout.stride;
        values[base + item] = 1.0;
        values[base + layout.items + item] = fav;
        values[base + 2 * layout.items + item] = x;
    }
    (Rows { values }, groups)
}

/// `replicates` replicates of one agency group: per replicate, the weighted sums per item
/// (answered, favourable, score), `3 · items` values.
fn replicate_sums(
    group: &Group,
    rows: &Rows,
    layout: &Layout,
    replicates: u32,
    seed: u64,
) -> Vec<f64> {
    let (stride, width) = (layout.stride, 3 * layout.items);
    let mut rng = StdRng::seed_from_u64(group_seed(seed, group.key));
    let mut out = vec![0.0f64; replicates as usize * width];
    let mut cell_sum = vec![0f32; stride];
    for replicate in out.chunks_exact_mut(width) {
        for &(first, size, weight) in &group.cells {
            cell_sum.fill(0.0);
            for _ in 0..size {
                let row = first + rng.random_range(0..size);
                let values = &rows.values[row * stride..(row + 1) * stride];
                for (sum, value) in cell_sum.iter_mut().zip(values) {
                    *sum += *value;
                }
            }
            for (total, sum) in replicate.iter_mut().zip(&cell_sum) {
                *total += weight * f64::from(*sum);
            }
        }
    }
    out
}

/// The intervals of a group from its replicates' sums.
fn intervals(sums: &[f64], layout: &Layout, replicates: u32) -> Intervals {
    let (items, dims) = (layout.items, layout.dims);
    let mut sat_dim: Vec<Vec<f64>> = vec![Vec::with_capacity(replicates as usize); dims];
    let mut papi_dim: Vec<Vec<f64>> = vec![Vec::with_capacity(replicates as usize); dims];
    let (mut sat_index, mut papi_total) = (Vec::new(), Vec::new());
    let (mut dim_f, mut dim_x, mut dim_items) =
        (vec![0.0; dims], vec![0.0; dims], vec![0u32; dims]);
    for replicate in sums.chunks_exact(3 * items) {
        let (sw, rest) = replicate.split_at(items);
        let (swf, swx) = rest.split_at(items);
        dim_f.fill(0.0);
        dim_x.fill(0.0);
        dim_items.fill(0);
        for i in 0..items {
            if sw[i] > 0.0 {
                let d = layout.item_dim[i];
                dim_f[d] += swf[i] / sw[i];
                dim_x[d] += swx[i] / sw[i];
                dim_items[d] += 1;
            }
        }
        let mut complete = true;
        let (mut sat_sum, mut papi_sum) = (0.0, 0.0);
        for d in 0..dims {
            if dim_items[d] == 0 {
                complete = false;
                continue;
            }
            let sat = 100.0 * dim_f[d] / f64::from(dim_items[d]);
            let papi = dim_x[d] / f64::from(dim_items[d]);
            sat_dim[d].push(sat);
            papi_dim[d].push(papi);
            sat_sum += sat;
            papi_sum += papi;
        }
        if complete {
            sat_index.push(sat_sum / dims as f64);
            papi_total.push(papi_sum);
        }
    }
    Intervals {
        sat_dim: sat_dim.into_iter().map(interval).collect(),
        papi_dim: papi_dim.into_iter().map(interval).collect(),
        sat_index: interval(sat_index),
        papi_total: interval(papi_total),
    }
}

/// Intervals for each of `groups` (agency groups and `ALL` groups).
pub fn bootstrap(
    inputs: &Inputs,
    estimates: &Estimates,
    groups: &[GroupKey],
    replicates: u32,
    seed: u64,
) -> HashMap<GroupKey, Intervals> {
    if replicates == 0 || groups.is_empty() {
        return HashMap::new();
    }
    let q = &inputs.questionnaire;
    let dim_index: HashMap<&str, usize> = q
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let items = q.items.len();
    let layout = Layout {
        items,
        item_dim: q
            .items
            .iter()
            .map(|i| dim_index[i.dimension.as_str()])
            .collect(),
        dims: q.dimensions.len(),
        stride: (3 * items).div_ceil(8) * 8,
    };
    let wanted: std::collections::HashSet<GroupKey> = groups.iter().copied().collect();
    let (rows, by_period) = layout_groups(inputs, estimates, &layout);
    let mut out = HashMap::new();
    for (period, agency_groups) in by_period {
        let want_all = wanted.contains(&(period, ALL));
        // An agency group is drawn when its own interval is wanted, or for the period's ALL.
        let drawn: Vec<(GroupKey, Vec<f64>)> = agency_groups
            .par_iter()
            .filter(|g| want_all || wanted.contains(&g.key))
            .map(|g| (g.key, replicate_sums(g, &rows, &layout, replicates, seed)))
            .collect();
        let mut all = vec![0.0f64; replicates as usize * 3 * items];
        for (key, sums) in &drawn {
            if wanted.contains(key) {
                out.insert(*key, intervals(sums, &layout, replicates));
            }
            if want_all {
                for (total, value) in all.iter_mut().zip(sums) {
                    *total += value;
                }
            }
        }
        if want_all {
            out.insert((period, ALL), intervals(&all, &layout, replicates));
        }
    }
    out
}
