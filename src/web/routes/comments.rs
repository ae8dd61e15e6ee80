//! `/dashboard/comments`: the comments inbox (an agency's, or the province's across agencies),
//! its CSV/XLSX exports, and agency staff's marks ("noted", "acted on").

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use hailong_analysis::questionnaire::Questionnaire;

use super::exports::{csv_download, xlsx_download};
use crate::domain::agency::Role;
use crate::domain::comment_topics::Topic;
use crate::services::agencies::Agency;
use crate::services::reports::comments::{self, Filter, Inbox, Leaning, MarkStatus};
use crate::services::reports::dashboards::{self, Kind};
use crate::views::comments::{comments_page, CommentsPage, Mark, ShownComment, PAGE_SIZE};
use crate::views::i18n::Lang;
use crate::web::auth::access::{authorize, Need};
use crate::web::auth::staff::Staff;
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::page::{notify, see_other, take_notice};
use crate::web::state::AppState;

type Query = web::Query<BTreeMap<String, String>>;

/// What the query asks for, after authorization.
struct Asked {
    /// `None`: every agency (the province).
    agency: Option<Agency>,
    period: String,
    periods: Vec<String>,
    filter: Filter,
    dimension: Option<String>,
    leaning: Option<Leaning>,
}

impl Asked {
    /// The filters as a query string, `page` left out.
    fn query(&self, lang: Lang) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("period", self.period.clone())];
        if let Some(a) = &self.agency {
            pairs.push(("agency", a.code.clone()));
        }
        if let Some(t) = self.filter.topic {
            pairs.push(("topic", t.code().to_owned()));
        }
        if let Some(d) = &self.dimension {
            pairs.push(("dimension", d.clone()));
        }
        if let Some(l) = self.leaning {
            pairs.push(("leaning", l.code().to_owned()));
        }
        pairs.push(("lang", lang.code().to_owned()));
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }
}

/// Reads the filters: an agency user sees their own agency's inbox (or one below it), the
/// province every agency's or one; anything else is "not found".
fn asked(staff: &Staff, query: &BTreeMap<String, String>) -> Result<Asked, AppError> {
    let (state, user, all, scope) = (&staff.state, &staff.user, &staff.agencies, &staff.scope);
    let wanted = query.get("agency").filter(|c| !c.is_empty());
    let agency = match (wanted, user.role) {
        (Some(code), _) => Some(
            all.iter()
                .find(|a| a.code == *code)
                .ok_or(AppError::NotFound)?
                .clone(),
        ),
        (None, Role::Agency) => Some(
            all.iter()
                .find(|a| Some(a.id) == user.agency_id)
                .ok_or(AppError::NotFound)?
                .clone(),
        ),
        (None, _) => None,
    };
    match &agency {
        Some(a) => authorize(user, Need::Agency(a.id), scope)?,
        None => authorize(user, Need::Province, scope)?,
    }
    let board = state
        .dashboards
        .board(&dashboards::Scope::PROVINCE, Kind::Quarter);
    let periods = board.periods.clone();
    let period = query
        .get("period")
        .filter(|p| periods.contains(p))
        .or(periods.last())
        .cloned()
        .unwrap_or_default();
    let dimension = query.get("dimension").filter(|d| !d.is_empty()).cloned();
    let leaning = dimension
        .as_ref()
        .and(query.get("leaning"))
        .and_then(|l| Leaning::parse(l));
    let agency_ids = match &agency {
        Some(a) => vec![a.id],
        None => all.iter().map(|a| a.id).collect(),
    };
    Ok(Asked {
        filter: Filter {
            agency_ids,
            quarters: vec![period.clone()],
            topic: query.get("topic").and_then(|t| Topic::parse(t)),
            dimension: dimension.clone(),
            leaning,
        },
        agency,
        period,
        periods,
        dimension,
        leaning,
    })
}

