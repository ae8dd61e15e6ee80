-- Server-side sessions for agency, province and admin users. The session id lives only in the
-- user's cookie; we keep a keyed hash of it, so a copy of the database opens no session.
CREATE TABLE sessions (
    key_hash BYTEA PRIMARY KEY,
    user_id INTEGER REFERENCES users (id),
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, for throttling per account and per client address; `subject` is a keyed
-- hash ("account:…" or "address:…"), never the address itself.
CREATE TABLE login_failures (
    id SERIAL PRIMARY KEY,
    subject BYTEA NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);
