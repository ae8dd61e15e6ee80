//! A staff member's e-mail address, as accounts are keyed by it: trimmed, lower-case.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an e-mail address")]
pub struct NotAnEmail(pub String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, NotAnEmail> {
        let email = raw.trim().to_lowercase();
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.contains(char::is_whitespace)
                    && email.chars().count() <= 254 =>
            {
                Ok(Self(email))
            }
            _ => Err(NotAnEmail(raw.to_owned())),
        }
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased_and_odd_ones_refused() {
        assert_eq!(
            Email::parse(" Admin@AnGiang.gov.vn ").unwrap().as_ref(),
            "admin@angiang.gov.vn"
        );
        for bad in ["", "a", "a@b", "@b.vn", "a b@c.vn", "a@.vn", "a@vn."] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }
}
