-- Identity-verified surveys. An agency's survey policy: 'link' (the survey link suffices) or
-- 'verified' (the respondent must also sign in with the national e-ID as the dossier's
-- applicant).
ALTER TABLE agencies ADD COLUMN survey_policy TEXT NOT NULL DEFAULT 'link'
    CHECK (survey_policy IN ('link', 'verified'));

-- The day (Vietnam time) an invitation was answered: enough to count how many surveys one
-- applicant answered today (the per-identity daily limit, through the index on
-- dossiers.applicant_hash); responses themselves carry no time.
ALTER TABLE invitations ADD COLUMN answered_on DATE;

-- An e-ID sign-in in progress or done, for one invitation, until the response is stored (then
-- the row is deleted in the same transaction). The browser holds a random handle; we keep its
-- keyed hash. Nothing from the identity provider's token is ever written here: the claims are
-- checked against the dossier in memory, and only `verified` records the outcome.
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
