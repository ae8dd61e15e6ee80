//! Admin: staff accounts (list, add, disable, enable). Every handler checks Need::Admin first.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use super::account::{csrf_ok, with_csrf};
use super::language::lang_of;
use crate::accounts;
use crate::auth::access::{authorize, Need, Scope};
use crate::auth::user::{current_user, CurrentUser};
use crate::db::{agencies, audit, users};
use crate::domain::agency::Role;
use crate::error::AppError;
use crate::startup::AppState;
use crate::views::admin::{
    agencies_page, clients_page, questionnaires_page, users_page, AgencyLine, ClientLine, UserLine,
};
use crate::views::dashboard::Frame;

async fn admin(
    session: &Session,
    state: &web::Data<AppState>,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(user) = current_user(session, state).await? else {
        return Ok(None);
    };
    authorize(&user, Need::Admin, &Scope::Everything)?;
    Ok(Some(user))
}

/// The signed-in admin behind a form that came back with its CSRF pair; `None`: not signed in.
async fn admin_posting(
    req: &HttpRequest,
    session: &Session,
    state: &web::Data<AppState>,
    csrf: Option<&str>,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(user) = admin(session, state).await? else {
        return Ok(None);
    };
    if !csrf_ok(req, state, session, csrf) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(user))
}

fn sign_in() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/login"))
        .finish()
}

async fn render(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    user: &CurrentUser,
    status: StatusCode,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let (all, codes) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let codes: HashMap<i32, String> = agencies::all(&mut conn)?
            .into_iter()
            .map(|a| (a.id, a.code))
            .collect();
        Ok((users::all(&mut conn)?, codes))
    })
    .await??;
    let lines: Vec<UserLine> = all
        .into_iter()
        .map(|u| UserLine {
            id: u.id,
            email: u.email,
            role: u.role,
            agency: u
                .agency_id
                .and_then(|a| codes.get(&a).cloned())
                .unwrap_or_default(),
            disabled: u.disabled,
        })
        .collect();
    let lang = lang_of(req);
    let switch = format!("?lang={}", lang.other().code());
    with_csrf(state, session, status, |csrf| {
        users_page(
            &Frame {
                lang,
                email: &user.email,
                admin: user.role == crate::domain::agency::Role::Admin,
                csrf,
                switch_href: &switch,
            },
            &lines,
            message.as_deref(),
        )
    })
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let Some(user) = admin(&session, &state).await? else {
        return Ok(sign_in());
    };
    render(&req, &state, &session, &user, StatusCode::OK, None).await
}

#[derive(serde::Deserialize)]
pub struct NewUser {
    csrf: Option<String>,
    email: String,
    role: String,
    agency: Option<String>,
    password: String,
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<NewUser>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(user) = admin_posting(&req, &session, &state, form.csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    let role: Role = form
        .role
        .parse()
        .map_err(|e: crate::domain::UnknownValue| AppError::Invalid(e.to_string()))?;
    let pool = state.pool.clone();
    let actor = format!("user:{}", user.id);
    let agency = form
        .agency
        .filter(|a| !a.trim().is_empty())
        .map(|a| a.trim().to_owned());
    let created = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(accounts::add_user(
            &mut conn,
            &actor,
            &form.email,
            role,
            agency.as_deref(),
            &form.password,
        ))
    })
    .await??;
    match created {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin/users"))
            .finish()),
        Err(accounts::AccountError::Database(e)) => Err(e.into()),
        Err(e) => {
            render(
                &req,
                &state,
                &session,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(e.to_string().trim_start_matches("--").to_owned()),
            )
            .await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    csrf: Option<String>,
}

async fn set_disabled(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    id: i32,
    csrf: Option<String>,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let Some(user) = admin_posting(&req, &session, &state, csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    if id == user.id && disabled {
        return render(
            &req,
            &state,
            &session,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("you cannot disable your own account".into()),
        )
        .await;
    }
    let pool = state.pool.clone();
    let actor = format!("user:{}", user.id);
    web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let target = users::by_id(&mut conn, id)?.ok_or(AppError::NotFound)?;
        users::set_disabled(&mut conn, id, disabled)?;
        audit::record(
            &mut conn,
            &actor,
            if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            &target.email,
            "",
        )?;
        Ok(())
    })
    .await??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/users"))
        .finish())
}

pub async fn disable(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<i32>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    set_disabled(
        req,
        state,
        session,
        id.into_inner(),
        form.into_inner().csrf,
        true,
    )
    .await
}

pub async fn enable(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<i32>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    set_disabled(
        req,
        state,
        session,
        id.into_inner(),
        form.into_inner().csrf,
        false,
    )
    .await
}

