//! Integrators' API clients: a key is shown once and kept only as its keyed hash. The admin
//! pages and `hailong apikey` call the same functions.

use crate::db::{api_clients, audit, DbConnection, Failure, QueryResult};
use crate::domain::api_scope::ApiScope;
use crate::domain::client_name::{ClientName, MAX_CHARS};
use crate::domain::token;
use crate::secret::SecretKey;

use super::{refuse, Refusal, ServiceError};

/// A client just created, with its key (shown once, never stored).
pub struct Created {
    pub name: ClientName,
    pub key: String,
}

fn parse_name(raw: &str) -> Result<ClientName, ServiceError> {
    ClientName::parse(raw)
        .or_else(|_| refuse(Refusal::new("name", "refusal-client-name").with("chars", MAX_CHARS)))
}

/// The active client an API key's hash belongs to.
pub use crate::db::api_clients::{find_active, ApiClient};

pub fn create(
    conn: &mut DbConnection,
    secret: &SecretKey,
    actor: &str,
    raw_name: &str,
    scope: ApiScope,
) -> Result<Created, ServiceError> {
    let name = parse_name(raw_name)?;
    let key = token::new_api_key();
    let hash = token::api_key_hash(secret, &key);
    crate::db::transaction(conn, |conn| {
        if let Err(e) = api_clients::create(conn, name.as_ref(), &hash, scope.as_str()) {
            if crate::db::classify(&e) == Failure::Duplicate {
                return refuse(
                    Refusal::conflict("name", "refusal-client-name-taken")
                        .with("name", name.as_ref()),
                );
            }
            return Err(e.into());
        }
        audit::record(conn, actor, "apikey.create", name.as_ref(), scope.as_str())?;
        Ok(Created { name, key })
    })
}

/// Revokes the client's key: from now on it is refused.
pub fn revoke(conn: &mut DbConnection, actor: &str, raw_name: &str) -> Result<(), ServiceError> {
    let name = parse_name(raw_name)?;
    crate::db::transaction(conn, |conn| {
        if !api_clients::revoke(conn, name.as_ref())? {
            return refuse(Refusal::new("name", "refusal-no-such-key").with("name", name.as_ref()));
        }
        audit::record(conn, actor, "apikey.revoke", name.as_ref(), "")?;
        Ok(())
    })
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<api_clients::ApiClient>> {
    api_clients::all(conn)
}
