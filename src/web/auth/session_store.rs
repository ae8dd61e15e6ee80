//! actix-session's storage in our database. The session key (64 random alphanumerics, by
//! actix-session) stays in the cookie; rows hold a keyed hash of it, the state, and the user
//! id, so that disabling a user can end every session of theirs.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use anyhow::Context;
use rand::distr::{Alphanumeric, SampleString};

use crate::secret::SecretKey;
use crate::services::sessions;
use crate::services::store::DbPool;

pub const USER_ID: &str = "user_id";

#[derive(Clone)]
pub struct DbSessionStore {
    pool: DbPool,
    secret: SecretKey,
}

impl DbSessionStore {
    pub fn new(pool: DbPool, secret: SecretKey) -> Self {
        Self { pool, secret }
    }

    fn hash(&self, key: &SessionKey) -> Vec<u8> {
        self.secret
            .keyed_hash("session", key.as_ref().as_bytes())
            .to_vec()
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(
                &mut crate::services::store::DbConnection,
            ) -> crate::services::store::QueryResult<T>
            + Send
            + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        actix_web::web::block(move || -> anyhow::Result<T> {
            let mut conn = pool
                .get()
                .context("session store: no database connection")?;
            Ok(work(&mut conn)?)
        })
        .await
        .context("session store: blocking task")?
    }
}

fn user_of(state: &HashMap<String, String>) -> Option<i32> {
    state
        .get(USER_ID)
        .and_then(|v| serde_json::from_str::<i32>(v).ok())
}

fn expiry(ttl: &Duration) -> chrono::NaiveDateTime {
    (crate::clock::now() + chrono::Duration::seconds(ttl.whole_seconds())).naive_utc()
}

impl SessionStore for DbSessionStore {
    async fn load(
        &self,
        session_key: &SessionKey,
    ) -> Result<Option<HashMap<String, String>>, LoadError> {
        let hash = self.hash(session_key);
        let state = self
            .run(move |c| sessions::load(c, &hash, crate::clock::now().naive_utc()))
            .await
            .map_err(LoadError::Other)?;
        state
            .map(|s| serde_json::from_str(&s).map_err(|e| LoadError::Deserialization(e.into())))
            .transpose()
    }

    async fn save(
        &self,
        session_state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        let key: SessionKey = Alphanumeric
            .sample_string(&mut rand::rng(), 64)
            .try_into()
            .map_err(|e| SaveError::Other(anyhow::anyhow!("{e}")))?;
        let hash = self.hash(&key);
        let state = serde_json::to_string(&session_state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        let user = user_of(&session_state);
        let expires = expiry(ttl);
        self.run(move |c| {
            sessions::insert(
                c,
                &hash,
                user,
                &state,
                crate::clock::now().naive_utc(),
                expires,
            )
        })
        .await
        .map_err(SaveError::Other)?;
        Ok(key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let hash = self.hash(&session_key);
        let state = serde_json::to_string(&session_state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        let user = user_of(&session_state);
        let expires = expiry(ttl);
        let existed = self
            .run(move |c| sessions::update(c, &hash, user, &state, expires))
            .await
            .map_err(UpdateError::Other)?;
        if existed {
            Ok(session_key)
        } else {
            // The session ended meanwhile (logout elsewhere, disabled user): start a new one.
            self.save(session_state, ttl)
                .await
                .map_err(|e| UpdateError::Other(anyhow::anyhow!("{e}")))
        }
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &Duration,
    ) -> Result<(), anyhow::Error> {
        let hash = self.hash(session_key);
        let expires = expiry(ttl);
        self.run(move |c| sessions::touch(c, &hash, expires)).await
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let hash = self.hash(session_key);
        self.run(move |c| sessions::delete(c, &hash)).await
    }
}
