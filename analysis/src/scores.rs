//! From the weighted sums to the rows of `scores.csv` (§4-§8, §11), with one status per row.

use std::collections::{BTreeSet, HashMap};

use crate::estimate::{Estimates, GroupKey, ALL};
use crate::input::{Inputs, Level};
use crate::options::Options;
use crate::period::Period;
use crate::stats::{kish, mean, wilson};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Suppressed,
    Incomplete,
    Unweighted,
    LowReliability,
    Ok,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suppressed => "suppressed",
            Self::Incomplete => "incomplete",
            Self::Unweighted => "unweighted",
            Self::LowReliability => "low_reliability",
            Self::Ok => "ok",
        }
    }
}

/// The measures of §11, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    SatItem,
    PapiItem,
    SatDim,
    PapiDim,
    PciDim,
    SatIndex,
    PapiTotal,
    PciComposite,
    Rank,
    Tier,
    SatIndexSe,
    PapiTotalSe,
    FunnelZ,
    RankBest,
    RankWorst,
    Completed,
    OnTimeRate,
    Invitations,
    ResponseRate,
    MeanProcessingDays,
}

impl Measure {
    /// Every measure, in output order.
    pub const ALL: [Measure; 20] = [
        Self::SatItem,
        Self::PapiItem,
        Self::SatDim,
        Self::PapiDim,
        Self::PciDim,
        Self::SatIndex,
        Self::PapiTotal,
        Self::PciComposite,
        Self::Rank,
        Self::Tier,
        Self::SatIndexSe,
        Self::PapiTotalSe,
        Self::FunnelZ,
        Self::RankBest,
        Self::RankWorst,
        Self::Completed,
        Self::OnTimeRate,
        Self::Invitations,
        Self::ResponseRate,
        Self::MeanProcessingDays,
    ];

    /// The measure `scores.csv` names `name`.
    pub fn of_str(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SatItem => "sat_item",
            Self::PapiItem => "papi_item",
            Self::SatDim => "sat_dim",
            Self::PapiDim => "papi_dim",
            Self::PciDim => "pci_dim",
            Self::SatIndex => "sat_index",
            Self::PapiTotal => "papi_total",
            Self::PciComposite => "pci_composite",
            Self::Rank => "rank",
            Self::Tier => "tier",
            Self::SatIndexSe => "sat_index_se",
            Self::PapiTotalSe => "papi_total_se",
            Self::FunnelZ => "funnel_z",
            Self::RankBest => "rank_best",
            Self::RankWorst => "rank_worst",
            Self::Completed => "completed",
            Self::OnTimeRate => "on_time_rate",
            Self::Invitations => "invitations",
            Self::ResponseRate => "response_rate",
            Self::MeanProcessingDays => "mean_processing_days",
        }
    }

    /// Counts, ranks, rank ranges and tiers are written as integers.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Self::Rank
                | Self::Tier
                | Self::RankBest
                | Self::RankWorst
                | Self::Completed
                | Self::Invitations
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub period: Period,
    /// Agency index, or [`ALL`].
    pub agency: u32,
    pub measure: Measure,
    /// Item or dimension code; empty for overall and census rows.
    pub key: String,
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub n: u32,
    pub n_eff: Option<f64>,
    pub status: Status,
}

/// A group's computed values before comparison, kept for §6 and §9.
#[derive(Debug, Clone, Default)]
pub struct GroupScores {
    /// Per dimension (questionnaire order): satisfaction (0-100) and performance (1-10).
    pub sat_dim: Vec<Option<f64>>,
    pub papi_dim: Vec<Option<f64>>,
    pub sat_index: Option<f64>,
    pub papi_total: Option<f64>,
    pub n: u32,
    pub n_eff: f64,
    pub suppressed: bool,
    pub incomplete: bool,
    pub unweighted: bool,
    /// Per dimension: responses with a valid answer, and their Kish n_eff.
    pub dim_n: Vec<u32>,
    pub dim_n_eff: Vec<f64>,
}

pub struct Scorer<'a> {
    pub inputs: &'a Inputs,
    pub estimates: &'a Estimates,
    pub options: &'a Options,
}

