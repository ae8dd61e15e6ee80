//! An agency's own page: its numbers, its place among its peers, its trend, its weakest
//! items, its latest comments, its Decision 766 group, its targets and its lineage.

use hailong_analysis::scores::Measure;

use super::{as_of, figure, group766_of, item_texts, name_in, pick_period, PageError, Sources};
use crate::db::DbConnection;
use crate::domain::dashboard::{AgencyDashboard, Child, DimensionScore, Point, WeakRow};
use crate::domain::response_mode::ResponseMode;
use crate::services::agencies::{self, Agency};
use crate::services::reports::dashboards::{Indexed, Kind, Scope, MIN_CELL};
use crate::services::reports::{comments, standing, targets, weakest};

/// What the reader asked for.
#[derive(Debug, Clone, Default)]
pub struct AgencyAsked {
    pub period: Option<String>,
    pub year_view: bool,
    pub mode: Option<ResponseMode>,
}

/// The page of `agency` (one of `sources.agencies`), its reads in one snapshot.
pub fn agency(
    conn: &mut DbConnection,
    sources: &Sources<'_>,
    agency: &Agency,
    asked: &AgencyAsked,
) -> Result<AgencyDashboard, PageError> {
    let kind = if asked.year_view {
        Kind::Year
    } else {
        Kind::Quarter
    };
    let scope = Scope {
        field: None,
        mode: asked.mode,
    };
    let board = sources.dashboards.board(&scope, kind);
    let index = board.as_ref();
    let period = shown_period(index, &agency.code, asked.period.as_deref());
    conn.snapshot(|conn| {
        let level = agency.level.as_str();
        let responses = index
            .row(&period, &agency.code, Measure::Completed, "")
            .map_or(0, |r| r.n);
        Ok(AgencyDashboard {
            as_of: as_of(
                conn,
                sources.dashboards,
                index,
                kind,
                &period,
                asked.period.as_deref(),
            )?,
            weakest: weakest_rows(conn, sources, index, agency, &period)?,
            comments: (responses >= MIN_CELL)
                .then(|| latest_comments(conn, agency.id, &period, asked.year_view))
                .transpose()?,
            group766: if asked.year_view {
                None
            } else {
                let own = [(agency.id, agency.code.clone())];
                group766_of(conn, index, &own, &period)?.remove(&agency.id)
            },
            came_from: Vec::new(),
            went_to: Vec::new(),
            targets: targets::of(conn, index, &period, Some((agency.id, &agency.code)), &[])?,
            mode: asked.mode,
            name: name_in(sources.lang, agency),
            code: agency.code.clone(),
            year_view: asked.year_view,
            sat_index: figure(index, &period, &agency.code, Measure::SatIndex),
            papi_total: figure(index, &period, &agency.code, Measure::PapiTotal),
            responses,
            on_time_rate: index.value(&period, &agency.code, Measure::OnTimeRate, ""),
            response_rate: index.value(&period, &agency.code, Measure::ResponseRate, ""),
            standing: standing::standing(index, &period, &agency.code, level),
            level: level.to_owned(),
            dimensions: dimensions(sources, index, &period, level, &agency.code),
            trend: trend(index, &period, &agency.code),
            children: children(sources, index, &period, agency),
            held: sources.held,
            periods: index.periods.clone(),
            period: period.clone(),
        })
        .and_then(|page| with_lineage(conn, sources, agency, page))
    })
}

/// Unless a period is asked for, the latest whose index is shown: a new quarter with three
/// responses would open on a page of dashes.
fn shown_period(index: &Indexed, code: &str, asked: Option<&str>) -> String {
    match asked {
        Some(_) => pick_period(index, asked),
        None => index
            .periods
            .iter()
            .rev()
            .find(|p| index.value(p, code, Measure::SatIndex, "").is_some())
            .map(String::as_str)
            .or_else(|| index.periods.last().map(String::as_str)),
    }
    .unwrap_or("")
    .to_owned()
}

fn dimensions(
    sources: &Sources<'_>,
    index: &Indexed,
    period: &str,
    level: &str,
    code: &str,
) -> Vec<DimensionScore> {
    index
        .period(period)
        .map(|l| l.report.dimensions.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let bench = index.benchmark(period, level, Measure::PapiDim, &d.code);
            DimensionScore {
                name: sources.lang.pick(&d.name_vi, &d.name_en).to_owned(),
                value: index.value(period, code, Measure::PapiDim, &d.code),
                median: bench.map(|b| b.median),
                best: bench.map(|b| b.max),
            }
        })
        .collect()
}

