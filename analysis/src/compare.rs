//! Comparison across agencies of one level in one period (§6): PCI-style relative scores and
//! composite, competition ranks, PAPI-style quartile tiers, and the benchmarks.

use std::collections::HashMap;

use crate::estimate::GroupKey;
use crate::fair::{funnel_centre, funnel_z, rank_ranges, StandardErrors};
use crate::input::Level;
use crate::period::Period;
use crate::scores::{GroupScores, Measure, ScoreRow, Scorer, Status};
use crate::stats::{competition_ranks, quantile, relative_score, round4, tier};

#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkRow {
    pub period: Period,
    pub level: Level,
    pub measure: Measure,
    pub key: String,
    pub median: f64,
    pub max: f64,
    pub n_agencies: usize,
}

pub struct Comparison {
    pub rows: Vec<ScoreRow>,
    pub benchmarks: Vec<BenchmarkRow>,
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// Everything §6 and §14 derive from one comparison set (its members' agency indices), with
/// the members' linearised standard errors.
pub fn compare(
    scorer: &Scorer<'_>,
    period: Period,
    level: Level,
    members: &[u32],
    scores: &HashMap<GroupKey, GroupScores>,
    errors: &HashMap<GroupKey, StandardErrors>,
) -> Comparison {
    let q = &scorer.inputs.questionnaire;
    let group = |agency: u32| &scores[&(period, agency)];
    let totals: Vec<f64> = members
        .iter()
        .map(|a| group(*a).papi_total.unwrap_or(f64::NAN))
        .collect();
    let mut rows = Vec::new();
    let mut benchmarks = Vec::new();
    let status = |g: &GroupScores, n: u32, n_eff: f64| scorer.status(g, n, n_eff, true);

    if members.len() >= 2 {
        let mut composite = vec![0.0; members.len()];
        for (d, dimension) in q.dimensions.iter().enumerate() {
            let values: Vec<f64> = members
                .iter()
                .map(|a| group(*a).papi_dim[d].unwrap_or(f64::NAN))
                .collect();
            let (lo, hi) = (
                values.iter().copied().fold(f64::INFINITY, f64::min),
                max(&values),
            );
            for (m, agency) in members.iter().enumerate() {
                let g = group(*agency);
                let pci = relative_score(values[m], lo, hi);
                composite[m] += 10.0 * dimension.weight * pci;
                let st = status(g, g.dim_n[d], g.dim_n_eff[d]);
                rows.push(ScoreRow {
                    period,
                    agency: *agency,
                    measure: Measure::PciDim,
                    key: dimension.code.clone(),
                    value: (st != Status::Suppressed).then_some(pci),
                    ci: None,
                    n: g.dim_n[d],
                    n_eff: Some(g.dim_n_eff[d]),
                    status: st,
                });
            }
        }
        for (m, agency) in members.iter().enumerate() {
            let g = group(*agency);
            rows.push(overall_row(
                period,
                *agency,
                Measure::PciComposite,
                Some(composite[m]),
                g,
                status(g, g.n, g.n_eff),
            ));
        }
    }

    let rounded: Vec<f64> = totals.iter().map(|t| round4(*t)).collect();
    for (agency, rank) in members.iter().zip(competition_ranks(&rounded)) {
        let g = group(*agency);
        rows.push(overall_row(
            period,
            *agency,
            Measure::Rank,
            Some(f64::from(rank)),
            g,
            status(g, g.n, g.n_eff),
        ));
    }
    if members.len() >= 4 {
        let (q1, q2, q3) = (
            quantile(&totals, 0.25),
            quantile(&totals, 0.5),
            quantile(&totals, 0.75),
        );
        if let (Some(q1), Some(q2), Some(q3)) = (q1, q2, q3) {
            for (agency, total) in members.iter().zip(&totals) {
                let g = group(*agency);
                rows.push(overall_row(
                    period,
                    *agency,
                    Measure::Tier,
                    Some(f64::from(tier(*total, q1, q2, q3))),
                    g,
                    status(g, g.n, g.n_eff),
                ));
            }
        }
    }

    rows.extend(fair_rows(
        period,
        members,
        scores,
        errors,
        &|g: &GroupScores| status(g, g.n, g.n_eff),
    ));

    if !members.is_empty() {
        let mut bench = |measure: Measure, key: &str, values: Vec<f64>| {
            if let Some(median) = quantile(&values, 0.5) {
                benchmarks.push(BenchmarkRow {
                    period,
                    level,
                    measure,
                    key: key.to_owned(),
                    median,
                    max: max(&values),
                    n_agencies: values.len(),
                });
            }
        };
        bench(Measure::PapiTotal, "", totals.clone());
        bench(
            Measure::SatIndex,
            "",
            members.iter().filter_map(|a| group(*a).sat_index).collect(),
        );
        for (d, dimension) in q.dimensions.iter().enumerate() {
            bench(
                Measure::PapiDim,
                &dimension.code,
                members
                    .iter()
                    .filter_map(|a| group(*a).papi_dim[d])
                    .collect(),
            );
        }
    }
    Comparison { rows, benchmarks }
}

/// §14's rows of every member: the standard errors, the funnel z against the set's median
/// `sat_index`, and the rank range on `papi_total`.
fn fair_rows(
    period: Period,
    members: &[u32],
    scores: &HashMap<GroupKey, GroupScores>,
    errors: &HashMap<GroupKey, StandardErrors>,
    status: &dyn Fn(&GroupScores) -> Status,
) -> Vec<ScoreRow> {
    let group = |agency: u32| &scores[&(period, agency)];
    let se = |agency: u32| errors.get(&(period, agency)).copied().unwrap_or_default();
    let sat: Vec<f64> = members
        .iter()
        .map(|a| group(*a).sat_index.unwrap_or(f64::NAN))
        .collect();
    let totals: Vec<f64> = members
        .iter()
        .map(|a| group(*a).papi_total.unwrap_or(f64::NAN))
        .collect();
    let total_se: Vec<f64> = members.iter().map(|a| se(*a).papi_total).collect();
    let theta = funnel_centre(&sat);
    let ranges = rank_ranges(&totals, &total_se);
    let mut rows = Vec::with_capacity(members.len() * 5);
    for (m, agency) in members.iter().enumerate() {
        let g = group(*agency);
        let errors = se(*agency);
        let st = status(g);
        let row = |measure, value| overall_row(period, *agency, measure, value, g, st);
        rows.push(row(Measure::SatIndexSe, Some(errors.sat_index)));
        rows.push(row(Measure::PapiTotalSe, Some(errors.papi_total)));
        rows.push(row(
            Measure::FunnelZ,
            theta.and_then(|theta| funnel_z(sat[m], theta, errors.sat_index)),
        ));
        rows.push(row(Measure::RankBest, Some(f64::from(ranges[m].0))));
        rows.push(row(Measure::RankWorst, Some(f64::from(ranges[m].1))));
    }
    rows
}

fn overall_row(
    period: Period,
    agency: u32,
    measure: Measure,
    value: Option<f64>,
    g: &GroupScores,
    status: Status,
) -> ScoreRow {
    ScoreRow {
        period,
        agency,
        measure,
        key: String::new(),
        value: value.filter(|_| status != Status::Suppressed),
        ci: None,
        n: g.n,
        n_eff: Some(g.n_eff),
        status,
    }
}
