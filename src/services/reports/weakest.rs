//! "What should we fix first?": the items on which an agency falls furthest below the median
//! of the agencies of its level, from the stored per-item satisfaction (SatItem) of one period.
//! Only shown values count (a suppressed item is neither the agency's nor a peer's), and a
//! median needs at least two agencies. The median is the method's own (§6: linear
//! interpolation), taken over the item as the benchmarks are over dimensions.

use std::collections::HashMap;

use hailong_analysis::scores::Measure;
use hailong_analysis::stats::quantile;

use super::dashboards::PeriodReport;

/// One item below its median.
#[derive(Debug, Clone, PartialEq)]
pub struct WeakItem {
    /// The item's code in the questionnaire.
    pub key: String,
    pub value: f64,
    /// The agency's 95 % interval, when it has one.
    pub ci: Option<(f64, f64)>,
    /// The median of the agencies of its level with a shown value, and how many they are.
    pub median: f64,
    pub n_agencies: usize,
}

impl WeakItem {
    pub fn gap(&self) -> f64 {
        self.value - self.median
    }
}

/// Up to `count` items of `agency` below the median of `peers` (the agencies of its level,
/// itself included), the furthest below first; ties keep the questionnaire's order.
pub fn weakest_items(
    report: &PeriodReport,
    agency: &str,
    peers: &[&str],
    count: usize,
) -> Vec<WeakItem> {
    let item = Measure::SatItem.as_str();
    let items = report.scores.iter().filter(|s| s.measure == item);
    // Each item's shown values among the peers, gathered in one pass.
    let mut peer_values: HashMap<&str, Vec<f64>> = HashMap::new();
    for s in items.clone().filter(|s| peers.contains(&s.agency.as_str())) {
        if let Some(value) = s.value {
            peer_values.entry(s.key.as_str()).or_default().push(value);
        }
    }
    let mut below: Vec<WeakItem> = items
        .filter(|s| s.agency == agency)
        .filter_map(|own| {
            let value = own.value?;
            let values = peer_values.get(own.key.as_str())?;
            if values.len() < 2 {
                return None;
            }
            let median = quantile(values, 0.5)?;
            (value < median).then(|| WeakItem {
                key: own.key.clone(),
                value,
                ci: own.ci,
                median,
                n_agencies: values.len(),
            })
        })
        .collect();
    below.sort_by(|a, b| a.gap().total_cmp(&b.gap()));
    below.truncate(count);
    below
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::reports::dashboards::Score;

    fn score(agency: &str, key: &str, value: Option<f64>) -> Score {
        Score {
            agency: agency.into(),
            measure: Measure::SatItem.as_str().into(),
            key: key.into(),
            value,
            ci: value.map(|v| (v - 5.0, v + 5.0)),
            n: 30,
            n_eff: Some(30.0),
            status: if value.is_some() { "ok" } else { "suppressed" }.into(),
        }
    }

    #[test]
    fn the_items_furthest_below_the_median_come_first_and_suppressed_ones_do_not_count() {
        let report = PeriodReport {
            responses_dissatisfied: Default::default(),
            lineage: Vec::new(),
            trends: Vec::new(),
            versions: Default::default(),
            dimensions: Vec::new(),
            scores: vec![
                score("A", "A1", Some(60.0)),
                score("A", "A2", Some(70.0)),
                score("A", "A3", Some(90.0)),
                score("A", "A4", None),
                score("A", "A5", Some(50.0)),
                score("B", "A1", Some(80.0)),
                score("B", "A2", Some(75.0)),
                score("B", "A3", Some(80.0)),
                score("B", "A4", Some(10.0)),
                score("C", "A1", Some(70.0)),
                score("C", "A2", Some(90.0)),
                score("C", "A3", Some(70.0)),
                score("C", "A4", Some(20.0)),
                score("C", "A5", None),
                // Another level: not a peer.
                score("Z", "A3", Some(100.0)),
            ],
            benchmarks: Vec::new(),
        };
        let weak = weakest_items(&report, "A", &["A", "B", "C"], 3);
        let keys: Vec<&str> = weak.iter().map(|w| w.key.as_str()).collect();
        // A1: 60 vs median 70 (−10); A2: 70 vs 75 (−5); A3 above (90 vs 80); A4 not shown for A;
        // A5 has no other peer with a value.
        assert_eq!(keys, ["A1", "A2"]);
        assert_eq!(weak[0].median, 70.0);
        assert_eq!(weak[0].n_agencies, 3);
        assert_eq!(weak[0].ci, Some((55.0, 65.0)));
        assert_eq!(weakest_items(&report, "A", &["A", "B", "C"], 1).len(), 1);
        assert!(weakest_items(&report, "B", &["A", "B", "C"], 3)
            .iter()
            .all(|w| w.value < w.median));
    }
}
