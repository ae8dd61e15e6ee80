//! Paper forms: `/paper/form` prints one (any staff; a code is printed, never looked up), `/admin/paper` is the province's double
//! data entry, `/admin/paper/reconcile` the forms whose two entries differ.

use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use super::dashboard::{frame, lang_and_switch, signed_in, Visitor};
use crate::domain::answers::AnswerProblem;
use crate::domain::language::Lang;
use crate::domain::paper_entry;
use crate::domain::survey_code::{CodeProblem, SurveyCode};
use crate::services::paper::{self, Decision, Entered, Refused};
use crate::views::paper::{
    entry_page, printable_form, reconcile_page, EntryPage, Printed, ToDecide,
};
use crate::web::auth::access::{authorize, Need, Scope};
use crate::web::auth::user::CurrentUser;
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::page::{csrf_ok, html, notify, see_other, take_notice, with_csrf};
use crate::web::state::AppState;

type Query = web::Query<BTreeMap<String, String>>;

/// `GET /paper/form?version=&lang=&code=`: the form to print (A4), with the receipt's code on
/// it when one is given. The code is printed, never looked up: the page is the same for an
/// open, an answered, an expired and an unknown code, so printing a form tells staff nothing
/// about whether the citizen has answered (and guessing codes here finds nothing).
pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    query: Query,
) -> Result<HttpResponse, AppError> {
    if let Visitor::SignIn(page) = signed_in(&session, &state).await? {
        return Ok(page);
    }
    let (lang, switch) = lang_and_switch(&req, &query);
    let code = query.get("code").and_then(|c| SurveyCode::parse(c).ok());
    let version = query.get("version").cloned();
    let questionnaires = state.questionnaires.clone();
    let chosen = db_call::blocking(&state.pool, move |conn| {
        paper::versions_and(conn, &questionnaires, version.as_deref())
    })
    .await?;
    let Some((_, questionnaire)) = chosen else {
        return Err(AppError::NotFound);
    };
    let printed_code = code.as_ref().map(SurveyCode::grouped);
    let printed = Printed {
        code: printed_code.as_deref(),
    };
    Ok(html(
        StatusCode::OK,
        printable_form(lang, &questionnaire, &printed, &switch),
    ))
}

/// A province analyst or an administrator: who may enter and decide paper forms.
async fn province_staff(
    state: &web::Data<AppState>,
    session: &Session,
) -> Result<Result<CurrentUser, HttpResponse>, AppError> {
    let (user, all) = match signed_in(session, state).await? {
        Visitor::Staff(user, all) => (user, all),
        Visitor::SignIn(page) => return Ok(Err(page)),
    };
    authorize(&user, Need::Province, &Scope::of(&user, &all))?;
    Ok(Ok(user))
}

/// The author of a form posted to these pages: its CSRF token checked, then who it is.
async fn posted_by_province_staff(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    fields: &BTreeMap<String, String>,
) -> Result<Result<CurrentUser, HttpResponse>, AppError> {
    if !csrf_ok(req, state, session, fields.get("csrf").map(String::as_str)) {
        return Err(AppError::Forbidden);
    }
    province_staff(state, session).await
}

/// The entry page as posted: what was typed and why it was refused.
struct Typed {
    version: Option<String>,
    code: String,
    fields: BTreeMap<String, String>,
    code_problem: Option<String>,
    problems: BTreeMap<String, AnswerProblem>,
}

async fn show_entry(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    user: &CurrentUser,
    status: StatusCode,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let lang = crate::web::language::lang_of(req);
    let questionnaires = state.questionnaires.clone();
    let asked = typed.version.clone();
    let (chosen, (waiting, to_decide)) = db_call::blocking(&state.pool, move |conn| {
        let chosen = paper::versions_and(conn, &questionnaires, asked.as_deref())?;
        Ok::<_, crate::services::surveys::SurveyError>((chosen, paper::counts(conn)?))
    })
    .await?;
    let Some((versions, questionnaire)) = chosen else {
        return Err(AppError::NotFound);
    };
    let notice = take_notice(session);
    let switch = format!(
        "?lang={}&version={}",
        lang.other().code(),
        questionnaire.version
    );
    with_csrf(state, session, status, |csrf| {
        entry_page(
            &frame(lang, user, csrf, &switch),
            &EntryPage {
                versions: &versions,
                questionnaire: &questionnaire,
                code: &typed.code,
                typed: &typed.fields,
                code_problem: typed.code_problem.as_deref(),
                problems: &typed.problems,
                notice: notice.as_deref(),
                waiting,
                to_decide,
            },
        )
    })
}

