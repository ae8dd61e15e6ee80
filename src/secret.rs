//! The server secret: 256 bits that key every hash we keep of a person's identity or of a
//! token. Given as `HAILONG_SECRET_KEY` (64 hex digits) or kept in a file created on first start
//! with mode 0600. Losing it makes stored identity hashes unmatchable, so it is never rotated
//! silently: a file that exists but cannot be read is an error, not a reason to make a new one.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rand::TryRngCore;
use sha2::Sha256;

pub const SECRET_BYTES: usize = 32;

#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; SECRET_BYTES]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<hidden>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("expected 64 hexadecimal digits (256 bits)")]
    BadHex,
    #[error("secret file {path}: {message}")]
    File { path: PathBuf, message: String },
}

/// Where the secret came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOrigin {
    /// `HAILONG_SECRET_KEY`.
    Environment,
    /// An existing secret file.
    File(PathBuf),
    /// A file created just now, with a fresh key.
    Created(PathBuf),
}

impl SecretKey {
    /// Tells two secrets apart without revealing either: a keyed hash of a constant.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.keyed_hash("secret-fingerprint", b"hailong")
    }

    pub fn from_hex(raw: &str) -> Result<Self, SecretError> {
        let bytes = hex::decode(raw.trim()).map_err(|_| SecretError::BadHex)?;
        let bytes: [u8; SECRET_BYTES] = bytes.try_into().map_err(|_| SecretError::BadHex)?;
        Ok(Self(bytes))
    }

    pub fn generate() -> Result<Self, SecretError> {
        let mut bytes = [0u8; SECRET_BYTES];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| SecretError::File {
                path: PathBuf::new(),
                message: format!("the operating system gave no randomness: {e}"),
            })?;
        Ok(Self(bytes))
    }

    /// Reads the key from `path`, or creates the file (mode 0600) with a fresh key; says which.
    pub fn load_or_create(path: &Path) -> Result<(Self, SecretOrigin), SecretError> {
        let file_error = |message: String| SecretError::File {
            path: path.to_owned(),
            message,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text)
                .map(|key| (key, SecretOrigin::File(path.to_owned())))
                .map_err(|e| file_error(e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate()?;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(|e| file_error(e.to_string()))?;
                writeln!(file, "{}", hex::encode(key.0))
                    .and_then(|()| file.sync_all())
                    .map_err(|e| file_error(e.to_string()))?;
                Ok((key, SecretOrigin::Created(path.to_owned())))
            }
            Err(e) => Err(file_error(e.to_string())),
        }
    }

    /// HMAC-SHA-256 under a key derived for `purpose`, so that a hash made for one purpose
    /// (identities, tokens, sessions) can never be replayed as another.
    pub fn keyed_hash(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let derived = self.mac_once(purpose.as_bytes());
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&derived)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Encrypts `plaintext` with AES-256-GCM under a key derived for `purpose` and a random
    /// 96-bit nonce (kept in front of the ciphertext). For what must be kept but stay unreadable
    /// to whoever holds the database without the secret: held responses, sealed references.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Vec<u8> {
        use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
        let cipher = aes_gcm::Aes256Gcm::new(&self.mac_once(purpose.as_bytes()).into());
        let nonce = aes_gcm::Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        // Encryption under a valid key and nonce fails only for plaintexts beyond 64 GiB.
        match cipher.encrypt(&nonce, plaintext) {
            Ok(ciphertext) => out.extend(ciphertext),
            Err(_) => unreachable!("AES-GCM encrypts any plaintext under 64 GiB"),
        }
        out
    }

    /// The plaintext of what [`seal`](Self::seal) made for the same purpose under the same key;
    /// `None` when it was sealed under another key or purpose, or altered.
    pub fn unseal(&self, purpose: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        use aes_gcm::aead::{Aead, KeyInit};
        const NONCE_BYTES: usize = 12;
        if sealed.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let cipher = aes_gcm::Aes256Gcm::new(&self.mac_once(purpose.as_bytes()).into());
        cipher
            .decrypt(aes_gcm::Nonce::from_slice(nonce), ciphertext)
            .ok()
    }

    fn mac_once(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_secret_file_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let (first, created) = SecretKey::load_or_create(&path).unwrap();
        let (second, read) = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(first, second);
        assert_eq!(created, SecretOrigin::Created(path.clone()));
        assert_eq!(read, SecretOrigin::File(path.clone()));
        assert_ne!(
            first.fingerprint(),
            SecretKey::generate().unwrap().fingerprint()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn hashes_differ_by_purpose_and_key() {
        let a = SecretKey::from_hex(&"11".repeat(32)).unwrap();
        let b = SecretKey::from_hex(&"22".repeat(32)).unwrap();
        assert_ne!(a.keyed_hash("identity", b"x"), a.keyed_hash("token", b"x"));
        assert_ne!(
            a.keyed_hash("identity", b"x"),
            b.keyed_hash("identity", b"x")
        );
        assert_eq!(
            a.keyed_hash("identity", b"x"),
            a.keyed_hash("identity", b"x")
        );
    }

    #[test]
    fn sealed_data_opens_only_under_its_key_and_purpose() {
        let a = SecretKey::from_hex(&"11".repeat(32)).unwrap();
        let b = SecretKey::from_hex(&"22".repeat(32)).unwrap();
        let sealed = a.seal("held-response", b"answers");
        assert_eq!(a.unseal("held-response", &sealed).unwrap(), b"answers");
        assert_ne!(
            sealed,
            a.seal("held-response", b"answers"),
            "a fresh nonce each time"
        );
        assert!(a.unseal("other", &sealed).is_none());
        assert!(b.unseal("held-response", &sealed).is_none());
        let mut altered = sealed.clone();
        altered[20] ^= 1;
        assert!(a.unseal("held-response", &altered).is_none());
        assert!(a.unseal("held-response", b"short").is_none());
    }

    #[test]
    fn short_or_non_hex_keys_are_refused() {
        assert!(SecretKey::from_hex("abcd").is_err());
        assert!(SecretKey::from_hex(&"zz".repeat(32)).is_err());
    }
}
