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

/// The group of each of `agency_ids` in `quarter`; `questionnaires` are every version's JSON.
pub fn of_quarter(
    conn: &mut DbConnection,
    questionnaires: &[(String, String)],
    agency_ids: &[i32],
    quarter: Quarter,
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
    let wanted: HashSet<i32> = agency_ids.iter().copied().collect();
    let mut groups: HashMap<i32, Group766> = agency_ids
        .iter()
        .map(|id| (*id, Group766::default()))
        .collect();

    for (agency, due_on, answered_at, released_at) in followups::count_rows(conn, agency_ids)? {
        let Some(group) = groups.get_mut(&agency).filter(|_| wanted.contains(&agency)) else {
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
        let share = month.1.get_or_insert_with(Share::default);
        share.of += 1;
        share.part += i64::from(satisfied);
        let total = group.satisfied.get_or_insert_with(Share::default);
        total.of += 1;
        total.part += i64::from(satisfied);
    }

    // (c)
    let overall_items: HashSet<String> = item_codes(questionnaires, |d, _| d == "overall");
    let likert_items: HashSet<String> =
        item_codes(questionnaires, |_, kind| kind == ItemKind::Likert5);
    let items: Vec<String> = likert_items.iter().cloned().collect();
    let mut per_response: HashMap<String, (i32, Option<i32>, Vec<i32>)> = HashMap::new();
    for (agency, response, item, value) in
        group766::answers_of_quarter(conn, agency_ids, &quarter.to_string(), &items)?
    {
        let entry = per_response
            .entry(response)
            .or_insert_with(|| (agency, None, Vec::new()));
        if overall_items.contains(&item) {
            entry.1 = Some(value);
        } else {
            entry.2.push(value);
        }
    }
    let mut dissatisfied_by: HashMap<i32, i64> = HashMap::new();
    for (agency, overall, likert) in per_response.values() {
        if dissatisfied(*overall, likert) {
            *dissatisfied_by.entry(*agency).or_default() += 1;
        }
    }
    let responses: HashMap<i32, i64> =
        group766::responses_by_agency(conn, agency_ids, &quarter.to_string())?
            .into_iter()
            .collect();
    for (agency, completed) in group766::completed_by_agency(conn, agency_ids, from, until)? {
        if let Some(group) = groups.get_mut(&agency) {
            group.dossiers_completed = completed;
        }
    }
    for (agency, group) in &mut groups {
        group.satisfied = group.satisfied.and_then(shown);
        for month in group.months.values_mut() {
            month.1 = month.1.and_then(shown);
        }
        let enough = responses
            .get(agency)
            .is_some_and(|n| *n >= i64::from(MIN_CELL));
        if enough && group.dossiers_completed > 0 {
            let bad = dissatisfied_by.get(agency).copied().unwrap_or(0);
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
    fn shares_read_as_percentages() {
        assert_eq!(Share { part: 3, of: 4 }.percent(), Some(75.0));
        assert_eq!(Share::default().percent(), None);
    }
}
