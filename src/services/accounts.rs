//! Staff accounts: created by the command line (`hailong user add`), the admin pages and the
//! demo; disabled and enabled on the admin pages. Every change is audited in its transaction.

use crate::db::{agencies, audit, users, DbConnection, QueryResult};
use crate::domain::agency::{AgencyCode, Role};
use crate::domain::email::Email;
use crate::domain::password::{self, PasswordError};

use super::{refuse, Refusal, ServiceError};

/// What an account is made of, as typed.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub role: Role,
    /// The agency's code, for an agency account.
    pub agency: Option<&'a str>,
    pub password: &'a str,
}

fn password_refusal(e: &PasswordError) -> Refusal {
    match e {
        PasswordError::TooShort => Refusal::new("password", "refusal-password-too-short")
            .with("chars", password::MIN_CHARS),
        PasswordError::TooLong => {
            Refusal::new("password", "refusal-password-too-long").with("chars", password::MAX_CHARS)
        }
        PasswordError::Hashing => Refusal::new("password", "refusal-password-not-stored"),
    }
}

/// A staff account by id (the signed-in user behind a session).
pub use crate::db::users::by_id as account_by_id;

/// Creates an account; returns its id.
pub fn add(
    conn: &mut DbConnection,
    actor: &str,
    new: &NewAccount<'_>,
) -> Result<i32, ServiceError> {
    let Ok(email) = Email::parse(new.email) else {
        return refuse(
            Refusal::new("email", "refusal-not-an-email").with("email", new.email.trim()),
        );
    };
    let agency = new.agency.map(str::trim).filter(|a| !a.is_empty());
    let hash = password::hash(new.password).map_err(|e| password_refusal(&e))?;
    crate::db::transaction(conn, |conn| {
        let agency_id = match (new.role, agency) {
            (Role::Agency, None) => {
                return refuse(Refusal::new("agency", "refusal-account-needs-agency"))
            }
            (Role::Agency, Some(code)) => {
                let found = match AgencyCode::parse(code) {
                    Ok(code) => agencies::find_by_code(conn, code.as_ref())?,
                    Err(_) => None,
                };
                match found {
                    Some(agency) => Some(agency.id),
                    None => {
                        return refuse(
                            Refusal::new("agency", "refusal-no-such-agency").with("code", code),
                        )
                    }
                }
            }
            (_, Some(_)) => {
                return refuse(Refusal::new(
                    "agency",
                    "refusal-only-agency-accounts-have-agency",
                ))
            }
            (_, None) => None,
        };
        if users::by_email(conn, email.as_ref())?.is_some() {
            return refuse(
                Refusal::conflict("email", "refusal-account-exists").with("email", &email),
            );
        }
        let id = users::insert(conn, email.as_ref(), &hash, new.role, agency_id)?;
        audit::record(conn, actor, "user.add", email.as_ref(), new.role.as_str())?;
        Ok(id)
    })
}

/// Nobody disables their own account: nobody might be left to enable it.
pub fn refuse_own_account() -> Refusal {
    Refusal::new("account", "refusal-own-account")
}

/// Disables or enables an account; disabling ends its sessions at once. An administrator
/// cannot disable their own account (nobody might be left to enable it).
pub fn set_disabled(
    conn: &mut DbConnection,
    actor_id: i32,
    target_id: i32,
    disabled: bool,
) -> Result<String, ServiceError> {
    if disabled && actor_id == target_id {
        return Err(refuse_own_account().into());
    }
    crate::db::transaction(conn, |conn| {
        let Some(target) = users::by_id(conn, target_id)? else {
            return refuse(Refusal::new("account", "refusal-no-such-account"));
        };
        users::set_disabled(conn, target_id, disabled)?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        audit::record(conn, &format!("user:{actor_id}"), action, &target.email, "")?;
        Ok(target.email)
    })
}

/// One account as the admin page lists it.
pub struct AccountLine {
    pub user: users::User,
    /// Its agency's code, for an agency account.
    pub agency_code: Option<String>,
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<AccountLine>> {
    let codes: std::collections::HashMap<i32, String> = agencies::all(conn)?
        .into_iter()
        .map(|a| (a.id, a.code))
        .collect();
    Ok(users::all(conn)?
        .into_iter()
        .map(|user| AccountLine {
            agency_code: user.agency_id.and_then(|a| codes.get(&a).cloned()),
            user,
        })
        .collect())
}

/// How a sign-in ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    /// The account's id.
    Welcome(i32),
    /// Wrong e-mail or password (never which), or a disabled account.
    Refused,
    /// Too many failures lately for this account or this address.
    Throttled,
}

/// Checks an e-mail and password. An unknown e-mail costs the same time as a known one, and
/// failures are counted per account and per client address (see `sign_in_throttle`).
pub fn sign_in(
    conn: &mut DbConnection,
    secret: &crate::secret::SecretKey,
    email: &str,
    password_typed: &str,
    address: &str,
) -> QueryResult<SignIn> {
    use super::sign_in_throttle::{self as throttle, Subjects};
    let email = email.trim().to_lowercase();
    let subjects = Subjects::new(secret, &email, address);
    if throttle::is_throttled(conn, &subjects)? {
        return Ok(SignIn::Throttled);
    }
    let user = users::by_email(conn, &email)?;
    let verified = match &user {
        Some(u) if !u.disabled => password::verify(password_typed, &u.password_hash),
        _ => {
            password::verify_dummy(password_typed);
            false
        }
    };
    match user.filter(|_| verified) {
        Some(u) => {
            throttle::clear_account(conn, &subjects)?;
            Ok(SignIn::Welcome(u.id))
        }
        None => {
            throttle::record_failure(conn, &subjects)?;
            Ok(SignIn::Refused)
        }
    }
}
