//! Each rule of METHODOLOGY §3-§10 on a small hand-computed case, and each input error of §1.

use crate::fixture::{close, find, options, status, value, Fixture};
use hailong_analysis::period::PeriodKind;
use hailong_analysis::scores::Measure::*;
use hailong_analysis::scores::Status;
use hailong_analysis::Options;

const Q1: &str = "2026-02-10T10:00:00+07:00";
const Q2: &str = "2026-05-10T10:00:00+07:00";
const ALL_GOOD: [(&str, i32); 4] = [("L1", 5), ("L2", 5), ("Y1", 1), ("N1", 0)];

#[test]
fn weights_are_dossiers_over_responses_per_cell() {
    let mut f = Fixture::new(&["A"]);
    f.dossiers("A", "counter", "citizen", Q1, 6)
        .dossiers("A", "online", "citizen", Q1, 2);
    f.respond(
        "A",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 5), ("Y1", 1)],
    );
    f.respond(
        "A",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 3), ("Y1", 1)],
    );
    f.respond("A", "online", "citizen", "2026-Q1", &[("L1", 4), ("Y1", 0)]);

    let r = f.run(&options(1)).unwrap();

    // w = 3, 3, 2: p = (3 + 2) / 8, m = (15 + 9 + 8) / 8 = 4.
    assert!(close(
        value(&r, "2026-Q1", "A", SatItem, "L1").unwrap(),
        62.5
    ));
    assert!(close(
        value(&r, "2026-Q1", "A", PapiItem, "L1").unwrap(),
        7.75
    ));
    let row = find(&r, "2026-Q1", "A", SatItem, "L1").unwrap();
    assert!(close(row.n_eff.unwrap(), 64.0 / 22.0));
    assert_eq!(row.n, 3);
    let (low, high) = row.ci.unwrap();
    assert!(low < 62.5 && 62.5 < high);
    assert_eq!(
        status(&r, "2026-Q1", "A", SatItem, "L1"),
        Status::LowReliability
    );
}

#[test]
fn more_responses_than_dossiers_in_a_cell_leaves_the_group_unweighted_but_never_all() {
    let mut f = Fixture::new(&["A"]);
    f.dossiers("A", "counter", "citizen", Q1, 1)
        .dossiers("A", "online", "citizen", Q1, 9);
    f.respond(
        "A",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 5), ("Y1", 1)],
    );
    f.respond(
        "A",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 1), ("Y1", 1)],
    );
    f.respond("A", "online", "citizen", "2026-Q1", &[("L1", 5), ("Y1", 1)]);

    let r = f
        .run(&Options {
            reliability: 0.0,
            ..options(1)
        })
        .unwrap();

    assert!(
        close(
            value(&r, "2026-Q1", "A", SatItem, "L1").unwrap(),
            100.0 * 2.0 / 3.0
        ),
        "every weight is 1"
    );
    assert_eq!(
        status(&r, "2026-Q1", "A", SatItem, "L1"),
        Status::Unweighted
    );
    assert_eq!(status(&r, "2026-Q1", "A", SatDim, "d1"), Status::Unweighted);
    assert_eq!(status(&r, "2026-Q1", "ALL", SatItem, "L1"), Status::Ok);
}

#[test]
fn a_dimension_without_answers_makes_the_group_incomplete() {
    let mut f = Fixture::new(&["A"]);
    f.dossiers("A", "counter", "citizen", Q1, 3);
    f.respond_many(
        3,
        "A",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 4), ("L2", 2)],
    );

    let r = f.run(&options(1)).unwrap();

    assert_eq!(value(&r, "2026-Q1", "A", SatIndex, ""), None);
    assert_eq!(value(&r, "2026-Q1", "A", PapiTotal, ""), None);
    assert_eq!(status(&r, "2026-Q1", "A", SatIndex, ""), Status::Incomplete);
    assert_eq!(
        status(&r, "2026-Q1", "A", SatItem, "L1"),
        Status::Incomplete
    );
    assert!(close(
        value(&r, "2026-Q1", "A", SatDim, "d1").unwrap(),
        50.0
    ));
    assert_eq!(
        status(&r, "2026-Q1", "A", SatDim, "d2"),
        Status::Suppressed,
        "no answer: 0 < min_cell"
    );
    assert!(
        find(&r, "2026-Q1", "A", Rank, "").is_none(),
        "out of the comparison set"
    );
}

