ALTER TABLE invitations DROP COLUMN opted_out_at;
-- Back to one row per invitation: the reminders' rows go.
CREATE TABLE outbox_invitations (
    id INTEGER PRIMARY KEY NOT NULL,
    invitation_id INTEGER NOT NULL UNIQUE REFERENCES invitations (id),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until TIMESTAMP
);
INSERT INTO outbox_invitations
    (id, invitation_id, attempts, next_attempt_at, delivered_at, last_error, claimed_by,
     claimed_until)
SELECT id, invitation_id, attempts, next_attempt_at, delivered_at, last_error, claimed_by,
       claimed_until
FROM outbox WHERE message = 0;
DROP TABLE outbox;
ALTER TABLE outbox_invitations RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (delivered_at, next_attempt_at);
ALTER TABLE dossiers DROP COLUMN contact_sealed;
