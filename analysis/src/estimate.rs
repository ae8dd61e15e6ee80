//! The deterministic heart of the method, as polars lazy pipelines over the whole data:
//! post-stratification weights per (period, agency, channel, applicant kind) cell (§3), then the
//! weighted sums every estimate needs, per item (§4), per dimension (§8's counts) and per group,
//! for every agency group and the `ALL` group of each period; and the census figures (§7).

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::Result;
use crate::input::Inputs;
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

fn frame(columns: Vec<Column>) -> Result<DataFrame> {
    Ok(DataFrame::new_infer_height(columns)?)
}

/// Answers aggregated at a time: the per-answer frame of one slice is a few hundred MB at
/// most, whatever the size of the data, and the sums of the slices simply add up.
const ANSWER_SLICE: usize = 4_000_000;

/// §4's weighted sums per (group, item), from every answer whose response is in a group:
/// a polars group-by per slice of the answers, the slices' sums added together.
fn item_sums(
    inputs: &Inputs,
    response_group: &[u32],
    response_weight: &[f64],
) -> Result<HashMap<(u32, u32), ItemSums>> {
    let kinds = item_kinds(inputs);
    let a = &inputs.answers;
    let mut totals: HashMap<(u32, u32), ItemSums> = HashMap::new();
    let mut start = 0;
    while start < a.response.len() {
        let end = (start + ANSWER_SLICE).min(a.response.len());
        let kept: Vec<usize> = (start..end)
            .filter(|k| response_group[a.response[*k] as usize] != u32::MAX)
            .collect();
        start = end;
        if kept.is_empty() {
            continue;
        }
        let answers = frame(vec![
            Column::new(
                "gid".into(),
                kept.iter()
                    .map(|k| response_group[a.response[*k] as usize])
                    .collect::<Vec<u32>>(),
            ),
            Column::new(
                "item".into(),
                kept.iter().map(|k| a.item[*k]).collect::<Vec<u32>>(),
            ),
            Column::new(
                "value".into(),
                kept.iter().map(|k| a.value[*k]).collect::<Vec<i32>>(),
            ),
            Column::new(
                "kind".into(),
                kept.iter()
                    .map(|k| kinds[a.item[*k] as usize])
                    .collect::<Vec<u32>>(),
            ),
            Column::new(
                "w".into(),
                kept.iter()
                    .map(|k| response_weight[a.response[*k] as usize])
                    .collect::<Vec<f64>>(),
            ),
        ])?;
        drop(kept);

        // Per answer: favourable (0/1 toward p_i) and the indicator score (toward x_i), §4.
        let value = col("value").cast(DataType::Float64);
        let sums = answers
            .lazy()
            .with_columns([
                when(col("kind").eq(lit(0u32)))
                    .then(col("value").gt_eq(lit(4i32)).cast(DataType::Float64))
                    .when(col("kind").eq(lit(1u32)))
                    .then(value.clone())
                    .otherwise(lit(1.0f64) - value.clone())
                    .alias("fav"),
                when(col("kind").eq(lit(0u32)))
                    .then(lit(1.0f64) + lit(9.0f64) * (value.clone() - lit(1.0f64)) / lit(4.0f64))
                    .when(col("kind").eq(lit(1u32)))
                    .then(lit(1.0f64) + lit(9.0f64) * value.clone())
                    .otherwise(lit(10.0f64) - lit(9.0f64) * value)
                    .alias("x"),
            ])
            .group_by([col("gid"), col("item")])
            .agg([
                len().alias("n"),
                col("w").sum().alias("sw"),
                (col("w") * col("w")).sum().alias("sw2"),
                (col("w") * col("fav")).sum().alias("swf"),
                (col("w") * col("x")).sum().alias("swx"),
            ])
            .collect()?;
        let (gid, it) = (sums.column("gid")?.u32()?, sums.column("item")?.u32()?);
        let (n, sw, sw2) = (
            sums.column("n")?.u32()?,
            sums.column("sw")?.f64()?,
            sums.column("sw2")?.f64()?,
        );
        let (swf, swx) = (sums.column("swf")?.f64()?, sums.column("swx")?.f64()?);
        for i in 0..sums.height() {
            let (Some(g), Some(item)) = (gid.get(i), it.get(i)) else {
                continue;
            };
            let total = totals.entry((g, item)).or_default();
            total.n += n.get(i).unwrap_or(0);
            total.sum_w += sw.get(i).unwrap_or(0.0);
            total.sum_w2 += sw2.get(i).unwrap_or(0.0);
            total.sum_wf += swf.get(i).unwrap_or(0.0);
            total.sum_wx += swx.get(i).unwrap_or(0.0);
        }
    }
    Ok(totals)
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

    // Rows outside the run's periods take no part (§1).
    let kept_responses: Vec<usize> = (0..r.agency.len())
        .filter(|i| response_period[*i].is_some())
        .collect();
    let kept_dossiers: Vec<usize> = (0..d.agency.len())
        .filter(|i| dossier_period[*i].is_some())
        .collect();
    let pkey = |p: Option<Period>| p.map_or(0, |p| p.key);

    let responses = frame(vec![
        Column::new(
            "rid".into(),
            kept_responses.iter().map(|&i| i as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "agency".into(),
            kept_responses
                .iter()
                .map(|&i| r.agency[i])
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "pkey".into(),
            kept_responses
                .iter()
                .map(|&i| pkey(response_period[i]))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "cell".into(),
            kept_responses
                .iter()
                .map(|&i| u32::from(r.cell[i]))
                .collect::<Vec<_>>(),
        ),
    ])?;
    let dossiers = frame(vec![
        Column::new(
            "agency".into(),
            kept_dossiers
                .iter()
                .map(|&i| d.agency[i])
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "pkey".into(),
            kept_dossiers
                .iter()
                .map(|&i| pkey(dossier_period[i]))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "cell".into(),
            kept_dossiers
                .iter()
                .map(|&i| u32::from(d.cell[i]))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "on_time".into(),
            kept_dossiers
                .iter()
                .map(|&i| u32::from(d.on_time[i]))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "invited".into(),
            kept_dossiers
                .iter()
                .map(|&i| u32::from(d.invited[i]))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "days".into(),
            kept_dossiers
                .iter()
                .map(|&i| d.processing_days[i])
                .collect::<Vec<_>>(),
        ),
    ])?;

    let cell_keys = [col("agency"), col("pkey"), col("cell")];
    let group_keys = [col("agency"), col("pkey")];

    // §3: w = N_c / n_c; a group with any cell where N_c < n_c is unweighted (w = 1).
    let population = dossiers
        .clone()
        .lazy()
        .group_by(cell_keys.clone())
        .agg([len().alias("big_n")]);
    let sample = responses
        .clone()
        .lazy()
        .group_by(cell_keys.clone())
        .agg([len().alias("small_n")]);
    let cells = sample
        .join(
            population,
            cell_keys.clone(),
            cell_keys.clone(),
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("big_n").fill_null(lit(0u32)))
        .with_column(
            col("big_n")
                .lt(col("small_n"))
                .cast(DataType::UInt32)
                .alias("inconsistent"),
        );
    let group_flags = cells
        .clone()
        .group_by(group_keys.clone())
        .agg([col("inconsistent").sum().alias("inconsistent_cells")]);
    let weights = cells
        .join(
            group_flags,
            group_keys.clone(),
            group_keys.clone(),
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            when(col("inconsistent_cells").gt(lit(0u32)))
                .then(lit(1.0f64))
                .otherwise(
                    col("big_n").cast(DataType::Float64) / col("small_n").cast(DataType::Float64),
                )
                .alias("w"),
        )
        .select([
            col("agency"),
            col("pkey"),
            col("cell"),
            col("w"),
            col("inconsistent_cells"),
        ]);
    let weighted = responses
        .lazy()
        .join(
            weights,
            cell_keys.clone(),
            cell_keys.clone(),
            JoinArgs::new(JoinType::Inner),
        )
        .collect()?;

    // Each answer's group and weight, gathered through its response's position (one index
    // per answer) instead of a join of every answer; its item kind likewise.
    let mut groups: Vec<(u32, i32)> = Vec::new();
    let mut group_of: HashMap<(u32, i32), u32> = HashMap::new();
    let mut response_group = vec![u32::MAX; r.agency.len()];
    let mut response_weight = vec![f64::NAN; r.agency.len()];
    {
        let (rid, agency, pkey, w) = (
            weighted.column("rid")?.u32()?,
            weighted.column("agency")?.u32()?,
            weighted.column("pkey")?.i32()?,
            weighted.column("w")?.f64()?,
        );
        for i in 0..weighted.height() {
            let (Some(rid), Some(agency), Some(pkey), Some(w)) =
                (rid.get(i), agency.get(i), pkey.get(i), w.get(i))
            else {
                continue;
            };
            let next = groups.len() as u32;
            let gid = *group_of.entry((agency, pkey)).or_insert_with(|| {
                groups.push((agency, pkey));
                next
            });
            response_group[rid as usize] = gid;
            response_weight[rid as usize] = w;
        }
    }
    let item_sums = item_sums(inputs, &response_group, &response_weight)?;
    let group_frame = weighted
        .clone()
        .lazy()
        .group_by(group_keys.clone())
        .agg([
            len().alias("n"),
            col("w").sum().alias("sw"),
            (col("w") * col("w")).sum().alias("sw2"),
            col("inconsistent_cells").max().alias("inconsistent_cells"),
        ])
        .collect()?;
    let census_frame = dossiers
        .lazy()
        .group_by(group_keys)
        .agg([
            len().alias("completed"),
            col("on_time").sum().alias("on_time"),
            col("invited").sum().alias("invitations"),
            col("days").sum().alias("days"),
        ])
        .collect()?;

    let period_of = |key: i32| Period {
        kind_is_year: kind == PeriodKind::Year,
        key,
    };
    let mut out = Estimates {
        kind: Some(kind),
        ..Estimates::default()
    };

    {
        let (a, p) = (
            group_frame.column("agency")?.u32()?,
            group_frame.column("pkey")?.i32()?,
        );
        let (n, sw, sw2) = (
            group_frame.column("n")?.u32()?,
            group_frame.column("sw")?.f64()?,
            group_frame.column("sw2")?.f64()?,
        );
        let bad = group_frame.column("inconsistent_cells")?.u32()?;
        for i in 0..group_frame.height() {
            let key = (period_of(p.get(i).unwrap_or(0)), a.get(i).unwrap_or(0));
            out.groups.insert(
                key,
                Sums {
                    n: n.get(i).unwrap_or(0),
                    sum_w: sw.get(i).unwrap_or(0.0),
                    sum_w2: sw2.get(i).unwrap_or(0.0),
                },
            );
            // `ALL` is never unweighted (§2).
            out.unweighted
                .insert(key, key.1 != ALL && bad.get(i).unwrap_or(0) > 0);
        }
    }
    for ((gid, item), sums) in item_sums {
        let Some(&(agency, pkey)) = groups.get(gid as usize) else {
            continue;
        };
        out.items.insert(((period_of(pkey), agency), item), sums);
    }
    {
        let (a, p) = (
            census_frame.column("agency")?.u32()?,
            census_frame.column("pkey")?.i32()?,
        );
        let (c, o, inv, days) = (
            census_frame.column("completed")?.u32()?,
            census_frame.column("on_time")?.u32()?,
            census_frame.column("invitations")?.u32()?,
            census_frame.column("days")?.f64()?,
        );
        for i in 0..census_frame.height() {
            let key = (period_of(p.get(i).unwrap_or(0)), a.get(i).unwrap_or(0));
            out.census.insert(
                key,
                Census {
                    completed: c.get(i).unwrap_or(0),
                    on_time: o.get(i).unwrap_or(0),
                    invitations: inv.get(i).unwrap_or(0),
                    processing_days: days.get(i).unwrap_or(0.0),
                },
            );
        }
    }

    out.weight = response_weight;
    for &i in &kept_responses {
        if let Some(period) = response_period[i] {
            for agency in [r.agency[i], ALL] {
                let versions = out.versions.entry((period, agency)).or_default();
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