fn frame<'a>(
    req: &HttpRequest,
    user: &'a CurrentUser,
    csrf: &'a str,
    switch: &'a str,
) -> Frame<'a> {
    Frame {
        lang: lang_of(req),
        email: &user.email,
        admin: true,
        csrf,
        switch_href: switch,
    }
}

fn switch_of(req: &HttpRequest) -> String {
    format!("?lang={}", lang_of(req).other().code())
}

async fn render_clients(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    user: &CurrentUser,
    status: StatusCode,
    new_key: Option<(String, String)>,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let clients = web::block(move || -> Result<_, AppError> {
        Ok(crate::db::api_clients::all(&mut *pool.get()?)?)
    })
    .await??;
    let lines: Vec<ClientLine> = clients
        .into_iter()
        .map(|c| ClientLine {
            active: c.revoked_at.is_none(),
            state: c
                .revoked_at
                .map_or("active".to_owned(), |t| format!("revoked {t}")),
            name: c.name,
        })
        .collect();
    let switch = switch_of(req);
    with_csrf(state, session, status, |csrf| {
        clients_page(
            &frame(req, user, csrf, &switch),
            &lines,
            new_key.as_ref().map(|(n, k)| (n.as_str(), k.as_str())),
            message.as_deref(),
        )
    })
}

pub async fn clients(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let Some(user) = admin(&session, &state).await? else {
        return Ok(sign_in());
    };
    render_clients(&req, &state, &session, &user, StatusCode::OK, None, None).await
}

#[derive(serde::Deserialize)]
pub struct NamedForm {
    csrf: Option<String>,
    name: String,
}

pub async fn create_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<NamedForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(user) = admin_posting(&req, &session, &state, form.csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    let name = crate::domain::text::nfc(form.name.trim());
    if name.is_empty() || name.chars().count() > 100 {
        return render_clients(
            &req,
            &state,
            &session,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("name: give 1 to 100 characters".into()),
        )
        .await;
    }
    let key = crate::domain::token::new_api_key();
    let hash = crate::domain::token::api_key_hash(&state.settings.secret, &key);
    let (pool, actor, stored) = (
        state.pool.clone(),
        format!("user:{}", user.id),
        name.clone(),
    );
    let created = web::block(move || -> Result<Result<(), ()>, AppError> {
        let mut conn = pool.get()?;
        match crate::db::api_clients::create(&mut conn, &stored, &hash) {
            Ok(_) => {
                audit::record(&mut conn, &actor, "apikey.create", &stored, "")?;
                Ok(Ok(()))
            }
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(Err(())),
            Err(e) => Err(e.into()),
        }
    })
    .await??;
    match created {
        Ok(()) => {
            render_clients(
                &req,
                &state,
                &session,
                &user,
                StatusCode::CREATED,
                Some((name, key)),
                None,
            )
            .await
        }
        Err(()) => {
            render_clients(
                &req,
                &state,
                &session,
                &user,
                StatusCode::CONFLICT,
                None,
                Some(format!("name: a client named {name:?} exists already")),
            )
            .await
        }
    }
}

pub async fn revoke_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<NamedForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(user) = admin_posting(&req, &session, &state, form.csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    let (pool, actor) = (state.pool.clone(), format!("user:{}", user.id));
    web::block(move || -> Result<(), AppError> {
        let mut conn = pool.get()?;
        if crate::db::api_clients::revoke(&mut conn, &form.name)? {
            audit::record(&mut conn, &actor, "apikey.revoke", &form.name, "")?;
        }
        Ok(())
    })
    .await??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/api-clients"))
        .finish())
}

async fn render_questionnaires(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    user: &CurrentUser,
    status: StatusCode,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let versions = web::block(move || -> Result<_, AppError> {
        Ok(crate::export::questionnaire_versions(&mut *pool.get()?)?)
    })
    .await??;
    let lines: Vec<(String, usize)> = versions
        .into_iter()
        .map(|(v, json)| {
            let items = hailong_analysis::questionnaire::Questionnaire::from_json(&json)
                .map_or(0, |q| q.items.len());
            (v, items)
        })
        .collect();
    let switch = switch_of(req);
    with_csrf(state, session, status, |csrf| {
        questionnaires_page(&frame(req, user, csrf, &switch), &lines, message.as_deref())
    })
}

pub async fn questionnaires(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let Some(user) = admin(&session, &state).await? else {
        return Ok(sign_in());
    };
    render_questionnaires(&req, &state, &session, &user, StatusCode::OK, None).await
}

#[derive(serde::Deserialize)]
pub struct QuestionnaireForm {
    csrf: Option<String>,
    definition: String,
}

