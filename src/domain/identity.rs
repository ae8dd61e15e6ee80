//! An applicant's identity number (citizen ID or tax code), normalised so that the same person
//! always hashes the same, then kept only as a keyed hash.

use crate::secret::SecretKey;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("expected a 12-digit citizen ID number (CCCD) or a 10- or 13-digit tax code")]
    Malformed,
}

/// A normalised identity number. Deliberately not `Debug`-printable in clear: it must never
/// reach a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct ApplicantId(String);

impl std::fmt::Debug for ApplicantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApplicantId(<hidden>)")
    }
}

impl ApplicantId {
    /// Accepts spaces, dots and dashes as people type them ("0101234567-001"); keeps digits.
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let mut digits = String::with_capacity(13);
        for c in raw.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' => {}
                _ => return Err(IdentityError::Malformed),
            }
        }
        match digits.len() {
            10 | 12 | 13 => Ok(Self(digits)),
            _ => Err(IdentityError::Malformed),
        }
    }

    pub fn keyed_hash(&self, secret: &SecretKey) -> Vec<u8> {
        secret
            .keyed_hash("applicant-identity", self.0.as_bytes())
            .to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_number_typed_differently_hashes_the_same() {
        let key = SecretKey::from_hex(&"ab".repeat(32)).unwrap();
        let a = ApplicantId::parse("0101234567-001").unwrap();
        let b = ApplicantId::parse(" 0101 234 567 001 ").unwrap();
        assert_eq!(a.keyed_hash(&key), b.keyed_hash(&key));
        assert!(ApplicantId::parse("089123456789").is_ok());
    }

    #[test]
    fn malformed_numbers_are_refused_and_never_printed() {
        for bad in ["12345", "08912345678a", "0891234567890123", ""] {
            assert_eq!(ApplicantId::parse(bad), Err(IdentityError::Malformed));
        }
        let id = ApplicantId::parse("089123456789").unwrap();
        assert!(!format!("{id:?}").contains("089"));
    }
}
