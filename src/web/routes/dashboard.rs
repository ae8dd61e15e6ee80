//! Dashboards for staff. Every handler comes in through a staff door (`web::auth::staff`:
//! signed in, allowed to see what it reads) before reading anything.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use hailong_analysis::scores::Measure;

use crate::domain::period::Quarter;
use crate::services::agencies::Agency;
use crate::services::reports::dashboards::{self, Indexed, Kind, Revisions, MIN_CELL};
use crate::services::reports::delivery;
use crate::services::reports::standing;
use crate::services::reports::standings;
use crate::services::reports::targets;
use crate::services::reports::weakest::weakest_items;
use crate::views::charts::Point;
use crate::views::dashboard::{
    agency_page, province_page, AgencyDashboard, AsOf, Child, DimensionScore, Figure, Group766View,
    Held, History, ProvinceDashboard, Ranked, Share766, TreeNode, WeakRow,
};
use crate::views::delivery::{delivery_page, DeliveryPage};
use crate::views::i18n::Lang;
use crate::web::auth::staff::{AgencyStaff, ProvinceStaff};
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::state::AppState;

type Query = web::Query<BTreeMap<String, String>>;

/// When the shown numbers were computed, and whether they are those of the data as it is now
/// (the database's change counters still match the ones they were computed from).
async fn as_of(
    state: &web::Data<AppState>,
    index: &Indexed,
    kind: Kind,
    period: &str,
    asked: Option<&String>,
) -> Result<AsOf, AppError> {
    let Some(loaded) = index.period(period) else {
        state.dashboards.nudge();
        return Ok(AsOf::default());
    };
    let revisions = db_call::blocking(&state.pool, Revisions::read).await?;
    Ok(AsOf {
        computed_at: Some(loaded.computed_at),
        current: asked.is_none_or(|p| p == period) && loaded.basis == revisions.basis(kind, period),
    })
}

/// How many responses wait for release (a count of the province's, nothing more).
fn held(state: &web::Data<AppState>) -> Held {
    Held {
        k: state.settings.anonymity_k,
        batch: state.settings.release_batch,
    }
}

fn figure(index: &Indexed, period: &str, agency: &str, measure: Measure) -> Figure {
    let row = index.row(period, agency, measure, "");
    Figure {
        value: row.and_then(|r| r.value),
        interval: row.and_then(|r| r.ci),
        status: row.map_or("suppressed".to_owned(), |r| r.status.clone()),
    }
}

fn pick_period<'a>(index: &'a Indexed, query: &Query) -> Option<&'a str> {
    let wanted = query.get("period");
    index
        .periods
        .iter()
        .find(|p| Some(*p) == wanted)
        .or_else(|| index.periods.last())
        .map(String::as_str)
}

/// The wording of each item of the newest questionnaire, in `lang`.
async fn item_texts(
    state: &web::Data<AppState>,
    lang: Lang,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    // The parsed questionnaires are cached in the state: only the newest one's id is read.
    let questionnaires = state.questionnaires.clone();
    let newest = db_call::blocking(&state.pool, move |conn| questionnaires.newest(conn)).await?;
    Ok(newest
        .map(|q| {
            q.items
                .iter()
                .map(|i| (i.code.clone(), lang.pick(&i.text_vi, &i.text_en).to_owned()))
                .collect()
        })
        .unwrap_or_default())
}

