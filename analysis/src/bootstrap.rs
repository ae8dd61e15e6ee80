//! Intervals for composite scores (§9): within every cell of a group, draw `n_c` responses with
//! replacement, recompute the scores, and take the 2.5 % and 97.5 % percentiles of the
//! replicates in which the score is present.
//!
//! How it is made fast without changing a draw's distribution:
//! - every response is precomputed once as a dense row, one packed integer per item holding
//!   three small counts (answered 0/1, favourable 0/1, value 0-5), responses of one cell side
//!   by side, so a replicate is a sum of rows drawn at random: no per-answer lookups, and one
//!   integer addition per item and draw carries all three sums (the fields are emptied into
//!   wide totals before they could overflow);
//! - all the responses of a cell share one weight (§3: w = N_c / n_c), so a cell's draws are
//!   summed unweighted and multiplied by the weight once. The indicator score is linear in the
//!   value for every item kind (§4), so its sum follows exactly from the counts;
//! - the `ALL` group's cells are its agencies' cells (§9), drawn independently: one replicate of
//!   `ALL` is the sum of the same replicate of every agency group of the period, so nothing is
//!   drawn twice.
//!
//! Agency groups run in parallel, each with its own seeded generator (xoshiro256++: 40 M
//! draws for 200 replicates of 200,000 responses cost a fraction of ChaCha12's time): a run is
//! reproducible whatever the scheduling.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::estimate::{Estimates, GroupKey, ALL};
use crate::input::{Inputs, CELLS};
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
    /// Each item's kind: how its score follows from the counts.
    kinds: Vec<Score>,
    /// Lanes per response row: one per item, padded to 8.
    stride: usize,
}

/// Every response of a bootstrapped group as a dense row of packed lanes, cells side by side.
struct Rows {
    lanes: Vec<u32>,
}

/// A lane's fields: answered in bits 0-9, favourable in 10-19, value in 20-31. Draws summed
/// into a lane before its fields are emptied: the value field holds 4095 ≥ 5 · 819.
const FAVOURABLE_SHIFT: u32 = 10;
const VALUE_SHIFT: u32 = 20;
const FIELD_MASK: u32 = (1 << FAVOURABLE_SHIFT) - 1;
const DRAWS_PER_FLUSH: usize = 819;

/// How an item's indicator score (§4) follows from a value v: likert 1 + 9 (v − 1) / 4, yes/no
/// 1 + 9 v, or 10 − 9 v when "yes" is the unfavourable answer.
#[derive(Clone, Copy)]
enum Score {
    Likert,
    YesPositive,
    YesNegative,
}

impl Score {
    fn of(kind: ItemKind, direction: Option<Direction>) -> Self {
        match (kind, direction) {
            (ItemKind::Likert5, _) => Self::Likert,
            (ItemKind::YesNo, Some(Direction::Negative)) => Self::YesNegative,
            (ItemKind::YesNo, _) => Self::YesPositive,
        }
    }

    /// Favourable (0/1) for one value.
    fn favourable(self, value: i32) -> u32 {
        u32::from(match self {
            Self::Likert => value >= 4,
            Self::YesPositive => value == 1,
            Self::YesNegative => value == 0,
        })
    }

