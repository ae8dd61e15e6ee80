//! The Decision 766 "satisfaction" group per agency (docs/METHODOLOGY.md, "Addition: the
//! Decision 766 satisfaction group"), from counts only:
//! - (a) follow-up requests answered on time / requests due, by the month they fell due;
//! - (b) requests whose handling the citizen rated satisfied (4-5) / requests rated, by the
//!   month of the rating;
//! - (c) (dossiers completed − responses dissatisfied overall − follow-up requests filed) /
//!   dossiers completed, by quarter: responses carry their quarter and nothing finer
//!   (docs/PRIVACY.md), so (c) cannot be monthly.
//!
//! (b) and (c) rest on citizens' opinions: like every aggregate of responses they are shown
//! only from `MIN_CELL` ratings / responses.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use hailong_analysis::questionnaire::{ItemKind, Questionnaire};
use hailong_analysis::scores::Measure;

use super::dashboards::MIN_CELL;
use crate::db::{followups, group766, DbConnection, QueryResult};
use crate::domain::period::{Quarter, VIETNAM};

/// A share with its numerator and denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Share {
    pub part: i64,
    pub of: i64,
}

impl Share {
    /// In percent; `None` without a denominator.
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| 100.0 * self.part as f64 / self.of as f64)
    }
}

/// One agency's group in one quarter, with (a) and (b) for each of its months too.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group766 {
    pub on_time: Share,
    /// `None` under `MIN_CELL` ratings.
    pub satisfied: Option<Share>,
    /// (c); `None` under `MIN_CELL` responses or without completed dossiers.
    pub not_dissatisfied: Option<Share>,
    pub dossiers_completed: i64,
    pub dissatisfied: Option<i64>,
    pub requests_filed: i64,
    /// "2026-10" → (a), (b) of that month.
    pub months: BTreeMap<String, (Share, Option<Share>)>,
}

fn month_of(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

fn vn_date(at: chrono::NaiveDateTime) -> NaiveDate {
    at.and_utc().with_timezone(&VIETNAM).date_naive()
}

fn shown(share: Share) -> Option<Share> {
    (share.of >= i64::from(MIN_CELL)).then_some(share)
}

/// Whether a response is dissatisfied overall: its overall item (an item of the `overall`
/// dimension) at 2 or below; without one, a mean 1-5 answer below 3.
fn dissatisfied(overall: Option<i32>, likert: &[i32]) -> bool {
    match overall {
        Some(v) => v <= 2,
        None if likert.is_empty() => false,
        None => f64::from(likert.iter().sum::<i32>()) / (likert.len() as f64) < 3.0,
    }
}

/// Each agency's released responses of a quarter and how many are dissatisfied overall
/// (keyed by agency), from (agency, response) and (response, item, value) rows.
pub fn dissatisfied_counts<'a>(
    questionnaires: &[(String, String)],
    responses: impl IntoIterator<Item = (&'a str, &'a str)>,
    answers: impl IntoIterator<Item = (&'a str, &'a str, i32)>,
) -> BTreeMap<String, (u64, u64)> {
    let overall_items = item_codes(questionnaires, |d, _| d == "overall");
    let likert_items = item_codes(questionnaires, |_, kind| kind == ItemKind::Likert5);
    let agency_of: HashMap<&str, &str> = responses.into_iter().map(|(a, r)| (r, a)).collect();
    let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for agency in agency_of.values() {
        counts.entry((*agency).to_owned()).or_default().0 += 1;
    }
    let mut per_response: HashMap<&str, (Option<i32>, Vec<i32>)> = HashMap::new();
    for (response, item, value) in answers {
        if !agency_of.contains_key(response) {
            continue;
        }
        let entry = per_response.entry(response).or_default();
        if overall_items.contains(item) {
            entry.0 = Some(value);
        } else if likert_items.contains(item) {
            entry.1.push(value);
        }
    }
    for (response, (overall, likert)) in per_response {
        if dissatisfied(overall, &likert) {
            if let Some(agency) = agency_of.get(response) {
                counts.entry((*agency).to_owned()).or_default().1 += 1;
            }
        }
    }
    counts
}

