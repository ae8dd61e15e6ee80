-- Contacts are kept sealed (AES-GCM under a key derived from the server secret), never in
-- clear: a copy of the database holds no phone number or e-mail address. The clear columns stay
-- (expand, then contract) but are no longer written; the application seals what they still
-- hold at start (src/services/privacy/upgrade.rs) and a later release drops them.
ALTER TABLE dossiers ADD COLUMN contact_sealed BLOB;
-- Each message of an invitation is its own outbox row: 0 the invitation, 1.. the reminders;
-- one row per (invitation, message). SQLite cannot drop the old one-row-per-invitation
-- constraint in place: the table is rebuilt (nothing references it).
CREATE TABLE outbox_messages (
    id INTEGER PRIMARY KEY NOT NULL,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    message INTEGER NOT NULL DEFAULT 0,
    UNIQUE (invitation_id, message)
);
INSERT INTO outbox_messages
    (id, invitation_id, attempts, next_attempt_at, delivered_at, last_error, claimed_by,
     claimed_until, message)
SELECT id, invitation_id, attempts, next_attempt_at, delivered_at, last_error, claimed_by,
       claimed_until, 0
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_messages RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (delivered_at, next_attempt_at);
-- The citizen asked for no more messages about this dossier (opt-out link).
ALTER TABLE invitations ADD COLUMN opted_out_at TIMESTAMP;
