//! §13 test vectors: a merger, a split, a chain with a cut-over inside a period, suppression in
//! a lineage group, and the errors of `successions.csv`.

use hailong_analysis::period::PeriodKind;
use hailong_analysis::report::Report;
use hailong_analysis::scores::{Measure, ScoreRow, Status};
use hailong_analysis::Options;

use crate::fixture::{close, find_in, options, Fixture};

const GOOD: [(&str, i32); 4] = [("L1", 5), ("L2", 5), ("Y1", 1), ("N1", 0)];
const BAD: [(&str, i32); 4] = [("L1", 1), ("L2", 1), ("Y1", 0), ("N1", 1)];

/// `count` counter dossiers of `agency` completed in the middle of `quarter`, and as many
/// responses with `answers` (every weight is then 1).
fn served(f: &mut Fixture, agency: &str, quarter: &str, count: usize, answers: &[(&str, i32)]) {
    let (year, q) = quarter.split_once("-Q").unwrap();
    let month = (q.parse::<u32>().unwrap() - 1) * 3 + 2;
    let completed = format!("{year}-{month:02}-15T10:00:00+07:00");
    f.dossiers(agency, "counter", "citizen", &completed, count);
    f.respond_many(count, agency, "counter", "citizen", quarter, answers);
}

fn lineage<'a>(
    report: &'a Report,
    period: &str,
    agency: &str,
    measure: Measure,
    key: &str,
) -> Option<&'a ScoreRow> {
    find_in(report, &report.lineage, period, agency, measure, key)
}

#[test]
fn a_merged_commune_s_history_is_its_predecessors_together() {
    let mut f = Fixture::new(&["A", "B", "S"]);
    served(&mut f, "A", "2025-Q2", 6, &GOOD);
    served(&mut f, "B", "2025-Q2", 4, &BAD);
    served(&mut f, "S", "2025-Q3", 5, &GOOD);
    f.successions = vec!["A,S,2025-07-01".into(), "B,S,2025-07-01".into()];
    let r = f.run(&options(5)).unwrap();

    let l1 = lineage(&r, "2025-Q2", "S", Measure::SatItem, "L1").unwrap();
    assert!(close(l1.value.unwrap(), 60.0), "6 of 10 favourable");
    assert_eq!(l1.n, 10);
    let completed = lineage(&r, "2025-Q2", "S", Measure::Completed, "").unwrap();
    assert_eq!(completed.value, Some(10.0));
    assert!(lineage(&r, "2025-Q2", "S", Measure::SatIndex, "").is_some());
    // No comparison across units that did not exist, and nothing from S's own periods.
    assert!(r
        .lineage
        .iter()
        .all(|row| !matches!(row.measure, Measure::Rank | Measure::Tier | Measure::PciDim)));
    assert!(lineage(&r, "2025-Q3", "S", Measure::SatItem, "L1").is_none());
    assert!(r.lineage.iter().all(|row| r.agency_code(row.agency) == "S"));
    // The predecessors' own rows and S's own rows are in scores.csv as before.
    let own = |agency, period| {
        r.scores.iter().any(|row| {
            r.agency_code(row.agency) == agency
                && row.period.to_string() == period
                && row.measure == Measure::SatItem
        })
    };
    assert!(own("A", "2025-Q2") && own("B", "2025-Q2") && own("S", "2025-Q3"));
    assert!(!own("S", "2025-Q2"));
}

#[test]
fn a_split_gives_each_successor_the_same_lineage() {
    // The fixture's province is P: the commune split is M.
    let mut f = Fixture::new(&["M", "S1", "S2"]);
    served(&mut f, "M", "2025-Q2", 5, &GOOD);
    f.successions = vec!["M,S1,2025-07-01".into(), "M,S2,2025-07-01".into()];
    let r = f.run(&options(5)).unwrap();
    let rows = |agency: &str| {
        r.lineage
            .iter()
            .filter(|row| r.agency_code(row.agency) == agency)
            .map(|row| (row.period, row.measure, row.key.clone(), row.value, row.n))
            .collect::<Vec<_>>()
    };
    assert!(!rows("S1").is_empty());
    assert_eq!(rows("S1"), rows("S2"));
}

#[test]
fn a_chain_reaches_back_and_a_period_with_a_cut_over_has_no_lineage_row() {
    // A → B on 2024-05-15 (inside 2024-Q2), B → S on 2025-07-01.
    let mut f = Fixture::new(&["A", "B", "S"]);
    served(&mut f, "A", "2024-Q1", 5, &GOOD);
    served(&mut f, "A", "2024-Q2", 5, &GOOD);
    served(&mut f, "B", "2024-Q3", 5, &BAD);
    f.successions = vec!["A,B,2024-05-15".into(), "B,S,2025-07-01".into()];
    let r = f.run(&options(5)).unwrap();

    let sat = |period| lineage(&r, period, "S", Measure::SatItem, "L1").and_then(|x| x.value);
    assert_eq!(sat("2024-Q1"), Some(100.0), "A's history reaches S");
    assert!(
        lineage(&r, "2024-Q2", "S", Measure::SatItem, "L1").is_none(),
        "2024-Q2 holds A's cut-over: no lineage row"
    );
    assert_eq!(sat("2024-Q3"), Some(0.0), "B's history reaches S");
    // B, a successor too, has A's 2024-Q1 as its own lineage.
    assert!(lineage(&r, "2024-Q1", "B", Measure::SatItem, "L1").is_some());
    assert!(lineage(&r, "2024-Q2", "B", Measure::SatItem, "L1").is_none());
}

