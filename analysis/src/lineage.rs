//! §13, lineage across mergers and splits: a successor's history is what the method would have
//! given had it existed before, serving the people its predecessors served. For each successor,
//! the run of §2-§9 is repeated on the input in which its ancestors' dossiers and responses of
//! periods that ended before their cut-over carry its code; its rows of the periods before its
//! own first succession (and containing no ancestor's cut-over) are its lineage rows.
//!
//! Only the successor's group is read from such a run, and a group's numbers depend on its own
//! rows alone (§2-§9; the bootstrap's generator is seeded by the group), so the run is made on
//! the successor's and its ancestors' rows only, with the agency table unchanged: the same
//! numbers as on the whole input, at a fraction of the cost.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::error::Result;
use crate::input::{Answers, Dossiers, Inputs, Responses, Succession};
use crate::options::Options;
use crate::period::{PeriodKind, Quarter};
use crate::scores::{Measure, ScoreRow};

/// The measures a lineage row may carry: §4, §5 and §7; never a comparison (§6).
pub const LINEAGE_MEASURES: [Measure; 11] = [
    Measure::SatItem,
    Measure::PapiItem,
    Measure::SatDim,
    Measure::PapiDim,
    Measure::SatIndex,
    Measure::PapiTotal,
    Measure::Completed,
    Measure::OnTimeRate,
    Measure::Invitations,
    Measure::ResponseRate,
    Measure::MeanProcessingDays,
];

/// The first and last day (Vietnam dates) of the period of `kind` that holds quarter `q`.
fn period_days(kind: PeriodKind, q: Quarter) -> (NaiveDate, NaiveDate) {
    let first_month = u32::from(q.quarter - 1) * 3 + 1;
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    match kind {
        PeriodKind::Year => (day(q.year, 1, 1), day(q.year, 12, 31)),
        PeriodKind::Quarter => {
            let first = day(q.year, first_month, 1);
            let next = first
                .checked_add_months(chrono::Months::new(3))
                .unwrap_or(first);
            (first, next.pred_opt().unwrap_or(next))
        }
    }
}

/// Every ancestor of `successor` with its cut-over (the date its work passed to the next unit
/// on the way to the successor); an ancestor reached twice keeps its later cut-over.
fn ancestors(successor: u32, successions: &[Succession]) -> BTreeMap<u32, NaiveDate> {
    let mut out: BTreeMap<u32, NaiveDate> = BTreeMap::new();
    let mut stack = vec![successor];
    while let Some(unit) = stack.pop() {
        for s in successions.iter().filter(|s| s.successor == unit) {
            let known = out.get(&s.predecessor).copied();
            if known.is_none_or(|k| k < s.effective_on) {
                out.insert(s.predecessor, s.effective_on);
                stack.push(s.predecessor);
            }
        }
    }
    out
}

/// The input's rows by agency, and each response's answers: built once, so that a successor's
/// sub-run visits its own and its ancestors' rows only, not the whole input each time.
struct RowIndex {
    dossiers: HashMap<u32, Vec<usize>>,
    responses: HashMap<u32, Vec<usize>>,
    /// The answers of response `r` are `answers[answer_start[r]..answer_start[r + 1]]`.
    answer_start: Vec<usize>,
    answers: Vec<usize>,
}

impl RowIndex {
    fn of(inputs: &Inputs) -> Self {
        let by_agency = |agencies: &[u32]| {
            let mut rows: HashMap<u32, Vec<usize>> = HashMap::new();
            for (i, agency) in agencies.iter().enumerate() {
                rows.entry(*agency).or_default().push(i);
            }
            rows
        };
        let responses = inputs.responses.agency.len();
        let mut answer_start = vec![0usize; responses + 1];
        for r in &inputs.answers.response {
            answer_start[*r as usize + 1] += 1;
        }
        for r in 0..responses {
            answer_start[r + 1] += answer_start[r];
        }
        let mut next = answer_start.clone();
        let mut answers = vec![0usize; inputs.answers.response.len()];
        for (i, r) in inputs.answers.response.iter().enumerate() {
            answers[next[*r as usize]] = i;
            next[*r as usize] += 1;
        }
        Self {
            dossiers: by_agency(&inputs.dossiers.agency),
            responses: by_agency(&inputs.responses.agency),
            answer_start,
            answers,
        }
    }

    /// The rows of `agencies` in `rows`, in the input's order (the sub-run then draws its
    /// bootstrap replicates as a whole-input run would).
    fn rows_of(rows: &HashMap<u32, Vec<usize>>, agencies: &[u32]) -> Vec<usize> {
        let mut out: Vec<usize> = agencies
            .iter()
            .filter_map(|a| rows.get(a))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out
    }
}