/// The Decision 766 group of each agency in a quarter (nothing for a year).
/// The counts of responses come with the period's computed report (`index`), so that no
/// page reads the answers.
async fn group766_of(
    state: &web::Data<AppState>,
    index: &Indexed,
    agencies: Vec<(i32, String)>,
    period: &str,
) -> Result<std::collections::HashMap<i32, Group766View>, AppError> {
    use crate::services::reports::group766::{self, Share};
    let Ok(quarter) = period.parse::<Quarter>() else {
        return Ok(std::collections::HashMap::new());
    };
    let counted = group766::Counted::of_period(index, period, &agencies);
    let groups = db_call::blocking(&state.pool, move |conn| {
        group766::of_quarter(conn, &agencies, quarter, counted.as_ref())
    })
    .await?;
    let view = |s: Share| Share766 {
        part: s.part,
        of: s.of,
    };
    Ok(groups
        .into_iter()
        .map(|(id, g)| {
            (
                id,
                Group766View {
                    on_time: Some(view(g.on_time)),
                    satisfied: g.satisfied.map(view),
                    not_dissatisfied: g.not_dissatisfied.map(view),
                    months: g
                        .months
                        .into_iter()
                        .map(|(m, (a, b))| (m, Some(view(a)), b.map(view)))
                        .collect(),
                },
            )
        })
        .collect())
}

