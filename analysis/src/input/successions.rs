//! `successions.csv` (§1, §13; optional): which unit's work passed to which, and from when.

use std::collections::HashMap;
use std::path::Path;

use super::agencies::Agencies;
use super::table::{read_table, text};
use crate::error::{AnalysisError, Result};
use chrono::NaiveDate;

/// One row of `successions.csv`: the predecessor's work passed to the successor from
/// `effective_on` (Vietnam date) on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Succession {
    pub predecessor: u32,
    pub successor: u32,
    pub effective_on: NaiveDate,
}

/// Checks `successions.csv`'s rows, given as (line, predecessor code, successor code,
/// effective_on): known codes, a predecessor other than its successor, a `YYYY-MM-DD` date,
/// and no cycle.
pub fn parse_successions<'a>(
    file: &str,
    rows: impl IntoIterator<Item = (usize, &'a str, &'a str, &'a str)>,
    agencies: &Agencies,
) -> Result<Vec<Succession>> {
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for (line, predecessor, successor, effective_on) in rows {
        let code = |field: &str, code: &str| {
            agencies.index.get(code).copied().ok_or_else(|| {
                AnalysisError::input(file, line, field, format!("unknown agency {code:?}"))
            })
        };
        let predecessor = code("predecessor_code", predecessor)?;
        let successor = code("successor_code", successor)?;
        if predecessor == successor {
            return Err(AnalysisError::input(
                file,
                line,
                "successor_code",
                "is the predecessor itself",
            ));
        }
        let effective_on = NaiveDate::parse_from_str(effective_on, "%Y-%m-%d")
            .ok()
            .filter(|_| effective_on.len() == 10)
            .ok_or_else(|| {
                AnalysisError::input(
                    file,
                    line,
                    "effective_on",
                    format!("{effective_on:?} is not a date such as 2025-07-01"),
                )
            })?;
        out.push(Succession {
            predecessor,
            successor,
            effective_on,
        });
        lines.push(line);
    }
    if let Some(at) = first_in_a_cycle(&out) {
        return Err(AnalysisError::input(
            file,
            lines[at],
            "successor_code",
            "closes a cycle of successions",
        ));
    }
    Ok(out)
}

/// The first succession (by row) whose successor leads back to its predecessor.
fn first_in_a_cycle(successions: &[Succession]) -> Option<usize> {
    let mut next: HashMap<u32, Vec<u32>> = HashMap::new();
    for s in successions {
        next.entry(s.predecessor).or_default().push(s.successor);
    }
    successions.iter().position(|s| {
        let mut seen = vec![s.successor];
        let mut stack = vec![s.successor];
        while let Some(at) = stack.pop() {
            if at == s.predecessor {
                return true;
            }
            for n in next.get(&at).into_iter().flatten() {
                if !seen.contains(n) {
                    seen.push(*n);
                    stack.push(*n);
                }
            }
        }
        false
    })
}

/// `DIR/successions.csv` (§1, optional): none without the file.
pub fn read_successions(dir: &Path, agencies: &Agencies) -> Result<Vec<Succession>> {
    if !dir.join("successions.csv").exists() {
        return Ok(Vec::new());
    }
    let table = read_table(dir, "successions")?;
    let columns = [
        table.column("predecessor_code")?,
        table.column("successor_code")?,
        table.column("effective_on")?,
    ];
    parse_successions(
        &table.name,
        (0..table.height()).map(|row| {
            (
                table.line(row),
                text(columns[0], row),
                text(columns[1], row),
                text(columns[2], row),
            )
        }),
        agencies,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_is_no_cycle_and_a_way_back_is() {
        let s = |p, s, d: &str| Succession {
            predecessor: p,
            successor: s,
            effective_on: NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or(NaiveDate::MIN),
        };
        let chain = [
            s(1, 2, "2024-05-15"),
            s(2, 4, "2025-07-01"),
            s(3, 4, "2025-07-01"),
        ];
        assert_eq!(first_in_a_cycle(&chain), None);
        assert_eq!(
            first_in_a_cycle(&[s(1, 2, "2024-01-01"), s(2, 1, "2025-01-01")]),
            Some(0)
        );
    }
}
