//! CSRF protection for HTML forms. Pages without a session (the survey, the sign-in form) use
//! the `csrf` crate: an HMAC-signed token in the form and a matching signed cookie, both must
//! come back together and unexpired. Pages of a signed-in staff member use a synchronizer
//! token bound to the session: a keyed hash of a random seed kept in the server-side session
//! state, so a pair fetched anonymously (from another subdomain, over plain http) is worth
//! nothing against a signed-in session.

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine;
use csrf::{CsrfProtection, HmacCsrfProtection};

use crate::secret::SecretKey;

pub const COOKIE: &str = "hl_csrf";
/// How long a form stays valid once served.
pub const TTL_SECONDS: i64 = 4 * 60 * 60;

pub struct CsrfGuard {
    pairs: HmacCsrfProtection,
    session_key: SecretKey,
}

/// The session-state key of a signed-in session's CSRF seed.
pub const SESSION_SEED: &str = "csrf_seed";

pub struct Pair {
    /// For the hidden form field.
    pub token: String,
    /// For the cookie.
    pub cookie: String,
}

impl CsrfGuard {
    pub fn new(secret: &SecretKey) -> Self {
        Self {
            pairs: HmacCsrfProtection::from_key(secret.keyed_hash("csrf", b"")),
            session_key: secret.clone(),
        }
    }

    /// A new random seed for a signed-in session's tokens.
    pub fn new_seed() -> String {
        crate::domain::token::new_secret_string()
    }

    /// The form token of the session whose seed this is.
    pub fn session_token(&self, seed: &str) -> String {
        URL_SAFE.encode(self.session_key.keyed_hash("staff-csrf", seed.as_bytes()))
    }

    /// Whether a form's token belongs to the session whose seed this is.
    pub fn verify_session_token(&self, seed: &str, token: &str) -> bool {
        let expected = self.session_token(seed);
        subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), token.as_bytes()).into()
    }

    pub fn issue(&self) -> Option<Pair> {
        let (token, cookie) = self.pairs.generate_token_pair(None, TTL_SECONDS).ok()?;
        Some(Pair {
            token: token.b64_url_string(),
            cookie: cookie.b64_string(),
        })
    }

    pub fn verify(&self, token: &str, cookie: &str) -> bool {
        let (Ok(token), Ok(cookie)) = (URL_SAFE.decode(token), STANDARD.decode(cookie)) else {
            return false;
        };
        match (
            self.pairs.parse_token(&token),
            self.pairs.parse_cookie(&cookie),
        ) {
            (Ok(t), Ok(c)) => self.pairs.verify_token_pair(&t, &c).is_ok(),
            _ => false,
        }
    }
}

/// A cookie's name: with the `__Host-` prefix behind HTTPS, so that the browser keeps it to this
/// exact host, on Secure connections, for every path (no sibling subdomain can set or
/// overwrite it).
pub fn cookie_name(name: &str, https: bool) -> String {
    if https {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The cookie half of a pair: HttpOnly, SameSite=Strict, Secure behind HTTPS.
pub fn cookie(
    name: &str,
    path: &'static str,
    value: String,
    secure: bool,
) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::build(name.to_owned(), value)
        .path(path)
        .http_only(true)
        .secure(secure)
        .same_site(actix_web::cookie::SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::seconds(TTL_SECONDS))
        .finish()
}

/// The cookie of staff pages' forms (the survey's lives under /s/).
pub const STAFF_COOKIE: &str = "hl_staff_csrf";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_verifies_and_a_mixed_pair_does_not() {
        let guard = CsrfGuard::new(&SecretKey::from_hex(&"07".repeat(32)).unwrap());
        let a = guard.issue().unwrap();
        let b = guard.issue().unwrap();
        assert!(guard.verify(&a.token, &a.cookie));
        assert!(!guard.verify(&a.token, &b.cookie));
        assert!(!guard.verify("", &a.cookie));
        let other = CsrfGuard::new(&SecretKey::from_hex(&"08".repeat(32)).unwrap());
        assert!(!other.verify(&a.token, &a.cookie));
    }

    #[test]
    fn a_session_token_verifies_only_with_its_own_seed() {
        let guard = CsrfGuard::new(&SecretKey::from_hex(&"07".repeat(32)).unwrap());
        let (mine, theirs) = (CsrfGuard::new_seed(), CsrfGuard::new_seed());
        let token = guard.session_token(&mine);
        assert!(guard.verify_session_token(&mine, &token));
        assert!(!guard.verify_session_token(&theirs, &token));
        let pair = guard.issue().unwrap();
        assert!(!guard.verify_session_token(&mine, &pair.token));
    }
}
