-- The server secret's fingerprint (a keyed hash of a constant under the secret: it tells two
-- secrets apart and reveals nothing of either). Recorded at the first start; a start with
-- another secret on this database is refused (src/services/secret_guard.rs), because every
-- survey link, API key, session and identity hash depends on the secret.
CREATE TABLE secret_fingerprint (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    fingerprint BYTEA NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
