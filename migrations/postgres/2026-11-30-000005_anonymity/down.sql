DROP TABLE eid_sign_ins;
CREATE TABLE eid_sign_ins (
    key_hash BYTEA PRIMARY KEY NOT NULL,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id),
    state_hash BYTEA NOT NULL,
    nonce TEXT,
    pkce_verifier TEXT,
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX eid_sign_ins_expiry ON eid_sign_ins (expires_at);
ALTER TABLE dossiers DROP COLUMN submitted_by;
ALTER TABLE dossiers DROP COLUMN invited;
DROP INDEX invitations_expiry;
DROP INDEX responses_release;
ALTER TABLE responses DROP COLUMN released_in;
ALTER TABLE responses DROP COLUMN procedure_field;
DROP TABLE eid_daily_counts;
DROP TABLE withheld_responses;
DROP TABLE releases;
DROP TABLE held_responses;
DROP TABLE spent_links;
