//! Who is signed in: read from the session on every request, checked against the database
//! (a disabled account is signed out at once) and against the absolute session lifetime.

use actix_session::Session;

use super::session_store::USER_ID;
use crate::domain::agency::Role;
use crate::services::accounts::account_by_id;
use crate::services::store::DbPool;
use crate::web::error::AppError;

pub const LOGIN_AT: &str = "login_at";
/// However active the user, a session ends 12 hours after sign-in.
pub const ABSOLUTE_LIFETIME_SECONDS: i64 = 12 * 3600;
/// A session unused for 30 minutes ends.
pub const IDLE_SECONDS: i64 = 30 * 60;

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i32,
    pub email: String,
    pub role: Role,
    pub agency_id: Option<i32>,
}

/// The signed-in user, or `None` (and the session ended) when there is none or it has lapsed.
pub async fn current_user(
    session: &Session,
    pool: &DbPool,
) -> Result<Option<CurrentUser>, AppError> {
    let Ok(Some(user_id)) = session.get::<i32>(USER_ID) else {
        return Ok(None);
    };
    let login_at = session.get::<i64>(LOGIN_AT).ok().flatten().unwrap_or(0);
    if crate::clock::now().timestamp() - login_at > ABSOLUTE_LIFETIME_SECONDS {
        session.purge();
        return Ok(None);
    }
    let user =
        crate::web::db_call::blocking(pool, move |conn| account_by_id(conn, user_id)).await?;
    match user {
        Some(u) if !u.disabled => Ok(Some(CurrentUser {
            id: u.id,
            email: u.email,
            role: u.role,
            agency_id: u.agency_id,
        })),
        _ => {
            session.purge();
            Ok(None)
        }
    }
}