/// The rows of the successor and its ancestors, the ancestors' rows of periods that ended
/// before their cut-over carrying the successor's index.
fn lineage_input(
    inputs: &Inputs,
    index: &RowIndex,
    successor: u32,
    ancestors: &BTreeMap<u32, NaiveDate>,
    kind: PeriodKind,
) -> Inputs {
    let owner = |agency: u32, q: Quarter| -> Option<u32> {
        if agency == successor {
            return Some(successor);
        }
        let cut_over = ancestors.get(&agency)?;
        (period_days(kind, q).1 < *cut_over).then_some(successor)
    };
    let involved: Vec<u32> = std::iter::once(successor)
        .chain(ancestors.keys().copied())
        .collect();
    let d = &inputs.dossiers;
    let mut dossiers = Dossiers::default();
    for i in RowIndex::rows_of(&index.dossiers, &involved) {
        if let Some(agency) = owner(d.agency[i], d.quarter[i]) {
            dossiers.agency.push(agency);
            dossiers.quarter.push(d.quarter[i]);
            dossiers.cell.push(d.cell[i]);
            dossiers.on_time.push(d.on_time[i]);
            dossiers.invited.push(d.invited[i]);
            dossiers.processing_days.push(d.processing_days[i]);
        }
    }
    let (r, a) = (&inputs.responses, &inputs.answers);
    let mut responses = Responses {
        versions: r.versions.clone(),
        ..Responses::default()
    };
    let mut answers = Answers::default();
    // A response's id is its position: the kept ones are renumbered.
    for i in RowIndex::rows_of(&index.responses, &involved) {
        let Some(agency) = owner(r.agency[i], r.quarter[i]) else {
            continue;
        };
        let id = responses.agency.len() as u32;
        responses.agency.push(agency);
        responses.quarter.push(r.quarter[i]);
        responses.cell.push(r.cell[i]);
        responses.version.push(r.version[i]);
        for &j in &index.answers[index.answer_start[i]..index.answer_start[i + 1]] {
            answers.response.push(id);
            answers.item.push(a.item[j]);
            answers.value.push(a.value[j]);
        }
    }
    Inputs {
        agencies: inputs.agencies.clone(),
        dossiers,
        responses,
        answers,
        questionnaire: inputs.questionnaire.clone(),
        successions: Vec::new(),
    }
}

/// The lineage rows of every successor (§13), sorted as `scores.csv`; `run` is the whole
/// method (§2-§9) on an input, its score rows.
pub fn lineage(
    inputs: &Inputs,
    options: &Options,
    run: impl Fn(&Inputs) -> Result<Vec<ScoreRow>>,
) -> Result<Vec<ScoreRow>> {
    let successions = &inputs.successions;
    let mut successors: Vec<u32> = successions.iter().map(|s| s.successor).collect();
    successors.sort_unstable();
    successors.dedup();
    // The earliest quarter with data: a successor whose own start is not after that
    // period's end has no lineage period to compute (the common case for a report of a
    // period after the reform).
    let earliest = inputs
        .dossiers
        .quarter
        .iter()
        .chain(&inputs.responses.quarter)
        .min()
        .copied();
    let mut rows = Vec::new();
    let mut index: Option<RowIndex> = None;
    for successor in successors {
        let Some(own_start) = successions
            .iter()
            .filter(|s| s.successor == successor)
            .map(|s| s.effective_on)
            .min()
        else {
            continue;
        };
        if earliest.is_none_or(|q| period_days(options.period, q).1 >= own_start) {
            continue;
        }
        let ancestors = ancestors(successor, successions);
        let index = index.get_or_insert_with(|| RowIndex::of(inputs));
        let subset = lineage_input(inputs, index, successor, &ancestors, options.period);
        if subset.dossiers.agency.is_empty() && subset.responses.agency.is_empty() {
            continue;
        }
        let scores = run(&subset)?;
        let in_lineage = |row: &ScoreRow| {
            let q = if row.period.kind_is_year {
                Quarter {
                    year: row.period.key,
                    quarter: 1,
                }
            } else {
                Quarter::from_key(row.period.key)
            };
            let (first, last) = period_days(options.period, q);
            last < own_start
                && !ancestors
                    .values()
                    .any(|cut_over| first < *cut_over && *cut_over <= last)
        };
        rows.extend(scores.into_iter().filter(|row| {
            row.agency == successor && LINEAGE_MEASURES.contains(&row.measure) && in_lineage(row)
        }));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_s_days_are_those_of_its_quarter_or_year() {
        let q = Quarter {
            year: 2025,
            quarter: 3,
        };
        assert_eq!(
            period_days(PeriodKind::Quarter, q),
            (date("2025-07-01"), date("2025-09-30"))
        );
        assert_eq!(
            period_days(PeriodKind::Year, q),
            (date("2025-01-01"), date("2025-12-31"))
        );
    }

    #[test]
    fn ancestors_of_a_chain_keep_the_cut_over_on_their_way() {
        let s = |p, s, d: &str| Succession {
            predecessor: p,
            successor: s,
            effective_on: date(d),
        };
        // 1 → 2 in 2024-05-15, 2 and 3 → 4 in 2025-07-01.
        let successions = [
            s(1, 2, "2024-05-15"),
            s(2, 4, "2025-07-01"),
            s(3, 4, "2025-07-01"),
        ];
        let found = ancestors(4, &successions);
        assert_eq!(found.len(), 3);
        assert_eq!(found[&1], date("2024-05-15"));
        assert_eq!(found[&2], date("2025-07-01"));
        assert_eq!(found[&3], date("2025-07-01"));
    }
}