pub async fn agency(staff: AgencyStaff, query: Query) -> Result<HttpResponse, AppError> {
    let (state, all, agency, lang) = (&staff.state, &staff.agencies, &staff.agency, staff.lang);

    let year_view = query.get("kind").is_some_and(|k| k == "year");
    let kind = if year_view { Kind::Year } else { Kind::Quarter };
    let mode = mode_asked(&query);
    let board = state
        .dashboards
        .board(&dashboards::Scope { field: None, mode }, kind);
    let index = board.as_ref();
    // Unless a period is asked for, the latest whose index is shown: a new quarter with three
    // responses would open on a page of dashes.
    let period = match query.get("period") {
        Some(_) => pick_period(index, &query),
        None => index
            .periods
            .iter()
            .rev()
            .find(|p| {
                index
                    .value(p, &agency.code, Measure::SatIndex, "")
                    .is_some()
            })
            .map(String::as_str)
            .or_else(|| index.periods.last().map(String::as_str)),
    }
    .unwrap_or("")
    .to_owned();
    let as_of = as_of(state, index, kind, &period, query.get("period")).await?;
    let level = agency.level.as_str();
    let dimensions = index
        .period(&period)
        .map(|l| l.report.dimensions.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let bench = index.benchmark(&period, level, Measure::PapiDim, &d.code);
            DimensionScore {
                name: lang.pick(&d.name_vi, &d.name_en).to_owned(),
                value: index.value(&period, &agency.code, Measure::PapiDim, &d.code),
                median: bench.map(|b| b.median),
                best: bench.map(|b| b.max),
            }
        })
        .collect();
    let peers: Vec<&str> = all
        .iter()
        .filter(|a| a.level == agency.level)
        .map(|a| a.code.as_str())
        .collect();
    let weak = index
        .period(&period)
        .map(|l| weakest_items(&l.report, &agency.code, &peers, 3))
        .unwrap_or_default();
    let weakest = if weak.is_empty() {
        Vec::new()
    } else {
        let texts = item_texts(state, lang).await?;
        weak.into_iter()
            .map(|w| WeakRow {
                text: texts.get(&w.key).cloned().unwrap_or_else(|| w.key.clone()),
                value: w.value,
                ci: w.ci,
                median: w.median,
                n_agencies: w.n_agencies,
            })
            .collect()
    };
    // The eight periods up to the one shown: a former unit's page shows its own history.
    let upto = index
        .periods
        .iter()
        .position(|p| *p == period)
        .map_or(index.periods.len(), |i| i + 1);
    let recent: Vec<String> = index.periods[..upto]
        .iter()
        .rev()
        .take(8)
        .rev()
        .cloned()
        .collect();
    let trend = recent
        .iter()
        .map(|p| {
            let own = index.row(p, &agency.code, Measure::SatIndex, "");
            // Before a successor existed, its predecessors' lineage (§13), drawn apart.
            let lineage = own
                .is_none()
                .then(|| index.lineage_row(p, &agency.code, Measure::SatIndex))
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
        .collect();
    let responses_n = index
        .row(&period, &agency.code, Measure::Completed, "")
        .map_or(0, |r| r.n);
    let standing = standing::standing(index, &period, &agency.code, level);
    let children = all
        .iter()
        .filter(|a| a.parent_id == Some(agency.id) && a.valid_to.is_none())
        .map(|c| Child {
            code: c.code.clone(),
            name: lang.pick(&c.name_vi, &c.name_en).to_owned(),
            sat_index: index.value(&period, &c.code, Measure::SatIndex, ""),
            papi_total: index.value(&period, &c.code, Measure::PapiTotal, ""),
            n: index
                .row(&period, &c.code, Measure::Completed, "")
                .map_or(0, |r| r.n),
            status: index
                .row(&period, &c.code, Measure::SatIndex, "")
                .map_or("suppressed".to_owned(), |r| r.status.clone()),
        })
        .collect();
    // Comments only when the group is shown (§8): never from fewer than MIN_CELL responses.
    let comments = if responses_n >= MIN_CELL {
        let quarters: Vec<String> = if year_view {
            (1..=4).map(|q| format!("{period}-Q{q}")).collect()
        } else {
            vec![period.clone()]
        };
        let agency_id = agency.id;
        Some(
            db_call::blocking(&state.pool, move |conn| {
                crate::services::reports::comments::latest_released(
                    conn,
                    &[agency_id],
                    &quarters,
                    10,
                )
            })
            .await?,
        )
    } else {
        None
    };
    let group766 = if year_view {
        None
    } else {
        group766_of(
            state,
            index,
            vec![(agency.id, agency.code.clone())],
            &period,
        )
        .await?
        .remove(&agency.id)
    };
    let successions =
        db_call::blocking(&state.pool, crate::services::agencies::successions).await?;
    let named = |code: &str| {
        (
            code.to_owned(),
            all.iter().find(|a| a.code == code).map_or_else(
                || code.to_owned(),
                |a| lang.pick(&a.name_vi, &a.name_en).to_owned(),
            ),
        )
    };
    let came_from = successions
        .iter()
        .filter(|(_, s, _)| *s == agency.code)
        .map(|(p, _, _)| named(p))
        .collect();
    let went_to = successions
        .iter()
        .filter(|(p, _, _)| *p == agency.code)
        .map(|(_, s, _)| named(s))
        .collect();
    let targets = {
        let (board, period, agency) = (board.clone(), period.clone(), agency.clone());
        db_call::blocking(&state.pool, move |conn| {
            targets::of(conn, &board, &period, Some((agency.id, &agency.code)), &[])
        })
        .await?
    };
    let dashboard = AgencyDashboard {
        targets,
        mode,
        group766,
        came_from,
        went_to,
        name: lang.pick(&agency.name_vi, &agency.name_en),
        code: &agency.code,
        period: &period,
        periods: &index.periods,
        year_view,
        sat_index: figure(index, &period, &agency.code, Measure::SatIndex),
        papi_total: figure(index, &period, &agency.code, Measure::PapiTotal),
        responses: responses_n,
        on_time_rate: index.value(&period, &agency.code, Measure::OnTimeRate, ""),
        response_rate: index.value(&period, &agency.code, Measure::ResponseRate, ""),
        standing,
        level,
        dimensions,
        weakest,
        trend,
        comments,
        children,
        held: held(state),
        as_of,
    };
    staff.page(StatusCode::OK, |frame| agency_page(frame, &dashboard))
}

/// The agency tree as it was in `period` (a quarter or a year): every unit valid on one of its
/// days, under its parent (a unit whose parent was not valid then is a root).
fn tree_in(lang: Lang, all: &[Agency], period: &str) -> Vec<TreeNode> {
    let vn = |q: Quarter| {
        q.start()
            .with_timezone(&crate::domain::period::VIETNAM)
            .date_naive()
    };
    let (first, after) = match (period.parse::<Quarter>(), period.parse::<i32>()) {
        (Ok(q), _) => (vn(q), vn(q.next())),
        (_, Ok(year)) => (
            vn(Quarter { year, quarter: 1 }),
            vn(Quarter {
                year: year + 1,
                quarter: 1,
            }),
        ),
        _ => return Vec::new(),
    };
    let valid: Vec<&Agency> = all
        .iter()
        .filter(|a| a.valid_from < after && a.valid_to.is_none_or(|to| to >= first))
        .collect();
    fn nodes(lang: Lang, valid: &[&Agency], parent: Option<i32>) -> Vec<TreeNode> {
        let mut out: Vec<TreeNode> = valid
            .iter()
            .filter(|a| match parent {
                Some(p) => a.parent_id == Some(p),
                None => a.parent_id.is_none_or(|p| !valid.iter().any(|v| v.id == p)),
            })
            .map(|a| TreeNode {
                code: a.code.clone(),
                name: lang.pick(&a.name_vi, &a.name_en).to_owned(),
                children: nodes(lang, valid, Some(a.id)),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
    nodes(lang, &valid, None)
}

pub async fn province(staff: ProvinceStaff, query: Query) -> Result<HttpResponse, AppError> {
    let (state, all, lang) = (&staff.state, &staff.agencies, staff.lang);
    let fields = db_call::blocking(&state.pool, dashboards::procedure_fields).await?;
    let field = query.get("field").filter(|f| fields.contains(f)).cloned();
    let mode = mode_asked(&query);
    let scope = dashboards::Scope {
        field: field.clone(),
        mode,
    };
    let board = state.dashboards.board(&scope, Kind::Quarter);
    let index = board.as_ref();
    let period = pick_period(index, &query).unwrap_or("").to_owned();
    let as_of = as_of(state, index, Kind::Quarter, &period, query.get("period")).await?;
    let level = query
        .get("level")
        .filter(|l| ["commune", "department", "district"].contains(&l.as_str()))
        .cloned()
        .unwrap_or_else(|| "commune".to_owned());
    let dimensions = index
        .period(&period)
        .map(|l| l.report.dimensions.as_slice())
        .unwrap_or_default();
    let mut ranked = Vec::new();
    let mut unranked = Vec::new();
    for a in all.iter().filter(|a| a.level.as_str() == level) {
        let Some(completed) = index.row(&period, &a.code, Measure::Completed, "") else {
            continue;
        };
        let row = Ranked {
            code: a.code.clone(),
            name: lang.pick(&a.name_vi, &a.name_en).to_owned(),
            standing: standing::standing(index, &period, &a.code, &level),
            papi_total: index.value(&period, &a.code, Measure::PapiTotal, ""),
            sat_index: index.value(&period, &a.code, Measure::SatIndex, ""),
            n: completed.n,
            status: index
                .row(&period, &a.code, Measure::SatIndex, "")
                .map_or("suppressed".to_owned(), |r| r.status.clone()),
            dimensions: dimensions
                .iter()
                .map(|d| index.value(&period, &a.code, Measure::PapiDim, &d.code))
                .collect(),
        };
        if row.standing.is_some() {
            ranked.push(row);
        } else {
            unranked.push(row);
        }
    }
    let by_position = query.get("sort").is_some_and(|s| s == "position");
    ranked.sort_by(|a, b| Ranked::order(a, b, by_position));
    let funnel = standing::funnel(
        index,
        &period,
        &level,
        &ranked
            .iter()
            .map(|r| (r.code.as_str(), r.name.as_str()))
            .collect::<Vec<_>>(),
    );
    unranked.sort_by(|a, b| a.name.cmp(&b.name));
    let trend = index
        .periods
        .iter()
        .map(|p| {
            let row = index.row(p, "ALL", Measure::SatIndex, "");
            Point {
                label: p.clone(),
                value: row.and_then(|r| r.value),
                interval: row.and_then(|r| r.ci),
                lineage: false,
            }
        })
        .collect();
    // polars runs on a blocking thread, never on an actix worker.
    let standings = web::block(|| standings::reference_standings().to_vec()).await?;
    let level_agencies: Vec<(i32, String, String)> = ranked
        .iter()
        .chain(&unranked)
        .filter_map(|r| {
            all.iter()
                .find(|a| a.code == r.code)
                .map(|a| (a.id, a.code.clone(), r.name.clone()))
        })
        .collect();
    let mut groups = group766_of(
        state,
        index,
        level_agencies
            .iter()
            .map(|(id, code, _)| (*id, code.clone()))
            .collect(),
        &period,
    )
    .await?;
    let targets = {
        let (board, period, level) = (board.clone(), period.clone(), level_agencies.clone());
        db_call::blocking(&state.pool, move |conn| {
            targets::of(conn, &board, &period, None, &level)
        })
        .await?
    };
    let group766 = level_agencies
        .into_iter()
        .filter_map(|(id, _, name)| groups.remove(&id).map(|g| (name, g)))
        .collect();
    let tree = tree_in(lang, all, &period);
    // Beside each published rank, the plan in force's target for it.
    let history = standings
        .iter()
        .map(|h| History {
            province: h.province.clone(),
            index: h.index,
            year: h.year,
            score: h.score,
            rank: h.rank,
            of: h.of,
            target: standings::rank_target(h.index, targets.as_ref().map(|t| &t.plan)),
        })
        .collect::<Vec<History>>();
    let dashboard = ProvinceDashboard {
        targets,
        tree,
        group766,
        history,
        fields: &fields,
        field: field.as_deref(),
        mode,
        period: &period,
        periods: &index.periods,
        level: &level,
        by_position,
        funnel,
        ranked,
        unranked,
        dimension_names: dimensions
            .iter()
            .map(|d| lang.pick(&d.name_vi, &d.name_en).to_owned())
            .collect(),
        trend,
        province_index: figure(index, &period, "ALL", Measure::SatIndex),
        held: held(state),
        as_of,
    };
    staff.page(StatusCode::OK, |frame| province_page(frame, &dashboard))
}

/// The way of answering a dashboard is narrowed to (`?mode=kiosk`), if any.
fn mode_asked(query: &Query) -> Option<crate::domain::response_mode::ResponseMode> {
    query.get("mode").and_then(|m| m.parse().ok())
}

/// The quarter a report page asks for (this one unless another of the last eight is chosen),
/// and the quarters it offers.
pub(super) fn quarter_asked(query: &Query) -> (Quarter, Vec<String>) {
    let now = Quarter::of_instant(crate::clock::now());
    let quarter = delivery::quarter_asked(query.get("period").map(String::as_str), now);
    let periods = delivery::recent_quarters(now)
        .iter()
        .map(ToString::to_string)
        .collect();
    (quarter, periods)
}

/// `GET /dashboard/delivery`: the province's delivery report for a quarter.
pub async fn delivery(staff: ProvinceStaff, query: Query) -> Result<HttpResponse, AppError> {
    let (state, all, lang) = (&staff.state, &staff.agencies, staff.lang);
    let (quarter, periods) = quarter_asked(&query);
    let k = state.settings.anonymity_k;
    let report = db_call::blocking(&state.pool, move |conn| {
        delivery::of_quarter(conn, quarter, k)
    })
    .await?;
    let name_of = |id: i32| {
        all.iter().find(|a| a.id == id).map_or_else(
            || id.to_string(),
            |a| lang.pick(&a.name_vi, &a.name_en).to_owned(),
        )
    };
    let period = quarter.to_string();
    let page = DeliveryPage {
        period: &period,
        periods: &periods,
        weeks: report
            .weeks
            .into_iter()
            .map(|w| (name_of(w.agency_id), w))
            .collect(),
        agencies: report
            .by_agency
            .into_iter()
            .map(|(id, a)| (name_of(id), a))
            .collect(),
        channels: report.by_channel.into_iter().collect(),
        modes: report.by_mode.into_iter().collect(),
        min_cell: u64::from(MIN_CELL),
    };
    staff.page(StatusCode::OK, |frame| delivery_page(frame, &page))
}