#[test]
fn suppression_applies_to_items_dimensions_and_whole_groups_but_never_to_census_rows() {
    let mut f = Fixture::new(&["A", "B"]);
    f.dossiers("A", "counter", "citizen", Q1, 6)
        .dossiers("B", "counter", "citizen", Q1, 2);
    f.respond_many(2, "A", "counter", "citizen", "2026-Q1", &ALL_GOOD);
    f.respond_many(
        2,
        "A",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 4), ("N1", 1)],
    );
    f.respond_many(2, "B", "counter", "citizen", "2026-Q1", &ALL_GOOD);

    let r = f.run(&options(3)).unwrap();

    // Item L2 rests on 2 answers: suppressed, counts kept.
    let l2 = find(&r, "2026-Q1", "A", SatItem, "L2").unwrap();
    assert_eq!(
        (l2.status, l2.value, l2.n, l2.ci),
        (Status::Suppressed, None, 2, None)
    );
    assert_eq!(
        status(&r, "2026-Q1", "A", PapiItem, "L2"),
        Status::Suppressed
    );
    // Dimension d2 has 4 responses with an answer: shown; the group (4) too.
    assert!(value(&r, "2026-Q1", "A", SatDim, "d2").is_some());
    assert!(value(&r, "2026-Q1", "A", SatIndex, "").is_some());
    // B has 2 responses: the whole group is suppressed and stays out of the comparison.
    for (measure, key) in [
        (SatItem, "L1"),
        (SatDim, "d1"),
        (SatIndex, ""),
        (PapiTotal, ""),
    ] {
        assert_eq!(status(&r, "2026-Q1", "B", measure, key), Status::Suppressed);
        assert_eq!(value(&r, "2026-Q1", "B", measure, key), None);
    }
    assert!(find(&r, "2026-Q1", "B", Rank, "").is_none());
    assert_eq!(value(&r, "2026-Q1", "A", Rank, ""), Some(1.0));
    assert!(
        find(&r, "2026-Q1", "A", PciComposite, "").is_none(),
        "PCI needs 2 agencies"
    );
    // Census rows describe dossiers: shown whatever n is.
    let completed = find(&r, "2026-Q1", "B", Completed, "").unwrap();
    assert_eq!(
        (
            completed.value,
            completed.status,
            completed.n,
            completed.n_eff
        ),
        (Some(2.0), Status::Ok, 2, None)
    );
    assert!(close(
        value(&r, "2026-Q1", "B", ResponseRate, "").unwrap(),
        100.0
    ));
}

#[test]
fn a_dimension_row_is_suppressed_by_its_own_count() {
    let mut f = Fixture::new(&["A"]);
    f.dossiers("A", "counter", "citizen", Q1, 5);
    f.respond_many(3, "A", "counter", "citizen", "2026-Q1", &[("L1", 5)]);
    f.respond_many(
        2,
        "A",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 5), ("Y1", 1)],
    );

    let r = f.run(&options(3)).unwrap();

    let d2 = find(&r, "2026-Q1", "A", SatDim, "d2").unwrap();
    assert_eq!((d2.status, d2.value, d2.n), (Status::Suppressed, None, 2));
    assert_eq!(
        status(&r, "2026-Q1", "A", SatDim, "d1"),
        Status::LowReliability
    );
    assert!(
        value(&r, "2026-Q1", "A", PapiTotal, "").is_some(),
        "the group itself has 5"
    );
}

#[test]
fn quarters_are_taken_in_vietnam_time() {
    let mut f = Fixture::new(&["A"]);
    f.dossiers("A", "counter", "citizen", "2026-03-31T17:30:00Z", 1);
    f.dossiers("A", "counter", "citizen", "2026-03-31T16:59:59Z", 1);

    let r = f.run(&options(1)).unwrap();

    assert_eq!(value(&r, "2026-Q1", "A", Completed, ""), Some(1.0));
    assert_eq!(value(&r, "2026-Q2", "A", Completed, ""), Some(1.0));
}

