//! `hailong backup` and `hailong restore`: a consistent copy of the database taken while the
//! service runs, and its return into an empty database, checked against the server secret
//! (a copy restored under another secret would be unreadable: see `secret_guard`).
//!
//! SQLite: `VACUUM INTO`, one read transaction, writers carry on. PostgreSQL: `pg_dump
//! --format=custom` and `pg_restore` (PostgreSQL's client tools, of the server's version).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::backup_crypt;
use crate::config::{DatabaseUrl, Settings};
use crate::db::{self, backup, secret_fingerprint};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists: a backup never overwrites a file")]
    Exists(PathBuf),
    #[error("{0} does not exist")]
    NoBackup(PathBuf),
    #[error(
        "the database to restore into is not empty ({tables} tables): restore into a new, empty \
         database (stop the service, move the old file or create a new database), so that \
         nothing is overwritten"
    )]
    NotEmpty { tables: i64 },
    #[error(
        "the backup was written with another server secret: restore the secret of that time \
         (HAILONG_SECRET_KEY or HAILONG_SECRET_FILE) with it. Nothing was restored"
    )]
    OtherSecret,
    #[error("{tool} failed: {message}")]
    Tool { tool: &'static str, message: String },
    #[error(transparent)]
    Crypt(#[from] super::backup_crypt::CryptError),
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
    #[error(transparent)]
    Pool(#[from] crate::db::PoolError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What a backup wrote.
pub struct Written {
    pub file: PathBuf,
    /// The secret's fingerprint (hex), also written beside the backup: which secret to keep
    /// with it.
    pub fingerprint: String,
    pub bytes: u64,
}

fn note_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".secret-fingerprint");
    PathBuf::from(name)
}

fn run_tool(tool: &'static str, args: &[&str]) -> Result<(), BackupError> {
    let output = Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| BackupError::Tool {
            tool,
            message: format!("{e} (install PostgreSQL's client tools)"),
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(BackupError::Tool {
            tool,
            message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

/// Copies the database into `out` (a new file) while the service may be running. The copy
/// holds password hashes, sessions and sealed data: it is written into a file of mode 0600
/// beside `out`, whatever the process's umask, and renamed to `out` only when complete (and
/// never over a file that appeared meanwhile).
/// With `encrypt_to` (age public keys), the file is encrypted for them: the plain copy exists
/// only as a temporary file of mode 0600, removed when done.
pub fn backup(
    settings: &Settings,
    out: &Path,
    encrypt_to: &[String],
) -> Result<Written, BackupError> {
    if out.exists() {
        return Err(BackupError::Exists(out.to_owned()));
    }
    let recipients = backup_crypt::recipients(encrypt_to)?;
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let private_file = || {
        tempfile::Builder::new()
            .prefix(".hailong-backup-")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(folder)
    };
    let partial = private_file()?;
    let partial_path = partial.path().to_string_lossy().into_owned();
    match &settings.database {
        DatabaseUrl::Sqlite(_) => {
            // VACUUM INTO writes into an empty file as into a new one, keeping its mode.
            let mut conn = db::build_pool(&settings.database, 1).get()?;
            backup::sqlite_vacuum_into(&mut conn, &partial_path)?;
        }
        DatabaseUrl::Postgres(url) => run_tool(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                &partial_path,
                url,
            ],
        )?,
    }
    let finished = if recipients.is_empty() {
        partial
    } else {
        let mut sealed = private_file()?;
        backup_crypt::encrypt(partial.path(), sealed.as_file_mut(), &recipients)?;
        sealed.as_file().sync_all()?;
        sealed
    };
    finished.persist_noclobber(out).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            BackupError::Exists(out.to_owned())
        } else {
            BackupError::Io(e.error)
        }
    })?;
    let fingerprint = hex::encode(settings.secret.fingerprint());
    std::fs::write(note_path(out), format!("{fingerprint}\n"))?;
    Ok(Written {
        file: out.to_owned(),
        fingerprint,
        bytes: std::fs::metadata(out)?.len(),
    })
}

/// Brings a backup back into the configured database, which must be empty; refuses a backup
/// written under another secret. An encrypted backup needs the identity it was encrypted for;
/// it is decrypted into a temporary file of mode 0600, removed when done.
pub fn restore(
    settings: &Settings,
    file: &Path,
    identity: Option<&Path>,
) -> Result<(), BackupError> {
    if !file.exists() {
        return Err(BackupError::NoBackup(file.to_owned()));
    }
    if backup_crypt::is_encrypted(file)? {
        let identity = identity.ok_or(backup_crypt::CryptError::NeedsIdentity)?;
        let mut plain = tempfile::Builder::new()
            .prefix(".hailong-restore-")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile()?;
        backup_crypt::decrypt(file, identity, plain.as_file_mut())?;
        plain.as_file().sync_all()?;
        return restore_plain(settings, plain.path());
    }
    restore_plain(settings, file)
}

fn restore_plain(settings: &Settings, file: &Path) -> Result<(), BackupError> {
    let mut conn = db::build_pool(&settings.database, 1).get()?;
    let tables = backup::table_count(&mut conn)?;
    if tables > 0 {
        return Err(BackupError::NotEmpty { tables });
    }
    drop(conn);
    let wanted = settings.secret.fingerprint();
    match &settings.database {
        DatabaseUrl::Sqlite(target) => {
            // Checked on a copy beside the target, then moved into place in one rename.
            let staged = target.with_extension("restoring");
            std::fs::copy(file, &staged)?;
            let staged_url = DatabaseUrl::Sqlite(staged.clone());
            let recorded = db::build_pool(&staged_url, 1)
                .get()
                .map_err(BackupError::from)
                .and_then(|mut c| Ok(secret_fingerprint::get(&mut c)?));
            if !matches!(&recorded, Ok(Some(f)) if *f == wanted) {
                remove_sqlite_files(&staged);
                recorded?;
                return Err(BackupError::OtherSecret);
            }
            remove_sqlite_files(target);
            std::fs::rename(&staged, target)?;
            remove_sqlite_files(&staged);
        }
        DatabaseUrl::Postgres(url) => {
            run_tool(
                "pg_restore",
                &[
                    "--no-owner",
                    "--no-privileges",
                    "--dbname",
                    url,
                    &file.to_string_lossy(),
                ],
            )?;
            let mut conn = db::build_pool(&settings.database, 1).get()?;
            if secret_fingerprint::get(&mut conn)?.as_deref() != Some(&wanted[..]) {
                // Leave the database as it was: empty.
                backup::empty_postgres(&mut conn)?;
                return Err(BackupError::OtherSecret);
            }
        }
    }
    Ok(())
}

/// A SQLite file and its write-ahead log and shared memory, if any.
fn remove_sqlite_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}
