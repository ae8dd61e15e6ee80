-- Contacts are kept sealed (AES-GCM under a key derived from the server secret), never in
-- clear: a copy of the database holds no phone number or e-mail address. The clear columns stay
-- (expand, then contract) but are no longer written; the application seals what they still
-- hold at start (src/services/privacy/upgrade.rs) and a later release drops them.
ALTER TABLE dossiers ADD COLUMN contact_sealed BYTEA;
-- Each message of an invitation is its own outbox row: 0 the invitation, 1.. the reminders;
-- one row per (invitation, message).
ALTER TABLE outbox ADD COLUMN message INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox DROP CONSTRAINT outbox_invitation_id_key;
ALTER TABLE outbox ADD CONSTRAINT outbox_invitation_message UNIQUE (invitation_id, message);
-- The citizen asked for no more messages about this dossier (opt-out link).
ALTER TABLE invitations ADD COLUMN opted_out_at TIMESTAMP;
