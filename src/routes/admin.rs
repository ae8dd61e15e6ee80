//! Admin: staff accounts (list, add, disable, enable). Every handler checks Need::Admin first.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use super::account::{csrf_ok, lang_of, with_csrf};
use crate::accounts;
use crate::auth::access::{authorize, Need, Scope};
use crate::auth::user::{current_user, CurrentUser};
use crate::db::{agencies, audit, users};
use crate::domain::agency::Role;
use crate::error::AppError;
use crate::startup::AppState;
use crate::views::admin::{users_page, UserLine};
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

fn sign_in() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/login"))
        .finish()
}

async fn render(
    req: &HttpRequest,
    state: &web::Data<AppState>,
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
    with_csrf(state, status, |csrf| {
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
    render(&req, &state, &user, StatusCode::OK, None).await
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
    let Some(user) = admin(&session, &state).await? else {
        return Ok(sign_in());
    };
    let form = form.into_inner();
    if !csrf_ok(&req, &state, form.csrf.as_deref()) {
        return Err(AppError::Forbidden);
    }
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
    let Some(user) = admin(&session, &state).await? else {
        return Ok(sign_in());
    };
    if !csrf_ok(&req, &state, csrf.as_deref()) {
        return Err(AppError::Forbidden);
    }
    if id == user.id && disabled {
        return render(
            &req,
            &state,
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
