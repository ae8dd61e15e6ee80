//! What every page handler needs to answer: an HTML response, a redirect, a one-line page, the
//! CSRF token of its forms (and the check of a posted one), and the one-time notice that follows
//! a change (post, redirect, get).

use actix_session::Session;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use maud::Markup;

use super::auth::session_store::USER_ID;
use super::csrf::{self, cookie_name, CsrfGuard, SESSION_SEED, STAFF_COOKIE};
use super::error::AppError;
use super::state::AppState;
use crate::domain::language::Lang;
use crate::views::layout::message_page;

/// A page; never cached (survey and staff pages carry tokens or personal scores).
pub fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// 303 See Other: after a form, the next page is fetched with GET, so a reload posts nothing.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// The same page in the other language: this query with `lang` replaced (values URL-encoded).
pub fn switch_href(lang: Lang, query: &[(String, String)]) -> String {
    let here = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    crate::views::layout::in_language(&format!("?{here}"), lang.other())
}

/// A page that says one thing (thanks, expired, not found, …).
pub fn message(status: StatusCode, lang: Lang, title: &str, body: &str) -> HttpResponse {
    html(
        status,
        message_page(lang, title, body, &switch_href(lang, &[])),
    )
}

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
    render: impl FnOnce(&str) -> Markup,
) -> Result<HttpResponse, AppError> {
    if let Some(seed) = session_seed(session) {
        return Ok(html(status, render(&state.csrf.session_token(&seed))));
    }
    let pair = state
        .csrf
        .issue()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no CSRF pair")))?;
    let mut response = html(status, render(&pair.token));
    let _ = response.add_cookie(&csrf::cookie(
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

const NOTICE: &str = "notice";

/// Leaves a notice for the next page this session sees (after a change, before the redirect).
pub fn notify(session: &Session, notice: &str) {
    let _ = session.insert(NOTICE, notice);
}

/// The notice left by the last change, once.
pub fn take_notice(session: &Session) -> Option<String> {
    session.remove_as::<String>(NOTICE).and_then(Result::ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_switch_keeps_the_query_encoded() {
        let query = vec![
            ("field".to_owned(), "Đất đai & nhà ở".to_owned()),
            ("lang".to_owned(), "vi".to_owned()),
            ("period".to_owned(), "2026-Q3".to_owned()),
        ];
        assert_eq!(
            switch_href(Lang::VI, &query),
            "?field=%C4%90%E1%BA%A5t+%C4%91ai+%26+nh%C3%A0+%E1%BB%9F&period=2026-Q3&lang=en"
        );
        assert_eq!(switch_href(Lang::EN, &[]), "?lang=vi");
    }
}
