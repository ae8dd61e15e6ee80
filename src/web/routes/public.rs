//! What anyone may read, without signing in: the scoreboard (`/cong-khai`, `/en/public`), the
//! open data of ended periods (`/open-data/scores.csv|json`) and each agency's badge
//! (`/badge/{code}.svg`). The numbers are the staff dashboards' own, read from the same
//! computed reports; suppressed values and comments never appear.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::domain::board::{board_page, BoardAsk, BoardOrder};
use crate::domain::period::Quarter;
use crate::services::agencies::{self, Agency};
use crate::services::reports::dashboards::{Indexed, Kind, Scope};
use crate::services::reports::public::{closed_periods, rows, PublicRow};
use crate::views::format::number;
use crate::views::i18n::Lang;
use crate::views::public::{badge_file, scoreboard_page, BoardLine, Scoreboard};
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// Public pages and files may be cached a few minutes by browsers and proxies.
const CACHE: &str = "public, max-age=300";
const LICENCE: &str = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)";

type Query = web::Query<BTreeMap<String, String>>;

/// The levels a citizen may keep on the scoreboard, with the words for each.
const LEVELS: [(&str, &str); 4] = [
    ("province", "staff-dashboard-province"),
    ("department", "staff-dashboard-departments"),
    ("commune", "staff-dashboard-commune-level"),
    ("district", "staff-dashboard-districts-before-july-2025"),
];

/// Every ended quarter and year with computed numbers, quarters first, newest first; and the
/// board of each.
fn ended(state: &AppState) -> (Vec<String>, Vec<String>, [std::sync::Arc<Indexed>; 2]) {
    let now = Quarter::of_instant(crate::clock::now());
    let quarters = state.dashboards.board(&Scope::PROVINCE, Kind::Quarter);
    let years = state.dashboards.board(&Scope::PROVINCE, Kind::Year);
    (
        closed_periods(&quarters, now, false),
        closed_periods(&years, now, true),
        [quarters, years],
    )
}

/// "Succeeded by X on …" / "Formed on … from A, B", from the agency tree's successions.
fn lineage_notes(
    lang: Lang,
    all: &[Agency],
    successions: &[(String, String, chrono::NaiveDate)],
) -> BTreeMap<String, String> {
    let name = |code: &str| {
        all.iter().find(|a| a.code == code).map_or_else(
            || code.to_owned(),
            |a| lang.pick(&a.name_vi, &a.name_en).to_owned(),
        )
    };
    let mut notes: BTreeMap<String, String> = BTreeMap::new();
    let mut from: BTreeMap<&str, (Vec<String>, chrono::NaiveDate)> = BTreeMap::new();
    let mut to: BTreeMap<&str, (Vec<String>, chrono::NaiveDate)> = BTreeMap::new();
    for (predecessor, successor, on) in successions {
        from.entry(successor.as_str())
            .or_insert_with(|| (Vec::new(), *on))
            .0
            .push(name(predecessor));
        to.entry(predecessor.as_str())
            .or_insert_with(|| (Vec::new(), *on))
            .0
            .push(name(successor));
    }
    let wordings = [
        (from, "staff-public-formed-from"),
        (to, "staff-public-succeeded-by"),
    ];
    for (links, text) in wordings {
        for (code, (names, on)) in links {
            notes.insert(
                code.to_owned(),
                lang.text_with(
                    text,
                    &[
                        ("on", on.format("%d/%m/%Y").to_string().into()),
                        ("names", names.join(", ").into()),
                    ],
                ),
            );
        }
    }
    notes
}

/// `GET /cong-khai`
pub async fn scoreboard_vi(
    state: web::Data<AppState>,
    query: Query,
) -> Result<HttpResponse, AppError> {
    scoreboard(Lang::VI, &state, &query).await
}

/// `GET /en/public`
pub async fn scoreboard_en(
    state: web::Data<AppState>,
    query: Query,
) -> Result<HttpResponse, AppError> {
    scoreboard(Lang::EN, &state, &query).await
}

