//! An index engine for published tables: from component scores and a structure (which
//! components make which dimension; plain or weighted sums) to dimensions, totals, ranks,
//! quartile tiers and medians. Checked against the published PAPI and PCI tables in
//! `data/reference/` (see the tests).

use polars::prelude::*;

use crate::stats::{competition_ranks, quantile, round4, tier};

/// Reads a CSV table with a header, types inferred from the whole file.
pub fn read_table(path: &std::path::Path) -> PolarsResult<LazyFrame> {
    let path = path.to_string_lossy().into_owned();
    LazyCsvReader::new(PlRefPath::new(path.as_str()))
        .with_has_header(true)
        .with_infer_schema_length(None)
        .finish()
}

/// Dimensions as the sum of their components (PAPI: sub-dimensions → dimensions):
/// groups `components` by `keys` (e.g. year, province, dimension) and sums `value`.
pub fn sum_by(components: LazyFrame, keys: &[&str], value: &str) -> LazyFrame {
    let keys: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    components
        .group_by(keys)
        .agg([col(value).sum().alias(value)])
}

/// A weighted composite of wide columns: `scale · Σ weight_k · column_k`
/// (PCI: `10 · Σ (w_k / 100) · S_k`, with the weights of the table's era). A component of
/// weight 0 takes no part, so an era without it may leave its column empty.
pub fn weighted_composite(weights: &[(&str, f64)], scale: f64) -> Expr {
    let mut sum = lit(0.0f64);
    for (column, weight) in weights.iter().filter(|(_, w)| *w != 0.0) {
        sum = sum + col(*column).cast(DataType::Float64) * lit(*weight);
    }
    lit(scale) * sum
}

/// The quartiles of a comparison set (linear interpolation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quartiles {
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub entity: String,
    pub score: f64,
    /// Competition rank on the score rounded to 4 decimals, best = 1.
    pub rank: u32,
    /// PAPI quartile group, 1 best … 4 poorest; `None` with fewer than 4 entities.
    pub tier: Option<u8>,
}

/// Ranks, tiers and quartiles of one set of (entity, score).
pub fn rank_and_tier(scores: &[(String, f64)]) -> (Vec<Ranked>, Option<Quartiles>) {
    let values: Vec<f64> = scores.iter().map(|(_, s)| *s).collect();
    let ranks = competition_ranks(&values.iter().map(|v| round4(*v)).collect::<Vec<_>>());
    let quartiles = match (
        quantile(&values, 0.25),
        quantile(&values, 0.5),
        quantile(&values, 0.75),
    ) {
        (Some(q1), Some(median), Some(q3)) if values.len() >= 4 => {
            Some(Quartiles { q1, median, q3 })
        }
        _ => None,
    };
    let ranked = scores
        .iter()
        .zip(ranks)
        .map(|((entity, score), rank)| Ranked {
            entity: entity.clone(),
            score: *score,
            rank,
            tier: quartiles.map(|q| tier(*score, q.q1, q.median, q.q3)),
        })
        .collect();
    (ranked, quartiles)
}
