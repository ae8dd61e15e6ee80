//! The small formulas of the method, each with the worked examples of METHODOLOGY §12.

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959964;

/// Kish's effective sample size: (Σw)² / Σw².
pub fn kish(sum_w: f64, sum_w2: f64) -> f64 {
    if sum_w2 > 0.0 {
        sum_w * sum_w / sum_w2
    } else {
        0.0
    }
}

/// Wilson 95 % interval for a share `p` on an effective sample size `n` (§4).
pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    (centre - half, centre + half)
}

/// The `q` quantile of `values` by linear interpolation at position (N−1)·q of the sorted
/// values; `None` for no values.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(quantile_sorted(&sorted, q))
}

/// As [`quantile`], for values already sorted ascending.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let position = (sorted.len() - 1) as f64 * q;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    let fraction = position - lower as f64;
    sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// PAPI-style indicator score of a likert5 mean (§4): 1 + 9·(m − 1)/4.
pub fn likert_score(mean: f64) -> f64 {
    1.0 + 9.0 * (mean - 1.0) / 4.0
}

/// PCI-style relative score (§6): 1 + 9·(x − min)/(max − min), 10 when the range is empty.
pub fn relative_score(x: f64, min: f64, max: f64) -> f64 {
    if max - min < 1e-12 {
        10.0
    } else {
        1.0 + 9.0 * (x - min) / (max - min)
    }
}

/// Rounds to 4 decimals, to the nearest (ties away from zero), for ranking (§6).
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Competition ranks, descending: 1 + the number of strictly greater values.
pub fn competition_ranks(values: &[f64]) -> Vec<u32> {
    values
        .iter()
        .map(|v| 1 + values.iter().filter(|other| *other > v).count() as u32)
        .collect()
}

/// PAPI quartile tier (§6): 1 best … 4 poorest, from the set's Q1, Q2, Q3.
pub fn tier(score: f64, q1: f64, q2: f64, q3: f64) -> u8 {
    if score >= q3 {
        1
    } else if score >= q2 {
        2
    } else if score >= q1 {
        3
    } else {
        4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn worked_example_2_weights_kish_and_wilson() {
        let w = [1.0, 1.0, 2.0, 2.0, 1.0, 3.0, 1.0, 1.0];
        let favourable = [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0];
        let sum_w: f64 = w.iter().sum();
        let p = w.iter().zip(&favourable).map(|(w, f)| w * f).sum::<f64>() / sum_w;
        let n_eff = kish(sum_w, w.iter().map(|w| w * w).sum());
        assert!(close(p, 0.75, 1e-12));
        assert!(close(n_eff, 6.545455, 1e-6));
        let (low, high) = wilson(p, n_eff);
        assert!(
            close(low, 0.3784, 5e-5) && close(high, 0.9366, 5e-5),
            "{low} {high}"
        );
        let (low, high) = wilson(0.75, 400.0);
        assert!(
            close(low, 0.7053, 5e-5) && close(high, 0.7899, 5e-5),
            "{low} {high}"
        );
    }

    #[test]
    fn worked_example_3_indicator_scores() {
        assert!(close(likert_score(4.2), 8.2, 1e-12));
        assert!(close(1.0 + 9.0 * 0.65, 6.85, 1e-12));
        assert!(close(10.0 - 9.0 * 0.10, 9.1, 1e-12));
    }

    #[test]
    fn worked_example_4_relative_scores() {
        let scores = [5.0, 8.0, 10.0, 15.0, 20.0];
        let relative: Vec<f64> = scores
            .iter()
            .map(|x| relative_score(*x, 5.0, 20.0))
            .collect();
        for (got, want) in relative.iter().zip([1.0, 2.8, 4.0, 7.0, 10.0]) {
            assert!(close(*got, want, 1e-12), "{relative:?}");
        }
        assert_eq!(
            relative_score(3.0, 3.0, 3.0 + 1e-13),
            10.0,
            "max − min < 1e-12"
        );
    }

    #[test]
    fn quantiles_interpolate_linearly() {
        assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.5), Some(2.5));
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.25), Some(2.0));
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), Some(1.75));
        assert_eq!(quantile(&[7.0], 0.75), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_is_skipped() {
        assert_eq!(competition_ranks(&[30.0, 32.0, 30.0, 28.0]), [2, 1, 2, 4]);
        assert_eq!(round4(33.80604999), 33.8060);
        assert_eq!(round4(33.80605001), 33.8061);
    }

    #[test]
    fn tiers_follow_the_quartiles() {
        assert_eq!(tier(37.3167, 34.7601, 35.7227, 37.3167), 1);
        assert_eq!(tier(35.7227, 34.7601, 35.7227, 37.3167), 2);
        assert_eq!(tier(34.7601, 34.7601, 35.7227, 37.3167), 3);
        assert_eq!(tier(34.76, 34.7601, 35.7227, 37.3167), 4);
    }
}