#[test]
fn a_small_lineage_group_is_suppressed() {
    let mut f = Fixture::new(&["A", "B", "S"]);
    served(&mut f, "A", "2025-Q2", 2, &GOOD);
    served(&mut f, "B", "2025-Q2", 1, &GOOD);
    f.successions = vec!["A,S,2025-07-01".into(), "B,S,2025-07-01".into()];
    let r = f.run(&options(5)).unwrap();
    let index = lineage(&r, "2025-Q2", "S", Measure::SatIndex, "").unwrap();
    assert_eq!(index.status, Status::Suppressed);
    assert_eq!(index.value, None);
    // The census rows describe dossiers and are never suppressed (§7).
    let completed = lineage(&r, "2025-Q2", "S", Measure::Completed, "").unwrap();
    assert_eq!(completed.value, Some(3.0));
}

#[test]
fn without_successions_there_is_no_lineage_and_the_file_has_its_header() {
    let mut f = Fixture::new(&["A"]);
    served(&mut f, "A", "2025-Q2", 5, &GOOD);
    let r = f.run(&options(5)).unwrap();
    assert!(r.lineage.is_empty());
    let dir = tempfile::tempdir().unwrap();
    r.write_csv(dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join("lineage.csv")).unwrap();
    assert_eq!(
        text.trim_end(),
        "period,agency_code,measure,key,value,ci_low,ci_high,n,n_eff,status"
    );
}

#[test]
fn bad_successions_are_named_by_file_line_and_field() {
    let cases = [
        (
            "A,Z,2025-07-01",
            "line 2",
            "successor_code",
            "unknown agency",
        ),
        (
            "A,A,2025-07-01",
            "line 2",
            "successor_code",
            "predecessor itself",
        ),
        ("A,S,1/7/2025", "line 2", "effective_on", "not a date"),
    ];
    for (row, line, field, message) in cases {
        let mut f = Fixture::new(&["A", "S"]);
        served(&mut f, "A", "2025-Q2", 5, &GOOD);
        f.successions = vec![row.into()];
        let Err(error) = f.run(&options(5)) else {
            panic!("{row} was accepted")
        };
        for part in ["successions.csv", line, field, message] {
            assert!(error.contains(part), "{row}: {error}");
        }
    }
    let mut f = Fixture::new(&["A", "S"]);
    served(&mut f, "A", "2025-Q2", 5, &GOOD);
    f.successions = vec!["A,S,2025-07-01".into(), "S,A,2026-01-01".into()];
    let Err(error) = f.run(&options(5)) else {
        panic!("a cycle was accepted")
    };
    assert!(
        error.contains("cycle") && error.contains("successions.csv"),
        "{error}"
    );
}

#[test]
fn an_item_nobody_answered_has_no_n_eff() {
    let mut f = Fixture::new(&["A"]);
    served(&mut f, "A", "2025-Q2", 5, &[("L1", 4)]);
    let r = f.run(&options(5)).unwrap();
    let l2 = r
        .scores
        .iter()
        .find(|row| {
            row.measure == Measure::SatItem && row.key == "L2" && r.agency_code(row.agency) == "A"
        })
        .unwrap();
    assert_eq!((l2.n, l2.value, l2.n_eff), (0, None, None));
}

#[test]
fn a_dimension_nobody_answered_has_no_n_eff() {
    let mut f = Fixture::new(&["A"]);
    served(&mut f, "A", "2025-Q2", 5, &[("L1", 4)]);
    let r = f.run(&options(5)).unwrap();
    for measure in [Measure::SatDim, Measure::PapiDim] {
        let d2 = find_in(&r, &r.scores, "2025-Q2", "A", measure, "d2").unwrap();
        assert_eq!((d2.n, d2.value, d2.n_eff), (0, None, None), "{measure:?}");
        let d1 = find_in(&r, &r.scores, "2025-Q2", "A", measure, "d1").unwrap();
        assert_eq!((d1.n, d1.n_eff), (5, Some(5.0)), "{measure:?}");
    }
}

#[test]
fn a_year_holding_an_ancestor_s_cut_over_has_no_lineage_row() {
    // A → B on 2024-05-15 (inside the year 2024), B → C on 2025-07-01; yearly runs.
    let mut f = Fixture::new(&["A", "B", "C"]);
    served(&mut f, "A", "2023-Q3", 5, &GOOD);
    served(&mut f, "A", "2024-Q1", 5, &GOOD);
    served(&mut f, "B", "2024-Q3", 5, &BAD);
    served(&mut f, "C", "2025-Q3", 5, &BAD);
    f.successions = vec!["A,B,2024-05-15".into(), "B,C,2025-07-01".into()];
    let r = f
        .run(&Options {
            period: PeriodKind::Year,
            ..options(5)
        })
        .unwrap();

    let sat = |period, agency| {
        lineage(&r, period, agency, Measure::SatItem, "L1").map(|x| (x.value, x.n))
    };
    assert_eq!(
        sat("2023", "C"),
        Some((Some(100.0), 5)),
        "A's 2023 reaches C"
    );
    assert_eq!(
        sat("2024", "C"),
        None,
        "2024 holds A's cut-over: no lineage row"
    );
    assert_eq!(sat("2025", "C"), None, "2025 is C's own year");
    assert_eq!(sat("2023", "B"), Some((Some(100.0), 5)), "and reaches B");
    assert_eq!(sat("2024", "B"), None, "B's own year holds its cut-over");
    assert!(r.lineage.iter().all(|row| row.period.to_string() == "2023"));
    // The predecessors' own rows of 2024 stay in scores.csv.
    assert!(find_in(&r, &r.scores, "2024", "A", Measure::SatItem, "L1").is_some());
    assert!(find_in(&r, &r.scores, "2024", "B", Measure::SatItem, "L1").is_some());
}
