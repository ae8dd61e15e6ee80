//! Intervals for composite scores (§9): within every cell of a group, draw `n_c` responses with
//! replacement, recompute the scores, and take the 2.5 % and 97.5 % percentiles of the
//! replicates in which the score is present. Groups run in parallel; each has its own seeded
//! generator, so a run is reproducible whatever the scheduling.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use crate::estimate::{Estimates, GroupKey, ALL};
use crate::input::{Inputs, CELLS};
use crate::questionnaire::{Direction, ItemKind};
use crate::stats::quantile_sorted;

/// Each response's answers as flat arrays: favourable (0/1) and indicator score.
pub struct AnswerTable {
    offsets: Vec<usize>,
    item: Vec<u16>,
    fav: Vec<f64>,
    x: Vec<f64>,
}

impl AnswerTable {
    pub fn new(inputs: &Inputs) -> Self {
        let responses = inputs.responses.agency.len();
        let a = &inputs.answers;
        let mut offsets = vec![0usize; responses + 1];
        for &r in &a.response {
            offsets[r as usize + 1] += 1;
        }
        for i in 0..responses {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let total = a.response.len();
        let (mut item, mut fav, mut x) = (vec![0u16; total], vec![0.0; total], vec![0.0; total]);
        for k in 0..total {
            let slot = next[a.response[k] as usize];
            next[a.response[k] as usize] += 1;
            let spec = &inputs.questionnaire.items[a.item[k] as usize];
            let v = f64::from(a.value[k]);
            let (f, s) = match (spec.kind, spec.direction) {
                (ItemKind::Likert5, _) => (
                    f64::from(u8::from(a.value[k] >= 4)),
                    1.0 + 9.0 * (v - 1.0) / 4.0,
                ),
                (ItemKind::YesNo, Some(Direction::Negative)) => (1.0 - v, 10.0 - 9.0 * v),
                (ItemKind::YesNo, _) => (v, 1.0 + 9.0 * v),
            };
            item[slot] = a.item[k] as u16;
            fav[slot] = f;
            x[slot] = s;
        }
        Self {
            offsets,
            item,
            fav,
            x,
        }
    }
}

/// Interval bounds per statistic: `sat_dim`/`papi_dim` by dimension index, and the two totals.
#[derive(Debug, Clone, Default)]
pub struct Intervals {
    pub sat_dim: Vec<Option<(f64, f64)>>,
    pub papi_dim: Vec<Option<(f64, f64)>>,
    pub sat_index: Option<(f64, f64)>,
    pub papi_total: Option<(f64, f64)>,
}

struct Layout {
    /// item → dimension
    item_dim: Vec<usize>,
    dims: usize,
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

fn replicate_group(
    cells: &[Vec<u32>],
    weights: &[f64],
    answers: &AnswerTable,
    layout: &Layout,
    items: usize,
    replicates: u32,
    seed: u64,
) -> Intervals {
    let mut rng = StdRng::seed_from_u64(seed);
    let dims = layout.dims;
    let mut sat_dim: Vec<Vec<f64>> = vec![Vec::new(); dims];
    let mut papi_dim: Vec<Vec<f64>> = vec![Vec::new(); dims];
    let (mut sat_index, mut papi_total) = (Vec::new(), Vec::new());
    let (mut sw, mut swf, mut swx) = (vec![0.0; items], vec![0.0; items], vec![0.0; items]);
    let (mut dim_f, mut dim_x, mut dim_items) =
        (vec![0.0; dims], vec![0.0; dims], vec![0u32; dims]);
    for _ in 0..replicates {
        sw.fill(0.0);
        swf.fill(0.0);
        swx.fill(0.0);
        for cell in cells {
            for _ in 0..cell.len() {
                let r = cell[rng.random_range(0..cell.len())] as usize;
                let w = weights[r];
                for k in answers.offsets[r]..answers.offsets[r + 1] {
                    let i = usize::from(answers.item[k]);
                    sw[i] += w;
                    swf[i] += w * answers.fav[k];
                    swx[i] += w * answers.x[k];
                }
            }
        }
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

/// Intervals for each of `groups`.
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
    let answers = AnswerTable::new(inputs);
    let q = &inputs.questionnaire;
    let dim_index: HashMap<&str, usize> = q
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let layout = Layout {
        item_dim: q
            .items
            .iter()
            .map(|i| dim_index[i.dimension.as_str()])
            .collect(),
        dims: q.dimensions.len(),
    };

    // Cells of each group: (channel, kind) for an agency, (agency, channel, kind) for ALL.
    let wanted: HashMap<GroupKey, usize> =
        groups.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut cells: Vec<HashMap<u64, Vec<u32>>> = vec![HashMap::new(); groups.len()];
    let r = &inputs.responses;
    for (i, period) in estimates.period.iter().enumerate() {
        let Some(period) = period else { continue };
        if estimates.weight[i].is_nan() {
            continue;
        }
        let cell = u64::from(r.cell[i]);
        if let Some(&g) = wanted.get(&(*period, r.agency[i])) {
            cells[g].entry(cell).or_default().push(i as u32);
        }
        if let Some(&g) = wanted.get(&(*period, ALL)) {
            cells[g]
                .entry(u64::from(r.agency[i]) * CELLS as u64 + cell)
                .or_default()
                .push(i as u32);
        }
    }
    groups
        .par_iter()
        .zip(cells.into_par_iter())
        .map(|(key, cells)| {
            let mut cells: Vec<(u64, Vec<u32>)> = cells.into_iter().collect();
            cells.sort_by_key(|(k, _)| *k);
            let cells: Vec<Vec<u32>> = cells.into_iter().map(|(_, v)| v).collect();
            (
                *key,
                replicate_group(
                    &cells,
                    &estimates.weight,
                    &answers,
                    &layout,
                    q.items.len(),
                    replicates,
                    group_seed(seed, *key),
                ),
            )
        })
        .collect()
}