pub async fn publish_questionnaire(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<QuestionnaireForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(user) = admin_posting(&req, &session, &state, form.csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    let definition = crate::domain::text::nfc(&form.definition);
    let q = match hailong_analysis::questionnaire::Questionnaire::from_json(&definition) {
        Ok(q) => q,
        Err(e) => {
            return render_questionnaires(
                &req,
                &state,
                &session,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(e.to_string()),
            )
            .await
        }
    };
    let (pool, actor, version) = (
        state.pool.clone(),
        format!("user:{}", user.id),
        q.version.clone(),
    );
    let outcome = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let outcome = crate::db::questionnaires::publish(&mut conn, &version, &definition)?;
        if outcome == crate::db::questionnaires::Publication::Published {
            audit::record(&mut conn, &actor, "questionnaire.publish", &version, "")?;
        }
        Ok(outcome)
    })
    .await??;
    match outcome {
        crate::db::questionnaires::Publication::VersionTaken => {
            let message = format!("version: {} is already published with other content; give the new one a new version", q.version);
            render_questionnaires(
                &req,
                &state,
                &session,
                &user,
                StatusCode::CONFLICT,
                Some(message),
            )
            .await
        }
        _ => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin/questionnaires"))
            .finish()),
    }
}

async fn render_agencies(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    user: &CurrentUser,
    status: StatusCode,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let (all, mut successors_of) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok((
            agencies::all(&mut conn)?,
            agencies::successors_by_predecessor(&mut conn)?,
        ))
    })
    .await??;
    let code_of: HashMap<i32, String> = all.iter().map(|a| (a.id, a.code.clone())).collect();
    let lines: Vec<AgencyLine> = all
        .iter()
        .map(|a| AgencyLine {
            code: a.code.clone(),
            name: a.name_vi.clone(),
            level: a.level.clone(),
            parent: a
                .parent_id
                .and_then(|p| code_of.get(&p).cloned())
                .unwrap_or_default(),
            valid: match a.valid_to {
                Some(to) => format!("{} – {to}", a.valid_from),
                None => format!("{} –", a.valid_from),
            },
            successors: successors_of.remove(&a.code).unwrap_or_default().join(", "),
            survey_policy: a.valid_to.is_none().then(|| a.survey_policy.clone()),
        })
        .collect();
    let switch = switch_of(req);
    with_csrf(state, session, status, |csrf| {
        agencies_page(&frame(req, user, csrf, &switch), &lines, message.as_deref())
    })
}

/// After a change that worked: the list again (a reload does not post twice).
fn back_to_agencies() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/agencies"))
        .finish()
}

/// The agencies page again, with what was wrong in the form just posted.
async fn refuse_on_agencies(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    user: &CurrentUser,
    message: String,
) -> Result<HttpResponse, AppError> {
    render_agencies(
        req,
        state,
        session,
        user,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(message),
    )
    .await
}

pub async fn agencies_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let Some(user) = admin(&session, &state).await? else {
        return Ok(sign_in());
    };
    render_agencies(&req, &state, &session, &user, StatusCode::OK, None).await
}

#[derive(serde::Deserialize)]
pub struct AgencyForm {
    csrf: Option<String>,
    code: String,
    name_vi: String,
    name_en: String,
    level: String,
    kind: String,
    parent: String,
}

