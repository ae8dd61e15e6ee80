//! The index engine against numbers nobody here made: the published PAPI 2011-2016 and PCI
//! 2006-2016 tables (METHODOLOGY §12, examples 5 and 6; data/reference/README.md).

use std::collections::HashMap;
use std::path::PathBuf;

use hailong_analysis::index::{rank_and_tier, read_table, sum_by, weighted_composite};
use polars::prelude::*;

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../data/reference")
        .join(name)
}

/// (year, province, dimension) → score
fn keyed(df: &DataFrame, value: &str) -> HashMap<(i64, String, String), f64> {
    let years = df.column("year").unwrap().cast(&DataType::Int64).unwrap();
    let years = years.i64().unwrap().clone();
    let provinces = df.column("province").unwrap().str().unwrap().clone();
    let dims = df.column("dimension").unwrap().str().unwrap().clone();
    let values = df.column(value).unwrap().cast(&DataType::Float64).unwrap();
    let values = values.f64().unwrap().clone();
    (0..df.height())
        .map(|i| {
            (
                (
                    years.get(i).unwrap(),
                    provinces.get(i).unwrap().to_owned(),
                    dims.get(i).unwrap().to_owned(),
                ),
                values.get(i).unwrap(),
            )
        })
        .collect()
}

fn papi_dimensions() -> HashMap<(i64, String, String), f64> {
    let subdimensions = read_table(&reference("papi_2011_2016_subdimensions.csv")).unwrap();
    let dims = sum_by(subdimensions, &["year", "province", "dimension"], "score")
        .collect()
        .unwrap();
    keyed(&dims, "score")
}

fn papi_totals(dimensions: &HashMap<(i64, String, String), f64>) -> HashMap<(i64, String), f64> {
    let mut totals = HashMap::new();
    for ((year, province, _), score) in dimensions {
        *totals.entry((*year, province.clone())).or_insert(0.0) += score;
    }
    totals
}

#[test]
fn every_published_papi_dimension_and_total_is_reproduced_from_the_sub_dimensions() {
    let computed = papi_dimensions();
    let published = keyed(
        &read_table(&reference("papi_2011_2016_published.csv"))
            .unwrap()
            .collect()
            .unwrap(),
        "score",
    );
    let mut checked = 0;
    for ((year, province, dimension), score) in &published {
        if dimension == "total" {
            continue;
        }
        let ours = computed[&(*year, province.clone(), dimension.clone())];
        // The published tables are rounded to 6 decimals: "within 2e-6" (data/reference/README.md).
        assert!(
            (ours - score).abs() <= 2e-6 + 1e-12,
            "{year} {province} {dimension}: {ours} vs {score}"
        );
        checked += 1;
    }
    assert_eq!(
        checked,
        computed.len(),
        "every computed dimension is published"
    );
    let totals = papi_totals(&computed);
    for ((year, province, dimension), score) in &published {
        if dimension == "total" {
            let ours = totals[&(*year, province.clone())];
            assert!(
                (ours - score).abs() < 1e-5,
                "{year} {province} total: {ours} vs {score}"
            );
        }
    }
}

#[test]
fn worked_example_5_ha_noi_2016_and_the_2016_quartiles_and_tiers() {
    let dims = papi_dimensions();
    let totals = papi_totals(&dims);
    let ha_noi = totals[&(2016, "Ha Noi".to_owned())];
    assert!((ha_noi - 33.8060).abs() < 5e-5, "{ha_noi}");
    let mut ours: Vec<f64> = dims
        .iter()
        .filter(|((y, p, _), _)| *y == 2016 && p == "Ha Noi")
        .map(|(_, s)| *s)
        .collect();
    ours.sort_by(f64::total_cmp);
    let mut expected = [5.3377, 5.0762, 4.2614, 5.2389, 7.0872, 6.8045];
    expected.sort_by(f64::total_cmp);
    for (a, b) in ours.iter().zip(expected) {
        assert!((a - b).abs() < 5e-5, "{ours:?}");
    }

    let set: Vec<(String, f64)> = totals
        .iter()
        .filter(|((y, _), _)| *y == 2016)
        .map(|((_, p), s)| (p.clone(), *s))
        .collect();
    assert_eq!(set.len(), 63);
    let (ranked, quartiles) = rank_and_tier(&set);
    let q = quartiles.unwrap();
    assert!(
        (q.q1 - 34.7601).abs() < 5e-5
            && (q.median - 35.7227).abs() < 5e-5
            && (q.q3 - 37.3167).abs() < 5e-5,
        "{q:?}"
    );
    let count = |t: u8| ranked.iter().filter(|r| r.tier == Some(t)).count();
    assert_eq!([count(1), count(2), count(3), count(4)], [16, 16, 15, 16]);
    assert_eq!(ranked.iter().filter(|r| r.rank == 1).count(), 1);
}