/// `GET /admin/paper?version=`
pub async fn entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let user = match province_staff(&state, &session).await? {
        Ok(user) => user,
        Err(page) => return Ok(page),
    };
    let typed = Typed {
        version: query.get("version").cloned(),
        code: String::new(),
        fields: BTreeMap::new(),
        code_problem: None,
        problems: BTreeMap::new(),
    };
    show_entry(&req, &state, &session, &user, StatusCode::OK, typed).await
}

fn code_problem_text(lang: Lang, problem: CodeProblem) -> &'static str {
    match problem {
        CodeProblem::Length => lang.staff_text("staff-paper-a-survey-code-has-10-digits"),
        CodeProblem::NotDigits => lang.staff_text("staff-paper-a-survey-code-has-only-digits"),
        CodeProblem::Check => lang.staff_text("staff-paper-a-digit-was-mistyped-or-two"),
    }
}

fn refusal_text(lang: Lang, refused: &Refused) -> String {
    match refused {
        Refused::Unknown | Refused::NoSuchEntry => lang
            .staff_text("staff-paper-no-survey-has-this-code")
            .to_owned(),
        Refused::Ambiguous => lang
            .staff_text("staff-paper-this-code-clashes-with-another-open")
            .to_owned(),
        Refused::Answered => lang
            .staff_text("staff-paper-this-dossier-was-rated-already-by")
            .to_owned(),
        Refused::Expired => lang
            .staff_text("staff-paper-the-survey-of-this-dossier-has")
            .to_owned(),
        Refused::NeedsSignIn => lang
            .staff_text("staff-paper-this-agency-s-surveys-need-an")
            .to_owned(),
        Refused::OtherVersion(version) => lang.text_with(
            "staff-paper-other-version",
            &[("version", version.as_str().into())],
        ),
        Refused::SameEnterer => lang
            .staff_text("staff-paper-you-entered-this-form-already-the")
            .to_owned(),
        Refused::AwaitingDecision => lang
            .staff_text("staff-paper-the-two-entries-of-this-form")
            .to_owned(),
        Refused::NotAThirdPerson => lang
            .staff_text("staff-paper-someone-who-entered-the-form-does")
            .to_owned(),
    }
}

/// `POST /admin/paper`: one entry of one form.
pub async fn enter(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let user = match posted_by_province_staff(&req, &state, &session, &fields).await? {
        Ok(user) => user,
        Err(page) => return Ok(page),
    };
    let lang = crate::web::language::lang_of(&req);
    let version = fields.get("version").cloned().unwrap_or_default();
    let mut typed = Typed {
        version: Some(version.clone()),
        code: fields.get("code").cloned().unwrap_or_default(),
        fields: fields
            .iter()
            .filter(|(k, _)| k.starts_with(paper_entry::FIELD_PREFIX) || *k == "comment")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        code_problem: None,
        problems: BTreeMap::new(),
    };
    let code = match SurveyCode::parse(&typed.code) {
        Ok(code) => code,
        Err(problem) => {
            typed.code_problem = Some(code_problem_text(lang, problem).to_owned());
            return show_entry(
                &req,
                &state,
                &session,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
            )
            .await;
        }
    };
    let thresholds = state.settings.integrity;
    let (secret, questionnaires, user_id) = (
        state.settings.secret.clone(),
        state.questionnaires.clone(),
        user.id,
    );
    let entry_fields = typed.fields.clone();
    let outcome = db_call::blocking(&state.pool, move |conn| {
        let Some((_, questionnaire)) = paper::versions_and(conn, &questionnaires, Some(&version))?
        else {
            return Ok(Err(BTreeMap::new()));
        };
        let entry = match paper_entry::read(&questionnaire, &code.grouped(), &entry_fields) {
            Ok(entry) => entry,
            Err(problems) => return Ok(Err(problems)),
        };
        paper::enter(
            conn,
            &secret,
            &questionnaires,
            user_id,
            &entry,
            Utc::now().naive_utc(),
            thresholds,
        )
        .map(Ok)
    })
    .await?;
    let entered = match outcome {
        Err(problems) => {
            typed.problems = problems;
            return show_entry(
                &req,
                &state,
                &session,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
            )
            .await;
        }
        Ok(Err(refused)) => {
            let status = match refused {
                Refused::Unknown | Refused::OtherVersion(_) => StatusCode::UNPROCESSABLE_ENTITY,
                Refused::Expired => StatusCode::GONE,
                Refused::NeedsSignIn => StatusCode::FORBIDDEN,
                _ => StatusCode::CONFLICT,
            };
            typed.code_problem = Some(refusal_text(lang, &refused));
            return show_entry(&req, &state, &session, &user, status, typed).await;
        }
        Ok(Ok(entered)) => entered,
    };
    let said = match &entered {
        Entered::Waiting => lang.text("staff-paper-first-entry-saved"),
        Entered::Stored => lang.text("staff-paper-entries-match"),
        Entered::Mismatch(d) => lang.text_with(
            "staff-paper-entries-differ",
            &[("items", d.join(", ").into())],
        ),
    };
    if entered == Entered::Stored {
        state.release_wake.notify_one();
    }
    notify(&session, &said);
    Ok(see_other(&format!(
        "/admin/paper?version={}&lang={}",
        typed.version.unwrap_or_default(),
        lang.code()
    )))
}

