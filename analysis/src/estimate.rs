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
use crate::period::{Period, PeriodKind, Quarter, QuarterRange};
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

/// Each item's kind as a number for the pipelines: 0 likert5, 1 yes/no positive, 2 yes/no
/// negative.
pub(crate) fn item_kinds(inputs: &Inputs) -> Vec<u32> {
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
                let item = usize::from(a.item[k]);
                let (fav, x) = favourable_and_score(kinds[item], i32::from(a.value[k]));
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
pub(crate) fn favourable_and_score(kind: u32, value: i32) -> (f64, f64) {
    let v = f64::from(value);
    match kind {
        0 => (f64::from(u8::from(value >= 4)), 1.0 + 9.0 * (v - 1.0) / 4.0),
        1 => (v, 1.0 + 9.0 * v),
        _ => (1.0 - v, 10.0 - 9.0 * v),
    }
}

/// No period: a row outside the run's periods.
const NO_PERIOD: u32 = u32::MAX;

/// The run's periods (sorted) and, for every quarter from the earliest to the latest any row
/// has, the position of its period among them (or [`NO_PERIOD`]): a row's period is then an
/// array lookup.
struct PeriodSlots {
    periods: Vec<Period>,
    first_key: i32,
    slot: Vec<u32>,
}

impl PeriodSlots {
    fn new(quarters: &[&[Quarter]], kind: PeriodKind, range: Option<QuarterRange>) -> Self {
        let keys = quarters.iter().flat_map(|q| q.iter()).map(|q| q.key());
        let (first_key, last_key) =
            keys.fold((i32::MAX, i32::MIN), |(lo, hi), k| (lo.min(k), hi.max(k)));
        if first_key > last_key {
            return Self {
                periods: Vec::new(),
                first_key: 0,
                slot: Vec::new(),
            };
        }
        let span = (last_key - first_key + 1) as usize;
        let mut present = vec![false; span];
        for quarter in quarters.iter().flat_map(|q| q.iter()) {
            present[(quarter.key() - first_key) as usize] = true;
        }
        let period_of = |key: i32| {
            let quarter = Quarter::from_key(key);
            range
                .is_none_or(|r| r.contains(quarter))
                .then(|| Period::of_quarter(kind, quarter))
        };
        let mut periods: Vec<Period> = (0..span)
            .filter(|i| present[*i])
            .filter_map(|i| period_of(first_key + i as i32))
            .collect();
        periods.sort();
        periods.dedup();
        let slot = (0..span)
            .map(|i| {
                period_of(first_key + i as i32)
                    .and_then(|p| periods.binary_search(&p).ok())
                    .map_or(NO_PERIOD, |p| p as u32)
            })
            .collect();
        Self {
            periods,
            first_key,
            slot,
        }
    }

    /// The position of a row's period, or [`NO_PERIOD`].
    fn of(&self, quarter: Quarter) -> u32 {
        self.slot[(quarter.key() - self.first_key) as usize]
    }
}

pub fn estimate(
    inputs: &Inputs,
    kind: PeriodKind,
    range: Option<QuarterRange>,
) -> Result<Estimates> {
    let r = &inputs.responses;
    let d = &inputs.dossiers;
    let slots = PeriodSlots::new(&[&r.quarter, &d.quarter], kind, range);
    let periods = &slots.periods;

    // Groups are (period, agency): dense tables indexed by period position, agency and cell
    // (a few thousand entries), filled in one pass over the rows. Rows outside the run's
    // periods take no part (§1).
    let agencies = inputs.agencies.codes.len();
    let group_of = |quarter: Quarter, agency: u32| {
        let p = slots.of(quarter);
        (p != NO_PERIOD).then(|| p as usize * agencies + agency as usize)
    };
    let groups_total = periods.len() * agencies;

    // §3: N_c and n_c per cell; w = N_c / n_c, or 1 in a group where some N_c < n_c.
    // The dossiers' pass and the responses' are independent: one core each.
    let ((big_n, census, has_dossiers), (response_groups, small_n)) = rayon::join(
        || {
            let mut big_n = vec![0u32; groups_total * CELLS];
            let mut census = vec![Census::default(); groups_total];
            let mut has_dossiers = vec![false; groups_total];
            for i in 0..d.agency.len() {
                let Some(g) = group_of(d.quarter[i], d.agency[i]) else {
                    continue;
                };
                big_n[g * CELLS + usize::from(d.cell[i])] += 1;
                let c = &mut census[g];
                c.completed += 1;
                c.on_time += u32::from(d.on_time[i]);
                c.invitations += u32::from(d.invited[i]);
                c.processing_days += d.processing_days[i];
                has_dossiers[g] = true;
            }
            (big_n, census, has_dossiers)
        },
        || {
            let response_groups: Vec<Option<usize>> = (0..r.agency.len())
                .map(|i| group_of(r.quarter[i], r.agency[i]))
                .collect();
            let mut small_n = vec![0u32; groups_total * CELLS];
            for (i, g) in response_groups.iter().enumerate() {
                if let Some(g) = g {
                    small_n[g * CELLS + usize::from(r.cell[i])] += 1;
                }
            }
            (response_groups, small_n)
        },
    );
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
    let mut versions: Vec<Vec<u32>> = vec![Vec::new(); groups_total];
    for (i, g) in response_groups.iter().enumerate() {
        let Some(g) = *g else { continue };
        let w = cell_weight(g, usize::from(r.cell[i]));
        response_group[i] = g as u32;
        response_weight[i] = w;
        let s = &mut group_sums[g];
        s.n += 1;
        s.sum_w += w;
        s.sum_w2 += w * w;
        if !versions[g].contains(&r.version[i]) {
            versions[g].push(r.version[i]);
        }
    }
    let items = inputs.questionnaire.items.len();
    let dims = inputs.questionnaire.dimensions.len();
    // Independent passes over the answers: one core each.
    let (item_sums, dimension_sums) = rayon::join(
        || item_sums(inputs, &response_group, &response_weight, groups_total),
        || dimension_sums(inputs, &response_group, &response_weight, groups_total),
    );

    // The `ALL` group of each period: every sum is additive over the agency groups, because
    // each response keeps the weight it has in its own agency's group (§2). Added in agency
    // order, so that a run's digits never depend on the order of a hash map.
    let mut out = Estimates {
        kind: Some(kind),
        ..Estimates::default()
    };
    for (p, period) in periods.iter().enumerate() {
        let agency_groups = p * agencies..(p + 1) * agencies;
        let all = (*period, ALL);
        let mut all_sums = Sums::default();
        let mut all_census = Census::default();
        let mut all_items = vec![ItemSums::default(); items];
        let mut all_dimensions = vec![Sums::default(); dims];
        let mut all_versions: Vec<u32> = Vec::new();
        for g in agency_groups {
            let key = (*period, (g % agencies) as u32);
            let sums = group_sums[g];
            if sums.n > 0 {
                out.groups.insert(key, sums);
                out.unweighted.insert(key, inconsistent[g]);
                all_sums.add(&sums);
                for version in &versions[g] {
                    if !all_versions.contains(version) {
                        all_versions.push(*version);
                    }
                }
                out.versions.insert(key, std::mem::take(&mut versions[g]));
            }
            if has_dossiers[g] {
                out.census.insert(key, census[g]);
                all_census.add(&census[g]);
            }
            for (item, s) in item_sums[g * items..(g + 1) * items].iter().enumerate() {
                if s.n > 0 {
                    out.items.insert((key, item as u32), *s);
                    all_items[item].add(s);
                }
            }
            for (dim, s) in dimension_sums[g * dims..(g + 1) * dims].iter().enumerate() {
                if s.n > 0 {
                    out.dimensions.insert((key, dim as u32), *s);
                    all_dimensions[dim].add(s);
                }
            }
        }
        if all_sums.n > 0 {
            out.groups.insert(all, all_sums);
            // `ALL` is never unweighted (§2).
            out.unweighted.insert(all, false);
            out.versions.insert(all, all_versions);
        }
        if all_census.completed > 0 {
            out.census.insert(all, all_census);
        }
        for (item, s) in all_items.into_iter().enumerate() {
            if s.n > 0 {
                out.items.insert((all, item as u32), s);
            }
        }
        for (dim, s) in all_dimensions.into_iter().enumerate() {
            if s.n > 0 {
                out.dimensions.insert((all, dim as u32), s);
            }
        }
    }
    out.weight = response_weight;
    out.period = response_group
        .iter()
        .map(|g| (*g != u32::MAX).then(|| periods[*g as usize / agencies]))
        .collect();
    Ok(out)
}

impl Sums {
    fn add(&mut self, other: &Sums) {
        self.n += other.n;
        self.sum_w += other.sum_w;
        self.sum_w2 += other.sum_w2;
    }
}

impl ItemSums {
    fn add(&mut self, other: &ItemSums) {
        self.n += other.n;
        self.sum_w += other.sum_w;
        self.sum_w2 += other.sum_w2;
        self.sum_wf += other.sum_wf;
        self.sum_wx += other.sum_wx;
    }
}

impl Census {
    fn add(&mut self, other: &Census) {
        self.completed += other.completed;
        self.on_time += other.on_time;
        self.invitations += other.invitations;
        self.processing_days += other.processing_days;
    }
}

/// Per group and dimension: the responses with at least one valid answer in the dimension,
/// and their weights (§8's counts). One pass over the answers marks each response's
/// dimensions as bits; a high-cardinality group-by would cost far more.
fn dimension_sums(
    inputs: &Inputs,
    response_group: &[u32],
    response_weight: &[f64],
    groups: usize,
) -> Vec<Sums> {
    let q = &inputs.questionnaire;
    let dims: HashMap<&str, u32> = q
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i as u32))
        .collect();
    let item_dim: Vec<u32> = q.items.iter().map(|i| dims[i.dimension.as_str()]).collect();
    let dims = q.dimensions.len();
    let words = dims.div_ceil(64);
    let mut answered = vec![0u64; response_group.len() * words];
    for (r, item) in inputs.answers.response.iter().zip(&inputs.answers.item) {
        let d = item_dim[usize::from(*item)] as usize;
        answered[*r as usize * words + d / 64] |= 1 << (d % 64);
    }
    let mut sums = vec![Sums::default(); groups * dims];
    for (r, (&g, &w)) in response_group.iter().zip(response_weight).enumerate() {
        if g == u32::MAX {
            continue;
        }
        for d in 0..dims {
            if answered[r * words + d / 64] & (1 << (d % 64)) != 0 {
                let s = &mut sums[g as usize * dims + d];
                s.n += 1;
                s.sum_w += w;
                s.sum_w2 += w * w;
            }
        }
    }
    sums
}