/// Agencies A-D with falling scores; A and B tie.
fn four_agencies() -> Fixture {
    let mut f = Fixture::new(&["A", "B", "C", "D"]);
    for (agency, answers) in [
        ("A", [("L1", 5), ("L2", 5), ("Y1", 1), ("N1", 0)]),
        ("B", [("L1", 5), ("L2", 5), ("Y1", 1), ("N1", 0)]),
        ("C", [("L1", 4), ("L2", 3), ("Y1", 1), ("N1", 1)]),
        ("D", [("L1", 1), ("L2", 2), ("Y1", 0), ("N1", 1)]),
    ] {
        f.dossiers(agency, "counter", "citizen", Q1, 2);
        f.respond_many(2, agency, "counter", "citizen", "2026-Q1", &answers);
    }
    f
}

#[test]
fn ties_share_a_rank_and_tiers_follow_the_quartiles() {
    let r = four_agencies().run(&options(1)).unwrap();

    let rank = |a: &str| value(&r, "2026-Q1", a, Rank, "").unwrap();
    assert_eq!(
        [rank("A"), rank("B"), rank("C"), rank("D")],
        [1.0, 1.0, 3.0, 4.0]
    );
    // Totals: A = B = 10 + 10 = 20; C = (7.75 + 5.5)/2 + (10 + 1)/2 = 12.125; D = 2.125 + 1 = 3.125.
    assert!(close(
        value(&r, "2026-Q1", "C", PapiTotal, "").unwrap(),
        12.125
    ));
    // Q1 = 3.125 + 0.75·9 = 9.875, Q2 = 16.0625, Q3 = 20: A, B tier 1; C 3; D 4.
    let tier = |a: &str| value(&r, "2026-Q1", a, Tier, "").unwrap();
    assert_eq!(
        [tier("A"), tier("B"), tier("C"), tier("D")],
        [1.0, 1.0, 3.0, 4.0]
    );
    let bench = r
        .benchmarks
        .iter()
        .find(|b| b.measure == PapiTotal)
        .unwrap();
    assert!(close(bench.median, 16.0625) && close(bench.max, 20.0) && bench.n_agencies == 4);
}

#[test]
fn tiers_need_four_agencies_and_relative_scores_two() {
    let mut f = four_agencies();
    f.responses
        .retain(|r| !r.contains(",C,") && !r.contains(",D,"));
    let kept: Vec<String> = f
        .responses
        .iter()
        .map(|r| r.split(',').next().unwrap().to_owned())
        .collect();
    f.answers
        .retain(|a| kept.contains(&a.split(',').next().unwrap().to_owned()));

    let r = f.run(&options(1)).unwrap();

    assert!(find(&r, "2026-Q1", "A", Tier, "").is_none());
    // A and B are equal: max − min < 1e-12 gives every relative score 10 and a composite of 100.
    assert_eq!(value(&r, "2026-Q1", "A", PciDim, "d1"), Some(10.0));
    assert_eq!(value(&r, "2026-Q1", "B", PciComposite, ""), Some(100.0));
}

#[test]
fn relative_scores_run_from_1_to_10_across_the_set() {
    let r = four_agencies().run(&options(1)).unwrap();
    assert_eq!(value(&r, "2026-Q1", "D", PciDim, "d1"), Some(1.0));
    assert_eq!(value(&r, "2026-Q1", "A", PciDim, "d1"), Some(10.0));
    // d1: A = B = 10, C = (7.75 + 5.5)/2 = 6.625, D = (1 + 3.25)/2 = 2.125.
    assert!(close(
        value(&r, "2026-Q1", "C", PciDim, "d1").unwrap(),
        1.0 + 9.0 * 4.5 / 7.875
    ));
}

#[test]
fn the_all_group_keeps_each_response_s_weight_from_its_own_agency() {
    let mut f = Fixture::new(&["A", "B"]);
    f.dossiers("A", "counter", "citizen", Q1, 4)
        .dossiers("B", "counter", "citizen", Q1, 1);
    f.respond("A", "counter", "citizen", "2026-Q1", &[("L1", 5)]);
    f.respond("B", "counter", "citizen", "2026-Q1", &[("L1", 1)]);

    let r = f.run(&options(1)).unwrap();

    assert!(close(
        value(&r, "2026-Q1", "ALL", SatItem, "L1").unwrap(),
        80.0
    ));
    assert_eq!(value(&r, "2026-Q1", "ALL", Completed, ""), Some(5.0));
    assert!(
        find(&r, "2026-Q1", "ALL", Rank, "").is_none(),
        "ALL is compared with nobody"
    );
}

