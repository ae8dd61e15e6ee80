//! `hailong bench-analysis`: synthetic data of the §1 form at a given size, written as Parquet,
//! then the three stages timed — load (read and check), the deterministic part (everything but
//! the bootstrap) and the bootstrap — with the process's peak memory.

use std::path::Path;
use std::time::Instant;

use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::Result;
use crate::questionnaire::{ItemKind, Questionnaire};
use crate::{analyze, read_inputs, Options};

pub const QUARTERS: [&str; 8] = [
    "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
];
const COMMUNES: usize = 120;
const DEPARTMENTS: usize = 14;
/// Dossiers per response: a response rate of 40 %.
pub const DOSSIERS_PER_RESPONSE: f64 = 2.5;

pub struct Generated {
    pub responses: usize,
    pub answers: usize,
    pub dossiers: usize,
}

fn write_parquet(dir: &Path, name: &str, mut frame: DataFrame) -> Result<()> {
    let file = std::fs::File::create(dir.join(format!("{name}.parquet")))
        .map_err(|e| crate::error::AnalysisError::file(name, e.to_string()))?;
    ParquetWriter::new(file).finish(&mut frame)?;
    Ok(())
}

fn agency_code(i: usize) -> String {
    if i < DEPARTMENTS {
        format!("S{i:02}")
    } else {
        format!("X{:03}", i - DEPARTMENTS)
    }
}

/// Writes agencies, dossiers, responses and answers (Parquet) for `responses` responses.
pub fn generate(
    dir: &Path,
    questionnaire: &Questionnaire,
    responses: usize,
    seed: u64,
) -> Result<Generated> {
    generate_with(dir, questionnaire, responses, DOSSIERS_PER_RESPONSE, seed)
}

