//! The scores export: the numbers the dashboards show, as last stored, one row per score, with
//! the page's filters, agency names beside the codes, and the Decision 766 group and the
//! surveys offered by channel as rows of their own.

use std::collections::HashMap;

use hailong_analysis::scores::Measure;

use super::dashboards::{self, Dashboards, Kind, Score};
use super::delivery;
use super::group766::{self, Counted, Share};
use crate::db::{DbConnection, QueryResult};
use crate::domain::language::Lang;
use crate::services::agencies::Agency;

const HEADER: [&str; 11] = [
    "period",
    "agency_code",
    "agency_name",
    "measure",
    "key",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "n_eff",
    "status",
];

/// The same columns for a reader of Vietnamese (`?header=vi`).
const HEADER_VI: [&str; 11] = [
    "Kỳ",
    "Mã cơ quan",
    "Tên cơ quan",
    "Chỉ số",
    "Mục",
    "Giá trị",
    "Cận dưới KTC 95%",
    "Cận trên KTC 95%",
    "Số phiếu",
    "Cỡ mẫu hiệu dụng",
    "Trạng thái",
];

/// The levels an export may be narrowed to.
const LEVELS: [&str; 4] = ["province", "department", "district", "commune"];

/// What was asked: `period` (else all), `year` (years rather than quarters), `level` (the
/// agencies of one level), `field` (a procedure field's own numbers), the header in Vietnamese.
/// A period, level or field that is not one of the stored or known ones is ignored.
#[derive(Debug, Clone, Default)]
pub struct ScoresAsked {
    pub year: bool,
    pub period: Option<String>,
    pub level: Option<String>,
    pub field: Option<String>,
    pub vietnamese_header: bool,
}