#[test]
fn a_year_takes_its_weights_from_the_year_s_cells() {
    let mut f = Fixture::new(&["A"]);
    f.dossiers("A", "counter", "citizen", Q1, 4)
        .dossiers("A", "counter", "citizen", Q2, 2);
    f.respond("A", "counter", "citizen", "2026-Q1", &[("L1", 5)]);
    f.respond_many(2, "A", "counter", "citizen", "2026-Q2", &[("L1", 1)]);

    let year = f
        .run(&Options {
            period: PeriodKind::Year,
            ..options(1)
        })
        .unwrap();
    let quarters = f.run(&options(1)).unwrap();

    assert!(
        close(
            value(&year, "2026", "A", SatItem, "L1").unwrap(),
            100.0 / 3.0
        ),
        "N = 6, n = 3: w = 2 each"
    );
    assert_eq!(value(&quarters, "2026-Q1", "A", SatItem, "L1"), Some(100.0));
    assert_eq!(value(&quarters, "2026-Q2", "A", SatItem, "L1"), Some(0.0));
}

#[test]
fn trends_compare_with_the_previous_period_when_the_version_is_the_same() {
    let mut f = Fixture::new(&["A", "B"]);
    for (agency, q2_version) in [("A", "t1"), ("B", "t2")] {
        f.dossiers(agency, "counter", "citizen", Q1, 40)
            .dossiers(agency, "counter", "citizen", Q2, 40);
        f.respond_many(40, agency, "counter", "citizen", "2026-Q1", &ALL_GOOD);
        for _ in 0..40 {
            f.respond_version(
                agency,
                "counter",
                "citizen",
                "2026-Q2",
                q2_version,
                &[("L1", 1), ("L2", 1), ("Y1", 0), ("N1", 1)],
            );
        }
    }

    let r = f
        .run(&Options {
            bootstrap: 100,
            ..options(5)
        })
        .unwrap();

    let trend = |agency: &str, measure, key: &str| {
        r.trends
            .iter()
            .find(|t| r.agency_code(t.agency) == agency && t.measure == measure && t.key == key)
    };
    let l1 = trend("A", SatItem, "L1").unwrap();
    assert_eq!(l1.previous_period.to_string(), "2026-Q1");
    assert!(close(l1.delta, -100.0) && l1.significant);
    assert!(
        trend("A", PapiTotal, "").unwrap().significant,
        "bootstrap intervals are far apart"
    );
    assert!(
        trend("B", SatItem, "L1").is_none(),
        "B changed questionnaire version"
    );
    assert!(r
        .trends
        .iter()
        .all(|t| t.measure != PapiItem && t.measure != Rank));
}

#[test]
fn rows_outside_the_named_periods_are_ignored() {
    let mut f = Fixture::new(&["A"]);
    f.dossiers("A", "counter", "citizen", Q1, 2)
        .dossiers("A", "counter", "citizen", Q2, 2);
    f.respond_many(2, "A", "counter", "citizen", "2026-Q1", &ALL_GOOD);
    f.respond_many(2, "A", "counter", "citizen", "2026-Q2", &ALL_GOOD);

    let r = f
        .run(&Options {
            periods: Some("2026-Q2..2026-Q4".parse().unwrap()),
            ..options(1)
        })
        .unwrap();

    assert!(r
        .scores
        .iter()
        .all(|row| row.period.to_string() == "2026-Q2"));
}

