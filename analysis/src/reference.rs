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
    pub of: usize,
}

fn read(text: &str) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .into_reader_with_file_handle(Cursor::new(text.as_bytes().to_vec()))
        .finish()
}

/// (year, name in the table, score) for every province and year.
fn scores(df: &DataFrame, score: &str) -> PolarsResult<Vec<(i64, String, f64)>> {
    let years = df.column("year")?.cast(&DataType::Int64)?;
    let names = df.column("province")?.str()?.clone();
    let values = df.column(score)?.cast(&DataType::Float64)?;
    let (years, values) = (years.i64()?.clone(), values.f64()?.clone());
    Ok((0..df.height())
        .filter_map(|i| Some((years.get(i)?, names.get(i)?.to_owned(), values.get(i)?)))
        .collect())
}

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
                    of: set.len(),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.province.as_str(), a.year, a.index).cmp(&(b.province.as_str(), b.year, b.index))
    });
    out
}

/// The standings of the provinces named in `names_csv` (source, name, province), from the
/// published PAPI totals and PCI composites.
pub fn standings(
    papi_published: &str,
    pci_published: &str,
    names_csv: &str,
) -> PolarsResult<Vec<Standing>> {
    let names = read(names_csv)?;
    let (source, name, province) = (
        names.column("source")?.str()?,
        names.column("name")?.str()?,
        names.column("province")?.str()?,
    );
    let mut papi_names = HashMap::new();
    let mut pci_names = HashMap::new();
    for i in 0..names.height() {
        let (Some(s), Some(n), Some(p)) = (source.get(i), name.get(i), province.get(i)) else {
            continue;
        };
        match s {
            "papi" => papi_names.insert(n.to_owned(), p.to_owned()),
            _ => pci_names.insert(n.to_owned(), p.to_owned()),
        };
    }
    let papi = read(papi_published)?
        .lazy()
        .filter(col("dimension").eq(lit("total")))
        .collect()?;
    let mut out = standings_of("PAPI", scores(&papi, "score")?, &papi_names);
    out.extend(standings_of(
        "PCI",
        scores(&read(pci_published)?, "pci")?,
        &pci_names,
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_giang_s_published_pci_and_papi_standings() {
        let s = standings(
            include_str!("../../data/reference/papi_2011_2016_published.csv"),
            include_str!("../../data/reference/pci_2006_2016_published.csv"),
            include_str!("../../data/reference/province_names.csv"),
        )
        .unwrap();
        let pci = |year| {
            s.iter()
                .find(|x| x.index == "PCI" && x.province == "An Giang" && x.year == year)
                .unwrap()
        };
        // data/reference/README.md: An Giang PCI 60.45 (2006), 66.47 (2007), 63.42 (2012), 59.07 (2013).
        // 64 provinces until Hà Tây joined Hà Nội in 2008, 63 after.
        for (year, score, of) in [
            (2006, 60.45, 64),
            (2007, 66.47, 64),
            (2012, 63.42, 63),
            (2013, 59.07, 63),
        ] {
            assert!(
                (pci(year).score - score).abs() < 0.005,
                "{year}: {}",
                pci(year).score
            );
            assert_eq!(pci(year).of, of, "{year}");
        }
        let papi_2016 = s
            .iter()
            .find(|x| x.index == "PAPI" && x.province == "An Giang" && x.year == 2016)
            .unwrap();
        assert!(papi_2016.rank >= 1 && papi_2016.rank <= 63);
        assert!(
            s.iter()
                .any(|x| x.province == "Kiên Giang" && x.index == "PAPI"),
            "matched through the mapping"
        );
    }
}