impl Scorer<'_> {
    /// The first status that applies (§8), for a row whose value rests on `count` responses.
    pub fn status(&self, group: &GroupScores, count: u32, n_eff: f64, shown_value: bool) -> Status {
        if group.suppressed || count < self.options.min_cell {
            Status::Suppressed
        } else if group.incomplete {
            Status::Incomplete
        } else if group.unweighted {
            Status::Unweighted
        } else if shown_value && n_eff < self.options.reliability {
            Status::LowReliability
        } else {
            Status::Ok
        }
    }

    /// Every group of every period: (period, agency) with a response or a dossier, plus `ALL`.
    pub fn groups(&self) -> Vec<GroupKey> {
        let keys: BTreeSet<GroupKey> = self
            .estimates
            .groups
            .keys()
            .chain(self.estimates.census.keys())
            .copied()
            .collect();
        keys.into_iter().collect()
    }

    /// The values of one group with responses (§4, §5), before any suppression.
    pub fn group_scores(&self, key: GroupKey) -> Option<GroupScores> {
        let sums = self.estimates.groups.get(&key)?;
        let q = &self.inputs.questionnaire;
        let mut sat_dim = Vec::with_capacity(q.dimensions.len());
        let mut papi_dim = Vec::with_capacity(q.dimensions.len());
        let mut dim_n = Vec::new();
        let mut dim_n_eff = Vec::new();
        for (d, dimension) in q.dimensions.iter().enumerate() {
            let mut shares = Vec::new();
            let mut scores = Vec::new();
            for (i, item) in q.items.iter().enumerate() {
                if item.dimension != dimension.code {
                    continue;
                }
                if let Some(s) = self
                    .estimates
                    .items
                    .get(&(key, i as u32))
                    .filter(|s| s.n > 0)
                {
                    shares.push(s.sum_wf / s.sum_w);
                    scores.push(s.sum_wx / s.sum_w);
                }
            }
            sat_dim.push(dimension_satisfaction(&shares));
            papi_dim.push(mean(&scores));
            let ds = self
                .estimates
                .dimensions
                .get(&(key, d as u32))
                .copied()
                .unwrap_or_default();
            dim_n.push(ds.n);
            dim_n_eff.push(kish(ds.sum_w, ds.sum_w2));
        }
        let incomplete = sat_dim.iter().any(Option::is_none);
        let (sat_index, papi_total) = overall(&sat_dim, &papi_dim);
        Some(GroupScores {
            sat_dim,
            papi_dim,
            sat_index,
            papi_total,
            n: sums.n,
            n_eff: kish(sums.sum_w, sums.sum_w2),
            suppressed: sums.n < self.options.min_cell,
            incomplete,
            unweighted: self
                .estimates
                .unweighted
                .get(&key)
                .copied()
                .unwrap_or(false),
            dim_n,
            dim_n_eff,
        })
    }

    /// A row whose value rests on `counts`: (responses, effective sample size).
    fn row(
        &self,
        key: GroupKey,
        measure: Measure,
        code: &str,
        value: Option<f64>,
        counts: (u32, Option<f64>),
        status: Status,
    ) -> ScoreRow {
        let shown = status != Status::Suppressed;
        ScoreRow {
            period: key.0,
            agency: key.1,
            measure,
            key: code.to_owned(),
            value: value.filter(|_| shown),
            ci: None,
            n: counts.0,
            n_eff: counts.1,
            status,
        }
    }

    /// Item, dimension and overall rows of a group with responses (intervals of composites
    /// are added by the bootstrap).
    pub fn survey_rows(&self, key: GroupKey, g: &GroupScores) -> Vec<ScoreRow> {
        let q = &self.inputs.questionnaire;
        let mut rows = Vec::new();
        for (i, item) in q.items.iter().enumerate() {
            let s = self
                .estimates
                .items
                .get(&(key, i as u32))
                .copied()
                .unwrap_or_default();
            let n_eff = kish(s.sum_w, s.sum_w2);
            let (p, x) = if s.n > 0 {
                (Some(s.sum_wf / s.sum_w), Some(s.sum_wx / s.sum_w))
            } else {
                (None, None)
            };
            let status = self.status(g, s.n, n_eff, p.is_some());
            // §4: an item nobody answered has no n_eff (0/0), not 0.
            let shown_n_eff = (s.n > 0).then_some(n_eff);
            let mut sat = self.row(
                key,
                Measure::SatItem,
                &item.code,
                p.map(|p| 100.0 * p),
                (s.n, shown_n_eff),
                status,
            );
            if let (Some(p), true) = (p, status != Status::Suppressed) {
                let (low, high) = wilson(p, n_eff);
                sat.ci = Some((100.0 * low, 100.0 * high));
            }
            rows.push(sat);
            rows.push(self.row(
                key,
                Measure::PapiItem,
                &item.code,
                x,
                (s.n, shown_n_eff),
                status,
            ));
        }
        for (d, dimension) in q.dimensions.iter().enumerate() {
            let status = self.status(g, g.dim_n[d], g.dim_n_eff[d], g.sat_dim[d].is_some());
            // §8: a dimension nobody answered has no n_eff (Kish over no response), not 0.
            let counts = (g.dim_n[d], (g.dim_n[d] > 0).then_some(g.dim_n_eff[d]));
            rows.push(self.row(
                key,
                Measure::SatDim,
                &dimension.code,
                g.sat_dim[d],
                counts,
                status,
            ));
            rows.push(self.row(
                key,
                Measure::PapiDim,
                &dimension.code,
                g.papi_dim[d],
                counts,
                status,
            ));
        }
        let status = self.status(g, g.n, g.n_eff, g.sat_index.is_some());
        rows.push(self.row(
            key,
            Measure::SatIndex,
            "",
            g.sat_index,
            (g.n, Some(g.n_eff)),
            status,
        ));
        rows.push(self.row(
            key,
            Measure::PapiTotal,
            "",
            g.papi_total,
            (g.n, Some(g.n_eff)),
            status,
        ));
        rows
    }

    /// Census rows (§7): never suppressed, status ok, `n` the group's responses, no n_eff.
    pub fn census_rows(&self, key: GroupKey) -> Vec<ScoreRow> {
        let c = self.estimates.census.get(&key).copied().unwrap_or_default();
        let n = self.estimates.groups.get(&key).map_or(0, |s| s.n);
        let rate = |num: f64, den: u32| (den > 0).then(|| 100.0 * num / f64::from(den));
        let values = [
            (Measure::Completed, Some(f64::from(c.completed))),
            (Measure::OnTimeRate, rate(f64::from(c.on_time), c.completed)),
            (Measure::Invitations, Some(f64::from(c.invitations))),
            (Measure::ResponseRate, rate(f64::from(n), c.invitations)),
            (
                Measure::MeanProcessingDays,
                (c.completed > 0).then(|| c.processing_days / f64::from(c.completed)),
            ),
        ];
        values
            .into_iter()
            .map(|(measure, value)| ScoreRow {
                period: key.0,
                agency: key.1,
                measure,
                key: String::new(),
                value,
                ci: None,
                n,
                n_eff: None,
                status: Status::Ok,
            })
            .collect()
    }

    pub fn level_of(&self, agency: u32) -> Option<Level> {
        (agency != ALL).then(|| self.inputs.agencies.levels[agency as usize])
    }
}