async fn scoreboard(lang: Lang, state: &AppState, query: &Query) -> Result<HttpResponse, AppError> {
    let (quarters, years, [quarter_board, year_board]) = ended(state);
    let periods: Vec<String> = quarters.iter().chain(&years).cloned().collect();
    let period = query
        .get("period")
        .filter(|p| periods.contains(p))
        .or(quarters.first())
        .or(years.first())
        .cloned()
        .unwrap_or_default();
    let board = if years.contains(&period) {
        year_board
    } else {
        quarter_board
    };
    let (all, successions) = db_call::blocking(&state.pool, |conn| {
        Ok::<_, crate::services::store::DbError>((
            agencies::all(conn)?,
            agencies::successions(conn)?,
        ))
    })
    .await?;
    let mut ordered: Vec<&Agency> = all.iter().collect();
    ordered.sort_by(|a, b| (a.level.as_str(), &a.name_vi).cmp(&(b.level.as_str(), &b.name_vi)));
    let codes: Vec<&str> = ordered.iter().map(|a| a.code.as_str()).collect();
    let shown = rows(&board, &period, &codes);
    let with_index = codes
        .iter()
        .filter(|c| {
            board
                .row(&period, c, hailong_analysis::scores::Measure::SatIndex, "")
                .is_some()
        })
        .count();
    let mut notes = lineage_notes(lang, &all, &successions);
    let agency_of = |code: &str| all.iter().find(|a| a.code == code);
    let find = query.get("q").map(|q| q.trim()).unwrap_or_default();
    let level = query
        .get("level")
        .map(String::as_str)
        .filter(|l| LEVELS.iter().any(|(code, _)| code == l));
    let ask = BoardAsk {
        find: Some(find),
        level,
        order: query
            .get("sort")
            .and_then(|s| BoardOrder::of_str(s))
            .unwrap_or(BoardOrder::Position),
        page: query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    };
    let (chosen, pages) = board_page(&shown, &ask, |r| {
        let agency = agency_of(&r.agency);
        (
            // The name as shown first: the order by name is the page's language's.
            agency.map_or_else(Vec::new, |a| {
                vec![
                    lang.pick(&a.name_vi, &a.name_en),
                    lang.pick(&a.name_en, &a.name_vi),
                ]
            }),
            agency.map_or("", |a| a.level.as_str()),
            r.sat_index,
            r.position,
        )
    });
    let lines = chosen
        .into_iter()
        .map(|r| BoardLine {
            name: agency_of(&r.agency).map_or_else(String::new, |a| {
                lang.pick(&a.name_vi, &a.name_en).to_owned()
            }),
            sat_index: r.sat_index,
            interval: r.interval,
            position: r.position,
            on_time_rate: r.on_time_rate,
            responses: r.responses,
            lineage: notes.remove(&r.agency),
        })
        .collect();
    let levels = LEVELS
        .iter()
        .filter(|(code, _)| {
            shown
                .iter()
                .any(|r| agency_of(&r.agency).is_some_and(|a| a.level.as_str() == *code))
        })
        .map(|(code, id)| (*code, lang.staff_text(id)))
        .collect();
    let (action, switch) = match lang {
        Lang::VI => ("/cong-khai", format!("/en/public?period={period}")),
        _ => ("/en/public", format!("/cong-khai?period={period}")),
    };
    let page = scoreboard_page(&Scoreboard {
        lang,
        switch_href: &switch,
        action,
        period: &period,
        periods: &periods,
        lines,
        hidden: with_index.saturating_sub(shown.len()),
        find,
        level,
        levels,
        order: ask.order,
        page: ask.page.clamp(1, pages),
        pages,
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, CACHE))
        .content_type("text/html; charset=utf-8")
        .body(page.into_string()))
}

/// Every shown row of every ended period, with its agency.
async fn open_rows(
    state: &AppState,
) -> Result<Vec<(String, &'static str, Agency, PublicRow)>, AppError> {
    let (quarters, years, [quarter_board, year_board]) = ended(state);
    let all = db_call::blocking(&state.pool, agencies::all).await?;
    let codes: Vec<&str> = all.iter().map(|a| a.code.as_str()).collect();
    let mut out = Vec::new();
    for (periods, board, kind) in [
        (&quarters, &quarter_board, "quarter"),
        (&years, &year_board, "year"),
    ] {
        for period in periods.iter().rev() {
            for row in rows(board, period, &codes) {
                if let Some(agency) = all.iter().find(|a| a.code == row.agency) {
                    out.push((period.clone(), kind, agency.clone(), row));
                }
            }
        }
    }
    Ok(out)
}

const OPEN_COLUMNS: [&str; 18] = [
    "period",
    "period_kind",
    "agency_code",
    "agency_name_vi",
    "agency_name_en",
    "level",
    "sat_index",
    "sat_index_ci_low",
    "sat_index_ci_high",
    "tier",
    "sat_index_se",
    "funnel_z",
    "position",
    "rank",
    "rank_best",
    "rank_worst",
    "on_time_rate",
    "responses",
];