pub async fn add_agency(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<AgencyForm>,
) -> Result<HttpResponse, AppError> {
    use crate::domain::agency::{AgencyKind, AgencyLevel};
    let form = form.into_inner();
    let Some(user) = admin_posting(&req, &session, &state, form.csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    let code = form.code.trim().to_owned();
    let (name_vi, name_en) = (
        crate::domain::text::nfc(form.name_vi.trim()),
        crate::domain::text::nfc(form.name_en.trim()),
    );
    let problem = if let Err(rule) = crate::domain::agency::check_code(&code) {
        Some(format!("code: {rule}"))
    } else if name_vi.is_empty() || name_en.is_empty() {
        Some("name: both names are required".to_owned())
    } else if form.level.parse::<AgencyLevel>().is_err() {
        Some(format!("level: unknown level {:?}", form.level))
    } else if form.kind.parse::<AgencyKind>().is_err() {
        Some(format!("kind: unknown kind {:?}", form.kind))
    } else {
        None
    };
    if let Some(message) = problem {
        return refuse_on_agencies(&req, &state, &session, &user, message).await;
    }
    let (pool, actor) = (state.pool.clone(), format!("user:{}", user.id));
    let (level, kind, parent_code, stored_code) = (
        form.level.clone(),
        form.kind.clone(),
        form.parent.trim().to_owned(),
        code.clone(),
    );
    let outcome = web::block(move || -> Result<Option<String>, AppError> {
        let mut conn = pool.get()?;
        let Some(parent) = agencies::find_by_code(&mut conn, &parent_code)? else {
            return Ok(Some(format!(
                "parent: no agency has the code {parent_code:?}"
            )));
        };
        if let Some(last_day) = parent.valid_to {
            return Ok(Some(format!(
                "parent: {parent_code} is closed (its last day was {last_day})"
            )));
        }
        if agencies::find_by_code(&mut conn, &stored_code)?.is_some() {
            return Ok(Some(format!("code: {stored_code:?} exists already")));
        }
        agencies::insert(
            &mut conn,
            &agencies::NewAgency {
                code: &stored_code,
                name_vi: &name_vi,
                name_en: &name_en,
                level: &level,
                kind: &kind,
                parent_id: Some(parent.id),
                valid_from: chrono::Utc::now().date_naive(),
                valid_to: None,
            },
        )?;
        audit::record(&mut conn, &actor, "agency.add", &stored_code, "")?;
        Ok(None)
    })
    .await??;
    match outcome {
        None => Ok(back_to_agencies()),
        Some(message) => refuse_on_agencies(&req, &state, &session, &user, message).await,
    }
}

#[derive(serde::Deserialize)]
pub struct PolicyForm {
    csrf: Option<String>,
    code: String,
    policy: String,
}

/// `POST /admin/agencies/policy`: how an agency's surveys are opened (link or e-ID sign-in).
pub async fn set_survey_policy(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<PolicyForm>,
) -> Result<HttpResponse, AppError> {
    use crate::domain::agency::SurveyPolicy;
    let form = form.into_inner();
    let Some(user) = admin_posting(&req, &session, &state, form.csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    let Ok(policy) = form.policy.parse::<SurveyPolicy>() else {
        let message = format!(
            "policy: unknown value {:?}; expected link or verified",
            form.policy
        );
        return refuse_on_agencies(&req, &state, &session, &user, message).await;
    };
    let (pool, actor, code) = (state.pool.clone(), format!("user:{}", user.id), form.code);
    let changed = web::block(move || -> Result<bool, AppError> {
        let mut conn = pool.get()?;
        Ok(crate::agency_settings::change_survey_policy(
            &mut conn, &actor, &code, policy,
        )?)
    })
    .await??;
    if !changed {
        return refuse_on_agencies(
            &req,
            &state,
            &session,
            &user,
            "code: no such agency".to_owned(),
        )
        .await;
    }
    if policy == SurveyPolicy::Verified && state.eid.is_none() {
        return render_agencies(
            &req,
            &state,
            &session,
            &user,
            StatusCode::OK,
            Some("Saved, but no e-ID provider is configured (HAILONG_EID_ISSUER): this agency's surveys cannot be answered until one is.".to_owned()),
        )
        .await;
    }
    Ok(back_to_agencies())
}

#[derive(serde::Deserialize)]
pub struct CloseForm {
    csrf: Option<String>,
    code: String,
    effective_on: String,
    successors: String,
}

/// `POST /admin/agencies/close`: a merger or split takes effect (see `agency_settings::close`).
pub async fn close_agency(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<CloseForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(user) = admin_posting(&req, &session, &state, form.csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    let Ok(effective_on) = form.effective_on.trim().parse::<chrono::NaiveDate>() else {
        let message = format!(
            "effective_on: {:?} is not a date (YYYY-MM-DD)",
            form.effective_on
        );
        return refuse_on_agencies(&req, &state, &session, &user, message).await;
    };
    let (pool, actor) = (state.pool.clone(), format!("user:{}", user.id));
    let code = form.code.trim().to_owned();
    let successors = crate::agency_settings::parse_codes(&form.successors);
    let closed = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(crate::agency_settings::close(
            &mut conn,
            &actor,
            &code,
            effective_on,
            &successors,
        ))
    })
    .await??;
    match closed {
        Ok(()) => Ok(back_to_agencies()),
        Err(crate::agency_settings::CloseError::Database(e)) => Err(e.into()),
        Err(refused) => {
            refuse_on_agencies(&req, &state, &session, &user, refused.to_string()).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct RenameForm {
    csrf: Option<String>,
    code: String,
    name_vi: String,
    name_en: String,
}

/// `POST /admin/agencies/rename`: corrects an agency's names (see `agency_settings::rename`).
pub async fn rename_agency(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<RenameForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(user) = admin_posting(&req, &session, &state, form.csrf.as_deref()).await? else {
        return Ok(sign_in());
    };
    let (pool, actor) = (state.pool.clone(), format!("user:{}", user.id));
    let renamed = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(crate::agency_settings::rename(
            &mut conn,
            &actor,
            form.code.trim(),
            &form.name_vi,
            &form.name_en,
        ))
    })
    .await??;
    match renamed {
        Ok(()) => Ok(back_to_agencies()),
        Err(crate::agency_settings::RenameError::Database(e)) => Err(e.into()),
        Err(refused) => {
            refuse_on_agencies(&req, &state, &session, &user, refused.to_string()).await
        }
    }
}