/// What the dashboards counted for a quarter, by agency code: dossiers completed (§7's
/// `completed`), released responses and the dissatisfied ones.
#[derive(Debug, Clone, Default)]
pub struct Counted {
    pub completed: HashMap<String, i64>,
    pub responses: BTreeMap<String, (u64, u64)>,
}

impl Counted {
    pub fn of_report(report: &super::dashboards::PeriodReport) -> Self {
        Self {
            completed: report
                .scores
                .iter()
                .filter(|s| s.measure == Measure::Completed.as_str() && s.key.is_empty())
                .filter_map(|s| Some((s.agency.clone(), s.value? as i64)))
                .collect(),
            responses: report.responses_dissatisfied.clone(),
        }
    }
}

/// The group of each agency (id, code) in `quarter`; `questionnaires` are every version's
/// JSON; `counted` what the dashboards counted for the quarter (read from the database when
/// absent: a page then reads a quarter's answers).
pub fn of_quarter(
    conn: &mut DbConnection,
    questionnaires: &[(String, String)],
    agencies: &[(i32, String)],
    quarter: Quarter,
    counted: Option<&Counted>,
) -> QueryResult<HashMap<i32, Group766>> {
    let (from, until) = (
        quarter.start().naive_utc(),
        quarter.next().start().naive_utc(),
    );
    let (first_day, last_day) = (
        vn_date(from),
        vn_date(until).pred_opt().unwrap_or(vn_date(until)),
    );
    let today = crate::domain::period::today();
    let agency_ids: Vec<i32> = agencies.iter().map(|(id, _)| *id).collect();
    let mut groups: HashMap<i32, Group766> = agency_ids
        .iter()
        .map(|id| (*id, Group766::default()))
        .collect();

    for (agency, due_on, answered_at, released_at) in followups::count_rows(conn, &agency_ids)? {
        let Some(group) = groups.get_mut(&agency) else {
            continue;
        };
        if released_at.is_some_and(|at| at >= from && at < until) {
            group.requests_filed += 1;
        }
        // (a): a request counts in the month it fell due, once due (or answered before).
        if let Some(due) = due_on.filter(|d| *d >= first_day && *d <= last_day) {
            let answered_on = answered_at.map(vn_date);
            if due < today || answered_on.is_some() {
                let on_time = answered_on.is_some_and(|a| a <= due);
                let month = group.months.entry(month_of(due)).or_default();
                for share in [&mut group.on_time, &mut month.0] {
                    share.of += 1;
                    share.part += i64::from(on_time);
                }
            }
        }
    }
    // (b): by the month of the rating.
    for (agency, rating, rated_at) in followups::ratings(conn, from, until)? {
        let Some(group) = groups.get_mut(&agency) else {
            continue;
        };
        let satisfied = crate::services::followups::is_satisfied(rating);
        let month = group.months.entry(month_of(vn_date(rated_at))).or_default();
        for share in [
            month.1.get_or_insert_with(Share::default),
            group.satisfied.get_or_insert_with(Share::default),
        ] {
            share.of += 1;
            share.part += i64::from(satisfied);
        }
    }

    // (c): the dashboards count responses and dissatisfied ones with the scores; without their
    // counts (a report not computed yet), from the database.
    let counts = match counted {
        Some(counted) => counted.responses.clone(),
        None => {
            let code_of: HashMap<i32, &str> = agencies
                .iter()
                .map(|(id, code)| (*id, code.as_str()))
                .collect();
            let rows = group766::answers_of_quarter(conn, &agency_ids, &quarter.to_string())?;
            dissatisfied_counts(
                questionnaires,
                rows.iter().filter_map(|(agency, response, _, _)| {
                    Some((*code_of.get(agency)?, response.as_str()))
                }),
                rows.iter()
                    .map(|(_, response, item, value)| (response.as_str(), item.as_str(), *value)),
            )
        }
    };
    let completed: HashMap<i32, i64> = match counted {
        Some(counted) => agencies
            .iter()
            .filter_map(|(id, code)| Some((*id, *counted.completed.get(code)?)))
            .collect(),
        None => group766::completed_by_agency(conn, &agency_ids, from, until)?
            .into_iter()
            .collect(),
    };
    for (agency, completed) in completed {
        if let Some(group) = groups.get_mut(&agency) {
            group.dossiers_completed = completed;
        }
    }
    for (id, code) in agencies {
        let Some(group) = groups.get_mut(id) else {
            continue;
        };
        group.satisfied = group.satisfied.and_then(shown);
        for month in group.months.values_mut() {
            month.1 = month.1.and_then(shown);
        }
        let (responses, bad) = counts.get(code).copied().unwrap_or_default();
        if responses >= u64::from(MIN_CELL) && group.dossiers_completed > 0 {
            let bad = i64::try_from(bad).unwrap_or(i64::MAX);
            group.dissatisfied = Some(bad);
            group.not_dissatisfied = Some(Share {
                part: (group.dossiers_completed - bad - group.requests_filed).max(0),
                of: group.dossiers_completed,
            });
        }
    }
    Ok(groups)
}