#[test]
fn bootstrap_intervals_contain_the_estimate_and_are_reproducible() {
    let mut f = four_agencies();
    f.respond_many(
        10,
        "C",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 5), ("L2", 1), ("Y1", 0), ("N1", 0)],
    );
    f.dossiers("C", "counter", "citizen", Q1, 20);
    let options = Options {
        bootstrap: 200,
        ..options(1)
    };

    let first = f.run(&options).unwrap();
    let second = f.run(&options).unwrap();

    let row = find(&first, "2026-Q1", "C", PapiTotal, "").unwrap();
    let (low, high) = row.ci.unwrap();
    assert!(
        low <= row.value.unwrap() && row.value.unwrap() <= high && low < high,
        "{low} {high}"
    );
    assert_eq!(
        row.ci,
        find(&second, "2026-Q1", "C", PapiTotal, "").unwrap().ci
    );
    assert!(
        find(&first, "2026-Q1", "C", PapiItem, "L1")
            .unwrap()
            .ci
            .is_none(),
        "items take no bootstrap"
    );
}

/// One valid data set, broken in one place per case.
fn broken(edit: impl FnOnce(&mut Fixture)) -> String {
    let mut f = Fixture::new(&["A"]);
    f.dossiers("A", "counter", "citizen", Q1, 2);
    f.respond(
        "A",
        "counter",
        "citizen",
        "2026-Q1",
        &[("L1", 4), ("Y1", 1)],
    );
    edit(&mut f);
    match f.run(&options(1)) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

#[test]
fn every_input_error_names_the_file_the_line_and_the_field() {
    type Edit = Box<dyn FnOnce(&mut Fixture)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|f| f.agencies[1] = "A,Xã A,village,P".into()),
            "agencies.csv: line 3: field `level`",
        ),
        (
            Box::new(|f| f.agencies[1] = "A,Xã A,commune,NOPE".into()),
            "agencies.csv: line 3: field `parent_code`",
        ),
        (
            Box::new(|f| f.agencies.push("A,again,commune,P".into())),
            "agencies.csv: line 4: field `agency_code`",
        ),
        (
            Box::new(|f| f.dossiers[1] = f.dossiers[1].replace(",A,", ",Z,")),
            "dossiers.csv: line 3: field `agency_code`",
        ),
        (
            Box::new(|f| f.dossiers[1] = f.dossiers[1].replace("D2,", "D1,")),
            "dossiers.csv: line 3: field `dossier_id`",
        ),
        (
            Box::new(|f| f.dossiers[0] = f.dossiers[0].replace("citizen", "robot")),
            "dossiers.csv: line 2: field `applicant_kind`",
        ),
        (
            Box::new(|f| f.dossiers[0] = f.dossiers[0].replace("counter", "fax")),
            "dossiers.csv: line 2: field `channel`",
        ),
        (
            Box::new(|f| f.dossiers[0] = f.dossiers[0].replace(",true", ",yes")),
            "dossiers.csv: line 2: field `invited`",
        ),
        (
            Box::new(|f| {
                f.dossiers[0] = f.dossiers[0].replace("2020-01-01T00:00:00+07:00", "01/01/2020")
            }),
            "dossiers.csv: line 2: field `received_at`",
        ),
        (
            Box::new(|f| {
                f.dossiers[0] =
                    f.dossiers[0].replace("2020-01-01T00:00:00+07:00", "2027-01-01T00:00:00+07:00")
            }),
            "dossiers.csv: line 2: field `completed_at`",
        ),
        (
            Box::new(|f| f.responses.push(f.responses[0].clone())),
            "responses.csv: line 3: field `response_id`",
        ),
        (
            Box::new(|f| f.responses[0] = f.responses[0].replace(",A,", ",Z,")),
            "responses.csv: line 2: field `agency_code`",
        ),
        (
            Box::new(|f| f.responses[0] = f.responses[0].replace("2026-Q1", "2026-Q5")),
            "responses.csv: line 2: field `quarter`",
        ),
        (
            Box::new(|f| f.responses[0] = f.responses[0].replace("counter", "fax")),
            "responses.csv: line 2: field `channel`",
        ),
        (
            Box::new(|f| f.answers.push("R99,L1,4".into())),
            "answers.csv: line 4: field `response_id`",
        ),
        (
            Box::new(|f| f.answers[0] = f.answers[0].replace("L1", "ZZ")),
            "answers.csv: line 2: field `item_code`",
        ),
        (
            Box::new(|f| f.answers.push(f.answers[0].clone())),
            "answers.csv: line 4: field `item_code`",
        ),
        (
            Box::new(|f| f.answers[0] = f.answers[0].replace(",4", ",6")),
            "answers.csv: line 2: field `value`",
        ),
        (
            Box::new(|f| f.answers[1] = f.answers[1].replace(",1", ",2")),
            "answers.csv: line 3: field `value`",
        ),
        (
            Box::new(|f| f.answers[0] = f.answers[0].replace(",4", ",4.5")),
            "answers.csv: line 2: field `value`",
        ),
        (
            Box::new(|f| {
                f.questionnaire = Some(
                    crate::fixture::QUESTIONNAIRE.replace("\"weight\": 0.5}", "\"weight\": 0.6}"),
                )
            }),
            "q.json: field `dimensions`",
        ),
        (
            Box::new(|f| {
                f.questionnaire = Some(
                    crate::fixture::QUESTIONNAIRE
                        .replace("\"dimension\": \"d2\"", "\"dimension\": \"d9\""),
                )
            }),
            "q.json: field `items`",
        ),
    ];
    for (edit, expected) in cases {
        let error = broken(edit);
        assert!(
            error.contains(expected),
            "expected {expected:?} in {error:?}"
        );
    }
}

