//! §14 test vectors: worked example 7, and the linearised errors of a weighted two-cell group
//! against a direct reading of the formula; funnel z and rank ranges from those rows.

use std::collections::HashMap;

use hailong_analysis::period::PeriodKind;
use hailong_analysis::scores::{Measure, Status};
use hailong_analysis::Options;

use crate::fixture::{find, options, status, value, Fixture};

const ONE_ITEM: &str = r#"{"version": "t1", "dimensions": [
  {"code": "d1", "name_vi": "Một", "name_en": "One", "weight": 1.0}],
 "items": [
  {"code": "L1", "dimension": "d1", "kind": "likert5", "direction": null, "text_vi": "a", "text_en": "a"}]}"#;

#[test]
fn worked_example_7_standard_errors() {
    let mut f = Fixture::new(&["A"]);
    f.questionnaire = Some(ONE_ITEM.into());
    f.dossiers("A", "counter", "citizen", "2026-08-15T10:00:00+07:00", 3);
    for v in [5, 4, 2] {
        f.respond("A", "counter", "citizen", "2026-Q3", &[("L1", v)]);
    }
    let r = f.run(&options(3)).unwrap();
    let v = |m| value(&r, "2026-Q3", "A", m, "").unwrap();
    assert!((v(Measure::SatIndex) - 66.666_667).abs() < 1e-4);
    assert!((v(Measure::SatIndexSe) - 33.333_333).abs() < 1e-4);
    assert!((v(Measure::PapiTotal) - 7.0).abs() < 1e-12);
    assert!((v(Measure::PapiTotalSe) - 1.984_313).abs() < 1e-6);
    // Alone in its set: in line with itself, and its rank cannot move.
    assert_eq!(v(Measure::FunnelZ), 0.0);
    assert_eq!((v(Measure::RankBest), v(Measure::RankWorst)), (1.0, 1.0));
}

/// The favourable indicator and score of an answer to the fixture's items (§4).
fn indicator(item: &str, v: i32) -> (f64, f64) {
    let v = f64::from(v);
    match item {
        "Y1" => (v, 1.0 + 9.0 * v),
        "N1" => (1.0 - v, 10.0 - 9.0 * v),
        _ => (f64::from(u8::from(v >= 4.0)), 1.0 + 9.0 * (v - 1.0) / 4.0),
    }
}

/// A response as the direct reading takes it: its cell, its weight and its answers.
type Weighted<'a> = (usize, f64, Vec<(&'a str, i32)>);

