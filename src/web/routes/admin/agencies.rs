//! `/admin/agencies`: add a unit, set how its surveys open, correct its names, and close it in a
//! merger or split (after a confirmation that says what will happen).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::{Admin, Resource};
use crate::domain::agency::{AgencyKind, AgencyLevel, SurveyPolicy};
use crate::services::agencies as stored;
use crate::services::agencies::{self, NewAgency};
use crate::services::choice;
use crate::views::admin::{agencies_page, AgencyLine};
use crate::views::forms::{Confirmation, Posted};
use crate::web::db_call;
use crate::web::error::AppError;

pub struct Agencies;

impl Resource for Agencies {
    const LIST: &'static str = "/admin/agencies";

    async fn render(
        admin: &Admin,
        status: StatusCode,
        posted: Option<&Posted>,
    ) -> Result<HttpResponse, AppError> {
        let (all, mut successors_of) = db_call::blocking(&admin.state.pool, |conn| {
            Ok::<_, AppError>((stored::all(conn)?, stored::successors_by_predecessor(conn)?))
        })
        .await?;
        let code_of: std::collections::HashMap<i32, String> =
            all.iter().map(|a| (a.id, a.code.clone())).collect();
        let lines: Vec<AgencyLine> = all
            .iter()
            .map(|a| AgencyLine {
                code: a.code.clone(),
                name: admin.lang.pick(&a.name_vi, &a.name_en).to_owned(),
                level: a.level,
                parent: a
                    .parent_id
                    .and_then(|p| code_of.get(&p).cloned())
                    .unwrap_or_default(),
                valid: match a.valid_to {
                    Some(to) => format!("{} – {to}", a.valid_from),
                    None => format!("{} –", a.valid_from),
                },
                successors: successors_of.remove(&a.code).unwrap_or_default().join(", "),
                survey_policy: a.valid_to.is_none().then_some(a.survey_policy),
                contact: a.contact.clone().unwrap_or_default(),
            })
            .collect();
        let named = |a: &stored::Agency| {
            (
                a.code.clone(),
                admin.lang.pick(&a.name_vi, &a.name_en).to_owned(),
            )
        };
        let current: Vec<(String, String)> = all
            .iter()
            .filter(|a| a.valid_to.is_none())
            .map(named)
            .collect();
        let every: Vec<(String, String)> = all.iter().map(named).collect();
        admin.show(status, posted, |page| {
            agencies_page(page, &lines, &current, &every)
        })
    }
}

pub async fn add(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let (actor, fields) = (admin.actor(), admin.form.clone());
    let added = async {
        let level: AgencyLevel = choice(admin.field("level"), "level", "refusal-choose-level")?;
        let kind: AgencyKind = choice(admin.field("kind"), "kind", "refusal-choose-kind")?;
        db_call::blocking(&state.pool, move |conn| {
            let field = |name| super::field(&fields, name);
            agencies::add(
                conn,
                &actor,
                &NewAgency {
                    code: field("code"),
                    name_vi: field("name_vi"),
                    name_en: field("name_en"),
                    level,
                    kind,
                    parent: field("parent"),
                },
            )
        })
        .await
    }
    .await;
    let said = admin.lang.staff_text("staff-admin-agencies-agency-added");
    admin
        .then::<Agencies, _>("add", added, |code| format!("{said}{code}"))
        .await
}

/// `POST /admin/agencies/policy`: how an agency's surveys are opened (link or e-ID sign-in).
pub async fn set_survey_policy(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let (actor, code) = (admin.actor(), admin.field("code").to_owned());
    let changed = async {
        let policy: SurveyPolicy =
            choice(admin.field("policy"), "policy", "refusal-choose-policy")?;
        let stored_code = code.clone();
        db_call::blocking(&state.pool, move |conn| {
            agencies::change_survey_policy(conn, &actor, &stored_code, policy)
        })
        .await?;
        Ok::<_, AppError>(policy)
    }
    .await;
    let (lang, no_provider) = (admin.lang, state.eid.is_none());
    admin
        .then::<Agencies, _>("policy", changed, |policy| {
            let mut said = lang.text_with(
                "staff-admin-agencies-policy-saved",
                &[("code", code.as_str().into())],
            );
            if policy == SurveyPolicy::Verified && no_provider {
                said.push_str(lang.staff_text("staff-agencies-note-no-e-id-provider-is"));
            }
            said
        })
        .await
}

