//! Creating staff accounts (the CLI's `user add`, the demo, and later the admin pages).

use crate::db::{agencies, audit, users, DbConnection};
use crate::domain::agency::Role;
use crate::domain::password;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("--email: {0:?} is not an e-mail address")]
    BadEmail(String),
    #[error("--agency: an agency user needs the code of their agency")]
    AgencyMissing,
    #[error("--agency: only agency users belong to an agency")]
    AgencyNotAllowed,
    #[error("--agency: no agency has the code {0:?}")]
    UnknownAgency(String),
    #[error("--email: an account for {0} exists already")]
    Exists(String),
    #[error("password: {0}")]
    Password(#[from] password::PasswordError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

pub fn normalise_email(raw: &str) -> Result<String, AccountError> {
    let email = raw.trim().to_lowercase();
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && !email.contains(char::is_whitespace) =>
        {
            Ok(email)
        }
        _ => Err(AccountError::BadEmail(raw.to_owned())),
    }
}

pub fn add_user(
    conn: &mut DbConnection,
    actor: &str,
    email: &str,
    role: Role,
    agency_code: Option<&str>,
    password: &str,
) -> Result<i32, AccountError> {
    let email = normalise_email(email)?;
    let agency_id = match (role, agency_code) {
        (Role::Agency, None) => return Err(AccountError::AgencyMissing),
        (Role::Agency, Some(code)) => Some(
            agencies::find_by_code(conn, code)?
                .ok_or_else(|| AccountError::UnknownAgency(code.to_owned()))?
                .id,
        ),
        (_, Some(_)) => return Err(AccountError::AgencyNotAllowed),
        (_, None) => None,
    };
    if users::by_email(conn, &email)?.is_some() {
        return Err(AccountError::Exists(email));
    }
    let hash = password::hash(password)?;
    let id = users::insert(conn, &email, &hash, role.as_str(), agency_id)?;
    audit::record(conn, actor, "user.add", &email, role.as_str())?;
    Ok(id)
}