#[test]
fn parquet_files_and_in_memory_frames_give_the_same_scores_as_csv() {
    use polars::prelude::*;
    let f = four_agencies();
    let dir = tempfile::tempdir().unwrap();
    f.write(dir.path());
    let q = hailong_analysis::read_questionnaire(&dir.path().join("q.json")).unwrap();
    let read = |name: &str| {
        let path = dir
            .path()
            .join(format!("{name}.csv"))
            .to_string_lossy()
            .into_owned();
        LazyCsvReader::new(PlRefPath::new(path.as_str()))
            .with_has_header(true)
            .finish()
            .unwrap()
            .collect()
            .unwrap()
    };
    let frames = hailong_analysis::Frames {
        agencies: read("agencies"),
        dossiers: read("dossiers"),
        responses: read("responses"),
        answers: read("answers"),
    };
    let parquet_dir = tempfile::tempdir().unwrap();
    for (name, frame) in [
        ("agencies", &frames.agencies),
        ("dossiers", &frames.dossiers),
        ("responses", &frames.responses),
        ("answers", &frames.answers),
    ] {
        let mut frame = frame.clone();
        let file =
            std::fs::File::create(parquet_dir.path().join(format!("{name}.parquet"))).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
    }

    let from_csv = f.run(&options(1)).unwrap();
    let from_frames = hailong_analysis::analyze(
        &hailong_analysis::inputs_from_frames(frames, q.clone()).unwrap(),
        &options(1),
    )
    .unwrap();
    let from_parquet = hailong_analysis::analyze(
        &hailong_analysis::read_inputs(parquet_dir.path(), q).unwrap(),
        &options(1),
    )
    .unwrap();

    assert_eq!(from_csv.scores, from_frames.scores);
    assert_eq!(from_csv.scores, from_parquet.scores);
    assert!(from_parquet.scores.iter().any(|r| r.measure == Rank));
}

