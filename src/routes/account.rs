//! Sign-in and sign-out for staff.

use actix_session::Session;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use super::language::lang_of;
use crate::auth::session_store::USER_ID;
use crate::auth::throttle::{self, Subjects};
use crate::auth::user::{current_user, LOGIN_AT};
use crate::csrf_guard::{self, cookie_name, CsrfGuard, SESSION_SEED, STAFF_COOKIE};
use crate::db::users;
use crate::domain::password;
use crate::error::AppError;
use crate::startup::AppState;
use crate::views::i18n::Lang;
use crate::views::staff::login_page;

/// The CSRF seed of a signed-in session (made on first use); `None` without a signed-in user.
fn session_seed(session: &Session) -> Option<String> {
    session.get::<i32>(USER_ID).ok().flatten()?;
    if let Ok(Some(seed)) = session.get::<String>(SESSION_SEED) {
        return Some(seed);
    }
    let seed = CsrfGuard::new_seed();
    session.insert(SESSION_SEED, &seed).ok()?;
    Some(seed)
}

/// A staff page with its CSRF token: bound to the session when someone is signed in, otherwise
/// (the sign-in form) a fresh token/cookie pair, the cookie set here.
pub fn with_csrf(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    render: impl FnOnce(&str) -> maud::Markup,
) -> Result<HttpResponse, AppError> {
    let page = |token: &str| {
        HttpResponse::build(status)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("text/html; charset=utf-8")
            .body(render(token).into_string())
    };
    if let Some(seed) = session_seed(session) {
        return Ok(page(&state.csrf.session_token(&seed)));
    }
    let pair = state
        .csrf
        .issue()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no CSRF pair")))?;
    let mut response = page(&pair.token);
    let _ = response.add_cookie(&csrf_guard::cookie(
        &cookie_name(STAFF_COOKIE, state.settings.https()),
        "/",
        pair.cookie,
        state.settings.https(),
    ));
    Ok(response)
}

/// Whether a staff form came back with its CSRF token: the session's own when someone is
/// signed in (a pair from the sign-in page does not do), else the pair.
pub fn csrf_ok(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    token: Option<&str>,
) -> bool {
    let Some(token) = token else {
        return false;
    };
    if session.get::<i32>(USER_ID).ok().flatten().is_some() {
        return session
            .get::<String>(SESSION_SEED)
            .ok()
            .flatten()
            .is_some_and(|seed| state.csrf.verify_session_token(&seed, token));
    }
    req.cookie(&cookie_name(STAFF_COOKIE, state.settings.https()))
        .is_some_and(|cookie| state.csrf.verify(token, cookie.value()))
}

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
            with_csrf(&state, &session, status, |csrf| {
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
    if !csrf_ok(&req, &state, &session, form.csrf.as_deref()) {
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
