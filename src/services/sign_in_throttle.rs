//! Sign-in throttling per account and per client address: after too many failures in 15
//! minutes, further attempts are refused without checking the password. Unknown e-mails are
//! counted like known ones, so throttling reveals nothing about which accounts exist.

use chrono::Duration;

use crate::db::{users, DbConnection};
use crate::secret::SecretKey;

pub const WINDOW_MINUTES: i64 = 15;
pub const PER_ACCOUNT: i64 = 5;
pub const PER_ADDRESS: i64 = 20;

pub struct Subjects {
    account: Vec<u8>,
    address: Vec<u8>,
}

impl Subjects {
    pub fn new(secret: &SecretKey, email: &str, address: &str) -> Self {
        Self {
            account: secret
                .keyed_hash("throttle-account", email.as_bytes())
                .to_vec(),
            address: secret
                .keyed_hash("throttle-address", address.as_bytes())
                .to_vec(),
        }
    }
}

pub fn is_throttled(conn: &mut DbConnection, s: &Subjects) -> crate::db::QueryResult<bool> {
    let since = (crate::clock::now() - Duration::minutes(WINDOW_MINUTES)).naive_utc();
    Ok(
        users::failures_since(conn, &s.account, since)? >= PER_ACCOUNT
            || users::failures_since(conn, &s.address, since)? >= PER_ADDRESS,
    )
}

pub fn record_failure(conn: &mut DbConnection, s: &Subjects) -> crate::db::QueryResult<()> {
    let now = crate::clock::now().naive_utc();
    users::record_failure(conn, &s.account, now)?;
    users::record_failure(conn, &s.address, now)
}

pub fn clear_account(conn: &mut DbConnection, s: &Subjects) -> crate::db::QueryResult<()> {
    users::clear_failures(conn, &s.account)
}