/// The three items furthest below the median of the agency's peers, in the reader's words.
fn weakest_rows(
    conn: &mut DbConnection,
    sources: &Sources<'_>,
    index: &Indexed,
    agency: &Agency,
    period: &str,
) -> Result<Vec<WeakRow>, PageError> {
    let peers: Vec<&str> = sources
        .agencies
        .iter()
        .filter(|a| a.level == agency.level)
        .map(|a| a.code.as_str())
        .collect();
    let weak = index
        .period(period)
        .map(|l| weakest::weakest_items(&l.report, &agency.code, &peers, 3))
        .unwrap_or_default();
    if weak.is_empty() {
        return Ok(Vec::new());
    }
    let texts = item_texts(conn, sources.questionnaires, sources.lang)?;
    Ok(weak
        .into_iter()
        .map(|w| WeakRow {
            text: texts.get(&w.key).cloned().unwrap_or_else(|| w.key.clone()),
            value: w.value,
            ci: w.ci,
            median: w.median,
            n_agencies: w.n_agencies,
        })
        .collect())
}

/// The eight periods up to the one shown: a former unit's page shows its own history, and a
/// successor's shows its predecessors' lineage (§13) before it existed, drawn apart.
fn trend(index: &Indexed, period: &str, code: &str) -> Vec<Point> {
    let upto = index
        .periods
        .iter()
        .position(|p| p == period)
        .map_or(index.periods.len(), |i| i + 1);
    let first = upto.saturating_sub(8);
    index.periods[first..upto]
        .iter()
        .map(|p| {
            let own = index.row(p, code, Measure::SatIndex, "");
            let lineage = own
                .is_none()
                .then(|| index.lineage_row(p, code, Measure::SatIndex))
                .flatten()
                .filter(|r| r.value.is_some());
            let row = own.or(lineage);
            Point {
                label: p.clone(),
                value: row.and_then(|r| r.value),
                interval: row.and_then(|r| r.ci),
                lineage: lineage.is_some(),
            }
        })
        .collect()
}

/// The units directly below, as they are now.
fn children(sources: &Sources<'_>, index: &Indexed, period: &str, agency: &Agency) -> Vec<Child> {
    sources
        .agencies
        .iter()
        .filter(|a| a.parent_id == Some(agency.id) && a.valid_to.is_none())
        .map(|c| {
            let sat = figure(index, period, &c.code, Measure::SatIndex);
            Child {
                code: c.code.clone(),
                name: name_in(sources.lang, c),
                sat_index: sat.value,
                papi_total: index.value(period, &c.code, Measure::PapiTotal, ""),
                n: index
                    .row(period, &c.code, Measure::Completed, "")
                    .map_or(0, |r| r.n),
                status: sat.status,
            }
        })
        .collect()
}

/// The latest released comments of the period (of each quarter of a year). Shown only with
/// the group's numbers (§8): never from fewer than MIN_CELL responses.
fn latest_comments(
    conn: &mut DbConnection,
    agency_id: i32,
    period: &str,
    year_view: bool,
) -> Result<Vec<String>, PageError> {
    let quarters: Vec<String> = if year_view {
        (1..=4).map(|q| format!("{period}-Q{q}")).collect()
    } else {
        vec![period.to_owned()]
    };
    Ok(comments::latest_released(
        conn,
        &[agency_id],
        &quarters,
        10,
    )?)
}

/// The units whose work `agency` took over and those that took over its own (the 2025
/// reform's successions), as (code, name).
fn with_lineage(
    conn: &mut DbConnection,
    sources: &Sources<'_>,
    agency: &Agency,
    mut page: AgencyDashboard,
) -> Result<AgencyDashboard, PageError> {
    let named = |code: &str| {
        let name = sources
            .agencies
            .iter()
            .find(|a| a.code == code)
            .map_or_else(|| code.to_owned(), |a| name_in(sources.lang, a));
        (code.to_owned(), name)
    };
    for (predecessor, successor, _) in agencies::successions(conn)? {
        if successor == agency.code {
            page.came_from.push(named(&predecessor));
        }
        if predecessor == agency.code {
            page.went_to.push(named(&successor));
        }
    }
    Ok(page)
}
