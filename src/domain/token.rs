//! Survey tokens and API keys: random, long, and kept only as keyed hashes.
//!
//! A survey token is derived from a random 128-bit salt and the server secret
//! (HMAC-SHA-256, 256 bits, base64url). The database keeps the salt and a keyed hash of the
//! token: whoever holds the database alone can neither read nor rebuild a link, while the
//! service can hand out the same link again when a dossier is re-sent.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::TryRngCore;

use crate::secret::SecretKey;

pub const SALT_BYTES: usize = 16;
/// Length of a token in its base64url form (32 bytes).
pub const TOKEN_LEN: usize = 43;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS generator only fails when the OS has no randomness at all; nothing sensible can
    // go on without it.
    if rand::rngs::OsRng.try_fill_bytes(&mut bytes).is_err() {
        panic!("the operating system's random number generator failed");
    }
    bytes
}

pub fn new_salt() -> Vec<u8> {
    random_bytes::<SALT_BYTES>().to_vec()
}

pub fn survey_token(secret: &SecretKey, salt: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(secret.keyed_hash("survey-token", salt))
}

pub fn survey_token_hash(secret: &SecretKey, token: &str) -> Vec<u8> {
    secret
        .keyed_hash("survey-token-lookup", token.as_bytes())
        .to_vec()
}

/// The mark a spent link leaves: a keyed hash of the token under its own purpose. The database
/// keeps `survey_token_hash` on the invitation and this one in `spent_links`; without the secret
/// neither can be computed from the other, so the database alone cannot tell which invitation
/// was answered.
pub fn spent_key(secret: &SecretKey, token: &str) -> Vec<u8> {
    secret
        .keyed_hash("survey-token-spent", token.as_bytes())
        .to_vec()
}

/// Whether a string has the shape of a survey token (so that garbage never reaches the
/// database).
pub fn looks_like_token(s: &str) -> bool {
    s.len() == TOKEN_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// 256 random bits, base64url: for anything that must be unguessable and is kept only as a
/// hash (API keys, e-ID sign-in handles, the dev provider's codes and tokens).
pub fn new_secret_string() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

pub const API_KEY_PREFIX: &str = "hl_";

/// A new API key for an integrator: shown once, stored only as its hash.
pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", new_secret_string())
}

pub fn api_key_hash(secret: &SecretKey, key: &str) -> Vec<u8> {
    secret.keyed_hash("api-key", key.as_bytes()).to_vec()
}

/// A random id for a stored response: 128 bits, so that ids reveal nothing, not even order.
pub fn new_response_id() -> String {
    hex::encode(random_bytes::<16>())
}

/// A random 128-bit id for a held (sealed) response.
pub fn new_held_id() -> Vec<u8> {
    random_bytes::<16>().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_stable_for_its_salt_and_has_the_expected_shape() {
        let key = SecretKey::from_hex(&"01".repeat(32)).unwrap();
        let salt = new_salt();
        let token = survey_token(&key, &salt);
        assert_eq!(token, survey_token(&key, &salt));
        assert!(looks_like_token(&token));
        assert_ne!(token, survey_token(&key, &new_salt()));
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&format!("{}!", &token[1..])));
    }

    #[test]
    fn api_keys_and_response_ids_are_long_and_distinct() {
        let a = new_api_key();
        assert!(a.starts_with(API_KEY_PREFIX) && a.len() == 46);
        assert_ne!(a, new_api_key());
        assert_eq!(new_response_id().len(), 32);
    }
}
