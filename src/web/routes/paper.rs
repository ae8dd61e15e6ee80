//! Paper forms: `/paper/form` prints one (any staff; a code is printed, never looked up), `/admin/paper` is the province's double
//! data entry, `/admin/paper/reconcile` the forms whose two entries differ.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::domain::answers::AnswerProblem;
use crate::domain::paper_entry;
use crate::domain::survey_code::SurveyCode;
use crate::services::paper::{self, Decision, Entered, Refused, TypedForm, TypedOutcome};
use crate::views::i18n::Lang;
use crate::views::paper::{
    entry_page, printable_form, reconcile_page, EntryPage, Printed, ToDecide,
};
use crate::web::auth::staff::{ProvinceStaff, Staff};
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::page::{html, notify, see_other, take_notice};

type Query = web::Query<BTreeMap<String, String>>;

/// `GET /paper/form?version=&lang=&code=`: the form to print (A4), with the receipt's code on
/// it when one is given. The code is printed, never looked up: the page is the same for an
/// open, an answered, an expired and an unknown code, so printing a form tells staff nothing
/// about whether the citizen has answered (and guessing codes here finds nothing).
pub async fn form(staff: Staff, query: Query) -> Result<HttpResponse, AppError> {
    let (state, lang, switch) = (&staff.state, staff.lang, &staff.switch);
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
        printable_form(lang, &questionnaire, &printed, switch),
    ))
}

/// The entry page as posted: what was typed and why it was refused.
struct Typed {
    form: TypedForm,
    code_problem: Option<String>,
    problems: BTreeMap<String, AnswerProblem>,
}

impl Typed {
    fn new(form: TypedForm) -> Self {
        Self {
            form,
            code_problem: None,
            problems: BTreeMap::new(),
        }
    }
}

async fn show_entry(
    staff: &Staff,
    status: StatusCode,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let state = &staff.state;
    let questionnaires = state.questionnaires.clone();
    // No version (or an unknown one) is the newest.
    let asked = typed.form.version.clone();
    let (chosen, (waiting, to_decide)) = db_call::blocking(&state.pool, move |conn| {
        conn.snapshot(|conn| {
            let chosen = paper::versions_and(conn, &questionnaires, Some(&asked))?;
            Ok::<_, crate::services::surveys::SurveyError>((chosen, paper::counts(conn)?))
        })
    })
    .await?;
    let Some((versions, questionnaire)) = chosen else {
        return Err(AppError::NotFound);
    };
    let notice = take_notice(&staff.session);
    staff.page(status, |frame| {
        entry_page(
            frame,
            &EntryPage {
                versions: &versions,
                questionnaire: &questionnaire,
                code: &typed.form.code,
                typed: &typed.form.fields,
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
pub async fn entry(staff: ProvinceStaff, query: Query) -> Result<HttpResponse, AppError> {
    let typed = Typed::new(TypedForm {
        version: query.get("version").cloned().unwrap_or_default(),
        ..TypedForm::default()
    });
    show_entry(&staff, StatusCode::OK, typed).await
}

/// `POST /admin/paper`: one entry of one form.
pub async fn enter(staff: ProvinceStaff) -> Result<HttpResponse, AppError> {
    let (state, lang) = (&staff.state, staff.lang);
    let form = TypedForm {
        version: staff.form.get("version").cloned().unwrap_or_default(),
        code: staff.form.get("code").cloned().unwrap_or_default(),
        fields: staff
            .form
            .iter()
            .filter(|(k, _)| k.starts_with(paper_entry::FIELD_PREFIX) || *k == "comment")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    let mut typed = Typed::new(form.clone());
    let (secret, questionnaires) = (state.settings.secret.clone(), state.questionnaires.clone());
    let (user_id, thresholds) = (staff.user.id, state.settings.integrity);
    let outcome = db_call::blocking(&state.pool, move |conn| {
        paper::enter_typed(conn, &secret, &questionnaires, user_id, &form, thresholds)
    })
    .await?;
    let entered = match outcome {
        TypedOutcome::Entered(entered) => entered,
        refused => {
            let status = typed.refused(refused, lang);
            return show_entry(&staff, status, typed).await;
        }
    };
    if entered == Entered::Stored {
        state.release_wake.notify_one();
    }
    notify(&staff.session, &said(lang, &entered));
    Ok(see_other(&format!(
        "/admin/paper?version={}&lang={}",
        typed.form.version,
        lang.code()
    )))
}

impl Typed {
    /// Says on the form why it was not entered; the page's status.
    fn refused(&mut self, outcome: TypedOutcome, lang: Lang) -> StatusCode {
        match outcome {
            TypedOutcome::BadCode(refusal) => self.code_problem = Some(refusal.say(lang)),
            TypedOutcome::Unreadable(problems) => self.problems = problems,
            TypedOutcome::Refused(refused) => {
                self.code_problem = Some(refused.refusal().say(lang));
                return match refused {
                    Refused::Unknown | Refused::OtherVersion(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    Refused::Expired => StatusCode::GONE,
                    Refused::NeedsSignIn => StatusCode::FORBIDDEN,
                    _ => StatusCode::CONFLICT,
                };
            }
            TypedOutcome::Entered(_) => {}
        }
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// What staff are told once an entry is saved.
fn said(lang: Lang, entered: &Entered) -> String {
    match entered {
        Entered::Waiting => lang.text("staff-paper-first-entry-saved"),
        Entered::Stored => lang.text("staff-paper-entries-match"),
        Entered::Mismatch(d) => lang.text_with(
            "staff-paper-entries-differ",
            &[("items", d.join(", ").into())],
        ),
    }
}

/// `GET /admin/paper/reconcile`
pub async fn reconcile(staff: ProvinceStaff) -> Result<HttpResponse, AppError> {
    let state = &staff.state;
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
    let notice = take_notice(&staff.session);
    staff.page(StatusCode::OK, |frame| {
        reconcile_page(frame, &shown, notice.as_deref())
    })
}

/// `POST /admin/paper/decide`: keep one entry of a form, or discard the form.
pub async fn decide(staff: ProvinceStaff) -> Result<HttpResponse, AppError> {
    let (state, session, user, lang) = (&staff.state, &staff.session, &staff.user, staff.lang);
    let fields = &staff.form;
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
        (Err(refused), _) => refused.refusal().say(lang),
    };
    if outcome.is_ok() && matches!(decision, Decision::Keep(_)) {
        state.release_wake.notify_one();
    }
    notify(session, &said);
    Ok(see_other(&format!(
        "/admin/paper/reconcile?lang={}",
        lang.code()
    )))
}