/// The codes of the items (of any version) whose dimension and kind pass `keep`.
fn item_codes(
    questionnaires: &[(String, String)],
    keep: impl Fn(&str, ItemKind) -> bool,
) -> HashSet<String> {
    questionnaires
        .iter()
        .filter_map(|(_, json)| Questionnaire::from_json(json).ok())
        .flat_map(|q| q.items)
        .filter(|i| keep(&i.dimension, i.kind))
        .map(|i| i.code)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dissatisfied_reads_the_overall_item_first_then_the_mean() {
        assert!(dissatisfied(Some(2), &[5, 5, 5]));
        assert!(!dissatisfied(Some(3), &[1, 1]));
        assert!(dissatisfied(None, &[2, 3, 3]));
        assert!(!dissatisfied(None, &[3, 3]));
        assert!(
            !dissatisfied(None, &[]),
            "nothing rated is not dissatisfied"
        );
    }

    #[test]
    fn responses_are_counted_dissatisfied_by_their_overall_item_or_their_mean() {
        let questionnaire = r#"{"version": "t", "dimensions": [
            {"code": "staff", "name_vi": "Cán bộ", "name_en": "Staff", "weight": 0.5},
            {"code": "overall", "name_vi": "Chung", "name_en": "Overall", "weight": 0.5}],
          "items": [
            {"code": "S1", "dimension": "staff", "kind": "likert5", "text_vi": "a", "text_en": "a"},
            {"code": "S2", "dimension": "staff", "kind": "yes_no", "direction": "positive", "text_vi": "b", "text_en": "b"},
            {"code": "O1", "dimension": "overall", "kind": "likert5", "text_vi": "c", "text_en": "c"}]}"#;
        let versions = vec![("t".to_owned(), questionnaire.to_owned())];
        let responses = [("A", "r1"), ("A", "r2"), ("A", "r3"), ("B", "r4")];
        let answers = [
            // Overall 2: dissatisfied, whatever the rest says.
            ("r1", "S1", 5),
            ("r1", "O1", 2),
            // No overall answer, mean 2 (a yes/no answer is no 1-5 answer).
            ("r2", "S1", 2),
            ("r2", "S2", 1),
            // Overall 4 with a low item: not dissatisfied.
            ("r3", "S1", 1),
            ("r3", "O1", 4),
            // Another agency; an answer of a response outside the set is ignored.
            ("r4", "S1", 3),
            ("r9", "S1", 1),
        ];
        let counts = dissatisfied_counts(&versions, responses, answers);
        assert_eq!(counts["A"], (3, 2));
        assert_eq!(counts["B"], (1, 0));
        assert_eq!(counts.len(), 2);
    }

    #[test]
    fn shares_read_as_percentages() {
        assert_eq!(Share { part: 3, of: 4 }.percent(), Some(75.0));
        assert_eq!(Share::default().percent(), None);
    }
}