/// The inbox `asked` describes, with every questionnaire version (for dimensions).
async fn read(
    state: &web::Data<AppState>,
    asked: &Asked,
) -> Result<(Inbox, Vec<Arc<Questionnaire>>), AppError> {
    let (filter, questionnaires) = (asked.filter.clone(), state.questionnaires.clone());
    db_call::blocking(&state.pool, move |conn| {
        conn.snapshot(|conn| {
            let every = questionnaires.every(conn)?;
            let inbox = comments::inbox(conn, &every, &filter)?;
            Ok::<_, crate::services::surveys::SurveyError>((inbox, every))
        })
    })
    .await
}

fn agency_name(all: &[Agency], lang: Lang, id: i32) -> String {
    all.iter()
        .find(|a| a.id == id)
        .map_or_else(String::new, |a| {
            lang.pick(&a.name_vi, &a.name_en).to_owned()
        })
}

fn shown_mark(mark: &Option<(MarkStatus, String)>) -> Option<(Mark, String)> {
    mark.as_ref().map(|(status, note)| {
        (
            match status {
                MarkStatus::Noted => Mark::Noted,
                MarkStatus::ActedOn => Mark::ActedOn,
            },
            note.clone(),
        )
    })
}

/// Every dimension of every version, newest first, once each: (code, name in `lang`).
fn dimension_choices(lang: Lang, questionnaires: &[Arc<Questionnaire>]) -> Vec<(String, String)> {
    let mut dimensions: Vec<(String, String)> = Vec::new();
    for q in questionnaires.iter().rev() {
        for d in &q.dimensions {
            if !dimensions.iter().any(|(code, _)| *code == d.code) {
                dimensions.push((d.code.clone(), lang.pick(&d.name_vi, &d.name_en).to_owned()));
            }
        }
    }
    dimensions
}

/// The agencies the province may narrow the inbox to, by name (none for agency staff).
fn agency_choices(staff: &Staff) -> Vec<(String, String)> {
    if !matches!(staff.user.role, Role::Province | Role::Admin) {
        return Vec::new();
    }
    let lang = staff.lang;
    let mut list: Vec<(String, String)> = staff
        .agencies
        .iter()
        .map(|a| (a.code.clone(), lang.pick(&a.name_vi, &a.name_en).to_owned()))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

/// `GET /dashboard/comments`
pub async fn page(staff: Staff, query: Query) -> Result<HttpResponse, AppError> {
    let asked = asked(&staff, &query)?;
    let (lang, all) = (staff.lang, &staff.agencies);
    let (inbox, questionnaires) = read(&staff.state, &asked).await?;
    let total = inbox.comments.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let across = asked.agency.is_none();
    let shown: Vec<ShownComment> = inbox
        .comments
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|c| ShownComment {
            response_id: c.response_id.clone(),
            agency: across.then(|| agency_name(all, lang, c.agency_id)),
            text: c.text.clone(),
            topics: c.topics.clone(),
            dimension_mean: c.dimension_mean,
            mark: shown_mark(&c.mark),
        })
        .collect();
    let dimensions = dimension_choices(lang, &questionnaires);
    let agencies = agency_choices(&staff);
    let name = asked
        .agency
        .as_ref()
        .map(|a| lang.pick(&a.name_vi, &a.name_en).to_owned());
    let notice = take_notice(&staff.session);
    staff.page(StatusCode::OK, |frame| {
        comments_page(
            frame,
            &CommentsPage {
                agency: asked
                    .agency
                    .as_ref()
                    .zip(name.as_deref())
                    .map(|(a, n)| (a.code.as_str(), n)),
                agencies,
                period: &asked.period,
                periods: &asked.periods,
                topic: asked.filter.topic,
                dimensions,
                dimension: asked.dimension.as_deref(),
                leaning: asked.leaning.map(Leaning::code),
                comments: shown,
                total,
                page,
                pages,
                suppressed_groups: inbox.suppressed_groups,
                can_mark: staff.user.role == Role::Agency,
                query: asked.query(lang),
                notice,
                csrf: frame.csrf,
            },
        )
    })
}

