//! The deterministic heart of the method, in one pass over each table into dense arrays:
//! post-stratification weights per (period, agency, channel, applicant kind) cell (§3), then the
//! weighted sums every estimate needs, per item (§4), per dimension (§8's counts) and per group,
//! for every agency group and the `ALL` group of each period; and the census figures (§7).
//! The groups number a few thousand at most; summing into arrays indexed by them costs far less
//! than grouping frames of every row (polars reads the files, see `input`).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::Result;
use crate::input::{Inputs, CELLS};
use crate::period::{Period, PeriodKind, QuarterRange};
use crate::questionnaire::{Direction, ItemKind};

/// The agency index that stands for the `ALL` group.
pub const ALL: u32 = u32::MAX;

pub type GroupKey = (Period, u32);

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    pub n: u32,
    pub sum_w: f64,
    pub sum_w2: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ItemSums {
    pub n: u32,
    pub sum_w: f64,
    pub sum_w2: f64,
    /// Σ w · favourable (the share's numerator)
    pub sum_wf: f64,
    /// Σ w · indicator score (the PAPI-style score's numerator)
    pub sum_wx: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Census {
    pub completed: u32,
    pub on_time: u32,
    pub invitations: u32,
    pub processing_days: f64,
}

/// Everything the scores are computed from.
#[derive(Debug, Clone, Default)]
pub struct Estimates {
    pub kind: Option<PeriodKind>,
    /// Per group: its responses' counts and weights; `unweighted` groups have weight 1.
    pub groups: HashMap<GroupKey, Sums>,
    pub unweighted: HashMap<GroupKey, bool>,
    pub items: HashMap<(GroupKey, u32), ItemSums>,
    pub dimensions: HashMap<(GroupKey, u32), Sums>,
    pub census: HashMap<GroupKey, Census>,
    /// Per response (by position): its weight, or NaN when outside the run's periods.
    pub weight: Vec<f64>,
    /// Per response: its period, when inside the run's periods.
    pub period: Vec<Option<Period>>,
    /// The questionnaire versions used by each group's responses.
    pub versions: HashMap<GroupKey, Vec<u32>>,
}

fn period_keys<T>(
    quarters: &[crate::period::Quarter],
    kind: PeriodKind,
    range: Option<QuarterRange>,
    _: &[T],
) -> Vec<Option<Period>> {
    quarters
        .iter()
        .map(|q| {
            range
                .is_none_or(|r| r.contains(*q))
                .then(|| Period::of_quarter(kind, *q))
        })
        .collect()
}

/// Each item's kind as a number for the pipelines: 0 likert5, 1 yes/no positive, 2 yes/no
/// negative.
fn item_kinds(inputs: &Inputs) -> Vec<u32> {
    inputs
        .questionnaire
        .items
        .iter()
        .map(|item| match (item.kind, item.direction) {
            (ItemKind::Likert5, _) => 0,
            (ItemKind::YesNo, Some(Direction::Negative)) => 2,
            (ItemKind::YesNo, _) => 1,
        })
        .collect()
}

/// Answers summed at a time on one core; the partial sums of the slices are added in slice
/// order, so a run gives the same digits whatever the scheduling.
const ANSWER_SLICE: usize = 1 << 20;

/// §4's weighted sums per (group, item), from every answer whose response is in a group. A
/// dense array indexed by group and item: with a handful of items per questionnaire and a few
/// thousand groups it is small, and summing into it beats building a frame of every answer
/// to group it (measured: 3.4 M answers in tens of milliseconds).
fn item_sums(
    inputs: &Inputs,
    response_group: &[u32],
    response_weight: &[f64],
    groups: usize,
) -> Vec<ItemSums> {
    let kinds = item_kinds(inputs);
    let items = kinds.len();
    let a = &inputs.answers;
    let starts: Vec<usize> = (0..a.response.len()).step_by(ANSWER_SLICE).collect();
    let partials: Vec<Vec<ItemSums>> = starts
        .into_par_iter()
        .map(|start| {
            let mut sums = vec![ItemSums::default(); groups * items];
            let end = (start + ANSWER_SLICE).min(a.response.len());
            for k in start..end {
                let response = a.response[k] as usize;
                let group = response_group[response];
                if group == u32::MAX {
                    continue;
                }
                let item = a.item[k] as usize;
                let (fav, x) = favourable_and_score(kinds[item], a.value[k]);
                let w = response_weight[response];
                let s = &mut sums[group as usize * items + item];
                s.n += 1;
                s.sum_w += w;
                s.sum_w2 += w * w;
                s.sum_wf += w * fav;
                s.sum_wx += w * x;
            }
            sums
        })
        .collect();
    let mut totals = vec![ItemSums::default(); groups * items];
    for partial in partials {
        for (total, part) in totals.iter_mut().zip(partial) {
            total.n += part.n;
            total.sum_w += part.sum_w;
            total.sum_w2 += part.sum_w2;
            total.sum_wf += part.sum_wf;
            total.sum_wx += part.sum_wx;
        }
    }
    totals
}

/// An answer's favourable share (0 or 1) and indicator score (§4), by item kind (0 likert5,
/// 1 yes/no positive, 2 yes/no negative).
fn favourable_and_score(kind: u32, value: i32) -> (f64, f64) {
    let v = f64::from(value);
    match kind {
        0 => (f64::from(u8::from(value >= 4)), 1.0 + 9.0 * (v - 1.0) / 4.0),
        1 => (v, 1.0 + 9.0 * v),
        _ => (1.0 - v, 10.0 - 9.0 * v),
    }
}

pub fn estimate(
    inputs: &Inputs,
    kind: PeriodKind,
    range: Option<QuarterRange>,
) -> Result<Estimates> {
    let r = &inputs.responses;
    let d = &inputs.dossiers;
    let response_period = period_keys(&r.quarter, kind, range, &r.agency);
    let dossier_period = period_keys(&d.quarter, kind, range, &d.agency);

    // Groups are (period, agency): dense tables indexed by period position, agency and cell
    // (a few thousand entries), filled in one pass over the rows. Rows outside the run's
    // periods take no part (§1).
    let periods: Vec<Period> = {
        let mut keys: Vec<Period> = response_period
            .iter()
            .chain(&dossier_period)
            .flatten()
            .copied()
            .collect();
        keys.sort();
        keys.dedup();
        keys
    };
    let position: HashMap<Period, usize> =
        periods.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let agencies = inputs.agencies.codes.len();
    let group_index = |period: Period, agency: u32| position[&period] * agencies + agency as usize;
    let groups_total = periods.len() * agencies;

    // §3: N_c and n_c per cell; w = N_c / n_c, or 1 in a group where some N_c < n_c.
    let mut big_n = vec![0u32; groups_total * CELLS];
    let mut census = vec![Census::default(); groups_total];
    let mut has_dossiers = vec![false; groups_total];
    for (i, period) in dossier_period.iter().enumerate() {
        let Some(period) = period else { continue };
        let g = group_index(*period, d.agency[i]);
        big_n[g * CELLS + usize::from(d.cell[i])] += 1;
        let c = &mut census[g];
        c.completed += 1;
        c.on_time += u32::from(d.on_time[i]);
        c.invitations += u32::from(d.invited[i]);
        c.processing_days += d.processing_days[i];
        has_dossiers[g] = true;
    }
    let mut small_n = vec![0u32; groups_total * CELLS];
    for (i, period) in response_period.iter().enumerate() {
        if let Some(period) = period {
            small_n[group_index(*period, r.agency[i]) * CELLS + usize::from(r.cell[i])] += 1;
        }
    }
    let inconsistent: Vec<bool> = (0..groups_total)
        .map(|g| (0..CELLS).any(|c| big_n[g * CELLS + c] < small_n[g * CELLS + c]))
        .collect();
    let cell_weight = |g: usize, cell: usize| {
        if inconsistent[g] {
            1.0
        } else {
            f64::from(big_n[g * CELLS + cell]) / f64::from(small_n[g * CELLS + cell])
        }
    };

    // Each response's group and weight, then the sums per group.
    let mut response_group = vec![u32::MAX; r.agency.len()];
    let mut response_weight = vec![f64::NAN; r.agency.len()];
    let mut group_sums = vec![Sums::default(); groups_total];
    for (i, period) in response_period.iter().enumerate() {
        let Some(period) = period else { continue };
        let g = group_index(*period, r.agency[i]);
        let w = cell_weight(g, usize::from(r.cell[i]));
        response_group[i] = g as u32;
        response_weight[i] = w;
        let s = &mut group_sums[g];
        s.n += 1;
        s.sum_w += w;
        s.sum_w2 += w * w;
    }
    let item_sums = item_sums(inputs, &response_group, &response_weight, groups_total);

    let key_of = |g: usize| (periods[g / agencies], (g % agencies) as u32);
    let mut out = Estimates {
        kind: Some(kind),
        ..Estimates::default()
    };
    for (g, sums) in group_sums.iter().enumerate() {
        if sums.n > 0 {
            out.groups.insert(key_of(g), *sums);
            out.unweighted.insert(key_of(g), inconsistent[g]);
        }
        if has_dossiers[g] {
            out.census.insert(key_of(g), census[g]);
        }
    }
    let items = inputs.questionnaire.items.len();
    for (index, sums) in item_sums.into_iter().enumerate() {
        if sums.n > 0 {
            out.items
                .insert((key_of(index / items), (index % items) as u32), sums);
        }
    }

    out.weight = response_weight;
    for (i, period) in response_period.iter().enumerate() {
        if let Some(period) = period {
            for agency in [r.agency[i], ALL] {
                let versions = out.versions.entry((*period, agency)).or_default();
                if !versions.contains(&r.version[i]) {
                    versions.push(r.version[i]);
                }
            }
        }
    }
    out.period = response_period;
    dimension_sums(inputs, &mut out);
    add_all_groups(&mut out);
    Ok(out)
}

/// Per group and dimension: the responses with at least one valid answer in the dimension,
/// and their weights (§8's counts). One pass over the answers marks each response's
/// dimensions as bits; a high-cardinality group-by would cost far more.
fn dimension_sums(inputs: &Inputs, out: &mut Estimates) {
    let q = &inputs.questionnaire;
    let dims: HashMap<&str, u32> = q
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i as u32))
        .collect();
    let item_dim: Vec<u32> = q.items.iter().map(|i| dims[i.dimension.as_str()]).collect();
    let words = q.dimensions.len().div_ceil(64);
    let mut answered = vec![0u64; inputs.responses.agency.len() * words];
    for (r, item) in inputs.answers.response.iter().zip(&inputs.answers.item) {
        let d = item_dim[*item as usize] as usize;
        answered[*r as usize * words + d / 64] |= 1 << (d % 64);
    }
    for (r, period) in out.period.iter().enumerate() {
        let (Some(period), w) = (period, out.weight[r]) else {
            continue;
        };
        if w.is_nan() {
            continue;
        }
        let key = (*period, inputs.responses.agency[r]);
        for d in 0..q.dimensions.len() {
            if answered[r * words + d / 64] & (1 << (d % 64)) != 0 {
                let s = out.dimensions.entry((key, d as u32)).or_default();
                s.n += 1;
                s.sum_w += w;
                s.sum_w2 += w * w;
            }
        }
    }
}