const SUB_INDICES: [&str; 10] = [
    "entry",
    "land",
    "transparency",
    "time",
    "informal",
    "bias",
    "proactive",
    "support",
    "labor",
    "legal",
];

/// (first_year, last_year, weights in percent, in SUB_INDICES order)
fn pci_eras() -> Vec<(i64, i64, Vec<f64>)> {
    let w = read_table(&reference("pci_weights.csv"))
        .unwrap()
        .collect()
        .unwrap();
    let int = |name: &str| {
        w.column(name)
            .unwrap()
            .cast(&DataType::Int64)
            .unwrap()
            .i64()
            .unwrap()
            .clone()
    };
    let (first, last) = (int("first_year"), int("last_year"));
    (0..w.height())
        .map(|i| {
            let weights = SUB_INDICES
                .iter()
                .map(|c| {
                    w.column(c)
                        .unwrap()
                        .cast(&DataType::Float64)
                        .unwrap()
                        .f64()
                        .unwrap()
                        .get(i)
                        .unwrap()
                })
                .collect();
            (first.get(i).unwrap(), last.get(i).unwrap(), weights)
        })
        .collect()
}

#[test]
fn every_published_pci_composite_is_reproduced_with_the_weights_of_its_era_except_2011() {
    let mut checked = 0;
    for (first, last, weights) in pci_eras() {
        let composite = weighted_composite(
            &SUB_INDICES
                .iter()
                .zip(&weights)
                .map(|(c, w)| (*c, w / 100.0))
                .collect::<Vec<_>>(),
            10.0,
        );
        let df = read_table(&reference("pci_2006_2016_published.csv"))
            .unwrap()
            .filter(
                col("year")
                    .gt_eq(lit(first))
                    .and(col("year").lt_eq(lit(last)))
                    .and(col("year").neq(lit(2011))),
            )
            .with_column(composite.alias("ours"))
            .select([col("year"), col("province"), col("pci"), col("ours")])
            .collect()
            .unwrap();
        let (pci, ours) = (
            df.column("pci").unwrap().f64().unwrap(),
            df.column("ours").unwrap().f64().unwrap(),
        );
        for i in 0..df.height() {
            let (a, b) = (pci.get(i).unwrap(), ours.get(i).unwrap());
            assert!(
                (a - b).abs() < 1e-5,
                "row {i} of {first}-{last}: published {a}, ours {b}"
            );
            checked += 1;
        }
    }
    assert!(checked > 600, "{checked} composites checked");
}

#[test]
fn worked_example_6_quang_tri_2016() {
    let eras = pci_eras();
    let (_, _, weights) = eras
        .iter()
        .find(|(f, l, _)| *f <= 2016 && 2016 <= *l)
        .unwrap();
    let sub = [8.97, 6.25, 6.33, 6.70, 4.77, 5.00, 5.01, 4.47, 6.20, 5.76];
    let composite: f64 = 10.0
        * sub
            .iter()
            .zip(weights)
            .map(|(s, w)| s * w / 100.0)
            .sum::<f64>();
    assert!((composite - 57.615).abs() < 1e-9, "{composite}");
    let published = read_table(&reference("pci_2006_2016_published.csv"))
        .unwrap()
        .filter(
            col("year")
                .eq(lit(2016))
                .and(col("province").eq(lit("Quảng Trị"))),
        )
        .collect()
        .unwrap();
    let value = published
        .column("pci")
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap();
    assert!((value - 57.62).abs() < 0.005, "{value}");
}
