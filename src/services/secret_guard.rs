//! The server secret can never change silently. Every survey link, API key, staff session,
//! identity hash and held response depends on it: a start with another secret would turn every
//! issued link into a 404 and every key into a 401 without a word. So the database records the
//! secret's fingerprint at its first start, and a start with another secret is refused before
//! anything is written, naming what to restore.

use crate::config::Settings;
use crate::db::{secret_fingerprint, DbConnection};
use crate::secret::SecretOrigin;

#[derive(Debug, thiserror::Error)]
pub enum SecretMismatch {
    #[error(
        "this database was written with another server secret ({origin}). Every survey link, \
         API key, session and identity hash depends on it: restore the original \
         HAILONG_SECRET_KEY, or the file HAILONG_SECRET_FILE names, from your backup, then start \
         again. Nothing was changed"
    )]
    Different { origin: String },
    #[error(
        "no server secret was found, so a new one was about to be created in {path}, but this \
         database already holds data written with the original one. Restore HAILONG_SECRET_KEY, \
         or the secret file (HAILONG_SECRET_FILE, default hailong.secret), from your backup, \
         then start again. Nothing was changed, and the new file was removed"
    )]
    Missing { path: String },
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

fn describe(origin: &SecretOrigin) -> String {
    match origin {
        SecretOrigin::Environment => "given in HAILONG_SECRET_KEY".to_owned(),
        SecretOrigin::File(path) | SecretOrigin::Created(path) => {
            format!("read from {}", path.display())
        }
    }
}

/// Checks the secret against the database's record of it (recording it on the first start).
/// Call it right after the migrations, before anything else is written.
pub fn check(conn: &mut DbConnection, settings: &Settings) -> Result<(), SecretMismatch> {
    let fingerprint = settings.secret.fingerprint();
    let refused = match secret_fingerprint::get(conn)? {
        Some(recorded) if recorded == fingerprint => return Ok(()),
        Some(_) => match &settings.secret_origin {
            SecretOrigin::Created(path) => SecretMismatch::Missing {
                path: path.display().to_string(),
            },
            origin => SecretMismatch::Different {
                origin: describe(origin),
            },
        },
        // A database from before fingerprints were recorded: a secret created just now cannot
        // be the one its data was written with.
        None => match &settings.secret_origin {
            SecretOrigin::Created(path) if secret_fingerprint::has_secret_bound_data(conn)? => {
                SecretMismatch::Missing {
                    path: path.display().to_string(),
                }
            }
            _ => {
                secret_fingerprint::record(conn, &fingerprint, crate::clock::now().naive_utc())?;
                return Ok(());
            }
        },
    };
    if let SecretOrigin::Created(path) = &settings.secret_origin {
        // The file holds a key nothing was written with: leave the place free for the backup.
        let _ = std::fs::remove_file(path);
    }
    Err(refused)
}

/// Says, once, that a new secret was created: it must be backed up with the database.
pub fn announce(settings: &Settings) {
    if let SecretOrigin::Created(path) = &settings.secret_origin {
        tracing::warn!(
            path = %path.display(),
            "created a new server secret: back this file up with the database; without it no \
             survey link, API key or identity hash can be checked again"
        );
    }
}

/// Applies pending migrations, then checks the secret: what every command that opens the
/// database does first. Instances starting together on one PostgreSQL database take turns
/// (the second finds nothing left to do), so they never create the same table twice.
pub fn open(conn: &mut DbConnection, settings: &Settings) -> anyhow::Result<Vec<String>> {
    let applied = crate::db::one_at_a_time(conn, |conn| {
        let applied =
            crate::services::privacy::migrate(conn, &settings.secret, settings.anonymity_k)?;
        check(conn, settings)?;
        Ok(applied)
    })?;
    announce(settings);
    Ok(applied)
}