/// One of (rank, best, worst), or an empty cell.
fn rank(r: &PublicRow, part: impl Fn((u32, u32, u32)) -> u32) -> String {
    r.rank.map(|x| part(x).to_string()).unwrap_or_default()
}

fn open_cells(period: &str, kind: &str, a: &Agency, r: &PublicRow) -> Vec<String> {
    let opt = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    vec![
        period.to_owned(),
        kind.to_owned(),
        a.code.clone(),
        a.name_vi.clone(),
        a.name_en.clone(),
        a.level.as_str().to_owned(),
        format!("{}", r.sat_index),
        opt(r.interval.map(|i| i.0)),
        opt(r.interval.map(|i| i.1)),
        r.tier.map(|t| t.to_string()).unwrap_or_default(),
        opt(r.sat_index_se),
        opt(r.funnel_z),
        r.position.map_or("", |p| p.side().as_str()).to_owned(),
        rank(r, |x| x.0),
        rank(r, |x| x.1),
        rank(r, |x| x.2),
        opt(r.on_time_rate),
        r.responses.to_string(),
    ]
}

/// `GET /open-data/scores.csv`: every ended period's shown scores (schema in the README).
pub async fn open_csv(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(OPEN_COLUMNS)
        .map_err(|e| AppError::Internal(e.into()))?;
    for (period, kind, agency, row) in open_rows(&state).await? {
        writer
            .write_record(
                open_cells(&period, kind, &agency, &row)
                    .iter()
                    .map(|c| super::exports::escape_cell(c)),
            )
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, CACHE))
        .insert_header((
            header::LINK,
            "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"",
        ))
        .content_type("text/csv; charset=utf-8")
        .body(body))
}

/// `GET /open-data/scores.json`: the same rows, with the licence and the columns' meaning.
pub async fn open_json(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let rows: Vec<serde_json::Value> = open_rows(&state)
        .await?
        .iter()
        .map(|(period, kind, a, r)| {
            serde_json::json!({
                "period": period,
                "period_kind": kind,
                "agency_code": a.code,
                "agency_name_vi": a.name_vi,
                "agency_name_en": a.name_en,
                "level": a.level.as_str(),
                "sat_index": r.sat_index,
                "sat_index_ci": r.interval.map(|(l, h)| [l, h]),
                "tier": r.tier,
                "sat_index_se": r.sat_index_se,
                "funnel_z": r.funnel_z,
                "position": r.position.map(|p| p.side().as_str()),
                "rank": r.rank.map(|x| x.0),
                "rank_best": r.rank.map(|x| x.1),
                "rank_worst": r.rank.map(|x| x.2),
                "on_time_rate": r.on_time_rate,
                "responses": r.responses,
            })
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, CACHE))
        .json(serde_json::json!({
            "licence": LICENCE,
            "description": "Satisfaction index (0-100, METHODOLOGY §5) per agency and ended period, with its 95% bootstrap interval (§9), quartile tier among the agencies of its level (1 best, §6), the index's linearised standard error, funnel z and position against the median of its level at 95% (above, in_line, below) and the rank on the PAPI-style total with the range its standard error allows (§14; a tier alone says nothing about a difference), on-time rate of completed dossiers (%, §7) and number of responses; agencies under the publication threshold are left out.",
            "columns": OPEN_COLUMNS,
            "rows": rows,
        })))
}

/// `GET /badge/{code}.svg`: the agency's index in its latest ended quarter with a shown value.
pub async fn badge(
    state: web::Data<AppState>,
    file: web::Path<String>,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let code = file
        .strip_suffix(".svg")
        .ok_or(AppError::NotFound)?
        .to_owned();
    let lang = query
        .get("lang")
        .and_then(|l| Lang::parse(l))
        .unwrap_or(Lang::VI);
    let lookup = code.clone();
    db_call::blocking(&state.pool, move |conn| {
        agencies::find_by_code(conn, &lookup)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let (quarters, _, [board, _]) = ended(&state);
    let latest = quarters
        .iter()
        .find_map(|p| rows(&board, p, &[code.as_str()]).pop().map(|r| (p, r)));
    let (label, value) = match latest {
        Some((period, row)) => (
            format!(
                "{} {period}",
                lang.staff_text("staff-dashboard-satisfaction")
            ),
            format!("{}/100", number(lang, row.sat_index, 1)),
        ),
        None => (
            lang.staff_text("staff-dashboard-satisfaction").to_owned(),
            lang.staff_text("staff-public-not-enough-data-yet")
                .to_owned(),
        ),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, CACHE))
        .content_type("image/svg+xml; charset=utf-8")
        .body(badge_file(&label, &value)))
}