/// As [`generate`], then the four tables rewritten as CSV (the Parquet files removed).
pub fn generate_csv(
    dir: &Path,
    questionnaire: &Questionnaire,
    responses: usize,
    dossiers_per_response: f64,
    seed: u64,
) -> Result<Generated> {
    let generated = generate_with(dir, questionnaire, responses, dossiers_per_response, seed)?;
    for name in ["agencies", "dossiers", "responses", "answers"] {
        let parquet = dir.join(format!("{name}.parquet"));
        let mut frame = LazyFrame::scan_parquet(
            PlRefPath::new(parquet.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )?
        .collect()?;
        let file = std::fs::File::create(dir.join(format!("{name}.csv")))
            .map_err(|e| crate::error::AnalysisError::file(name, e.to_string()))?;
        CsvWriter::new(file).finish(&mut frame)?;
        std::fs::remove_file(&parquet)
            .map_err(|e| crate::error::AnalysisError::file(name, e.to_string()))?;
    }
    Ok(generated)
}

fn generate_with(
    dir: &Path,
    questionnaire: &Questionnaire,
    responses: usize,
    dossiers_per_response: f64,
    seed: u64,
) -> Result<Generated> {
    let mut rng = StdRng::seed_from_u64(seed);
    let agencies = DEPARTMENTS + COMMUNES;
    let mut codes = vec!["P".to_owned()];
    let mut levels = vec!["province"];
    let mut parents: Vec<Option<&str>> = vec![None];
    for i in 0..agencies {
        codes.push(agency_code(i));
        levels.push(if i < DEPARTMENTS {
            "department"
        } else {
            "commune"
        });
        parents.push(Some("P"));
    }
    let names = codes.clone();
    write_parquet(
        dir,
        "agencies",
        DataFrame::new_infer_height(vec![
            Column::new("agency_code".into(), codes.clone()),
            Column::new("name".into(), names),
            Column::new("level".into(), levels),
            Column::new("parent_code".into(), parents),
        ])?,
    )?;

    // Each agency has its own mood, so that scores, ranks and tiers differ.
    let mood: Vec<f64> = (0..agencies).map(|_| rng.random_range(3.0..4.6)).collect();
    let channels = ["online", "counter", "postal"];
    let kinds = ["citizen", "business"];
    let mut r_agency = Vec::with_capacity(responses);
    let mut r_channel = Vec::with_capacity(responses);
    let mut r_kind = Vec::with_capacity(responses);
    let mut r_quarter = Vec::with_capacity(responses);
    let (mut a_response, mut a_item, mut a_value) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..responses {
        let agency = rng.random_range(0..agencies);
        r_agency.push(agency);
        r_channel.push(channels[rng.random_range(0..3)]);
        r_kind.push(kinds[usize::from(rng.random_bool(0.25))]);
        r_quarter.push(QUARTERS[rng.random_range(0..QUARTERS.len())]);
        for (i, item) in questionnaire.items.iter().enumerate() {
            if rng.random_bool(0.19) {
                continue;
            }
            let value = match item.kind {
                ItemKind::Likert5 => (mood[agency] + rng.random_range(-1.6..1.6))
                    .round()
                    .clamp(1.0, 5.0) as i32,
                ItemKind::YesNo => i32::from(rng.random_bool(0.7)),
            };
            a_response.push(r as u32);
            a_item.push(i as u32);
            a_value.push(value);
        }
    }
    let answers = a_response.len();
    write_parquet(
        dir,
        "responses",
        DataFrame::new_infer_height(vec![
            StringChunked::from_iter_values(
                "response_id".into(),
                (0..responses).map(|r| format!("R{r}")),
            )
            .into_column(),
            StringChunked::from_iter_values(
                "agency_code".into(),
                r_agency.iter().map(|a| agency_code(*a)),
            )
            .into_column(),
            Column::new("procedure_code".into(), vec!["1.001193"; responses]),
            Column::new("applicant_kind".into(), r_kind),
            Column::new("channel".into(), r_channel.clone()),
            Column::new("quarter".into(), r_quarter.clone()),
            Column::new(
                "questionnaire_version".into(),
                vec![questionnaire.version.as_str(); responses],
            ),
        ])?,
    )?;
    let items: Vec<&str> = questionnaire
        .items
        .iter()
        .map(|i| i.code.as_str())
        .collect();
    write_parquet(
        dir,
        "answers",
        DataFrame::new_infer_height(vec![
            StringChunked::from_iter_values(
                "response_id".into(),
                a_response.iter().map(|r| format!("R{r}")),
            )
            .into_column(),
            StringChunked::from_iter_values(
                "item_code".into(),
                a_item.iter().map(|i| items[*i as usize]),
            )
            .into_column(),
            Column::new("value".into(), a_value),
        ])?,
    )?;
    drop((a_response, a_item));

    // Dossiers: the responses' agencies, cells and quarters, with more of them than responses.
    let dossiers = (responses as f64 * dossiers_per_response) as usize;
    let mut d_agency = Vec::with_capacity(dossiers);
    let (mut d_channel, mut d_kind) = (Vec::with_capacity(dossiers), Vec::with_capacity(dossiers));
    let (mut received, mut due, mut completed, mut invited) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in 0..dossiers {
        let r = if d < responses {
            d
        } else {
            rng.random_range(0..responses)
        };
        d_agency.push(r_agency[r]);
        d_channel.push(r_channel[r]);
        d_kind.push(if rng.random_bool(0.25) {
            "business"
        } else {
            "citizen"
        });
        let quarter = r_quarter[r];
        let year: i32 = quarter[..4].parse().unwrap_or(2026);
        let month = (u32::from(quarter.as_bytes()[6] - b'0') - 1) * 3 + 1 + rng.random_range(0..3);
        let day = rng.random_range(2..28);
        let late = rng.random_bool(0.1);
        received.push(format!("{year}-{month:02}-{:02}T08:00:00+07:00", day - 1));
        due.push(format!("{year}-{month:02}-{day:02}T17:00:00+07:00"));
        completed.push(format!(
            "{year}-{month:02}-{day:02}T{}:00:00+07:00",
            if late { 18 } else { 10 }
        ));
        invited.push(if d < responses || rng.random_bool(0.6) {
            "true"
        } else {
            "false"
        });
    }
    write_parquet(
        dir,
        "dossiers",
        DataFrame::new_infer_height(vec![
            StringChunked::from_iter_values(
                "dossier_id".into(),
                (0..dossiers).map(|d| format!("D{d}")),
            )
            .into_column(),
            StringChunked::from_iter_values(
                "agency_code".into(),
                d_agency.iter().map(|a| agency_code(*a)),
            )
            .into_column(),
            Column::new("procedure_code".into(), vec!["1.001193"; dossiers]),
            Column::new("applicant_kind".into(), d_kind),
            Column::new("channel".into(), d_channel),
            Column::new("received_at".into(), received),
            Column::new("due_at".into(), due),
            Column::new("completed_at".into(), completed),
            Column::new("invited".into(), invited),
        ])?,
    )?;
    Ok(Generated {
        responses,
        answers,
        dossiers,
    })
}

/// Peak resident memory of this process so far, in MiB (Linux), and a way to restart it.
pub fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn reset_peak() {
    // "5" resets the peak resident set size (Linux 4.0+); without it the figure includes the
    // generation of the data.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// What one measurement found. Serialised as JSON by the measuring process.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub load_s: f64,
    pub deterministic_s: f64,
    pub bootstrap_s: f64,
    pub replicates: u32,
    pub score_rows: usize,
    /// Peak while loading, after the deterministic part, and over the whole run.
    pub load_peak_mib: Option<f64>,
    pub deterministic_peak_mib: Option<f64>,
    pub peak_mib: Option<f64>,
}

/// Times the three stages on the files of `dir`. Run it in a fresh process (as `hailong
/// bench-analysis` does) so that the peak memory is the analysis's own, not the generator's.
pub fn measure(dir: &Path, questionnaire: &Questionnaire, replicates: u32) -> Result<Figures> {
    reset_peak();
    let started = Instant::now();
    let inputs = read_inputs(dir, questionnaire.clone())?;
    let load_s = started.elapsed().as_secs_f64();
    let load_peak_mib = peak_mib();
    let started = Instant::now();
    let deterministic = analyze(
        &inputs,
        &Options {
            bootstrap: 0,
            ..Options::default()
        },
    )?;
    let deterministic_s = started.elapsed().as_secs_f64();
    let deterministic_peak_mib = peak_mib();
    let started = Instant::now();
    let with_bootstrap = analyze(
        &inputs,
        &Options {
            bootstrap: replicates,
            ..Options::default()
        },
    )?;
    let bootstrap_s = (started.elapsed().as_secs_f64() - deterministic_s).max(0.0);
    debug_assert_eq!(deterministic.scores.len(), with_bootstrap.scores.len());
    Ok(Figures {
        load_s,
        deterministic_s,
        bootstrap_s,
        replicates,
        score_rows: with_bootstrap.scores.len(),
        load_peak_mib,
        deterministic_peak_mib,
        peak_mib: peak_mib(),
    })
}