/// `GET /admin/paper/reconcile`
pub async fn reconcile(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let user = match province_staff(&state, &session).await? {
        Ok(user) => user,
        Err(page) => return Ok(page),
    };
    let (lang, switch) = lang_and_switch(&req, &query);
    let (secret, questionnaires) = (state.settings.secret.clone(), state.questionnaires.clone());
    let forms = db_call::blocking(&state.pool, move |conn| {
        paper::disagreements(conn, &secret, &questionnaires)
    })
    .await?;
    let shown: Vec<ToDecide<'_>> = forms
        .iter()
        .map(|f| ToDecide {
            entries: &f.entries,
            differences: &f.differences,
            questionnaire: &f.questionnaire,
        })
        .collect();
    let notice = take_notice(&session);
    with_csrf(&state, &session, StatusCode::OK, |csrf| {
        reconcile_page(
            &frame(lang, &user, csrf, &switch),
            &shown,
            notice.as_deref(),
        )
    })
}

/// `POST /admin/paper/decide`: keep one entry of a form, or discard the form.
pub async fn decide(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let user = match posted_by_province_staff(&req, &state, &session, &fields).await? {
        Ok(user) => user,
        Err(page) => return Ok(page),
    };
    let lang = crate::web::language::lang_of(&req);
    let Some(id) = fields.get("entry").and_then(|e| e.parse::<i32>().ok()) else {
        return Err(AppError::NotFound);
    };
    let decision = match fields.get("action").map(String::as_str) {
        Some("keep") => Decision::Keep(id),
        Some("discard") => Decision::Discard(id),
        _ => return Err(AppError::NotFound),
    };
    let thresholds = state.settings.integrity;
    let (secret, questionnaires, user_id) = (
        state.settings.secret.clone(),
        state.questionnaires.clone(),
        user.id,
    );
    let outcome = db_call::blocking(&state.pool, move |conn| {
        paper::decide(
            conn,
            &secret,
            &questionnaires,
            user_id,
            decision,
            thresholds,
        )
    })
    .await?;
    let said = match (&outcome, decision) {
        (Ok(_), Decision::Keep(_)) => lang
            .staff_text("staff-paper-the-form-is-stored-as-the")
            .to_owned(),
        (Ok(_), Decision::Discard(_)) => lang
            .staff_text("staff-paper-the-form-is-discarded-nothing-is")
            .to_owned(),
        (Err(refused), _) => refusal_text(lang, refused),
    };
    if outcome.is_ok() && matches!(decision, Decision::Keep(_)) {
        state.release_wake.notify_one();
    }
    notify(&session, &said);
    Ok(see_other(&format!(
        "/admin/paper/reconcile?lang={}",
        lang.code()
    )))
}
