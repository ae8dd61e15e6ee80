//! Properties over random small data sets: post-stratification weights add up to the dossier
//! count of the responding cells, and every score stays within its range.

use crate::fixture::Fixture;
use hailong_analysis::estimate::estimate;
use hailong_analysis::period::PeriodKind;
use hailong_analysis::scores::Measure;
use hailong_analysis::{read_inputs, read_questionnaire, Options};
use proptest::prelude::*;

const CHANNELS: [&str; 3] = ["online", "counter", "postal"];
const KINDS: [&str; 2] = ["citizen", "business"];
const ITEMS: [(&str, i32); 4] = [("L1", 5), ("L2", 5), ("Y1", 1), ("N1", 1)];

/// Per agency (up to 4), per cell (6): (dossiers, responses ≤ dossiers), and answer seeds.
fn data_set() -> impl Strategy<Value = (Vec<Vec<(usize, usize)>>, Vec<u32>)> {
    let cell = (0usize..6)
        .prop_flat_map(|n| (Just(n), 0..=n))
        .prop_map(|(big, small)| (big, small));
    (
        prop::collection::vec(prop::collection::vec(cell, 6), 1..=4),
        prop::collection::vec(any::<u32>(), 200),
    )
}

fn build(cells: &[Vec<(usize, usize)>], seeds: &[u32]) -> Fixture {
    let names: Vec<String> = (0..cells.len()).map(|i| format!("A{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut f = Fixture::new(&refs);
    let mut seed = seeds.iter().cycle();
    for (a, agency_cells) in cells.iter().enumerate() {
        for (c, (dossiers, responses)) in agency_cells.iter().enumerate() {
            let (channel, kind) = (CHANNELS[c / 2], KINDS[c % 2]);
            f.dossiers(
                &names[a],
                channel,
                kind,
                "2026-02-10T10:00:00+07:00",
                *dossiers,
            );
            for _ in 0..*responses {
                let answers: Vec<(&str, i32)> = ITEMS
                    .iter()
                    .filter_map(|(item, max)| {
                        let s = *seed.next().unwrap_or(&0);
                        // Some items skipped; values spread over their range.
                        (s % 5 != 0).then(|| {
                            (
                                *item,
                                if *max == 5 {
                                    (s % 5) as i32 + 1
                                } else {
                                    (s % 2) as i32
                                },
                            )
                        })
                    })
                    .collect();
                f.respond(&names[a], channel, kind, "2026-Q1", &answers);
            }
        }
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn weights_sum_to_the_dossiers_of_responding_cells((cells, seeds) in data_set()) {
        let f = build(&cells, &seeds);
        let dir = tempfile::tempdir().unwrap();
        f.write(dir.path());
        let inputs = read_inputs(dir.path(), read_questionnaire(&dir.path().join("q.json")).unwrap()).unwrap();
        let estimates = estimate(&inputs, PeriodKind::Quarter, None).unwrap();
        for (a, agency_cells) in cells.iter().enumerate() {
            let responding: usize = agency_cells.iter().filter(|(_, n)| *n > 0).map(|(big, _)| big).sum();
            let Some(sums) = estimates.groups.iter().find(|((_, agency), _)| *agency == a as u32 + 1).map(|(_, s)| s) else {
                prop_assert_eq!(responding, 0);
                continue;
            };
            prop_assert!((sums.sum_w - responding as f64).abs() < 1e-9, "{} vs {}", sums.sum_w, responding);
        }
    }

    #[test]
    fn every_score_stays_within_its_range((cells, seeds) in data_set()) {
        let report = build(&cells, &seeds).run(&Options { min_cell: 1, bootstrap: 20, ..Options::default() }).unwrap();
        for row in &report.scores {
            if let Some((low, high)) = row.ci {
                prop_assert!(low <= high + 1e-9);
            }
            let Some(v) = row.value else { continue };
            let (min, max) = match row.measure {
                Measure::SatItem | Measure::SatDim | Measure::SatIndex | Measure::OnTimeRate => (0.0, 100.0),
                Measure::PapiItem | Measure::PapiDim | Measure::PciDim => (1.0, 10.0),
                Measure::PapiTotal => (2.0, 20.0),
                Measure::PciComposite => (10.0, 100.0),
                Measure::Tier => (1.0, 4.0),
                Measure::Rank | Measure::RankBest | Measure::RankWorst => (1.0, 4.0),
                Measure::FunnelZ => (f64::NEG_INFINITY, f64::INFINITY),
                _ => (0.0, f64::INFINITY),
            };
            prop_assert!(v >= min - 1e-9 && v <= max + 1e-9, "{:?} = {}", row.measure, v);
        }
        // §14: the rank lies in its range.
        let of = |agency: u32, measure: Measure| {
            report.scores.iter().find(|r| r.agency == agency && r.measure == measure).and_then(|r| r.value)
        };
        for row in report.scores.iter().filter(|r| r.measure == Measure::Rank) {
            let (best, worst) = (of(row.agency, Measure::RankBest), of(row.agency, Measure::RankWorst));
            prop_assert!(best <= row.value && row.value <= worst, "{:?} {:?} {:?}", best, row.value, worst);
        }
    }
}
