//! The name of an integrator's API client: what the admin pages and the command line call it.

use std::fmt;

use super::text::nfc;

/// 1 to 100 characters (not bytes), trimmed, in NFC.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientName(String);

pub const MAX_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("give a name of 1 to {MAX_CHARS} characters")]
pub struct BadClientName;

impl ClientName {
    pub fn parse(raw: &str) -> Result<Self, BadClientName> {
        let name = nfc(raw.trim());
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_CHARS || name.chars().any(char::is_control) {
            return Err(BadClientName);
        }
        Ok(Self(name))
    }
}

impl AsRef<str> for ClientName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_counts_characters_not_bytes() {
        let vietnamese = "Hệ thống một cửa điện tử tỉnh An Giang ".repeat(3);
        let hundred: String = vietnamese.chars().take(100).collect();
        assert!(hundred.len() > 100, "more bytes than characters");
        assert!(ClientName::parse(&hundred).is_ok());
        assert!(ClientName::parse(&format!("{hundred}x")).is_err());
        assert!(ClientName::parse("  ").is_err());
        assert!(ClientName::parse("a\nb").is_err());
    }
}