/// A scores export as asked: its file name (without extension), header and rows.
#[derive(Debug)]
pub struct ScoresExport {
    pub name: String,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

/// The export `asked` for, agency names in `lang`.
pub fn scores(
    conn: &mut DbConnection,
    dashboards: &Dashboards,
    all: &[Agency],
    lang: Lang,
    asked: &ScoresAsked,
) -> QueryResult<ScoresExport> {
    let kind = if asked.year {
        Kind::Year
    } else {
        Kind::Quarter
    };
    conn.snapshot(|conn| {
        let fields = dashboards::procedure_fields(conn)?;
        let field = asked.field.clone().filter(|f| fields.contains(f));
        let level = asked.level.clone().filter(|l| LEVELS.contains(&l.as_str()));
        let scope = field
            .clone()
            .map_or(dashboards::Scope::PROVINCE, dashboards::Scope::of_field);
        let board = dashboards.board(&scope, kind);
        let wanted = asked.period.as_ref().filter(|p| board.periods.contains(p));
        // Each agency of the asked level (all without one), with its name in `lang`.
        let named: HashMap<&str, (i32, String)> = all
            .iter()
            .filter(|a| level.as_ref().is_none_or(|l| a.level.as_str() == l))
            .map(|a| {
                (
                    a.code.as_str(),
                    (a.id, lang.pick(&a.name_vi, &a.name_en).to_owned()),
                )
            })
            .collect();
        let province = lang.staff_text("staff-exports-whole-province");
        // The province's own row (`ALL`) is of no level.
        let name_of = |code: &str| -> Option<String> {
            match named.get(code) {
                Some((_, name)) => Some(name.clone()),
                None if code == "ALL" && level.is_none() => Some(province.to_owned()),
                None => None,
            }
        };
        let periods: Vec<&String> = board
            .periods
            .iter()
            .filter(|p| wanted.is_none_or(|w| w == *p))
            .collect();
        let mut rows: Vec<Vec<String>> = periods
            .iter()
            .filter_map(|p| board.period(p).map(|l| (*p, l)))
            .flat_map(|(p, l)| l.report.scores.iter().map(move |r| (p, r)))
            .filter_map(|(p, r)| Some(cells(p, r, &name_of(&r.agency)?)))
            .collect();
        // The Decision 766 group is the agency's as a whole: not per procedure field.
        if kind == Kind::Quarter && field.is_none() {
            let agencies: Vec<(i32, String, String)> = all
                .iter()
                .filter_map(|a| {
                    let (id, name) = named.get(a.code.as_str())?;
                    Some((*id, a.code.clone(), name.clone()))
                })
                .collect();
            let ids: Vec<(i32, String)> = agencies
                .iter()
                .map(|(id, code, _)| (*id, code.clone()))
                .collect();
            let quarters: Vec<(String, Option<Counted>)> = periods
                .iter()
                .map(|p| ((*p).clone(), Counted::of_period(&board, p, &ids)))
                .collect();
            rows.extend(group766_rows(conn, &agencies, &ids, &quarters)?);
            rows.extend(invitation_rows(conn, &agencies, &quarters)?);
        }
        Ok(ScoresExport {
            name: file_name(
                wanted.map(String::as_str),
                asked.year,
                level.as_deref(),
                field.as_deref(),
            ),
            header: if asked.vietnamese_header {
                &HEADER_VI
            } else {
                &HEADER
            },
            rows,
        })
    })
}

/// `scores-<period or all>[-years][-<level>][-<field, ASCII>]`.
fn file_name(period: Option<&str>, year: bool, level: Option<&str>, field: Option<&str>) -> String {
    let mut name = format!("scores-{}", period.unwrap_or("all"));
    if year && period.is_none() {
        name.push_str("-years");
    }
    if let Some(level) = level {
        name.push_str(&format!("-{level}"));
    }
    if let Some(field) = field {
        let slug: String = crate::domain::text::ascii_fold(field)
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        name.push_str(&format!("-{slug}"));
    }
    name
}

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

fn cells(period: &str, r: &Score, name: &str) -> Vec<String> {
    let value = r
        .value
        .map(|v| {
            if Measure::of_str(&r.measure).is_some_and(Measure::is_integer) {
                format!("{}", v.round() as i64)
            } else {
                format!("{v}")
            }
        })
        .unwrap_or_default();
    vec![
        period.to_owned(),
        r.agency.clone(),
        name.to_owned(),
        r.measure.clone(),
        r.key.clone(),
        value,
        number(r.ci.map(|c| c.0)),
        number(r.ci.map(|c| c.1)),
        r.n.to_string(),
        number(r.n_eff),
        r.status.clone(),
    ]
}

/// Surveys offered by dossier channel (A-11 §280) as rows of the scores export: measure
/// `invitations_by_channel`, key the channel, value and `n` the count (a census of dossiers:
/// status `ok`, never suppressed).
fn invitation_rows(
    conn: &mut DbConnection,
    agencies: &[(i32, String, String)],
    quarters: &[(String, Option<Counted>)],
) -> QueryResult<Vec<Vec<String>>> {
    let named: HashMap<i32, (&str, &str)> = agencies
        .iter()
        .map(|(id, code, name)| (*id, (code.as_str(), name.as_str())))
        .collect();
    let mut rows = Vec::new();
    for (period, _) in quarters {
        let Ok(quarter) = period.parse() else {
            continue;
        };
        for (agency, channel, count) in delivery::invited_by_channel(conn, quarter)? {
            let Some((code, name)) = named.get(&agency) else {
                continue;
            };
            rows.push(vec![
                period.clone(),
                (*code).to_owned(),
                (*name).to_owned(),
                "invitations_by_channel".to_owned(),
                channel,
                count.to_string(),
                String::new(),
                String::new(),
                count.to_string(),
                String::new(),
                "ok".to_owned(),
            ]);
        }
    }
    Ok(rows)
}

/// The Decision 766 group as rows of the scores export: measures `g766_on_time`,
/// `g766_handling_satisfied`, `g766_not_dissatisfied` (percent; `n` the denominator).
fn group766_rows(
    conn: &mut DbConnection,
    agencies: &[(i32, String, String)],
    ids: &[(i32, String)],
    quarters: &[(String, Option<Counted>)],
) -> QueryResult<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    for (period, counted) in quarters {
        let Ok(quarter) = period.parse() else {
            continue;
        };
        let groups = group766::of_quarter(conn, ids, quarter, counted.as_ref())?;
        for (id, code, name) in agencies {
            let Some(g) = groups.get(id) else {
                continue;
            };
            // A share without a denominator has nothing to say; (c) hidden under min_cell
            // responses is a suppressed row, as in the analysis' own rows.
            let measures: [(&str, Option<Share>, bool); 3] = [
                ("g766_on_time", Some(g.on_time), false),
                ("g766_handling_satisfied", g.satisfied, false),
                (
                    "g766_not_dissatisfied",
                    g.not_dissatisfied,
                    g.dossiers_completed > 0,
                ),
            ];
            for (measure, share, hidden) in measures {
                let value = share.and_then(Share::percent);
                if value.is_none() && !hidden {
                    continue;
                }
                rows.push(vec![
                    period.clone(),
                    code.clone(),
                    name.clone(),
                    measure.to_owned(),
                    String::new(),
                    number(value),
                    String::new(),
                    String::new(),
                    share.map_or(0, |s| s.of).to_string(),
                    String::new(),
                    if value.is_some() { "ok" } else { "suppressed" }.to_owned(),
                ]);
            }
        }
    }
    Ok(rows)
}
