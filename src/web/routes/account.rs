//! Sign-in and sign-out for staff.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::services::accounts::{self, SignIn};
use crate::views::i18n::Lang;
use crate::views::staff::login_page;
use crate::web::auth::session_store::USER_ID;
use crate::web::auth::user::{current_user, LOGIN_AT};
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::language::lang_of;
use crate::web::page::{csrf_ok, see_other, with_csrf};
use crate::web::state::AppState;

pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&req);
    with_csrf(&state, &session, StatusCode::OK, |csrf| {
        login_page(lang, csrf, "", None)
    })
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: Option<String>,
    lang: Option<String>,
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let lang = form
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(|| lang_of(&req));
    let t = lang.staff();
    let email = form.email.trim().to_lowercase();
    if !csrf_ok(&req, &state, &session, form.csrf.as_deref()) {
        return with_csrf(&state, &session, StatusCode::FORBIDDEN, |csrf| {
            login_page(lang, csrf, &email, Some(t.form_expired))
        });
    }
    // The TCP peer, or what our own proxies say they saw: a header anyone else can set must
    // not unlock more tries.
    let address = crate::web::client_address::client_of(
        &state.settings.trusted_proxies,
        req.peer_addr(),
        req.headers(),
    )
    .map(|a| a.to_string())
    .unwrap_or_default();
    let (secret, typed_email) = (state.settings.secret.clone(), email.clone());
    let outcome = db_call::blocking(&state.pool, move |conn| {
        accounts::sign_in(conn, &secret, &typed_email, &form.password, &address)
    })
    .await?;
    let (status, message) = match outcome {
        SignIn::Welcome(user_id) => {
            // A new session id at sign-in: an id planted before cannot be carried over.
            session.renew();
            session
                .insert(USER_ID, user_id)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            session
                .insert(LOGIN_AT, crate::clock::now().timestamp())
                .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            return Ok(see_other("/dashboard"));
        }
        SignIn::Throttled => (StatusCode::TOO_MANY_REQUESTS, t.throttled),
        SignIn::Refused => (StatusCode::UNAUTHORIZED, t.bad_credentials),
    };
    with_csrf(&state, &session, status, |csrf| {
        login_page(lang, csrf, &email, Some(message))
    })
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    csrf: Option<String>,
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    if !csrf_ok(&req, &state, &session, form.csrf.as_deref()) {
        return Err(AppError::Forbidden);
    }
    session.purge();
    Ok(see_other("/login"))
}

/// Sends a signed-in user to their dashboard, anyone else to sign in.
pub async fn dashboard_home(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let Some(user) = current_user(&session, &state.pool).await? else {
        return Ok(see_other("/login"));
    };
    let target = match (user.role, user.agency_id) {
        (crate::domain::agency::Role::Agency, Some(agency)) => {
            let code = db_call::blocking(&state.pool, move |conn| {
                crate::services::agencies::by_id(conn, agency).map(|a| a.code)
            })
            .await?;
            format!("/dashboard/agency/{code}")
        }
        _ => "/dashboard/province".to_owned(),
    };
    Ok(see_other(&target))
}