const EXPORT_HEADER: [&str; 8] = [
    "period",
    "agency_code",
    "agency_name",
    "comment",
    "topics",
    "dimension_mean",
    "status",
    "action_note",
];

/// The rows of a comments export: every comment the filters give (no paging).
async fn export_rows(
    staff: &Staff,
    query: &BTreeMap<String, String>,
) -> Result<(String, Vec<Vec<String>>), AppError> {
    let asked = asked(staff, query)?;
    let (lang, all) = (staff.lang, &staff.agencies);
    let (inbox, _) = read(&staff.state, &asked).await?;
    let rows = inbox
        .comments
        .iter()
        .map(|c| {
            let agency = all.iter().find(|a| a.id == c.agency_id);
            vec![
                c.quarter.clone(),
                agency.map_or_else(String::new, |a| a.code.clone()),
                agency_name(all, lang, c.agency_id),
                c.text.clone(),
                c.topics
                    .iter()
                    .map(|t| t.code())
                    .collect::<Vec<_>>()
                    .join(";"),
                c.dimension_mean
                    .map(|m| format!("{m:.2}"))
                    .unwrap_or_default(),
                c.mark.as_ref().map_or("", |(s, _)| s.code()).to_owned(),
                c.mark.as_ref().map_or_else(String::new, |(_, n)| n.clone()),
            ]
        })
        .collect();
    let scope = asked
        .agency
        .as_ref()
        .map_or_else(|| "province".to_owned(), |a| a.code.clone());
    Ok((format!("comments-{scope}-{}", asked.period), rows))
}

/// `GET /exports/comments.csv`: the inbox's comments, every cell formula-escaped.
pub async fn export_csv(staff: Staff, query: Query) -> Result<HttpResponse, AppError> {
    let (name, rows) = export_rows(&staff, &query).await?;
    csv_download(&format!("{name}.csv"), &EXPORT_HEADER, rows.into_iter())
}

/// `GET /exports/comments.xlsx`: the same, as a workbook (text as text, never a formula).
pub async fn export_xlsx(staff: Staff, query: Query) -> Result<HttpResponse, AppError> {
    let (name, rows) = export_rows(&staff, &query).await?;
    xlsx_download(
        &format!("{name}.xlsx"),
        "comments",
        &EXPORT_HEADER,
        &rows,
        &[(5, "0.00")],
    )
}

/// A mark as posted (the form's fields, trimmed).
struct MarkForm {
    response: String,
    status: String,
    note: String,
    back: String,
}

/// `POST /dashboard/comments/mark`: agency staff record what they did about a comment.
pub async fn mark(staff: Staff) -> Result<HttpResponse, AppError> {
    if staff.user.role != Role::Agency {
        return Err(AppError::NotFound);
    }
    let (lang, state) = (staff.lang, &staff.state);
    let form = MarkForm {
        response: staff.field("response").to_owned(),
        status: staff.field("status").to_owned(),
        note: staff.field("note").to_owned(),
        back: staff.field("back").to_owned(),
    };
    let (status, note) =
        comments::checked_mark(&form.status, &form.note).map_err(AppError::Refused)?;
    let response = form.response.clone();
    let agency = db_call::blocking(&state.pool, {
        let response = response.clone();
        move |conn| comments::agency_of(conn, &response)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    authorize(&staff.user, Need::Agency(agency), &staff.scope)?;
    let user_id = staff.user.id;
    db_call::blocking(&state.pool, move |conn| {
        comments::mark(
            conn,
            &response,
            status.code(),
            &note,
            user_id,
            crate::clock::now().naive_utc(),
        )
    })
    .await?;
    notify(&staff.session, lang.staff_text("staff-comments-saved"));
    // Back to the same filters and page; only a query string of our own is followed.
    let back = if form.back.contains(['/', '\\', ':']) || form.back.is_empty() {
        String::new()
    } else {
        format!("?{}", form.back)
    };
    Ok(see_other(&format!("/dashboard/comments{back}")))
}
