//! Encrypted backups: a backup written for a recipient's age public key (`age1…`), so that a
//! copy kept off-site carries nothing readable; restored with the matching identity
//! (`AGE-SECRET-KEY-1…`), which is kept elsewhere again (another person, a safe). The age
//! format (age-encryption.org/v1) is read by the `age` and `rage` tools as well.

use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::ExposeSecret;

/// What every age file starts with.
const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";

#[derive(Debug, thiserror::Error)]
pub enum CryptError {
    #[error("{0:?} is not an age public key (age1…)")]
    BadRecipient(String),
    #[error("{file}: no age identity (AGE-SECRET-KEY-1…) in it")]
    BadIdentity { file: String },
    #[error("the backup is encrypted: give the identity it was encrypted for (--identity FILE)")]
    NeedsIdentity,
    #[error("the backup could not be decrypted with that identity: {0}")]
    Decrypt(String),
    #[error("encrypting the backup: {0}")]
    Encrypt(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Parses public keys as given on the command line.
pub fn recipients(given: &[String]) -> Result<Vec<age::x25519::Recipient>, CryptError> {
    given
        .iter()
        .map(|r| {
            r.trim()
                .parse()
                .map_err(|_| CryptError::BadRecipient(r.clone()))
        })
        .collect()
}

/// A new key pair: (the identity, to keep secret; the recipient, to give `--encrypt-to`).
pub fn new_key_pair() -> (String, String) {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    (identity.to_string().expose_secret().to_owned(), recipient)
}

/// Encrypts `plain` into `sealed` for every recipient.
pub fn encrypt(
    plain: &Path,
    sealed: &mut impl Write,
    to: &[age::x25519::Recipient],
) -> Result<(), CryptError> {
    let encryptor = age::Encryptor::with_recipients(to.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| CryptError::Encrypt(e.to_string()))?;
    let mut writer = encryptor
        .wrap_output(sealed)
        .map_err(|e| CryptError::Encrypt(e.to_string()))?;
    std::io::copy(&mut std::fs::File::open(plain)?, &mut writer)?;
    writer.finish()?;
    Ok(())
}

/// Whether a file is an age file.
pub fn is_encrypted(file: &Path) -> Result<bool, CryptError> {
    let mut start = [0u8; AGE_HEADER.len()];
    let mut opened = std::fs::File::open(file)?;
    let mut read = 0;
    while read < start.len() {
        match opened.read(&mut start[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(&start[..read] == AGE_HEADER)
}

/// Decrypts `sealed` into `plain` with the identities of `identity_file`.
pub fn decrypt(
    sealed: &Path,
    identity_file: &Path,
    plain: &mut impl Write,
) -> Result<(), CryptError> {
    let bad = || CryptError::BadIdentity {
        file: identity_file.display().to_string(),
    };
    let identities: Vec<age::x25519::Identity> = std::fs::read_to_string(identity_file)?
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .map(|l| l.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if identities.is_empty() {
        return Err(bad());
    }
    let decryptor = age::Decryptor::new(std::fs::File::open(sealed)?)
        .map_err(|e| CryptError::Decrypt(e.to_string()))?;
    let mut reader = decryptor
        .decrypt(identities.iter().map(|i| i as &dyn age::Identity))
        .map_err(|e| CryptError::Decrypt(e.to_string()))?;
    std::io::copy(&mut reader, plain)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_encrypted_for_a_key_opens_with_its_identity_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"SQLite format 3\0 and the rest").unwrap_or_default();
        let (identity, recipient) = new_key_pair();
        let (other, _) = new_key_pair();
        let to = recipients(&[recipient]).unwrap_or_default();
        let sealed = dir.path().join("sealed");
        let mut out = std::fs::File::create(&sealed).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(encrypt(&plain, &mut out, &to).is_ok());
        drop(out);
        assert!(is_encrypted(&sealed).unwrap_or(false));
        assert!(!is_encrypted(&plain).unwrap_or(true));
        let bytes = std::fs::read(&sealed).unwrap_or_default();
        assert!(
            !bytes.windows(6).any(|w| w == b"SQLite"),
            "nothing readable"
        );
        let key = dir.path().join("key");
        std::fs::write(&key, format!("# created by a test\n{identity}\n")).unwrap_or_default();
        let mut opened = Vec::new();
        assert!(decrypt(&sealed, &key, &mut opened).is_ok());
        assert_eq!(opened, b"SQLite format 3\0 and the rest");
        let wrong = dir.path().join("wrong");
        std::fs::write(&wrong, other).unwrap_or_default();
        assert!(matches!(
            decrypt(&sealed, &wrong, &mut Vec::new()),
            Err(CryptError::Decrypt(_))
        ));
        assert!(matches!(
            recipients(&["age1nonsense".to_owned()]),
            Err(CryptError::BadRecipient(_))
        ));
    }
}
