-- Invitations waiting to be delivered (SMS/e-mail gateway webhook). A row holds no token and no
-- contact: the sender derives the link and reads the contact from the dossier, and erases the
-- contact once delivered.
CREATE TABLE outbox (
    id SERIAL PRIMARY KEY,
    invitation_id INTEGER NOT NULL UNIQUE REFERENCES invitations (id),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (delivered_at, next_attempt_at);
