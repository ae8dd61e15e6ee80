//! `/dashboard/comments`: the comments inbox (an agency's, or the province's across agencies),
//! its CSV/XLSX exports, and agency staff's marks ("noted", "acted on").

use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use hailong_analysis::questionnaire::Questionnaire;

use super::dashboard::{frame, lang_and_switch, signed_in, Visitor};
use super::exports::{csv_download, xlsx_download};
use crate::db::agencies::Agency;
use crate::domain::agency::Role;
use crate::domain::comment_topics::Topic;
use crate::services::reports::comments::{self, Filter, Inbox, Leaning, MarkStatus};
use crate::services::reports::dashboards::{self, Kind};
use crate::views::comments::{comments_page, CommentsPage, Mark, ShownComment, PAGE_SIZE};
use crate::views::i18n::Lang;
use crate::web::auth::access::{authorize, Need, Scope};
use crate::web::auth::user::{current_user, CurrentUser};
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::page::{csrf_ok, notify, see_other, take_notice, with_csrf};
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
fn asked(
    state: &AppState,
    user: &CurrentUser,
    all: &[Agency],
    query: &BTreeMap<String, String>,
) -> Result<Asked, AppError> {
    let scope = Scope::of(user, all);
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
        Some(a) => authorize(user, Need::Agency(a.id), &scope)?,
        None => authorize(user, Need::Province, &scope)?,
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
) -> Result<(Inbox, Vec<Questionnaire>), AppError> {
    let filter = asked.filter.clone();
    db_call::blocking(&state.pool, move |conn| {
        let versions = crate::services::reports::export::questionnaire_versions(conn)?;
        let inbox = comments::inbox(conn, &versions, &filter)?;
        let parsed = versions
            .iter()
            .filter_map(|(_, json)| Questionnaire::from_json(json).ok())
            .collect();
        Ok::<_, crate::db::DbError>((inbox, parsed))
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

/// `GET /dashboard/comments`
pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let (user, all) = match signed_in(&session, &state).await? {
        Visitor::Staff(user, all) => (user, all),
        Visitor::SignIn(page) => return Ok(page),
    };
    let asked = asked(&state, &user, &all, &query)?;
    let (lang, switch) = lang_and_switch(&req, &query);
    let (inbox, questionnaires) = read(&state, &asked).await?;
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
            agency: across.then(|| agency_name(&all, lang, c.agency_id)),
            text: c.text.clone(),
            topics: c.topics.clone(),
            dimension_mean: c.dimension_mean,
            mark: shown_mark(&c.mark),
        })
        .collect();
    let mut dimensions: Vec<(String, String)> = Vec::new();
    for q in questionnaires.iter().rev() {
        for d in &q.dimensions {
            if !dimensions.iter().any(|(code, _)| *code == d.code) {
                dimensions.push((d.code.clone(), lang.pick(&d.name_vi, &d.name_en).to_owned()));
            }
        }
    }
    let province = matches!(user.role, Role::Province | Role::Admin);
    let agencies = if province {
        let mut list: Vec<(String, String)> = all
            .iter()
            .map(|a| (a.code.clone(), lang.pick(&a.name_vi, &a.name_en).to_owned()))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    } else {
        Vec::new()
    };
    let name = asked
        .agency
        .as_ref()
        .map(|a| lang.pick(&a.name_vi, &a.name_en).to_owned());
    let notice = take_notice(&session);
    with_csrf(&state, &session, StatusCode::OK, |csrf| {
        comments_page(
            &frame(lang, &user, csrf, &switch),
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
                can_mark: user.role == Role::Agency,
                query: asked.query(lang),
                notice,
                csrf,
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
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    query: &BTreeMap<String, String>,
) -> Result<(String, Vec<Vec<String>>), AppError> {
    let user = current_user(session, &state.pool)
        .await?
        .ok_or(AppError::SignInFirst)?;
    let all = db_call::blocking(&state.pool, crate::db::agencies::all).await?;
    let asked = asked(state, &user, &all, query)?;
    let lang = crate::web::language::lang_of(req);
    let (inbox, _) = read(state, &asked).await?;
    let rows = inbox
        .comments
        .iter()
        .map(|c| {
            let agency = all.iter().find(|a| a.id == c.agency_id);
            vec![
                c.quarter.clone(),
                agency.map_or_else(String::new, |a| a.code.clone()),
                agency_name(&all, lang, c.agency_id),
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
pub async fn export_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let (name, rows) = export_rows(&req, &state, &session, &query).await?;
    csv_download(&format!("{name}.csv"), &EXPORT_HEADER, rows.into_iter())
}

/// `GET /exports/comments.xlsx`: the same, as a workbook (text as text, never a formula).
pub async fn export_xlsx(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let (name, rows) = export_rows(&req, &state, &session, &query).await?;
    xlsx_download(
        &format!("{name}.xlsx"),
        "comments",
        &EXPORT_HEADER,
        &rows,
        &[(5, "0.00")],
    )
}

#[derive(serde::Deserialize)]
pub struct MarkForm {
    csrf: Option<String>,
    response: String,
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

/// `POST /dashboard/comments/mark`: agency staff record what they did about a comment.
pub async fn mark(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<MarkForm>,
) -> Result<HttpResponse, AppError> {
    if !csrf_ok(&req, &state, &session, form.csrf.as_deref()) {
        return Err(AppError::Forbidden);
    }
    let (user, all) = match signed_in(&session, &state).await? {
        Visitor::Staff(user, all) => (user, all),
        Visitor::SignIn(page) => return Ok(page),
    };
    if user.role != Role::Agency {
        return Err(AppError::NotFound);
    }
    let lang = crate::web::language::lang_of(&req);
    let status = MarkStatus::parse(&form.status).ok_or_else(|| {
        AppError::Invalid(
            lang.staff_text("staff-comments-the-status-must-be-noted-or")
                .to_owned(),
        )
    })?;
    let note = crate::domain::text::nfc(form.note.trim());
    if note.chars().count() > comments::NOTE_MAX_CHARS {
        return Err(AppError::Invalid(format!(
            "{} {}",
            lang.staff_text("staff-comments-the-note-is-too-long-characters"),
            comments::NOTE_MAX_CHARS
        )));
    }
    let response = form.response.clone();
    let agency = db_call::blocking(&state.pool, {
        let response = response.clone();
        move |conn| crate::db::comments::agency_of(conn, &response)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    authorize(&user, Need::Agency(agency), &Scope::of(&user, &all))?;
    let user_id = user.id;
    db_call::blocking(&state.pool, move |conn| {
        crate::db::comments::mark(
            conn,
            &response,
            status.code(),
            &note,
            user_id,
            chrono::Utc::now().naive_utc(),
        )
    })
    .await?;
    notify(&session, lang.staff_text("staff-comments-saved"));
    // Back to the same filters and page; only a query string of our own is followed.
    let back = if form.back.contains(['/', '\\', ':']) || form.back.is_empty() {
        String::new()
    } else {
        format!("?{}", form.back)
    };
    Ok(see_other(&format!("/dashboard/comments{back}")))
}
