//! A province's official standing in the published PAPI and PCI tables, year by year: its
//! score and its rank among all provinces of that year (the index engine's ranks).

use std::collections::HashMap;
use std::io::Cursor;

use polars::prelude::*;

use crate::index::rank_and_tier;

#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// `PAPI` or `PCI`.
    pub index: &'static str,
    /// The canonical province name.
    pub province: String,
    pub year: i64,
    pub score: f64,
    pub rank: u32,
    /// Quartile tier among the provinces scored that year (1 best .. 4).
    pub tier: Option<u8>,
    pub of: usize,
}

/// The published tables (data/reference), as text.
pub struct Tables<'a> {
    /// `papi_2011_2024_published.csv`: dimensions and totals by province code.
    pub papi: &'a str,
    /// `pci_2006_2016_published.csv`: sub-indices and the composite by name (read to 2015).
    pub pci_early: &'a str,
    /// `pci_2016_2022_composite.csv`: the composite by province code.
    pub pci_late: &'a str,
    /// `province_names.csv`: (source, name, province).
    pub names: &'a str,
}

/// The first year `pci_late` covers: the earlier table is read before it.
const PCI_LATE_FROM: i64 = 2016;

fn read(text: &str) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .into_reader_with_file_handle(Cursor::new(text.as_bytes().to_vec()))
        .finish()
}

/// (year, the table's key for the province, score) for every province and year.
fn scores(df: &DataFrame, key: &str, score: &str) -> PolarsResult<Vec<(i64, String, f64)>> {
    let years = df.column("year")?.cast(&DataType::Int64)?;
    let names = df.column(key)?.str()?.clone();
    let values = df.column(score)?.cast(&DataType::Float64)?;
    let (years, values) = (years.i64()?.clone(), values.f64()?.clone());
    Ok((0..df.height())
        .filter_map(|i| Some((years.get(i)?, names.get(i)?.to_owned(), values.get(i)?)))
        .collect())
}

/// Every province's rank and tier among those scored in its year; the standings of those
/// `names` maps to a canonical name.
fn standings_of(
    index: &'static str,
    rows: Vec<(i64, String, f64)>,
    names: &HashMap<String, String>,
) -> Vec<Standing> {
    let mut by_year: HashMap<i64, Vec<(String, f64)>> = HashMap::new();
    for (year, name, score) in rows {
        by_year.entry(year).or_default().push((name, score));
    }
    let mut out = Vec::new();
    for (year, set) in by_year {
        let (ranked, _) = rank_and_tier(&set);
        for r in ranked {
            if let Some(province) = names.get(&r.entity) {
                out.push(Standing {
                    index,
                    province: province.clone(),
                    year,
                    score: r.score,
                    rank: r.rank,
                    tier: r.tier,
                    of: set.len(),
                });
            }
        }
    }
    out
}

/// The mapping of `province_names.csv` for one source: the table's key → canonical name.
fn names_of(names: &DataFrame, wanted: &str) -> PolarsResult<HashMap<String, String>> {
    let (source, name, province) = (
        names.column("source")?.str()?,
        names.column("name")?.str()?,
        names.column("province")?.str()?,
    );
    Ok((0..names.height())
        .filter_map(|i| {
            let (s, n, p) = (source.get(i)?, name.get(i)?, province.get(i)?);
            (s == wanted).then(|| (n.to_owned(), p.to_owned()))
        })
        .collect())
}