/// The successors named in a close form: the three pickers, or (from the confirmation, and
/// scripts) `successors` with codes separated by commas.
fn successors(admin: &Admin) -> Vec<String> {
    ["successors", "successor", "successor_2", "successor_3"]
        .iter()
        .flat_map(|name| agencies::parse_codes(admin.field(name)))
        .collect()
}

/// `POST /admin/agencies/close`: a merger or split. The first post checks it and asks for a
/// confirmation that says what will happen; the confirmed post records it.
pub async fn close(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let (code, successors) = (admin.field("code").to_owned(), successors(&admin));
    let effective_on = match choice::<chrono::NaiveDate>(
        admin.field("effective_on"),
        "effective_on",
        "refusal-effective-date",
    ) {
        Ok(day) => day,
        Err(refusal) => {
            let refused: Result<(), AppError> = Err(refusal.into());
            return admin
                .then::<Agencies, _>("close", refused, |()| String::new())
                .await;
        }
    };
    if !admin.confirmed() {
        let (checked_code, checked) = (code.clone(), successors.clone());
        let plan = db_call::blocking(&state.pool, move |conn| {
            agencies::plan_close(conn, &checked_code, effective_on, &checked)
        })
        .await;
        let plan = match plan {
            Ok(plan) => plan,
            Err(e) => {
                return admin
                    .then::<Agencies, ()>("close", Err(e), |()| String::new())
                    .await
            }
        };
        return ask_to_close(&admin, &plan);
    }
    let actor = admin.actor();
    let closed = db_call::blocking(&state.pool, move |conn| {
        agencies::close(conn, &actor, &code, effective_on, &successors)
    })
    .await;
    let lang = admin.lang;
    admin
        .then::<Agencies, _>("close", closed, |plan| {
            lang.text_with(
                "staff-admin-agencies-closed",
                &[
                    ("code", plan.code.as_str().into()),
                    ("effective_on", plan.effective_on.to_string().into()),
                ],
            )
        })
        .await
}

/// The confirmation page of a closure: what will happen, in the admin's language.
fn ask_to_close(admin: &Admin, plan: &agencies::ClosePlan) -> Result<HttpResponse, AppError> {
    let lang = admin.lang;
    let names: Vec<String> = plan
        .successors
        .iter()
        .map(|(c, n)| format!("{n} ({c})"))
        .collect();
    let facts = [
        ("code", plan.code.as_str().into()),
        ("name", lang.pick(&plan.name_vi, &plan.name_en).into()),
        ("effective_on", plan.effective_on.to_string().into()),
        ("last_day", plan.last_day.to_string().into()),
        ("successors", names.join(", ").into()),
    ];
    let question = lang.text_with("staff-admin-agencies-close-question", &facts);
    let consequence = lang.text_with("staff-admin-agencies-close-consequence", &facts);
    let codes: Vec<&str> = plan.successors.iter().map(|(c, _)| c.as_str()).collect();
    admin.ask(&Confirmation {
        title: lang.staff_text("staff-admin-agencies-close-an-agency"),
        question: &question,
        consequence: &consequence,
        action: "/admin/agencies/close",
        fields: &[
            ("code", plan.code.clone()),
            ("effective_on", plan.effective_on.to_string()),
            ("successors", codes.join(",")),
        ],
        confirm_label: lang.staff_text("staff-admin-agencies-close-the-agency"),
        back_href: Agencies::LIST,
    })
}

/// `POST /admin/agencies/rename`: corrects an agency's names.
pub async fn set_contact(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let (actor, fields) = (admin.actor(), admin.form.clone());
    let set = db_call::blocking(&state.pool, move |conn| {
        let field = |name| super::field(&fields, name);
        agencies::set_contact(conn, &actor, field("code"), field("contact"))
    })
    .await;
    let (said, code) = (
        admin
            .lang
            .staff_text("staff-admin-agencies-contact-line-saved"),
        admin.field("code").to_owned(),
    );
    admin
        .then::<Agencies, _>("contact", set, |()| format!("{said}{code}"))
        .await
}

pub async fn rename(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let (actor, fields) = (admin.actor(), admin.form.clone());
    let renamed = db_call::blocking(&state.pool, move |conn| {
        let field = |name| super::field(&fields, name);
        agencies::rename(
            conn,
            &actor,
            field("code"),
            field("name_vi"),
            field("name_en"),
        )
    })
    .await;
    let (said, code) = (
        admin
            .lang
            .staff_text("staff-admin-agencies-names-corrected"),
        admin.field("code").to_owned(),
    );
    admin
        .then::<Agencies, _>("rename", renamed, |()| format!("{said}{code}"))
        .await
}