/// A file with quotes is read with CSV quoting (a quoted comma stays in its field), one without
/// is read with quoting off (faster): both must give the same numbers as the plain files.
#[test]
fn quoted_fields_read_as_their_text() {
    let plain = four_agencies();
    let mut quoted = plain.clone();
    let quote_all = |row: &String| {
        row.split(',')
            .map(|field| format!("\"{field}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    quoted.dossiers = plain.dossiers.iter().map(quote_all).collect();
    quoted.answers = plain.answers.iter().map(quote_all).collect();
    // A name with a comma and an escaped quote, in a file where only that field is quoted.
    quoted.agencies[1] = "A,\"Xã A, \"\"mới\"\"\",commune,P".to_owned();

    let (from_plain, from_quoted) = (
        plain.run(&options(1)).unwrap(),
        quoted.run(&options(1)).unwrap(),
    );
    assert_eq!(from_plain.scores, from_quoted.scores);
    assert!(from_quoted.scores.iter().any(|r| r.measure == Rank));

    // A quote in a file otherwise without: the field keeps its comma, so the row is sound.
    let mut one_quote = plain.clone();
    let first = one_quote.dossiers[0].clone();
    one_quote.dossiers[0] = first.replacen(",1.0,", ",\"1.0, annex\",", 1);
    assert_eq!(
        one_quote.run(&options(1)).unwrap().scores,
        from_plain.scores
    );
}

/// Five communes over three quarters with answers that differ by agency, channel and quarter,
/// and cells whose weights are not integers.
fn three_quarters() -> Fixture {
    let mut f = Fixture::new(&["A", "B", "C", "D", "E"]);
    let quarters = [
        ("2026-Q1", "2026-02-10T09:00:00+07:00"),
        ("2026-Q2", "2026-05-10T09:00:00+07:00"),
        ("2026-Q3", "2026-08-10T09:00:00+07:00"),
    ];
    for (i, agency) in ["A", "B", "C", "D", "E"].into_iter().enumerate() {
        for (q, (quarter, completed)) in quarters.into_iter().enumerate() {
            let spread = (i + q) % 5;
            f.dossiers(agency, "counter", "citizen", completed, 13 + i)
                .dossiers(agency, "online", "business", completed, 7 + q);
            for n in 0..(6 + spread) {
                let v = 1 + ((n + i) % 5) as i32;
                f.respond(
                    agency,
                    "counter",
                    "citizen",
                    quarter,
                    &[("L1", v), ("L2", 6 - v), ("Y1", (n % 2) as i32), ("N1", 0)],
                );
            }
            for n in 0..(3 + q) {
                f.respond(
                    agency,
                    "online",
                    "business",
                    quarter,
                    &[
                        ("L1", 5 - (n % 3) as i32),
                        ("Y1", 1),
                        ("N1", (n % 2) as i32),
                    ],
                );
            }
        }
    }
    f
}

#[test]
fn two_runs_give_the_same_digits_province_wide_included() {
    let f = three_quarters();
    let options = Options {
        bootstrap: 50,
        ..options(3)
    };

    let first = f.run(&options).unwrap();
    let second = f.run(&options).unwrap();

    assert_eq!(first.scores, second.scores);
    assert_eq!(first.benchmarks, second.benchmarks);
    assert!(first
        .scores
        .iter()
        .any(|r| first.agency_code(r.agency) == "ALL" && r.ci.is_some()));
}

/// The dashboards compute one period at a time, with the period before it for the trends: what
/// they store must be what a run over every period gives for that period.
#[test]
fn a_period_computed_with_its_predecessor_only_equals_the_full_run() {
    let f = three_quarters();
    let options = Options {
        bootstrap: 50,
        ..options(3)
    };
    let full = f.run(&options).unwrap();

    let alone = f
        .run(&Options {
            periods: Some("2026-Q2..2026-Q3".parse().unwrap()),
            ..options.clone()
        })
        .unwrap();

    let of_q3 = |r: &hailong_analysis::report::Report| {
        let mut scores: Vec<_> = r
            .scores
            .iter()
            .filter(|s| s.period.to_string() == "2026-Q3")
            .map(|s| (r.agency_code(s.agency).to_owned(), s.clone()))
            .collect();
        scores.sort_by(|a, b| (&a.0, a.1.measure, &a.1.key).cmp(&(&b.0, b.1.measure, &b.1.key)));
        let mut trends: Vec<_> = r
            .trends
            .iter()
            .filter(|t| t.period.to_string() == "2026-Q3")
            .map(|t| format!("{} {:?}", r.agency_code(t.agency), t))
            .collect();
        trends.sort();
        let benchmarks: Vec<_> = r
            .benchmarks
            .iter()
            .filter(|b| b.period.to_string() == "2026-Q3")
            .cloned()
            .collect();
        (scores, trends, benchmarks)
    };
    let (full_scores, full_trends, full_benchmarks) = of_q3(&full);
    let (alone_scores, alone_trends, alone_benchmarks) = of_q3(&alone);
    assert!(!full_scores.is_empty() && !full_trends.is_empty());
    assert_eq!(full_scores, alone_scores);
    assert_eq!(full_trends, alone_trends);
    assert_eq!(full_benchmarks, alone_benchmarks);
}