/// §14 read literally: z per response, then the stratified variance over the cells.
fn direct_se(responses: &[Weighted<'_>]) -> (f64, f64) {
    let dimension = |item: &str| usize::from(matches!(item, "Y1" | "N1"));
    let mut w_i: HashMap<&str, f64> = HashMap::new();
    let mut fav_i: HashMap<&str, f64> = HashMap::new();
    let mut score_i: HashMap<&str, f64> = HashMap::new();
    for (_, w, answers) in responses {
        for (item, v) in answers {
            let (fav, score) = indicator(item, *v);
            *w_i.entry(item).or_default() += w;
            *fav_i.entry(item).or_default() += w * fav;
            *score_i.entry(item).or_default() += w * score;
        }
    }
    let m_d = |d: usize| w_i.keys().filter(|i| dimension(i) == d).count() as f64;
    let z: Vec<(usize, f64, f64)> = responses
        .iter()
        .map(|(cell, w, answers)| {
            let (mut sat, mut papi) = (0.0, 0.0);
            for (item, v) in answers {
                let (fav, score) = indicator(item, *v);
                let (big_w, d) = (w_i[item], dimension(item));
                sat += w * (100.0 * fav - 100.0 * fav_i[item] / big_w) / big_w / m_d(d);
                papi += w * (score - score_i[item] / big_w) / big_w / m_d(d);
            }
            (*cell, sat / 2.0, papi)
        })
        .collect();
    let mut variance = (0.0, 0.0);
    for cell in 0..2 {
        let of_cell: Vec<&(usize, f64, f64)> = z.iter().filter(|x| x.0 == cell).collect();
        let n = of_cell.len() as f64;
        if n < 2.0 {
            continue;
        }
        let mean_sat = of_cell.iter().map(|x| x.1).sum::<f64>() / n;
        let mean_papi = of_cell.iter().map(|x| x.2).sum::<f64>() / n;
        variance.0 += n / (n - 1.0)
            * of_cell
                .iter()
                .map(|x| (x.1 - mean_sat).powi(2))
                .sum::<f64>();
        variance.1 += n / (n - 1.0)
            * of_cell
                .iter()
                .map(|x| (x.2 - mean_papi).powi(2))
                .sum::<f64>();
    }
    (variance.0.sqrt(), variance.1.sqrt())
}

/// Commune `agency`'s answers: counter citizens (cell 0) and online businesses (cell 1), some
/// items left blank, so that weights differ by cell and items by their respondents.
fn answers_of(seed: u32, count: usize) -> Vec<(usize, Vec<(&'static str, i32)>)> {
    let mut state = seed;
    let mut next = |modulus: u32| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        ((state >> 16) % modulus) as i32
    };
    (0..count)
        .map(|k| {
            let cell = usize::from(k % 3 == 0);
            let mut answers = vec![("L1", 1 + next(5))];
            if next(4) != 0 {
                answers.push(("L2", 1 + next(5)));
            }
            answers.push(("Y1", next(2)));
            if next(3) != 0 {
                answers.push(("N1", next(2)));
            }
            (cell, answers)
        })
        .collect()
}

#[test]
fn weighted_cells_and_blank_items_give_the_formula_s_errors() {
    let communes = ["A", "B", "C", "D", "E"];
    let mut f = Fixture::new(&communes);
    let mut expected = HashMap::new();
    for (k, agency) in communes.iter().enumerate() {
        let people = answers_of(7 + k as u32, 12 + 4 * k);
        let in_cell = |cell: usize| people.iter().filter(|p| p.0 == cell).count();
        let dossiers = [3 * in_cell(0), 5 * in_cell(1)];
        f.dossiers(
            agency,
            "counter",
            "citizen",
            "2026-08-15T10:00:00+07:00",
            dossiers[0],
        );
        f.dossiers(
            agency,
            "online",
            "business",
            "2026-08-15T10:00:00+07:00",
            dossiers[1],
        );
        let mut weighted = Vec::new();
        for (cell, answers) in &people {
            let (channel, kind) = [("counter", "citizen"), ("online", "business")][*cell];
            f.respond(agency, channel, kind, "2026-Q3", answers);
            let w = dossiers[*cell] as f64 / in_cell(*cell) as f64;
            weighted.push((*cell, w, answers.clone()));
        }
        expected.insert(*agency, direct_se(&weighted));
    }
    let r = f.run(&options(5)).unwrap();
    let v = |agency, m| value(&r, "2026-Q3", agency, m, "").unwrap();
    let mut sat = Vec::new();
    for agency in communes {
        let (sat_se, papi_se) = expected[agency];
        assert!(
            (v(agency, Measure::SatIndexSe) - sat_se).abs() < 1e-9,
            "{agency}"
        );
        assert!(
            (v(agency, Measure::PapiTotalSe) - papi_se).abs() < 1e-9,
            "{agency}"
        );
        sat.push(v(agency, Measure::SatIndex));
    }
    sat.sort_by(f64::total_cmp);
    let theta = sat[2];
    for agency in communes {
        let z = (v(agency, Measure::SatIndex) - theta) / v(agency, Measure::SatIndexSe);
        assert!((v(agency, Measure::FunnelZ) - z).abs() < 1e-9, "{agency}");
        let rank = v(agency, Measure::Rank);
        assert!(v(agency, Measure::RankBest) <= rank && rank <= v(agency, Measure::RankWorst));
        let row = find(&r, "2026-Q3", agency, Measure::RankWorst, "").unwrap();
        assert_eq!(
            row.status,
            find(&r, "2026-Q3", agency, Measure::Rank, "")
                .unwrap()
                .status
        );
    }
    // ALL is in no comparison set: no §14 rows.
    assert!(find(&r, "2026-Q3", "ALL", Measure::SatIndexSe, "").is_none());
}

#[test]
fn only_members_of_a_set_have_rows_and_a_year_has_its_own() {
    let mut f = Fixture::new(&["A", "B", "SMALL"]);
    for (agency, count) in [("A", 8), ("B", 9), ("SMALL", 3)] {
        for (cell, answers) in answers_of(count as u32, count) {
            let (channel, kind) = [("counter", "citizen"), ("online", "business")][cell];
            let month = ["02", "05"][cell];
            f.dossiers(
                agency,
                channel,
                kind,
                &format!("2026-{month}-15T10:00:00+07:00"),
                1,
            );
            let quarter = ["2026-Q1", "2026-Q2"][cell];
            f.respond(agency, channel, kind, quarter, &answers);
        }
    }
    let year = f
        .run(&Options {
            period: PeriodKind::Year,
            ..options(5)
        })
        .unwrap();
    for agency in ["A", "B"] {
        let se = find(&year, "2026", agency, Measure::SatIndexSe, "").unwrap();
        assert!(se.value.unwrap() > 0.0);
        assert_eq!(se.status, Status::LowReliability);
    }
    assert!(find(&year, "2026", "SMALL", Measure::SatIndexSe, "").is_none());
    assert!(find(&year, "2026", "SMALL", Measure::RankBest, "").is_none());
}

#[test]
fn an_incomplete_group_has_no_rows_and_is_not_counted_in_the_ranges() {
    let mut f = Fixture::new(&["A", "B", "HALF"]);
    for (agency, count) in [("A", 9), ("B", 10)] {
        for (cell, answers) in answers_of(count as u32, count) {
            let (channel, kind) = [("counter", "citizen"), ("online", "business")][cell];
            f.dossiers(agency, channel, kind, "2026-08-15T10:00:00+07:00", 1);
            f.respond(agency, channel, kind, "2026-Q3", &answers);
        }
    }
    // HALF answers only the first dimension: incomplete, outside the comparison set.
    f.dossiers("HALF", "counter", "citizen", "2026-08-15T10:00:00+07:00", 8);
    f.respond_many(
        8,
        "HALF",
        "counter",
        "citizen",
        "2026-Q3",
        &[("L1", 5), ("L2", 4)],
    );
    let r = f.run(&options(5)).unwrap();
    assert_eq!(
        status(&r, "2026-Q3", "HALF", Measure::SatIndex, ""),
        Status::Incomplete
    );
    for measure in [Measure::SatIndexSe, Measure::FunnelZ, Measure::RankBest] {
        assert!(
            find(&r, "2026-Q3", "HALF", measure, "").is_none(),
            "{measure:?}"
        );
    }
    for agency in ["A", "B"] {
        let worst = value(&r, "2026-Q3", agency, Measure::RankWorst, "").unwrap();
        assert!(worst <= 2.0, "a set of two: {agency} worst {worst}");
    }
}
