ALTER TABLE invitations DROP COLUMN opted_out_at;
DELETE FROM outbox WHERE message > 0;
ALTER TABLE outbox DROP CONSTRAINT outbox_invitation_message;
ALTER TABLE outbox ADD CONSTRAINT outbox_invitation_id_key UNIQUE (invitation_id);
ALTER TABLE outbox DROP COLUMN message;
ALTER TABLE dossiers DROP COLUMN contact_sealed;