    /// The sum of the scores of `answered` answers whose values sum to `values`: exact, as
    /// every term is a multiple of a quarter.
    fn score_sum(self, answered: f64, values: f64) -> f64 {
        match self {
            Self::Likert => answered + 9.0 * (values - answered) / 4.0,
            Self::YesPositive => answered + 9.0 * values,
            Self::YesNegative => 10.0 * answered - 9.0 * values,
        }
    }
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

/// The agency groups of each period that have weighted responses, with their cells laid out
/// in `Rows`: groups by (period, agency), cells in cell order, responses in file order.
fn layout_groups(inputs: &Inputs, estimates: &Estimates, layout: &Layout) -> (Rows, Vec<Group>) {
    let r = &inputs.responses;
    let agencies = inputs.agencies.codes.len();
    let mut periods: Vec<Period> = estimates.period.iter().flatten().copied().collect();
    periods.sort();
    periods.dedup();
    // Each weighted response's cell as one number, (period, agency, cell) in order; then a
    // counting sort gives every response its row.
    let cell_of = |i: usize| -> Option<usize> {
        let period = estimates.period[i]?;
        if estimates.weight[i].is_nan() {
            return None;
        }
        let p = periods.binary_search(&period).ok()?;
        Some((p * agencies + r.agency[i] as usize) * CELLS + usize::from(r.cell[i]))
    };
    let cells_total = periods.len() * agencies * CELLS;
    let response_cell: Vec<Option<usize>> = (0..r.agency.len()).map(cell_of).collect();
    let mut starts = vec![0usize; cells_total + 1];
    for cell in response_cell.iter().flatten() {
        starts[cell + 1] += 1;
    }
    for c in 0..cells_total {
        starts[c + 1] += starts[c];
    }
    let total = starts[cells_total];
    let mut next = starts.clone();
    let mut row_of = vec![u32::MAX; r.agency.len()];
    let mut weight_of_cell = vec![0.0; cells_total];
    for (i, cell) in response_cell.iter().enumerate() {
        if let Some(cell) = *cell {
            row_of[i] = next[cell] as u32;
            next[cell] += 1;
            weight_of_cell[cell] = estimates.weight[i];
        }
    }
    let mut groups = Vec::new();
    for (p, period) in periods.iter().enumerate() {
        for agency in 0..agencies {
            let first_cell = (p * agencies + agency) * CELLS;
            let cells: Vec<(usize, usize, f64)> = (first_cell..first_cell + CELLS)
                .filter(|c| starts[c + 1] > starts[*c])
                .map(|c| (starts[c], starts[c + 1] - starts[c], weight_of_cell[c]))
                .collect();
            if !cells.is_empty() {
                groups.push(Group {
                    key: (*period, agency as u32),
                    cells,
                });
            }
        }
    }
    let mut lanes = vec![0u32; total * layout.stride];
    let a = &inputs.answers;
    for k in 0..a.response.len() {
        let row = row_of[a.response[k] as usize];
        if row == u32::MAX {
            continue;
        }
        let item = usize::from(a.item[k]);
        let value = i32::from(a.value[k]);
        lanes[row as usize * layout.stride + item] = 1
            | layout.kinds[item].favourable(value) << FAVOURABLE_SHIFT
            | (value as u32) << VALUE_SHIFT;
    }
    (Rows { lanes }, groups)
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
    let (stride, items) = (layout.stride, layout.items);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(group_seed(seed, group.key));
    let mut out = vec![0.0f64; replicates as usize * 3 * items];
    let mut lanes = vec![0u32; stride];
    // Per item: answered, favourable, values, summed over a cell's draws.
    let mut counts = vec![[0u64; 3]; items];
    let flush = |lanes: &mut [u32], counts: &mut [[u64; 3]]| {
        for (count, lane) in counts.iter_mut().zip(lanes.iter()) {
            count[0] += u64::from(lane & FIELD_MASK);
            count[1] += u64::from(lane >> FAVOURABLE_SHIFT & FIELD_MASK);
            count[2] += u64::from(lane >> VALUE_SHIFT);
        }
        lanes.fill(0);
    };
    for replicate in out.chunks_exact_mut(3 * items) {
        for &(first, size, weight) in &group.cells {
            counts.fill([0; 3]);
            let mut pending = 0;
            for _ in 0..size {
                let row = first + rng.random_range(0..size);
                for (sum, lane) in lanes.iter_mut().zip(&rows.lanes[row * stride..][..stride]) {
                    *sum += lane;
                }
                pending += 1;
                if pending == DRAWS_PER_FLUSH {
                    flush(&mut lanes, &mut counts);
                    pending = 0;
                }
            }
            flush(&mut lanes, &mut counts);
            let (answered, rest) = replicate.split_at_mut(items);
            let (favourable, score) = rest.split_at_mut(items);
            for (i, [n, fav, values]) in counts.iter().enumerate() {
                let n = *n as f64;
                answered[i] += weight * n;
                favourable[i] += weight * *fav as f64;
                score[i] += weight * layout.kinds[i].score_sum(n, *values as f64);
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
        kinds: q
            .items
            .iter()
            .map(|i| Score::of(i.kind, i.direction))
            .collect(),
        stride: items.div_ceil(8) * 8,
    };
    let wanted: std::collections::HashSet<GroupKey> = groups.iter().copied().collect();
    let (rows, agency_groups) = layout_groups(inputs, estimates, &layout);
    // Period by period (the groups are in period order), so that only one period's replicate
    // sums are held at a time: all periods' at once were 108 MB for 200 replicates of the
    // bench's 1,072 agency groups, every page of it new to the process. Within a period, its
    // agency groups run on every core; an agency group is drawn when its own interval is
    // wanted, or for its period's ALL.
    let mut out = HashMap::new();
    for period_groups in agency_groups.chunk_by(|a, b| a.key.0 == b.key.0) {
        let all_key = (period_groups[0].key.0, ALL);
        let wants_all = wanted.contains(&all_key);
        let drawn: Vec<(GroupKey, Vec<f64>)> = period_groups
            .par_iter()
            .filter(|g| wants_all || wanted.contains(&g.key))
            .map(|g| (g.key, replicate_sums(g, &rows, &layout, replicates, seed)))
            .collect();
        // One replicate of a period's ALL is the sum of that replicate of its agency groups,
        // added in agency order.
        let all = wants_all.then(|| {
            let mut sums = vec![0.0f64; replicates as usize * 3 * items];
            for (_, group) in &drawn {
                for (total, value) in sums.iter_mut().zip(group) {
                    *total += value;
                }
            }
            (all_key, sums)
        });
        out.par_extend(
            drawn
                .par_iter()
                .filter(|(key, _)| wanted.contains(key))
                .chain(all.as_ref().into_par_iter())
                .map(|(key, sums)| (*key, intervals(sums, &layout, replicates))),
        );
    }
    out
}
