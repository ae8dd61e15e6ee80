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

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use hailong_analysis::scores::Measure;

use super::dashboards::{Indexed, MIN_CELL};
use crate::db::{followups, group766, DbConnection, QueryResult};
use crate::domain::period::{Quarter, VIETNAM};

/// A share with its numerator and denominator (as the dashboards show it).
pub use crate::domain::dashboard::Share766 as Share;

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

/// What the dashboards counted for a quarter, by agency code: dossiers completed (§7's
/// `completed`), released responses and the dissatisfied ones.
#[derive(Debug, Clone, Default)]
pub struct Counted {
    pub completed: HashMap<String, i64>,
    pub responses: BTreeMap<String, (u64, u64)>,
}

impl Counted {
    /// What the stored report of `period` counted for these agencies (id, code); `None`
    /// before it is computed.
    pub fn of_period(index: &Indexed, period: &str, agencies: &[(i32, String)]) -> Option<Self> {
        let counted = &index.period(period)?.report.responses_dissatisfied;
        Some(Self {
            completed: agencies
                .iter()
                .filter_map(|(_, code)| {
                    let n = index.value(period, code, Measure::Completed, "")?;
                    Some((code.clone(), n as i64))
                })
                .collect(),
            responses: agencies
                .iter()
                .filter_map(|(_, code)| Some((code.clone(), *counted.get(code)?)))
                .collect(),
        })
    }
}

/// The group of each agency (id, code) in `quarter`; `counted` what the dashboards counted for
/// the quarter (read from the database when absent: a quarter's answers are then read).
pub fn of_quarter(
    conn: &mut DbConnection,
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

    for (agency, due_on, answered_at, released_at) in
        followups::count_rows(conn, &agency_ids, (from, until), (first_day, last_day))?
    {
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
    let counts: Cow<'_, BTreeMap<String, (u64, u64)>> = match counted {
        Some(counted) => Cow::Borrowed(&counted.responses),
        None => {
            let code_of: HashMap<i32, &str> = agencies
                .iter()
                .map(|(id, code)| (*id, code.as_str()))
                .collect();
            let versions = super::export::questionnaire_versions(conn)?;
            let rows = group766::answers_of_quarter(conn, &agency_ids, &quarter.to_string())?;
            Cow::Owned(super::dissatisfied::dissatisfied_counts(
                &versions,
                rows.iter().filter_map(|(agency, response, _, _)| {
                    Some((*code_of.get(agency)?, response.as_str()))
                }),
                rows.iter()
                    .map(|(_, response, item, value)| (response.as_str(), item.as_str(), *value)),
            ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_percentages() {
        assert_eq!(Share { part: 3, of: 4 }.percent(), Some(75.0));
        assert_eq!(Share::default().percent(), None);
    }
}
