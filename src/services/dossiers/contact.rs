//! How a dossier's contact (the phone number and e-mail address its invitations go to) is
//! kept: sealed with AES-GCM under a key derived from the server secret, so that a copy of the
//! database holds no number or address, and kept only while a message may still go out
//! (erased after the last one, at an opt-out, or when the invitation expires).

use serde::{Deserialize, Serialize};

use crate::db::{dossiers, DbConnection, QueryResult};
use crate::secret::SecretKey;

/// The key-derivation purpose of sealed contacts: nothing else is sealed under it.
const PURPOSE: &str = "dossier-contact";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The language of the messages (`vi` when absent): a preference of the same person, kept
    /// and erased with the contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Contact {
    /// Nothing to reach (a language alone reaches nobody).
    pub fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none()
    }

    /// The sealed form to store; `None` when there is nothing to reach.
    pub fn seal(&self, secret: &SecretKey) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let plain = serde_json::to_vec(self).ok()?;
        Some(secret.seal(PURPOSE, &plain))
    }

    /// What [`seal`](Self::seal) stored; `None` if it was sealed under another secret or altered.
    pub fn unseal(secret: &SecretKey, sealed: &[u8]) -> Option<Self> {
        serde_json::from_slice(&secret.unseal(PURPOSE, sealed)?).ok()
    }

    /// The contact a dossier still keeps, opened; `None` once erased.
    pub fn of_dossier(
        conn: &mut DbConnection,
        secret: &SecretKey,
        dossier_id: i32,
    ) -> QueryResult<Option<Self>> {
        Ok(dossiers::contact(conn, dossier_id)?.and_then(|sealed| Self::unseal(secret, &sealed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_contact_shows_nothing_and_opens_only_with_its_secret() {
        let secret = SecretKey::generate().unwrap();
        let contact = Contact {
            phone: Some("0912345678".into()),
            email: Some("dan@example.vn".into()),
            language: Some("en".into()),
        };
        let sealed = contact.seal(&secret).unwrap();
        let bytes = String::from_utf8_lossy(&sealed);
        assert!(!bytes.contains("0912345678") && !bytes.contains("example.vn"));
        assert_eq!(Contact::unseal(&secret, &sealed), Some(contact.clone()));
        assert_eq!(
            Contact::unseal(&SecretKey::generate().unwrap(), &sealed),
            None
        );
        assert_eq!(Contact::default().seal(&secret), None, "nothing to keep");
        assert_ne!(
            contact.seal(&secret),
            Some(sealed),
            "a fresh nonce each time: equal contacts do not show as equal"
        );
    }
}