/// The standings of the provinces named in `province_names.csv`: PAPI totals 2011-2024, PCI
/// composites 2006-2022; a year a province was not scored has no standing.
pub fn standings(tables: &Tables<'_>) -> PolarsResult<Vec<Standing>> {
    let names = read(tables.names)?;
    let papi = read(tables.papi)?
        .lazy()
        .filter(col("dimension").eq(lit("total")))
        .collect()?;
    let mut out = standings_of(
        "PAPI",
        scores(&papi, "province_code", "score")?,
        &names_of(&names, "papi_code")?,
    );
    let early: Vec<(i64, String, f64)> = scores(&read(tables.pci_early)?, "province", "pci")?
        .into_iter()
        .filter(|(year, _, _)| *year < PCI_LATE_FROM)
        .collect();
    out.extend(standings_of("PCI", early, &names_of(&names, "pci")?));
    out.extend(standings_of(
        "PCI",
        scores(&read(tables.pci_late)?, "province_code", "pci")?,
        &names_of(&names, "pci_code")?,
    ));
    out.sort_by(|a, b| {
        (a.province.as_str(), a.year, a.index).cmp(&(b.province.as_str(), b.year, b.index))
    });
    Ok(out)
}

/// The tables as this repository keeps them.
pub fn bundled() -> Tables<'static> {
    Tables {
        papi: include_str!("../../data/reference/papi_2011_2024_published.csv"),
        pci_early: include_str!("../../data/reference/pci_2006_2016_published.csv"),
        pci_late: include_str!("../../data/reference/pci_2016_2022_composite.csv"),
        names: include_str!("../../data/reference/province_names.csv"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(s: &'a [Standing], index: &str, province: &str, year: i64) -> Option<&'a Standing> {
        s.iter()
            .find(|x| x.index == index && x.province == province && x.year == year)
    }

    #[test]
    fn the_two_provinces_published_standings_2006_to_2024() {
        let s = standings(&bundled()).unwrap();
        // data/reference/README.md: An Giang PCI 60.45 (2006), 66.47 (2007), 63.42 (2012),
        // 59.07 (2013); 64 provinces until Hà Tây joined Hà Nội in 2008, 63 after.
        for (year, score, of) in [
            (2006, 60.45, 64),
            (2007, 66.47, 64),
            (2012, 63.42, 63),
            (2013, 59.07, 63),
        ] {
            let pci = find(&s, "PCI", "An Giang", year).unwrap();
            assert!((pci.score - score).abs() < 0.005, "{year}: {}", pci.score);
            assert_eq!(pci.of, of, "{year}");
        }
        // PAPI totals and ranks as published (press figures cut to two decimals).
        for (province, year, total, rank) in [
            ("An Giang", 2017, 37.51, 18),
            ("An Giang", 2018, 44.43, 25),
            ("An Giang", 2024, 42.89, 40),
            ("Kiên Giang", 2022, 40.04, 53),
            ("Kiên Giang", 2023, 40.98, 44),
        ] {
            let papi = find(&s, "PAPI", province, year).unwrap();
            assert!(
                ((papi.score * 100.0).trunc() / 100.0 - total).abs() < 1e-9,
                "{province} {year}"
            );
            assert_eq!(papi.rank, rank, "{province} {year}");
        }
        let pci_2020 = find(&s, "PCI", "Kiên Giang", 2020).unwrap();
        assert!((pci_2020.score - 60.01).abs() < 0.005);
        assert_eq!(pci_2020.rank, 62);
        // Every year of both indices, for both provinces: PAPI 2011-2024, PCI 2006-2022.
        for province in ["An Giang", "Kiên Giang"] {
            for year in 2011..=2024 {
                assert!(
                    find(&s, "PAPI", province, year).is_some(),
                    "PAPI {province} {year}"
                );
            }
            for year in 2006..=2022 {
                assert!(
                    find(&s, "PCI", province, year).is_some(),
                    "PCI {province} {year}"
                );
            }
            assert!(
                find(&s, "PCI", province, 2023).is_none(),
                "not published since 2023"
            );
        }
    }

    /// (year, province code) → dimension → score, of the 2011-2024 PAPI table.
    fn papi_rows() -> HashMap<(i64, String), HashMap<String, f64>> {
        let df = read(bundled().papi).unwrap();
        let years = df.column("year").unwrap().cast(&DataType::Int64).unwrap();
        let years = years.i64().unwrap();
        let codes = df.column("province_code").unwrap().str().unwrap();
        let dims = df.column("dimension").unwrap().str().unwrap();
        let values = df
            .column("score")
            .unwrap()
            .cast(&DataType::Float64)
            .unwrap();
        let values = values.f64().unwrap();
        let mut out: HashMap<(i64, String), HashMap<String, f64>> = HashMap::new();
        for i in 0..df.height() {
            out.entry((years.get(i).unwrap(), codes.get(i).unwrap().to_owned()))
                .or_default()
                .insert(dims.get(i).unwrap().to_owned(), values.get(i).unwrap());
        }
        out
    }

    #[test]
    fn every_year_s_total_is_the_sum_of_its_dimensions_and_tiers_split_by_quartiles() {
        let rows = papi_rows();
        let mut checked = 0;
        for ((year, code), dims) in &rows {
            let expected = if *year >= 2018 { 8 } else { 6 };
            let parts: Vec<f64> = dims
                .iter()
                .filter(|(d, _)| d.as_str() != "total")
                .map(|(_, v)| *v)
                .collect();
            // A province scored on every dimension: its total is their sum.
            if let (Some(total), true) = (dims.get("total"), parts.len() == expected) {
                let sum: f64 = parts.iter().sum();
                assert!(
                    (total - sum).abs() < 1e-4,
                    "{year} {code}: {total} vs {sum}"
                );
                checked += 1;
            }
        }
        assert!(checked > 800, "{checked}");
        // Each year, ranks run from 1 and tiers follow the year's quartiles (§6).
        let s = standings_of(
            "PAPI",
            rows.iter()
                .filter_map(|((y, c), d)| Some((*y, c.clone(), *d.get("total")?)))
                .collect(),
            &rows.keys().map(|(_, c)| (c.clone(), c.clone())).collect(),
        );
        for year in 2011..=2024 {
            let of_year: Vec<&Standing> = s.iter().filter(|x| x.year == year).collect();
            assert!(of_year.len() >= 60, "{year}: {}", of_year.len());
            assert_eq!(of_year.iter().map(|x| x.rank).min(), Some(1));
            let best = of_year.iter().find(|x| x.rank == 1).unwrap();
            let worst = of_year.iter().max_by_key(|x| x.rank).unwrap();
            assert_eq!((best.tier, worst.tier), (Some(1), Some(4)), "{year}");
            for tier in 1..=4u8 {
                let n = of_year.iter().filter(|x| x.tier == Some(tier)).count();
                assert!((12..=20).contains(&n), "{year} tier {tier}: {n}");
            }
        }
    }

    #[test]
    fn the_older_papi_table_agrees_with_the_newer_on_2011_to_2016() {
        let old = read(include_str!(
            "../../data/reference/papi_2011_2016_published.csv"
        ))
        .unwrap();
        let old = old
            .lazy()
            .filter(col("dimension").eq(lit("total")))
            .collect()
            .unwrap();
        let old_scores = scores(&old, "province", "score").unwrap();
        let new = read(bundled().papi).unwrap();
        let new = new
            .lazy()
            .filter(col("dimension").eq(lit("total")))
            .collect()
            .unwrap();
        let new_scores = scores(&new, "province_code", "score").unwrap();
        for year in 2011..=2016 {
            let mut a: Vec<f64> = old_scores
                .iter()
                .filter(|r| r.0 == year)
                .map(|r| r.2)
                .collect();
            let mut b: Vec<f64> = new_scores
                .iter()
                .filter(|r| r.0 == year)
                .map(|r| r.2)
                .collect();
            a.sort_by(f64::total_cmp);
            b.sort_by(f64::total_cmp);
            assert_eq!(a.len(), b.len(), "{year}");
            assert!(
                a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-4),
                "{year}"
            );
        }
    }
}
