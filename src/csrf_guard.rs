//! CSRF protection for HTML forms with the `csrf` crate: an HMAC-signed token in the form and a
//! matching signed cookie; both must come back together and unexpired.

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine;
use csrf::{CsrfProtection, HmacCsrfProtection};

use crate::secret::SecretKey;

pub const COOKIE: &str = "hl_csrf";
/// How long a form stays valid once served.
pub const TTL_SECONDS: i64 = 4 * 60 * 60;

pub struct CsrfGuard(HmacCsrfProtection);

pub struct Pair {
    /// For the hidden form field.
    pub token: String,
    /// For the cookie.
    pub cookie: String,
}

impl CsrfGuard {
    pub fn new(secret: &SecretKey) -> Self {
        Self(HmacCsrfProtection::from_key(secret.keyed_hash("csrf", b"")))
    }

    pub fn issue(&self) -> Option<Pair> {
        let (token, cookie) = self.0.generate_token_pair(None, TTL_SECONDS).ok()?;
        Some(Pair {
            token: token.b64_url_string(),
            cookie: cookie.b64_string(),
        })
    }

    pub fn verify(&self, token: &str, cookie: &str) -> bool {
        let (Ok(token), Ok(cookie)) = (URL_SAFE.decode(token), STANDARD.decode(cookie)) else {
            return false;
        };
        match (self.0.parse_token(&token), self.0.parse_cookie(&cookie)) {
            (Ok(t), Ok(c)) => self.0.verify_token_pair(&t, &c).is_ok(),
            _ => false,
        }
    }
}

/// The cookie half of a pair: HttpOnly, SameSite=Strict, Secure behind HTTPS.
pub fn cookie(
    name: &'static str,
    path: &'static str,
    value: String,
    secure: bool,
) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::build(name, value)
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
}
