//! The province's page: the agencies of a level ranked (or by funnel position), the province's
//! trend, the Decision 766 groups, the agency tree of the period, the published national
//! ranks and the plan's targets.

use hailong_analysis::scores::Measure;

use super::{as_of, figure, group766_of, name_in, pick_period, PageError, Sources};
use crate::db::DbConnection;
use crate::domain::dashboard::{History, Point, ProvinceDashboard, Ranked, TreeNode};
use crate::domain::language::Lang;
use crate::domain::period::Quarter;
use crate::domain::plan::Targets;
use crate::domain::response_mode::ResponseMode;
use crate::services::agencies::Agency;
use crate::services::reports::dashboards::{procedure_fields, Dimension, Indexed, Kind, Scope};
use crate::services::reports::{standing, standings, targets};

/// The levels the province's table shows, the first by default.
const LEVELS: [&str; 3] = ["commune", "department", "district"];

/// What the reader asked for.
#[derive(Debug, Clone, Default)]
pub struct ProvinceAsked {
    pub period: Option<String>,
    /// A procedure field (ignored unless it is one of the catalogue's).
    pub field: Option<String>,
    pub mode: Option<ResponseMode>,
    /// A level (ignored unless it is one of [`LEVELS`]).
    pub level: Option<String>,
    pub by_position: bool,
}

/// The province's page, its reads in one snapshot.
pub fn province(
    conn: &mut DbConnection,
    sources: &Sources<'_>,
    asked: &ProvinceAsked,
) -> Result<ProvinceDashboard, PageError> {
    conn.snapshot(|conn| {
        let fields = procedure_fields(conn)?;
        let field = asked.field.clone().filter(|f| fields.contains(f));
        let scope = Scope {
            field: field.clone(),
            mode: asked.mode,
        };
        let board = sources.dashboards.board(&scope, Kind::Quarter);
        let index = board.as_ref();
        let period = pick_period(index, asked.period.as_deref())
            .unwrap_or("")
            .to_owned();
        let level = asked
            .level
            .as_deref()
            .filter(|l| LEVELS.contains(l))
            .unwrap_or(LEVELS[0])
            .to_owned();
        let dimensions = index
            .period(&period)
            .map(|l| l.report.dimensions.as_slice())
            .unwrap_or_default();
        let (ranked, unranked) = table(
            sources,
            index,
            &period,
            &level,
            dimensions,
            asked.by_position,
        );
        let level_agencies: Vec<(i32, String, String)> = ranked
            .iter()
            .chain(&unranked)
            .filter_map(|r| {
                let a = sources.agencies.iter().find(|a| a.code == r.code)?;
                Some((a.id, a.code.clone(), r.name.clone()))
            })
            .collect();
        let ids: Vec<(i32, String)> = level_agencies
            .iter()
            .map(|(id, code, _)| (*id, code.clone()))
            .collect();
        let mut groups = group766_of(conn, index, &ids, &period)?;
        let targets = targets::of(conn, index, &period, None, &level_agencies)?;
        Ok(ProvinceDashboard {
            as_of: as_of(
                conn,
                sources.dashboards,
                index,
                Kind::Quarter,
                &period,
                asked.period.as_deref(),
            )?,
            history: history(targets.as_ref()),
            targets,
            tree: tree_in(sources.lang, sources.agencies, &period),
            group766: level_agencies
                .into_iter()
                .filter_map(|(id, _, name)| groups.remove(&id).map(|g| (name, g)))
                .collect(),
            fields,
            field,
            mode: asked.mode,
            periods: index.periods.clone(),
            by_position: asked.by_position,
            funnel: standing::funnel(
                index,
                &period,
                &level,
                &ranked
                    .iter()
                    .map(|r| (r.code.as_str(), r.name.as_str()))
                    .collect::<Vec<_>>(),
            ),
            ranked,
            unranked,
            dimension_names: dimensions
                .iter()
                .map(|d| sources.lang.pick(&d.name_vi, &d.name_en).to_owned())
                .collect(),
            trend: province_trend(index),
            province_index: figure(index, &period, "ALL", Measure::SatIndex),
            held: sources.held,
            level,
            period,
        })
    })
}

/// The agencies of `level` with numbers in `period`: those in the comparison set ranked (by
/// rank, or by funnel position), the others by name.
fn table(
    sources: &Sources<'_>,
    index: &Indexed,
    period: &str,
    level: &str,
    dimensions: &[Dimension],
    by_position: bool,
) -> (Vec<Ranked>, Vec<Ranked>) {
    let (mut ranked, mut unranked): (Vec<Ranked>, Vec<Ranked>) = sources
        .agencies
        .iter()
        .filter(|a| a.level.as_str() == level)
        .filter_map(|a| {
            let completed = index.row(period, &a.code, Measure::Completed, "")?;
            let sat = figure(index, period, &a.code, Measure::SatIndex);
            Some(Ranked {
                code: a.code.clone(),
                name: name_in(sources.lang, a),
                standing: standing::standing(index, period, &a.code, level),
                papi_total: index.value(period, &a.code, Measure::PapiTotal, ""),
                sat_index: sat.value,
                n: completed.n,
                status: sat.status,
                dimensions: dimensions
                    .iter()
                    .map(|d| index.value(period, &a.code, Measure::PapiDim, &d.code))
                    .collect(),
            })
        })
        .partition(|r| r.standing.is_some());
    ranked.sort_by(|a, b| Ranked::order(a, b, by_position));
    unranked.sort_by(|a, b| a.name.cmp(&b.name));
    (ranked, unranked)
}

/// The province's index in every stored period.
fn province_trend(index: &Indexed) -> Vec<Point> {
    index
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
        .collect()
}

/// The published national ranks, each beside the plan in force's target for it.
fn history(targets: Option<&Targets>) -> Vec<History> {
    standings::reference_standings()
        .iter()
        .map(|h| History {
            province: h.province.clone(),
            index: h.index,
            year: h.year,
            score: h.score,
            rank: h.rank,
            of: h.of,
            target: standings::rank_target(h.index, targets.map(|t| &t.plan)),
        })
        .collect()
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
                name: name_in(lang, a),
                children: nodes(lang, valid, Some(a.id)),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
    nodes(lang, &valid, None)
}