/// §5: `sat_index` is the mean of the dimensions' satisfaction, `papi_total` the sum of their
/// performance scores; both absent when any dimension is.
pub fn overall(sat_dim: &[Option<f64>], papi_dim: &[Option<f64>]) -> (Option<f64>, Option<f64>) {
    if sat_dim.iter().chain(papi_dim).any(Option::is_none) {
        return (None, None);
    }
    let sats: Vec<f64> = sat_dim.iter().flatten().copied().collect();
    (mean(&sats), Some(papi_dim.iter().flatten().sum()))
}

/// §5: a dimension's satisfaction (0-100) from its present items' favourable shares.
pub fn dimension_satisfaction(shares: &[f64]) -> Option<f64> {
    mean(shares).map(|m| 100.0 * m)
}

/// Groups by period and level, for the comparison sets.
pub fn by_period_and_level(
    scorer: &Scorer<'_>,
    scores: &HashMap<GroupKey, GroupScores>,
) -> HashMap<(Period, Level), Vec<u32>> {
    let mut sets: HashMap<(Period, Level), Vec<u32>> = HashMap::new();
    for (key, g) in scores {
        if let Some(level) = scorer.level_of(key.1) {
            if g.papi_total.is_some() && !g.suppressed {
                sets.entry((key.0, level)).or_default().push(key.1);
            }
        }
    }
    for members in sets.values_mut() {
        members.sort_unstable();
    }
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_example_1_sipas_elements_and_index() {
        let elements: [&[f64]; 5] = [
            &[85.0, 80.0, 75.7576, 88.0],
            &[90.0, 92.0, 86.4322, 95.0, 84.0],
            &[91.0, 88.0, 89.0, 85.0, 83.0, 93.0],
            &[94.0, 92.0, 93.0],
            &[75.0, 70.0, 65.8228, 60.0],
        ];
        let sat: Vec<Option<f64>> = elements
            .iter()
            .map(|shares| {
                dimension_satisfaction(&shares.iter().map(|s| s / 100.0).collect::<Vec<_>>())
            })
            .collect();
        for (got, want) in sat.iter().zip([82.1894, 89.4864, 88.1667, 93.0, 67.7057]) {
            assert!((got.unwrap() - want).abs() < 5e-5, "{got:?} vs {want}");
        }
        let papi = vec![Some(1.0); 5];
        let (index, total) = overall(&sat, &papi);
        assert!((index.unwrap() - 84.1096).abs() < 5e-5, "{index:?}");
        assert_eq!(total, Some(5.0));
        let (index, total) = overall(&[Some(80.0), None], &[Some(7.0), None]);
        assert_eq!(
            (index, total),
            (None, None),
            "a missing dimension makes the overall scores absent"
        );
    }
}
