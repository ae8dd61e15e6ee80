//! The staff dashboards' pages as data: each is assembled by one call, from the numbers the
//! dashboards' worker stored (in memory) and one read snapshot of the database (what the
//! numbers rest on, comments, the Decision 766 group, the plan's targets, the agency tree's
//! successions), so that the parts of a page agree with each other. The views render the
//! result (`domain::dashboard`); nothing here knows HTML.

mod agency;
mod province;

pub use agency::{agency, AgencyAsked};
pub use province::{province, ProvinceAsked};

use std::collections::HashMap;

use hailong_analysis::scores::Measure;

use super::dashboards::{Dashboards, Indexed, Kind, Revisions};
use super::group766;
use crate::db::DbConnection;
use crate::domain::dashboard::{AsOf, Figure, Group766Shares, Held};
use crate::domain::language::Lang;
use crate::domain::period::Quarter;
use crate::services::agencies::Agency;
use crate::services::surveys::{Questionnaires, SurveyError};

/// What every dashboard page is assembled from, beside the database.
pub struct Sources<'a> {
    pub dashboards: &'a Dashboards,
    /// The parsed questionnaires (the weakest items' wording).
    pub questionnaires: &'a Questionnaires,
    /// The agency tree, as the staff door read it.
    pub agencies: &'a [Agency],
    pub lang: Lang,
    pub held: Held,
}

/// Why a page could not be assembled.
pub type PageError = SurveyError;

/// When the shown numbers were computed, and whether they are those of the data as it is now
/// (the database's change counters still match the ones they were computed from). A period
/// not computed yet has the worker look now.
fn as_of(
    conn: &mut DbConnection,
    dashboards: &Dashboards,
    index: &Indexed,
    kind: Kind,
    period: &str,
    asked: Option<&str>,
) -> Result<AsOf, PageError> {
    let Some(loaded) = index.period(period) else {
        dashboards.nudge();
        return Ok(AsOf::default());
    };
    let revisions = Revisions::read(conn)?;
    Ok(AsOf {
        computed_at: Some(loaded.computed_at),
        current: asked.is_none_or(|p| p == period) && loaded.basis == revisions.basis(kind, period),
    })
}

fn figure(index: &Indexed, period: &str, agency: &str, measure: Measure) -> Figure {
    let row = index.row(period, agency, measure, "");
    Figure {
        value: row.and_then(|r| r.value),
        interval: row.and_then(|r| r.ci),
        status: row.map_or("suppressed".to_owned(), |r| r.status.clone()),
    }
}

/// The period asked for if it is stored, else the latest stored one.
fn pick_period<'a>(index: &'a Indexed, asked: Option<&str>) -> Option<&'a str> {
    index
        .periods
        .iter()
        .find(|p| Some(p.as_str()) == asked)
        .or_else(|| index.periods.last())
        .map(String::as_str)
}

/// An agency's name in `lang`.
fn name_in(lang: Lang, agency: &Agency) -> String {
    lang.pick(&agency.name_vi, &agency.name_en).to_owned()
}

/// The wording of each item of the newest questionnaire, in `lang` (parsed once, cached).
fn item_texts(
    conn: &mut DbConnection,
    questionnaires: &Questionnaires,
    lang: Lang,
) -> Result<HashMap<String, String>, PageError> {
    Ok(questionnaires
        .newest(conn)?
        .map(|q| {
            q.items
                .iter()
                .map(|i| (i.code.clone(), lang.pick(&i.text_vi, &i.text_en).to_owned()))
                .collect()
        })
        .unwrap_or_default())
}

/// The Decision 766 group of each agency in a quarter (nothing for a year). The counts of
/// responses come with the period's computed report (`index`), so that no page reads the
/// answers.
fn group766_of(
    conn: &mut DbConnection,
    index: &Indexed,
    agencies: &[(i32, String)],
    period: &str,
) -> Result<HashMap<i32, Group766Shares>, PageError> {
    let Ok(quarter) = period.parse::<Quarter>() else {
        return Ok(HashMap::new());
    };
    let counted = group766::Counted::of_period(index, period, agencies);
    let groups = group766::of_quarter(conn, agencies, quarter, counted.as_ref())?;
    Ok(groups
        .into_iter()
        .map(|(id, g)| {
            let shares = Group766Shares {
                on_time: Some(g.on_time),
                satisfied: g.satisfied,
                not_dissatisfied: g.not_dissatisfied,
                months: g
                    .months
                    .into_iter()
                    .map(|(m, (a, b))| (m, Some(a), b))
                    .collect(),
            };
            (id, shares)
        })
        .collect())
}
