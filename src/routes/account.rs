//! Sign-in and sign-out for staff.

use actix_session::Session;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use super::language::lang_of;
use crate::auth::session_store::USER_ID;
use crate::auth::throttle::{self, Subjects};
use crate::auth::user::{current_user, LOGIN_AT};
use crate::csrf_guard::{self, STAFF_COOKIE};
use crate::db::users;
use crate::domain::password;
use crate::error::AppError;
use crate::startup::AppState;
use crate::views::i18n::Lang;
use crate::views::staff::login_page;

/// A staff page with a fresh CSRF pair: the token for its forms, the cookie set here.
pub fn with_csrf(
    state: &AppState,
    status: StatusCode,
    render: impl FnOnce(&str) -> maud::Markup,
) -> Result<HttpResponse, AppError> {
    let pair = state
        .csrf
        .issue()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no CSRF pair")))?;
    let mut response = HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/html; charset=utf-8")
        .body(render(&pair.token).into_string());
    let _ = response.add_cookie(&csrf_guard::cookie(
        STAFF_COOKIE,
        "/",
        pair.cookie,
        state.settings.https(),
    ));
    Ok(response)
}

/// Whether a staff form came back with its CSRF pair.
pub fn csrf_ok(req: &HttpRequest, state: &AppState, token: Option<&str>) -> bool {
    match (token, req.cookie(STAFF_COOKIE)) {
        (Some(token), Some(cookie)) => state.csrf.verify(token, cookie.value()),
        _ => false,
    }
}

pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&req);
    with_csrf(&state, StatusCode::OK, |csrf| {
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
    if !csrf_ok(&req, &state, form.csrf.as_deref()) {
        return with_csrf(&state, StatusCode::FORBIDDEN, |csrf| {
            login_page(lang, csrf, &email, Some(t.form_expired))
        });
    }
    // The TCP peer, not X-Forwarded-For: a header anyone can set must not unlock more tries.
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let subjects = Subjects::new(&state.settings.secret, &email, &address);
    let pool = state.pool.clone();
    let lookup_email = email.clone();
    let outcome = web::block(move || -> Result<Result<i32, bool>, AppError> {
        let mut conn = pool.get()?;
        if throttle::is_throttled(&mut conn, &subjects)? {
            return Ok(Err(true));
        }
        let user = users::by_email(&mut conn, &lookup_email)?;
        let verified = match &user {
            Some(u) if !u.disabled => password::verify(&form.password, &u.password_hash),
            _ => {
                password::verify_dummy(&form.password);
                false
            }
        };
        match user.filter(|_| verified) {
            Some(u) => {
                throttle::clear_account(&mut conn, &subjects)?;
                Ok(Ok(u.id))
            }
            None => {
                throttle::record_failure(&mut conn, &subjects)?;
                Ok(Err(false))
            }
        }
    })
    .await??;
    match outcome {
        Ok(user_id) => {
            // A new session id at sign-in: an id planted before cannot be carried over.
            session.renew();
            session
                .insert(USER_ID, user_id)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            session
                .insert(LOGIN_AT, Utc::now().timestamp())
                .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/dashboard"))
                .finish())
        }
        Err(throttled) => {
            let (status, message) = if throttled {
                (StatusCode::TOO_MANY_REQUESTS, t.throttled)
            } else {
                (StatusCode::UNAUTHORIZED, t.bad_credentials)
            };
            with_csrf(&state, status, |csrf| {
                login_page(lang, csrf, &email, Some(message))
            })
        }
    }
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
    if !csrf_ok(&req, &state, form.csrf.as_deref()) {
        return Err(AppError::Forbidden);
    }
    session.purge();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/login"))
        .finish())
}

/// Sends a signed-in user to their dashboard, anyone else to sign in.
pub async fn dashboard_home(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let Some(user) = current_user(&session, &state).await? else {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login"))
            .finish());
    };
    let target = match (user.role, user.agency_id) {
        (crate::domain::agency::Role::Agency, Some(agency)) => {
            let pool = state.pool.clone();
            let code = web::block(move || -> Result<_, AppError> {
                let mut conn = pool.get()?;
                Ok(crate::db::agencies::by_id(&mut conn, agency)?.code)
            })
            .await??;
            format!("/dashboard/agency/{code}")
        }
        _ => "/dashboard/province".to_owned(),
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish())
}