/// The `ALL` group of each period: every sum is additive over the agency groups, because each
/// response keeps the weight it has in its own agency's group (§2).
fn add_all_groups(out: &mut Estimates) {
    let mut groups: HashMap<GroupKey, Sums> = HashMap::new();
    for ((period, _), s) in &out.groups {
        let all = groups.entry((*period, ALL)).or_default();
        all.n += s.n;
        all.sum_w += s.sum_w;
        all.sum_w2 += s.sum_w2;
    }
    let mut items: HashMap<(GroupKey, u32), ItemSums> = HashMap::new();
    for (((period, _), item), s) in &out.items {
        let all = items.entry(((*period, ALL), *item)).or_default();
        all.n += s.n;
        all.sum_w += s.sum_w;
        all.sum_w2 += s.sum_w2;
        all.sum_wf += s.sum_wf;
        all.sum_wx += s.sum_wx;
    }
    let mut dimensions: HashMap<(GroupKey, u32), Sums> = HashMap::new();
    for (((period, _), dim), s) in &out.dimensions {
        let all = dimensions.entry(((*period, ALL), *dim)).or_default();
        all.n += s.n;
        all.sum_w += s.sum_w;
        all.sum_w2 += s.sum_w2;
    }
    let mut census: HashMap<GroupKey, Census> = HashMap::new();
    for ((period, _), c) in &out.census {
        let all = census.entry((*period, ALL)).or_default();
        all.completed += c.completed;
        all.on_time += c.on_time;
        all.invitations += c.invitations;
        all.processing_days += c.processing_days;
    }
    for key in groups.keys() {
        // `ALL` is never unweighted (§2).
        out.unweighted.insert(*key, false);
    }
    out.groups.extend(groups);
    out.items.extend(items);
    out.dimensions.extend(dimensions);
    out.census.extend(census);
}
